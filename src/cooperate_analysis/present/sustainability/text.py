"""The sentences of a district sustainability report: key findings, the district and its actors, its
collective schemes, the reading of the report and the index sentence. Whole messages with named
placeholders (``sustainability.po``); counts through plural forms; comparison words chosen by the numbers."""
from __future__ import annotations

import re

from ...data.codebook import load_codebook
from .. import formatting as fmt
from .. import phrases
from ..i18n import messages
from ..published import published_label, published_year
from .tables import group_name, indicator_name, period, published_value, share_interval

HEADLINE_UNITS = {"firms": ("firms",), "employees": ("employees",), "exports": ("million EUR",),
                  "output": ("million EUR",)}
PROJECT_YEARS = (2006, 2008)  # the COOPERATE years
PROJECT_YEAR = 2007  # the middle of the COOPERATE years by which headline figures are chosen
SCHEME_BODIES = ("consortium", "district_committee")


def _share_ci(row, lang: str) -> str:
    return share_interval(row["share"], row["ci_low"], row["ci_high"], lang)


def published_year_number(year) -> int | None:
    """The first four-digit year of a year of published_figures.csv ("c.2010-2012" -> 2010), None when undated."""
    match = re.search(r"(1[89]\d\d|20\d\d)", str(year)) if isinstance(year, str) else None
    return int(match.group(1)) if match else None


def headline_rows(rows):
    """For firms, employees, output and exports, the published row (`sustainability_indicators`, economic
    section) dated closest to the COOPERATE years, in a unit of `HEADLINE_UNITS` (a count or millions of
    euros, not a share); file order on ties. {indicator: row}."""
    chosen = {}
    for indicator, units in HEADLINE_UNITS.items():
        candidates = rows[(rows["kind"] == "published") & (rows["indicator"] == indicator)]
        best = None
        for _, r in candidates.iterrows():
            year = published_year_number(r["year"])
            base = str(r["unit"]).partition(" (")[0]
            if year is None or base not in units:
                continue
            if best is None or abs(year - PROJECT_YEAR) < abs(best[0] - PROJECT_YEAR):
                best = (year, r)
        if best is not None:
            chosen[indicator] = best[1]
    return chosen


def _marker(source_id: str) -> str:
    from .. import bibliography

    return f" [@{bibliography.source_key(source_id)}]" if source_id in bibliography.source_keys() else f" ({source_id})"


def _dimension_sentence(by, district: str, dims: list[str], lang: str, cb) -> str | None:
    """The dimensions where the district's share of firms with at least one practice differs most from
    the pooled sample, the comparison word ("higher", "lower") read from the two numbers compared."""
    _ = messages(lang)
    gap = {d: by.loc[(district, d)]["share"] - by.loc[("pooled", d)]["share"] for d in dims}
    high, low = max(dims, key=lambda d: gap[d]), min(dims, key=lambda d: gap[d])
    name = (lambda d: phrases.lower_first(cb.label(d, lang))) if lang == "en" else (lambda d: cb.label(d, lang))
    values = dict(high=name(high), low=name(low), own_high=_share_ci(by.loc[(district, high)], lang),
                  pooled_high=_share_ci(by.loc[("pooled", high)], lang), own_low=_share_ci(by.loc[(district, low)], lang),
                  pooled_low=_share_ci(by.loc[("pooled", low)], lang))
    if gap[high] > 0 > gap[low]:
        return _("Against all the districts together, the share of the district's firms with at least one practice "
                 "of a dimension is most above for {high} ({own_high}, higher than {pooled_high}) and most below for "
                 "{low} ({own_low}, lower than {pooled_low}).", **values)
    if gap[low] > 0:
        return _("The share of the district's firms with at least one practice of a dimension is higher than in all "
                 "the districts together for every dimension: most for {high} ({own_high} against {pooled_high}), "
                 "least for {low} ({own_low} against {pooled_low}).", **values)
    if gap[high] < 0:
        return _("The share of the district's firms with at least one practice of a dimension is lower than in all "
                 "the districts together for every dimension: least for {high} ({own_high} against {pooled_high}), "
                 "most for {low} ({own_low} against {pooled_low}).", **values)
    return None


def findings_sustainability(profile, indicators, district: str, synthetic: bool, lang: str = "en", cb=None) -> list[str]:
    """The key findings of a district sustainability report: the district's certification shares (ISO 14001,
    EMAS) against the other districts and the pooled sample, the dimensions where its adoption differs most
    from the pooled sample (comparison words follow the numbers), the published headline figures with year
    and source (`headline_rows`), its district EMAS, what no source gives, and (synthetic data) what the
    survey shares are. `profile` is `measures.adoption_profile`; `indicators` the rows of
    `sustainability_indicators` of every section, concatenated. Citations are bracketed markers of
    bibliography keys, linked when the report is rendered."""
    cb = cb or load_codebook()
    _ = messages(lang)
    out = []
    by = profile.set_index(["group", "item"])
    others = [g for g in dict.fromkeys(profile["group"]) if g not in (district, "pooled")]
    for cert in ("cert_iso14001", "cert_emas"):
        if (district, cert) not in by.index or by.loc[(district, cert)]["n"] == 0:
            continue
        other_text = "; ".join(_("{district} {share}", share=_share_ci(by.loc[(g, cert)], lang),
                                 district=group_name(g, lang, cb)) for g in others)
        out.append(_("{name} (survey, share of firms with Wilson 95% intervals): {own} of the district's firms; "
                     "{others}; {pooled} in all the districts together.", name=cb.label(cert, lang),
                     own=_share_ci(by.loc[(district, cert)], lang), others=other_text or fmt.MISSING,
                     pooled=_share_ci(by.loc[("pooled", cert)], lang)))
    dims = [d for d in cb.csr_dimensions if (district, d) in by.index and by.loc[(district, d)]["n"] > 0
            and phrases.finite(by.loc[("pooled", d)]["share"]) and phrases.finite(by.loc[(district, d)]["share"])]
    if len(dims) >= 2:
        sentence = _dimension_sentence(by, district, dims, lang, cb)
        if sentence:
            out.append(sentence)
    economic = indicators[indicators["section"] == "economic"]
    chosen = headline_rows(economic)
    if chosen:
        parts = []
        for indicator, r in chosen.items():
            value = published_value(r["value"], r["unit"], lang)
            if indicator == "exports":
                value = _("exports {value}", value=value)
            elif indicator == "output":
                value = _("output {value}", value=value)
            year = published_year(r["year"], lang)
            if isinstance(r["perimeter"], str) and r["perimeter"].strip():
                item = _("{value}, {year}, {perimeter}", value=value, year=year,
                         perimeter=published_label(r["perimeter"], lang, "perimeter"))
            else:
                item = _("{value}, {year}", value=value, year=year)
            parts.append(item + _marker(r["source_id"]))
        out.append(_("Published figures on the district closest to the COOPERATE years ({years}): {list}; the sources "
                     "differ in year and perimeter, and each figure is given with both below.",
                     years=fmt.year_range(*PROJECT_YEARS), list="; ".join(parts)))
    else:
        out.append(_("No published figure on the district's firms, employees, output or exports was found."))
    emas = indicators[(indicators["kind"] == "published") & (indicators["indicator"] == "district_emas")]
    emas = emas[emas["unit"].astype(str).str.strip() == "year"]
    if len(emas):
        parts = [f"{published_label(r['item'], lang, 'measure')} {published_value(r['value'], r['unit'], lang)}"
                 + _marker(r["source_id"]) for _i, r in emas.iterrows()]
        out.append(_("{list}.", list="; ".join(parts)))
    absent = indicators[indicators["kind"] == "absent"]["indicator"].drop_duplicates()
    if len(absent):
        out.append(_("No published source we could read gives {list} for the district (marked absent in the tables; "
                     "where the questionnaire asks, the survey shares stand in).",
                     list=phrases.join([phrases.lower_first(indicator_name(a, lang)) for a in absent], lang)))
    if synthetic:
        out.append(_("The survey shares come from synthetic microdata and illustrate the method; the published "
                     "figures are real."))
    return out


def district_paragraph(district: str, lang: str = "en", cb=None) -> str:
    """The opening of a sustainability report's district section: its name and sector from the codebook."""
    from ..methods import short_label

    cb = cb or load_codebook()
    _ = messages(lang)
    return _("The {district} (sector: {sector}). The tables below give what the published sources say of its "
             "territory, firms and collective schemes, each figure with its year, perimeter and source.",
             district=short_label(district, lang, cb), sector=cb.districts[district]["sector"][lang])


def actors_sentence(actors, district: str, lang: str = "en") -> str:
    """Who the sources name in COOPERATE's working group of the district (district_actors.csv rows with
    working_group 'yes'), or that they name none. The working-group citation is the clothing district's
    sustainability report, the one source that lists a working group."""
    _ = messages(lang)
    rows = actors[(actors["district"] == district) & (actors["working_group"] == "yes")]
    if len(rows):
        names = list(dict.fromkeys(rows["actor"]))
        return _.ngettext("COOPERATE worked in the district through a local working group of intermediary "
                          "institutions: the sources name {n} member ({names}) [@asev_sustainability_clothing].",
                          "COOPERATE worked in the district through a local working group of intermediary "
                          "institutions: the sources name {n} members ({names}) [@asev_sustainability_clothing].",
                          len(names), names="; ".join(names))
    return _("The sources we could read do not name the members of COOPERATE's working group in this district; the "
             "actors below are those its published schemes name (district EMAS committee and projects).")


def reading_sustainability(n_firms: int, synthetic: bool, lang: str = "en", indicators=None) -> str:
    """The reading of a district sustainability report: what its published and survey parts can and cannot say;
    the span of years of the published rows of `indicators` (`sustainability_indicators`) when given."""
    _ = messages(lang)
    dated = []
    if indicators is not None:
        dated = [y for y in (published_year_number(v) for v in indicators.loc[indicators["kind"] == "published", "year"])
                 if y is not None]
    values = dict(n=fmt.integer(n_firms, lang))
    if dated and min(dated) < max(dated):
        text = _.ngettext(
            "This report puts side by side what the published sources say of the district and what a survey of its "
            "firms shows. The published figures differ in year (from {first} to {last}) and in perimeter (the "
            "district, its sector, its province, the associations' members), so they describe the district's size "
            "and direction rather than one consistent series; where they disagree, both are shown. The survey shares "
            "describe the {n} firm of the district's sample, with intervals that are wide at this size; they serve "
            "each firm as a local benchmark and the working group as a starting point, not as estimates of the "
            "district's population.",
            "This report puts side by side what the published sources say of the district and what a survey of its "
            "firms shows. The published figures differ in year (from {first} to {last}) and in perimeter (the "
            "district, its sector, its province, the associations' members), so they describe the district's size "
            "and direction rather than one consistent series; where they disagree, both are shown. The survey shares "
            "describe the {n} firms of the district's sample, with intervals that are wide at this size; they serve "
            "each firm as a local benchmark and the working group as a starting point, not as estimates of the "
            "district's population.", n_firms, first=fmt.year(min(dated)), last=fmt.year(max(dated)))
    else:
        text = _.ngettext(
            "This report puts side by side what the published sources say of the district and what a survey of its "
            "firms shows. The published figures differ in year and in perimeter (the district, its sector, its "
            "province, the associations' members), so they describe the district's size and direction rather than "
            "one consistent series; where they disagree, both are shown. The survey shares describe the {n} firm of "
            "the district's sample, with intervals that are wide at this size; they serve each firm as a local "
            "benchmark and the working group as a starting point, not as estimates of the district's population.",
            "This report puts side by side what the published sources say of the district and what a survey of its "
            "firms shows. The published figures differ in year and in perimeter (the district, its sector, its "
            "province, the associations' members), so they describe the district's size and direction rather than "
            "one consistent series; where they disagree, both are shown. The survey shares describe the {n} firms "
            "of the district's sample, with intervals that are wide at this size; they serve each firm as a local "
            "benchmark and the working group as a starting point, not as estimates of the district's population.",
            n_firms)
    parts = [text]
    if synthetic:
        parts.append(_("Here the survey is synthetic: its shares illustrate the method and say nothing about the "
                       "real firms."))
    parts.append(_("An indicator marked absent is a gap in the sources, for the district's institutions to fill."))
    return " ".join(parts)


def schemes_sentence(milestones, actors, district: str, lang: str = "en") -> str:
    """The district's collective schemes: its certification milestones (district_milestones.csv, kind
    'certification': the district EMAS certificates) with period and source, and the consortia and
    district committees of district_actors.csv."""
    _ = messages(lang)
    events = milestones[(milestones["district"] == district) & (milestones["kind"] == "certification")]
    parts = []
    for _i, r in events.iterrows():
        parts.append(_("{event} ({period})", event=r[f"event_{lang}"], period=period(r["start"], r["end"], lang))
                     + _marker(str(r["source_id"]).strip()))
    bodies = list(dict.fromkeys(actors.loc[(actors["district"] == district) & actors["kind"].isin(SCHEME_BODIES), "actor"]))
    if bodies:
        parts.append(_("bodies that run or promote them: {list}", list=phrases.join(bodies, lang)))
    if not parts:
        return _("The sources we could read name no collective scheme (district EMAS, consortium) of the district.")
    return _("The district's collective schemes in the sources: {list}.", list="; ".join(parts))


def index_sentence_sustainability(values: dict, district: str, lang: str = "en") -> str:
    """One findings sentence for the index from a sustainability report's results values: the district's
    ISO 14001 share with its Wilson interval against the pooled sample, and how many published figures the
    report shows. '' when the values hold no such share."""
    _ = messages(lang)

    def share(group: str) -> str:
        p = f"profile.{group}.cert_iso14001"
        vals = [values.get(f"{p}.{c}") for c in ("share", "ci_low", "ci_high")]
        if not all(phrases.finite(v) and not isinstance(v, (bool, str)) for v in vals):
            return ""
        return share_interval(*vals, lang)

    own, pooled = share(district), share("pooled")
    if not own or not pooled or not phrases.finite(values.get("n_firms")):
        return ""
    k = sum(1 for key in values if key.startswith("published."))
    first = _.ngettext("ISO 14001: {own} of the district's {n} surveyed firm (all the districts together {pooled}).",
                       "ISO 14001: {own} of the district's {n} surveyed firms (all the districts together {pooled}).",
                       int(values["n_firms"]), own=own, pooled=pooled)
    second = _.ngettext("{n} published figure shown with year, perimeter and source.",
                        "{n} published figures shown with year, perimeter and source.", k)
    return f"{first} {second}"
