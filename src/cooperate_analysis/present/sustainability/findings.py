"""The key findings of a district sustainability report, shown after the banner and before the fact sheet: the
fact sheet's headline values of the environment and of work, firms and markets (value, unit, year and the grade
of the source, worded as the tables print them), how many of the fact sheet's indicators have a headline value
and how many are marked absent or have a figure only for the region or Italy, and the survey's ISO 14001 share
of the district beside the other districts and all of them together, labelled as synthetic data when it is.

Every number is the text the tables print: the values and years through `indicators.value_text` and
`indicators.year_text` (the fact sheet's cells, `factsheet.fact_sheet`), the counts from
`factsheet.fact_sheet_rows` (the rows of the fact sheet), the shares through `tables.share_interval` (the
profile table's cells) and the disclosure decisions of the profile table (`tables.profile_codes`). An
indicator without a headline value is counted, never quoted with a number. Messages are in
``sustainability.po``."""
from __future__ import annotations

import pandas as pd

from ...data.codebook import load_codebook
from .. import disclosure
from .. import formatting as fmt
from .. import phrases
from ..i18n import messages
from . import indicators as ind
from .factsheet import THEMES, fact_sheet_rows
from .tables import group_name, profile_codes
from .text import _share_ci

CERT = "cert_iso14001"  # the survey's share quoted in the findings, as in the index sentence


def headline_item(r, lang: str) -> str:
    """A headline of the fact sheet as a findings bullet quotes it: the indicator (left out when the unit
    names it, "6,000 employees"), the value with its unit and qualifier and, in brackets, its year and the
    grade of its source: "electricity used 1.6 billion kWh/yr (c. 2012, press)"."""
    _ = messages(lang)
    value = ind.value_text(r["value"], r["unit"], r["qualifier"], lang)
    label = ind.indicator_label(r["indicator"], lang)
    if ind.unit_text(r["unit"], lang).lower() != label.lower():
        value = _("{indicator} {value}", indicator=ind.lower_start(label), value=value)
    name = ind.GRADE_NAMES.get(r["grade"])
    grade = _(name) if name else fmt.MISSING
    if ind.period_end(r["year"]) is None:
        return _("{value} (undated, {grade})", value=value, grade=grade)
    return _("{value} ({year}, {grade})", value=value, year=ind.year_text(r["year"], lang), grade=grade)


def _theme_sentence(sheet: list[dict], theme: str, lang: str) -> str:
    """The headline values of one theme of the core tables (`factsheet.THEMES`), or that there is none."""
    _ = messages(lang)
    picked = [r for r in sheet if r["kind"] == "headline" and r["theme"] in THEMES[theme]]
    items = "; ".join(headline_item(r, lang) for r in picked)
    if theme == "environment":
        if not picked:
            return _("Environment: the fact sheet has no headline value for the district.")
        return _.ngettext("Environment, headline value of the fact sheet (year, grade of the source): {list}.",
                          "Environment, headline values of the fact sheet (year, grade of the source): {list}.",
                          len(picked), list=items)
    if not picked:
        return _("Work, firms and markets: the fact sheet has no headline value for the district.")
    return _.ngettext("Work, firms and markets, headline value of the fact sheet (year, grade of the source): {list}.",
                      "Work, firms and markets, headline values of the fact sheet (year, grade of the source): "
                      "{list}.", len(picked), list=items)


def coverage(sheet: list[dict]) -> dict[str, int]:
    """How many rows of the fact sheet are of each kind: {'indicators', 'headline', 'absent', 'wider'}."""
    kinds = [r["kind"] for r in sheet]
    return {"indicators": len(kinds), "headline": kinds.count("headline"), "absent": kinds.count("absent"),
            "wider": kinds.count("wider")}


def _coverage_sentence(sheet: list[dict], lang: str) -> str:
    """How many of the fact sheet's indicators have a headline value, how many are marked absent and how
    many have a figure only for the region or Italy; '' for an empty fact sheet."""
    _ = messages(lang)
    counts = coverage(sheet)
    if not counts["indicators"]:
        return ""
    parts = [_.ngettext("{n} of the fact sheet's {m} indicators has a headline value for the district as a whole.",
                        "{n} of the fact sheet's {m} indicators have a headline value for the district as a whole.",
                        counts["headline"], m=fmt.integer(counts["indicators"], lang))]
    if counts["absent"]:
        parts.append(_.ngettext("{n} indicator is marked absent: none of the sources we read gives a value for the "
                                "whole district (the appendix lists the searches).",
                                "{n} indicators are marked absent: none of the sources we read gives a value for the "
                                "whole district (the appendix lists the searches).", counts["absent"]))
    else:
        parts.append(_("No indicator is marked absent."))
    if counts["wider"]:
        parts.append(_.ngettext("{n} indicator has a published figure only for the region or Italy.",
                                "{n} indicators have a published figure only for the region or Italy.",
                                counts["wider"]))
    return " ".join(parts)


def _survey_sentence(profile, district: str, meta: dict, lang: str, cb) -> str:
    """The district's ISO 14001 share of answering firms (survey, Wilson 95% interval) against each other
    district and all the districts together, through the disclosure policy with the profile table's decisions,
    after the number of the district's surveyed firms as the profile table's header gives it (the firms that
    answered the question may be fewer; their number is in no table, so it is not quoted); with synthetic
    data labelled as such before any number, and saying that the published figures are real. '' when no firm
    of the district answered."""
    _ = messages(lang)
    if profile is None or not len(profile):
        return ""
    by = profile.set_index(["group", "item"])

    def answered(group: str) -> bool:
        return (group, CERT) in by.index and phrases.finite(by.loc[(group, CERT)]["n"]) and \
            by.loc[(group, CERT)]["n"] > 0 and phrases.finite(by.loc[(group, CERT)]["share"])

    if not answered(district):
        return ""
    synthetic = bool((meta or {}).get("synthetic"))
    quotes = disclosure.Quotes(lang, disclosure.mode(meta))
    codes = profile_codes(profile)

    def share(group: str) -> str:
        return _share_ci(by.loc[(group, CERT)], lang, quotes, codes.get((CERT, group), ""))

    own = share(district)
    others = [_("{district} {share}", district=group_name(g, lang, cb), share=share(g))
              for g in dict.fromkeys(profile["group"]) if g not in (district, "pooled") and answered(g)]
    if answered("pooled"):
        others.append(_("all the districts together {share}", share=share("pooled")))
    n = int(profile.loc[profile["group"] == district, "n"].max())  # the district's firms, as the table's header
    values = dict(own=own, others=phrases.join(others, lang) or fmt.MISSING)
    if synthetic:
        text = _.ngettext("Firm survey (synthetic data, not a finding about the real district), {n} firm of the "
                          "district; ISO 14001 certification: {own}, against {others} (Wilson 95% intervals).",
                          "Firm survey (synthetic data, not a finding about the real district), {n} firms of the "
                          "district; ISO 14001 certification: {own} of the answering firms, against {others} (Wilson "
                          "95% intervals).", n, **values)
    else:
        text = _.ngettext("Firm survey, {n} firm of the district; ISO 14001 certification: {own}, against {others} "
                          "(Wilson 95% intervals).",
                          "Firm survey, {n} firms of the district; ISO 14001 certification: {own} of the answering "
                          "firms, against {others} (Wilson 95% intervals).", n, **values)
    parts = [text]
    if quotes.note():
        parts.append(quotes.note())
    if synthetic:
        parts.append(_("The survey shares come from synthetic microdata and illustrate the method; the published "
                       "figures are real."))
    return " ".join(parts)


def findings_sustainability(rows: pd.DataFrame, profile, district: str, meta: dict, lang: str = "en",
                            cb=None) -> list[str]:
    """The "Key findings" of a district sustainability report, a short list: the fact sheet's headline values of
    the environment and of work, firms and markets (`headline_item`), how many of its indicators have a
    headline value, are marked absent or have a figure only for the region or Italy (`coverage`), and the
    survey's ISO 14001 share of the district beside the other districts (`profile`:
    `measures.adoption_profile`), labelled synthetic when `meta["synthetic"]`. `rows`: `indicators.prepare`."""
    cb = cb or load_codebook()
    sheet = fact_sheet_rows(rows, district).to_dict("records")
    out = [_theme_sentence(sheet, "environment", lang), _theme_sentence(sheet, "social_economic", lang),
           _coverage_sentence(sheet, lang), _survey_sentence(profile, district, meta, lang, cb)]
    return [s for s in out if s]
