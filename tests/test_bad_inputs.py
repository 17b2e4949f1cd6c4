"""The bad-input corpus: every file gets a correct load or a clear error, never a traceback,
and the file is byte-identical afterwards. Paths that are not regular files (a directory, a FIFO,
a dangling link, a device...) are made at run time and must be refused before anything opens them."""
import os
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cooperate_analysis.runner.cli import main
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.io import read_survey, sha256_file
from cooperate_analysis.data.validate import validate_survey

from .conftest import deadline, make_survey

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text())
LOADS = sorted(name for name, case in EXPECTED.items() if case["status"] == 0)


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir()} - {"make_corpus.py", "expected.yml", "__pycache__"}
    assert files == set(EXPECTED) and len(files) >= 60
    assert all("loads_as_base" in EXPECTED[name] for name in LOADS)


def validate(path, capsys) -> tuple[int, str]:
    with deadline(60):
        status = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return status, out + err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gets_a_clear_answer(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written anywhere
    path = CORPUS / name
    before = sha256_file(path)
    status, text = validate(path, capsys)
    assert status == EXPECTED[name]["status"], text
    for fragment in EXPECTED[name]["says"]:
        assert fragment in text, (fragment, text)
    assert "Traceback" not in text
    assert len(text.splitlines()) <= EXPECTED[name].get("max_lines", len(text.splitlines()))
    assert sha256_file(path) == before and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", LOADS)
def test_files_that_load_hold_the_survey_they_were_made_from(name):
    """Nothing silently wrong: a file that loads gives the six-firm survey cell for cell, except
    the cells its case names."""
    raw = read_survey(CORPUS / name)
    typed = validate_survey(raw, name)
    base = make_survey(n=6, seed=11)
    # the corpus holds version-1 files: compare on the columns the file has (the others are all missing)
    base = base[[c for c in base.columns if load_codebook()[c].since == 1 or c in set(raw.columns)]]
    expected = validate_survey(base.astype(str), "base.csv")
    for column, cells in EXPECTED[name]["loads_as_base"].items():
        for row, value in cells.items():
            expected.loc[row - 1, column] = pd.NA if value is None else value
    pd.testing.assert_frame_equal(typed, expected)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


def _unreadable(path: Path, monkeypatch) -> None:
    path.write_text("firm_id\nA\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads any file: have the check see what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p).absolute() != path and real(p, mode, **kw))


PATHS = {  # name -> (how to make it in the test folder, what the message says)
    "missing": (lambda p, mp: None, "file not found"),
    "directory": (lambda p, mp: p.mkdir(), "is a directory, not a survey file"),
    "dangling symlink": (lambda p, mp: p.symlink_to("gone.csv"), "symbolic link to gone.csv, which does not exist"),
    "symlink loop": (lambda p, mp: (p.symlink_to("loop2.csv"), (p.parent / "loop2.csv").symlink_to(p.name)),
                     "cannot be accessed: Too many levels of symbolic links"),
    "fifo": (lambda p, mp: os.mkfifo(p), "is a named pipe (FIFO), not a survey file"),
    "socket": (lambda p, mp: _socket(p), "is a socket, not a survey file"),
    "unreadable": (_unreadable, "permission denied"),
    "inside a file": (lambda p, mp: None, "cannot be accessed: Not a directory"),
    "no suffix": (lambda p, mp: p.write_text("firm_id\nA\n"), "unsupported format (none)"),
}


@pytest.mark.parametrize("kind", sorted(PATHS))
def test_a_path_that_is_not_a_survey_file_is_refused_before_it_is_opened(kind, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile.csv").write_text("firm_id\nA\n")
    name = {"inside a file": "afile.csv/survey.csv", "no suffix": "survey"}.get(kind, "survey.csv")
    make, says = PATHS[kind]
    make(tmp_path / name, monkeypatch)
    before = sorted(os.listdir(tmp_path))
    status, text = validate(name, capsys)
    assert status == 2 and text.startswith(f"error: {name}: {says}"), text
    assert "Traceback" not in text and sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused_before_it_is_read(device, capsys):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    status, text = validate(device, capsys)
    assert status == 2 and text.startswith(f"error: {device}: is a device, not a survey file"), text


def test_links_and_any_file_name_reach_the_reader(tmp_path, monkeypatch, capsys):
    """A link to a survey and a name with spaces, quotes, $, backticks and accents load like the file."""
    monkeypatch.chdir(tmp_path)
    odd = "città $(echo x) `id` 'q' \"d\" ; & | > <.csv"
    make_survey(n=6, seed=11).to_csv(odd, index=False)
    Path("link.csv").symlink_to(odd)
    for name in (odd, "link.csv"):
        status, text = validate(name, capsys)
        assert status == 0 and f"{name}: OK, 6 firms" in text, text
    assert sorted(os.listdir(tmp_path)) == sorted([odd, "link.csv"])
    np.testing.assert_array_equal(read_survey("link.csv").to_numpy(), read_survey(odd).to_numpy())
