"""The channels report's figures: average marginal effects of the adoption drivers, adoption by channel,
the channels gradient and the questionnaire's blocks. The shared style (`figures.style`, sizes, colours,
`_finish`) stays in `present/figures.py`; words come from the catalog and the codebook."""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...data.derived import ADOPTION_REGRESSORS
from ...stats import disclosure as sdc
from .. import disclosure
from ..figures import DISTRICT_COLORS, FONT, PROFILE_MARKERS, WIDTH, _finish, legend_below
from ..formatting import number
from ..i18n import N_, messages
from .names import (CHANNEL_VARIABLES, awareness_name, certification_name, channel_name, is_fit, outcome_name,
                    regressor_name, sample_name, scaled_ame)
from .text import channel_codes, questionnaire_codes, share_cell

# Translators: axis labels, titles and legends of the channels report's figures
ADOPTION_TEXT = {
    "ame_axis": N_("Average marginal effect"),
    "share_axis": N_("Adopting firms (%)"),
    "used": N_("uses the channel"), "not_used": N_("does not use it"),
    "channels": N_("Number of channels used (0-{n})"),
    "mean": N_("Mean CSR index (0-1)"), "csr_overall": N_("CSR index (fractional logit)"),
    "axis": N_("Answering firms (%)"),
}
KNOWLEDGE_COLORS = ["#deebf7", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]  # 1 never heard ... 5 know it very well
STATUS_COLORS = ["#0072b2", "#e69f00", "#d9d9d9"]  # held, planned, not interested


def _text(key: str, lang: str, **values) -> str:
    return messages(lang)(ADOPTION_TEXT[key], **values)


def _group_label(group: str, lang: str, cb: Codebook) -> str:
    return sample_name(group, lang, cb)


def _group_style(j: int, group: str) -> tuple[str, str]:
    colour = "#222222" if group == "pooled" else DISTRICT_COLORS[(j - 1) % len(DISTRICT_COLORS)]
    return colour, PROFILE_MARKERS[j % len(PROFILE_MARKERS)]




def adoption_ame(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None) -> plt.Figure:
    """Average marginal effects of the adoption drivers as dots with 95% intervals: one panel per model
    (`models`, e.g. the CSR index and ISO 14001), one row per regressor, one colour and marker per sample
    (`drivers`: {group: {model: fit or Check}}, the pooled sample in black); units as in the AME table
    (`tables.REGRESSOR_SCALE`). A sample whose model is not estimable has no dot."""

    cb = cb or load_codebook()
    text = {k: _text(k, lang) for k in ("ame_axis", "share_axis", "used", "not_used", "mean", "csr_overall")}
    terms = list(ADOPTION_REGRESSORS)
    groups = list(drivers)
    fig, axes = plt.subplots(1, len(models), figsize=(WIDTH, 0.42 * len(terms) + 1.4), sharey=True,
                             layout="constrained", squeeze=False)
    step = 0.8 / max(len(groups), 1)
    for ax, model in zip(axes[0], models):
        for j, group in enumerate(groups):
            fit = drivers[group].get(model)
            if not is_fit(fit):
                continue
            colour, marker = _group_style(j, group)
            ys, xs, lo, hi = [], [], [], []
            for i, term in enumerate(terms):
                est, low, high, _p = scaled_ame(fit, term)
                if not (math.isfinite(est) and math.isfinite(low) and math.isfinite(high)):
                    continue
                ys.append(i - 0.4 + step * (j + 0.5))
                xs.append(est)
                lo.append(est - low)
                hi.append(high - est)
            ax.errorbar(xs, ys, xerr=[lo, hi], fmt=marker, color=colour, markersize=4, elinewidth=1.1, capsize=0,
                        label=_group_label(group, lang, cb))
        ax.axvline(0, color="#777777", linewidth=0.8)
        ax.set_title(text["csr_overall"] if model == "csr_overall" else outcome_name(model, lang, cb))
        ax.set_ylim(len(terms) - 0.5, -0.5)
        ax.set_xlabel(text["ame_axis"])
    axes[0][0].set_yticks(range(len(terms)), [textwrap.fill(regressor_name(t, lang), 24) for t in terms])
    handles, labels = [], []
    for ax in axes[0]:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    if handles:
        legend_below(fig, handles, labels, 4, handletextpad=0.3, columnspacing=1.5)
    return _finish(fig, lang)


def channel_adoption(table: pd.DataFrame, outcomes: list[str], lang: str = "en", cb: Codebook | None = None,
                     by_group: dict | None = None, mode: str | None = None, group: str = "pooled") -> plt.Figure:
    """Adoption among firms that use each channel and those that do not, with Wilson 95% intervals: one
    panel per outcome (cert_any, csr_half), one row per channel (`table`: `adoption.adoption_by_channel` of
    one sample: outcome, channel, used, k, n, share, ci_low, ci_high). A share the disclosure policy
    suppresses (the decisions of the channel tables, `by_group` every sample's table) is not drawn with real
    data; the note under the figure says how many (`present.disclosure.tag`)."""

    cb = cb or load_codebook()
    codes = {key: code for key, code in channel_codes(by_group if by_group else {group: table}).items()
             if key[3] == group and key[0] in outcomes}
    hidden = disclosure.undrawn(codes, mode)
    text = {k: _text(k, lang) for k in ("ame_axis", "share_axis", "used", "not_used", "mean", "csr_overall")}
    channels = list(CHANNEL_VARIABLES)
    fig, axes = plt.subplots(1, len(outcomes), figsize=(WIDTH, 0.45 * len(channels) + 1.3), sharey=True,
                             layout="constrained", squeeze=False)
    for ax, outcome in zip(axes[0], outcomes):
        for used, colour, marker, offset in ((1, "#0072b2", "o", -0.15), (0, "#999999", "s", 0.15)):
            ys, xs, lo, hi = [], [], [], []
            for i, channel in enumerate(channels):
                hit = table[(table["outcome"] == outcome) & (table["channel"] == channel) & (table["used"] == used)]
                if not len(hit) or pd.isna(hit.iloc[0]["share"]) or (outcome, channel, used, group) in hidden:
                    continue
                r = hit.iloc[0]
                ys.append(i + offset)
                xs.append(100 * r["share"])
                lo.append(100 * (r["share"] - r["ci_low"]))
                hi.append(100 * (r["ci_high"] - r["share"]))
            ax.errorbar(xs, ys, xerr=[lo, hi], fmt=marker, color=colour, markersize=4, elinewidth=1.1, capsize=0,
                        label=text["used" if used else "not_used"])
        ax.set_title(textwrap.fill(outcome_name(outcome, lang, cb), 26))
        ax.set_xlim(-2, 102)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(text["share_axis"])
        ax.set_ylim(len(channels) - 0.5, -0.5)
    axes[0][0].set_yticks(range(len(channels)), [textwrap.fill(channel_name(c, lang), 24) for c in channels])
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, handletextpad=0.3,
               columnspacing=1.5)
    return disclosure.tag(_finish(fig, lang), codes, mode)


def channels_gradient(gradients: dict, lang: str = "en", cb: Codebook | None = None,
                      mode: str | None = None) -> plt.Figure:
    """Mean CSR index by the number of channels a firm uses, one line per sample (`gradients`: {group:
    `adoption.channels_gradient` result, its `table`: channels_used, n, mean}); a count with no firm
    has no point, and with real data neither has a mean of fewer firms than the disclosure policy allows
    (the note under the figure says how many)."""
    cb = cb or load_codebook()
    text = {k: _text(k, lang) for k in ("ame_axis", "share_axis", "used", "not_used", "mean", "csr_overall")}
    fig, ax = plt.subplots(figsize=(WIDTH * 0.75, 3.0), layout="constrained")
    codes = disclosure.protect({(group, int(r.channels_used)): sdc.Cell.mean(r.n)
                                for group, g in gradients.items() if hasattr(g, "table")
                                for r in g.table.itertuples() if r.n > 0})
    hidden = disclosure.undrawn(codes, mode)
    for j, (group, g) in enumerate(gradients.items()):
        if not hasattr(g, "table"):
            continue
        colour, marker = _group_style(j, group)
        drawn = g.table["channels_used"].map(lambda c: (group, int(c)) not in hidden).astype(bool)
        rows = g.table[(g.table["n"] > 0) & drawn]
        ax.plot(rows["channels_used"], rows["mean"], marker=marker, color=colour, markersize=4,
                linewidth=1.6 if group == "pooled" else 1.0, label=_group_label(group, lang, cb))
    ax.set_xticks(range(len(CHANNEL_VARIABLES) + 1))
    ax.set_xlabel(_text("channels", lang, n=len(CHANNEL_VARIABLES)))
    ax.set_ylabel(text["mean"])
    ax.set_ylim(0, 1)
    if ax.get_legend_handles_labels()[0]:
        fig.legend(loc="outside right center", frameon=False, handletextpad=0.3)
    return disclosure.tag(_finish(fig, lang), codes, mode)


def _stacked_bars(ax, bars: list[tuple[str, list[float]]], colours: list[str], labels: list[str], lang: str,
                  min_label: float = 0.1) -> None:
    """Horizontal 100% bars, one per (name, shares in answer order), top to bottom; a segment of at least
    `min_label` carries its whole percentage."""
    for i, (_name, shares) in enumerate(bars):
        left = 0.0
        for j, share in enumerate(shares):
            if not math.isfinite(share) or share <= 0:
                continue
            ax.barh(i, 100 * share, left=left, color=colours[j], edgecolor="white", linewidth=0.5, height=0.72,
                    label=labels[j] if i == 0 or labels[j] not in ax.get_legend_handles_labels()[1] else None)
            if share >= min_label:
                dark = colours[j] in ("#3182bd", "#08519c", "#0072b2")
                ax.text(left + 50 * share, i, number(100 * share, 0, lang) + "%", ha="center", va="center",
                        fontsize=FONT["annotation"], color="white" if dark else "#222222")
            left += 100 * share
    ax.set_yticks(range(len(bars)), [name for name, _ in bars])
    ax.set_ylim(len(bars) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.grid(axis="y", visible=False)


def _answer_shares(table: pd.DataFrame | None, item: str, codes: list[int]) -> list[float]:
    if table is None:
        return [math.nan] * len(codes)
    part = table[table["item"] == item].set_index("answer")
    return [float(part.loc[c, "share"]) if c in part.index else math.nan for c in codes]


def answer_codes(tables: dict, items: list[str], answers: list[int]) -> dict:
    """The disclosure decisions of 100% bars of answer shares ({group: `measures.answer_shares`-like table:
    item, answer, k, n}), whole bars (`disclosure.whole_bars`): {(item, answer, group): code}. The answers of
    an item add up to the firms answering it; the pooled sample is the sum of the districts."""
    cells = {}
    for group, table in tables.items():
        if table is None:
            continue
        for r in table[table["item"].isin(items)].to_dict("records"):
            cells[((r["item"], int(r["answer"])), group)] = share_cell(r)
    codes = disclosure.by_groups(cells, sums=[[(item, a) for a in answers] for item in items])
    codes = {(item, a, g): code for ((item, a), g), code in codes.items()}
    bars = {(item, g): [(item, a, g) for a in answers] for item in items for g in tables}
    return disclosure.whole_bars(codes, bars)


def _undrawn_bar(shares: list[float], hidden: set, item: str, group: str, answers: list[int]) -> list[float]:
    """No segment of a bar the policy does not let be drawn (real data)."""
    return [math.nan] * len(shares) if any((item, a, group) in hidden for a in answers) else shares


def awareness_distribution(questionnaire: dict, lang: str = "en", cb: Codebook | None = None,
                           mode: str | None = None) -> plt.Figure:
    """CSR awareness: the answers to each awareness item (1 never heard of it ... 5 know it very well) as 100%
    bars of the answering firms, one panel per item, one bar per sample (`questionnaire`: {group:
    `adoption.questionnaire_blocks`}); a sample without answers has no bar, and with real data neither has
    one with an answer of too few firms (`answer_codes`; the note under the figure says so)."""

    cb = cb or load_codebook()
    items = cb.awareness_items()
    codes = sorted(cb.answer_labels(items[0], lang))
    answers = [textwrap.fill(cb.answer_labels(items[0], lang)[c], 18) for c in codes]
    groups = list(questionnaire)
    tables = {g: (t if isinstance(t := questionnaire[g].get("awareness"), pd.DataFrame) else None) for g in groups}
    decisions = answer_codes(tables, items, codes)
    hidden = disclosure.undrawn(decisions, mode)
    fig, axes = plt.subplots(1, len(items), figsize=(WIDTH, 0.38 * len(groups) + 1.7), sharey=True,
                             layout="constrained", squeeze=False)
    for ax, item in zip(axes[0], items):
        bars = []
        for group in groups:
            shares = _undrawn_bar(_answer_shares(tables[group], item, codes), hidden, item, group, codes)
            bars.append((_group_label(group, lang, cb), shares))
        _stacked_bars(ax, bars, KNOWLEDGE_COLORS, answers, lang, min_label=0.12)
        ax.set_title(textwrap.fill(awareness_name(item, lang, detail=True), 30))  # 36: past the edge
        ax.set_xlabel(_text("axis", lang))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KNOWLEDGE_COLORS]
    legend_below(fig, handles, answers, len(answers), handlelength=1.0, handletextpad=0.3, columnspacing=1.0)
    return disclosure.tag(_finish(fig, lang), decisions, mode)


def cert_status_bars(parts: dict, lang: str = "en", cb: Codebook | None = None, questionnaire: dict | None = None,
                     group: str = "pooled", mode: str | None = None) -> plt.Figure:
    """Certification status of one sample (`parts`: `adoption.questionnaire_blocks`, usually the pooled
    sample): for each certification the answering firms holding it, planning it and not interested, as 100%
    bars. With real data a bar with a share the disclosure policy suppresses is not drawn (the decisions of
    the certification-status table when `questionnaire`, every sample's blocks, is given; `parts` is its
    `group`); the note under the figure says so."""

    cb = cb or load_codebook()
    items = list(cb.cert_status_items())
    codes = sorted(cb.answer_labels(items[0], lang))
    answers = [cb.answer_labels(items[0], lang)[c] for c in codes]
    table = parts.get("cert_status")
    table = table if isinstance(table, pd.DataFrame) else None
    found = questionnaire_codes(questionnaire if questionnaire else {group: parts})
    status = {key[1:3]: code for key, code in found.items() if key[0] == "status" and key[3] == group}
    decisions = disclosure.whole_bars(status, {i: [(i, a) for a in codes] for i in items})
    hidden = disclosure.undrawn(decisions, mode)
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 0.36 * len(items) + 1.1), layout="constrained")
    bars = [(certification_name(i, lang, cb),
             [math.nan] * len(codes) if any((i, a) in hidden for a in codes) else _answer_shares(table, i, codes))
            for i in items]
    _stacked_bars(ax, bars, STATUS_COLORS, answers, lang)
    ax.set_xlabel(_text("axis", lang))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in STATUS_COLORS]
    legend_below(fig, handles, answers, len(answers), handlelength=1.0, handletextpad=0.3, columnspacing=1.2)
    return disclosure.tag(_finish(fig, lang), decisions, mode)
