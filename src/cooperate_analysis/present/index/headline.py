"""The index's headline figure: the confirmatory coefficients of the CSR index on each performance
score by district, with 95% intervals, read from the district runs' results files."""
from __future__ import annotations

import hashlib
import json
import re
import textwrap
from pathlib import Path

from ...data.io import atomic_write_text
from .. import formatting as fmt
from ..i18n import LOCALE_DIR, messages
from ..phrases import ALPHA


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def headline_rows(runs, values_of, cb) -> list[dict]:
    """The confirmatory CSR coefficients of every current district report (`values_of(run)`: its results
    values, {} when not current): one row per district and score with estimate, 95% interval and Holm p
    (estimate None when not estimable)."""
    rows = []
    for run in runs:
        district = run.parameters.get("district")
        values = values_of(run) if district else {}
        if not any(k.startswith("ols.score_") for k in values):
            continue
        for scale in cb.outcome_scales:
            key = f"ols.score_{scale}.csr_overall"
            est = values.get(f"{key}.estimate")
            ok = _number(est) and _number(values.get(f"{key}.ci_low")) and _number(values.get(f"{key}.ci_high"))
            rows.append({"district": district, "scale": scale, "estimate": est if ok else None,
                         "ci_low": values.get(f"{key}.ci_low") if ok else None,
                         "ci_high": values.get(f"{key}.ci_high") if ok else None,
                         "p_holm": values.get(f"holm.score_{scale}.p_adj")})
    return rows


def headline_svg(rows: list[dict], lang: str, cb) -> str:
    """The headline figure as inline SVG: one panel per score, one row per district, the estimate with
    its 95% interval (element ids `ci-<district>-<scale>` and `est-<district>-<scale>`), zero marked."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    _ = messages(lang)
    alpha = fmt.number(ALPHA, 2, lang)
    districts = list(dict.fromkeys(r["district"] for r in rows))
    scales = list(dict.fromkeys(r["scale"] for r in rows))
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cooperate-index", "font.size": 10,
                         "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False}):
        fig, axes = plt.subplots(1, len(scales), figsize=(9.5, 1.2 + 0.62 * len(districts)), sharex=True,
                                 sharey=True, squeeze=False)
        axes = axes[0]
        ys = {d: len(districts) - 1 - i for i, d in enumerate(districts)}
        for ax, scale in zip(axes, scales):
            ax.axvline(0, color="#888", lw=0.8, ls="--", zorder=1)
            for r in (r for r in rows if r["scale"] == scale):
                y, ident = ys[r["district"]], f"{r['district']}-{scale}"
                if r["estimate"] is None:
                    ax.text(0, y, _("not estimable with these data"), ha="center", va="center", fontsize=8,
                            color="#666", gid=f"ne-{ident}")
                    continue
                significant = _number(r["p_holm"]) and r["p_holm"] < ALPHA
                ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="#1f4e79", lw=2, solid_capstyle="butt",
                        gid=f"ci-{ident}", zorder=2)
                ax.plot([r["estimate"]], [y], marker="o", ms=7, color="#1f4e79", zorder=3,
                        markerfacecolor="#1f4e79" if significant else "white", gid=f"est-{ident}")
            ax.set_title(textwrap.fill(cb.label(scale, lang), 28), fontsize=10)
            ax.set_yticks(list(ys.values()), [textwrap.fill(cb.label(d, lang), 26) for d in ys])
            ax.set_ylim(-0.6, len(districts) - 0.4)
            ax.grid(axis="x", color="#eee", lw=0.6)
        axes[len(axes) // 2].set_xlabel(_("Coefficient of the CSR index (points on the 1–5 scale)"), fontsize=10)
        legend = ((_("Holm p < {alpha}", alpha=alpha), "#1f4e79"), (_("Holm p ≥ {alpha}", alpha=alpha), "white"))
        handles = [Line2D([], [], marker="o", color="#1f4e79", markerfacecolor=face, lw=0, label=label)
                   for label, face in legend]
        fig.legend(handles=handles, loc="upper right", ncol=2, frameon=False, fontsize=9,
                   bbox_to_anchor=(1.0, 1.02))
        fmt.localize_axes(fig, lang)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                 r'<svg\1 width="100%" role="img" aria-labelledby="headline-caption"', svg, count=1)
    return svg


def cached_svg(rows: list[dict], lang: str, folder: Path, cb) -> str:
    """`headline_svg`, drawn only when its numbers, this module or the index's catalog changed
    (matplotlib costs a second, and the index is rewritten at every step of a build)."""
    words = b"".join(p.read_bytes() for p in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/index.po")))
    key = hashlib.sha256(json.dumps([rows, lang, [cb.label(r["district"], lang) for r in rows]], sort_keys=True).encode()
                         + Path(__file__).read_bytes() + words).hexdigest()
    cache = folder / ".build" / f"headline-{lang}.svg"
    try:
        head, _, svg = cache.read_text(encoding="utf-8").partition("\n")
        if head == key:
            return svg
    except OSError:
        pass
    svg = headline_svg(rows, lang, cb)
    atomic_write_text(cache, f"{key}\n{svg}")
    return svg
