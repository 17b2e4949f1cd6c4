"""Figures of the district report: adoption of the CSR practices, the competitiveness answers and the
association heatmap. The shared style (sizes, fonts, colours) is `present.figures`; numbers go through
`formatting`, words come from the codebook and ``district.po``."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ...data.codebook import Codebook, load_codebook
from ...data.derived import label
from ...stats import disclosure as sdc
from .. import disclosure
from ..figures import FONT, WIDTH, _finish, legend_below
from ..formatting import number
from ..i18n import messages

LIKERT_COLORS = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"]


def _share_cell(x: pd.Series, k: int) -> sdc.Cell | None:
    return sdc.Cell.share(k, len(x)) if len(x) else None


def adoption_bars(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None, mode: str | None = None) -> plt.Figure:
    """Adoption rate of every CSR practice, coloured by dimension. With real data a rate the disclosure
    policy suppresses (k of n answering firms, the frequency rule) has no bar; the note under the figure
    says how many (`present.disclosure.tag`)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    practices = [(dim, item) for dim, items in cb.practices_by_dimension().items() for item in items]
    answers = {item: df[item].astype("float64").dropna() for _dim, item in practices}
    codes = disclosure.protect({item: _share_cell(x, int((x == 1).sum())) for item, x in answers.items()})
    hidden = disclosure.undrawn(codes, mode)
    rows = [{"item": cb.label(item, lang), "dimension": cb.label(dim, lang),
             "rate": np.nan if item in hidden else 100 * df[item].astype("float64").mean()}
            for dim, item in practices]
    data = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.15 * len(data) + 0.8), layout="constrained")
    sns.barplot(data=data, y="item", x="rate", hue="dimension", dodge=False, ax=ax, palette="colorblind",
                width=0.75)
    ax.set_xlabel(_.pgettext("figure axis", "Firms adopting the practice (%)"))
    ax.set_ylabel("")
    ax.set_xlim(0, 100)
    ax.tick_params(axis="y", pad=2)
    ax.get_legend().remove()
    handles, labels = ax.get_legend_handles_labels()
    legend_below(fig, handles, labels, 3, handlelength=1.2, columnspacing=1.0)
    return disclosure.tag(_finish(fig, lang), codes, mode)


def likert_stacked(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None, mode: str | None = None) -> plt.Figure:
    """Distribution of every competitiveness item as 100% stacked horizontal bars. With real data an item
    with an answer given by too few firms (the frequency rule on each answer's k of n, the answers adding up
    to the firms answering) has no bar: the segments after a missing one would give its size back
    (`present.disclosure.whole_bars`); the note under the figure says how many values are not drawn."""
    cb = cb or load_codebook()
    _ = messages(lang)
    items = cb.outcome_items()
    answers = range(1, 6)
    cells = {}
    for i in items:
        x = df[i].astype("float64").dropna()
        cells |= {(i, a): _share_cell(x, int((x == a).sum())) for a in answers}
    codes = disclosure.whole_bars(disclosure.protect(cells, [sdc.known_sum([(i, a) for a in answers]) for i in items]),
                                  {i: [(i, a) for a in answers] for i in items})
    hidden = disclosure.undrawn(codes, mode)
    shares = pd.DataFrame({cb.label(i, lang): df[i].astype("float64").value_counts(normalize=True)
                           .reindex(answers, fill_value=0) * 100 * (np.nan if (i, 1) in hidden else 1)
                           for i in items}).T
    shares.columns = [cb.likert_labels[c][lang] for c in range(1, 6)]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.27 * len(items) + 1.2), layout="constrained")
    shares.iloc[::-1].plot.barh(stacked=True, color=LIKERT_COLORS, ax=ax, width=0.75, legend=False)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_.pgettext("figure axis", "Share of answering firms (%)"))
    # under the figure, centred on it (not on the axes, which the item labels push right): the Italian
    # answers' names ran 10 px past the figure's right edge when the legend was centred on the axes
    legend_below(fig, *ax.get_legend_handles_labels(), 5, handlelength=1.2, columnspacing=1.0)
    return disclosure.tag(_finish(fig, lang), codes, mode)


def colour_limit(values) -> float:
    """Symmetric colour limit for correlations: the largest |value| rounded up to a tenth (at least
    0.1, at most 1), so the scale covers every value shown."""
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 1.0
    return float(min(1.0, max(0.1, math.ceil(round(finite.max() * 10, 9)) / 10)))


def association_heatmap(grid: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Rank correlations (Spearman rho; rank-biserial r for a binary exposure) of the exposures
    (rows) with outcome items (columns), annotated; * marks BH-adjusted p < 0.05 within the family.
    The colour scale is symmetric and covers the largest |r| shown (`colour_limit`)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    effect = grid.pivot(index="exposure", columns="outcome", values="effect")
    p_adj = grid.pivot(index="exposure", columns="outcome", values="p_adj")
    rows = [r for r in grid["exposure"].drop_duplicates()]
    cols = [c for c in grid["outcome"].drop_duplicates()]
    effect, p_adj = effect.loc[rows, cols].astype(float), p_adj.loc[rows, cols]
    notes = effect.map(lambda v: "" if pd.isna(v) else number(v, 2, lang)) + p_adj.map(
        lambda p: "*" if pd.notna(p) and p < 0.05 else "")
    limit = colour_limit(effect.to_numpy())
    fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(rows) + 1.9), layout="constrained")
    sns.heatmap(effect, annot=notes, fmt="", cmap="RdBu_r", vmin=-limit, vmax=limit, center=0,
                annot_kws={"fontsize": FONT["annotation"]}, linewidths=0.5, linecolor="white",
                cbar_kws={"label": _.pgettext("figure axis", "Rank correlation"), "shrink": 0.9, "pad": 0.02}, ax=ax,
                xticklabels=[cb.label(c, lang) for c in cols], yticklabels=[label(r, lang, cb) for r in rows])
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    return _finish(fig, lang)
