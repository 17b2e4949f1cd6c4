"""Benchmark of the build (not a test): prints wall times of each stage and the overhead ratio.

    .venv/bin/python bench/build_times.py [--skip-env]

Stages, each timed once on a scratch copy of the project inputs:
- env:   fresh virtual environment from requirements.lock (python -m venv + uv --compile-bytecode)
- cold:  `build --force` with no processed data (validation + every notebook + rendering)
- warm:  `build --force` with processed data present (every notebook again)
- noop:  `build` with nothing changed (hash checks only)
- floor: the same notebooks' code executed as plain Python in one process, no kernels or rendering
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from notebook_code import run_cells

from cooperate_analysis.runner.runs import copy_inputs

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def fresh_env_seconds(scratch: Path) -> float:
    venv = scratch / "venv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "uv==0.13.9"], check=True)
    subprocess.run([str(venv / "bin" / "uv"), "pip", "sync", "-q", "--python", str(py), "--compile-bytecode",
                    "--require-hashes", str(ROOT / "requirements.lock")], check=True)
    return time.perf_counter() - start


def floor_seconds(project: Path) -> float:
    """Execute every run's notebook code once, in this process (`notebook_code.run_cells`): each
    analysis computed once and each table and figure made in every language of the run."""
    from cooperate_analysis.runner.runs import load_runs

    before = Path.cwd()
    os.chdir(project)
    try:
        runs = load_runs()
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # what the notebooks display (outside IPython: printed)
            for run in runs:
                run_cells(project / run.notebook, {**run.parameters, "langs": list(run.languages),
                                                   "data_path": "data/processed/survey.parquet",
                                                   "results_path": str(project / "floor" / f"{run.name}.json")})
        return time.perf_counter() - start
    finally:
        os.chdir(before)  # the scratch project is deleted next; the README update reads pipeline.yml here


def notebook_seconds(project: Path) -> dict[str, float]:
    """Each run's notebook wall time in the build just made (its provenance's `wall_time_seconds`)."""
    out = {}
    for path in sorted((project / "reports" / "provenance").glob("*.json")):
        if not path.stem.endswith("-it"):
            out[path.stem] = float(json.loads(path.read_text(encoding="utf-8"))["wall_time_seconds"])
    return out


ROWS = [("env", "fresh environment from the lock (venv + uv, bytecode compiled)"),
        ("cold", "cold build (validation, {runs} notebook runs, {reports} HTML and {reports} PDF reports)"),
        ("warm", "warm build (every run forced, processed survey present)"),
        ("noop", "no-op build (nothing changed)"),
        ("floor", "the same notebook code as plain Python in one process (floor)")]
TARGETS = {"cold": 90.0, "noop": 0.5}  # seconds (issue 28)
WARM_TARGET = 1.3  # warm / floor (issue 28)


def table(figures: dict[str, float]) -> str:
    """The README's runtime table (between its bench markers)."""
    from cooperate_analysis.runner.runs import load_runs

    configured = load_runs(ROOT / "pipeline.yml")
    counts = {"runs": len(configured), "reports": sum(len(run.languages) for run in configured)}
    lines = ["| stage | seconds |", "|---|---|"]
    lines += [f"| {label.format(**counts)} | {figures[key]:.{2 if key == 'noop' else 1}f} |"
              for key, label in ROWS if key in figures]
    lines.append(f"| warm build / floor | {figures['warm'] / figures['floor']:.2f}x |")
    return "\n".join(lines)


def update_readme(figures: dict[str, float], readme: Path = ROOT / "README.md") -> None:
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    if "env" not in figures:  # keep the measured environment row when it was not re-measured
        old = re.search(r"\| fresh environment[^|]*\| ([0-9.]+) \|", rest)
        if old:
            figures = {"env": float(old.group(1)), **figures}
    readme.write_text(f"{head}{begin}\n{table(figures)}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-env", action="store_true", help="do not time a fresh environment install")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md (bench markers)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cooperate-bench-") as tmp:
        scratch = Path(tmp)
        project = scratch / "project"
        copy_inputs(ROOT, project)
        build = [sys.executable, "-m", "cooperate_analysis", "build"]
        figures = {}
        if not args.skip_env:
            figures["env"] = fresh_env_seconds(scratch)
        figures["cold"] = timed([*build, "--force"], project)
        notebooks = notebook_seconds(project)
        figures["warm"] = timed([*build, "--force"], project)
        figures["noop"] = timed(build, project)
        figures["floor"] = floor_seconds(project)
    print(f"{'stage':<8} {'seconds':>8}")
    for name, seconds in figures.items():
        print(f"{name:<8} {seconds:8.2f}")
    ratio = figures["warm"] / figures["floor"]
    print(f"warm build / plain-Python floor: {ratio:.2f}x (target <= {WARM_TARGET})")
    print("each run's notebook in the cold build (statistics, both languages' tables and figures; without HTML and "
          "PDF; each worker's kernel is started, and its libraries imported, when the worker is spawned):")
    for name, seconds in notebooks.items():
        print(f"  {name:<44} {seconds:6.1f} s")
    for name, limit in TARGETS.items():
        print(f"{name} build: {figures[name]:.2f} s (target <= {limit:g} s)")
    if args.readme:
        update_readme(figures)
        print("wrote the table into README.md")


if __name__ == "__main__":
    main()
