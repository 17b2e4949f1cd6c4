"""The tables of a district sustainability report that are not indicator tables (those are in
`factsheet`): the CSR profile as a local benchmark, the actors and their relations, the timeline. Words are
messages of ``sustainability.po``; names of plants, committees and agreements are data
(data/raw/district_labels.csv)."""
from __future__ import annotations

import re

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats import disclosure as sdc
from .. import disclosure
from .. import formatting as fmt
from ..i18n import N_, messages
from ..published import published_source, published_year

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


def share_interval(share, low, high, lang: str) -> str:
    """'42.9% [26.5, 60.9]' ('42,9% [26,5; 60,9]'), percentages with one decimal; '–' when missing."""
    if share is None or pd.isna(share):
        return fmt.MISSING
    return f"{fmt.percent(share, 1, lang)} {fmt.interval(100 * low, 100 * high, 1, lang)}"


def group_name(group: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A group of `measures.adoption_profile`: a district's short name, or the pooled sample."""
    cb = cb or load_codebook()
    _ = messages(lang)
    if group == "pooled":
        return _("All districts")
    spec = cb.districts.get(group, {})
    return spec["short"][lang] if "short" in spec else cb.label(group, lang)


def profile_cells(profile: pd.DataFrame) -> dict:
    """What stands behind each share of a CSR profile (`measures.adoption_profile`): {(item, group):
    `stats.disclosure.Cell.share(k, n)`}, None where no firm answered."""
    return {(r.item, r.group): (sdc.Cell.share(r.k, r.n) if pd.notna(r.n) and int(r.n) > 0 else None)
            for r in profile.itertuples()}


def profile_codes(profile: pd.DataFrame) -> dict:
    """{(item, group): code} of the profile's shares the disclosure policy suppresses: the shares as the
    profile table lays them out, the pooled sample the sum of the districts in each row (secondary
    suppression included), so that the table, the figure and the sentences hide the same cells."""
    return disclosure.by_groups(profile_cells(profile))


def profile_table(profile: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """A district's CSR profile as a local benchmark (`measures.adoption_profile`): one row per dimension
    (share of firms with at least one of its practices), its practices, then the certifications; one
    column per group (the district first, the other districts, the pooled sample), each cell the
    percentage of answering firms with its Wilson 95% interval; the header gives each group's firms.
    Each cell carries its k of n firms for the disclosure policy, the pooled column a margin of the
    districts (`present.disclosure.attach`)."""
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
    behind = profile_cells(profile)
    cells, relations = {}, []
    districts = [columns[g] for g in groups if g != "pooled"]
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
            if behind.get((item, g)) is not None:
                cells[(len(out), columns[g])] = behind[(item, g)]
        if "pooled" in columns and districts:
            relations.append(sdc.margin([(len(out), d) for d in districts], (len(out), columns["pooled"])))
        out.append(row)
    return disclosure.attach(pd.DataFrame(out, columns=[h_dim, h_item, *columns.values()]), cells, relations)


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
    return drop_unknown(pd.DataFrame(table))


def drop_unknown(table: pd.DataFrame) -> pd.DataFrame:
    """`table` without the columns that are unknown ('–' or empty) in every row."""
    keep = [c for c in table.columns if not all(str(v).strip() in ("", fmt.MISSING) for v in table[c])]
    return table[keep]


RELATIONS = {  # the relations of data/raw/district_relations.csv: "<actor> <verb> <target>"
    "runs": N_("runs"), "member_of": N_("is a member of"), "chairs": N_("chairs"), "vice_chairs": N_("is vice-chair of"),
    "advises": N_("advises"), "founded": N_("founded"), "signed": N_("signed"), "partner_of": N_("is a partner in"),
    "discharges_to": N_("discharges to"), "led": N_("led"), "coordinated": N_("coordinated"),
    "promoted": N_("promoted"), "supports": N_("supports"),
}


def relations_table(relations: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """Who runs which plant, sits on which committee, signed which agreement (data/raw/district_relations.csv
    rows of the district and of every district), grouped by actor: actor (on its first row), relation,
    plant / committee / agreement (named in `lang`) and source."""
    from . import indicators as ind

    _ = messages(lang)
    rows = relations[relations["district"].isin([district, "all"])]
    order = list(dict.fromkeys(rows["actor"]))
    rows = rows.assign(_o=rows["actor"].map(order.index)).sort_values("_o", kind="stable")
    out, previous = [], None
    for r in rows.itertuples():
        out.append({_.pgettext("table header", "Actor"): r.actor if r.actor != previous else "",
                    _.pgettext("table header", "Relation"): _(RELATIONS[r.relation]),
                    _.pgettext("table header", "Plant, committee or agreement"): ind.label(r.target, "target", lang),
                    _.pgettext("table header", "Source"): source_cell(r.source_id, lang)})
        previous = r.actor
    return drop_unknown(pd.DataFrame(out))


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
