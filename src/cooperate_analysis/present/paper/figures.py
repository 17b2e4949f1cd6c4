"""The paper's figures: the conceptual model (drawn from hypotheses.yaml's `model`), the CSR coefficients
by district, and the robustness of the main result. Style from present.figures (text >= 7 pt in print)."""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..figures import DISTRICT_COLORS, FONT, WIDTH, _finish
from ..i18n import messages
from ..regression import district_short
from . import tables

# where each node of the model sits (x, y in axes units) and how wide its box is
LAYOUT = {"channels": (0.14, 0.78), "local_cooperation": (0.14, 0.40), "controls": (0.14, 0.08),
          "csr": (0.50, 0.66), "certification": (0.50, 0.24), "innovation": (0.86, 0.86),
          "intangible": (0.86, 0.56), "market": (0.86, 0.26), "district": (0.50, 0.96)}
BOX_W, BOX_H = 0.25, 0.15


def _node_text(text: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(text, width))


def conceptual_model(model: dict, lang: str) -> plt.Figure:
    """Boxes for the constructs, arrows for the hypothesised paths (labelled H1...), a dashed arrow for a
    path the data describe but do not test, and the district as a moderating context."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.4))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.04, 1.06)
    nodes = {n["id"]: n[lang] for n in model["nodes"]}
    for key, (x, y) in LAYOUT.items():
        if key not in nodes:
            continue
        h = BOX_H * (0.7 if key == "district" else 1)
        box = FancyBboxPatch((x - BOX_W / 2, y - h / 2), BOX_W, h, boxstyle="round,pad=0.01",
                             fc="#eef3f8" if key != "district" else "#fff6e0", ec="#345", lw=0.9)
        ax.add_patch(box)
        ax.text(x, y, _node_text(nodes[key], 30 if key == "district" else 26), ha="center", va="center",
                fontsize=FONT["annotation"])
    for path in model["paths"]:
        a, b = path["from"], path["to"]
        if a not in LAYOUT or b not in LAYOUT:
            continue
        (x0, y0), (x1, y1) = LAYOUT[a], LAYOUT[b]
        if path.get("kind") == "moderation":
            start, end = (x0, y0 - BOX_H * 0.35), (x1, y1 + BOX_H / 2 + 0.01)
        else:
            start = (x0 + BOX_W / 2 * (1 if x1 > x0 else -1), y0) if x0 != x1 else (x0, y0 - BOX_H / 2)
            end = (x1 - BOX_W / 2 * (1 if x1 > x0 else -1), y1) if x0 != x1 else (x1, y1 + BOX_H / 2)
        tested = path.get("hypothesis") is not None
        arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, lw=1.1,
                                color="#234" if tested else "#888", linestyle="-" if tested else (0, (4, 3)))
        ax.add_patch(arrow)
        if tested:
            mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            ax.text(mx, my + 0.025, path["hypothesis"], ha="center", va="bottom", fontsize=FONT["annotation"],
                    fontweight="bold", color="#234",
                    bbox={"fc": "white", "ec": "none", "pad": 0.5, "alpha": 0.9})
    fig.tight_layout()
    return fig


def district_slopes(values: dict, districts: list[str], lang: str, cb) -> plt.Figure:
    """CSR coefficient on each score: all districts (pooled, with its 95% interval) and each district's slope
    from the interaction model (± 1.96 standard errors)."""
    _ = messages(lang)
    fig, ax = plt.subplots(figsize=(WIDTH, 2.9))
    labels = []
    for i, score in enumerate(tables.SCORES):
        y = len(tables.SCORES) - 1 - i
        labels.append((y, cb.label(score.replace("score_", ""), lang)))
        est = tables._f(values.get(f"ols_pooled.{score}.csr_overall.estimate"))
        lo = tables._f(values.get(f"ols_pooled.{score}.csr_overall.ci_low"))
        hi = tables._f(values.get(f"ols_pooled.{score}.csr_overall.ci_high"))
        if all(math.isfinite(v) for v in (est, lo, hi)):
            ax.errorbar(est, y + 0.27, xerr=[[est - lo], [hi - est]], fmt="D", color="black", ms=5, capsize=2,
                        label=_("All districts (95% CI)") if i == 0 else None)
        for j, d in enumerate(districts):
            e = tables._f(values.get(f"heterogeneity.{score}.{d}.estimate"))
            se = tables._f(values.get(f"heterogeneity.{score}.{d}.std_error"))
            if math.isfinite(e) and math.isfinite(se):
                ax.errorbar(e, y - 0.12 * j, xerr=1.96 * se, fmt="o", ms=4, capsize=2,
                            color=DISTRICT_COLORS[j % len(DISTRICT_COLORS)],
                            label=district_short(d, lang, cb) if i == 0 else None)
    ax.axvline(0, color="#666", lw=0.8)
    ax.set_yticks([y for y, _l in labels], [lab for _y, lab in labels])
    ax.set_xlabel(_("Change in the score (1-5) per unit of the CSR index (0-1)"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    fig.tight_layout()
    return _finish(fig, lang)


def robustness(cross: dict, curve: dict, lang: str, cb) -> plt.Figure:
    """Left: the CSR coefficient of each score in the main analysis (95% interval), with weights and after
    multiple imputation. Right: the specification curve of each outcome family: share of specifications
    with a significant estimate of the dominant sign, against the 5% expected by chance."""
    _ = messages(lang)
    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, 2.8), gridspec_kw={"width_ratios": [1.4, 1]})
    names = []
    for i, (family, score) in enumerate(tables.FAMILY_NAMES.items()):
        y = 2 - i
        names.append((y, cb.label(family, lang)))
        base = f"ols_pooled.{score}.csr_overall"
        est, lo, hi = (tables._f(cross.get(base + s)) for s in (".estimate", ".ci_low", ".ci_high"))
        if all(math.isfinite(v) for v in (est, lo, hi)):
            left.errorbar(est, y, xerr=[[est - lo], [hi - est]], fmt="o", color="black", ms=5, capsize=2,
                          label=_("Main (95% CI)") if i == 0 else None)
        for name, marker, colour, text in (("weighted", "s", DISTRICT_COLORS[0], _("Weighted")),
                                           ("mice", "^", DISTRICT_COLORS[1], _("Multiple imputation"))):
            v = tables._f(cross.get(f"robustness.{score}.{name}.estimate"))
            if math.isfinite(v):
                left.plot(v, y + (0.18 if name == "weighted" else -0.18), marker, color=colour, ms=5,
                          label=text if i == 0 else None)
        share = tables._f(curve.get(f"joint.{family}.share_significant.observed"))
        if math.isfinite(share):
            right.barh(y, 100 * share, color="#7a9cc6", height=0.55)
    left.axvline(0, color="#666", lw=0.8)
    left.set_yticks([y for y, _l in names], [n for _y, n in names])
    left.set_xlabel(_("CSR coefficient (points of the score)"))
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=3, frameon=False)
    right.axvline(5, color="#b00020", lw=0.9, linestyle="--")
    right.set_yticks([y for y, _l in names], ["" for _ in names])
    right.set_xlabel(_("Significant specifications (%)"))
    right.set_xlim(0, max(30, right.get_xlim()[1]))
    fig.tight_layout()
    return _finish(fig, lang)
