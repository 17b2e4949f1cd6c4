"""Shared fixtures: a valid survey built from the codebook, and an isolated project copy."""
from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.runner import runs, uptodate
from cooperate_analysis.runner.runs import copy_inputs
from cooperate_analysis.data.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
# Every Italian message the tests (and the builds they start) ask for must be in the catalogs.
os.environ.setdefault("COOPERATE_STRICT_I18N", "1")
# One citeproc cache for the whole test session (each project copy would otherwise run pandoc again).
os.environ.setdefault("COOPERATE_CITEPROC_CACHE", os.path.join(
    os.environ.get("PYTEST_CITEPROC_BASE", "/tmp"), f"cooperate-citeproc-{os.getuid()}"))


@contextmanager
def deadline(seconds: int = 30):
    """Fail (instead of hanging the suite) if the block takes longer than `seconds`: a read that opened a
    FIFO or a device, a zip bomb, a YAML alias tree."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def assert_within_edges(fig, name: str, drawn: bool = False) -> None:
    """Everything `fig` draws lies within its canvas. The saved PNG is the tight bounding box of what is drawn,
    so a label or legend past an edge widens the image and the whole figure prints smaller. `drawn`: the
    figure is drawn as it stands, else it is drawn first."""
    if not drawn:
        fig.canvas.draw()
    box, width = fig.get_tightbbox(fig.canvas.get_renderer()), fig.get_figwidth()
    assert box.x0 >= -0.5 / fig.dpi and box.x1 <= width + 0.5 / fig.dpi, \
        f"{name}: drawn from {box.x0:.3f} to {box.x1:.3f} in, the figure is {width:.3f} in wide"


def make_survey(n: int = 30, seed: int = 0) -> pd.DataFrame:
    """A small survey that follows the codebook, with arbitrary (uninformative) values."""
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    cols = {}
    for v in cb.variables:
        if v.type == "id":
            cols[v.name] = [f"T-{i:04d}" for i in range(n)]
        elif v.name == "district":
            cols[v.name] = [cb.district_ids[i % 3] for i in range(n)]
        elif v.type == "binary":
            cols[v.name] = rng.integers(0, 2, n)
        elif v.type == "likert":
            cols[v.name] = rng.integers(v.min, v.max + 1, n)
        elif v.type == "category":
            cols[v.name] = rng.choice(v.values, n)
        elif v.type == "number":
            cols[v.name] = rng.uniform(v.min, v.max, n).round(1)
        else:
            cols[v.name] = rng.integers(1, 200, n)
    # the codebook's cross-column rules: certification status 1 (held) exactly when the dummy is 1,
    # home-workers counted among the employees
    for status, held in cb.cert_status_items().items():
        cols[status] = np.where(np.asarray(cols[held]) == 1, 1, rng.integers(2, 4, n))
    cols["wf_home_workers"] = np.minimum(cols["wf_home_workers"], cols["employees"])
    return pd.DataFrame(cols)


@pytest.fixture
def survey() -> pd.DataFrame:
    return make_survey()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's inputs in a temporary directory, made the working directory."""
    copy_inputs(ROOT, tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def default_build(tmp_path_factory, worker_id) -> Path:
    """One full build of the default (synthetic) survey, shared read-only by every end-to-end test
    that inspects its outputs. Under pytest-xdist the first worker that needs it builds it while the
    others wait on a file lock, so the build is made once per test session."""
    import fcntl

    from cooperate_analysis.runner import pipeline

    root = _shared_root(tmp_path_factory, worker_id)
    project = root / "default_build"
    with open(root / "default_build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (project / "reports" / "index.html").is_file():
            shutil.rmtree(project, ignore_errors=True)
            copy_inputs(ROOT, project)
            if _checkout_build_is_current():  # `make reports` ran first (CI): its outputs, copied
                for folder in (uptodate.REPORTS, uptodate.PROCESSED):
                    shutil.rmtree(project / folder, ignore_errors=True)
                    shutil.copytree(ROOT / folder, project / folder, symlinks=True)
            else:
                with pytest.MonkeyPatch.context() as mp:
                    mp.chdir(project)
                    assert pipeline.build(jobs=3) == 0
    return project


def _checkout_build_is_current() -> bool:
    """Whether the checkout's own reports/ and data/processed/ are a complete default build of the code and
    inputs under test, by the stamp a build leaves when it completes (`runner.uptodate`: it hashes every
    input and every output file's name, size and modification time). CI runs `make reports` before the
    slow tests, and they read that build instead of making the same one again; anywhere else (no stamp,
    another survey, anything changed since) the fixture builds its own."""
    if not (ROOT / uptodate.STAMP).is_file():
        return False
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        return uptodate.current(runs.CONFIG, None, None) is not None


def _shared_root(tmp_path_factory, worker_id) -> Path:
    """The folder every pytest-xdist worker of this session sees (the session's own temporary folder
    without xdist): where the file locks of the shared fixtures live."""
    return tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent


def computed_once(tmp_path_factory, worker_id, name: str, compute):
    """`compute()`, run once per test session however many pytest-xdist workers ask: the first computes it
    and pickles it to the session's shared folder while the others wait on a file lock, then read it. For a
    costly module fixture (a Monte Carlo study) whose tests work stealing may give to both workers."""
    import fcntl
    import pickle

    root = _shared_root(tmp_path_factory, worker_id)
    path = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            value = compute()
            path.with_suffix(".partial").write_bytes(pickle.dumps(value))
            path.with_suffix(".partial").rename(path)
            return value
    return pickle.loads(path.read_bytes())


@pytest.fixture(scope="session")
def truth_cache(request, tmp_path_factory, worker_id) -> None:
    """Fill the per-process cache of `synthetic._pseudo_truth` for the default design (the estimands on a
    very large sample, about 10 s of CPU, the costly part of `synthetic.ground_truth()` and so of
    `write_synthetic()`), so that every test that writes or checks the default survey's truth reads it.
    It is computed once and kept in the pytest cache under a key hashing every file of the data package
    (the generator, the codebook and the population inputs) and the versions of the numerical libraries;
    under pytest-xdist the first worker that needs it computes it while the others wait on a file lock."""
    import fcntl
    import hashlib
    from importlib.metadata import version

    from cooperate_analysis.data import synthetic

    package = Path(synthetic.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for library in ("numpy", "scipy", "pandas", "statsmodels"):
        digest.update(f"{library}=={version(library)}\0".encode())
    key = f"cooperate/pseudo_truth/{digest.hexdigest()[:32]}"
    with open(_shared_root(tmp_path_factory, worker_id) / "pseudo_truth.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = request.config.cache.get(key, None)
        if cached is None:
            synthetic._TRUTH_CACHE.clear()
            synthetic._pseudo_truth()
            [(design, values)] = synthetic._TRUTH_CACHE.items()
            request.config.cache.set(key, {"design": design, "values": values})
        else:
            synthetic._TRUTH_CACHE[cached["design"]] = tuple(cached["values"])


@pytest.fixture(scope="session")
def pseudo_truth(truth_cache) -> dict:
    """`synthetic.ground_truth()` of the default design (its pseudo-truth read from `truth_cache`)."""
    from cooperate_analysis.data import synthetic

    return synthetic.ground_truth()


MAKE_VARIABLES = ("COOPERATE_DATA", "COOPERATE_JOBS", "COOPERATE_MAPPING", "DATA", "JOBS", "MAPPING")


@pytest.fixture
def make_project(tmp_path) -> Path:
    """The Makefile with an installed-looking environment whose python only records what it was
    given: its arguments and the variables in MAKE_VARIABLES, written to called.json."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    recorder = venv / "python"
    recorder.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                        f"json.dump({{'argv': sys.argv[1:], 'env': {{k: os.environ.get(k) for k in {MAKE_VARIABLES!r}}}}},"
                        " open('called.json', 'w'))\n")
    recorder.chmod(0o755)
    (tmp_path / ".venv" / ".installed").touch()
    return tmp_path


# Collection imports pandas, SciPy, statsmodels, matplotlib, sympy (semopy) and nbformat into every worker:
# about 0.8 million long-lived objects that each full garbage collection would walk again (jsonschema's
# rfc3987_syntax alone took 4.6 s instead of 1 s to import, behind the libraries loaded before it). The
# collector is off while the test modules are imported, and what they loaded is then frozen: still
# alive, never scanned again. Objects the tests make are collected as usual.
@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.enable()


# The tests never write into the checkout's build: a test that did (a `build` run from the checkout's folder
# replaced the completion stamp `make reports` had left) made `make test-slow` build the default survey again
# instead of copying it (`default_build`), and would leave a user's reports/ other than `make reports` made them.
# The controller lists reports/ and data/processed/ (names, sizes, modification times) before and after the
# session, and fails the session if they differ.
def _checkout_outputs() -> dict:
    listing = {}
    for folder in (uptodate.REPORTS, uptodate.PROCESSED):
        for path in sorted((ROOT / folder).rglob("*")):
            try:
                stat = path.stat()
            except OSError:  # gone while listed: it is then absent from this listing
                continue
            if path.is_file():
                listing[str(path.relative_to(ROOT))] = (stat.st_size, stat.st_mtime_ns)
    return listing


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        session.config._checkout_outputs = _checkout_outputs()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_checkout_outputs", None)
    if before is None:
        return
    after = _checkout_outputs()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(f"the tests changed the checkout's build ({len(changed)} file(s)): "
                            f"{', '.join(changed[:10])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
