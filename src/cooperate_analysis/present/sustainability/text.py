"""The sentences of a district sustainability report: the district in a paragraph (fact sheet), the survey's
findings, the district and its actors, its collective schemes, the reading of the report and the index
sentence. Whole messages with named placeholders (``sustainability.po``); counts through plural forms;
comparison words chosen by the numbers."""
from __future__ import annotations

import re

from ...data.codebook import load_codebook
from ...stats import disclosure as sdc
from .. import disclosure
from .. import formatting as fmt
from .. import phrases
from ..i18n import messages
from . import indicators as ind
from .tables import group_name, period, profile_codes, share_interval

SCHEME_BODIES = ("consortium", "district_committee")
PARAGRAPH_INDICATORS = ("firms", "employees", "turnover", "exports")  # the size of the district, if published
RANKING = re.compile(r"Rete Cartesio")


def _share_ci(row, lang: str, quotes=None, code: str = "") -> str:
    """A profile share with its interval as a sentence quotes it: through the disclosure policy when
    `quotes` (a `present.disclosure.Quotes`) is given, with the `code` the profile's decisions give it."""
    text = share_interval(row["share"], row["ci_low"], row["ci_high"], lang)
    return quotes(text, sdc.Cell.share(row["k"], row["n"]), code=code) if quotes is not None else text


def marker(source_id: str) -> str:
    """The citation marker (' [@' + its bibliography key + ']') of a source id (' (D99)' for a source the bibliography lacks)."""
    from .. import bibliography

    source_id = str(source_id).strip()
    return f" [@{bibliography.source_key(source_id)}]" if source_id in bibliography.source_keys() else f" ({source_id})"


def cited(sentence: str, source_id: str) -> str:
    """`sentence` with the citation marker of `source_id` before its final full stop."""
    body = sentence[:-1] if sentence.endswith(".") else sentence
    return f"{body}{marker(source_id)}."


def district_paragraph(rows, published, milestones, district: str, lang: str = "en", cb=None) -> str:
    """The district in a paragraph, for the fact sheet: its name and its size from the headlines of
    firms, employees, turnover and exports (with year and source); its Rete Cartesio eco-district rank
    (published_figures.csv); the latest 'status' milestone of its district EMAS; how many indicators have a
    headline and how many no source gives."""
    from ..methods import short_label

    cb = cb or load_codebook()
    _ = messages(lang)
    name = short_label(district, lang, cb)
    parts = []
    chosen = ind.headlines(rows, district)
    size = []
    for i, r in chosen.items():
        if i not in PARAGRAPH_INDICATORS:
            continue
        value = ind.value_text(r["value"], r["unit"], r["qualifier"], lang)
        label = ind.indicator_label(i, lang)
        if ind.unit_text(r["unit"], lang).lower() != label.lower():  # "10,857 employees", but "turnover 5,900 ..."
            value = _("{indicator} {value}", indicator=phrases.lower_first(label), value=value)
        size.append(ind.figure_text(r, lang, value) + marker(r["source_id"]))
    if size:
        parts.append(_("The {district}, in the latest figures for the whole district: {list}.", district=name,
                       list=", ".join(size)))
    else:
        parts.append(_("The {district}.", district=name))
    ranks = published[(published["district"] == district) & published["measure"].str.contains(RANKING)]
    for _i, r in ranks.iterrows():
        total = re.search(r"among (\d+)", r["measure"])
        parts.append(cited(_("In the Rete Cartesio ranking of Italian districts for eco-sustainability ({year}) it "
                             "was number {rank} of {total}.", year=str(r["year"]), rank=fmt.integer(r["value"], lang),
                             total=total.group(1) if total else fmt.MISSING), r["source_id"]))
    status = milestones[(milestones["district"] == district) & (milestones["kind"] == "status")]
    if len(status):
        last = status.sort_values("start").iloc[-1]
        parts.append(cited(_("District EMAS, as of {date}: {event}.", date=period(last["start"], "", lang),
                             event=ind.lower_start(last[f"event_{lang}"])), last["source_id"]))
    absent = sum(1 for _i, part in rows[rows["district"] == district].groupby("indicator")
                 if _i not in chosen and part["value"].isna().any())
    parts.append(_.ngettext("The sheet below gives {n} headline value with its year, perimeter, source and grade;",
                            "The sheet below gives {n} headline values with their year, perimeter, source and grade;",
                            len(chosen)) + " " +
                 _.ngettext("{n} indicator was searched for and not found.",
                            "{n} indicators were searched for and not found.", absent))
    return " ".join(parts)


def _dimension_sentence(by, district: str, dims: list[str], lang: str, cb, quotes=None,
                        codes: dict | None = None) -> str | None:
    """The dimensions where the district's share of firms with at least one practice differs most from
    the pooled sample, the comparison word ("higher", "lower") read from the two numbers compared. Shares
    go through `quotes` with the profile's disclosure `codes` ({(item, group): code})."""
    _ = messages(lang)
    codes = codes or {}
    gap = {d: by.loc[(district, d)]["share"] - by.loc[("pooled", d)]["share"] for d in dims}
    high, low = max(dims, key=lambda d: gap[d]), min(dims, key=lambda d: gap[d])
    name = (lambda d: phrases.lower_first(cb.label(d, lang))) if lang == "en" else (lambda d: cb.label(d, lang))

    def share(group: str, dim: str) -> str:
        return _share_ci(by.loc[(group, dim)], lang, quotes, codes.get((dim, group), ""))

    values = dict(high=name(high), low=name(low), own_high=share(district, high), pooled_high=share("pooled", high),
                  own_low=share(district, low), pooled_low=share("pooled", low))
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


def survey_findings(profile, district: str, synthetic: bool, lang: str = "en", cb=None) -> list[str]:
    """What the survey shows of the district: its certification shares (ISO 14001, EMAS) against the other
    districts and the pooled sample, the dimensions where its adoption differs most from the pooled sample
    (comparison words follow the numbers) and, with synthetic data, that the shares illustrate the method.
    Every share passes the disclosure policy with the decisions of the profile table (`tables.profile_codes`):
    with real data a suppressed share is withheld, and a dimension whose share is withheld in the district or
    the pooled sample takes no part in the comparison (its rank would tell about the share); with synthetic
    data it is marked and a note follows."""
    cb = cb or load_codebook()
    _ = messages(lang)
    out = []
    by = profile.set_index(["group", "item"])
    quotes = disclosure.Quotes(lang, disclosure.MARK if synthetic else disclosure.ENFORCE)
    codes = profile_codes(profile)
    others = [g for g in dict.fromkeys(profile["group"]) if g not in (district, "pooled")]
    for cert in ("cert_iso14001", "cert_emas"):
        if (district, cert) not in by.index or by.loc[(district, cert)]["n"] == 0:
            continue

        def share(group: str) -> str:
            return _share_ci(by.loc[(group, cert)], lang, quotes, codes.get((cert, group), ""))

        other_text = "; ".join(_("{district} {share}", share=share(g), district=group_name(g, lang, cb))
                               for g in others)
        out.append(_("{name} (survey, share of firms with Wilson 95% intervals): {own} of the district's firms; "
                     "{others}; {pooled} in all the districts together.", name=cb.label(cert, lang),
                     own=share(district), others=other_text or fmt.MISSING, pooled=share("pooled")))
    withheld = set(disclosure.undrawn(codes, quotes.mode))
    dims = [d for d in cb.csr_dimensions if (district, d) in by.index and by.loc[(district, d)]["n"] > 0
            and phrases.finite(by.loc[("pooled", d)]["share"]) and phrases.finite(by.loc[(district, d)]["share"])
            and not {(d, district), (d, "pooled")} & withheld]
    if len(dims) >= 2:
        sentence = _dimension_sentence(by, district, dims, lang, cb, quotes, codes)
        if sentence:
            out.append(sentence)
    if quotes.note():
        out.append(quotes.note())
    if synthetic:
        out.append(_("The survey shares come from synthetic microdata and illustrate the method; the published "
                     "figures are real."))
    return out


def actors_sentence(actors, district: str, lang: str = "en") -> str:
    """Who the sources name in COOPERATE's working group of the district (district_actors.csv rows with
    working_group 'yes'), or that they name none."""
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
             "actors below are those that run its plants and sit on its committees, or that its schemes and "
             "agreements name.")


def reading_sustainability(n_firms: int, synthetic: bool, lang: str = "en", rows=None) -> str:
    """How to read the report: the published part (headline rule, perimeters, grades) and the survey part."""
    _ = messages(lang)
    parts = [_("The published figures differ in year, in perimeter (a plant, the district as its sources draw it, "
               "the region, Italy) and in the strength of their source, so the fact sheet gives one value per "
               "indicator by a stated rule and the appendix the values it passed over."),
             _.ngettext("The survey shares describe the {n} firm of the district's sample, with intervals that are "
                        "wide at this size; they serve each firm as a local benchmark and the working group as a "
                        "starting point, not as estimates of the district's population.",
                        "The survey shares describe the {n} firms of the district's sample, with intervals that are "
                        "wide at this size; they serve each firm as a local benchmark and the working group as a "
                        "starting point, not as estimates of the district's population.",
                        n_firms, n=fmt.integer(n_firms, lang))]
    if synthetic:
        parts.append(_("Here the survey is synthetic: its shares illustrate the method and say nothing about the "
                       "real firms."))
    parts.append(_("An indicator marked absent is a gap in the sources, for the district's institutions to fill."))
    return " ".join(parts)


def schemes_sentence(milestones, actors, district: str, lang: str = "en") -> str:
    """The district's collective schemes: its certification milestones (district_milestones.csv, kind
    'certification') with period and source, and the consortia and district committees of district_actors.csv."""
    _ = messages(lang)
    events = milestones[(milestones["district"] == district) & (milestones["kind"] == "certification")]
    parts = []
    for _i, r in events.iterrows():
        parts.append(_("{event} ({period})", event=r[f"event_{lang}"], period=period(r["start"], r["end"], lang))
                     + marker(r["source_id"]))
    bodies = list(dict.fromkeys(actors.loc[(actors["district"] == district) & actors["kind"].isin(SCHEME_BODIES), "actor"]))
    if bodies:
        parts.append(_("bodies that run or promote them: {list}", list=phrases.join(bodies, lang)))
    if not parts:
        return _("The sources we could read name no collective scheme (district EMAS, consortium) of the district.")
    return _("The district's collective schemes in the sources: {list}.", list="; ".join(parts))


def _index_codes(values: dict, item: str) -> dict:
    """The disclosure decisions ({(item, group): code}) of one row of the profile from the recorded k and n of
    every group ('profile.<group>.<item>.k' / '.n'), as the profile table makes them."""
    cells = {}
    for key, k in values.items():
        if key.startswith("profile.") and key.endswith(f".{item}.k"):
            group = key[len("profile."):-len(f".{item}.k")]
            n = values.get(f"profile.{group}.{item}.n")
            if phrases.finite(k) and phrases.finite(n) and not isinstance(n, (bool, str)) and int(n) > 0:
                cells[(item, group)] = sdc.Cell.share(int(k), int(n))
    return disclosure.by_groups(cells)


def index_sentence_sustainability(values: dict, district: str, lang: str = "en") -> str:
    """One findings sentence for the index from a sustainability report's results values: the district's
    ISO 14001 share of the firms that answered, with its Wilson interval, against the pooled sample, and
    how many headline values its
    fact sheet shows. '' when the values hold no such share. The shares pass the disclosure policy in the
    mode of the build's survey (`present.disclosure.current`), with the decisions of the profile table."""
    _ = messages(lang)

    def share(group: str) -> str:
        p = f"profile.{group}.cert_iso14001"
        vals = [values.get(f"{p}.{c}") for c in ("share", "ci_low", "ci_high")]
        if not all(phrases.finite(v) and not isinstance(v, (bool, str)) for v in vals):
            return ""
        return share_interval(*vals, lang)

    own, pooled = share(district), share("pooled")
    answered = values.get(f"profile.{district}.cert_iso14001.n")  # the share's base: firms that answered
    if not own or not pooled or not phrases.finite(answered) or isinstance(answered, (bool, str)):
        return ""
    codes = _index_codes(values, "cert_iso14001")
    quotes = disclosure.Quotes(lang)
    share_cell = sdc.Cell("share")  # the words of a withheld share
    own = quotes(own, share_cell, code=codes.get(("cert_iso14001", district), ""))
    pooled = quotes(pooled, share_cell, code=codes.get(("cert_iso14001", "pooled"), ""))
    k = sum(1 for key in values if key.startswith("headline."))
    first = _.ngettext("ISO 14001: {own} of the {n} firm of the district that answered (all the districts together "
                       "{pooled}).",
                       "ISO 14001: {own} of the {n} firms of the district that answered (all the districts together "
                       "{pooled}).",
                       int(answered), own=own, pooled=pooled)
    second = _.ngettext("{n} published indicator with its headline value, year, perimeter and source.",
                        "{n} published indicators with their headline value, year, perimeter and source.", k)
    return f"{first} {second}"
