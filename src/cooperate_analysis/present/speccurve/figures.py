"""The figure of the specification-curve report: the curve, ranked, with the choices beneath."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ...data.codebook import Codebook, load_codebook  # noqa: E402
from ..figures import FONT, WIDTH, _finish  # noqa: E402
from ..formatting import integer, number  # noqa: E402
from ..i18n import messages  # noqa: E402
from .labels import dimension_label, option_label  # noqa: E402


def _legend(kind: str, alpha: str, count: str, lang: str) -> str:
    """The legend entry of one group of estimates, with how many specifications it holds."""
    _ = messages(lang)
    if kind == "positive":
        return _("p < {alpha}, positive ({count})", alpha=alpha, count=count)
    if kind == "negative":
        return _("p < {alpha}, negative ({count})", alpha=alpha, count=count)
    return _("p ≥ {alpha} ({count})", alpha=alpha, count=count)


def specification_curve(curve: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Specification curve (Simonsohn, Simmons & Nelson 2020) of a `speccurve.run` result.

    Top: standardized estimates ranked, coloured by sign where p < 0.05 (grey otherwise), their 95%
    intervals as a light band (thin lines when there are few specifications), zero and the median
    marked; the legend counts each group. Bottom: one row per choice option (grouped by choice,
    labels from `labels.option_label`): with many specifications a grey strip whose
    darkness is how common the option is at that rank (share of the specifications of each of 60
    stretches of the ranking that use it, over its share of all specifications: mid-grey = as common
    as overall, black = twice or more, white = absent), with
    few a mark under every specification using it. Non-estimable specifications (NaN estimate) are
    left out.
    """
    from matplotlib.lines import Line2D

    from ...stats.speccurve import DIMENSIONS

    cb = cb or load_codebook()
    _ = messages(lang)
    alpha = number(0.05, 2, lang)
    interval = _("95% intervals")
    data = curve.dropna(subset=["estimate"]).sort_values("estimate", kind="stable").reset_index(drop=True)
    n = len(data)
    rank = np.arange(n)
    significant = (data["p_value"] < 0.05).to_numpy()
    positive = (data["estimate"] > 0).to_numpy()
    colours = {"positive": "#2166ac", "negative": "#b2182b", "ns": "#8c8c8c"}
    kind = np.where(significant & positive, "positive", np.where(significant, "negative", "ns"))
    colour = np.array([colours[k] for k in kind]) if n else np.array([], dtype=object)
    many = n > 300
    options = [(dim, value) for dim in DIMENSIONS for value in pd.unique(curve[dim])]
    n_rows = len(options) + len(DIMENSIONS)
    row_in = 0.15
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(WIDTH, 2.7 + row_in * n_rows + 0.6),
                                      gridspec_kw={"height_ratios": [2.7, row_in * n_rows], "hspace": 0.03},
                                      layout="constrained")
    if n and many:
        top.fill_between(rank, data["ci_low"], data["ci_high"], color="#9ecae1", alpha=0.55, linewidth=0,
                         rasterized=True, label=interval)
    elif n:
        top.vlines(rank, data["ci_low"], data["ci_high"], colors=colour, linewidth=0.8, alpha=0.45)
    top.scatter(rank, data["estimate"], c=colour, s=3 if many else 12, linewidths=0, zorder=3, rasterized=many)
    top.axhline(0, color="black", linewidth=0.8)
    median = data["estimate"].median()
    top.axhline(median, color="black", linestyle="--", linewidth=0.9)
    handles = [Line2D([], [], color=colours[k], marker="o", linestyle="", markersize=5,
                      label=_legend(k, alpha, integer(int((kind == k).sum()), lang), lang))
               for k in colours]
    handles.append(Line2D([], [], color="black", linestyle="--", linewidth=0.9,
                          label=_("Median = {median}", median=number(median, 2, lang))))
    if n and many:
        handles.append(plt.Rectangle((0, 0), 1, 1, color="#9ecae1", alpha=0.55, label=interval))
    fig.legend(handles=handles, loc="outside upper center", frameon=False, ncol=3, columnspacing=1.2,
               handletextpad=0.3)
    # Translators: y axis; SD = standard deviation (of the outcome per SD of the CSR measure)
    top.set_ylabel(_("Standardized estimate (SD per SD)"))
    rank_label = _("Specifications, ranked by estimate")
    ticks, labels, headers, y = [], [], [], 0
    n_bins = min(n, 60) if n else 1
    edges = np.linspace(0, n, n_bins + 1)
    which = np.clip(np.searchsorted(edges, rank, side="right") - 1, 0, n_bins - 1)
    per_bin = np.bincount(which, minlength=n_bins) if n else np.ones(1)
    strips = np.full((n_rows, n_bins), np.nan)
    for dim in DIMENSIONS:
        headers.append(y)
        ticks.append(y)
        labels.append(dimension_label(dim, lang))
        for value in pd.unique(curve[dim]):
            y += 1
            uses = (data[dim] == value).to_numpy()
            if many:
                share = np.bincount(which[uses], minlength=n_bins) / np.maximum(per_bin, 1)
                strips[y] = share / max(uses.mean(), 1e-12)  # 1 = as common as over all specifications
            elif n:
                bottom.scatter(rank[uses], np.full(uses.sum(), y), c=colour[uses], marker="|", s=40,
                               linewidths=1.0)
            ticks.append(y)
            labels.append(option_label(dim, value, lang, cb))
        y += 1
    if many:
        bottom.imshow(np.ma.masked_invalid(strips[:y]), aspect="auto", cmap="Greys", vmin=0, vmax=2,
                      interpolation="nearest", extent=(-0.5, n - 0.5, y - 0.5, -0.5), rasterized=True)
        # wrapped by matplotlib within the figure's edges (long in Italian: unwrapped, or wrapped at a number of
        # characters, it ran past the figure's edge and made the saved image wider than the page's text, so the
        # whole figure printed smaller)
        shading = _("shading: frequency of the option at that rank (mid-grey: as overall)")
        bottom.set_xlabel(rank_label + "\n" + shading, wrap=True)
    else:
        bottom.set_xlabel(rank_label)
    # the rows' labels where y tick labels would be (2 pt left of the axis, as ticks of length 0 with a pad
    # of 2 pt): as texts, not ticks, which carry marks, a grid line and two labels each. The same image to the
    # pixel (both languages, many and few specifications), 0.03 s less per figure with the pooled curve's 31 rows
    transform, va, ha = bottom.get_yaxis_text1_transform(2)
    colour = plt.rcParams["ytick.labelcolor"]
    colour = plt.rcParams["ytick.color"] if colour == "inherit" else colour
    for at, label in zip(ticks, labels):
        bottom.text(0, at, label, transform=transform, va=va, ha=ha, fontsize=FONT["tick"], color=colour,
                    fontweight="bold" if at in headers else "normal")
    bottom.set_yticks([])
    bottom.set_ylim(y - 0.5, -0.5)
    bottom.grid(False)
    bottom.set_xlim(-0.01 * max(n, 1) - 0.5, 1.01 * max(n, 1) - 0.5)
    return _finish(fig, lang)
