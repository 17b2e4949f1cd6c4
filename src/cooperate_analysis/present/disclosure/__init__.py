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
"""
from __future__ import annotations

import html

from ...stats import disclosure as sdc
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
