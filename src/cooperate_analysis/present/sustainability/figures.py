"""The figure of a district sustainability report: the district's CSR profile beside the other districts."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ..figures import DISTRICT_COLORS, PROFILE_MARKERS, WIDTH, _finish
from .. import disclosure
from ..i18n import messages
from .tables import group_name, profile_codes


def csr_profile(profile: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                mode: str | None = None) -> plt.Figure:
    """A district's CSR profile as a local benchmark (`measures.adoption_profile`): for each dimension the
    share of firms with at least one of its practices, and for each certification the share holding it,
    as dots with Wilson 95% intervals, one colour and marker per group (the district first, then the other
    districts, then the pooled sample in black); colour-blind safe (Okabe-Ito colours and distinct marker
    shapes). A share the disclosure policy suppresses (`tables.profile_codes`) is not drawn with real data;
    the note under the figure says how many (`present.disclosure.tag`)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    groups = list(dict.fromkeys(profile["group"]))
    rows = [(d, _("At least one practice: {dimension}", dimension=cb.label(d, lang))) for d in cb.csr_dimensions]
    rows += [(c, cb.label(c, lang)) for c in cb.certifications(None)]
    by = profile.set_index(["group", "item"])
    shown = {item for item, _label in rows}
    codes = {key: code for key, code in profile_codes(profile).items() if key[0] in shown}
    hidden = disclosure.undrawn(codes, mode)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.36 * len(rows) + 1.3), layout="constrained")
    step = 0.8 / max(len(groups), 1)
    for j, group in enumerate(groups):
        colour = "#222222" if group == "pooled" else DISTRICT_COLORS[j % len(DISTRICT_COLORS)]
        ys, xs, lo, hi = [], [], [], []
        for i, (item, _label) in enumerate(rows):
            if (group, item) not in by.index:
                continue
            s = by.loc[(group, item)]
            if pd.isna(s["share"]) or (item, group) in hidden:
                continue
            ys.append(i - 0.4 + step * (j + 0.5))
            xs.append(100 * s["share"])
            lo.append(100 * (s["share"] - s["ci_low"]))
            hi.append(100 * (s["ci_high"] - s["share"]))
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt=PROFILE_MARKERS[j % len(PROFILE_MARKERS)], color=colour,
                    markersize=4.5 if j == 0 else 3.8, elinewidth=1.6 if j == 0 else 1.0, capsize=0,
                    label=group_name(group, lang, cb), zorder=3 if j == 0 else 2)
    ax.set_yticks(range(len(rows)), [textwrap.fill(label, 36) for _item, label in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axhline(len(cb.csr_dimensions) - 0.5, color="#999999", linewidth=0.8)
    ax.set_xlim(-2, 102)  # a share of 0% or 100% stays visible
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(_("Share of answering firms (%), with Wilson 95% intervals"))
    ax.set_ylabel("")
    fig.legend(loc="outside lower center", ncol=min(len(groups), 2), frameon=False, handletextpad=0.3,
               columnspacing=1.5)
    return disclosure.tag(_finish(fig, lang), codes, mode)
