"""Every supported survey format loads to the same validated table; unreadable files fail clearly."""
import io
import os
import re
import signal
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from cooperate_analysis.data import io as survey_io
from cooperate_analysis.data.io import (
    SurveyFileError,
    _scan_sheet,
    _wide_encoding,
    atomic_path,
    check_survey_path,
    read_survey,
    sha256_file,
)
from cooperate_analysis.data.validate import SurveyValidationError, validate_survey

from .conftest import make_survey


def write(df: pd.DataFrame, path):
    suffix = path.suffix
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".xlsx":
        df.to_excel(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".dta":
        df.to_stata(path, write_index=False, version=118)
    elif suffix == ".sav":
        pyreadstat.write_sav(df, str(path))
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".dta", ".sav"])
def test_every_format_gives_the_same_typed_survey(survey, tmp_path, suffix):
    survey = survey.copy()
    survey.loc[2, "out_reputation"] = 9  # documented missing code, in every format
    reference = validate_survey(survey.astype(str), "reference.csv")
    path = write(survey, tmp_path / f"survey{suffix}")
    before = sha256_file(path)
    typed = validate_survey(read_survey(path), str(path))
    pd.testing.assert_frame_equal(typed, reference)
    assert pd.isna(typed.loc[2, "out_reputation"])
    assert sha256_file(path) == before  # raw files are only read


def test_csv_with_byte_order_mark_loads(survey, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + survey.to_csv(index=False).encode())
    assert list(read_survey(path).columns)[0] == "firm_id"


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "file is empty"),
    ("latin1.csv", "firm_id,città\nA,Capannori\n".encode("latin-1"), "not valid UTF-8"),
    ("survey.txt", b"a,b\n1,2\n", "unsupported format .txt"),
    ("broken.xlsx", b"this is not a zip archive", "cannot be read as xlsx"),
    ("broken.parquet", b"PAR1 not really", "cannot be read as parquet"),
])
def test_unreadable_files_name_the_file_and_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurveyFileError) as err:
        read_survey(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(SurveyFileError, match="file not found"):
        read_survey(tmp_path / "nope.csv")


def test_atomic_path_leaves_nothing_when_the_write_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --------------------------------------------------------------------------- the path, before any read
def test_check_survey_path_accepts_a_file_and_a_link_to_it(tmp_path):
    target = tmp_path / "s.csv"
    target.write_text("firm_id\nA\n")
    (tmp_path / "link.csv").symlink_to(target)
    assert check_survey_path(str(target)) == target
    assert check_survey_path(tmp_path / "link.csv") == tmp_path / "link.csv"


def test_read_survey_checks_the_path_before_opening_it(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes

    def expired(signum, frame):
        raise TimeoutError("read_survey opened the FIFO")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    try:
        with pytest.raises(SurveyFileError, match="is a named pipe"):
            read_survey(fifo)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- CSV rows
def test_a_ragged_row_deep_in_a_large_file_is_named_by_data_row():
    survey = make_survey(n=100_000).astype(str)
    survey.loc[9, "employees"] = "12\n"  # a quoted line break: one row, two lines
    lines = survey.to_csv(index=False, lineterminator="\n").splitlines(keepends=True)
    lines[99_990 + 1] = lines[99_990 + 1].rsplit(",", 1)[0] + "\n"  # +1: the quoted break added a line
    lines[50_000] = lines[50_000].rstrip("\n") + ",x\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        path.write_text("".join(lines))
        with pytest.raises(SurveyValidationError) as err:
            read_survey(path)
    found = {v.detail.split(" fields")[0]: v.rows for v in err.value.violations}
    columns = len(survey.columns)  # the row with ",x" has one field more, the cut row one fewer
    assert found == {str(columns + 1): (49_999,), str(columns - 1): (99_990,)}


def test_utf16_is_told_apart_from_text_and_binary():
    text = "firm_id,città\nA,Capannori\n" * 50
    assert _wide_encoding(text.encode("utf-8")[:4096]) is None
    assert _wide_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)) is None
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        assert _wide_encoding(text.encode(encoding)[:4096]) == "UTF-16"
    assert _wide_encoding(text.encode("utf-32")[:4096]) == "UTF-32"


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "l.csv"
    data = b"\xef\xbb\xbffirm_id,district\nA,B\nCitt\xe0,C\n"
    path.write_bytes(data)
    with pytest.raises(SurveyFileError, match=rf"not valid UTF-8 text \(line 3, byte {data.index(0xe0)}\)"):
        read_survey(path)


# --------------------------------------------------------------------------- workbooks
def _workbook(path: Path, rows: int, dimension: str | None = "keep", formula: bool = False,
              positions: bool = True) -> Path:
    """A workbook of `rows` data rows; its <dimension> tag kept, replaced by `dimension`, or removed
    (None); without `positions`, rows and cells do not say where they are (the format allows it)."""
    df = make_survey(n=rows)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, index=False)
        if formula:
            xl.sheets["Sheet1"]["E2"] = "=1+1"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and dimension != "keep":
                new = b"" if dimension is None else b'<dimension ref="' + dimension.encode() + b'"/>'
                body = re.sub(rb'<dimension ref="[^"]*"\s*/>', new, body)
            if info.filename == "xl/worksheets/sheet1.xml" and not positions:
                body = re.sub(rb'(<(?:row|c)) r="[A-Z]*[0-9]+"', rb"\1", body)
            dst.writestr(info, body)
    return path


def test_a_sheet_is_bounded_by_the_rows_it_declares(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "w.xlsx", 7)
    assert len(read_survey(path)) == 7
    monkeypatch.setattr(survey_io, "MAX_SHEET_ROWS", 6)
    columns = len(make_survey(n=1).columns)
    with pytest.raises(SurveyFileError, match=rf"sheet 'Sheet1' declares 8 rows and {columns} columns, more than a survey "
                                              r"file may have \(6 rows, 1,000 columns\)"):
        read_survey(path)


@pytest.mark.parametrize("dimension", [None, "A1:B2"])
def test_a_sheet_without_or_with_a_wrong_dimension_is_bounded_by_its_stored_rows(tmp_path, monkeypatch, dimension):
    path = _workbook(tmp_path / "w.xlsx", 7, dimension)
    assert len(read_survey(path)) == 7  # pandas reads every stored row, whatever the tag says
    monkeypatch.setattr(survey_io, "MAX_SHEET_ROWS", 6)
    with pytest.raises(SurveyFileError, match="sheet 'Sheet1' holds more than 6 rows"):
        read_survey(path)
    monkeypatch.setattr(survey_io, "MAX_SHEET_ROWS", 8)
    monkeypatch.setattr(survey_io, "MAX_SHEET_CELLS", 8 * 41 - 1)
    with pytest.raises(SurveyFileError, match="sheet 'Sheet1' holds more than 327 cells"):
        read_survey(path)


@pytest.mark.parametrize("chunk_size", [3, 7, 64, 1 << 22])
def test_the_sheet_scan_counts_the_same_in_any_chunk_size(tmp_path, monkeypatch, chunk_size):
    """No tag is lost or counted twice where the stream is cut between chunks."""
    plain, formula = _workbook(tmp_path / "p.xlsx", 7), _workbook(tmp_path / "f.xlsx", 7, formula=True)
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(formula) as b:
        assert _scan_sheet(plain, a, member, "Sheet1", chunk_size) is False
        assert _scan_sheet(formula, b, member, "Sheet1", chunk_size) is True
        monkeypatch.setattr(survey_io, "MAX_SHEET_ROWS", 7)
        with pytest.raises(SurveyFileError, match="more than 7 rows"):  # header + 7 rows
            _scan_sheet(plain, a, member, "Sheet1", chunk_size)
        monkeypatch.setattr(survey_io, "MAX_SHEET_ROWS", 8)
        _scan_sheet(plain, a, member, "Sheet1", chunk_size)


@pytest.mark.parametrize("positions", [True, False])
def test_formulas_without_a_saved_value_are_named_by_cell(tmp_path, positions):
    path = _workbook(tmp_path / "f.xlsx", 7, formula=True, positions=positions)
    with zipfile.ZipFile(path) as archive:
        assert (b' r="E2"' in archive.read("xl/worksheets/sheet1.xml")) is positions
    with pytest.raises(SurveyValidationError) as err:
        read_survey(path)
    (v,) = err.value.violations
    assert (v.column, v.rows, v.rule) == ("export_share", (1,), "formula") and "cell E2 holds a formula" in v.detail


def test_only_number_cells_that_show_a_percentage_are_refused(tmp_path):
    """'0.0%' multiplies by 100 for display; a quoted or escaped % is only a character."""
    path = tmp_path / "p.xlsx"
    df = make_survey(n=4)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        df.to_excel(xl, index=False)
        sheet = xl.sheets["Sheet1"]
        for ref, number_format in {"E2": "0.0%", "E3": '0" %"', "E4": "0\\%", "E9": "0%"}.items():
            sheet[ref].number_format = number_format  # E9: below the data, empty
        sheet["A1"].number_format = "0%"  # the header's text cell
    with pytest.raises(SurveyValidationError) as err:
        read_survey(path)
    (v,) = err.value.violations
    assert (v.column, v.rows, v.rule) == ("export_share", (1,), "percent_format") and v.detail.startswith("cell E2 ")
