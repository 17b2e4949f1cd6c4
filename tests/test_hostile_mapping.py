"""The mapping step and the build's filesystem corners, tried as a careless or hostile user would
(issue 24). Every case is generated here in a temporary folder, run through the command line with
a deadline, and must end with a clear answer: no traceback, no hang, no silent misread, no write
outside the test's folder, no unquoted file name. Classes: yaml (the loader), meaning (missing
codes, district merges, heaping), writes (what `map` may write), routes (common exports),
facts (published district facts), xlsx (bounded spreadsheets), folders (the build's folders)."""
from __future__ import annotations

import csv
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cooperate_analysis.data import dataset
from cooperate_analysis.data import io as survey_io
from cooperate_analysis.data.io import read_survey, sha256_file
from cooperate_analysis.data.mapping import load_mapping, means_no_answer, read_mapped
from cooperate_analysis.data.validate import validate_survey
from cooperate_analysis.runner.cli import main

from .conftest import deadline, make_survey

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = Path(__file__).resolve().parent / "real_exports"
CODES_99 = EXPORTS / "codes_99_with_note.csv"
sys.path.insert(0, str(EXPORTS))
import make_exports  # noqa: E402

MISSING_99 = {"out_reputation": [99], "wp_training_plan": [99], "turnover_class": [99], "firm_age": [99],
              "export_share": [99]}
VALID_99 = {"ignore": ["note"], "missing": MISSING_99}  # a mapping that makes CODES_99 valid


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with deadline():
        status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- 1. yaml
def _laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nmissing_codes: *a{levels - 1}\n"


LONG = "x" * 100_000
YAML_CASES = {  # id -> (mapping text or bytes, what the one-line error says)
    "billion_laughs_in_missing_codes": (_laughs(), "aliases (*name) are not allowed"),
    "billion_laughs_as_recode_target": (_laughs().replace("missing_codes: *a8", "recode: {out_reputation: {x: *a8}}"),
                                        "aliases (*name) are not allowed"),
    "one_alias": ("rename: &r {Addetti: employees}\nmissing: *r\n", "aliases (*name) are not allowed"),
    "flow_nested_20000_deep": ("missing_codes: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested more than 8 levels"),
    "block_nested_50_deep": ("".join("  " * i + f"k{i}:\n" for i in range(50)) + "  " * 50 + "v\n",
                             "nested more than 8 levels"),
    "repeated_top_key": ("missing:\n  firm_age: [99]\nmissing:\n  export_share: [99]\n", "the key 'missing' is repeated"),
    "repeated_recode_key": ("recode:\n  out_reputation: {buona: 4, buona: 5}\n", "the key 'buona' is repeated"),
    "list_as_rename_target": ("rename: {note: [a, b]}\n", "rename.note: a list is not a codebook variable"),
    "dict_as_rename_target": ("rename: {note: {a: b}}\n", "rename.note: a mapping (key: value lines) is not a codebook"),
    "list_as_district_target": ("districts: {Capannori: [capannori_paper]}\n",
                                "districts.Capannori: a list is not a district id"),
    "dict_as_district_target": ("districts: {Capannori: {a: b}}\n", "districts.Capannori: a mapping (key: value lines) is"),
    "list_as_recode_target": ("recode: {out_reputation: {buona: [4]}}\n", "must be a single value, not a list"),
    "recode_of_a_list": ("recode: {out_reputation: [4]}\n", "recode.out_reputation: must be a mapping"),
    "ignore_as_mapping": ("ignore: {note: 1}\n", "ignore: must be a list of column names, not a mapping"),
    "missing_as_list": ("missing: [99]\n", "missing: must be a mapping (codebook variable: [codes]), not a list"),
    "missing_codes_as_mapping": ("missing_codes: {a: 1}\n", "missing_codes: must be a list of codes"),
    "nested_list_code": ("missing: {firm_age: [[99]]}\n", "missing codes must be numbers or texts; found a list"),
    "complex_key": ("rename:\n  ? [a, b]\n  : employees\n", "a key must be a single text or number"),
    "null_target": ("rename: {note: }\n", "rename.note: None is not a codebook variable"),
    "python_tag": ("rename: !!python/object/apply:os.system ['touch CANARY']\n", "not valid YAML"),
    "bad_int_tag": ("version: !!int x\n", "not valid YAML"),
    "bool_version": ("version: true\n", "version: True: only version 1 exists"),
    "yes_is_text_not_true": ("value_labels: yes\n", "value_labels: 'yes': must be true or false"),
    "csv_delimiter_list": ("csv: {delimiter: [';']}\n", "csv.delimiter: a list: must be one of"),
    "long_district_target": (f"districts: {{Capannori: {LONG}}}\n", "(100,000 characters)"),
    "long_unknown_key": (f"? {LONG}\n: 1\n", "unknown key"),
    "control_characters_in_key": ('rename: {"a\\nb\\u2028c": employees}\n', "rename.a\\nb\\u2028c: no column"),
    "not_utf8": ("rename: {Età: firm_age}\n".encode("latin-1"), "not UTF-8 text"),
    "too_large": ("# " + "x" * (1 << 20) + "\n", "bytes, more than a mapping file may have"),
    "many_problems": ("rename:\n" + "".join(f"  c{i}: nope{i}\n" for i in range(300)), "and 280 more problems"),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_yaml_case_is_a_bounded_one_line_error(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text, says = YAML_CASES[case]
    path = write(tmp_path / "m.yml", text)
    before = files(tmp_path)
    status, out, err = run(["validate", CODES_99, "--mapping", path], capsys)
    assert status == 2 and says in err, err[:2000]
    lines = err.splitlines()
    assert lines[0].startswith(f"error: {path}: ") and lines[-1] == "nothing was written."
    assert len(lines) <= 23 and max(map(len, lines)) <= 600  # bounded, whatever the file holds
    assert files(tmp_path) == before and not (tmp_path / "CANARY").exists()


def test_yaml_1_2_scalars_no_is_text_and_010_is_ten(tmp_path):
    path = write(tmp_path / "m.yml", "recode: {cert_emas: {no: 0, si: 1}, firm_age: {010: 10}}\nmissing: {firm_age: [1:30]}\n")
    mapping = load_mapping(path)
    assert mapping.recode["cert_emas"] == {"no": 0, "si": 1} and mapping.recode["firm_age"] == {"10": 10}
    assert mapping.missing["firm_age"] == ("1:30",)


# --------------------------------------------------------------------------- 2. meaning
MEANING_CASES = {  # id -> (mapping, what the error says)
    "zero_for_every_column": ({**VALID_99, "missing_codes": [0]}, "missing_codes: 0 is a possible answer of"),
    "99_for_every_column": ({"ignore": ["note"], "missing_codes": [99]}, "99 is a possible answer of employees"),
    "9_for_every_column": ({**VALID_99, "missing_codes": [9]}, "9 is a possible answer of employees"),
    "district_onto_another": ({**VALID_99, "districts": {"capannori_paper": "santa_croce_tanning"}},
                              "districts.capannori_paper: 'capannori_paper' names the district capannori_paper"),
    "italian_label_onto_another": ({**VALID_99, "districts": {"Distretto conciario di Santa Croce sull'Arno":
                                                             "capannori_paper"}}, "names the district santa_croce"),
    "two_aliases_one_district": ({**VALID_99, "districts": {"Capannori": "capannori_paper", "Lucca": "capannori_paper"}},
                                 "would both become capannori_paper"),
    "alias_given_two_districts": ({**VALID_99, "districts": {"Capannori": "capannori_paper"},
                                   "recode": {"district": {"capannori": "santa_croce_tanning"}}}, "keep one"),
}


@pytest.mark.parametrize("case", sorted(MEANING_CASES))
def test_a_mapping_that_would_misread_the_file_is_refused(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mapping, says = MEANING_CASES[case]
    path = write(tmp_path / "m.yml", yaml.safe_dump(mapping))
    status, out, err = run(["validate", CODES_99, "--mapping", path], capsys)
    assert status == 2 and says in err, err


def test_a_zero_listed_for_one_column_is_explicit_and_accepted(tmp_path, capsys):
    path = write(tmp_path / "m.yml", yaml.safe_dump({**VALID_99, "missing": {**MISSING_99, "cert_emas": [0]}}))
    raw, _ = read_mapped(CODES_99, load_mapping(path))
    typed = validate_survey(raw, "x")
    original = read_survey(CODES_99)["cert_emas"]
    assert typed["cert_emas"].isna().sum() == (original.isin(["0", ""])).sum()


def _sav(path: Path, labels: dict[float, str], codes: list[float]) -> Path:
    import pyreadstat

    frame = make_survey(n=len(codes), seed=3)
    frame["district"] = [float(c) for c in codes]
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"district": labels})
    return path


@pytest.mark.parametrize("labels, says", [
    ({1.0: "Capannori", 2.0: "Capannori", 3.0: "Santa Croce"}, "codes 1, 2 carry the same label 'capannori'"),
    ({1.0: "Capannori", 2.0: "Distretto cartario di Capannori (Lucca)", 3.0: "Santa Croce"},
     "codes 1, 2 (labels 'Capannori', 'Distretto cartario di Capannori (Lucca)') all become capannori_paper"),
], ids=["same_label", "two_labels_one_district"])
def test_value_labels_that_merge_districts_are_refused(labels, says, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    source = _sav(tmp_path / "s.sav", labels, [1.0, 2.0, 3.0] * 4)
    path = write(tmp_path / "m.yml", "districts: {Capannori: capannori_paper, Santa Croce: santa_croce_tanning}\n")
    status, out, err = run(["validate", source, "--mapping", path], capsys)
    assert status == 2 and says in err, err
    status, out, err = run(["map", source, "--out", "d.yml"], capsys)  # the draft reads codes instead
    assert status == 0 and "value_labels: false" in Path("d.yml").read_text()


def _heaped(tmp_path: Path, column: str, value: int, firms: int, n: int = 40) -> Path:
    frame = make_survey(n=n, seed=5)
    frame.loc[: firms - 1, column] = value
    frame["wf_home_workers"] = 0
    return write(tmp_path / "h.csv", frame.to_csv(index=False))


@pytest.mark.parametrize("column, value, firms, warned", [
    ("export_share", 99, 12, True), ("firm_age", 99, 8, True), ("employees", 999, 6, True),
    ("employees", 9, 7, True), ("employees", 9999, 5, True), ("firm_age", 99, 2, False),
    ("export_share", 50, 12, False),
], ids=["export_share_99", "firm_age_99", "employees_999", "employees_9", "employees_9999", "two_firms", "not_a_code"])
def test_a_value_heaped_at_a_missing_code_is_named_in_a_warning(column, value, firms, warned, tmp_path, monkeypatch,
                                                               capsys):
    monkeypatch.chdir(tmp_path)
    source = _heaped(tmp_path, column, value, firms)
    status, out, err = run(["validate", source], capsys)
    assert status == 0, err
    line = f"warning: {source}: column '{column}': {firms} firms have the value {value}, a typical code for no answer"
    assert (line in out) is warned, out
    if warned:
        assert f"missing: {{{column}: [{value}]}}" in out and "python -m cooperate_analysis map" in out
        status, out, err = run(["map", source, "--out", "d.yml"], capsys)  # the draft proposes it, commented
        assert f"  # {column}: [{value}]  # a possible value of {column}, but {firms} firms have {value}" in (
            Path("d.yml").read_text())


def test_a_heaped_code_the_mapping_reads_as_missing_is_not_warned(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    source = _heaped(tmp_path, "export_share", 99, 12)
    path = write(tmp_path / "m.yml", "missing: {export_share: [99]}\n")
    status, out, err = run(["validate", source, "--mapping", path], capsys)
    assert status == 0 and "warning" not in out
    path = write(tmp_path / "n.yml", "ignore: []\n")
    status, out, err = run(["validate", source, "--mapping", path], capsys)
    assert status == 0 and f"list it in the mapping file {path} as missing: {{export_share: [99]}}" in out


# --------------------------------------------------------------------------- 3. writes
def _odd_out(tmp_path: Path, kind: str) -> str:
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "afile.csv").write_text("x\n")
    (tmp_path / "folder.yml").mkdir()
    (tmp_path / "mine.yml").write_text("rename: {a: employees}\n")
    (tmp_path / "ro").mkdir()
    os.symlink(tmp_path / "mine.yml", tmp_path / "link.yml")
    return {"data_raw_csv": "data/raw/survey_synthetic.csv", "data_raw_yml": "data/raw/mapping.yml",
            "data_raw_dotdot": "ro/../data/raw/m.yml", "input_itself": str(CODES_99), "txt_suffix": "mapping.txt",
            "directory": "folder.yml", "under_a_file": "afile.csv/m.yml", "missing_folder": "nowhere/m.yml",
            "read_only_folder": "ro/m.yml", "not_a_draft_forced": "mine.yml", "symlink": "link.yml"}[kind]


WRITES = {"data_raw_csv": "--out must name a .yml or .yaml file", "data_raw_yml": "is under data/raw/",
          "data_raw_dotdot": "is under data/raw/", "input_itself": "--out must name a .yml or .yaml file",
          "txt_suffix": "--out must name a .yml or .yaml file", "directory": "is a directory",
          "under_a_file": "is not a folder", "missing_folder": "does not exist",
          "read_only_folder": "is not writable", "not_a_draft_forced": "is not a draft written by map",
          "symlink": "is a symbolic link"}


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_map_writes_only_new_files_it_owns(kind, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = _odd_out(tmp_path, kind)
    if kind == "read_only_folder":  # root may write anywhere: have the check see what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p).name != "ro" and real(p, mode, **kw))
    before = {p: sha256_file(tmp_path / p) for p in files(tmp_path) if (tmp_path / p).is_file()}
    source_sha = sha256_file(CODES_99)
    status, printed, err = run(["map", CODES_99, "--out", out, "--force"], capsys)
    assert status == 2 and WRITES[kind] in err and len(err.splitlines()) == 2, err
    assert {p: sha256_file(tmp_path / p) for p in files(tmp_path) if (tmp_path / p).is_file()} == before
    assert sha256_file(CODES_99) == source_sha


ODD_NAMES = {"newline": "a\nvalue_labels: false\nb.csv", "command": "$(touch CANARY) `touch CANARY`; x.csv",
             "quotes": "it's \"quoted\" \\ back.csv", "line_separator": "a\u2028b\u0085c.csv",
             "leading_dash": "-x.csv", "bom_and_tab": "\ufeffa\tb.csv"}


@pytest.mark.parametrize("kind", sorted(ODD_NAMES))
def test_file_names_are_escaped_in_the_draft_and_quoted_in_the_command(kind, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    name = ODD_NAMES[kind]
    write(tmp_path / name, make_survey(n=6, seed=2).to_csv(index=False))
    status, printed, err = run(["map", f"./{name}" if name.startswith("-") else name, "--out", "m.yml"], capsys)
    assert status == 0, err
    text = Path("m.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == yaml.safe_load(text.split("\n", 5)[-1])  # the comment lines hold no YAML
    assert all(not line.strip() or line.startswith("#") for line in text.split("\nversion: 1")[0].splitlines())
    assert load_mapping("m.yml").value_labels is True
    command = printed.splitlines()[-1].removeprefix("check and edit it, then: ")
    done = subprocess.run(["bash", "-c", f"printf '%s\\0' {command.removeprefix('python -m cooperate_analysis ')}"],
                          capture_output=True, timeout=10, cwd=tmp_path)
    shown_name = f"./{name}" if name.startswith("-") else name  # never read as an option
    assert done.stdout.decode("utf-8").split("\0")[:4] == ["validate", shown_name, "--mapping", "m.yml"]
    assert not (tmp_path / "CANARY").exists()


def test_column_names_with_line_breaks_stay_keys_of_the_draft(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    frame = make_survey(n=6, seed=2).rename(columns={"employees": "Addetti\nvalue_labels: false",
                                                     "firm_age": "Età\u2028(anni)"})
    frame.insert(3, "note: x\n- y", "")
    frame.to_csv("s.csv", index=False)
    assert run(["map", "s.csv", "--out", "m.yml"], capsys)[0] == 0
    mapping = load_mapping("m.yml")  # the odd names are keys of the draft, nothing else
    assert mapping.value_labels is True and mapping.ignore == ("Addetti\nvalue_labels: false", "note: x\n- y")
    assert mapping.rename == {"Età\u2028(anni)": "firm_age"}


# --------------------------------------------------------------------------- 4. routes
def _comma_decimal(tmp_path: Path, quoting: int) -> Path:
    frame = make_survey(n=8, seed=4)
    frame.loc[0, "export_share"] = 12.5
    return write(tmp_path / "c.csv", frame.to_csv(index=False, decimal=",", quoting=quoting))


def test_quoted_decimal_comma_in_a_comma_file_is_drafted_and_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    source = _comma_decimal(tmp_path, csv.QUOTE_ALL)
    assert run(["map", source, "--out", "m.yml"], capsys)[0] == 0
    assert 'csv: {decimal: ","}' in Path("m.yml").read_text()
    raw, _ = read_mapped(source, load_mapping("m.yml"))
    assert validate_survey(raw, "c")["export_share"][0] == 12.5


def test_an_unquoted_decimal_comma_in_a_comma_file_is_an_error_not_a_guess(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    source = _comma_decimal(tmp_path, csv.QUOTE_MINIMAL)  # '12,5' must be quoted here: pandas quotes it
    text = source.read_text().replace('"12,5"', "12,5")
    write(source, text)
    write(tmp_path / "m.yml", 'csv: {decimal: ","}\n')
    status, out, err = run(["validate", source, "--mapping", "m.yml"], capsys)
    assert status == 2 and "[field_count]" in err


def test_a_quoted_thousands_comma_with_decimal_comma_is_never_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    frame = make_survey(n=6, seed=4).astype(str)
    frame.loc[1, "employees"] = "1,000"
    write(tmp_path / "c.csv", frame.to_csv(index=False, quoting=csv.QUOTE_ALL))
    write(tmp_path / "m.yml", 'csv: {decimal: ","}\n')
    status, out, err = run(["validate", "c.csv", "--mapping", "m.yml"], capsys)
    assert status == 2 and "column 'employees', row 2: [thousands_separator]" in err


@pytest.mark.parametrize("text, means", [
    ("non sa", True), ("Non sa/non risponde", True), ("NS/NR", True), ("don't know", True), ("Refused", True),
    ("n/a", True), ("Don\u2019t know / refused", True), ("non so o non risponde", True), ("nessuna", False),
    ("Santa Croce", False), ("no", False), ("sa", False)])
def test_texts_that_mean_no_answer(text, means):
    assert means_no_answer(text) is means


def test_labelled_no_answer_of_a_sav_is_drafted_as_missing(tmp_path, monkeypatch, capsys):
    import pyreadstat

    monkeypatch.chdir(tmp_path)
    frame = make_survey(n=10, seed=6)
    frame["out_reputation"] = frame["out_reputation"].astype("float64")
    frame.loc[[1, 4], "out_reputation"] = 8.0
    frame.loc[2, "out_reputation"] = 7.0
    pyreadstat.write_sav(frame, "s.sav", variable_value_labels={
        "out_reputation": {8.0: "Don't know", 7.0: "Refused", 1.0: "much worse", 5.0: "much better"}})
    assert run(["map", "s.sav", "--out", "m.yml"], capsys)[0] == 0
    assert load_mapping("m.yml").missing_codes == ("don't know", "refused")
    status, out, err = run(["validate", "s.sav", "--mapping", "m.yml"], capsys)
    assert status == 0, err
    raw, _ = read_mapped("s.sav", load_mapping("m.yml"))
    assert validate_survey(raw, "s")["out_reputation"].isna().tolist() == [i in (1, 2, 4) for i in range(10)]


@pytest.mark.parametrize("header, variable", [
    ("addetti", "employees"), ("quota_export", "export_share"), ("classe_fatturato", "turnover_class"),
    ("eta_impresa", "firm_age"), ("N. addetti", "employees"), ("Quota export %", "export_share"),
    ("id_impresa", "firm_id")])
def test_italian_column_names_are_matched_by_the_words_of_the_labels(header, variable, tmp_path):
    from cooperate_analysis.data.mapping import draft_mapping

    frame = make_survey(n=6, seed=2).rename(columns={variable: header})
    frame.to_csv(tmp_path / "s.csv", index=False)
    assert load_mapping(write(tmp_path / "m.yml", draft_mapping(tmp_path / "s.csv"))).rename == {header: variable}


@pytest.mark.parametrize("edit, says", [
    ({"rename": {"employees": "addetti"}}, "column 'addetti': [unknown_column] not in the codebook"),
    ({"value": ("out_reputation", "99")}, "column 'out_reputation', row 1: [range]"),
    ({"value": ("district", "1.0")}, "column 'district', row 1: [allowed_values]"),
    ({"value": ("employees", "n.d.")}, "column 'employees', row 1: [type]")], ids=["column", "99", "1.0", "text"])
def test_every_error_a_mapping_can_fix_names_the_map_command(edit, says, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    frame = make_survey(n=6, seed=2).astype(str).rename(columns=edit.get("rename", {}))
    if "value" in edit:
        frame.loc[0, edit["value"][0]] = edit["value"][1]
    name = "my survey's file.csv"
    frame.to_csv(name, index=False)
    status, out, err = run(["validate", name], capsys)
    assert status == 2 and f"{says}" in err and f"{says}" in err
    line = next(x for x in err.splitlines() if says in x)
    assert line.endswith("(map)")
    assert f"python -m cooperate_analysis map {shlex.quote(name)} --out mapping.yml" in err.splitlines()[0]
    write(tmp_path / "m.yml", "version: 1\n")
    status, out, err = run(["validate", name, "--mapping", "m.yml"], capsys)
    assert status == 2 and "can be fixed in the mapping file m.yml" in err


@pytest.mark.parametrize("name", ["comma_decimal_comma.csv", "labelled_missing.dta", "italian_columns.csv"])
def test_the_data_step_with_the_drafted_mapping_gives_the_original_values(name, tmp_path, monkeypatch, capsys):
    """map -> (no edit needed) -> validate OK -> the processed survey equals the survey the export
    was made from (the answers labelled no answer missing)."""
    monkeypatch.chdir(tmp_path)
    source = EXPORTS / name
    assert run(["map", source, "--out", "m.yml"], capsys)[0] == 0
    assert run(["validate", source, "--mapping", "m.yml"], capsys)[0] == 0
    meta = dataset.prepare_survey(source, processed=tmp_path / "p.parquet", mapping=Path("m.yml"))
    want = make_exports.base()
    for column, rows in (make_exports.LABELLED_MISSING if name.endswith(".dta") else {}).items():
        want.loc[rows, column] = pd.NA
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "p.parquet"), want)
    assert meta["rows"] == 92 and meta["warnings"] == []


# --------------------------------------------------------------------------- 5. facts
FACTS = {  # id -> (file, function that edits its text, what the error says)
    "published_inf": ("published_figures.csv", lambda t: _cell(t, 1, "value", "inf"), "column 'value', row 1"),
    "published_nan": ("published_figures.csv", lambda t: _cell(t, 2, "value", "nan"), "must be a number (finite"),
    "published_empty": ("published_figures.csv", lambda t: _cell(t, 3, "value", ""), "column 'value', row 3"),
    "published_1e999": ("published_figures.csv", lambda t: _cell(t, 1, "value", "1e999"), "must be a number (finite"),
    "published_n_text": ("published_figures.csv", lambda t: _cell(t, 1, "n", "many"), "cannot be read as CSV"),
    "published_binary": ("published_figures.csv", lambda t: "\x00\xff garbage", "published_figures.csv"),
    "milestone_kind": ("district_milestones.csv", lambda t: _cell(t, 1, "kind", "party"), "column 'kind', row 1"),
    "actor_district": ("district_actors.csv", lambda t: _cell(t, 2, "district", "prato"), "column 'district', row 2"),
}


def _cell(text: str, row: int, column: str, value: str) -> str:
    frame = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    return frame.to_csv(index=False)


@pytest.mark.parametrize("case", sorted(FACTS))
def test_a_bad_facts_file_is_refused_by_its_loader(case, tmp_path):
    name, edit, says = FACTS[case]
    raw = ROOT / "data" / "raw"
    (tmp_path / "README.md").write_text((raw / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    path = write(tmp_path / name, edit((raw / name).read_text(encoding="utf-8")))
    paths = {"published": raw / "published_figures.csv", "milestones": raw / "district_milestones.csv",
             "actors": raw / "district_actors.csv"}
    key = {"published_figures.csv": "published", "district_milestones.csv": "milestones",
           "district_actors.csv": "actors"}[name]
    with pytest.raises(dataset.FactsError) as err:
        dataset.check_facts(**{**paths, key: path})
    assert says in str(err.value) and str(path) in str(err.value) and len(str(err.value).splitlines()) <= 3


def test_a_bad_facts_file_stops_the_build_before_any_run_and_keeps_the_reports(project, capsys):
    import hashlib

    Path("reports").mkdir()
    Path("reports/district.html").write_text("an earlier good report")
    path = Path("data/raw/published_figures.csv")
    path.write_text(_cell(path.read_text(encoding="utf-8"), 1, "value", "inf"), encoding="utf-8")
    sums = Path("data/raw/SHA256SUMS")  # a deliberate change, recorded: the manifest check passes
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    sums.write_text("".join(f"{sha}  {line.split('  ', 1)[1]}\n" if line.endswith("published_figures.csv") else
                            line + "\n" for line in sums.read_text().splitlines()))
    status, out, err = run(["build"], capsys)
    assert status == 2 and "published_figures.csv: column 'value', row 1: must be a number (finite" in err, err
    assert Path("reports/district.html").read_text() == "an earlier good report"
    assert sorted(os.listdir("reports")) == ["district.html"] and not Path("data/processed").exists()


# --------------------------------------------------------------------------- 6. xlsx
def _xlsx(path: Path, patch: dict[str, bytes] | None = None) -> Path:
    frame = make_survey(n=5, seed=1)
    tmp = path.with_suffix(".tmp.xlsx")
    frame.to_excel(tmp, index=False)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (patch or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for name, body in (patch or {}).items():
            if name not in src.namelist():
                dst.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.unlink()
    return path


def _bomb_sheet(size: int) -> bytes:
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
    return head + b" " * size + b"</t></is></c></row></sheetData></worksheet>"


XLSX = {  # id -> (parts to replace, limits to lower, what the error says)
    "zip_bomb_sheet": ({"xl/worksheets/sheet1.xml": _bomb_sheet(40 << 20)}, {}, "a zip bomb?"),
    "huge_shared_strings": ({"xl/sharedStrings.xml": b"<sst>" + b" " * (3 << 20) + b"</sst>"},
                            {"MAX_MEMBER_BYTES": 2 << 20}, "part 'xl/sharedStrings.xml' of the workbook expands"),
    "huge_styles": ({"xl/styles.xml": b"<styleSheet>" + b" " * (3 << 20) + b"</styleSheet>"},
                    {"MAX_MEMBER_BYTES": 2 << 20}, "part 'xl/styles.xml'"),
    "whole_workbook": ({"xl/media/a.bin": b"\0" * (3 << 20), "xl/media/b.bin": b"\0" * (3 << 20)},
                       {"MAX_WORKBOOK_BYTES": 5 << 20}, "the workbook expands to"),
    "declared_rows": ({}, {"MAX_SHEET_ROWS": 3}, "sheet 'Sheet1' declares 6 rows"),
}


@pytest.mark.parametrize("case", sorted(XLSX))
def test_a_workbook_is_bounded_before_openpyxl_opens_it(case, tmp_path, monkeypatch, capsys):
    import openpyxl

    parts, limits, says = XLSX[case]
    path = _xlsx(tmp_path / "w.xlsx", parts)
    assert path.stat().st_size < 1 << 20  # small on disk
    for name, value in limits.items():
        monkeypatch.setattr(survey_io, name, value)

    def refused(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook that the archive's sizes should have refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refused)
    status, out, err = run(["validate", path], capsys)
    assert status == 2 and says in err and len(err.splitlines()) == 2, err


# --------------------------------------------------------------------------- 7. folders
FOLDERS = {
    "reports_is_a_file": (lambda: Path("reports").write_text("x"), "reports exists but is not a folder"),
    "processed_is_a_file": (lambda: (Path("data/processed").write_text("x")), "data/processed exists but is not"),
    "reports_read_only": (lambda: Path("reports").mkdir(), "the folder reports/ is not writable"),
    "project_read_only": (lambda: None, "(where the build creates reports/) is not writable"),
}


@pytest.mark.parametrize("case", sorted(FOLDERS))
def test_a_build_folder_that_cannot_be_written_is_a_one_line_error(case, project, monkeypatch, capsys):
    make, says = FOLDERS[case]
    make()
    if case.endswith("read_only"):  # root writes anywhere: have the check see what a user would
        real = os.access
        target = (project / "reports") if case == "reports_read_only" else project
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p).absolute() != target and real(p, mode, **kw))
    before = files(project)
    status, out, err = run(["build"], capsys)
    assert status == 2 and says in err and len(err.splitlines()) == 2, err
    assert files(project) == before


def test_an_os_error_during_the_build_is_one_line(project, monkeypatch, capsys):
    from cooperate_analysis.runner import pipeline

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "reports/index.html")

    monkeypatch.setattr(pipeline, "_build", denied)
    status, out, err = run(["build"], capsys)
    assert status == 2 and err == ("error: reports/index.html: Permission denied; check that the folder exists and "
                                   "can be written\n")
