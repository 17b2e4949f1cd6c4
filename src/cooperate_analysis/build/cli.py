"""Command line: `python -m cooperate_analysis <command>` (the Makefile calls these)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _from_env(args: argparse.Namespace) -> None:
    """Take --data and --jobs from COOPERATE_DATA and COOPERATE_JOBS (how the Makefile passes them).

    The Makefile never writes a user's value into a shell command: it exports it, and the value
    arrives here byte for byte, whatever characters a file name holds.
    """
    from .pipeline import ConfigError

    data = os.environ.get("COOPERATE_DATA", "")
    if data:
        args.data = Path(data)
    jobs = os.environ.get("COOPERATE_JOBS", "").strip()
    if jobs:
        if not jobs.isdigit() or not 1 <= int(jobs) <= 64:
            raise ConfigError(f"JOBS={jobs!r} is not valid: give a whole number of parallel runs from 1 to 64")
        args.jobs = int(jobs)


def _build(args: argparse.Namespace) -> int:
    from .pipeline import build

    if args.from_env:
        _from_env(args)
    if args.jobs < 1:
        from .pipeline import ConfigError

        raise ConfigError(f"--jobs {args.jobs} is not valid: give at least 1")
    return build(data=args.data, jobs=args.jobs, force=args.force, config=args.config)


def _validate(args: argparse.Namespace) -> int:
    from ..data.io import read_survey
    from ..data.validate import validate_survey

    typed = validate_survey(read_survey(args.path), str(args.path))
    print(f"{args.path}: OK, {len(typed)} firms follow the codebook")
    return 0


def _synthetic(args: argparse.Namespace) -> int:
    from ..data.synthetic import write_synthetic

    for path in write_synthetic(args.out, seed=args.seed):
        print(f"wrote {path}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .verify import verify

    if args.from_env:
        _from_env(args)
    return verify(jobs=args.jobs)


def _expected(args: argparse.Namespace) -> int:
    from .replication import update_readme
    from .verify import EXPECTED, update_expected

    for path in update_expected():
        print(f"wrote {path}")
    update_readme(Path("README.md"), EXPECTED)
    print("updated the key-results block of README.md")
    return 0


def _environment_yml(args: argparse.Namespace) -> int:
    from .lockfile import write_environment_yml

    write_environment_yml()
    print("wrote environment.yml from requirements.lock")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cooperate_analysis", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate the data, run the notebooks, render the reports")
    b.add_argument("--data", type=Path, help="survey file (.csv .xlsx .parquet .dta .sav); "
                                             "default: the synthetic survey in data/raw/")
    b.add_argument("--jobs", type=int, default=3, help="notebook runs in parallel (default 3)")
    b.add_argument("--force", action="store_true", help="rerun every notebook even if up to date")
    b.add_argument("--config", type=Path, default=Path("pipeline.yml"),
                   help="pipeline configuration: which notebook runs with which parameters (default pipeline.yml)")
    b.add_argument("--from-env", action="store_true",
                   help="take the data file and jobs from COOPERATE_DATA and COOPERATE_JOBS (used by make)")
    b.set_defaults(func=_build)
    v = sub.add_parser("validate", help="check a survey file against the codebook; write nothing")
    v.add_argument("path", type=Path)
    v.set_defaults(func=_validate)
    s = sub.add_parser("synthetic", help="regenerate the synthetic survey and its ground truth")
    s.add_argument("--out", type=Path, default=Path("data/raw"))
    s.add_argument("--seed", type=int, default=20070101)
    s.set_defaults(func=_synthetic)
    r = sub.add_parser("verify", help="rebuild in a scratch copy and compare every number with expected/")
    r.add_argument("--jobs", type=int, default=3)
    r.add_argument("--from-env", action="store_true", help="take jobs from COOPERATE_JOBS (used by make)")
    r.set_defaults(func=_verify)
    x = sub.add_parser("expected", help="record the current build's results as the reference in expected/")
    x.set_defaults(func=_expected)
    e = sub.add_parser("environment-yml", help="write environment.yml with the lock file's pins")
    e.set_defaults(func=_environment_yml)
    return p


def main(argv: list[str] | None = None) -> int:
    from ..data.dataset import ManifestError
    from ..data.io import SurveyFileError
    from .pipeline import BuildBusy, ConfigError
    from ..data.validate import SurveyValidationError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (SurveyFileError, SurveyValidationError, ManifestError, ConfigError, BuildBusy) as exc:
        print(f"error: {exc}\nnothing was written.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to finish the build.", file=sys.stderr)
        return 130
