"""The district sustainability report (notebooks/sustainability.ipynb, runs sustainability-*): its indicator,
profile, actor and timeline tables, its figure, its sentences and captions. Its words are in the
``sustainability`` message catalog; the published-figures helpers it shares with the district report are
in `present.published`.

The index reads this report's findings sentence through `index_sentence` (the one entry point other
modules use).
"""
from __future__ import annotations

from .captions import CAPTIONS
from .figures import csr_profile
from .tables import (SUSTAINABILITY_SECTIONS, TERRITORY_MEASURES, actors_table, group_name, indicator_name,
                     indicator_table, milestones_table, period, profile_table, published_value, share_interval,
                     survey_label, sustainability_indicators)
from .text import (HEADLINE_UNITS, PROJECT_YEAR, actors_sentence, district_paragraph, findings_sustainability,
                   headline_rows, index_sentence_sustainability, published_year_number, reading_sustainability,
                   schemes_sentence)


def heading(district: str, lang: str, cb) -> str:
    """The report's title: "Sustainability report: <district>"."""
    from ..i18n import messages

    _ = messages(lang)
    return _("Sustainability report: {district}", district=cb.label(district, lang))


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """The index page's sentence for a sustainability report, from its recorded values (the district is
    parameters["district"])."""
    return index_sentence_sustainability(values, parameters["district"], lang)


__all__ = [
    "CAPTIONS", "HEADLINE_UNITS", "PROJECT_YEAR", "SUSTAINABILITY_SECTIONS", "TERRITORY_MEASURES", "actors_sentence",
    "actors_table", "csr_profile", "district_paragraph", "findings_sustainability", "group_name", "heading",
    "headline_rows", "index_sentence", "index_sentence_sustainability", "indicator_name", "indicator_table",
    "milestones_table", "period", "profile_table", "published_value", "published_year_number",
    "reading_sustainability", "schemes_sentence", "share_interval", "survey_label", "sustainability_indicators",
]
