"""The tables of a district sustainability report (issue 17): the indicator rows of each section with
where each comes from, the CSR profile as a local benchmark, the actors and the timeline.

`sustainability_indicators` gathers, for one district and one section of the report (territory, economic,
social, environmental), every indicator row with where it comes from: "published" (a row of
data/raw/published_figures.csv with its year, perimeter and source), "survey" (a share of answering
firms with its Wilson interval, from `measures.adoption_profile`) or "absent" (no source gives it; never
a value). `indicator_table` prints them in a report language. Words are messages of ``sustainability.po``;
the names of published measures and perimeters are data (`published.published_label`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from .. import formatting as fmt
from ..i18n import N_, messages
from ..published import published_label, published_source, published_unit, published_year

SUSTAINABILITY_SECTIONS = {  # section -> [(indicator, whether a published figure is looked for, survey items)]
    "territory": [("territory", True, [])],
    "economic": [("firms", True, []), ("employees", True, []), ("output", True, []), ("exports", True, []),
                 ("size_structure", True, [])],
    "social": [("employment", True, ["dimension:workplace", "wp_training_plan", "cert_sa8000"]),
               ("workplace_safety", True, ["cert_ohsas18001"]),
               ("stakeholder_relations", True, ["com_stakeholder_dialogue", "dimension:community"]),
               ("ethics_code", True, ["gov_code_of_ethics"])],
    "environmental": [("certified_firms", True, ["cert_iso14001", "cert_emas"]), ("district_emas", True, []),
                      ("environmental_practices", False, ["dimension:environment", "env_internal_audit",
                                                          "env_impact_monitoring"])],
}
TERRITORY_MEASURES = ("Area", "Number of comuni", "Population")  # the territory rows of published_figures.csv
INDICATOR_NAMES = {
    "territory": N_("Territory"), "firms": N_("Firms"), "employees": N_("Employees"),
    "output": N_("Output and turnover"), "exports": N_("Exports"), "size_structure": N_("Size structure"),
    "employment": N_("Employment and working conditions"), "workplace_safety": N_("Workplace safety"),
    "stakeholder_relations": N_("Relations with stakeholders"), "ethics_code": N_("Codes of ethics"),
    "certified_firms": N_("Certified firms and voluntary schemes"), "district_emas": N_("District EMAS"),
    "environmental_practices": N_("Environmental practices"),
}
ACTOR_KINDS = {  # the kinds of data/raw/district_actors.csv
    "trade_association": N_("trade association"), "development_agency": N_("development agency"),
    "union": N_("trade union"), "local_authority": N_("local authority"), "consortium": N_("consortium"),
    "research_centre": N_("research centre"), "chamber_of_commerce": N_("chamber of commerce"),
    "district_committee": N_("district committee"), "firm": N_("firm"),
}
MILESTONE_KINDS = {  # the kinds of data/raw/district_milestones.csv
    "project": N_("project"), "certification": N_("certification"), "renewal": N_("renewal"),
    "agreement": N_("agreement"), "report": N_("report"), "status": N_("current status"),
}


def indicator_name(indicator: str, lang: str = "en") -> str:
    """The name of an indicator of `SUSTAINABILITY_SECTIONS` in `lang`."""
    return messages(lang)(INDICATOR_NAMES[indicator])


def share_interval(share, low, high, lang: str) -> str:
    """'42.9% [26.5, 60.9]' ('42,9% [26,5; 60,9]'), percentages with one decimal; '–' when missing."""
    if share is None or pd.isna(share):
        return fmt.MISSING
    return f"{fmt.percent(share, 1, lang)} {fmt.interval(100 * low, 100 * high, 1, lang)}"


def published_value(value, unit, lang: str = "en") -> str:
    """A published value with its unit: "6,000 employees", "1.272,7 milioni di euro", a year as "2008". The
    decimals are those of the file (1272.7 keeps one)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return fmt.MISSING
    value = float(value)
    if isinstance(unit, str) and unit.strip() == "year":
        return fmt.year(value)
    text = np.format_float_positional(value, trim="-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    number = fmt.number(value, decimals, lang)
    unit_text = published_unit(unit, lang) if isinstance(unit, str) and unit.strip() else ""
    if unit_text.startswith("%"):
        return number + unit_text
    return f"{number} {unit_text}".strip()


def sustainability_indicators(published: pd.DataFrame, profile: pd.DataFrame, district: str,
                              section: str) -> pd.DataFrame:
    """The indicator rows of one `section` of a district's sustainability report, language-free: for each
    indicator of `SUSTAINABILITY_SECTIONS`, the rows of `published` (published_figures.csv with its
    `indicator` and `perimeter` columns) about the district (or about all COOPERATE districts) in file
    order, or one "absent" row when none is; then the district's survey shares of `profile`
    (`measures.adoption_profile`). Columns: section, indicator, kind (published, survey, absent), item
    (the measure as published, or the survey variable / "dimension:<dim>"), value, unit, year, perimeter,
    source_id, row (the row of published_figures.csv, counted from 0), k, n, share, ci_low, ci_high."""
    if section not in SUSTAINABILITY_SECTIONS:
        raise ValueError(f"section {section!r} is not valid; valid: {', '.join(SUSTAINABILITY_SECTIONS)}")
    mine = profile[profile["group"] == district].set_index("item") if len(profile) else pd.DataFrame()
    has = "indicator" in published.columns
    rows = []
    for indicator, look, items in SUSTAINABILITY_SECTIONS[section]:
        if indicator == "territory":
            found = published[published["measure"].isin(TERRITORY_MEASURES) & (published["district"] == district)]
        else:
            found = published[(published["indicator"] == indicator) & published["district"].isin([district, "all"])] \
                if has and look else published.iloc[0:0]
        for i, r in found.iterrows():
            rows.append({"indicator": indicator, "kind": "published", "item": r["measure"], "value": float(r["value"]),
                         "unit": r["unit"], "year": r["year"], "perimeter": r.get("perimeter", None),
                         "source_id": r["source_id"], "row": int(i)})
        if look and found.empty:
            rows.append({"indicator": indicator, "kind": "absent", "item": indicator})
        for item in items:
            key = item.removeprefix("dimension:")
            if key not in mine.index:
                continue
            s = mine.loc[key]
            rows.append({"indicator": indicator, "kind": "survey", "item": item, "k": int(s["k"]), "n": int(s["n"]),
                         "share": s["share"], "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
    columns = ["section", "indicator", "kind", "item", "value", "unit", "year", "perimeter", "source_id", "row",
               "k", "n", "share", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns[1:]).assign(section=section)[columns]


def survey_label(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """How an indicator table names a survey share: "ISO 14001 certified (% of firms)", "At least one
    practice: Workplace (% of firms)"."""
    cb = cb or load_codebook()
    _ = messages(lang)
    if item.startswith("dimension:"):
        return _("At least one practice: {dimension} (% of firms)", dimension=cb.label(item.removeprefix("dimension:"), lang))
    return _("{label} (% of firms)", label=cb.label(item, lang))


def indicator_headers(lang: str) -> list[str]:
    _ = messages(lang)
    return [_.pgettext("table header", "Indicator"), _.pgettext("table header", "Measure"),
            _.pgettext("table header", "Value"), _.pgettext("table header", "Year"),
            _.pgettext("table header", "Perimeter"), _.pgettext("table header", "Source")]


def indicator_table(rows: pd.DataFrame, lang: str = "en", synthetic: bool = True,
                    cb: Codebook | None = None) -> pd.DataFrame:
    """`sustainability_indicators` rows as printed: indicator (on its first row), measure, value (a
    published value with its unit, or a survey share with its Wilson 95% interval), year, perimeter (as
    published, or the firms of the sample) and source: "Published: @key" (a citation marker the renderer
    links to the references), "Survey (synthetic data)" or "Absent: no source gives it"."""
    cb = cb or load_codebook()
    _ = messages(lang)
    headers = indicator_headers(lang)
    out, previous = [], None
    for r in rows.itertuples(index=False):
        first = r.indicator != previous
        previous = r.indicator
        if r.kind == "published":
            cells = (published_label(r.item, lang, "measure"), published_value(r.value, r.unit, lang),
                     published_year(r.year, lang), published_label(r.perimeter, lang, "perimeter"),
                     _("Published: {source}", source=published_source(r.source_id, lang)))
        elif r.kind == "survey":
            cells = (survey_label(r.item, lang, cb), share_interval(r.share, r.ci_low, r.ci_high, lang), fmt.MISSING,
                     _.ngettext("{k} of {n} firm of the sample", "{k} of {n} firms of the sample", r.n,
                                k=fmt.integer(r.k, lang)),
                     _("Survey (synthetic data)") if synthetic else _("Survey"))
        else:
            cells = (fmt.MISSING, fmt.MISSING, fmt.MISSING, fmt.MISSING, _("Absent: no source gives it"))
        out.append(dict(zip(headers, (indicator_name(r.indicator, lang) if first else "", *cells))))
    return pd.DataFrame(out, columns=headers)


def group_name(group: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A group of `measures.adoption_profile`: a district's short name, or the pooled sample."""
    cb = cb or load_codebook()
    _ = messages(lang)
    if group == "pooled":
        return _("All districts")
    spec = cb.districts.get(group, {})
    return spec["short"][lang] if "short" in spec else cb.label(group, lang)


def profile_table(profile: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """A district's CSR profile as a local benchmark (`measures.adoption_profile`): one row per dimension
    (share of firms with at least one of its practices), its practices, then the certifications; one
    column per group (the district first, the other districts, the pooled sample), each cell the
    percentage of answering firms with its Wilson 95% interval; the header gives each group's firms."""
    cb = cb or load_codebook()
    _ = messages(lang)
    h_dim, h_item = _.pgettext("table header", "Dimension"), _.pgettext("table header", "Practice or certification")
    groups = list(dict.fromkeys(profile["group"]))
    sizes = profile.groupby("group")["n"].max()
    columns = {g: _("{group}, n = {n}", group=group_name(g, lang, cb), n=fmt.integer(sizes[g], lang)) for g in groups}
    by = profile.set_index(["group", "item"])
    out = []
    order = [(dim, "dimension", dim) for dim in cb.csr_dimensions]
    for dim, items in cb.practices_by_dimension().items():
        at = order.index((dim, "dimension", dim)) + 1
        order[at:at] = [(dim, "practice", i) for i in items]
    order += [("", "certification", c) for c in cb.certifications(None)]
    previous = None
    for dim, kind, item in order:
        if not all((g, item) in by.index for g in groups):
            continue
        section = cb.label(dim, lang) if dim else _("Certifications")
        label = _("At least one of the practices") if kind == "dimension" else cb.label(item, lang)
        row = {h_dim: section if section != previous else "", h_item: label}
        previous = section
        for g in groups:
            s = by.loc[(g, item)]
            row[columns[g]] = share_interval(s["share"], s["ci_low"], s["ci_high"], lang)
        out.append(row)
    return pd.DataFrame(out, columns=[h_dim, h_item, *columns.values()])


def _kind(kind, lang: str, names: dict) -> str:
    if not isinstance(kind, str) or not kind.strip():
        return fmt.MISSING
    kind = kind.strip()
    return messages(lang)(names[kind]) if kind in names else kind.replace("_", " ")


def source_cell(source_id, lang: str) -> str:
    """One or more source ids ("D22; D28") as citation markers."""
    if not isinstance(source_id, str) or not source_id.strip():
        return fmt.MISSING
    return "; ".join(published_source(s.strip(), lang) for s in re.split(r"[;,]", source_id) if s.strip())


def actors_table(actors: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """The district's actors (data/raw/district_actors.csv rows of the district): actor, kind, role in
    `lang`, whether in COOPERATE's local working group (yes, no, not known) and source (citation marker).
    The working-group column is left out when the sources say nothing of it for any row."""
    _ = messages(lang)
    rows = actors[actors["district"].isin([district, "all"])]
    answers = {"yes": _.pgettext("in the working group", "yes"), "no": _.pgettext("in the working group", "no"),
               "unknown": _.pgettext("in the working group", "not known")}
    group = [str(w).strip().lower() for w in rows["working_group"]]
    table = {_.pgettext("table header", "Actor"): rows["actor"].to_numpy(),
             _.pgettext("table header", "Type"): [_kind(k, lang, ACTOR_KINDS) for k in rows["kind"]],
             _.pgettext("table header", "Role"): rows[f"role_{lang}"].fillna(fmt.MISSING).to_numpy()}
    if any(g in ("yes", "no") for g in group):
        table[_.pgettext("table header", "In COOPERATE's working group")] = \
            [answers.get(g, answers["unknown"]) for g in group]
    table[_.pgettext("table header", "Source")] = [source_cell(s, lang) for s in rows["source_id"]]
    return pd.DataFrame(table)


def _is_date(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip()) is not None


def period(start, end, lang: str) -> str:
    """A milestone's period: a date ("1° gennaio 2010"), a range ("novembre 2008 – aprile 2010", "2010–2012")
    through `formatting`, or a year as published ("c. 2009")."""
    def text(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
            return ""
        value = str(value).strip()
        return fmt.date(value, lang) if _is_date(value) else published_year(value, lang)

    a, b = text(start), text(end)
    if not b or b == a:
        return a
    if not a:
        return b
    start, end = str(start).strip(), str(end).strip()
    if _is_date(start) and _is_date(end) and (len(start) < 10 or start[:7] == end[:7]):
        return fmt.date_range(start, end, lang)  # "2010–2012", "novembre 2008 – aprile 2010", "1–30 settembre 2017"
    return f"{a} – {b}"


def milestones_table(milestones: pd.DataFrame, district: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The district's CSR milestones and those of every district (data/raw/district_milestones.csv), in
    order of start: period, event in `lang`, type, scope (this district or every district) and source."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = milestones[milestones["district"].isin([district, "all"])]
    rows = rows.assign(_start=rows["start"].astype(str)).sort_values("_start", kind="stable")
    return pd.DataFrame({
        _.pgettext("table header", "Period"): [period(s, e, lang) for s, e in zip(rows["start"], rows["end"])],
        _.pgettext("table header", "Event"): rows[f"event_{lang}"].fillna(fmt.MISSING).to_numpy(),
        _.pgettext("table header", "Type"): [_kind(k, lang, MILESTONE_KINDS) for k in rows["kind"]],
        _.pgettext("table header", "Scope"): [_("every district") if d == "all" else group_name(d, lang, cb)
                                               for d in rows["district"]],
        _.pgettext("table header", "Source"): [source_cell(s, lang) for s in rows["source_id"]]})
