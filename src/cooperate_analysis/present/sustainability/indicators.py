"""The district's environmental, social and economic indicators (data/raw/district_indicators.csv) as a
district body would publish them: one headline value per indicator chosen by ONE stated rule
(`headline`, worded by `rule_text`), its trend, the other districts beside it where a comparable figure
exists, the values the rule passed over (an appendix table) and what was searched for an absent one.

Every value carries its year, perimeter, source (a citation marker) and the grade of its source
(`GRADE_MARKS`, a short mark with a legend: `grade_legend`). Perimeters and relation targets are named
in each language by data (data/raw/district_labels.csv), units by indicator_units.csv, indicators by
indicator_definitions.csv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ...data import dataset, report_facts
from .. import formatting as fmt
from ..i18n import N_, messages
from ..published import published_source, published_year

GRADES = dataset.GRADES  # strongest first
# The groups of indicator_definitions.csv that every fact sheet shows (a value or what was searched).
REQUIRED_GROUPS = ("water", "energy", "waste", "employment")
# A lag is said only of a rate (not of a total, which the size and sector of a district decide) with a
# direction in which it is better; the data hold no such pair today, so no lag is said.
RATE_UNITS = ("%",)
BETTER_WHEN_LOWER = ("injuries_reported", "injuries_share", "water_withdrawn", "electricity_use", "gas_use",
                     "air_emissions", "sludge", "process_waste_landfilled")
GRADE_NAMES = {"OS": N_("official statistics"), "PB": N_("public body"), "AC": N_("academic publication"),
               "DB": N_("district body or association"), "PR": N_("press"), "SC": N_("secondary copy")}
HEADLINE_RULE = N_(
    "How the headline value is chosen: among the published values of an indicator, only those that cover the "
    "district as a whole (not one plant, the region or Italy) and a whole year or years count; of these the most "
    "recent is chosen and, between values of the same year, the one from the most official source (grades from "
    "the strongest: {grades}); an undated value is chosen only when no value is dated. A figure that a stronger "
    "source also gives is shown from that source only.")


def grade_mark(grade: str, lang: str) -> str:
    """The short mark of a source grade in `lang` ("PR" / "ST")."""
    _ = messages(lang)
    marks = {"OS": _.pgettext("mark of a source grade", "OS"), "PB": _.pgettext("mark of a source grade", "PB"),
             "AC": _.pgettext("mark of a source grade", "AC"), "DB": _.pgettext("mark of a source grade", "DB"),
             "PR": _.pgettext("mark of a source grade", "PR"), "SC": _.pgettext("mark of a source grade", "SC")}
    return marks.get(grade, fmt.MISSING)


def grade_legend(lang: str) -> str:
    """'Source grades: OS official statistics, PB public body, ...' in `lang`, strongest first."""
    _ = messages(lang)
    return _("Source grades, from the strongest: {list}.", list="; ".join(
        f"{grade_mark(g, lang)} {_(GRADE_NAMES[g])}" for g in GRADES))


def rule_text(lang: str) -> str:
    """The headline rule as the report states it (the words of `headline`)."""
    _ = messages(lang)
    return _(HEADLINE_RULE, grades=", ".join(grade_mark(g, lang) for g in GRADES))


# --- years --------------------------------------------------------------------------------------------

def period_end(year) -> int | None:
    """The last year a period of district_indicators.csv covers ("2016-2020" -> 2020, "c.2024" -> 2024,
    "1980s" -> 1989, "2023 H1" -> 2023); None when undated."""
    if not isinstance(year, str) or not year.strip():
        return None
    years = [int(y) + (9 if s else 0) for y, s in re.findall(r"\b(1[89]\d\d|20\d\d)(s?)\b", year)]
    return max(years) if years else None


def whole_year(year) -> bool:
    """Whether a period covers whole years (not "2023 H1", the first half)."""
    return not (isinstance(year, str) and re.search(r"\bH[12]\b", year))


def year_text(year, lang: str) -> str:
    """A period as printed: "2019", "2016–2020", "2024 circa", "anni '80", "primo semestre 2023"; '–' undated."""
    if not isinstance(year, str) or not year.strip():
        return fmt.MISSING
    _ = messages(lang)
    half = re.fullmatch(r"(\d{4}) H([12])", year.strip())
    if half:
        return _("first half of {year}", year=half.group(1)) if half.group(2) == "1" else \
            _("second half of {year}", year=half.group(1))
    return published_year(year, lang)


# --- labels -----------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _labels() -> dict[tuple[str, str], dict[str, str]]:
    table = report_facts.load_labels()
    return {(r.field, r.text): {"en": r.label_en, "it": r.label_it, "kind": r.kind} for r in table.itertuples()}


def label(text: str, field: str, lang: str) -> str:
    """A perimeter or relation target in `lang` (data/raw/district_labels.csv); the text itself if unlisted."""
    if not isinstance(text, str) or not text.strip():
        return fmt.MISSING
    return _labels().get((field, text), {}).get(lang) or text


def perimeter_kind(text: str) -> str:
    """What a perimeter covers (`report_facts.PERIMETER_KINDS`); a perimeter the labels file lacks counts as
    the district only if it says so in its first word, else as a part."""
    kind = _labels().get(("perimeter", text), {}).get("kind")
    return kind or ("district" if str(text).lower().startswith("district") else "part")


@lru_cache(maxsize=None)
def _definitions() -> pd.DataFrame:
    return dataset.load_indicator_definitions().set_index("indicator")


@lru_cache(maxsize=None)
def _units() -> dict[str, str]:
    return dict(dataset.load_indicator_units().itertuples(index=False, name=None))


def indicator_label(indicator: str, lang: str) -> str:
    return _definitions().loc[indicator, f"label_{lang}"]


def unit_text(unit: str, lang: str) -> str:
    return unit if lang == "en" else _units().get(unit, unit)


def value_text(value, unit, qualifier, lang: str) -> str:
    """A value with its unit and qualifier: "more than 2,000,000 population equivalents", "circa 500 imprese",
    "29,3%"; the decimals are those of the file."""
    _ = messages(lang)
    text = np.format_float_positional(float(value), trim="-")
    number = fmt.number(float(value), len(text.split(".")[1]) if "." in text else 0, lang)
    units = unit_text(unit, lang)
    body = f"{number}{units}" if units.startswith("%") else f"{number} {units}"
    phrases = {"more than": N_("more than {value}"), "fewer than": N_("fewer than {value}"),
               "less than": N_("less than {value}"), "approx.": N_("about {value}"), "almost": N_("almost {value}")}
    return _(phrases[qualifier], value=body) if qualifier in phrases else body


def figure_text(r, lang: str, value: str | None = None) -> str:
    """A value with its year: '6,000 employees (2019)', '1.2 million t/yr (undated)'; `value` replaces the
    value's own text."""
    _ = messages(lang)
    value = value or value_text(r["value"], r["unit"], r["qualifier"], lang)
    if period_end(r["year"]) is None:
        return _("{value} (undated)", value=value)
    return _("{value} ({year})", value=value, year=year_text(r["year"], lang))


def lower_start(text: str) -> str:
    """`text` with its first letter in lower case, unless it starts an acronym ("EMAS")."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def source_text(source_id: str, lang: str) -> str:
    """The citation marker of a source ('@key'), linked when the report is rendered."""
    return published_source(source_id, lang)


# --- the rows of a district and the rule ---------------------------------------------------------------

def prepare(indicators: pd.DataFrame, exclusions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicator rows (`dataset.load_indicators`) with what the rule reads: `row` (the file's row from 0),
    `order` (the indicator's place in indicator_definitions.csv), `group`, `perimeter_kind`, `end`
    (`period_end`, NaN undated), `whole` (`whole_year`), `rank` (grade, 0 strongest), `excluded` (the reason
    of headline_exclusions.csv, in English; '' when none) and `superseded` (a value that a stronger source
    gives for the same district, indicator, unit and year)."""
    defs = _definitions()
    exclusions = report_facts.load_exclusions() if exclusions is None else exclusions
    out = indicators.reset_index(drop=True).copy()
    out["row"] = out.index
    out["order"] = [defs.index.get_loc(i) for i in out["indicator"]]
    out["group"] = [defs.loc[i, "group"] for i in out["indicator"]]
    out["perimeter_kind"] = [perimeter_kind(p) for p in out["perimeter"]]
    out["end"] = [period_end(y) if period_end(y) is not None else np.nan for y in out["year"]]
    out["whole"] = [whole_year(y) for y in out["year"]]
    out["rank"] = [GRADES.index(g) if g in GRADES else len(GRADES) for g in out["grade"]]
    out["excluded"] = ""
    for e in exclusions.itertuples():
        hit = (out["district"] == e.district) & (out["indicator"] == e.indicator) & \
            (out["source_id"] == e.source_id) & np.isclose(out["value"].fillna(np.inf), e.value)
        out.loc[hit, "excluded"] = e.reason_en
    valued = out["value"].notna()
    same = out[valued].groupby(["district", "indicator", "unit", "year", "value"])["rank"].transform("min")
    out["superseded"] = False
    out.loc[valued, "superseded"] = out.loc[valued, "rank"] > same
    # a small table filtered hundreds of times per report: Python strings are taken about twice as fast as
    # pandas' Arrow-backed ones (the fact sheet of a district: 0.20 -> 0.10 s)
    return out.astype({c: object for c in out.columns if pd.api.types.is_string_dtype(out[c].dtype)})


def eligible(rows: pd.DataFrame) -> pd.DataFrame:
    """The values the rule may choose from: a value covering the district as a whole and whole years, not
    excluded as a misprint and not superseded by a stronger source."""
    return rows[rows["value"].notna() & (rows["perimeter_kind"] == "district") & rows["whole"]
                & (rows["excluded"] == "") & ~rows["superseded"]]


def headline(rows: pd.DataFrame) -> pd.Series | None:
    """THE headline rule, for the rows of ONE indicator of ONE district (`prepare`): among `eligible` values,
    the most recent (`end`); between values of the same year, the most official (`rank`); undated values
    only when none is dated; file order on a full tie. None when no value is eligible. `rule_text` words it."""
    pool = eligible(rows)
    if pool.empty:
        return None
    dated = pool[pool["end"].notna()]
    pool = dated if len(dated) else pool
    key = pool.assign(_end=pool["end"].fillna(-1)).sort_values(["_end", "rank", "row"], ascending=[False, True, True],
                                                               kind="stable")
    return key.iloc[0]


def headlines(rows: pd.DataFrame, district: str) -> dict[str, pd.Series]:
    """{indicator: headline row} of a district, in the definitions' order: `headline` of each indicator's
    rows, all indicators chosen in one sort (a report asks for a district's headlines many times; a test
    holds them equal to `headline` indicator by indicator)."""
    mine = rows[rows["district"] == district].sort_values(["order", "row"])
    pool = eligible(mine)
    dated = pool["end"].notna()
    pool = pool[dated | ~dated.groupby(pool["indicator"], sort=False).transform("any")]  # dated ones if any
    key = pool.assign(_end=pool["end"].fillna(-1)).sort_values(["_end", "rank", "row"], ascending=[False, True, True],
                                                               kind="stable")
    first = {}
    for position, indicator in enumerate(key["indicator"]):
        first.setdefault(indicator, position)
    return {indicator: key.iloc[first[indicator]] for indicator in dict.fromkeys(mine["indicator"])
            if indicator in first}


def trend(rows: pd.DataFrame, chosen: pd.Series) -> pd.DataFrame:
    """The dated eligible values of the headline's district, indicator and unit, one per year (the rule's
    choice within a year), oldest first: the headline's series. Fewer than two rows: no trend."""
    same = eligible(rows[(rows["district"] == chosen["district"]) & (rows["indicator"] == chosen["indicator"])
                         & (rows["unit"] == chosen["unit"])])
    same = same[same["end"].notna()].sort_values(["end", "rank", "row"], kind="stable")
    return same.drop_duplicates("end", keep="first")


@dataclass(frozen=True)
class Comparison:
    """A comparable figure beside a district's headline: another district's headline (same indicator and
    unit, both covering a district), or a figure for the region or Italy of the same indicator and unit."""
    where: str  # a district id, or 'region' / 'nation'
    row: pd.Series


def comparisons(rows: pd.DataFrame, district: str, indicator: str, unit: str | None) -> list[Comparison]:
    """The comparable figures for one indicator of a district (`Comparison`); with `unit` None (the district
    has no value) the other districts' headlines of any unit and the region's or Italy's figures."""
    out = []
    for other in dict.fromkeys(rows["district"]):
        if other == district:
            continue
        chosen = headline(rows[(rows["district"] == other) & (rows["indicator"] == indicator)])
        if chosen is not None and (unit is None or chosen["unit"] == unit):
            out.append(Comparison(other, chosen))
    wide = rows[(rows["district"] == district) & (rows["indicator"] == indicator)
                & rows["perimeter_kind"].isin(["region", "nation"]) & rows["value"].notna()]
    for _i, r in wide.iterrows():
        if unit is None or r["unit"] == unit:
            out.append(Comparison(r["perimeter_kind"], r))
    return out


def lags(rows: pd.DataFrame, district: str) -> list[tuple[pd.Series, Comparison]]:
    """The indicators where the district lags: its headline is a rate (`RATE_UNITS`) of an indicator with a
    better direction (`BETTER_WHEN_LOWER`) and a comparable figure is better. [(headline, comparison)]."""
    out = []
    for indicator, chosen in headlines(rows, district).items():
        if chosen["unit"] not in RATE_UNITS or indicator not in BETTER_WHEN_LOWER:
            continue
        for c in comparisons(rows, district, indicator, chosen["unit"]):
            if c.row["value"] < chosen["value"]:
                out.append((chosen, c))
    return out
