"""The tables built on the district's indicators: the fact sheet (one headline per indicator, its trend,
comparable figures), the indicator tables of the report's core (environment; work, firms and markets),
the appendix of values the headline rule passed over, and what was searched for an absent indicator."""
from __future__ import annotations

import re

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from .. import formatting as fmt
from ..i18n import messages
from . import indicators as ind

THEMES = {"environment": ("environment",), "social_economic": ("social", "economic")}


def _where(c: ind.Comparison, lang: str, cb: Codebook, short: bool = False) -> str:
    """Where a comparable figure is: a district's short name ("Capannori (paper)", or with `short` the place
    alone, "Capannori"), or the perimeter of a region's or Italy's figure."""
    if c.where in cb.districts:
        name = cb.districts[c.where]["short"][lang]
        return re.sub(r"\s*\([^)]*\)$", "", name) if short else name
    return ind.label(c.row["perimeter"], "perimeter", lang)


def _figure(r, lang: str) -> str:
    return ind.figure_text(r, lang)


def trend_text(rows: pd.DataFrame, chosen, lang: str) -> str:
    """'2005: 7,928; 2013: 10,942; 2019: 6,000' (with 'perimeters differ' when they do); '–' under two years."""
    series = ind.trend(rows, chosen)
    if len(series) < 2:
        return fmt.MISSING
    _ = messages(lang)
    parts = "; ".join(_("{year}: {value}", year=ind.year_text(r["year"], lang),
                        value=fmt.number(r["value"], _decimals(r["value"]), lang)) for _i, r in series.iterrows())
    if series["perimeter"].nunique() > 1:
        return _("{series} (perimeters differ)", series=parts)
    return parts


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def comparison_text(rows: pd.DataFrame, district: str, indicator: str, unit, lang: str, cb: Codebook) -> str:
    """The comparable figures beside a headline, short: "Capannori: 10,857 (c. 2024)" (the unit is the
    headline's); beside an absent value, with their units."""
    found = ind.comparisons(rows, district, indicator, unit)
    if not found:
        return fmt.MISSING
    def figure(r) -> str:
        if unit is None:
            return _figure(r, lang)
        number = fmt.number(r["value"], _decimals(r["value"]), lang)
        return ind.figure_text(r, lang, ind.value_text(r["value"], "", r["qualifier"], lang).strip() or number)
    return "; ".join(f"{_where(c, lang, cb, short=True)}: {figure(c.row)}" for c in found)


def fact_sheet_rows(rows: pd.DataFrame, district: str) -> pd.DataFrame:
    """The rows of a district's fact sheet, language-free, in the definitions' order: each headline
    (`ind.headline`, kind 'headline'); each indicator with an absent row and no headline (kind 'absent');
    each indicator with only a region or Italy figure (kind 'wider'). Columns of `ind.prepare` plus `kind`."""
    mine = rows[rows["district"] == district]
    chosen = ind.headlines(rows, district)
    out = []
    for indicator, part in mine.sort_values(["order", "row"]).groupby("indicator", sort=False):
        if indicator in chosen:
            out.append(chosen[indicator].to_dict() | {"kind": "headline"})
        elif part["value"].isna().any():
            out.append(part[part["value"].isna()].iloc[0].to_dict() | {"kind": "absent"})
        elif part["perimeter_kind"].isin(["region", "nation"]).any():
            first = part[part["perimeter_kind"].isin(["region", "nation"])].iloc[0]
            out.append(first.to_dict() | {"kind": "wider"})
    return pd.DataFrame(out)


def fact_sheet(rows: pd.DataFrame, district: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The fact sheet table: indicator, headline value with its year, perimeter, source with its grade mark,
    trend, and comparable figures of the other districts, the region or Italy."""
    cb = cb or load_codebook()
    _ = messages(lang)
    h = [_.pgettext("table header", "Indicator"), _.pgettext("table header", "Value (year)"),
         _.pgettext("table header", "Perimeter"), _.pgettext("table header", "Source · grade"),
         _.pgettext("table header", "Trend"), _.pgettext("table header", "Elsewhere")]
    out = []
    for r in fact_sheet_rows(rows, district).to_dict("records"):
        name = ind.indicator_label(r["indicator"], lang)
        if r["kind"] == "headline":
            cells = (_figure(r, lang), ind.label(r["perimeter"], "perimeter", lang),
                     f"{ind.source_text(r['source_id'], lang)} · {ind.grade_mark(r['grade'], lang)}",
                     trend_text(rows, r, lang), comparison_text(rows, district, r["indicator"], r["unit"], lang, cb))
        elif r["kind"] == "absent":
            cells = (_("absent"), ind.label(r["perimeter"], "perimeter", lang), _("searches: see the appendix"),
                     fmt.MISSING, comparison_text(rows, district, r["indicator"], None, lang, cb))
        else:
            cells = (_("none for the district"), fmt.MISSING, fmt.MISSING, fmt.MISSING,
                     comparison_text(rows, district, r["indicator"], None, lang, cb))
        out.append(dict(zip(h, (name, *cells))))
    return pd.DataFrame(out, columns=h)


def shown_rows(rows: pd.DataFrame, district: str, theme: str) -> pd.DataFrame:
    """The values of a core table (`THEMES`): the headlines and every value that does not cover the district
    as a whole (a plant, a part, the region, Italy); not the district values the rule passed over (they are
    in the appendix), nor a figure a stronger source also gives."""
    mine = rows[(rows["district"] == district) & rows["theme"].isin(THEMES[theme]) & rows["value"].notna()]
    chosen = {r["row"] for r in ind.headlines(rows, district).values()}
    keep = mine["row"].isin(chosen) | ((mine["perimeter_kind"] != "district") & ~mine["superseded"])
    return mine[keep].sort_values(["order", "row"])


def indicator_table(rows: pd.DataFrame, district: str, theme: str, lang: str = "en") -> pd.DataFrame:
    """A core table: indicator (on its first row), value, year, perimeter, source, grade; a headline of the
    fact sheet marked with an asterisk after its value."""
    _ = messages(lang)
    h = [_.pgettext("table header", "Indicator"), _.pgettext("table header", "Value"),
         _.pgettext("table header", "Year"), _.pgettext("table header", "Perimeter"),
         _.pgettext("table header", "Source"), _.pgettext("table header", "Grade")]
    chosen = {r["row"] for r in ind.headlines(rows, district).values()}
    out, previous = [], None
    for r in shown_rows(rows, district, theme).to_dict("records"):
        name = ind.indicator_label(r["indicator"], lang) if r["indicator"] != previous else ""
        previous = r["indicator"]
        value = ind.value_text(r["value"], r["unit"], r["qualifier"], lang) + (" *" if r["row"] in chosen else "")
        year = ind.year_text(r["year"], lang) if ind.period_end(r["year"]) is not None else _("undated")
        out.append(dict(zip(h, (name, value, year, ind.label(r["perimeter"], "perimeter", lang),
                                ind.source_text(r["source_id"], lang), ind.grade_mark(r["grade"], lang)))))
    return pd.DataFrame(out, columns=h)


def passed_over(rows: pd.DataFrame, district: str) -> pd.DataFrame:
    """The district values the rule did not choose (language-free), with `reason`: 'older' (an older year
    than the headline), 'grade' (same year, weaker source), 'undated', 'part_year', 'excluded' (a misprint)
    or 'superseded' (a stronger source gives the same figure)."""
    mine = rows[(rows["district"] == district) & rows["value"].notna() & (rows["perimeter_kind"] == "district")]
    chosen = ind.headlines(rows, district)
    out = []
    for r in mine.sort_values(["order", "row"]).to_dict("records"):
        best = chosen.get(r["indicator"])
        if best is not None and r["row"] == best["row"]:
            continue
        if r["excluded"]:
            reason = "excluded"
        elif r["superseded"]:
            reason = "superseded"
        elif not r["whole"]:
            reason = "part_year"
        elif pd.isna(r["end"]):
            reason = "undated"
        elif best is not None and r["end"] == best["end"]:
            reason = "grade"
        else:
            reason = "older"
        out.append(r | {"reason": reason})
    return pd.DataFrame(out)


def passed_over_table(rows: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """The appendix of values the rule passed over: indicator, value (year), perimeter, source, grade, why."""
    _ = messages(lang)
    h = [_.pgettext("table header", "Indicator"), _.pgettext("table header", "Value (year)"),
         _.pgettext("table header", "Perimeter"), _.pgettext("table header", "Source"),
         _.pgettext("table header", "Grade"), _.pgettext("table header", "Why not the headline")]
    reasons = {"older": _("older than the headline"), "grade": _("same year, weaker source"),
               "undated": _("undated, and a dated value exists"), "part_year": _("part of a year only"),
               "superseded": _("the same figure from a stronger source is shown")}
    table = passed_over(rows, district)
    out = []
    for r in table.to_dict("records"):
        why = reasons.get(r["reason"]) or _("not usable: {reason}", reason=_excluded(r, lang))
        out.append(dict(zip(h, (ind.indicator_label(r["indicator"], lang), _figure(r, lang),
                                ind.label(r["perimeter"], "perimeter", lang), ind.source_text(r["source_id"], lang),
                                ind.grade_mark(r["grade"], lang), why))))
    return pd.DataFrame(out, columns=h)


def _excluded(r: dict, lang: str) -> str:
    from ...data import report_facts

    table = report_facts.load_exclusions()
    hit = table[(table["reason_en"] == r["excluded"])]
    return hit.iloc[0][f"reason_{lang}"] if len(hit) else r["excluded"]


QUERY = re.compile(r"'([^']{10,})'")


def queries(rows: pd.DataFrame, r: dict) -> list[str]:
    """The searches an absent row names (its quoted queries); for "searched as for ..." the queries of the
    district's other absent rows of the same group."""
    found = QUERY.findall(r["searched"])
    if found:
        return found
    same = rows[(rows["district"] == r["district"]) & (rows["group"] == r["group"]) & rows["value"].isna()]
    return [q for s in same["searched"] for q in QUERY.findall(s)]


def searched_table(rows: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """The indicators no source gives for the district: indicator, perimeter, what was searched (in English
    the data's note; in every language the queries, quoted as typed)."""
    _ = messages(lang)
    h = [_.pgettext("table header", "Indicator"), _.pgettext("table header", "Perimeter"),
         _.pgettext("table header", "What was searched")]
    absent = rows[(rows["district"] == district) & rows["value"].isna()].sort_values(["order", "row"])
    out = []
    for r in absent.to_dict("records"):
        if lang == "en":
            text = r["searched"]
        else:
            found = queries(rows, r)
            text = _("searches: {list}", list="; ".join(f"«{q}»" for q in found)) if found else fmt.MISSING
        out.append(dict(zip(h, (ind.indicator_label(r["indicator"], lang), ind.label(r["perimeter"], "perimeter", lang),
                                text))))
    return pd.DataFrame(out, columns=h)
