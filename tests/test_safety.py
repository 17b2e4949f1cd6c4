"""Safe by construction (issue 13): file names run nothing, run names cannot leave reports/,
configuration errors are one line, one build at a time, interrupted builds leave a true index."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from cooperate_analysis.runner import pipeline, runs
from cooperate_analysis.runner.cli import main
from cooperate_analysis.present.index import PageState, write_index

from .conftest import make_survey

# every character a file system allows in a name that a shell or make would read as syntax
SPECIAL_NAMES = [
    "a b.csv", 'dq"uote.csv', "sq'uote.csv", "dollar$HOME.csv", "$(touch CANARY).csv", "`touch CANARY`.csv",
    "semi;touch CANARY.csv", "amp&&touch CANARY.csv", "pipe|touch CANARY.csv", "star*.csv", "back\\slash.csv",
    "-dash.csv", "#hash.csv", "pct%d.csv", "brace{a,b}.csv", "tilde~.csv", "ünï cödé €.csv", "a  two  spaces.csv",
    "paren(1).csv", "lt<gt>.csv", "make$(shell touch CANARY).csv", "equals=x.csv", "colon:x.csv",
]


def _tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under `root` (but the `skip` folders) with its SHA-256: a snapshot to compare."""
    snap = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in skip or "__pycache__" in rel.parts:
            continue
        if path.is_symlink():
            snap[str(rel)] = "link:" + os.readlink(path)
        elif path.is_file():
            snap[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            snap[str(rel) + "/"] = "dir"
    return snap


# --------------------------------------------------------------------------- 1. file names
@pytest.mark.parametrize("name", SPECIAL_NAMES)
def test_make_passes_any_file_name_unchanged_and_runs_nothing(make_project, name):
    done = subprocess.run(["make", "--no-print-directory", "reports", f"DATA=data dir/{name}", "JOBS=2"],
                          cwd=make_project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    called = json.loads((make_project / "called.json").read_text())
    assert called["argv"] == ["-m", "cooperate_analysis", "build", "--from-env"]
    assert called["env"] == {"COOPERATE_DATA": f"data dir/{name}", "COOPERATE_JOBS": "2", "COOPERATE_MAPPING": "",
                             "DATA": None, "JOBS": None, "MAPPING": None}  # make exports only the safe copies
    assert not (make_project / "CANARY").exists() and not Path("CANARY").exists()


def test_make_passes_a_data_path_from_the_environment_unchanged(make_project):
    env = {**os.environ, "DATA": "x/`touch CANARY` $(touch CANARY) $HOME.csv"}
    done = subprocess.run(["make", "--no-print-directory", "reports"], cwd=make_project, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads((make_project / "called.json").read_text())["env"]["COOPERATE_DATA"] == env["DATA"]
    assert not (make_project / "CANARY").exists()


def test_jobs_is_checked_not_run(make_project, monkeypatch, capsys):
    done = subprocess.run(["make", "--no-print-directory", "reports", "JOBS=2; touch CANARY"],
                          cwd=make_project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not (make_project / "CANARY").exists()
    monkeypatch.setenv("COOPERATE_JOBS", "2; touch CANARY")
    assert main(["build", "--from-env"]) == 2
    assert "JOBS='2; touch CANARY' is not valid" in capsys.readouterr().err


@pytest.mark.parametrize("name", SPECIAL_NAMES)
def test_cli_reads_the_file_the_name_names(tmp_path, monkeypatch, name, capsys):
    """From the environment to the reader, byte for byte: the file is found and validated."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data dir"
    folder.mkdir()
    make_survey(n=12).to_csv(folder / name, index=False)
    seen = {}
    monkeypatch.setenv("COOPERATE_DATA", f"data dir/{name}")
    monkeypatch.setattr(pipeline, "build", lambda data, jobs, force, config: seen.update(data=data) or 0)
    assert main(["build", "--from-env"]) == 0
    assert seen["data"] == Path("data dir") / name
    assert main(["validate", str(seen["data"])]) == 0
    assert "OK, 12 firms" in capsys.readouterr().out


# --------------------------------------------------------------------------- 2. run names and paths
TRAVERSAL = ["../escape", "../data/raw/survey_synthetic", "/tmp/absolute", "a/b", "..", ".", ".hidden",
             "reports/../../x", "with space", "UPPER", "dot.name", "", "x" * 101, "-lead"]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_unsafe_run_names_are_rejected_and_nothing_is_touched(project, name, capsys):
    before = _tree(project)
    Path("pipeline.yml").write_text(yaml.safe_dump({"runs": [
        {"name": name, "notebook": "notebooks/district.ipynb", "parameters": {"district": "capannori_paper"}}]}))
    before["pipeline.yml"] = hashlib.sha256(Path("pipeline.yml").read_bytes()).hexdigest()
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "is not valid; a run name is" in err and "Traceback" not in err
    assert _tree(project) == before
    with pytest.raises(runs.ConfigError):
        runs.Run(name=name, notebook=Path("notebooks/district.ipynb"), title={"en": "t"})


@pytest.mark.parametrize("notebook", ["../outside.ipynb", "/tmp/outside.ipynb", "data/raw/x.ipynb",
                                      "notebooks/../outside.ipynb", "notebooks/link.ipynb"])
def test_notebooks_must_live_under_notebooks(project, notebook, tmp_path_factory, capsys):
    outside = tmp_path_factory.mktemp("elsewhere") / "outside.ipynb"
    shutil.copy("notebooks/district.ipynb", outside)
    shutil.copy("notebooks/district.ipynb", "outside.ipynb")
    os.symlink(outside, "notebooks/link.ipynb")
    Path("pipeline.yml").write_text(yaml.safe_dump({"runs": [{"name": "r", "notebook": notebook}]}))
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"pipeline\.yml: run 'r': notebook .* (is outside notebooks/|not found)", err), err
    assert not Path("reports").exists() and not Path("data/processed").exists()


def test_every_write_and_delete_is_checked_against_the_build_folders(project):
    assert pipeline.inside_build(Path("reports/x.html")) == Path("reports/x.html")
    assert pipeline.inside_build(Path("data/processed/survey.parquet"))
    for path in ["reports/../data/raw/SHA256SUMS", "data/raw/survey_synthetic.csv", "/etc/passwd", "notebooks"]:
        with pytest.raises(runs.ConfigError, match="outside the build's folders"):
            pipeline.inside_build(Path(path))
    os.makedirs("reports", exist_ok=True)
    os.symlink(project / "data" / "raw", "reports/raw")  # a link inside reports/ pointing out
    with pytest.raises(runs.ConfigError):
        pipeline.inside_build(Path("reports/raw/SHA256SUMS"))


# --------------------------------------------------------------------------- 3. configuration errors
CONFIGS = {
    "runs: [\n  - {name: a": "not valid YAML (line",
    "runs: !!python/object/apply:os.system ['touch CANARY']": "not valid YAML",
    "": "must be a mapping with a 'runs' list",
    "- a\n- b\n": "must be a mapping with a 'runs' list, found list",
    "common_parameters: {seed: 1}\n": "'runs' must be a non-empty list",
    "runs: {name: a}\n": "'runs' must be a non-empty list",
    "runs: [x]\n": "run 1 must be a mapping",
    "runs:\n  - {notebook: notebooks/district.ipynb}\n": "run 1: name None is not valid",
    "runs:\n  - {name: a}\n": "run 'a': 'notebook' is missing",
    "runs:\n  - {name: a, notebook: notebooks/district.ipynb, parameters: }\n": "'parameters' must be a mapping",
    "runs:\n  - {name: a, notebook: notebooks/district.ipynb, parameters: [1]}\n": "'parameters' must be a mapping",
    "runs:\n  - {name: a, notebook: notebooks/nope.ipynb}\n": "notebook notebooks/nope.ipynb not found",
    "runs:\n  - {name: a, notebook: 5}\n": "'notebook' must be the path of an .ipynb file",
    "runs:\n  - {name: a, notebook: notebooks/district.ipynb, paramters: {}}\n": "unknown key(s) paramters",
    "runs:\n  - {name: a, notebook: notebooks/district.ipynb, title: [x]}\n": "'title' must be text",
    "common_parameters: 3\nruns:\n  - {name: a, notebook: notebooks/district.ipynb}\n":
        "'common_parameters' must be a mapping",
    "run:\n  - {name: a, notebook: notebooks/district.ipynb}\n": "unknown key(s) run",
    "runs:\n  - {name: a, notebook: notebooks/district.ipynb}\n  - {name: a, notebook: notebooks/district.ipynb}\n":
        "run name 'a' used twice",
}


@pytest.mark.parametrize("text", sorted(CONFIGS))
def test_configuration_errors_are_one_line(project, text, capsys):
    Path("pipeline.yml").write_text(text)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: pipeline.yml") and lines[1] == "nothing was written."
    assert CONFIGS[text] in lines[0], lines[0]
    assert not Path("CANARY").exists() and not Path("reports").exists()


def test_a_broken_notebook_is_a_one_line_error(project, capsys):
    Path("notebooks/broken.ipynb").write_text("{not json")
    Path("pipeline.yml").write_text("runs:\n  - {name: a, notebook: notebooks/broken.ipynb}\n")
    assert main(["build"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and "notebooks/broken.ipynb: not a readable notebook" in lines[0]


# --------------------------------------------------------------------------- 5. the data path
@pytest.mark.parametrize("kind", ["missing", "directory", "dangling symlink", "fifo", "device"])
def test_data_path_is_checked_before_anything_reads_it(project, kind, capsys):
    path = {"missing": "nope.csv", "directory": "adir.csv", "dangling symlink": "link.csv",
            "fifo": "pipe.csv", "device": "/dev/zero"}[kind]
    if kind == "directory":
        os.mkdir(path)
    elif kind == "dangling symlink":
        os.symlink("gone.csv", path)
    elif kind == "fifo":
        os.mkfifo(path)
    before = _tree(project)
    start = time.perf_counter()
    assert main(["build", "--data", path]) == 2  # a FIFO opened for reading would hang here
    assert time.perf_counter() - start < 30
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and "Traceback" not in err
    assert _tree(project) == before


# --------------------------------------------------------------------------- 4. one build at a time
def test_a_second_build_waits_or_refuses(project):
    with pipeline.build_lock():
        with pytest.raises(pipeline.BuildBusy, match="another build is running in this checkout"):
            with pipeline.build_lock(wait=False):
                pass
    with pipeline.build_lock(wait=False):  # released when the first block ended
        pass


# --------------------------------------------------------------------------- 6. what the index names
def _assert_index_true(project: Path) -> str:
    """Every file the index links exists, and the data it names are the processed survey's."""
    index = (project / "reports" / "index.html").read_text()
    for href in re.findall(r'href="([^"]+)"', index):
        assert (project / "reports" / href).is_file(), f"index links {href}, which is not there"
    meta_file = project / "data" / "processed" / "survey.json"
    named = re.findall(r"SHA-256 <code>([0-9a-f]{64})</code>", index)
    if named:
        assert meta_file.is_file() and json.loads(meta_file.read_text())["source_sha256"] == named[0]
    return index


def test_index_names_only_current_runs_and_says_why_others_are_missing(project):
    declared = runs.load_runs()
    meta = {"source_name": "s.csv", "rows": 10, "source_sha256": "0" * 64, "synthetic": False}
    state = PageState(data_meta=meta, current=set(), status="building",
                      no_data={declared[0].name: "no data: the survey has no firms of X"},
                      missing_districts=["Capannori paper district (Lucca)"])
    write_index(declared, state)
    index = Path("reports/index.html").read_text()
    assert 'href="district' not in index and "being built" in index and "build is in progress" in index
    assert "No data for Capannori paper district (Lucca): the survey has no firms of this district" in index
    assert "no data: the survey has no firms of X" in index
    write_index(declared, PageState(data_meta=None, status="building"))
    index = Path("reports/index.html").read_text()
    assert "<tbody></tbody>" in index and "SHA-256" not in index


def test_runs_follow_the_districts_in_the_data():
    labels = {"a": "District A", "b": "District B", "c": "District C"}
    rows = {"a": 10, "b": 0, "c": 5}

    def run(min_districts=2, **params):
        return runs.Run(name="r", notebook=Path("notebooks/x.ipynb"), title={"en": "t"}, parameters=params,
                        min_districts=min_districts)

    assert pipeline.requirement(run(district="a"), rows, labels) == ""
    assert "no firms of District B" in pipeline.requirement(run(district="b"), rows, labels)
    assert "no firms of District B" in pipeline.requirement(run(group="b"), rows, labels)
    assert pipeline.requirement(run(group="pooled"), rows, labels) == ""
    assert pipeline.requirement(run(), rows, labels) == ""  # two districts: a comparison can run
    assert "needs firms of two districts" in pipeline.requirement(run(), {"a": 10, "b": 0, "c": 0}, labels)
    assert "has no firms" in pipeline.requirement(run(group="pooled"), {"a": 0, "b": 0, "c": 0}, labels)
    # a run over every district that also reads one district alone (the channels report)
    assert pipeline.requirement(run(min_districts=1), {"a": 10, "b": 0, "c": 0}, labels) == ""
    assert "at least 1 district" in pipeline.requirement(run(min_districts=1), {"a": 0, "b": 0, "c": 0}, labels)


def test_min_districts_must_be_a_whole_number_of_at_least_one(tmp_path):
    for bad in (0, -1, 1.5, True, "2"):
        config = tmp_path / "p.yml"
        config.write_text(yaml.safe_dump({"runs": [{"name": "r", "notebook": "notebooks/channels.ipynb",
                                                    "min_districts": bad}]}))
        with pytest.raises(runs.ConfigError, match="min_districts"):
            runs.load_runs(config)


# --------------------------------------------------------------------------- end to end (kernels)
def _tiny_notebook(project: Path, name: str, body: str) -> None:
    """A notebook with the pipeline's parameters that writes its results and runs `body` first."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('langs = ["en"]\ndistrict = "capannori_paper"\ndata_path = ""\nresults_path = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body), nbformat.v4.new_code_cell(
        "import json, pandas as pd\n"
        "n = int((pd.read_parquet(data_path)['district'] == district).sum())\n"
        "json.dump({'values': {'n_firms': n}, 'contents': []}, open(results_path, 'w'))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks" / f"{name}.ipynb")


def _tiny_config(project: Path, body: str, districts: list[str]) -> Path:
    _tiny_notebook(project, "tiny", body)
    config = project / "tiny.yml"
    config.write_text(yaml.safe_dump({"runs": [
        {"name": f"tiny-{d}", "notebook": "notebooks/tiny.ipynb", "parameters": {"district": d}}
        for d in districts]}))
    return config


def _build_process(survey: Path, config: Path, jobs: int) -> subprocess.Popen:
    code = ("import sys; from pathlib import Path; from cooperate_analysis.runner.cli import main; "
            f"sys.exit(main(['build', '--data', {str(survey)!r}, '--jobs', '{jobs}', '--config', {config.name!r}]))")
    return subprocess.Popen([sys.executable, "-c", code], cwd=config.parent, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


DISTRICTS = ["capannori_paper", "empolese_valdelsa_clothing", "santa_croce_tanning"]


@pytest.fixture
def survey_file(project) -> Path:
    path = project / "survey.csv"
    make_survey(n=30, seed=5).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_two_concurrent_builds_lose_no_output(project, survey_file):
    config = _tiny_config(project, "import time\ntime.sleep(3)", DISTRICTS[:2])
    first = _build_process(survey_file, config, jobs=2)
    time.sleep(1.0)
    second = _build_process(survey_file, config, jobs=2)
    out1, err1 = first.communicate(timeout=240)
    out2, err2 = second.communicate(timeout=240)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "waiting for it to finish" in out2 and "skip   tiny-capannori_paper: up to date" in out2
    for d in DISTRICTS[:2]:
        assert (project / "reports" / f"tiny-{d}.html").is_file()
        assert (project / "reports" / "results" / f"tiny-{d}.json").is_file()
    assert not any((project / "reports" / ".build" / "tmp").glob("*"))
    _assert_index_true(project)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_stops_fast_and_leaves_a_true_index(project, survey_file, sig):
    config = _tiny_config(project, "import time\ntime.sleep(120)", DISTRICTS)
    proc = _build_process(survey_file, config, jobs=2)
    tmp = project / "reports" / ".build" / "tmp"
    deadline = time.time() + 120
    while len(list(tmp.glob("*/*.ipynb"))) < 2 and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # both notebooks are executing now
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)  # Ctrl-C goes to the group
    start = time.time()
    out, err = proc.communicate(timeout=60)
    assert time.time() - start < 15, "the build took too long to stop"
    assert proc.returncode != 0 and "Traceback" not in err, err
    assert "interrupted; rerun the same command" in err
    assert not any(tmp.glob("*")) and not any((project / "reports").glob("failed/tiny*"))
    assert not list(Path(tempfile.gettempdir()).glob(f"{pipeline.SOCKETS_PREFIX}{proc.pid}-*"))
    index = _assert_index_true(project)
    assert "The last build was interrupted" in index
    for d in DISTRICTS:
        assert not (project / "reports" / f"tiny-{d}.html").exists()


@pytest.mark.slow
def test_killed_build_leaves_an_index_that_names_only_what_is_there(project, survey_file):
    config = _tiny_config(project, "import time\ntime.sleep(1)", DISTRICTS)
    assert subprocess.run([sys.executable, "-m", "cooperate_analysis", "build", "--data", str(survey_file),
                           "--config", config.name], cwd=project, capture_output=True).returncode == 0
    _assert_index_true(project)
    other = project / "other.csv"
    make_survey(n=21, seed=9).to_csv(other, index=False)  # new data: every run is rebuilt
    config.write_text(config.read_text())
    _tiny_notebook(project, "tiny", "import time\ntime.sleep(60)")
    proc = _build_process(other, config, jobs=1)
    deadline = time.time() + 120
    while not list((project / "reports" / ".build" / "tmp").glob("*/*.ipynb")) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    index = _assert_index_true(project)
    assert "build is in progress" in index  # the page a killed build leaves says so


@pytest.mark.slow
def test_a_survey_without_a_district_builds_the_others_and_says_so(project):
    survey = make_survey(n=30, seed=5)
    survey = survey[survey["district"] != "santa_croce_tanning"]
    survey.to_csv(project / "two.csv", index=False)
    config = _tiny_config(project, "pass", DISTRICTS)
    proc = _build_process(project / "two.csv", config, jobs=2)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    assert "skip   tiny-santa_croce_tanning: no data: the survey has no firms of" in out
    index = _assert_index_true(project)
    assert "No data for Santa Croce sull&#x27;Arno tanning district: the survey has no firms of this district" in index
    assert (project / "reports" / "tiny-capannori_paper.html").is_file()
    assert not (project / "reports" / "tiny-santa_croce_tanning.html").exists()


def test_the_longest_runs_start_first(project, monkeypatch):
    """Last recorded wall time, else the `cost` hint of pipeline.yml; config order on ties."""
    def run(name, cost=0.0):
        return runs.Run(name=name, notebook=Path("notebooks/x.ipynb"), title={"en": name}, cost=cost)

    short, long_, hinted, plain = run("short", 50), run("long"), run("hinted", 30), run("plain")
    prov = long_.provenance("en")
    prov.parent.mkdir(parents=True)
    prov.write_text(json.dumps({"wall_time_seconds": 90.5}))
    assert pipeline.expected_seconds(long_) == 90.5 and pipeline.expected_seconds(hinted) == 30
    started = []
    monkeypatch.setattr(pipeline, "execute",
                        lambda r, key, meta: started.append(r.name) or pipeline.Outcome(r.name, True, 0))
    workers = pipeline.Workers(1)
    workers.submit([(r, "k") for r in (plain, hinted, short, long_)], {})
    while workers.busy:
        workers.next()
    workers.close()
    assert started == ["long", "short", "hinted", "plain"]


def test_a_run_starts_when_the_runs_it_reads_are_done_and_those_go_first(project, monkeypatch):
    """No stage waits for another: `reader` reads `early` only, so it is decided and executed while runs it
    does not read still wait; `early` goes before the longer `late` because `reader` follows it
    (critical_path_seconds: its own seconds plus those of the longest chain of runs that read it)."""
    def run(name, cost, reads=()):
        return runs.Run(name=name, notebook=Path("notebooks/x.ipynb"), title={"en": name}, cost=cost, reads=reads)

    early, late, other, reader = run("early", 5), run("late", 8), run("other", 1), run("reader", 6, ("early",))
    assert pipeline.critical_path_seconds([early, late, other, reader]) == {"early": 11, "late": 8, "other": 1,
                                                                           "reader": 6}
    started = []
    monkeypatch.setattr(pipeline, "execute",
                        lambda r, key, meta: started.append(r.name) or pipeline.Outcome(r.name, True, 0))
    workers = pipeline.Workers(1, pipeline.critical_path_seconds([early, late, other, reader]))
    workers.submit([(r, "k") for r in (late, other, early)], {})
    assert workers.next().run == "early"
    workers.submit([(reader, "k")], {})  # now ready: before the shorter run still waiting
    while workers.busy:
        workers.next()
    workers.close()
    assert started == ["early", "late", "reader", "other"]
