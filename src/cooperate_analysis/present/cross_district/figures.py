"""Figures of the cross-district report that no other report draws: the overlap of the propensity
scores behind IPW / AIPW. The shared style is `present.figures`; words come from ``cross_district.po``."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...data.codebook import Codebook, load_codebook
from ...data.derived import label
from ..figures import WIDTH
from ..formatting import integer, localize_axes
from ..i18n import messages


def overlap(propensity, treated, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Overlap of the estimated propensity scores of firms with a CSR certification (above the
    axis) and without (below), as histograms on [0, 1]: inverse probability weighting needs both
    groups across the range of scores."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    cb = cb or load_codebook()
    _ = messages(lang)
    score = np.asarray(propensity, dtype=float)
    group = np.asarray(treated, dtype=float)
    keep = np.isfinite(score) & np.isfinite(group)
    score, group = score[keep], group[keep].astype(int)
    bins = np.linspace(0, 1, 21)
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8), layout="constrained")
    with_cert, without = np.histogram(score[group == 1], bins)[0], np.histogram(score[group == 0], bins)[0]
    ax.bar(bins[:-1], with_cert, width=np.diff(bins), align="edge", color="#2166ac", edgecolor="white",
           label=_.pgettext("figure legend", "yes (n = {n})", n=integer(int((group == 1).sum()), lang)))
    ax.bar(bins[:-1], -without, width=np.diff(bins), align="edge", color="#ef8a62", edgecolor="white",
           label=_.pgettext("figure legend", "no (n = {n})", n=integer(int((group == 0).sum()), lang)))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlim(0, 1)
    top = max(1, with_cert.max(initial=0), without.max(initial=0))
    ax.set_ylim(-1.15 * top, 1.15 * top)
    ax.set_xlabel(_.pgettext("figure axis", "Estimated propensity score"))
    ax.set_ylabel(_.pgettext("figure axis", "Firms"))
    fig.legend(title=label("cert_any", lang, cb), loc="outside right upper", frameon=False)
    localize_axes(fig, lang)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, symmetric=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: integer(abs(v), lang)))
    return fig
