"""Published figures (data/raw/published_figures.csv) as every report shows them: a measure and its
perimeter named in the report's language, a unit with its qualifier, a year as published ("c. 2009",
"past (c. 1990s)"), a source as a citation marker, and the district's table of published size and
export figures.

The names of measures and perimeters are data (data/raw/published_measures.csv, read by
`dataset.load_published_labels`), so a new published figure is named in Italian by a row of that file,
not by code; a text the file lacks is shown as published. Units, qualifiers and the words of a year are
messages of the common catalog. Shared by the district and sustainability reports; imports no report.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ..data import dataset
from . import formatting as fmt
from .i18n import messages

# The measures of a district's table of published size and export figures (`published_figures`).
PUBLISHED_MEASURES = r"^(?:Number of firms|Clothing firms|Number of tanneries|Number of employees|Employees|Export share)"


@lru_cache(maxsize=None)
def _labels() -> dict[tuple[str, str], dict[str, str]]:
    table = dataset.load_published_labels()
    return {(r.field, r.text): {"en": r.label_en, "it": r.label_it} for r in table.itertuples(index=False)}


def labels(field: str | None = None) -> dict[str, dict[str, str]]:
    """{text as in published_figures.csv: {lang: name}} of the measures ('measure'), the perimeters
    ('perimeter') or both (None)."""
    return {text: names for (f, text), names in _labels().items() if field in (None, f)}


def published_label(text, lang: str = "en", field: str | None = None) -> str:
    """A measure or perimeter of published_figures.csv in `lang` (data/raw/published_measures.csv); the
    text itself when the file does not name it; '–' when empty."""
    if not isinstance(text, str) or not text.strip():
        return fmt.MISSING
    fmt._check(lang)
    for f in ((field,) if field else ("measure", "perimeter")):
        names = _labels().get((f, text))
        if names and names.get(lang, "").strip():
            return names[lang]
    return text


def published_it() -> dict[str, str]:
    """{measure: Italian name} of every measure data/raw/published_measures.csv names."""
    return {text: names["it"] for text, names in labels("measure").items()}


def unit_words(lang: str) -> dict[str, str]:
    """The units of published_figures.csv in `lang` ('year' prints nothing beside a year)."""
    _ = messages(lang)
    return {
        "firms": _.pgettext("unit of a published figure", "firms"),
        "employees": _.pgettext("unit of a published figure", "employees"),
        "%": "%",
        "million EUR": _.pgettext("unit of a published figure", "million EUR"),
        "EUR": _.pgettext("unit of a published figure", "EUR"),
        "t/year": _.pgettext("unit of a published figure", "t/year"),
        "% of firms": _.pgettext("unit of a published figure", "% of firms"),
        "% of answers": _.pgettext("unit of a published figure", "% of answers"),
        "% of votes": _.pgettext("unit of a published figure", "% of votes"),
        "districts": _.pgettext("unit of a published figure", "districts"),
        "local units": _.pgettext("unit of a published figure", "local units"),
        "index": _.pgettext("unit of a published figure", "index"),
        "km2": "km²",
        "comuni": _.pgettext("unit of a published figure", "comuni"),
        "inhabitants": _.pgettext("unit of a published figure", "inhabitants"),
        "year": "",
    }


def qualifier_words(lang: str) -> dict[str, str]:
    """The qualifiers of a unit of published_figures.csv ("firms (more than)") in `lang`."""
    _ = messages(lang)
    return {
        "more than": _.pgettext("qualifier of a published figure", "more than"),
        "fewer than": _.pgettext("qualifier of a published figure", "fewer than"),
        "less than": _.pgettext("qualifier of a published figure", "less than"),
        "approx.": _.pgettext("qualifier of a published figure", "approx."),
        "almost": _.pgettext("qualifier of a published figure", "almost"),
    }


# The units and qualifiers a published figure's unit is made of (English keys as in published_figures.csv).
UNITS = tuple(unit_words("en"))
QUALIFIERS = tuple(qualifier_words("en"))


def published_unit(unit: str, lang: str = "en") -> str:
    """A unit of published_figures.csv ("firms (more than)") in `lang` ("imprese (più di)"); a unit the
    reports do not know is shown as published; '' for 'year'."""
    if not isinstance(unit, str) or not unit.strip():
        return fmt.MISSING
    base, _, qualifier = unit.strip().partition(" (")
    qualifier = qualifier.removesuffix(")")
    units = unit_words(lang)
    text = units.get(base, base)
    if qualifier:
        text = f"{text} ({qualifier_words(lang).get(qualifier, qualifier)})"
    return text


def _decade(start: int, lang: str) -> str:
    _ = messages(lang)
    names = {1980: _.pgettext("decade", "1980s"), 1990: _.pgettext("decade", "1990s"),
             2000: _.pgettext("decade", "2000s"), 2010: _.pgettext("decade", "2010s"),
             2020: _.pgettext("decade", "2020s")}
    return names.get(start, f"{start}s")


def published_year(year, lang: str = "en") -> str:
    """A year of published_figures.csv in `lang`: "c.2009" -> "c. 2009" / "2009 circa"; "c.2010s" ->
    "c. 2010s" / "anni 2010 circa"; "past (c.1990s)" -> "past (c. 1990s)" / "in passato (anni '90 circa)";
    a range of years with an en dash ("2010–2012"); "2009 (inferred)" -> "2009 (dedotto)"."""
    if not isinstance(year, str):
        return fmt.MISSING if year is None or pd.isna(year) else str(year)
    _ = messages(lang)
    text = re.sub(r"\b(\d{4})-(\d{4})\b", lambda m: fmt.year_range(m.group(1), m.group(2)), year.strip())
    text = re.sub(r"\b(\d{4})s\b", lambda m: _decade(int(m.group(1)), lang), text)
    text = re.sub(r"\bpast\b", lambda m: _.pgettext("year of a published figure", "past"), text)
    text = re.sub(r"\(inferred\)", lambda m: _.pgettext("year of a published figure", "(inferred)"), text)
    return re.sub(r"c\.\s*(.+?)(\)|$)",
                  lambda m: _.pgettext("year of a published figure", "c. {year}", year=m.group(1)) + m.group(2), text)


def published_source(source_id: str, lang: str = "en", sources: str = "marker") -> str:
    """How a table names a published-figure source: the citation marker "@key" (`sources="marker"`),
    which the renderer (`bibliography.add_references`) turns into a linked "Ecodistretti (2009)" and
    an entry of the report's references; its plain short citation (`"citation"`); or the id of
    published_figures.csv (`"id"`, also for a source the bibliography lacks)."""
    from . import bibliography

    if sources == "id" or source_id not in bibliography.source_keys():
        return source_id
    if sources == "marker":
        return bibliography.source_marker(source_id)
    return bibliography.source_citation(source_id, lang, link=False)


def headers(lang: str) -> dict[str, str]:
    """The column headers of a table of published figures."""
    _ = messages(lang)
    return {"measure": _.pgettext("table header", "Measure"), "value": _.pgettext("table header", "Value"),
            "unit": _.pgettext("table header", "Unit"), "year": _.pgettext("table header", "Year"),
            "perimeter": _.pgettext("table header", "Perimeter"), "source": _.pgettext("table header", "Source")}


def published_figures(figures: pd.DataFrame, district: str, lang: str = "en", sources: str = "marker") -> pd.DataFrame:
    """The published size and export figures of a district (rows of data/raw/published_figures.csv)
    with year, perimeter (what the figure covers, as published: a figure about all Tuscan tanning is
    not the district's) and source (`published_source`: a citation marker the rendered report links to
    its references, by default); measures and perimeters named in `lang` (`published_label`)."""
    h = headers(lang)
    rows = figures[(figures["district"] == district) & figures["measure"].str.contains(PUBLISHED_MEASURES)]
    perimeters = rows["perimeter"] if "perimeter" in rows else pd.Series("", index=rows.index)
    return pd.DataFrame({h["measure"]: [published_label(m, lang, "measure") for m in rows["measure"]],
                         h["value"]: rows["value"],
                         h["unit"]: [published_unit(u, lang) for u in rows["unit"]],
                         h["year"]: [published_year(y, lang) for y in rows["year"]],
                         h["perimeter"]: [published_label(x, lang, "perimeter") for x in perimeters],
                         h["source"]: [published_source(i, lang, sources) for i in rows["source_id"]]}).reset_index(drop=True)
