"""A no-op build without the build's imports: the stamp of the last complete build.

A build that ended with every run current or skipped for a stated reason, and none failed, writes
`reports/.build/complete.json`: a hash of everything the build reads (a superset of each step's
inputs: the package's files, the lock file, the configuration, the notebooks, every file of
data/raw/, the survey and mapping given, CITATION.cff, the PDF engine found, the COOPERATE_*
settings) and of what it wrote (the name, size and modification time of every file in reports/
and data/processed/). The next `build` computes the same hash first, with the standard library
only: if it is equal, nothing the build would look at has changed, so the build says so and stops
without loading pandas or the statistics stack (issue 28: a no-op build within 0.5 s). Anything
else (a changed or new input, a report deleted or touched, `--force`) goes to the full build,
which decides run by run (`pipeline._build`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from ..data.io import atomic_write_text

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPORTS, PROCESSED = Path("reports"), Path("data/processed")
STAMP = REPORTS / ".build" / "complete.json"
READ = (Path("requirements.lock"), Path("CITATION.cff"), Path("notebooks"), Path("data/raw"))
# none changes what a build writes: a process id, the number of parallel runs, where the citeproc cache is
IGNORED_SETTINGS = ("COOPERATE_BUILD_PID", "COOPERATE_JOBS", "COOPERATE_CITEPROC_CACHE")


def _contents(path: Path, digest) -> None:
    """Names and bytes of `path` (a file, or every file under a folder), into `digest`."""
    files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
        if path.is_dir() else [path]
    for file in files:
        try:
            data = file.read_bytes()
        except OSError:  # a file that vanished or cannot be read: the stamp cannot match
            data = b"\0unreadable"
        digest.update(f"{file}\0{len(data)}\0".encode() + data)


def _listing(folder: Path, digest) -> None:
    """Names, sizes and modification times of the files under `folder` but the stamp itself."""
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and p != STAMP):
        try:
            stat = file.stat()
        except OSError:
            continue
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())


def key(config: Path, data: Path | None, mapping: Path | None) -> str:
    """The hash of everything a build with these arguments reads, and of what the last one wrote."""
    from ..present.pdf import CHROMIUM_NAMES

    digest = hashlib.sha256()
    for path in (PACKAGE_DIR, *READ, config, *(p for p in (data, mapping) if p is not None)):
        digest.update(f"\0input {path}\0".encode())
        if path.exists():
            _contents(path, digest)
    settings = {k: v for k, v in os.environ.items()  # an empty setting is no setting (make exports them all)
                if k.startswith("COOPERATE_") and k not in IGNORED_SETTINGS and v}
    engine = next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)
    digest.update(json.dumps([str(config), str(data), str(mapping), settings, engine, sys.executable,
                              sys.version], sort_keys=True).encode())
    for folder in (REPORTS, PROCESSED):
        digest.update(f"\0output {folder}\0".encode())
        _listing(folder, digest)
    return digest.hexdigest()


def current(config: Path, data: Path | None, mapping: Path | None) -> dict | None:
    """The stamp's summary if nothing changed since the last complete build, else None."""
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("key") != key(config, data, mapping):
        return None
    return stamp


def write(config: Path, data: Path | None, mapping: Path | None, summary: dict) -> None:
    """Record a complete build (call it last: the stamp lists the files written before it)."""
    atomic_write_text(STAMP, json.dumps({**summary, "key": key(config, data, mapping)}, sort_keys=True) + "\n")


def forget() -> None:
    """Remove the stamp: a build is about to change the outputs. (A reports/ that is not a folder has no
    stamp; the build then refuses it with its own message.)"""
    try:
        STAMP.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass
