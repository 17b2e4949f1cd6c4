"""The district sustainability report (notebooks/sustainability.ipynb, runs sustainability-*), written as a
district body would publish it: a fact sheet first (one headline value per indicator by a stated rule,
its trend, comparable figures), the environmental and social indicators of data/raw/district_indicators.csv,
the actors and their relations, the timeline, what the district can do, the firm survey in its own
section, and appendices (values the rule passed over; what was searched for absent indicators). Its words
are in the ``sustainability`` message catalog; the published-figures helpers it shares with the district
report are in `present.published`.

Its key findings (`findings_sustainability`) open the report, before the fact sheet.

The index reads this report's findings sentence through `index_sentence` (the one entry point other
modules use).
"""
from __future__ import annotations

from .actions import actions_html, barriers, planned, recommended, standing
from .captions import CAPTIONS
from .factsheet import (fact_sheet, fact_sheet_rows, indicator_table, passed_over, passed_over_table, searched_table,
                        shown_rows)
from .figures import csr_profile
from .findings import coverage, findings_sustainability, headline_item
from .indicators import (GRADES, REQUIRED_GROUPS, comparisons, eligible, grade_legend, grade_mark, headline, headlines,
                         lags, period_end, prepare, rule_text, trend, value_text, year_text)
from .tables import (actors_table, drop_unknown, group_name, milestones_table, period, profile_cells, profile_codes,
                     profile_table, relations_table, share_interval)
from .text import (actors_sentence, district_paragraph, index_sentence_sustainability, reading_sustainability,
                   schemes_sentence, survey_findings)


def heading(district: str, lang: str, cb) -> str:
    """The report's title: "Sustainability report: <district>"."""
    from ..i18n import messages

    _ = messages(lang)
    return _("Sustainability report: {district}", district=cb.label(district, lang))


def survey_heading(synthetic: bool, lang: str) -> str:
    """The survey section's title, saying when its data are synthetic."""
    from ..i18n import messages

    _ = messages(lang)
    return _("The firm survey (synthetic data)") if synthetic else _("The firm survey")


def indicator_section(rows, district: str, theme: str, rep, key: str):
    """A core table of the report (`factsheet.indicator_table`) with its caption `key`, or, when the district
    has no value of the theme, a sentence pointing to the appendix's searches."""
    if len(shown_rows(rows, district, theme)):
        return rep.table(lambda lang: indicator_table(rows, district, theme, lang), key)
    return rep.paragraph(_none_found)


def _none_found(lang: str) -> str:
    from ..i18n import messages

    _ = messages(lang)
    return _("No published value of these indicators was found for the district; the appendix lists what was searched.")


def notes_html(lang: str) -> str:
    """The fact sheet's notes: the headline rule and the legend of the grade marks (escaped HTML)."""
    import html

    return f'<p class="table-notes"><small>{html.escape(rule_text(lang))} {html.escape(grade_legend(lang))}</small></p>'


def list_html(items: list[str]) -> str:
    """Sentences as an escaped HTML list (citation markers are linked when the report is rendered)."""
    import html

    return "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in items) + "</ul>"


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """The index page's sentence for a sustainability report, from its recorded values (the district is
    parameters["district"])."""
    return index_sentence_sustainability(values, parameters["district"], lang)


__all__ = [
    "CAPTIONS", "GRADES", "REQUIRED_GROUPS", "actions_html", "actors_sentence", "actors_table", "barriers",
    "comparisons", "coverage", "csr_profile", "district_paragraph", "drop_unknown", "eligible", "fact_sheet",
    "fact_sheet_rows", "findings_sustainability", "grade_legend", "grade_mark", "group_name", "heading", "headline",
    "headline_item", "headlines", "index_sentence",
    "index_sentence_sustainability", "indicator_section", "indicator_table", "lags", "list_html", "milestones_table", "notes_html", "passed_over",
    "passed_over_table", "period", "period_end", "planned", "prepare", "profile_cells", "profile_codes", "profile_table", "reading_sustainability",
    "recommended", "relations_table", "rule_text", "schemes_sentence", "searched_table", "share_interval",
    "shown_rows", "standing", "survey_findings", "survey_heading", "trend", "value_text", "year_text",
]
