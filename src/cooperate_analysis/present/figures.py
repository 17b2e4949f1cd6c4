"""Seaborn figures with one consistent style; each function returns a matplotlib Figure.

Figures are drawn at the printed text width (`WIDTH` inches, about the 17.4 cm column of an A4 page
with the reports' margins), so a figure prints at close to its own size and every text in it at
7 pt or more (`print_sizes` measures it). Numbers in figures (ticks, legends, annotations) go through
`formatting`, so an Italian figure shows decimal commas; every word comes from the codebook or from the
bilingual strings here.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ..data.codebook import Codebook, load_codebook  # noqa: E402
from ..data.derived import label  # noqa: E402
from .formatting import integer, localize_axes, number  # noqa: E402

LIKERT_COLORS = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"]
DISTRICT_COLORS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"]  # Okabe-Ito, colour-blind safe

# Print geometry: the A4 text width of the reports (210 mm less 2 x 18 mm margins, compendium.css);
# report.Report.figure saves PNGs at SAVE_DPI and the browser shows them at 96 CSS pixels per inch,
# scaled down to the text width when wider.
PRINT_WIDTH_IN = (210 - 2 * 18) / 25.4
SAVE_DPI = 110
CSS_DPI = 96
SAVE_PAD_IN = 0.1  # savefig(bbox_inches="tight") pads the drawn area by this much on each side
MIN_PRINT_PT = 7.0
WIDTH = 6.6  # figure width in inches: the text width less the tight-bbox padding

FONT = {"base": 9.0, "title": 9.5, "label": 9.0, "tick": 8.5, "legend": 8.5, "annotation": 8.0}

TEXT = {
    "en": {"adopting": "Firms adopting the practice (%)", "answering": "Share of answering firms (%)",
           "score": "Score (1-5)", "fit": "Least-squares line, all firms", "correlation": "Rank correlation",
           "propensity": "Estimated propensity score", "firms": "Firms", "yes": "yes", "no": "no",
           "bins": "shading: frequency of the option at that rank (mid-grey: as overall)",
           "p_positive": "p < {a}, positive", "p_negative": "p < {a}, negative", "p_ns": "p ≥ {a}",
           "interval": "95% intervals"},
    "it": {"adopting": "Imprese che adottano la pratica (%)", "answering": "Quota di imprese rispondenti (%)",
           "score": "Punteggio (1-5)", "fit": "Retta dei minimi quadrati, tutte le imprese",
           "correlation": "Correlazione di rango", "propensity": "Probabilità stimata di certificazione (propensity score)", "firms": "Imprese",
           "yes": "sì", "no": "no",
           "bins": "sfumatura: frequenza dell'opzione a quel rango (grigio medio: come in totale)",
           "p_positive": "p < {a}, positiva", "p_negative": "p < {a}, negativa", "p_ns": "p ≥ {a}",
           "interval": "intervalli al 95%"},
}


def style() -> None:
    """Apply the compendium's plotting style (deterministic fonts, sizes at least 7 pt in print)."""
    sns.set_theme(context="notebook", style="whitegrid")
    plt.rcParams.update({
        "figure.dpi": SAVE_DPI, "svg.hashsalt": "cooperate", "axes.titleweight": "bold",
        "font.size": FONT["base"], "axes.titlesize": FONT["title"], "axes.labelsize": FONT["label"],
        "xtick.labelsize": FONT["tick"], "ytick.labelsize": FONT["tick"], "legend.fontsize": FONT["legend"],
        "legend.title_fontsize": FONT["legend"], "figure.titlesize": FONT["title"],
        "axes.formatter.use_locale": False,
    })


def print_scale(fig: plt.Figure) -> float:
    """How much `fig` is scaled when printed: printed width / drawn width of its saved PNG (tight
    bounding box plus padding), shown at SAVE_DPI / CSS_DPI and at most the A4 text width."""
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer).width + 2 * SAVE_PAD_IN  # inches
    shown = min(drawn * SAVE_DPI / CSS_DPI, PRINT_WIDTH_IN)
    return shown / drawn


def print_sizes(fig: plt.Figure) -> list[tuple[str, float]]:
    """Every visible, non-empty text of `fig` with its size in points once printed."""
    from matplotlib.text import Text

    fig.canvas.draw()
    scale = print_scale(fig)
    return [(t.get_text(), t.get_fontsize() * scale) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]


def _finish(fig: plt.Figure, lang: str) -> plt.Figure:
    """Localized tick labels (decimal comma in Italian)."""
    localize_axes(fig, lang)
    return fig


def adoption_bars(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Adoption rate of every CSR practice, coloured by dimension."""
    cb = cb or load_codebook()
    rows = [{"item": cb.label(item, lang), "dimension": cb.label(dim, lang),
             "rate": 100 * df[item].astype("float64").mean()}
            for dim, items in cb.practices_by_dimension().items() for item in items]
    data = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.15 * len(data) + 0.8), layout="constrained")
    sns.barplot(data=data, y="item", x="rate", hue="dimension", dodge=False, ax=ax, palette="colorblind",
                width=0.75)
    ax.set_xlabel(TEXT[lang]["adopting"])
    ax.set_ylabel("")
    ax.set_xlim(0, 100)
    ax.tick_params(axis="y", pad=2)
    ax.get_legend().remove()
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False, handlelength=1.2,
               columnspacing=1.0)
    return _finish(fig, lang)


def likert_stacked(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Distribution of every competitiveness item as 100% stacked horizontal bars."""
    cb = cb or load_codebook()
    items = cb.outcome_items()
    shares = pd.DataFrame({cb.label(i, lang): df[i].astype("float64").value_counts(normalize=True)
                           .reindex(range(1, 6), fill_value=0) * 100 for i in items}).T
    shares.columns = [cb.likert_labels[c][lang] for c in range(1, 6)]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.27 * len(items) + 1.2), layout="constrained")
    shares.iloc[::-1].plot.barh(stacked=True, color=LIKERT_COLORS, ax=ax, width=0.75)
    ax.set_xlim(0, 100)
    ax.set_xlabel(TEXT[lang]["answering"])
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.45, -0.13), frameon=False, handlelength=1.2,
              columnspacing=1.0)
    return _finish(fig, lang)


def csr_vs_scores(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Overall CSR index against each competitiveness score, with a least-squares line; a frame with
    firms of more than one district (the pooled sample) is coloured by district, with a legend."""
    cb = cb or load_codebook()
    scales = list(cb.outcome_scales)
    districts = [d for d in cb.district_ids if d in set(df.get("district", pd.Series(dtype=object)).dropna())]
    by_district = len(districts) > 1
    height = 2.5 + (0.25 * len(districts) + 0.2 if by_district else 0)
    fig, axes = plt.subplots(1, len(scales), figsize=(WIDTH, height), sharey=True, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.06, wspace=0.06)
    axes = np.atleast_1d(axes)
    for ax, scale in zip(axes, scales):
        y = f"score_{scale}"
        if by_district:
            for district, colour in zip(districts, DISTRICT_COLORS):
                part = df[df["district"] == district]
                ax.scatter(part["csr_overall"], part[y], s=12, alpha=0.7, color=colour, linewidths=0,
                           label=cb.label(district, lang))
            sns.regplot(data=df, x="csr_overall", y=y, ax=ax, n_boot=0, ci=None, scatter=False,
                        line_kws={"color": "#222222", "linewidth": 1.3})
        else:
            sns.regplot(data=df, x="csr_overall", y=y, ax=ax, n_boot=0, ci=None,
                        scatter_kws={"s": 12, "alpha": 0.6, "linewidths": 0}, line_kws={"color": "#b2182b"})
        ax.set_title(textwrap.fill(cb.label(scale, lang), 24))
        ax.set_xlabel("")
        ax.set_ylabel(TEXT[lang]["score"] if ax is axes[0] else "")
        ax.set_xlim(-0.04, 1.04)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xticklabels([number(v, 2, lang) if v in (0.25, 0.75) else number(v, 1, lang)
                            for v in (0, 0.25, 0.5, 0.75, 1)])
    axes[len(axes) // 2].set_xlabel(label("csr_overall", lang, cb))  # one label for the three panels
    if by_district:
        from matplotlib.lines import Line2D

        handles, labels = axes[0].get_legend_handles_labels()
        handles.append(Line2D([], [], color="#222222", linewidth=1.3))
        labels.append(TEXT[lang]["fit"])
        fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, handletextpad=0.4)
    return _finish(fig, lang)


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
                cbar_kws={"label": TEXT[lang]["correlation"], "shrink": 0.9, "pad": 0.02}, ax=ax,
                xticklabels=[cb.label(c, lang) for c in cols], yticklabels=[label(r, lang, cb) for r in rows])
    ax.set_xlabel("")
    ax.set_ylabel("")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    return _finish(fig, lang)


def overlap(propensity, treated, lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Overlap of the estimated propensity scores of firms with a CSR certification (above the
    axis) and without (below), as histograms on [0, 1]: inverse probability weighting needs both
    groups across the range of scores."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    cb = cb or load_codebook()
    score = np.asarray(propensity, dtype=float)
    group = np.asarray(treated, dtype=float)
    keep = np.isfinite(score) & np.isfinite(group)
    score, group = score[keep], group[keep].astype(int)
    bins = np.linspace(0, 1, 21)
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8), layout="constrained")
    with_cert, without = np.histogram(score[group == 1], bins)[0], np.histogram(score[group == 0], bins)[0]
    text = TEXT[lang]
    ax.bar(bins[:-1], with_cert, width=np.diff(bins), align="edge", color="#2166ac", edgecolor="white",
           label=f"{text['yes']} (n = {integer(int((group == 1).sum()), lang)})")
    ax.bar(bins[:-1], -without, width=np.diff(bins), align="edge", color="#ef8a62", edgecolor="white",
           label=f"{text['no']} (n = {integer(int((group == 0).sum()), lang)})")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlim(0, 1)
    top = max(1, with_cert.max(initial=0), without.max(initial=0))
    ax.set_ylim(-1.15 * top, 1.15 * top)
    ax.set_xlabel(text["propensity"])
    ax.set_ylabel(text["firms"])
    fig.legend(title=label("cert_any", lang, cb), loc="outside right upper", frameon=False)
    localize_axes(fig, lang)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, symmetric=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: integer(abs(v), lang)))
    return fig


PROFILE_MARKERS = ["o", "s", "^", "D"]  # shape as well as colour tells the groups apart
