"""The build: validate the survey, run every configured notebook with papermill, render HTML.

Each step has declared inputs; a step whose inputs hash to the key recorded at its last success
is skipped. Every output is written to a temporary place and moved into `reports/` only when
the whole run succeeded; a failed run leaves its partial notebook in `reports/failed/` and no
report that could pass for current. Heavy libraries are imported only when work is needed, so
a no-op build stays fast.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import yaml

from . import dataset
from .io import atomic_write_text, sha256_file

CONFIG = Path("pipeline.yml")
REPORTS = Path("reports")
BUILD = REPORTS / ".build"
FAILED = REPORTS / "failed"
RESULTS = REPORTS / "results"
PROVENANCE = REPORTS / "provenance"
PACKAGE_DIR = Path(__file__).resolve().parent
KERNEL_HASH_SEED = "0"
SUPPLIED = ("data_path", "results_path")  # parameters the pipeline fills in itself
INPUTS = ("notebooks", "data/raw", "pipeline.yml", "requirements.lock")  # what a build reads


def copy_inputs(root: Path, dest: Path) -> None:
    """Copy everything a build reads from the project at `root` into `dest` (scratch builds)."""
    for name in INPUTS:
        src, dst = root / name, dest / name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


class ConfigError(Exception):
    """The pipeline configuration or a run's parameters are invalid."""


@dataclass(frozen=True)
class Run:
    """One papermill execution of a notebook with parameters."""

    name: str
    notebook: Path
    title: str
    parameters: dict = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return REPORTS / f"{self.name}.html"

    @property
    def executed(self) -> Path:
        return REPORTS / f"{self.name}.ipynb"

    @property
    def pdf(self) -> Path:
        return REPORTS / f"{self.name}.pdf"

    @property
    def results(self) -> Path:
        return RESULTS / f"{self.name}.json"

    @property
    def provenance(self) -> Path:
        return PROVENANCE / f"{self.name}.json"

    @property
    def key_file(self) -> Path:
        return BUILD / f"{self.name}.key"

    def outputs(self) -> list[Path]:
        """Outputs that must exist for the run to be current (the PDF is optional: no engine, no PDF)."""
        return [self.html, self.executed, self.results, self.provenance]


@dataclass
class Outcome:
    run: str
    ok: bool
    seconds: float
    message: str = ""


# --------------------------------------------------------------------------- configuration
def notebook_parameters(notebook: Path) -> dict[str, object]:
    """Default values of the notebook's `parameters` cell, by name."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return {t.id: ast.literal_eval(node.value) for node in tree.body
                    if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    raise ConfigError(f"{notebook}: no cell tagged 'parameters'")


def check_parameters(run_name: str, notebook: Path, params: dict) -> None:
    """Reject unknown names, wrong types and invalid district/group/language values, listing valid ones."""
    from .codebook import LANGS, load_codebook

    declared = notebook_parameters(notebook)
    for name, value in params.items():
        if name not in declared:
            raise ConfigError(f"run {run_name!r}: unknown parameter {name!r} for {notebook}; "
                              f"valid: {', '.join(sorted(declared))}")
        expected = type(declared[name])
        if declared[name] is not None and not isinstance(value, expected) or (
                expected is int and isinstance(value, bool)):
            raise ConfigError(f"run {run_name!r}: parameter {name!r} must be {expected.__name__}, "
                              f"got {type(value).__name__} {value!r}")
    districts = load_codebook().district_ids
    valid = {"district": districts, "group": [*districts, "pooled"], "lang": list(LANGS)}
    for name, allowed in valid.items():
        if name in params and params[name] not in allowed:
            raise ConfigError(f"run {run_name!r}: {name}={params[name]!r} is not valid; "
                              f"valid: {', '.join(allowed)}")


def load_runs(config: Path = CONFIG) -> list[Run]:
    """The runs declared in the pipeline configuration, parameters checked."""
    spec = yaml.safe_load(config.read_text(encoding="utf-8"))
    common = spec.get("common_parameters", {})
    runs, seen = [], set()
    for entry in spec["runs"]:
        name = entry["name"]
        if name in seen:
            raise ConfigError(f"{config}: run name {name!r} used twice")
        seen.add(name)
        notebook = Path(entry["notebook"])
        if not notebook.is_file():
            raise ConfigError(f"{config}: run {name!r}: notebook {notebook} not found")
        params = {**common, **entry.get("parameters", {})}
        bad = [p for p in SUPPLIED if p in params]
        if bad:
            raise ConfigError(f"{config}: run {name!r} sets {', '.join(bad)}, which the pipeline supplies")
        check_parameters(name, notebook, params)
        runs.append(Run(name=name, notebook=notebook, title=entry.get("title", name), parameters=params))
    return runs


# --------------------------------------------------------------------------- hashing
def tree_hash(root: Path, patterns: tuple[str, ...] = ("*.py", "*.yaml", "*.j2", "*.css", "*.json")) -> str:
    """Hash of the files under `root` matching the patterns (names and contents)."""
    h = hashlib.sha256()
    files = sorted({p for pat in patterns for p in root.rglob(pat) if "__pycache__" not in p.parts})
    for path in files:
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def environment_key() -> str:
    """Hash of what every step depends on besides its own inputs: package code and lock file."""
    lock = Path("requirements.lock")
    return hashlib.sha256((tree_hash(PACKAGE_DIR) + (sha256_file(lock) if lock.is_file() else "")).encode()).hexdigest()


def digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# --------------------------------------------------------------------------- data step
def data_step(source: Path, env_key: str) -> dict:
    """Validate and convert the survey unless the processed copy is current; return its metadata."""
    key = digest("data", sha256_file(source), str(source), env_key)
    meta = dataset.read_meta()
    if meta and meta.get("key") == key:
        print(f"data   {source}: unchanged, {meta['rows']} firms")
        return meta
    start = time.perf_counter()
    meta = dataset.prepare_survey(source, key=key)
    kind = "synthetic" if meta["synthetic"] else "user-supplied"
    print(f"data   {source}: validated {meta['rows']} firms ({kind}) in {time.perf_counter() - start:.1f} s")
    return meta


# --------------------------------------------------------------------------- notebook runs
def run_key(run: Run, data_key: str, env_key: str) -> str:
    template_hash = tree_hash(PACKAGE_DIR / "templates") if (PACKAGE_DIR / "templates").is_dir() else ""
    from .render import pdf_engine

    return digest("run", sha256_file(run.notebook), run.parameters, data_key, env_key, template_hash,
                  sha256_file(dataset.PUBLISHED), pdf_engine() is not None)


def is_current(run: Run, key: str) -> bool:
    return (run.key_file.is_file() and run.key_file.read_text().strip() == key
            and all(p.is_file() for p in run.outputs()))


def remove_outputs(run: Run) -> None:
    """Remove a run's key first, then its outputs, so nothing stale looks current."""
    run.key_file.unlink(missing_ok=True)
    for path in [*run.outputs(), run.pdf]:
        path.unlink(missing_ok=True)


def execute(run: Run, key: str, data_meta: dict) -> Outcome:
    """Run one notebook and render it; on any failure keep the partial notebook in reports/failed/."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    from .provenance import environment, git_state
    from .render import pdf_engine, render_html, render_pdf

    start = time.perf_counter()
    print(f"start  {run.name}\n", end="", flush=True)  # one write: lines of parallel workers stay whole
    remove_outputs(run)
    tmp = BUILD / "tmp" / run.name
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    executed, results = tmp / f"{run.name}.ipynb", tmp / f"{run.name}.json"
    params = {**run.parameters, "data_path": str(dataset.PROCESSED), "results_path": str(results)}
    # kernels inherit a fixed hash seed: some libraries (semopy) order parameters by set iteration,
    # so an ill-conditioned fit would otherwise differ in the last digits from one run to the next
    os.environ["PYTHONHASHSEED"] = KERNEL_HASH_SEED
    # IPC sockets in a private directory: no TCP port races between parallel kernels
    sockets = Path(tempfile.mkdtemp(prefix="cooperate-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    try:
        pm.execute_notebook(str(run.notebook), str(executed), parameters=params, kernel_name="python3",
                            language="python", progress_bar=False, cwd=os.getcwd(), config=config,
                            # the kernel logs a harmless KeyboardInterrupt when it is shut down
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        if not results.is_file():
            raise RuntimeError(f"{run.notebook} finished without writing its results file")
        seconds = time.perf_counter() - start
        prov = {"run": run.name, "notebook": str(run.notebook), "parameters": run.parameters,
                "data": {k: data_meta[k] for k in ("source_name", "source_sha256", "synthetic", "rows")},
                "seed": run.parameters.get("seed"), "git": git_state(), **environment(),
                "wall_time_seconds": round(seconds, 1)}
        html_tmp = tmp / f"{run.name}.html"
        render_html(executed, html_tmp, title=run.title, provenance=prov, lang=run.parameters.get("lang", "en"))
        outputs = [(executed, run.executed), (results, run.results), (html_tmp, run.html)]
        engine = pdf_engine()
        if engine:
            render_pdf(html_tmp, tmp / f"{run.name}.pdf", engine)
            outputs.append((tmp / f"{run.name}.pdf", run.pdf))
        prov_tmp = tmp / "provenance.json"
        prov_tmp.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        for src, dst in [*outputs, (prov_tmp, run.provenance)]:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
        (FAILED / f"{run.name}.ipynb").unlink(missing_ok=True)
        atomic_write_text(run.key_file, key + "\n")
        return Outcome(run.name, True, time.perf_counter() - start)
    except Exception as exc:  # any failure: report it, keep the partial notebook, leave no report
        if isinstance(exc, PapermillExecutionError):
            first_line = next((ln for ln in exc.source.splitlines() if ln.strip()), "")
            message = (f"{run.notebook}: code cell In [{exc.exec_count}] starting {first_line!r}\n"
                       f"       {exc.ename}: {exc.evalue}")
        else:
            message = f"{type(exc).__name__}: {exc}" + _running_cell(executed)
        if executed.is_file():
            FAILED.mkdir(parents=True, exist_ok=True)
            os.replace(executed, FAILED / f"{run.name}.ipynb")
            message += f"\n       partial notebook: {FAILED / (run.name + '.ipynb')}"
        remove_outputs(run)
        return Outcome(run.name, False, time.perf_counter() - start, message)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)


def _running_cell(executed: Path) -> str:
    """Where a run stopped without a cell error (e.g. the kernel died): the last cell started."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    started = [c for c in cells
               if c["cell_type"] == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ""
    first = next((ln for ln in "".join(started[-1]["source"]).splitlines() if ln.strip()), "")
    return f"\n       while running the code cell starting {first!r}"


def _execute_in_worker(root: str, run: Run, key: str, data_meta: dict) -> Outcome:
    os.chdir(root)
    return execute(run, key, data_meta)


# --------------------------------------------------------------------------- the build
def build(data: Path | None = None, jobs: int = 3, force: bool = False, config: Path = CONFIG) -> int:
    """Run the whole pipeline; return the process exit status (0 = every run succeeded)."""
    from .index import write_index
    from .render import pdf_engine
    from .replication import write_replication

    started = time.perf_counter()
    runs = load_runs(config)
    dataset.verify_manifest()
    source = Path(data) if data else dataset.DEFAULT_SURVEY
    env_key = environment_key()
    data_meta = data_step(source, env_key)
    pending = []
    for run in runs:
        key = run_key(run, data_meta["key"], env_key)
        if not force and is_current(run, key):
            print(f"skip   {run.name}: up to date")
        else:
            pending.append((run, key))
    outcomes = []
    if pending and pdf_engine() is None:
        print("note   no headless Chromium found: building HTML only (install chromium for PDF reports)")
    if pending:
        workers = max(1, min(jobs, len(pending)))
        print(f"run    {len(pending)} notebook run(s), {workers} in parallel", flush=True)
        if workers == 1:
            outcomes = [execute(run, key, data_meta) for run, key in pending]
            for o in outcomes:
                _report(o)
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(_execute_in_worker, os.getcwd(), run, key, data_meta)
                           for run, key in pending]
                for fut in as_completed(futures):
                    outcomes.append(fut.result())
                    _report(outcomes[-1])
    write_index(runs, data_meta)
    write_replication(runs)
    failed = [o for o in outcomes if not o.ok]
    print(f"built  {len(outcomes) - len(failed)} run(s), skipped {len(runs) - len(pending)}, "
          f"failed {len(failed)} in {time.perf_counter() - started:.1f} s -> {REPORTS / 'index.html'}")
    return 1 if failed else 0


def _report(outcome: Outcome) -> None:
    status = "ok" if outcome.ok else "FAILED"
    print(f"{'done' if outcome.ok else 'FAIL'}   {outcome.run} {outcome.seconds:.1f} s {status}\n", end="", flush=True)
    if outcome.message:
        print(f"       {outcome.message}\n", end="", file=sys.stderr, flush=True)
