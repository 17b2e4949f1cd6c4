"""`make verify`: rebuild everything in a scratch copy and compare every recorded number.

The reference is the committed results of the default build in `expected/` (one JSON per run,
written by `make expected`). A number matches when |got - expected| <= abs_tol + rel_tol*|expected|;
strings and integers must be equal. Missing or extra numbers are mismatches.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

EXPECTED = Path("expected")
TOLERANCES = EXPECTED / "tolerances.yml"


@dataclass(frozen=True)
class Check:
    run: str
    name: str
    expected: object
    got: object
    ok: bool

    @property
    def difference(self) -> str:
        if isinstance(self.expected, (int, float)) and isinstance(self.got, (int, float)):
            return f"{self.got - self.expected:.3g}"
        return ""


def tolerances(path: Path = TOLERANCES) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """Default (abs, rel) tolerance and per-name-prefix overrides."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    default = spec.get("default", {"abs": 1e-9, "rel": 1e-6})
    overrides = {k: (v["abs"], v["rel"]) for k, v in spec.get("overrides", {}).items()}
    return default["abs"], default["rel"], overrides


def _close(expected, got, abs_tol: float, rel_tol: float) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool) or expected is None or got is None:
        return expected == got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(got, expected, rel_tol=rel_tol, abs_tol=abs_tol)
    return expected == got


def compare(expected_dir: Path, results_dir: Path, tol_path: Path = TOLERANCES) -> list[Check]:
    """Compare every number of every expected run with the rebuilt results."""
    abs_tol, rel_tol, overrides = tolerances(tol_path)
    checks = []
    for exp_file in sorted(expected_dir.glob("*.json")):
        run = exp_file.stem
        expected = json.loads(exp_file.read_text(encoding="utf-8"))["values"]
        got_file = results_dir / exp_file.name
        got = json.loads(got_file.read_text(encoding="utf-8"))["values"] if got_file.is_file() else {}
        for name in sorted(set(expected) | set(got)):
            if name not in got or name not in expected:
                checks.append(Check(run, name, expected.get(name, "(absent)"), got.get(name, "(missing)"), False))
                continue
            a, r = next((t for prefix, t in overrides.items() if name.startswith(prefix)), (abs_tol, rel_tol))
            checks.append(Check(run, name, expected[name], got[name], _close(expected[name], got[name], a, r)))
    return checks


def print_table(checks: list[Check]) -> None:
    print(f"{'run':<38} {'name':<58} {'expected':>14} {'got':>14} {'diff':>10}  ok")
    for c in checks:
        print(f"{c.run:<38} {c.name:<58} {str(c.expected):>14.14} {str(c.got):>14.14} {c.difference:>10}  "
              f"{'ok' if c.ok else 'MISMATCH'}")
    bad = sum(not c.ok for c in checks)
    print(f"verified {len(checks)} numbers: {len(checks) - bad} ok, {bad} mismatched or missing")


def verify(jobs: int | None = None) -> int:
    """Rebuild from a scratch copy of the inputs and compare with `expected/`; exit status."""
    from .pipeline import build
    from .runs import copy_inputs

    root = Path.cwd()
    if not any(EXPECTED.glob("*.json")):
        print(f"error: no expected results in {EXPECTED}/ (run `make expected` on a trusted build)")
        return 2
    with tempfile.TemporaryDirectory(prefix="cooperate-verify-") as scratch:
        copy_inputs(root, Path(scratch))
        os.chdir(scratch)
        try:
            status = build(jobs=jobs, force=True)
            checks = compare(root / EXPECTED, Path(scratch) / "reports" / "results", root / TOLERANCES)
        finally:
            os.chdir(root)
    print_table(checks)
    return 1 if status or not all(c.ok for c in checks) or not checks else 0


def update_expected(results_dir: Path = Path("reports/results")) -> list[Path]:
    """Copy the current build's results into `expected/` as the new reference."""
    EXPECTED.mkdir(exist_ok=True)
    written = []
    for path in sorted(results_dir.glob("*.json")):
        shutil.copy2(path, EXPECTED / path.name)
        written.append(EXPECTED / path.name)
    return written
