"""The published district facts (data/raw/published_figures.csv, district_milestones.csv,
district_actors.csv): schemas, allowed values, documented sources, the manifest, and clear errors."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import dataset
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import bibliography as bib

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data/raw"
README = RAW / "README.md"
FILES = {"published_figures.csv": dataset.load_published, "district_milestones.csv": dataset.load_milestones,
         "district_actors.csv": dataset.load_actors, "district_indicators.csv": dataset.load_indicators,
         "district_relations.csv": dataset.load_relations}
DISTRICTS = load_codebook().district_ids


def _load(name: str) -> pd.DataFrame:
    return FILES[name](RAW / name, readme=README)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_names_a_source_documented_in_the_readme_and_the_bibliography(name):
    table = _load(name)
    assert len(table) > 0
    ids = set(table["source_id"]) - {""}  # an absent indicator row has no source
    assert ids <= dataset.documented_sources(README), ids - dataset.documented_sources(README)
    assert ids <= set(bib.source_keys()), ids - set(bib.source_keys())
    for source in ids:  # and each resolves to a full citation in both languages
        assert bib.source_citation(source, "it", link=False) == bib.label(bib.source_key(source), "it")


def test_readme_and_bibliography_list_the_same_sources():
    assert dataset.documented_sources(README) == set(bib.source_keys())


def test_columns_and_allowed_values():
    figures = _load("published_figures.csv")
    assert list(figures.columns) == dataset.PUBLISHED_COLUMNS
    assert set(figures["indicator"]) <= {"", *dataset.INDICATORS}
    assert set(figures["district"]) <= {*DISTRICTS, "all", "other"}
    milestones = _load("district_milestones.csv")
    assert list(milestones.columns) == dataset.MILESTONE_COLUMNS
    assert set(milestones["kind"]) <= set(dataset.MILESTONE_KINDS)
    assert set(milestones["district"]) <= {*DISTRICTS, "all"}
    actors = _load("district_actors.csv")
    assert list(actors.columns) == dataset.ACTOR_COLUMNS
    assert set(actors["kind"]) <= set(dataset.ACTOR_KINDS)
    assert set(actors["working_group"]) <= set(dataset.WORKING_GROUP)


def test_every_district_has_the_economic_indicators_and_a_timeline():
    figures = _load("published_figures.csv")
    milestones = _load("district_milestones.csv")
    actors = _load("district_actors.csv")
    for district in DISTRICTS:
        shown = set(figures.loc[figures["district"] == district, "indicator"])
        assert {"firms", "employees", "output", "exports", "district_emas"} <= shown, (district, shown)
        kinds = set(milestones.loc[milestones["district"] == district, "kind"])
        assert "certification" in kinds, district  # each district's EMAS scheme
        assert (actors["district"] == district).sum() >= 3, district


def test_disagreeing_sources_are_all_kept():
    """COOPERATE's three datings (S5, D32, S4) are all rows; so are the differing Capannori head counts."""
    milestones = _load("district_milestones.csv")
    cooperate = milestones[(milestones["district"] == "all") & milestones["event_en"].str.contains("COOPERATE")]
    dated = set(zip(cooperate["source_id"], cooperate["start"]))
    assert {("S5", "2006"), ("D32", "2006"), ("S4", "2007-01-01")} <= dated
    figures = _load("published_figures.csv")
    staff = figures[(figures["district"] == "capannori_paper") & (figures["indicator"] == "employees")
                    & ~figures["measure"].str.contains("machinery|mechanical")]
    assert staff["source_id"].nunique() >= 5 and staff["value"].nunique() >= 4


def test_working_group_yes_only_where_the_clothing_report_names_it():
    actors = _load("district_actors.csv")
    named = actors[actors["working_group"] == "yes"]
    assert set(named["source_id"]) == {"S9"} and set(named["district"]) == {"empolese_valdelsa_clothing"}


def test_italian_texts_say_rsi_not_csr():
    for name, columns in (("district_milestones.csv", ["event_it"]), ("district_actors.csv", ["role_it"])):
        table = _load(name)
        for column in columns:
            assert not table[column].str.contains(r"\bCSR\b").any(), (name, column)


def test_existing_published_rows_keep_the_values_the_reports_cite():
    figures = _load("published_figures.csv").set_index(["source_id", "district", "measure"])
    assert figures.loc[("D1", "capannori_paper", "Number of firms"), "value"] == 133
    assert figures.loc[("D18", "santa_croce_tanning", "Number of firms"), "value"] == 935
    assert figures.loc[("D18", "santa_croce_tanning", "Employees"), "value"] == 7928
    members = ("D20", "santa_croce_tanning", "Member tanneries of the Associazione Conciatori, all bound by its ethics code")
    total = ("D20", "santa_croce_tanning", "Tanneries in total (members and non-members of the Associazione Conciatori)")
    assert figures.loc[members, "value"] == 180 and figures.loc[members, "indicator"] == "ethics_code"
    assert figures.loc[total, "value"] == 200 and figures.loc[total, "unit"] == "firms (fewer than)"


def test_manifest_lists_the_three_files_with_their_hashes():
    listed = {}
    for line in (RAW / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            sha, _, name = line.partition("  ")
            listed[name.strip()] = sha
    for name in FILES:
        assert listed[name] == hashlib.sha256((RAW / name).read_bytes()).hexdigest(), name
    checked = dataset.verify_manifest(RAW / "SHA256SUMS")
    assert {Path(p).name for p in checked} >= set(FILES)


def test_an_old_eight_column_published_file_reads_with_empty_new_columns(tmp_path):
    figures = pd.read_csv(RAW / "published_figures.csv", dtype=str, keep_default_na=False)
    old = tmp_path / "published_figures.csv"
    figures[dataset.PUBLISHED_COLUMNS[:8]].to_csv(old, index=False)
    read = dataset.load_published(old, readme=README)
    assert list(read.columns) == dataset.PUBLISHED_COLUMNS
    assert (read["perimeter"] == "").all() and (read["indicator"] == "").all() and (read["grade"] == "").all()
    figures[dataset.PUBLISHED_COLUMNS[:10]].to_csv(old, index=False)  # the ten-column layout, before grades
    assert (dataset.load_published(old, readme=README)["grade"] == "").all()
    assert read["n"].dtype == "Int64" and read["value"].notna().all()


def _corrupt(tmp_path: Path, name: str, row: int, column: str, value: str) -> Path:
    table = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
    table.loc[row, column] = value
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path


BAD = [
    ("published_figures.csv", "indicator", "jobs", "must be one of firms"),
    ("published_figures.csv", "source_id", "D99", "must be a source id listed in"),
    ("published_figures.csv", "district", "prato_textile", "must be one of capannori_paper"),
    ("published_figures.csv", "value", "about 200", "must be a number"),
    ("district_milestones.csv", "start", "2008-02-30", "must be a year (YYYY) or a date (YYYY-MM-DD)"),
    ("district_milestones.csv", "start", "Sep 2008", "must be a year (YYYY) or a date (YYYY-MM-DD)"),
    ("district_milestones.csv", "end", "1999", "must not be before start"),
    ("district_milestones.csv", "kind", "milestone", "must be one of project, certification"),
    ("district_milestones.csv", "event_it", " ", "must not be empty"),
    ("district_milestones.csv", "source_id", "X1", "must be a source id listed in"),
    ("district_actors.csv", "kind", "ngo", "must be one of trade_association"),
    ("district_actors.csv", "working_group", "maybe", "must be one of yes, no, unknown"),
    ("district_actors.csv", "district", "", "must be one of capannori_paper"),
    ("district_actors.csv", "source_id", "S99", "must be a source id listed in"),
    ("published_figures.csv", "grade", "XX", "must be one of OS, PB"),
    ("published_figures.csv", "grade", "OS", "no stronger than the source's grade"),
    ("district_indicators.csv", "value", "inf", "must be a finite number"),
    ("district_indicators.csv", "value", "about 20", "must be a finite number"),
    ("district_indicators.csv", "indicator", "jobs", "must be an indicator of indicator_definitions.csv"),
    ("district_indicators.csv", "theme", "social", "must be the indicator's theme"),
    ("district_indicators.csv", "unit", "furlongs", "must be a unit of indicator_units.csv"),
    ("district_indicators.csv", "qualifier", "roughly", "must be one of approx."),
    ("district_indicators.csv", "grade", "OS", "no stronger than the source's grade"),
    ("district_indicators.csv", "searched", "Google", "must be empty on a value row"),
    ("district_relations.csv", "relation", "likes", "must be one of runs"),
]


@pytest.mark.parametrize("name, column, value, rule", BAD)
def test_a_bad_row_is_named_by_file_column_row_and_rule(tmp_path, name, column, value, rule):
    row = 4  # the fifth data row
    path = _corrupt(tmp_path, name, row, column, value)
    with pytest.raises(dataset.FactsError) as raised:
        FILES[name](path, readme=README)
    message = str(raised.value)
    assert len(message.splitlines()) == 1, message
    assert str(path) in message and f"column {column!r}" in message and f"row {row + 1}:" in message, message
    assert rule in message, message


def test_several_problems_one_line_each_and_wrong_columns(tmp_path):
    table = pd.read_csv(RAW / "district_actors.csv", dtype=str, keep_default_na=False)
    table.loc[[0, 2], "kind"] = "ngo"
    table.loc[1, "working_group"] = "perhaps"
    path = tmp_path / "actors.csv"
    table.to_csv(path, index=False)
    with pytest.raises(dataset.FactsError) as raised:
        dataset.load_actors(path, readme=README)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2 and "rows 1, 3:" in lines[0] and "row 2:" in lines[1], lines
    table.drop(columns="role_it").to_csv(path, index=False)
    with pytest.raises(dataset.FactsError, match="columns must be district, actor, kind, role_en, role_it"):
        dataset.load_actors(path, readme=README)


def test_a_repeated_milestone_is_refused(tmp_path):
    table = pd.read_csv(RAW / "district_milestones.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "milestones.csv"
    pd.concat([table, table.iloc[[3]]]).to_csv(path, index=False)
    with pytest.raises(dataset.FactsError, match=rf"row {len(table) + 1}: repeats an earlier row"):
        dataset.load_milestones(path, readme=README)


def test_a_source_missing_from_the_readme_is_refused(tmp_path):
    readme = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    readme.write_text("\n".join(line for line in text.splitlines() if not line.startswith("| D22 |")), encoding="utf-8")
    with pytest.raises(dataset.FactsError, match="source_id"):
        dataset.load_milestones(RAW / "district_milestones.csv", readme=readme)
    assert "D22" not in dataset.documented_sources(readme) and "D21" in dataset.documented_sources(readme)


def test_the_readme_beside_a_file_documents_it_by_default(tmp_path):
    """Without `readme`, a facts file is checked against the README.md beside it (data/raw's for the
    project's own files), so a copy elsewhere with its own README is judged by that README."""
    assert len(dataset.load_actors(RAW / "district_actors.csv")) == len(_load("district_actors.csv"))
    copy = tmp_path / "district_actors.csv"
    copy.write_bytes((RAW / "district_actors.csv").read_bytes())
    (tmp_path / "README.md").write_text("## Sources of the published figures\n\n| S9 | ASEV | `k` |\n", encoding="utf-8")
    with pytest.raises(dataset.FactsError, match=r"column 'source_id', rows .*README\.md"):
        dataset.load_actors(copy)


# --- issue 26: grades, district indicators, relations --------------------------------------------------

GRADE_RANK = {g: i for i, g in enumerate(dataset.GRADES)}


def test_every_source_has_a_grade_and_every_graded_row_resolves_to_a_bibliography_key():
    grades = dataset.source_grades(README)
    assert set(grades) == dataset.documented_sources(README) == set(bib.source_keys())
    assert set(grades.values()) <= set(dataset.GRADES)
    for name in ("published_figures.csv", "district_indicators.csv"):
        table = _load(name)
        valued = table[table["source_id"] != ""]
        assert (valued["grade"] != "").all(), name
        for source, grade in zip(valued["source_id"], valued["grade"]):
            assert bib.source_key(source) and GRADE_RANK[grade] >= GRADE_RANK[grades[source]], (name, source, grade)


def test_the_secondary_copies_the_issue_names_are_graded_sc():
    grades = dataset.source_grades(README)
    for source in ("S1", "S3", "S7", "S9", "D1", "D4", "D6", "D10", "D16", "D32"):  # pdfslide, yumpu, 123dok, zazoom...
        assert grades[source] == "SC", source
    figures = _load("published_figures.csv")
    wiki = figures[figures["note"].fillna("").str.contains("Wikipedia")]
    assert len(wiki) and (wiki["grade"] == "SC").all()


def _same_figure_keys(table: pd.DataFrame, value_column: str = "value") -> pd.Series:
    unit = table["unit"].fillna("").str.replace(r" \(.*\)$", "", regex=True)
    return table["district"] + "|" + table[value_column].astype(float).map(repr) + "|" + unit + "|" + \
        table["year"].fillna("").astype(str)


@pytest.mark.parametrize("name", ["published_figures.csv", "district_indicators.csv"])
def test_no_secondary_copy_where_the_data_record_a_primary_for_the_same_figure(name):
    """A figure (district, value, unit, year) given by a source graded above SC is not also cited from a copy."""
    table = _load(name)
    table = table[table["value"].notna()]
    keys = _same_figure_keys(table)
    primary = set(keys[table["grade"] != "SC"])
    copies = table[(table["grade"] == "SC") & keys.isin(primary)]
    assert copies.empty, copies[["source_id", "measure" if "measure" in table else "indicator", "value"]]


def test_the_zazoom_copy_gave_way_to_its_primary_figures():
    figures = _load("published_figures.csv")
    cap = figures[(figures["district"] == "capannori_paper")]
    for value in (332, 10857, 5900, 2012):
        rows = cap[cap["value"] == value]
        assert set(rows["source_id"]) == {"D50"}, value


def test_every_indicator_value_is_finite_or_an_explicit_absent_row():
    table = _load("district_indicators.csv")
    absent = table["value"].isna()
    assert np.isfinite(table.loc[~absent, "value"]).all()
    assert (table.loc[absent, "searched"].str.len() > 20).all()
    assert (table.loc[absent, "searched"].str.contains("searched|search", case=False)).all()
    assert (table.loc[~absent, "source_id"] != "").all() and (table.loc[~absent, "unit"] != "").all()


def test_each_district_reports_water_energy_waste_and_employment_as_values_or_searched_absences():
    table = _load("district_indicators.csv")
    groups = dict(zip(*[dataset.load_indicator_definitions(RAW / "indicator_definitions.csv")[c]
                        for c in ("indicator", "group")]))
    table = table.assign(group=table["indicator"].map(groups))
    for district in DISTRICTS:
        mine = table[table["district"] == district]
        assert {"water", "energy", "waste", "employment"} <= set(mine["group"]), (district, set(mine["group"]))
    # and the values the issue names are there, with their source
    values = table.set_index(["district", "indicator", "source_id"])["value"]
    assert values[("capannori_paper", "electricity_use", "D5")] == 1.6
    assert values[("capannori_paper", "gas_use", "D5")] == 400
    assert values[("capannori_paper", "emas_organisations", "D35")] == 18
    sludge = table[(table["indicator"] == "sludge") & (table["source_id"] == "D36")].sort_values("year")
    assert list(sludge["year"]) == ["1995", "2015"] and list(sludge["value"]) == [180000, 15000]


def test_indicator_labels_and_units_are_data_in_both_languages():
    definitions = dataset.load_indicator_definitions(RAW / "indicator_definitions.csv")
    units = dataset.load_indicator_units(RAW / "indicator_units.csv")
    table = _load("district_indicators.csv")
    assert set(table["indicator"]) <= set(definitions["indicator"])
    assert set(table.loc[table["unit"] != "", "unit"]) <= set(units["unit_en"])
    assert (definitions["label_it"] != definitions["label_en"]).all()


def test_current_emas_status_and_corrected_actor_names():
    milestones = _load("district_milestones.csv")
    status = milestones[milestones["kind"] == "status"]
    assert set(status["district"]) == set(DISTRICTS) and set(status["source_id"]) == {"D28"}
    assert status["event_en"].str.contains("Ravenna").all()
    pioneer = milestones[(milestones["district"] == "capannori_paper") & (milestones["source_id"] == "D35")]
    assert pioneer["event_en"].str.contains("18 of its 44").any()
    actors = _load("district_actors.csv")
    assert not actors["actor"].str.contains("Delicata").any() and actors["actor"].str.contains("Delicarta").any()
    named = set(actors["actor"])
    assert {"Consorzio Aquarno", "Consorzio Cuoio-Depur", "Consorzio Recupero Cromo", "UNIC - Concerie Italiane",
            "Associazione Conciatori", "Lucense", "Assocarta", "Filctem-CGIL"} <= named


def test_relations_name_actors_of_the_actor_map_or_the_sources():
    relations = _load("district_relations.csv")
    actors = _load("district_actors.csv")
    runs = relations[relations["relation"] == "runs"]
    assert {"Consorzio Aquarno", "Consorzio Cuoio-Depur", "Consorzio Recupero Cromo"} <= set(runs["actor"])
    known = set(zip(actors["district"], actors["actor"]))
    unknown = {(d, a) for d, a in zip(relations["district"], relations["actor"])} - known
    assert unknown <= {("santa_croce_tanning", "Comune di Montopoli Val d'Arno")}, unknown
