"""The build end to end: papermill runs, HTML reports, index, skipping, failures, bad input."""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
import yaml

from cooperate_analysis.runner import pipeline, runs
from cooperate_analysis.runner.cli import main
from cooperate_analysis.data.io import sha256_file

from .conftest import make_survey

pytestmark = pytest.mark.slow
RUNS = runs.load_runs(Path(__file__).resolve().parents[1] / "pipeline.yml")
REPORTS = [run.output_name(lang) for run in RUNS for lang in run.languages]  # one per run and language
FORCED = ("district-santa_croce_tanning", "cross-district", "speccurve-pooled")  # one run of each notebook


@pytest.fixture
def user_survey(project) -> Path:
    path = project / "my_survey.csv"
    make_survey(n=45, seed=3).to_csv(path, index=False)
    return path


def test_pipeline_declares_district_cross_district_and_speccurve_runs_in_both_languages():
    districts = ["capannori_paper", "empolese_valdelsa_clothing", "santa_croce_tanning"]
    assert {run.name for run in RUNS} == {
        *(f"district-{d}" for d in districts), "cross-district", *(f"speccurve-{g}" for g in [*districts, "pooled"]),
        *(f"sustainability-{d}" for d in districts), "channels", "paper"}
    assert all(run.languages == ("en", "it") and set(run.title) == {"en", "it"} for run in RUNS)
    assert set(REPORTS) == {run.name for run in RUNS} | {f"{run.name}-it" for run in RUNS}


def test_full_build_renders_every_report_once_per_language(default_build):
    reports = default_build / "reports"
    for run in RUNS:
        assert (reports / f"{run.name}.ipynb").is_file() and not (reports / f"{run.name}-it.ipynb").exists()
        for lang, other in (("en", "it"), ("it", "en")):
            html = (reports / f"{run.output_name(lang)}.html").read_text()
            assert f'<html lang="{lang}">' in html
            assert 'id="provenance"' in html and {"en": "Data SHA-256", "it": "SHA-256 dei dati"}[lang] in html
            assert "from cooperate_analysis" not in html  # code cells are not rendered
            assert {"en": "SYNTHETIC DATA", "it": "DATI SINTETICI"}[lang] in html
            assert {"en": "SYNTHETIC DATA", "it": "DATI SINTETICI"}[other] not in html  # one language per report
            results = json.loads((reports / "results" / f"{run.output_name(lang)}.json").read_text())
            assert results["values"]["n_firms"] > 0 and results["parameters"]["lang"] == lang
    index = (reports / "index.html").read_text() + (reports / "index-it.html").read_text()
    assert all(f'href="{name}.html"' in index for name in REPORTS)  # each report from its language's index
    assert 'href="replication.html"' in index and 'href="replication-it.html"' in index
    replication = (reports / "replication.md").read_text()
    assert all(f"| {name} |" in replication for name in REPORTS)
    assert "reports/district-capannori_paper.html#figure-1" in replication
    assert "reports/district-capannori_paper-it.html#figure-1" in replication


def test_the_languages_of_a_run_share_every_number(default_build):
    results = default_build / "reports" / "results"
    for run in RUNS:
        english = json.loads((results / f"{run.name}.json").read_text())
        italian = json.loads((results / f"{run.name}-it.json").read_text())
        assert english["values"] == italian["values"]  # one computation, two renderings
        assert [c["key"] for c in english["contents"]] == [c["key"] for c in italian["contents"]]
        assert english["contents"] != italian["contents"]  # captions in each language


def test_noop_build_runs_nothing_and_forced_rebuild_gives_byte_identical_results(default_build, tmp_path,
                                                                                    monkeypatch, capsys):
    project = tmp_path / "copy"
    shutil.copytree(default_build, project, symlinks=True)  # the shared build stays as it is for other tests
    monkeypatch.chdir(project)
    reports = project / "reports"
    mtimes = {name: (reports / f"{name}.html").stat().st_mtime_ns for name in REPORTS}
    capsys.readouterr()
    assert pipeline.build(jobs=3) == 0
    out = capsys.readouterr().out
    assert out.count("skip   ") == len(RUNS) and "unchanged" in out and "built  0 run(s)" in out
    assert all((reports / f"{name}.html").stat().st_mtime_ns == mtimes[name] for name in REPORTS)

    # a forced rebuild of one report of each notebook (the cross-district CFA and the parallel
    # specification curve are where nondeterminism showed before) gives the same bytes
    first = {p.name: p.read_bytes() for p in (reports / "results").glob("*.json")}
    assert len(first) == len(REPORTS) and str(project).encode() not in b"".join(first.values())  # no absolute paths
    spec = yaml.safe_load(Path("pipeline.yml").read_text())
    spec["runs"] = [r for r in spec["runs"] if r["name"] in FORCED]
    Path("forced.yml").write_text(yaml.safe_dump(spec))
    capsys.readouterr()
    assert pipeline.build(jobs=3, force=True, config=Path("forced.yml")) == 0
    assert capsys.readouterr().out.count("done   ") == len(FORCED)
    second = {p.name: p.read_bytes() for p in (reports / "results").glob("*.json")}
    assert first == second


def test_user_data_carry_no_synthetic_banner(project, user_survey):
    Path("one.yml").write_text(yaml.safe_dump({"languages": ["en", "it"], "runs": [
        {"name": "one", "notebook": "notebooks/district.ipynb", "parameters": {"district": "capannori_paper"}}]}))
    assert pipeline.build(data=user_survey, jobs=1, config=Path("one.yml")) == 0
    for name in ("one", "one-it"):
        html = Path(f"reports/{name}.html").read_text()
        assert "SYNTHETIC DATA" not in html and "DATI SINTETICI" not in html and 'id="provenance"' in html


def test_failing_notebook_leaves_partial_in_failed_and_no_report(project, user_survey, capsys):
    nb = nbformat.read("notebooks/cross_district.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise ValueError('boom on purpose')"))
    nbformat.write(nb, "notebooks/broken.ipynb")
    Path("broken.yml").write_text(yaml.safe_dump({"runs": [
        {"name": "broken", "notebook": "notebooks/broken.ipynb"}]}))
    stale = Path("reports/broken.html")
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("an old report")
    assert pipeline.build(data=user_survey, jobs=1, config=Path("broken.yml")) == 1
    err = capsys.readouterr().err
    assert "ValueError: boom on purpose" in err
    assert re.search(r"notebooks/broken.ipynb: code cell In \[\d+\] starting \"raise ValueError\('boom on purpose'\)\"", err)
    assert Path("reports/failed/broken.ipynb").is_file()
    assert not stale.exists() and not Path("reports/results/broken.json").exists()
    assert "not built" in Path("reports/index.html").read_text()


@pytest.mark.parametrize("params, message", [
    ({"district": "capannori"}, "valid: capannori_paper, empolese_valdelsa_clothing, santa_croce_tanning"),
    ({"district": "capannori_paper", "langue": "it"}, "unknown parameter 'langue'"),
    ({"district": "capannori_paper", "seed": "1"}, "parameter 'seed' must be int"),
    ({"district": "capannori_paper", "langs": ["en"]}, "which the pipeline supplies"),
    ({"district": "capannori_paper", "data_path": "x"}, "which the pipeline supplies"),
    ({"group": "all"}, "valid: capannori_paper, empolese_valdelsa_clothing, santa_croce_tanning, pooled"),
    ({"group": "pooled", "n_boot": 1.5}, "parameter 'n_boot' must be int"),
])
def test_run_parameters_are_checked_before_anything_runs(project, params, message):
    notebook = "notebooks/specification_curve.ipynb" if "group" in params else "notebooks/district.ipynb"
    Path("bad.yml").write_text(yaml.safe_dump({"runs": [
        {"name": "r", "notebook": notebook, "parameters": params}]}))
    with pytest.raises(runs.ConfigError, match=message.replace("(", r"\(")):
        runs.load_runs(Path("bad.yml"))


def test_bad_survey_exits_2_and_writes_nothing(project, capsys, monkeypatch):
    bad = make_survey(n=12)
    bad.loc[4, "out_turnover_trend"] = 6
    bad.to_csv("bad.csv", index=False)
    before = sha256_file("bad.csv")
    spawned = []
    start = pipeline.Workers.start
    monkeypatch.setattr(pipeline.Workers, "start", lambda self, runs: spawned.append(runs) or start(self, runs))
    assert main(["build", "--data", "bad.csv", "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: column 'out_turnover_trend', row 5: [range]" in err
    assert "nothing was written" in err
    assert not Path("data/processed").exists() and not Path("reports").exists()
    assert sha256_file("bad.csv") == before
    # without processed data the build spawned its workers before it checked the data: they are ended,
    # with their kernels and the kernels' socket folders
    assert spawned and not multiprocessing.active_children()
    assert not list(Path(tempfile.gettempdir()).glob(f"{pipeline.SOCKETS_PREFIX}{os.getpid()}-*"))


def _single_run_config(project: Path, name: str, extra_cell: str | None) -> Path:
    nb = nbformat.read("notebooks/cross_district.ipynb", as_version=4)
    if extra_cell:
        nb.cells.insert(4, nbformat.v4.new_code_cell(extra_cell))
    nbformat.write(nb, f"notebooks/{name}.ipynb")
    config = Path(f"{name}.yml")
    config.write_text(yaml.safe_dump({"runs": [
        {"name": name, "notebook": f"notebooks/{name}.ipynb"}]}))
    return config


def test_dead_kernel_fails_the_build_and_keeps_the_partial_notebook(project, user_survey, capsys):
    config = _single_run_config(project, "dies", "import os\nos._exit(1)")
    assert pipeline.build(data=user_survey, jobs=1, config=config) == 1
    err = capsys.readouterr().err
    assert "DeadKernelError" in err and "while running the code cell starting 'import os'" in err
    assert Path("reports/failed/dies.ipynb").is_file() and not Path("reports/dies.html").exists()


def test_killed_build_is_completed_by_the_next_one(project, user_survey):
    import signal
    import subprocess
    import sys
    import time

    config = _single_run_config(project, "slow", "import time\ntime.sleep(4)")
    cmd = [sys.executable, "-c", "import sys; from cooperate_analysis.runner.pipeline import build; "
           f"sys.exit(build(data='{user_survey}', jobs=1, config=__import__('pathlib').Path('{config}')))"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.time() + 60
    while not Path("reports/.build/tmp/slow").exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # the notebook is executing now
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not Path("reports/slow.html").exists() and not Path("reports/.build/slow.key").exists()
    assert pipeline.build(data=user_survey, jobs=1, config=config) == 0
    assert Path("reports/slow.html").is_file() and Path("reports/results/slow.json").is_file()


@pytest.mark.parametrize("name", ["published_figures.csv", "district_milestones.csv", "district_actors.csv"])
def test_a_changed_published_fact_makes_every_run_stale(tmp_path, monkeypatch, name):
    """The run key covers each file of published facts the notebooks read, so editing one reruns them."""
    from .conftest import ROOT

    runs.copy_inputs(ROOT, tmp_path)
    monkeypatch.chdir(tmp_path)
    configured = runs.load_runs(Path("pipeline.yml"))
    before = [pipeline.run_key(run, "data", "env") for run in configured]
    facts = Path("data/raw") / name
    facts.write_bytes(facts.read_bytes() + b"\n")
    after = [pipeline.run_key(run, "data", "env") for run in configured]
    assert all(a != b for a, b in zip(before, after))


def test_each_run_gets_its_share_of_the_cores_for_blas_and_joblib(monkeypatch):
    """Two runs on two cores: one BLAS thread each, and joblib counts one core, so the specification
    curve's joint test runs in one thread instead of taking the other run's core."""
    from joblib import effective_n_jobs

    from cooperate_analysis.stats import speccurve

    for variable in pipeline.THREAD_VARIABLES:
        monkeypatch.delenv(variable, raising=False)  # restored after the test
    monkeypatch.setattr(pipeline, "USER_THREADS", {})
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pipeline._share_cores(2)
    assert {os.environ[v] for v in pipeline.THREAD_VARIABLES} == {"1"}
    assert "LOKY_MAX_CPU_COUNT" in pipeline.THREAD_VARIABLES and effective_n_jobs(-1) == 1
    assert not speccurve._parallel(-1, None, work=10 * speccurve.PARALLEL_MIN_WORK)
    assert speccurve._parallel(2, None, work=10 * speccurve.PARALLEL_MIN_WORK)  # asked for explicitly
    pipeline._share_cores(1)  # one run: joblib may use both cores (as many as this machine has, up to 2)
    assert os.environ["LOKY_MAX_CPU_COUNT"] == "2"
    assert speccurve._parallel(-1, None, work=10 * speccurve.PARALLEL_MIN_WORK) == (effective_n_jobs(-1) > 1)
    assert not speccurve._parallel(-1, None, work=speccurve.PARALLEL_MIN_WORK / 10)  # too small for threads
    monkeypatch.setattr(pipeline, "USER_THREADS", {"LOKY_MAX_CPU_COUNT": "1"})  # the user's setting is kept
    pipeline._share_cores(1)
    assert os.environ["LOKY_MAX_CPU_COUNT"] == "1"
