"""'What the district can do': a short section generated from the data, claiming nothing beyond the numbers:
where the district stands against comparable figures (and whether any says it lags), the certifications
its surveyed firms plan, the barriers they cite most, and what COOPERATE recommended (from its sources,
data/raw/cooperate_recommendations.csv). Survey results are labelled synthetic when they are."""
from __future__ import annotations

import html

import pandas as pd

from ...data.codebook import load_codebook
from ...stats import adoption, measures
from ...stats import disclosure as sdc
from .. import disclosure
from .. import formatting as fmt
from ..i18n import messages
from . import indicators as ind
from .factsheet import _where
from .tables import share_interval
from .text import cited

TOP = 3  # certifications and barriers named


def standing(rows: pd.DataFrame, district: str, lang: str = "en", cb=None) -> list[str]:
    """One sentence per headline that has a comparable figure in another district (same indicator, unit and
    kind of perimeter): the district's value, then each other value with "higher"/"lower" read from the two
    numbers; then the lags (`ind.lags`) or that the data allow none to be said."""
    cb = cb or load_codebook()
    _ = messages(lang)
    out = []
    for indicator, chosen in ind.headlines(rows, district).items():
        found = [c for c in ind.comparisons(rows, district, indicator, chosen["unit"]) if c.where in cb.districts]
        if not found:
            continue
        parts = []
        for c in found:
            other = ind.figure_text(c.row, lang)
            where = _where(c, lang, cb)
            if chosen["value"] > c.row["value"]:
                parts.append(_("higher than in {where}, {value}", where=where, value=other))
            elif chosen["value"] < c.row["value"]:
                parts.append(_("lower than in {where}, {value}", where=where, value=other))
            else:
                parts.append(_("the same as in {where}, {value}", where=where, value=other))
        own = ind.figure_text(chosen, lang)
        out.append(_("{indicator}: {value}, {comparisons}.", indicator=ind.indicator_label(indicator, lang), value=own,
                     comparisons="; ".join(parts)))
    found_lags = ind.lags(rows, district)
    if found_lags:
        for chosen, c in found_lags:
            out.append(_("The district lags on {indicator}: {own}, against {other} in {where}.",
                         indicator=ind.indicator_label(chosen["indicator"], lang).lower(),
                         own=ind.value_text(chosen["value"], chosen["unit"], chosen["qualifier"], lang),
                         other=ind.value_text(c.row["value"], c.row["unit"], c.row["qualifier"], lang),
                         where=_where(c, lang, cb)))
    else:
        out.append(_("These are totals, set by the size and sector of each district and often by different years: "
                     "none says that the district lags. No published rate (per firm, per employee, per tonne) has a "
                     "comparable figure elsewhere."))
    return out


def _district_of(firms: pd.DataFrame) -> str | None:
    values = firms["district"].dropna().unique() if "district" in firms.columns else []
    return values[0] if len(values) == 1 else None


def _samples(firms: pd.DataFrame, frame: pd.DataFrame | None) -> dict:
    """{group: firms} of the samples whose cells the channels report tables beside the district's: every
    district of `frame` and the pooled sample, or the district alone when `frame` is not given."""
    district = _district_of(firms)
    if frame is None or district is None:
        return {district or "district": firms}
    out = {d: frame[frame["district"] == d] for d in dict.fromkeys(frame["district"].dropna())}
    return out | {"pooled": frame}


def _ranked(found: list, codes: dict, quotes) -> list:
    """The (share, key, row) of `found` in the order a list names them: by share, the largest first; with real
    data the withheld ones after the others in their own order, so that their place tells nothing of them."""
    hidden = disclosure.undrawn(codes, quotes.mode)
    shown = sorted((t for t in found if t[1] not in hidden), key=lambda t: -t[0])
    return shown[:TOP] + [t for t in found if t[1] in hidden]


def planned(firms: pd.DataFrame, synthetic: bool, lang: str = "en", cb=None, frame: pd.DataFrame | None = None) -> str | None:
    """The certifications most firms of the survey plan (certification status 'planned',
    `measures.certification_status`), with k of n and the Wilson interval; None without answers. Each share
    passes the disclosure policy with the decisions of the channels report's certification-status table
    (statuses of a certification adding up to the firms answering, the pooled sample the sum of the districts
    of `frame`): with real data a suppressed one is withheld, k included."""
    cb = cb or load_codebook()
    _ = messages(lang)
    quotes = disclosure.Quotes(lang, disclosure.MARK if synthetic else disclosure.ENFORCE)
    district = _district_of(firms)
    cells, sums = {}, []
    for group, sample in _samples(firms, frame).items():
        for cert in cb.certifications(None):
            for r in measures.certification_status(sample, cert).itertuples():
                cells[((cert, int(r.answer)), group)] = sdc.Cell.share(r.k, r.n) if r.n > 0 else None
    for cert in cb.certifications(None):
        sums.append([(cert, a) for a in (1, 2, 3)])
    codes = disclosure.by_groups(cells, sums=sums)
    group = district if district is not None else "district"
    found = []
    for cert in cb.certifications(None):
        status = measures.certification_status(firms, cert)
        row = status[status["status"] == "planned"].iloc[0]
        if row["n"] > 0 and row["k"] > 0:
            found.append((row["share"], cert, row))
    if not found:
        return None
    mine = {cert: code for ((cert, answer), g), code in codes.items() if g == group and answer == 2}
    items = []
    for _s, cert, r in _ranked(found, mine, quotes):
        share = share_interval(r["share"], r["ci_low"], r["ci_high"], lang)
        quoted = quotes(share, sdc.Cell.share(r["k"], r["n"]), code=mine.get(cert, ""))
        if isinstance(quoted, disclosure.Withheld):
            items.append(_("{name}: {share}", name=cb.label(cert, lang), share=quoted))
        else:
            items.append(_.ngettext("{name}: {k} firm of {n}, {share}", "{name}: {k} firms of {n}, {share}",
                                    int(r["k"]), name=cb.label(cert, lang), k=fmt.integer(r["k"], lang),
                                    n=fmt.integer(r["n"], lang), share=quoted))
    text = _("Certifications the district's firms plan (survey): {list}.", list="; ".join(items))
    text = text + " " + _("(synthetic data)") if synthetic else text
    return " ".join(t for t in (text, quotes.note()) if t)


def barriers(firms: pd.DataFrame, synthetic: bool, lang: str = "en", cb=None, frame: pd.DataFrame | None = None) -> str | None:
    """The barriers the district's surveyed firms rate important or very important most often
    (`adoption.likert_summary`, 4-5 of 5), with their shares and Wilson intervals; None without answers.
    Each share passes the disclosure policy with the decisions of the channels report's barriers table (the
    pooled sample the sum of the districts of `frame`)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    items = [i for i in cb.barrier_items() if i in firms.columns]
    if not items:
        return None
    quotes = disclosure.Quotes(lang, disclosure.MARK if synthetic else disclosure.ENFORCE)
    district = _district_of(firms)
    cells = {}
    for group, sample in _samples(firms, frame).items():
        for r in adoption.likert_summary(sample, items).itertuples():
            cells[(r.item, group)] = sdc.Cell.share(r.k, r.n) if r.n > 0 else None
    group = district if district is not None else "district"
    mine = {item: code for (item, g), code in disclosure.by_groups(cells).items() if g == group}
    table = adoption.likert_summary(firms, items)
    table = table[table["n"] > 0]
    if table.empty:
        return None
    found = [(r["share"], r["item"], r) for _i, r in table.iterrows()]
    listed = [_.ngettext("{name}: {share} of {n} firm", "{name}: {share} of {n} firms", int(r["n"]),
                         name=cb.label(item, lang),
                         share=quotes(share_interval(r["share"], r["ci_low"], r["ci_high"], lang),
                                      sdc.Cell.share(r["k"], r["n"]), code=mine.get(item, "")))
              for _s, item, r in _ranked(found, mine, quotes)]
    text = _("Barriers the firms rate important or very important most often (survey): {list}.", list="; ".join(listed))
    text = text + " " + _("(synthetic data)") if synthetic else text
    return " ".join(t for t in (text, quotes.note()) if t)


def recommended(recommendations: pd.DataFrame, lang: str = "en") -> list[str]:
    """What COOPERATE recommended, each with its source and page."""
    _ = messages(lang)
    return [cited(_("{text} ({page}).", text=r[f"text_{lang}"].rstrip("."), page=r["page"]), r["source_id"])
            for _i, r in recommendations.iterrows()]


def actions_html(rows, firms, recommendations, district: str, synthetic: bool, lang: str = "en", cb=None,
                 frame: pd.DataFrame | None = None) -> str:
    """The section's body as escaped HTML: three short parts, each a third-level heading and a list. `frame`
    (every district's firms) lets the survey's shares take the disclosure decisions of the tables that show
    them beside the other districts."""
    _ = messages(lang)
    parts = [(_("Where the district stands"), standing(rows, district, lang, cb)),
             (_("What the firms plan and what holds them back"),
              [t for t in (planned(firms, synthetic, lang, cb, frame), barriers(firms, synthetic, lang, cb, frame))
               if t]
              or [_("The survey holds no answer on planned certifications or barriers for the district.")]),
             (_("What COOPERATE recommended to the districts"), recommended(recommendations, lang))]
    out = []
    for title, items in parts:
        lis = "".join(f"<li>{html.escape(t)}</li>" for t in items)
        out.append(f"<h3>{html.escape(title)}</h3><ul>{lis}</ul>")
    return f'<section class="district-actions">{"".join(out)}</section>'
