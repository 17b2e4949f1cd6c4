"""Figures shared by the regression reports (district and cross-district): the overall CSR index
against each competitiveness score. The shared style is `present.figures`; its words are in
``common.po``; it never imports a report kind."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label
from ..stats import estimability
from ..stats.disclosure import bin_index
from . import phrases, reasons
from .disclosure import firm_points_allowed
from .figures import DISTRICT_COLORS, FONT, WIDTH, _finish
from .formatting import number
from .i18n import messages


def _binned(ax, part: pd.DataFrame, y: str, **style) -> None:
    """Mean CSR index and mean score of quantile bins of the CSR index, each bin holding at least the
    disclosure policy's threshold of firms (`stats.disclosure.bin_index`): no firm-level point."""
    both = part[["csr_overall", y]].dropna()
    bins = bin_index(both["csr_overall"].to_numpy())
    if (bins < 0).all():
        return
    means = both[bins >= 0].groupby(bins[bins >= 0]).mean()
    ax.scatter(means["csr_overall"], means[y], s=34, marker="D", linewidths=0.6, edgecolors="white", **style)


def csr_vs_scores(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                  points: bool | None = None) -> plt.Figure:
    """Overall CSR index against each competitiveness score, with a least-squares line; a frame with
    firms of more than one district (the pooled sample) is coloured by district, with a legend.

    `points`: one point per firm (synthetic data only); by default as the disclosure policy allows
    (`present.disclosure.firm_points_allowed`). Otherwise each marker is the mean of a quantile bin of
    the CSR index holding at least 5 firms (per district in the pooled figure)."""
    cb = cb or load_codebook()
    points = firm_points_allowed() if points is None else points
    _ = messages(lang)
    scales = list(cb.outcome_scales)
    districts = [d for d in cb.district_ids if d in set(df.get("district", pd.Series(dtype=object)).dropna())]
    by_district = len(districts) > 1
    height = 2.5 + (0.25 * len(districts) + 0.2 if by_district else 0)
    fig, axes = plt.subplots(1, len(scales), figsize=(WIDTH, height), sharey=True, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.06, wspace=0.06)
    axes = np.atleast_1d(axes)
    for ax, scale in zip(axes, scales):
        y = f"score_{scale}"
        gate = estimability.regression(df, y, "csr_overall")  # the line is a least-squares fit: its gate
        if by_district:
            for district, colour in zip(districts, DISTRICT_COLORS):
                part = df[df["district"] == district]
                if points:
                    ax.scatter(part["csr_overall"], part[y], s=12, alpha=0.7, color=colour, linewidths=0,
                               label=cb.label(district, lang))
                else:
                    _binned(ax, part, y, color=colour, label=cb.label(district, lang))
            if gate:
                sns.regplot(data=df, x="csr_overall", y=y, ax=ax, n_boot=0, ci=None, scatter=False,
                            line_kws={"color": "#222222", "linewidth": 1.3})
        elif points:
            sns.regplot(data=df, x="csr_overall", y=y, ax=ax, n_boot=0, ci=None, fit_reg=bool(gate),
                        scatter_kws={"s": 12, "alpha": 0.6, "linewidths": 0}, line_kws={"color": "#b2182b"})
        else:
            _binned(ax, df, y, color="#4d4d4d")
            if gate:
                sns.regplot(data=df, x="csr_overall", y=y, ax=ax, n_boot=0, ci=None, scatter=False,
                            line_kws={"color": "#b2182b"})
        if not gate:  # its reason, not a line
            ax.text(0.5, 0.5, textwrap.fill(_("No line: {reason}", reason=phrases.lower_first(
                reasons.check_text(gate, lang))), 30), transform=ax.transAxes, ha="center", va="center",
                fontsize=FONT["annotation"], color="#444444")
            ax.set_ylim(0.8, 5.2)
        ax.set_title(textwrap.fill(cb.label(scale, lang), 24))
        ax.set_xlabel("")
        ax.set_ylabel(_.pgettext("figure axis", "Score (1-5)") if ax is axes[0] else "")
        ax.set_xlim(-0.04, 1.04)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xticklabels([number(v, 2, lang) if v in (0.25, 0.75) else number(v, 1, lang)
                            for v in (0, 0.25, 0.5, 0.75, 1)])
    axes[len(axes) // 2].set_xlabel(label("csr_overall", lang, cb))  # one label under the middle panel
    if by_district:
        from matplotlib.lines import Line2D

        handles, labels = axes[0].get_legend_handles_labels()
        handles.append(Line2D([], [], color="#222222", linewidth=1.3))
        labels.append(_.pgettext("figure legend", "Least-squares line, all firms"))
        fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, handletextpad=0.4)
    return _finish(fig, lang)
