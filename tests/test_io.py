"""Every supported survey format loads to the same validated table; unreadable files fail clearly."""
import pandas as pd
import pyreadstat
import pytest

from cooperate_analysis.io import SurveyFileError, atomic_path, read_survey, sha256_file
from cooperate_analysis.validate import validate_survey


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
