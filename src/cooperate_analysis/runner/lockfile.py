"""The pinned environment: read `requirements.lock`, write the matching `environment.yml`."""
from __future__ import annotations

import re
from pathlib import Path

from ..data.io import atomic_write_text

LOCK = Path("requirements.lock")
ENVIRONMENT_YML = Path("environment.yml")
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def pins(lock: Path = LOCK) -> dict[str, str]:
    """{package: version} for every package pinned in the lock file."""
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m:
            found[m.group(1).lower()] = m.group(2)
    return found


def environment_yml(lock: Path = LOCK) -> str:
    """conda/Binder environment with the lock file's exact pins (installed by pip)."""
    lines = ["# Generated from requirements.lock by `make lock`; do not edit by hand.",
             "name: cooperate-analysis", "channels:", "  - conda-forge", "dependencies:",
             "  - python=3.11", "  - pip", "  - pip:"]
    lines += [f"      - {name}=={version}" for name, version in sorted(pins(lock).items())]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def write_environment_yml(lock: Path = LOCK, target: Path = ENVIRONMENT_YML) -> None:
    atomic_write_text(target, environment_yml(lock))
