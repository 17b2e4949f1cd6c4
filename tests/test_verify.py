"""`make verify`'s comparison catches a perturbed, a missing and an extra number."""
import json
from pathlib import Path

from cooperate_analysis.runner.replication import (
    README_BEGIN,
    README_END,
    key_results_markdown,
)
from cooperate_analysis.runner.results import Recorder
from cooperate_analysis.runner.verify import compare


def write(directory, values):
    directory.mkdir(exist_ok=True)
    rec = Recorder("run-a", {})
    for k, v in values.items():
        rec.record(k, v)
    rec.save(directory / "run-a.json")


def test_identical_results_verify(tmp_path):
    values = {"n_firms": 92, "ols.slope": 0.4321, "label": "x"}
    write(tmp_path / "exp", values)
    write(tmp_path / "got", values)
    checks = compare(tmp_path / "exp", tmp_path / "got", tmp_path / "none.yml")
    assert len(checks) == 3 and all(c.ok for c in checks)


def test_perturbed_missing_and_extra_numbers_fail(tmp_path):
    write(tmp_path / "exp", {"n_firms": 92, "ols.slope": 0.4321, "gone": 1.0})
    write(tmp_path / "got", {"n_firms": 92, "ols.slope": 0.4321 * (1 + 1e-4), "new": 2.0})
    checks = {c.name: c for c in compare(tmp_path / "exp", tmp_path / "got", tmp_path / "none.yml")}
    assert checks["n_firms"].ok
    assert not checks["ols.slope"].ok and checks["ols.slope"].difference.startswith("4.3")
    assert not checks["gone"].ok and not checks["new"].ok


def test_tolerance_overrides_by_prefix(tmp_path):
    write(tmp_path / "exp", {"mice.slope": 1.0, "ols.slope": 1.0})
    write(tmp_path / "got", {"mice.slope": 1.001, "ols.slope": 1.001})
    tol = tmp_path / "tol.yml"
    tol.write_text("default: {abs: 0, rel: 1.0e-6}\noverrides:\n  mice.: {abs: 0, rel: 0.01}\n")
    checks = {c.name: c.ok for c in compare(tmp_path / "exp", tmp_path / "got", tol)}
    assert checks == {"mice.slope": True, "ols.slope": False}


def test_missing_run_file_fails_every_number(tmp_path):
    write(tmp_path / "exp", {"a": 1.0})
    (tmp_path / "got").mkdir()
    (check,) = compare(tmp_path / "exp", tmp_path / "got", tmp_path / "none.yml")
    assert not check.ok and check.got == "(missing)"
    assert json.loads((tmp_path / "exp" / "run-a.json").read_text())["values"] == {"a": 1.0}


def test_readme_key_results_are_the_committed_expected_numbers(monkeypatch):
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)  # the truth file path is relative to the repository root
    block = (root / "README.md").read_text().split(README_BEGIN)[1].split(README_END)[0].strip()
    assert block == key_results_markdown(root / "expected"), "run `make expected`"
