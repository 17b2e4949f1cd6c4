"""Provenance of a build: code version, environment, data and parameters."""
from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

from ..data.io import sha256_file

KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "seaborn", "matplotlib",
                "pingouin", "semopy", "factor_analyzer", "papermill", "nbconvert")
LOCK_FILE = Path("requirements.lock")


def git_state() -> dict:
    """Commit hash and whether the work tree has uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown (not a git checkout)", "dirty": None}
    return {"commit": commit, "dirty": dirty}


def environment() -> dict:
    """Python, platform, lock-file hash and key package versions."""
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "lock_sha256": sha256_file(LOCK_FILE) if LOCK_FILE.is_file() else "no lock file",
        "packages": versions,
    }
