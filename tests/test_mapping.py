"""The mapping step (issue 14): realistic exports of the synthetic survey, each with the mapping
`map` drafts (and the one edit data/raw/README.md documents), validate to the synthetic survey
cell by cell; mapping problems are one line naming the file and key; a changed mapping rebuilds."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.runner import pipeline
from cooperate_analysis.runner.cli import main
from cooperate_analysis.data import dataset
from cooperate_analysis.data.io import sha256_file
from cooperate_analysis.data.mapping import MappingError, draft_mapping, load_mapping, read_mapped
from cooperate_analysis.data.validate import validate_survey

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = Path(__file__).resolve().parent / "real_exports"
sys.path.insert(0, str(EXPORTS))
import make_exports  # noqa: E402

# the one edit data/raw/README.md documents: 99 is a possible firm age and export share, so `map`
# proposes it there only as a comment; delete the '#' where the questionnaire used it for no answer
EDITS = {"codes_99_with_note.csv": [("  # firm_age: [99]", "  firm_age: [99]"),
                                    ("  # export_share: [99]", "  export_share: [99]")]}


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return make_exports.base()


def expected(name: str, synthetic: pd.DataFrame) -> pd.DataFrame:
    frame = synthetic.copy()
    if name == "codes_99_with_note.csv":
        for column, rows in make_exports.CODED_99.items():
            frame.loc[rows, column] = pd.NA
    if name == "labelled_missing.dta":  # the answers labelled "non sa/non risponde"
        for column, rows in make_exports.LABELLED_MISSING.items():
            frame.loc[rows, column] = pd.NA
    return frame


def test_the_corpus_holds_every_export():
    assert {p.name for p in EXPORTS.iterdir() if p.suffix not in (".py", ".yml") and p.name != "__pycache__"} == set(
        make_exports.EXPORTS)


def test_the_readme_shows_the_example_mapping_and_it_maps_such_a_file(synthetic, tmp_path):
    example = EXPORTS / "mapping.example.yml"
    readme = (ROOT / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{example.read_text(encoding='utf-8')}```" in readme
    mapping = load_mapping(example)
    frame = synthetic.astype(object).where(synthetic.notna(), None)
    frame["district"] = frame["district"].map({"capannori_paper": "Capannori", "santa_croce_tanning": "santa croce",
                                               "empolese_valdelsa_clothing": "EMPOLESE  VALDELSA"})
    frame["turnover_class"] = frame["turnover_class"].map({1: "meno di 2 milioni", 2: "2-10 milioni",
                                                           3: "10-50 milioni", 4: "oltre 50 milioni"})
    frame.loc[0, "out_reputation"] = "buona"  # the example mapping recodes it to 4
    frame.loc[[2, 3], "firm_age"] = [99, "NS"]
    frame.loc[5, "out_productivity"] = "n.d."
    frame = frame.rename(columns={v: k for k, v in mapping.rename.items()})
    frame.insert(2, "Note intervistatore", "")
    frame.insert(3, "Data intervista", "12/03/2007")
    frame.to_csv(tmp_path / "indagine.csv", sep=";", decimal=",", index=False)
    raw, notes = read_mapped(tmp_path / "indagine.csv", mapping)
    want = synthetic.copy()
    want.loc[[2, 3], "firm_age"] = pd.NA
    want.loc[5, "out_productivity"] = pd.NA
    want.loc[0, "out_reputation"] = 4
    pd.testing.assert_frame_equal(validate_survey(raw, "indagine.csv"), want)
    assert notes == [f"note: {tmp_path / 'indagine.csv'}: 2 columns ignored as {example} says: "
                     "'Note intervistatore', 'Data intervista'"]


@pytest.mark.parametrize("name", sorted(make_exports.EXPORTS))
def test_each_export_with_its_drafted_mapping_is_the_synthetic_survey(name, synthetic, tmp_path, monkeypatch,
                                                                      capsys):
    monkeypatch.chdir(tmp_path)
    source = EXPORTS / name
    before = sha256_file(source)
    assert main(["map", str(source), "--out", "mapping.yml"]) == 0
    text = Path("mapping.yml").read_text(encoding="utf-8")
    for old, new in EDITS.get(name, []):
        assert old in text, text
        text = text.replace(old, new)
    Path("mapping.yml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(source), "--mapping", "mapping.yml"]) == 0
    assert "OK, 92 firms follow the codebook with the mapping mapping.yml" in capsys.readouterr().out
    raw, _notes = read_mapped(source, load_mapping("mapping.yml"))
    pd.testing.assert_frame_equal(validate_survey(raw, name), expected(name, synthetic))
    assert sha256_file(source) == before and sorted(os.listdir(tmp_path)) == ["mapping.yml"]


def test_without_a_mapping_the_exports_are_refused_with_what_to_do(capsys):
    assert main(["validate", str(EXPORTS / "semicolon_decimal_comma.csv")]) == 2
    assert "separated by semicolons, not commas" in capsys.readouterr().err
    assert main(["validate", str(EXPORTS / "codes_99_with_note.csv")]) == 2
    err = capsys.readouterr().err
    # one pass: the unknown column and the cells coded 99 are named together
    assert "column 'note': [unknown_column]" in err and "column 'out_reputation', rows 1, 6, 11: [range]" in err


def test_the_draft_lists_what_it_could_not_match(tmp_path):
    frame = pd.read_csv(EXPORTS / "codes_99_with_note.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"out_reputation": "Reputazione e immagine", "cert_emas": "q17_emas_reg"})
    frame.loc[0, "district"] = "Prato"
    frame.loc[1, "district"] = "Santa Croce"
    frame.loc[2, "out_productivity"] = "NS"
    frame.to_csv(tmp_path / "s.csv", index=False)
    text = draft_mapping(tmp_path / "s.csv")
    assert "  Reputazione e immagine: out_reputation  # header = Italian label" in text
    assert "  - note  # not matched to a codebook variable" in text
    assert "  - q17_emas_reg  # not matched" in text
    assert "# codebook variables with no column in the file: cert_emas" in text
    assert "  Santa Croce: santa_croce_tanning" in text
    assert "# district: values not matched to the codebook: 'Prato'" in text
    assert "missing_codes: [NS]  # texts that mean no answer" in text  # never an answer: in every column
    mapping = load_mapping(_write(tmp_path / "m.yml", text))  # the draft itself is a valid mapping
    assert mapping.ignore == ("note", "q17_emas_reg")


def test_map_never_overwrites_unless_forced(tmp_path, monkeypatch, capsys):
    """An existing file is kept; --force replaces only a draft that `map` wrote (issue 24)."""
    monkeypatch.chdir(tmp_path)
    Path("mapping.yml").write_text("mine\n")
    assert main(["map", str(EXPORTS / "labelled_district.dta")]) == 2
    assert "mapping.yml: already exists" in capsys.readouterr().err
    assert Path("mapping.yml").read_text() == "mine\n"
    assert main(["map", str(EXPORTS / "labelled_district.dta"), "--force"]) == 2
    assert "is not a draft written by map" in capsys.readouterr().err
    assert Path("mapping.yml").read_text() == "mine\n"
    assert main(["map", str(EXPORTS / "labelled_district.dta"), "--out", "draft.yml"]) == 0
    Path("draft.yml").write_text(Path("draft.yml").read_text().replace("version: 1", "version: 1  # edited"))
    assert main(["map", str(EXPORTS / "labelled_district.dta"), "--out", "draft.yml", "--force"]) == 0
    assert "Capannori: capannori_paper" in Path("draft.yml").read_text()
    assert "# edited" not in Path("draft.yml").read_text()
    assert sorted(os.listdir(tmp_path)) == ["draft.yml", "mapping.yml"]  # written through a temporary file, renamed


# the codes_99 export's no-answer code, per column (99 is a possible firm age and export share, so a
# file-wide missing_codes: [99] is refused)
MISSING_99 = ("missing: {out_reputation: [99], wp_training_plan: [99], turnover_class: [99], firm_age: [99], "
              "export_share: [99]}\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BAD = {  # mapping text -> what its one-line message says after "<file>: "
    "rename: [a\n": "not valid YAML: line 2, column 1",
    "- a\n- b\n": "must be a YAML mapping of keys",
    "rename: {Addetti: employes}\n": "rename.Addetti: 'employes' is not a codebook variable (did you mean 'employees'?)",
    "recode: {out_reputation: {buona: 7}}\n": "recode.out_reputation.buona: 7: must be one of 1, 2, 3, 4, 5",
    "recode: {district: {Prato: prato_textile}}\n": "recode.district.Prato: 'prato_textile': must be one of",
    "recode: {export_share: {x: 120}}\n": "recode.export_share.x: 120: must be a number between 0 and 100",
    "districts: {Capannori: capannori}\n": "districts.Capannori: 'capannori' is not a district id of the codebook",
    "recodes: {}\n": "recodes: unknown key (did you mean 'recode'?)",
    "csv: {delimiter: ':'}\n": "csv.delimiter: ':': must be one of",
    "missing: {firm_id: [99]}\n": "missing.firm_id: the firm id has no missing codes",
    "missing: {firm_age: [[99]]}\n": "missing.firm_age: missing codes must be numbers or texts",
    "rename: {a: district, b: district}\n": "rename.b: 'district' is already the new name of 'a'",
    "rename: {Distretto: district}\n": "rename.Distretto: no column 'Distretto' in",
}


@pytest.mark.parametrize("text", sorted(BAD))
def test_a_mapping_problem_is_one_line_naming_file_and_key(text, tmp_path, capsys):
    path = _write(tmp_path / "m.yml", text)
    status = main(["validate", str(EXPORTS / "codes_99_with_note.csv"), "--mapping", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    first, rest = err.split("\n", 1)
    assert first.startswith(f"error: {path}: ") and BAD[text] in first, err
    assert rest == "nothing was written.\n"


def test_every_problem_of_a_mapping_is_named_at_once(tmp_path):
    path = _write(tmp_path / "m.yml", "rename: {Addetti: employes}\nrecode: {out_reputation: {buona: 7}}\n")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert [line.split(": ", 2)[1] for line in str(err.value).splitlines()] == [
        "rename.Addetti", "recode.out_reputation.buona"]


@pytest.mark.parametrize("name", ["missing.yml", "folder.yml", "mapping.txt"])
def test_the_mapping_path_is_checked_like_the_data_path(name, project, tmp_path, capsys):
    # (in a project copy: a `build` that is not a no-op first removes the completion stamp of the folder it runs in)
    (tmp_path / "folder.yml").mkdir()
    (tmp_path / "mapping.txt").write_text("version: 1\n")
    says = {"missing.yml": "file not found", "folder.yml": "is a directory, not a mapping file",
            "mapping.txt": "unsupported format .txt; supported: .yml, .yaml"}[name]
    assert main(["build", "--mapping", str(tmp_path / name)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / name}: {says}")


def test_ignored_columns_are_noted_once(tmp_path, capsys):
    path = _write(tmp_path / "m.yml", "ignore: [note]\n" + MISSING_99)
    assert main(["validate", str(EXPORTS / "codes_99_with_note.csv"), "--mapping", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("1 column ignored as") == 1 and "'note'" in out


def test_a_changed_mapping_changes_the_data_key(tmp_path, monkeypatch):
    keys = []
    monkeypatch.setattr(dataset, "read_meta", lambda: None)
    monkeypatch.setattr(dataset, "prepare_survey", lambda source, key, before_write, mapping, frame: keys.append(key) or {
        "synthetic": False, "rows": 92})
    source = EXPORTS / "codes_99_with_note.csv"
    mapping = _write(tmp_path / "m.yml", "ignore: [note]\nmissing_codes: [99]\n")
    pipeline.data_step(source, "env", mapping=None)
    pipeline.data_step(source, "env", mapping=mapping)
    pipeline.data_step(source, "env", mapping=mapping)
    _write(mapping, "ignore: [note]\nmissing: {out_reputation: [99]}\nmissing_codes: [99]\n")
    pipeline.data_step(source, "env", mapping=mapping)
    assert keys[1] == keys[2] and len({keys[0], keys[1], keys[3]}) == 3


def test_the_processed_metadata_name_the_mapping(project):
    mapping = _write(project / "m.yml", "ignore: [note]\n" + MISSING_99)
    meta = dataset.prepare_survey(EXPORTS / "codes_99_with_note.csv", processed=project / "p.parquet",
                                  mapping=mapping)
    assert meta["mapping_sha256"] == sha256_file(mapping) and meta["rows"] == 92
    assert meta["mapping_notes"] == [f"note: {EXPORTS / 'codes_99_with_note.csv'}: 1 column ignored as "
                                     f"{mapping} says: 'note'"]


def test_make_passes_the_mapping_through_the_environment(make_project):
    odd = "maps/`touch CANARY` $(touch CANARY) 'q'.yml"
    done = subprocess.run(["make", "--no-print-directory", "reports", "DATA=s.csv", f"MAPPING={odd}"],
                          cwd=make_project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    called = json.loads((make_project / "called.json").read_text())
    assert called["argv"] == ["-m", "cooperate_analysis", "build", "--from-env"]
    assert (called["env"]["COOPERATE_MAPPING"], called["env"]["MAPPING"]) == (odd, None)
    assert not (make_project / "CANARY").exists()


def test_from_env_takes_the_mapping(project, monkeypatch):
    """(In a project copy: the command writes the build's completion stamp, and in the checkout it replaced the
    one `make reports` had left, so the slow tests that copy that build built their own instead.)"""
    seen = {}
    monkeypatch.setenv("COOPERATE_MAPPING", "my map.yml")
    monkeypatch.setattr(pipeline, "build", lambda **kw: seen.update(kw) or 0)
    assert main(["build", "--from-env"]) == 0
    assert seen["mapping"] == Path("my map.yml")


@pytest.mark.slow
def test_an_export_with_its_drafted_mapping_builds_complete_reports(project, capsys):
    """From a real-looking export to reports: map, build with the mapping (a district report, the
    comparison across districts and the channels report, in both languages); the other exports validate
    to the same survey. The export is a version-1 survey (issue 16): it builds, the reports name the
    codebook version it follows, and the channels report says which sections its data cannot support."""
    import yaml

    source = EXPORTS / "italian_names_labels.sav"
    assert main(["map", str(source), "--out", "mapping.yml"]) == 0
    Path("two.yml").write_text(yaml.safe_dump({"languages": ["en", "it"], "runs": [
        {"name": "district", "notebook": "notebooks/district.ipynb", "parameters": {"district": "capannori_paper"}},
        {"name": "cross", "notebook": "notebooks/cross_district.ipynb"},
        {"name": "channels", "notebook": "notebooks/channels.ipynb", "min_districts": 1}]}))
    assert pipeline.build(data=source, mapping=Path("mapping.yml"), jobs=2, config=Path("two.yml")) == 0
    for name in ("district", "district-it", "cross", "cross-it", "channels", "channels-it"):
        assert Path(f"reports/{name}.html").is_file()
        assert json.loads(Path(f"reports/results/{name}.json").read_text())["values"]["n_firms"] > 0
    assert "validated 92 firms" in capsys.readouterr().out
    meta = json.loads(Path("data/processed/survey.json").read_text())
    assert meta["survey_version"] == "1" and "channels" in meta["absent_blocks"]
    for name, version in (("district", "follows version 1 of the codebook"), ("cross", "follows version 1 of the codebook"),
                          ("district-it", "segue la versione 1 del dizionario"), ("cross-it", "segue la versione 1 del dizionario")):
        assert version in " ".join(Path(f"reports/{name}.html").read_text().split()), name
    english = " ".join(Path("reports/channels.html").read_text().split())
    italian = " ".join(Path("reports/channels-it.html").read_text().split())
    assert english.count("so its data cannot support") >= 4 and italian.count("perciò i") >= 4
    values = json.loads(Path("reports/results/channels.json").read_text())["values"]
    assert any(isinstance(v, str) and v.startswith("not supported") for v in values.values())


def test_version_2_coded_answers_are_matched_by_their_answer_scale_labels():
    """Italian or English answer words of the version-2 scales map to their codes (issue 16)."""
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.data.mapping import label_index

    cb = load_codebook()
    assert label_index(cb["ch_informal_exchange"], cb)["spesso"] == 4
    assert label_index(cb["cst_iso9001"], cb)["in programma"] == 2
    assert label_index(cb["sh_banks"], cb)["molto importante"] == 5
    assert label_index(cb["aw_csr_concept"], cb)["mai sentito nominare"] == 1
    assert label_index(cb["out_reputation"], cb)["migliorata"] == 4  # the version-1 scale is unchanged
    assert "migliorata" not in label_index(cb["sh_banks"], cb)


def test_the_draft_names_absent_version_2_columns_as_optional_blocks():
    text = draft_mapping(EXPORTS / "codes_99_with_note.csv")
    assert "# codebook variables with no column in the file" not in text  # every version-1 column is there
    line = next(x for x in text.splitlines() if x.startswith("# optional (codebook version 2)"))
    assert "block channels" in line and "block barriers" in line and "ch_net_emas" not in line


def _vectorised_keys(col: pd.Series) -> pd.Series:
    """The reference: the cell keys computed by pandas' string methods over every cell (the definition
    `mapping.keys` had before it keyed each distinct cell once in Python)."""
    import numpy as np

    text = col.astype("string").fillna("")
    folded = (text.str.normalize("NFKD").str.replace("[\u2018\u2019]", "'", regex=True)
              .str.replace(r"[\u0300-\u036f]", "", regex=True).str.casefold()
              .str.replace(r"\s+", " ", regex=True).str.strip())
    numbers = pd.to_numeric(folded.where(folded.str.fullmatch(r"[-+]?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?")),
                            errors="coerce").astype("float64")
    whole = numbers.notna() & np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() < 1e15)
    if whole.any():
        folded = folded.mask(whole, numbers[whole].astype("int64").astype("string"))
    return folded.fillna("")


def test_cell_keys_equal_the_vectorised_definition_on_awkward_cells():
    import numpy as np

    from cooperate_analysis.data.mapping import keys

    awkward = ["3", "3.0", " 3 ", "+3", "-0", "-0.0", "00012", ".5", "1e3", "1E3", "2.5e-1", "1e400", "-1e400",
               "999999999999999", "1000000000000000", "12345678901234567890", "1,5", "1.", "inf", "nan", "NaN",
               "0x10", "1_000", "", "  ", "\t\n", "Molto  Importante", "MOLTO importante ", "perché", "Perche\u0301",
               "l\u2019impresa", "\u2018sì\u2019", "İstanbul", "Straße", "ﬁne", "①", "٣", "３", "no answer", "N.D.",
               "n.d.", "\u00a0capannori\u00a0", "Empolese\u2003Valdelsa", "Ä", "-", "+", "e5", "5e", "--5"]
    rng = np.random.default_rng(3)
    columns = [pd.Series(awkward), pd.Series(awkward + [None, pd.NA, np.nan], dtype=object),
               pd.Series([1, 2.0, 3.5, np.nan, -0.0, 1e15, 1e14, 123456.0]),
               pd.Series([1, 2, 3, 4], index=[10, 5, 7, 1]), pd.Series([True, False, None], dtype=object),
               pd.Series(rng.choice(awkward, 500)), pd.Series(rng.integers(-5, 10_000, 300)),
               pd.Series(np.round(rng.normal(0, 1e6, 200) * 10 ** -rng.integers(0, 4, 200).astype(float)) / 10.0),
               pd.Series([], dtype=object)]
    for col in columns:
        pd.testing.assert_series_equal(keys(col), _vectorised_keys(col))
