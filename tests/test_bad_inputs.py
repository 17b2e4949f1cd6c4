"""The bad-input corpus: every file gets a correct load or a clear error, never a traceback,
and the file is byte-identical afterwards."""
from pathlib import Path

import pytest
import yaml

from cooperate_analysis.cli import main
from cooperate_analysis.io import sha256_file

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text())


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".txt")}
    assert files == set(EXPECTED) and len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gets_a_clear_answer(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written anywhere
    path = CORPUS / name
    before = sha256_file(path)
    status = main(["validate", str(path)])
    out, err = capsys.readouterr()
    text = out + err
    assert status == EXPECTED[name]["status"], text
    for fragment in EXPECTED[name]["says"]:
        assert fragment in text, (fragment, text)
    assert "Traceback" not in text
    assert sha256_file(path) == before and list(tmp_path.iterdir()) == []
