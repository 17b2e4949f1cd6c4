"""The disclosure policy on the page (issue 27): how a table carries the counts behind its cells, how a
suppressed or would-be-suppressed cell prints, and the note that states the rule. The rules themselves
are declared once in `stats.disclosure`; its words are in ``disclosure.po``.

A table builder passes, beside the DataFrame it returns, what stands behind each displayed cell::

    from ..disclosure import attach
    from ...stats.disclosure import Cell, margin
    cells = {(row, column): Cell.share(k, n), ...}        # row: position in the DataFrame, column: its label
    relations = [margin([(row, d) for d in districts], (row, pooled)) for row in ...]  # pooled = sum of districts
    return attach(df, cells, relations)

`report.table_html` (so every `Report.table`) then applies the policy: with real data (``mode ==
"enforce"``) a suppressed cell prints `SUPPRESSED` and the note names the rules; with synthetic data
(``"mark"``) every number prints, the cells the policy would suppress carry `FLAG`, and the note says
what real data would hide. The mode follows the survey's metadata (`mode`); a report learns it from
`Report(meta=...)` or `Report.banner(meta)`, and figures ask `firm_points_allowed()`.

Sentences: a generated sentence that quotes a survey share, count or mean passes the value through
`Quotes` with the cell behind it, or with the decision of the table that shows the same numbers
(`by_groups` lays out the reports' tables: the pooled sample the sum of the districts in each row, answers
adding up to the firms answering), so that sentence and table hide the same cells. With real data a
suppressed value becomes `Withheld` words that say why ("withheld (fewer than 3 firms, ...)"); with
synthetic data it prints with `FLAG` and `Quotes.note` explains the mark. A sentence that ranks values
(the largest share, the most planned certification) ranks only the values it may publish with real data.

Figures: a figure of survey shares draws no bar, dot or segment the policy suppresses with real data
(`undrawn`; a stacked bar with a suppressed segment not at all, `whole_bars`) and records what it left out
with `tag`; `Report.figure` prints the note under it (`figure_note`), which with synthetic data says what
real data would not draw.
"""
from __future__ import annotations

import html

from ...stats import disclosure as sdc
from .. import formatting as fmt
from ..i18n import N_, messages

ENFORCE, MARK = "enforce", "mark"
SUPPRESSED = "x"          # the mark of a cell not published
FLAG = "\u2020"           # dagger: a cell the policy would suppress with real data (synthetic builds)
ATTR = "disclosure"

_state = {"mode": None}

# Translators: the rule behind a suppressed table cell; {n} is the policy's threshold of firms
REASONS = {
    sdc.FREQUENCY: N_("fewer than {n} firms in the cell, or in its complement (frequency rule)"),
    sdc.FEW_CONTRIBUTORS: N_("a magnitude from fewer than {n} firms"),
    sdc.DOMINANCE: N_("the {top} largest firms hold more than {k}% of the total (dominance rule)"),
    sdc.P_PERCENT: N_("one firm could estimate another's value within {p}% (p% rule)"),
    sdc.SMALL_SAMPLE: N_("estimated on fewer than {n} firms"),
    sdc.SECONDARY: N_("hidden so that the totals cannot give back a suppressed cell (secondary suppression)"),
}


def mode(meta: dict | None) -> str:
    """``"mark"`` for synthetic data, else ``"enforce"``: real data, and data whose origin is unknown
    (confidential by default)."""
    return MARK if meta is not None and meta.get("synthetic") else ENFORCE


def use(meta: dict | None) -> str:
    """Record the survey's mode for the displays built after this call (figures without a `mode` argument)."""
    _state["mode"] = mode(meta)
    return _state["mode"]


def current() -> str:
    """The mode recorded by `use` (``"enforce"`` until a synthetic survey's metadata say otherwise)."""
    return _state["mode"] or ENFORCE


def firm_points_allowed(current_mode: str | None = None) -> bool:
    """Whether a figure may draw one point per firm: only for synthetic data (`stats.disclosure.FIRM_POINTS_REAL`)."""
    return (current_mode or current()) == MARK or sdc.FIRM_POINTS_REAL


def attach(df, cells: dict, relations: list | None = None):
    """Declare what stands behind `df`'s cells ({(row position, column label): `stats.disclosure.Cell`}) and
    the table's additive relations (`stats.disclosure.margin` / `known_sum` over the same keys); returns `df`."""
    df.attrs[ATTR] = {"cells": dict(cells), "relations": list(relations or [])}
    return df


def decisions(df, policy: sdc.Policy = sdc.POLICY) -> dict:
    """{(row position, column label): code} of the cells of `df` the policy suppresses (none if the builder
    declared nothing)."""
    spec = df.attrs.get(ATTR)
    if not spec:
        return {}
    return sdc.protect(spec["cells"], spec["relations"], policy)


def reason(code: str, lang: str, policy: sdc.Policy = sdc.POLICY) -> str:
    _ = messages(lang)
    n = policy.n_min_magnitude if code == sdc.FEW_CONTRIBUTORS else policy.n_min
    return _(REASONS[code], n=n, top=policy.dominance_n, k=f"{policy.dominance_k:g}",
             p=f"{policy.p_percent or 0:g}")


def note(codes, current_mode: str, lang: str, policy: sdc.Policy = sdc.POLICY) -> str:
    """The note under a table with suppressed (or, for synthetic data, flagged) cells: the mark and the
    rules that applied, in the policy's order; '' when no cell is concerned."""
    present = [c for c in sdc.CODES if c in set(codes)]
    if not present:
        return ""
    _ = messages(lang)
    rules = "; ".join(reason(c, lang, policy) for c in present)
    if current_mode == ENFORCE:
        return _("{mark}: not published to protect the confidentiality of the firms: {rules}.",
                 mark=SUPPRESSED, rules=rules)
    return _("{mark}: with real data this cell would not be published: {rules}. The survey is synthetic, so "
             "every number is shown.", mark=FLAG, rules=rules)


def note_html(codes, current_mode: str, lang: str) -> str:
    text = note(codes, current_mode, lang)
    return f'<p class="disclosure-note">{html.escape(text)}</p>' if text else ""


# --- sentences: a survey value quoted in a generated sentence ----------------------------------------------
# A sentence that quotes a share, count or mean of the survey ("42.9% [26.5, 60.9] of the firms that use it")
# passes each quoted value through `Quotes`, with the cell behind it (or the code the table of the same
# numbers decided, so that the sentence and the table hide the same cells): with real data a value the policy
# suppresses becomes a `Withheld` text that says why; with synthetic data it prints with `FLAG`, and
# `Quotes.note` gives the sentence that explains the mark. Published figures (real aggregates from sources)
# are not survey microdata and are quoted as they are.

NBSP = "\u00a0"

# Translators: a value of the survey that a sentence would quote, not published with real data; it stands
# where the number would ("withheld (fewer than 3 firms...) of the firms that use it hold a certification")
WITHHELD = {
    "share": N_("withheld (fewer than {n} firms, or all but fewer than {n})"),
    "count": N_("withheld (fewer than {n} firms)"),
    sdc.FEW_CONTRIBUTORS: N_("withheld (fewer than {n} firms)"),
    sdc.DOMINANCE: N_("withheld (its largest firms dominate the total)"),
    sdc.P_PERCENT: N_("withheld (one firm could estimate another's value)"),
    sdc.SMALL_SAMPLE: N_("withheld (estimated on fewer than {n} firms)"),
    sdc.SECONDARY: N_("withheld (it would give back a withheld value)"),
}


class Withheld(str):
    """The text that stands in a sentence for a value the policy does not publish (real data): callers that
    add words to a number (an Italian article before a percentage) leave it as it is."""


def withheld(code: str, lang: str, cell: sdc.Cell | None = None, policy: sdc.Policy = sdc.POLICY) -> Withheld:
    """The words for a withheld value: why, by the rule that applied (`code`; for the frequency rule a share
    says "or all but fewer than n", since a share of 25 of 26 firms tells about the one firm without the
    trait)."""
    _ = messages(lang)
    if code == sdc.FREQUENCY:
        key = "share" if cell is not None and cell.kind == "share" else "count"
    else:
        key = code
    n = policy.n_min_magnitude if code == sdc.FEW_CONTRIBUTORS else policy.n_min
    return Withheld(_(WITHHELD[key], n=fmt.integer(n, lang)))


class Quotes:
    """Quotes survey values into the sentences of one language under the disclosure policy.

    ``q = Quotes(lang)`` (the mode recorded by `use`, or ``mode=``); ``q(text, cell)`` returns `text` when
    the cell may be published, else (real data) the `Withheld` words or (synthetic data) `text` with `FLAG`;
    ``q(text, code=codes.get(key, ""))`` takes the decision of a table or of `protect` instead (secondary
    suppression included). ``q.note()`` is the sentence under the list that explains the mark ('' for real
    data, where the words say why, and when nothing was marked)."""

    def __init__(self, lang: str, mode: str | None = None, policy: sdc.Policy = sdc.POLICY):
        self.lang = lang
        self.mode = mode or current()
        self.policy = policy
        self.codes: list[str] = []

    def code(self, cell: sdc.Cell | None) -> str:
        return sdc.primary(cell, self.policy) if cell is not None else ""

    def __call__(self, text: str, cell: sdc.Cell | None = None, code: str | None = None) -> str:
        code = self.code(cell) if code is None else code
        if not code:
            return text
        self.codes.append(code)
        if self.mode == ENFORCE:
            return withheld(code, self.lang, cell, self.policy)
        return f"{text}{NBSP}{FLAG}"

    @property
    def hidden(self) -> bool:
        """Whether some quoted value was withheld (real data) or marked (synthetic data)."""
        return bool(self.codes)

    def note(self) -> str:
        present = [c for c in sdc.CODES if c in set(self.codes)]
        if self.mode == ENFORCE or not present:
            return ""
        _ = messages(self.lang)
        rules = "; ".join(reason(c, self.lang, self.policy) for c in present)
        return _("{mark}: with real data this value would not be published: {rules}. The survey is synthetic, so "
                 "every number is shown.", mark=FLAG, rules=rules)


def protect(cells: dict, relations: list | None = None, policy: sdc.Policy = sdc.POLICY) -> dict:
    """{key: code} of the cells the policy suppresses (`stats.disclosure.protect`), for sentences and figures
    that quote cells outside a table; cells that are None (no firm answered) are left out."""
    return sdc.protect({k: c for k, c in cells.items() if c is not None}, relations, policy)


def by_groups(cells: dict, pooled: str = "pooled", sums: list | None = None,
              policy: sdc.Policy = sdc.POLICY) -> dict:
    """`protect` of cells keyed (row, group) as the reports' tables lay them out: in each row the pooled
    group is the sum of the other groups (the districts), and each list of rows in `sums` adds up to a known
    number within every group (statuses adding up to the firms answering). The same decisions as the table of
    those cells (`attach` with the same relations)."""
    rows = list(dict.fromkeys(r for r, _g in cells))
    groups = list(dict.fromkeys(g for _r, g in cells))
    districts = [g for g in groups if g != pooled]
    relations = []
    if pooled in groups and districts:
        relations = [sdc.margin([(r, g) for g in districts], (r, pooled)) for r in rows]
    for block in sums or []:
        relations += [sdc.known_sum([(r, g) for r in block]) for g in groups]
    return protect(cells, relations, policy)


# --- figures: bars and dots of survey shares ---------------------------------------------------------------
FIGURE_ATTR = "cooperate_disclosure"

def undrawn(codes: dict, figure_mode: str | None = None) -> set:
    """The keys a figure must not draw: the suppressed ones with real data, none with synthetic data."""
    return set(codes) if (figure_mode or current()) == ENFORCE else set()


def whole_bars(codes: dict, bars: dict) -> dict:
    """`codes` extended to stacked bars: a bar (`bars`: {bar: [keys of its segments]}) with a suppressed segment
    is not drawn at all, since the segments after a missing one would give its size back by where they
    start; its other segments take the code `SECONDARY`. Keys of no bar keep their code."""
    out = dict(codes)
    for keys in bars.values():
        if any(k in codes for k in keys):
            out |= {k: codes.get(k, sdc.SECONDARY) for k in keys}
    return out


def tag(fig, codes, figure_mode: str | None = None):
    """Record on a matplotlib figure the cells the policy suppresses (`codes`: {key: code}, or codes) and
    the mode it was drawn in, for the note under it (`figure_note`); returns `fig`."""
    values = list(codes.values()) if isinstance(codes, dict) else list(codes)
    setattr(fig, FIGURE_ATTR, {"codes": values, "mode": figure_mode or current()})
    return fig


def figure_note(fig, lang: str, policy: sdc.Policy = sdc.POLICY) -> str:
    """The note under a tagged figure ('' when nothing was suppressed or the figure was not tagged)."""
    spec = getattr(fig, FIGURE_ATTR, None)
    if not spec or not spec["codes"]:
        return ""
    _ = messages(lang)
    present = [c for c in sdc.CODES if c in set(spec["codes"])]
    rules = "; ".join(reason(c, lang, policy) for c in present)
    if spec["mode"] == ENFORCE:
        # Translators: the note under a figure of real data some of whose values rest on too few firms
        return _.ngettext("{n} value resting on too few firms is not drawn, to protect the confidentiality of the "
                          "firms: {rules}.",
                          "{n} values resting on too few firms are not drawn, to protect the confidentiality of the "
                          "firms: {rules}.", len(spec["codes"]), rules=rules)
    return _.ngettext("With real data {n} value of this figure would not be drawn: {rules}. The survey is synthetic, "
                      "so every value is drawn.",
                      "With real data {n} values of this figure would not be drawn: {rules}. The survey is "
                      "synthetic, so every value is drawn.", len(spec["codes"]), rules=rules)


def figure_note_html(fig, lang: str) -> str:
    text = figure_note(fig, lang)
    return f'<p class="disclosure-note">{html.escape(text)}</p>' if text else ""
