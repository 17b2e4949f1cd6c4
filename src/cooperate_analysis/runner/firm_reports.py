"""The firm benchmark reports' fan-out (issue 27): one report per firm and language, HTML and A4 PDF, in
``reports/firms/`` (which the index does not link), each file named by an opaque key.

Scale: the districts' benchmarks and the adoption model are computed once (`present.firm.benchmarks`), then
one process renders many firms (`render_chunk`): a page is a string template, a PDF a tab of the build's
one headless Chromium (`present.pdf`), so the cost per firm is milliseconds plus the print. `make
firm-reports` executes ``notebooks/firm.ipynb`` once with papermill (one kernel for every firm), which calls
`render_all`; `render_dask` sends chunks of firms to the workers of a Dask cluster (``distributed``), each
chunk rendered by one task, for a census beyond one machine.

Names: a file is ``<key>.html`` / ``<key>-it.html`` (and ``.pdf``), ``key`` = the first 24 hex digits of
HMAC-SHA256(secret, firm id). The secret is 32 random bytes kept in ``data/processed/firm_reports.secret``
(outside ``reports/``, never published, created on first use with mode 0600; delete it to give every firm a
new key); ``data/processed/firm_reports_keys.csv`` maps each firm id to its key for whoever sends each firm
its file. Without the secret, a key says nothing about the firm: not its id, not its name.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import pandas as pd

from ..data import dataset, derived
from ..data.codebook import load_codebook
from ..data.io import atomic_write_text
from ..present import firm as firm_report

OUT_DIR = Path("reports/firms")
SECRET = Path("data/processed/firm_reports.secret")
KEYS = Path("data/processed/firm_reports_keys.csv")
KEY_DIGITS = 24


def secret(path: Path = SECRET) -> bytes:
    """The per-data secret of the opaque keys (created on first use, mode 0600)."""
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value.hex() + "\n")
    return value


def opaque_key(firm_id: str, key: bytes) -> str:
    """The file name stem of a firm's report: HMAC-SHA256 of its id under the secret, 24 hex digits."""
    return hmac.new(key, str(firm_id).encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_DIGITS]


def file_name(stem: str, lang: str, ext: str) -> str:
    return f"{stem}.{ext}" if lang == "en" else f"{stem}-{lang}.{ext}"


def load(data_path: Path = dataset.PROCESSED):
    """The analysis frame, the metadata and the benchmarks of a processed survey."""
    cb = load_codebook()
    survey, meta = dataset.load_processed(data_path)
    frame = derived.analysis_frame(survey, cb)
    return frame, meta, firm_report.benchmarks(frame, meta, cb)


def render_chunk(firms: pd.DataFrame, keys: list[str], bench, meta: dict, out_dir: Path, langs=("en", "it"),
                 pdf: bool = False, endpoint: str | None = None, tabs: int = 2) -> list[str]:
    """Write the pages (and PDFs) of `firms` (rows of the analysis frame) under their `keys`; returns the
    names written. One process, many firms; the PDFs through the browser at `endpoint` (else one started
    here for the whole chunk), `tabs` pages printing at a time."""
    from ..present import pdf as pdfs

    cb = load_codebook()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    pages = []
    for (_, row), stem in zip(firms.iterrows(), keys):
        for lang in langs:
            target = out_dir / file_name(stem, lang, "html")
            atomic_write_text(target, firm_report.page(row, bench, lang, meta, cb))
            written.append(target.name)
            pages.append(target)
    if pdf and pages:
        jobs = [(page, page.with_suffix(".pdf")) for page in pages]
        if endpoint:
            pdfs.print_many(jobs, endpoint, tabs)
        else:
            with pdfs.browser(pdfs.pdf_engine() or "chromium") as own:
                pdfs.print_many(jobs, own.endpoint, tabs)
        written += [target.name for _, target in jobs]
    return written


def _keys(frame: pd.DataFrame, key: bytes, keys_file: Path | None) -> list[str]:
    stems = [opaque_key(f, key) for f in frame["firm_id"]]
    if keys_file is not None:
        keys_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = keys_file.with_name(f".{keys_file.name}.tmp")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["firm_id", "key"])
            writer.writerows(zip(frame["firm_id"], stems))
        tmp.replace(keys_file)
    return stems


def render_all(data_path: Path = dataset.PROCESSED, out_dir: Path = OUT_DIR, langs=("en", "it"), pdf: bool = True,
               limit: int | None = None, secret_path: Path = SECRET, keys_file: Path | None = KEYS) -> dict:
    """Every firm's report in this process (one kernel): returns counts and seconds."""
    start = time.perf_counter()
    frame, meta, bench = load(data_path)
    frame = frame.head(limit) if limit else frame
    stems = _keys(frame, secret(secret_path), keys_file)
    loaded = time.perf_counter()
    written = render_chunk(frame, stems, bench, meta, out_dir, langs, pdf=pdf)
    return {"firms": len(frame), "files": len(written), "load_seconds": loaded - start,
            "seconds": time.perf_counter() - start}


def render_dask(client, data_path: Path = dataset.PROCESSED, out_dir: Path = OUT_DIR, langs=("en", "it"),
                pdf: bool = False, chunk: int = 100, secret_path: Path = SECRET,
                keys_file: Path | None = KEYS) -> dict:
    """The same fan-out on a Dask cluster: the benchmarks are computed once here and scattered; each task
    renders one chunk of firms (many firms per task, never a task per firm). `out_dir` must be a folder
    every worker can write (a shared file system on a real cluster)."""
    start = time.perf_counter()
    frame, meta, bench = load(data_path)
    stems = _keys(frame, secret(secret_path), keys_file)
    shared = client.scatter(bench, broadcast=True)
    futures = [client.submit(render_chunk, frame.iloc[i:i + chunk], stems[i:i + chunk], shared, meta,
                             Path(out_dir).resolve(), tuple(langs), pdf, pure=False)
               for i in range(0, len(frame), chunk)]
    written = [name for names in client.gather(futures) for name in names]
    return {"firms": len(frame), "files": len(written), "seconds": time.perf_counter() - start}


NOTEBOOK = Path("notebooks/firm.ipynb")


def prepare(source: Path | None = None, mapping: Path | None = None) -> dict:
    """The data step of the build (validate and convert unless current): the firm reports read the same
    processed survey as the other reports."""
    from .pipeline import data_step, environment_key

    return data_step(Path(source) if source else dataset.DEFAULT_SURVEY, environment_key(), mapping=mapping)


def run_notebook(out_dir: Path = OUT_DIR, langs=("en", "it"), pdf: bool = True, limit: int | None = None) -> Path:
    """Execute `NOTEBOOK` once with papermill: one kernel renders every firm (`render_all`). The executed
    notebook goes to ``data/processed/`` (it names no firm, but it is not a report)."""
    import papermill as pm

    executed = Path("data/processed/firm_reports.ipynb")
    pm.execute_notebook(str(NOTEBOOK), str(executed), kernel_name="python3", language="python",
                        progress_bar=False, cwd=os.getcwd(),
                        parameters={"data_path": str(dataset.PROCESSED), "out_dir": str(out_dir),
                                    "langs": list(langs), "pdf": pdf, "limit": limit or 0},
                        extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    return executed


def local_cluster(workers: int = 2):
    """A Dask cluster on this machine (processes, one thread each) and its client."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return cluster, Client(cluster)
