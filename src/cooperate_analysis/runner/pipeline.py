"""The build: validate the survey, run every configured notebook with papermill, render its reports.

Each step has declared inputs; a step whose inputs hash to the key recorded at its last success
is skipped. Every output is written to a temporary place and moved into `reports/` only when
the whole run succeeded; a failed run leaves its partial notebook in `reports/failed/` and no
report that could pass for current. Heavy libraries are imported only when work is needed, so
a no-op build stays fast.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator

from ..data import dataset, population
from ..data.io import atomic_write_text, check_survey_path, sha256_file
from .runs import BUILD, CONFIG, FAILED, REPORTS, ConfigError, Run, load_runs

OWN_FOLDERS = (REPORTS, Path("data/processed"))  # the only places a build writes or deletes
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# thread pools of the numerical libraries in each kernel, and the cores joblib counts (its n_jobs=-1:
# the specification curve's threads); a variable the user set is left as it is
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LOKY_MAX_CPU_COUNT")
USER_THREADS = {variable: os.environ[variable] for variable in THREAD_VARIABLES if variable in os.environ}
SOCKETS_PREFIX = "cooperate-kernel-"  # + build pid: kernel IPC sockets in the system temp folder


@dataclass
class Outcome:
    run: str
    ok: bool
    seconds: float
    message: str = ""


# --------------------------------------------------------------------------- hashing
def tree_hash(root: Path, patterns: tuple[str, ...] = ("*.py", "*.yaml", "*.j2", "*.css", "*.json", "*.po")) -> str:
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
def data_step(source: Path, env_key: str, before_write=None, mapping: Path | None = None) -> dict:
    """Validate and convert the survey unless the processed copy is current; return its metadata.

    `before_write` is called after validation passed and before the processed survey is replaced.
    The key covers the mapping file's bytes too: a changed mapping validates the data again.
    """
    parts = ("mapping", sha256_file(mapping), str(mapping)) if mapping is not None else ()
    key = digest("data", sha256_file(source), str(source), env_key, *parts)
    meta = dataset.read_meta()
    if meta and meta.get("key") == key:
        print(f"data   {source}: unchanged, {meta['rows']} firms")
        return meta
    start = time.perf_counter()
    meta = dataset.prepare_survey(source, key=key, before_write=before_write, mapping=mapping,
                                  frame=population.population_frame())
    for note in meta.get("mapping_notes", ()):
        print(note)
    for warning in meta.get("warnings", ()):
        print(warning)
    kind = "synthetic" if meta["synthetic"] else "user-supplied"
    print(f"data   {source}: validated {meta['rows']} firms ({kind}) in {time.perf_counter() - start:.1f} s")
    for note in meta.get("population_notes", ()):
        print(f"note   {note}")
    return meta


# --------------------------------------------------------------------------- notebook runs
def run_key(run: Run, data_key: str, env_key: str) -> str:
    """What a run's outputs depend on: notebook, parameters, data, package and lock, templates, the
    published facts (figures, the names of their measures, milestones, actors) and population frame it
    reads, and whether a PDF engine is there."""
    from ..data import report_facts
    from ..data.population import FRAME
    from ..present.pdf import pdf_engine
    from ..present.render import TEMPLATES

    return digest("run", sha256_file(run.notebook), run.parameters, run.languages, data_key, env_key,
                  tree_hash(TEMPLATES), sha256_file(dataset.PUBLISHED), sha256_file(dataset.MILESTONES),
                  sha256_file(dataset.ACTORS), sha256_file(dataset.PUBLISHED_LABELS), sha256_file(FRAME),
                  *(sha256_file(p) for p in (dataset.INDICATORS_FILE, dataset.DEFINITIONS, dataset.UNITS_FILE,
                                             dataset.RELATIONS, *report_facts.FILES)),
                  pdf_engine() is not None)


def reads_key(run: Run, runs: dict[str, Run]) -> str:
    """What a run that reads other runs' results depends on besides its own inputs: the SHA-256 of every
    results file (each language) of every run it reads (`runs`: the declared runs by name), so it is
    rebuilt when any of them changes, and of CITATION.cff (the paper's authors)."""
    files = {f"{name}:{lang}": sha256_file(runs[name].results(lang)) if runs[name].results(lang).is_file() else None
             for name in run.reads for lang in runs[name].languages}
    citation = Path("CITATION.cff")
    return digest("reads", files, sha256_file(citation) if citation.is_file() else None)


def reads_reason(run: Run, current: set[str]) -> str:
    """Why a run that reads other runs cannot be built now ('' when every run it reads is current)."""
    missing = [name for name in run.reads if name not in current]
    return f"not built: it reads the results of {', '.join(missing)}, which were not built" if missing else ""


def is_current(run: Run, key: str) -> bool:
    from ..present.pdf import pdf_engine

    expected = [*run.outputs(), *(run.pdfs() if pdf_engine() else [])]
    return (run.key_file.is_file() and run.key_file.read_text().strip() == key
            and all(p.is_file() for p in expected))


def remove_outputs(run: Run) -> None:
    """Remove a run's key first, then its outputs, so nothing stale looks current."""
    inside_build(run.key_file).unlink(missing_ok=True)
    for path in [*run.outputs(), *run.pdfs()]:
        inside_build(path).unlink(missing_ok=True)


def execute(run: Run, key: str, data_meta: dict) -> Outcome:
    """Run one notebook once and render its report in each language; on any failure keep the
    partial notebook in reports/failed/."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import kernel

    from ..present.pdf import pdf_engine, print_pdf
    from ..present.render import render_html
    from .provenance import environment, git_state
    from .results import localized_path

    start = time.perf_counter()
    print(f"start  {run.name}\n", end="", flush=True)  # one write: lines of parallel workers stay whole
    remove_outputs(run)
    tmp = inside_build(BUILD / "tmp" / run.name)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    executed, results = tmp / f"{run.name}.ipynb", tmp / f"{run.name}.json"
    params = {**run.parameters, "data_path": str(dataset.PROCESSED), "results_path": str(results),
              "langs": list(run.languages)}
    try:
        # this process's kernel, kept from its previous run (runner/kernel.py)
        warm = kernel.kernel(_socket_prefix())
        pm.execute_notebook(str(run.notebook), str(executed), parameters=params, kernel_name=kernel.KERNEL_NAME,
                            language="python", progress_bar=False, cwd=os.getcwd(), engine_name=kernel.ENGINE,
                            km=warm.manager, config=warm.config, extra_arguments=kernel.EXTRA_ARGUMENTS)
        missing = [localized_path(results, lang).name for lang in run.languages
                   if not localized_path(results, lang).is_file()]
        if missing:
            raise RuntimeError(f"{run.notebook} finished without writing its results file(s) {', '.join(missing)}")
        seconds = time.perf_counter() - start
        engine = pdf_engine()
        outputs = [(executed, run.executed)]
        for lang in run.languages:
            out = tmp / run.output_name(lang)
            prov = {"run": run.output_name(lang), "notebook": str(run.notebook),
                    "parameters": {**run.parameters, "lang": lang},
                    "data": {k: data_meta[k] for k in ("source_name", "source_sha256", "synthetic", "rows")},
                    "seed": run.parameters.get("seed"), "git": git_state(), **environment(),
                    "wall_time_seconds": round(seconds, 1)}
            render_html(executed, out.with_suffix(".html"), title=run.title_in(lang), provenance=prov, lang=lang,
                        nav=data_meta.get("navigation", {}).get(run.name, {}).get(lang, ""))
            if engine:
                print_pdf(out.with_suffix(".html"), out.with_suffix(".pdf"), engine)
                outputs.append((out.with_suffix(".pdf"), run.pdf(lang)))
            if run.docx:
                from ..present.word import html_to_docx

                html_to_docx(out.with_suffix(".html"), out.with_suffix(".docx"), lang=lang)
                outputs.append((out.with_suffix(".docx"), run.docx_file(lang)))
            prov_tmp = tmp / f"{run.output_name(lang)}.provenance.json"
            prov_tmp.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            outputs += [(localized_path(results, lang), run.results(lang)), (out.with_suffix(".html"), run.html(lang)),
                        (prov_tmp, run.provenance(lang))]
        for src, dst in outputs:
            inside_build(dst).parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
        (FAILED / f"{run.name}.ipynb").unlink(missing_ok=True)
        atomic_write_text(run.key_file, key + "\n")
        return Outcome(run.name, True, time.perf_counter() - start)
    except Exception as exc:  # any failure: report it, keep the partial notebook, leave no report
        kernel.discard()  # the next run starts a new kernel
        if isinstance(exc, PapermillExecutionError):
            first_line = next((ln for ln in exc.source.splitlines() if ln.strip()), "")
            message = (f"{run.notebook}: code cell In [{exc.exec_count}] starting {first_line!r}\n"
                       f"       {exc.ename}: {exc.evalue}")
        else:
            message = f"{type(exc).__name__}: {exc}" + _running_cell(executed)
        if executed.is_file():
            FAILED.mkdir(parents=True, exist_ok=True)
            os.replace(executed, inside_build(FAILED / f"{run.name}.ipynb"))
            message += f"\n       partial notebook: {FAILED / (run.name + '.ipynb')}"
        remove_outputs(run)
        return Outcome(run.name, False, time.perf_counter() - start, message)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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


def _socket_prefix() -> str:
    """The folder prefix of this build's kernel sockets (`_remove_kernel_sockets` removes them)."""
    return f"{SOCKETS_PREFIX}{os.environ.get('COOPERATE_BUILD_PID', os.getpid())}-"


def _worker_init() -> None:
    """Workers leave Ctrl-C to the build process, which stops them: no traceback from each worker. A
    worker starts its kernel at once (`kernel.prestart`: while the build process checks the data, or
    while the worker waits for its first run), and shuts it down when it ends normally."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    atexit.register(_discard_kernel)
    from . import kernel

    kernel.prestart(_socket_prefix())


def _ready() -> None:
    """A task that does nothing: submitted once per worker to spawn the workers before any run is ready."""


def _discard_kernel() -> None:
    """Shut this process's warm kernel down, if it started one."""
    module = sys.modules.get(f"{__package__}.kernel")
    if module is not None:
        module.discard()


def _execute_in_worker(root: str, run: Run, key: str, data_meta: dict) -> Outcome:
    os.chdir(root)
    return execute(run, key, data_meta)


# --------------------------------------------------------------------------- safety
class BuildInterrupted(KeyboardInterrupt):
    """The build process was asked to stop (SIGTERM); handled like Ctrl-C."""


def inside_build(path: Path) -> Path:
    """`path` if it lies inside the build's own folders (reports/, data/processed/); raise otherwise.

    Every file the build deletes or moves into place goes through this check, so no run name,
    configuration or data value can make it touch anything else.
    """
    root = Path.cwd().resolve()
    resolved = (root / path).resolve()
    if not any(resolved.is_relative_to((root / folder).resolve()) for folder in OWN_FOLDERS):
        raise ConfigError(f"refusing to write or delete {path}: outside the build's folders "
                          f"({', '.join(f'{f}/' for f in OWN_FOLDERS)})")
    return path


def check_build_folders() -> None:
    """Refuse, with one line (ConfigError), a build whose folders cannot be written: reports/ or
    data/processed/ (or a folder on their way) existing as a file, or a folder that exists but is
    not writable (a read-only checkout or mount), or whose parent cannot be written to create it."""
    for folder in OWN_FOLDERS:
        path, missing = Path(folder), []
        while not path.exists() and not path.is_symlink() and path != path.parent:
            missing.append(path)
            path = path.parent
        if not path.is_dir():
            raise ConfigError(f"{path} exists but is not a folder: the build writes into {folder}/; "
                              "move the file away and build again")
        if not os.access(path, os.W_OK | os.X_OK):
            what = f"the folder {folder}/" if not missing else f"{path}/ (where the build creates {folder}/)"
            raise ConfigError(f"{what} is not writable: the build writes its outputs there; make it writable "
                              "(chmod u+w) or build in a writable copy of the project")


def _remove_kernel_sockets(pid: int | None = None) -> None:
    """Remove the kernel socket folders of build `pid`, or of every build process that no longer runs."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*-*"):
        owner = folder.name[len(SOCKETS_PREFIX):].partition("-")[0]
        if not owner.isdigit():
            continue
        if pid is None:
            try:
                os.kill(int(owner), 0)
                continue  # that build is still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        elif int(owner) != pid:
            continue
        shutil.rmtree(folder, ignore_errors=True)


class BuildBusy(Exception):
    """Another build holds this checkout's lock."""


@contextmanager
def build_lock(wait: bool = True) -> Iterator[None]:
    """Hold the checkout's build lock for the duration of the block.

    A second build in the same checkout waits for the first (or, with wait=False, refuses with a
    clear message): two builds never share temporary folders or remove each other's outputs. The
    lock is an flock on the project folder itself, so taking it writes nothing, and it is released
    when its holder exits, however it exits.
    """
    import fcntl

    fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildBusy("another build is running in this checkout; wait for it to finish, "
                                "then run the command again") from None
            print("wait   another build is running in this checkout; waiting for it to finish", flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM stops the build as Ctrl-C does (cleanup runs, the index stays true)."""
    def stop(signum, frame):
        raise BuildInterrupted()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def requirement(run: Run, rows_by_district: dict[str, int], labels: dict[str, str]) -> str:
    """Why the data cannot support `run` ('' when they can).

    A run of one district (parameter `district`, or `group` other than pooled) needs firms of that
    district; a pooled run needs firms; a run over every district (no district or group) needs firms of
    `run.min_districts` districts (2 by default: a comparison across districts; the channels report, which
    also reads one district alone, sets 1).
    """
    one = run.parameters.get("district") or run.parameters.get("group")
    present = [d for d, n in rows_by_district.items() if n > 0]
    if one and one != "pooled":
        return "" if rows_by_district.get(one, 0) > 0 else f"no data: the survey has no firms of {labels[one]}"
    if one == "pooled":
        return "" if present else "no data: the survey has no firms"
    if len(present) >= run.min_districts:
        return ""
    if run.min_districts == 2:
        return "not built: a comparison across districts needs firms of two districts"
    return f"not built: the report needs firms of at least {run.min_districts} district(s)"


# --------------------------------------------------------------------------- the build
def build(data: Path | None = None, jobs: int | None = None, force: bool = False, config: Path = CONFIG,
          wait: bool = True, mapping: Path | None = None) -> int:
    """Run the whole pipeline; return the process exit status (0 = every run succeeded).

    The configuration and the data path are checked first; then the build takes the checkout's
    lock, so a second build waits for the first. Ctrl-C or SIGTERM stop it within seconds: workers
    are ended, temporary notebooks removed, and the index names only what the folder holds.
    """
    runs = load_runs(config)
    source = check_survey_path(Path(data) if data else dataset.DEFAULT_SURVEY)
    if mapping:
        from ..data.mapping import check_mapping_path

        mapping = check_mapping_path(mapping)
    check_build_folders()
    with build_lock(wait), _sigterm_as_interrupt():
        os.environ["COOPERATE_BUILD_PID"] = str(os.getpid())  # workers name their kernel folders after it
        _remove_kernel_sockets()  # folders of killed builds
        try:
            return _build(runs, source, jobs, force, mapping or None)
        finally:
            _remove_kernel_sockets(os.getpid())  # workers ended by an interrupt cannot remove theirs


def _build(runs: list[Run], source: Path, jobs: int, force: bool, mapping: Path | None = None) -> int:
    from ..data.codebook import load_codebook
    from ..present.index import PageState, write_index
    from ..present.navigation import navigation
    from ..present.pdf import pdf_engine
    from .replication import write_replication

    started = time.perf_counter()
    dataset.verify_manifest()
    dataset.check_facts()  # a bad facts file stops the build here, before any report is removed or replaced
    env_key = environment_key()
    state = PageState(data_meta=None, status="building")
    priority = critical_path_seconds(runs)  # from the wall times of the last build, before any run replaces them
    outcomes: list[Outcome] = []
    started_runs: list[Run] = []  # every run sent to execution, for the cleanup after an interrupt
    skipped = 0
    with ExitStack() as resources:  # the browser and the workers, ended when the build ends or stops
        citations: list[Future] = []

        def start_workers(count: int) -> Workers:
            if pdf_engine() is None:
                print("note   no headless Chromium found: building HTML only (install chromium for PDF reports)")
            resources.enter_context(_shared_browser(pdf_engine()))
            started = resources.enter_context(Workers(jobs, priority))  # ended before the browser
            started.start(count)
            citations.append(resources.enter_context(ThreadPoolExecutor(1)).submit(_prepare_citations))
            return started

        # a build that will execute runs (forced, or without processed data yet) starts its browser and its
        # workers first: their kernels start and import the libraries while the data are checked
        workers = start_workers(len(runs)) if force or not dataset.PROCESSED.is_file() else None
        # new data are validated first (bad data change nothing); before they replace the processed
        # survey, the index stops naming the old data and reports
        data_meta = data_step(source, env_key, before_write=lambda: write_index(runs, state), mapping=mapping)
        shutil.rmtree(inside_build(BUILD / "tmp"), ignore_errors=True)  # left by a killed build: we hold the lock
        labels = {d: load_codebook().label(d) for d in data_meta["rows_by_district"]}
        state.data_meta = data_meta
        state.missing_districts = [labels[d] for d, n in data_meta["rows_by_district"].items() if n == 0]
        # each report links the reports of the runs these data support (its navigation bar is part of its key)
        navs = navigation(runs, {run.name for run in runs
                                 if not requirement(run, data_meta["rows_by_district"], labels)})

        def finished(outcome: Outcome) -> None:
            outcomes.append(outcome)
            _report(outcome)
            if outcome.ok:
                state.current.add(outcome.run)
            write_index(runs, state)

        by_name = {run.name: run for run in runs}
        settled: set[str] = set()  # runs executed (whether they succeeded or failed) or skipped
        waiting = list(runs)
        try:
            # a run is decided (skipped, or queued with its key) once every run it reads has settled: its key
            # covers their results. No stage waits for another: the paper starts as soon as the runs it
            # reads are done, while runs it does not read are still executing (load_runs refuses a cycle).
            while waiting or (workers is not None and workers.busy):
                ready = [run for run in waiting if all(other in settled for other in run.reads)]
                waiting = [run for run in waiting if run not in ready]
                pending = []
                for run in ready:
                    reason = (requirement(run, data_meta["rows_by_district"], labels)
                              or reads_reason(run, state.current))
                    if reason:
                        remove_outputs(run)  # a report of earlier data must not stand beside these data
                        state.no_data[run.name] = reason
                        print(f"skip   {run.name}: {reason}")
                        skipped += 1
                        settled.add(run.name)
                        continue
                    key = digest(run_key(run, data_meta["key"], env_key), navs[run.name],
                                 *([reads_key(run, by_name)] if run.reads else []))
                    if not force and is_current(run, key):
                        print(f"skip   {run.name}: up to date")
                        state.current.add(run.name)
                        skipped += 1
                        settled.add(run.name)
                    else:
                        pending.append((run, key))
                if ready:
                    write_index(runs, state)
                if pending:
                    if workers is None:
                        workers = start_workers(len(pending))
                    while citations:  # the cache is filled before the first run reads it
                        citations.pop().result()
                    started_runs += [run for run, _key in pending]
                    workers.submit(pending, {**data_meta, "navigation": navs})
                if workers is not None and workers.busy:
                    outcome = workers.next()
                    finished(outcome)
                    settled.add(outcome.run)
                elif waiting and not ready:
                    raise RuntimeError(f"no run can start: {', '.join(run.name for run in waiting)}")  # a cycle
        except KeyboardInterrupt:
            if workers is not None:
                workers.stop()  # the workers end before anything is cleaned up
            done = {o.run for o in outcomes}
            for run in started_runs:
                if run.name not in done:
                    remove_outputs(run)
                    (FAILED / f"{run.name}.ipynb").unlink(missing_ok=True)
            shutil.rmtree(BUILD / "tmp", ignore_errors=True)
            state.status = "interrupted"
            write_replication(runs, state.current, data_meta)
            write_index(runs, state)
            raise
    state.status = "complete"
    write_replication(runs, state.current, data_meta)  # first: the index links the replication pages that exist
    write_index(runs, state)
    failed = [o for o in outcomes if not o.ok]
    print(f"built  {len(outcomes) - len(failed)} run(s), skipped {skipped}, "
          f"failed {len(failed)} in {time.perf_counter() - started:.1f} s -> {REPORTS / 'index.html'}")
    return 1 if failed else 0


def _prepare_citations() -> None:
    """The citations every report's fixed prose needs, rendered into the citation cache in a thread of
    the build process while the data are checked (`bibliography.prepare`): the notebooks, each starting
    with nothing in memory, then read them from the file instead of each running pandoc for the same
    groups. A failure is only noted: the notebook that needs the citation reports it as its own."""
    from ..present import bibliography

    try:
        bibliography.prepare()
    except Exception as exc:  # noqa: BLE001 - pandoc missing or failing: the runs report it with their context
        print(f"note   citations not prepared ahead: {type(exc).__name__}: {exc}")


@contextmanager
def _shared_browser(engine: str | None) -> Iterator[None]:
    """One headless Chromium for every PDF of the build, its address passed to the workers."""
    from ..present.pdf import ENDPOINT_VARIABLE, Browser, PdfError

    if engine is None:
        yield
        return
    try:
        browser = Browser(engine)
    except PdfError as exc:  # each PDF then starts its own browser (and reports its own error)
        print(f"note   {exc}")
        yield
        return
    os.environ[ENDPOINT_VARIABLE] = browser.endpoint
    try:
        yield
    finally:
        os.environ.pop(ENDPOINT_VARIABLE, None)
        browser.close()


def default_jobs() -> int:
    """Notebook runs in parallel by default: one per core (each run's own parallel work, such as the
    specification curve's joblib workers, shares them)."""
    return max(1, os.cpu_count() or 1)


def _share_cores(workers: int) -> None:
    """Each kernel's BLAS / OpenMP threads and joblib's core count: the cores divided among the runs
    executing at once.

    Kernels (and the spawned workers that start them) inherit the environment. With two runs on two
    cores, a kernel's multi-threaded BLAS only competes with the other run: measured (bench/speccurve.py,
    2 cores) the pooled specification curve takes the same wall time with 1 or 2 threads and twice the
    CPU time with 2. So do joblib's threads (the joint test's, `speccurve._map`): on one core the pooled
    joint test took 2.5 s; in two threads 2.0 s of wall time and 3.3 s of CPU, the 0.8 s more taken from
    the other run. A thread count the user set in the environment is kept."""
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    for variable in THREAD_VARIABLES:
        os.environ[variable] = USER_THREADS.get(variable, threads)


def expected_seconds(run: Run) -> float:
    """How long `run` is expected to take: its last recorded wall time, else the `cost` hint of
    pipeline.yml (seconds on the reference machine), else 0."""
    try:
        return float(json.loads(run.provenance(run.languages[0]).read_text(encoding="utf-8"))["wall_time_seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return float(run.cost)


def critical_path_seconds(runs: list[Run]) -> dict[str, float]:
    """Each run's expected seconds plus those of the longest chain of runs that read it, directly or not:
    the order that finishes soonest puts the runs with the longest such path first (list scheduling by
    levels), so the runs the paper reads go before runs it does not need and the paper is not left to
    run alone at the end."""
    readers = {run.name: [other for other in runs if run.name in other.reads] for run in runs}
    levels: dict[str, float] = {}

    def level(run: Run) -> float:
        if run.name not in levels:
            levels[run.name] = expected_seconds(run) + max((level(r) for r in readers[run.name]), default=0.0)
        return levels[run.name]

    for run in runs:
        level(run)
    return levels


class Workers:
    """The processes that execute the runs, for the whole build: each keeps its warm kernel
    (runner/kernel.py), so a run that becomes ready late (the paper, which reads other runs' results)
    does not start a kernel and import the statistics stack again. More than one run at a time runs in
    spawned worker processes, one at a time in this process.

    Runs wait in a queue, the highest `priority` first (seconds: by default the run's expected ones, its
    last recorded wall time, else its `cost` hint; the order of submission on ties), and a worker takes
    the next one when it is free: the short runs fill the cores at the end instead of one long run
    finishing alone, and a run submitted later still goes before the waiting runs of lower priority."""

    def __init__(self, jobs: int | None, priority: dict[str, float] | None = None):
        self.jobs, self.count, self.pool = jobs, None, None
        self.priority = priority or {}
        self.queue: list[tuple[float, Run, str, dict]] = []  # (priority, run, key, data) in the order of execution
        self.flight: list = []  # futures of the runs executing, in submission order

    @property
    def busy(self) -> bool:
        return bool(self.queue or self.flight)

    def start(self, runs: int) -> None:
        """Fix the number of workers for at most `runs` runs (and their threads) and, for more than one,
        spawn them now: each starts its kernel (`_worker_init`) before any run is submitted."""
        if self.count is not None:
            return
        self.count = max(1, min(self.jobs or default_jobs(), runs))
        _share_cores(self.count)
        if self.count > 1:
            self._pool()
            for _ in range(self.count):  # a pool spawns a worker per submission while none is idle
                self.pool.submit(_ready)

    def submit(self, pending: list[tuple[Run, str]], data_meta: dict) -> None:
        """Queue runs. The first submission (or `start`) fixes the number of workers (and their threads)."""
        self.start(len(pending))
        print(f"run    {len(pending)} notebook run(s), {min(self.count, len(pending))} in parallel", flush=True)
        self.queue += [(self.priority[run.name] if run.name in self.priority else expected_seconds(run), run, key,
                        data_meta) for run, key in pending]
        self.queue.sort(key=lambda item: -item[0])  # stable: submission order on ties
        self._fill()

    def next(self) -> Outcome:
        """Wait for one run to finish (in this process: execute the next one) and return its outcome."""
        if self.count == 1:
            _priority, run, key, data_meta = self.queue.pop(0)
            return execute(run, key, data_meta)
        try:
            done, _ = wait(self.flight, return_when=FIRST_COMPLETED)
            future = next(f for f in self.flight if f in done)  # the earliest submitted of those done
            self.flight.remove(future)
            outcome = future.result()
            self._fill()
            return outcome
        except BaseException:
            self.stop()
            raise

    def _fill(self) -> None:
        if self.count == 1:
            return
        self._pool()
        while self.queue and len(self.flight) < self.count:
            _priority, run, key, data_meta = self.queue.pop(0)
            self.flight.append(self.pool.submit(_execute_in_worker, os.getcwd(), run, key, data_meta))

    def _pool(self) -> None:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.count, mp_context=get_context("spawn"),
                                            initializer=_worker_init)

    def stop(self) -> None:
        """End the workers now (their kernels exit with them), before anything is cleaned up."""
        pool, self.pool = self.pool, None
        self.queue, self.flight = [], []
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:  # bad data, an error or an interrupt: the workers end now, not after their runs
            self.stop()
        self.close()

    def close(self) -> None:
        """End the workers (each shuts its kernel down) and this process's kernel."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        _discard_kernel()


def _report(outcome: Outcome) -> None:
    status = "ok" if outcome.ok else "FAILED"
    print(f"{'done' if outcome.ok else 'FAIL'}   {outcome.run} {outcome.seconds:.1f} s {status}\n", end="", flush=True)
    if outcome.message:
        print(f"       {outcome.message}\n", end="", file=sys.stderr, flush=True)
