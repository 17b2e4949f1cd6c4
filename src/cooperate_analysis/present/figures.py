"""Seaborn figures with one consistent style; each function returns a matplotlib Figure."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ..data.codebook import Codebook, load_codebook  # noqa: E402
from ..data.derived import label  # noqa: E402

LIKERT_COLORS = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"]


def style() -> None:
    """Apply the compendium's plotting style (deterministic fonts and sizes)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.9)
    plt.rcParams.update({"figure.dpi": 110, "svg.hashsalt": "cooperate", "axes.titleweight": "bold"})


def adoption_bars(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Adoption rate of every CSR practice, coloured by dimension."""
    cb = cb or load_codebook()
    rows = [{"item": cb.label(item, lang), "dimension": cb.label(dim, lang),
             "rate": 100 * df[item].astype("float64").mean()}
            for dim, items in cb.practices_by_dimension().items() for item in items]
    data = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(data) + 1.2))
    sns.barplot(data=data, y="item", x="rate", hue="dimension", dodge=False, ax=ax, palette="colorblind")
    ax.set_xlabel({"en": "Firms adopting the practice (%)", "it": "Imprese che adottano la pratica (%)"}[lang])
    ax.set_ylabel("")
    ax.set_xlim(0, 100)
    ax.legend(title="", loc="upper center", bbox_to_anchor=(0.4, -0.1), ncol=3, fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def likert_stacked(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Distribution of every competitiveness item as 100% stacked horizontal bars."""
    cb = cb or load_codebook()
    items = cb.outcome_items()
    shares = pd.DataFrame({cb.label(i, lang): df[i].astype("float64").value_counts(normalize=True)
                           .reindex(range(1, 6), fill_value=0) * 100 for i in items}).T
    shares.columns = [cb.likert_labels[c][lang] for c in range(1, 6)]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(items) + 1.4))
    shares.iloc[::-1].plot.barh(stacked=True, color=LIKERT_COLORS, ax=ax, width=0.75)
    ax.set_xlim(0, 100)
    ax.set_xlabel({"en": "Share of answering firms (%)", "it": "Quota di imprese rispondenti (%)"}[lang])
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def csr_vs_scores(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Overall CSR index against each competitiveness score, with a linear fit."""
    cb = cb or load_codebook()
    scales = list(cb.outcome_scales)
    fig, axes = plt.subplots(1, len(scales), figsize=(3.2 * len(scales), 3.2), sharey=True)
    for ax, scale in zip(axes, scales):
        sns.regplot(data=df, x="csr_overall", y=f"score_{scale}", ax=ax, n_boot=0, ci=None,
                    scatter_kws={"s": 14, "alpha": 0.6}, line_kws={"color": "#b2182b"})
        ax.set_title(cb.label(scale, lang), fontsize="medium")
        ax.set_xlabel(label("csr_overall", lang, cb))
        ax.set_ylabel({"en": "Score (1-5)", "it": "Punteggio (1-5)"}[lang])
    fig.tight_layout()
    return fig


def association_heatmap(grid: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Rank correlations (Spearman rho; rank-biserial r for a binary exposure) of the exposures
    (rows) with outcome items (columns), annotated; * marks BH-adjusted p < 0.05 within the family."""
    cb = cb or load_codebook()
    effect = grid.pivot(index="exposure", columns="outcome", values="effect")
    p_adj = grid.pivot(index="exposure", columns="outcome", values="p_adj")
    rows = [r for r in grid["exposure"].drop_duplicates()]
    cols = [c for c in grid["outcome"].drop_duplicates()]
    effect, p_adj = effect.loc[rows, cols], p_adj.loc[rows, cols]
    notes = effect.map(lambda v: "" if pd.isna(v) else f"{v:.2f}") + p_adj.map(
        lambda p: "*" if pd.notna(p) and p < 0.05 else "")
    fig, ax = plt.subplots(figsize=(0.75 * len(cols) + 3, 0.5 * len(rows) + 2.2))
    sns.heatmap(effect.astype(float), annot=notes, fmt="", cmap="RdBu_r", vmin=-0.6, vmax=0.6, center=0,
                cbar_kws={"label": {"en": "Rank correlation", "it": "Correlazione di rango"}[lang]}, ax=ax,
                xticklabels=[cb.label(c, lang) for c in cols], yticklabels=[label(r, lang, cb) for r in rows])
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right")
    fig.tight_layout()
    return fig


def specification_curve(curve: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Specification curve (Simonsohn, Simmons & Nelson 2020) of a `speccurve.run` result.

    Top: standardized estimates ranked, 95% CIs as thin lines, coloured by sign where p < .05 (grey
    otherwise), zero and the median marked. Bottom: one row per choice option (grouped by choice,
    labels from `speccurve.LABELS` and `derived.label`), a mark under every specification using it.
    Non-estimable specifications (NaN estimate) are left out.
    """
    import numpy as np
    from matplotlib.lines import Line2D

    from ..stats.speccurve import DIMENSIONS, LABELS, option_label

    cb = cb or load_codebook()
    text = LABELS[lang]["figure"]
    data = curve.dropna(subset=["estimate"]).sort_values("estimate", kind="stable").reset_index(drop=True)
    rank = np.arange(len(data))
    significant = (data["p_value"] < 0.05).to_numpy()
    positive = (data["estimate"] > 0).to_numpy()
    colours = {"positive": "#2166ac", "negative": "#b2182b", "ns": "#9e9e9e"}
    colour = np.where(significant & positive, colours["positive"],
                      np.where(significant, colours["negative"], colours["ns"]))
    options = [(dim, value) for dim in DIMENSIONS for value in pd.unique(curve[dim])]
    n_rows = len(options) + len(DIMENSIONS)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 3.6 + 0.17 * n_rows),
                                      gridspec_kw={"height_ratios": [3.6, 0.17 * n_rows], "hspace": 0.04})
    top.vlines(rank, data["ci_low"], data["ci_high"], colors=colour, linewidth=0.4, alpha=0.3)
    top.scatter(rank, data["estimate"], c=colour, s=3, linewidths=0, zorder=3)
    top.axhline(0, color="black", linewidth=0.8)
    top.axhline(data["estimate"].median(), color="black", linestyle="--", linewidth=0.9)
    handles = [Line2D([], [], color=c, marker="o", linestyle="", markersize=4, label=text[k])
               for k, c in colours.items()]
    handles.append(Line2D([], [], color="black", linestyle="--", linewidth=0.9,
                          label=f"{text['median']} = {data['estimate'].median():.2f}"))
    top.legend(handles=handles, loc="upper left", fontsize="small", frameon=False)
    top.set_ylabel(text["estimate"])
    ticks, labels, headers, y = [], [], [], 0
    for dim in DIMENSIONS:
        headers.append(y)
        ticks.append(y)
        labels.append(LABELS[lang]["dimension"][dim])
        for value in pd.unique(curve[dim]):
            y += 1
            uses = (data[dim] == value).to_numpy()
            bottom.scatter(rank[uses], np.full(uses.sum(), y), c=colour[uses], marker="|", s=10, linewidths=0.4)
            ticks.append(y)
            labels.append(option_label(dim, value, lang, cb))
        y += 1
    bottom.set_yticks(ticks, labels, fontsize="x-small")
    for tick, at in zip(bottom.get_yticklabels(), ticks):
        tick.set_fontweight("bold" if at in headers else "normal")
    bottom.set_ylim(y - 0.5, -0.5)
    bottom.grid(False)
    bottom.set_xlim(-0.01 * len(data), 1.01 * len(data))
    bottom.set_xlabel(text["rank"])
    return fig
