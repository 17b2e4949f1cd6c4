"""Seaborn figures with one consistent style; each function returns a matplotlib Figure."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .codebook import Codebook, load_codebook  # noqa: E402
from .tables import label  # noqa: E402

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
