"""Shared fixtures: a valid survey built from the codebook, and an isolated project copy."""
from __future__ import annotations

import os
import shutil
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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

    root = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    project = root / "default_build"
    with open(root / "default_build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (project / "reports" / "index.html").is_file():
            shutil.rmtree(project, ignore_errors=True)
            copy_inputs(ROOT, project)
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(project)
                assert pipeline.build(jobs=3) == 0
    return project


@pytest.fixture(scope="session")
def pseudo_truth(request) -> dict:
    """`synthetic.ground_truth()` (the default design's pseudo-truth, about 10 s of CPU) computed
    once and kept in the pytest cache under a key hashing every file of the data package (the
    generator, the codebook and the population inputs), so workers and later sessions read it back;
    each test gets its own copy."""
    import copy
    import hashlib

    from cooperate_analysis.data import synthetic

    package = Path(synthetic.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    key = f"cooperate/ground_truth/{digest.hexdigest()[:32]}"
    truth = request.config.cache.get(key, None)
    if truth is None:
        truth = synthetic.ground_truth()
        request.config.cache.set(key, truth)
    return copy.deepcopy(truth)


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
