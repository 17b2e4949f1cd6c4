"""Command line: `python -m cooperate_analysis <command>` (the Makefile calls these)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _from_env(args: argparse.Namespace) -> None:
    """Take --data, --mapping and --jobs from COOPERATE_DATA, COOPERATE_MAPPING and COOPERATE_JOBS
    (how the Makefile passes them).

    The Makefile never writes a user's value into a shell command: it exports it, and the value
    arrives here byte for byte, whatever characters a file name holds.
    """
    from .runs import ConfigError

    data = os.environ.get("COOPERATE_DATA", "")
    if data:
        args.data = Path(data)
    mapping = os.environ.get("COOPERATE_MAPPING", "")
    if mapping:
        args.mapping = Path(mapping)
    jobs = os.environ.get("COOPERATE_JOBS", "").strip()
    if jobs:
        if not jobs.isdigit() or not 1 <= int(jobs) <= 64:
            raise ConfigError(f"JOBS={jobs!r} is not valid: give a whole number of parallel runs from 1 to 64")
        args.jobs = int(jobs)


def _build(args: argparse.Namespace) -> int:
    import time

    from . import uptodate

    started = time.perf_counter()
    if args.from_env:
        _from_env(args)
    if args.jobs is not None and args.jobs < 1:
        from .runs import ConfigError

        raise ConfigError(f"--jobs {args.jobs} is not valid: give at least 1")
    stamp = None if args.force else uptodate.current(args.config, args.data, args.mapping)
    if stamp is not None:  # nothing the build reads has changed since the last complete build
        print(f"data   {stamp['source']}: unchanged, {stamp['rows']} firms\n"
              f"skip   {stamp['runs']} run(s): up to date (nothing changed since the build of {stamp['built']})\n"
              f"built  0 run(s), skipped {stamp['runs']}, failed 0 in {time.perf_counter() - started:.1f} s "
              f"-> reports/index.html")
        return 0
    from ..data.dataset import DEFAULT_SURVEY, read_meta
    from .pipeline import build
    from .runs import load_runs

    uptodate.forget()
    mapping = {"mapping": args.mapping} if args.mapping else {}
    status = build(data=args.data, jobs=args.jobs, force=args.force, config=args.config, **mapping)
    meta = read_meta()
    if status == 0 and meta is not None:
        uptodate.write(args.config, args.data, args.mapping,
                       {"source": str(args.data or DEFAULT_SURVEY), "rows": meta["rows"],
                        "runs": len(load_runs(args.config)),
                        "built": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())})
    return status


def _validate(args: argparse.Namespace) -> int:
    from ..data.io import check_survey_path
    from ..data.mapping import load_mapping, read_mapped
    from ..data.validate import heaping_warnings, validate_survey

    check_survey_path(args.path)
    mapping = str(args.mapping) if args.mapping else None
    raw, notes = read_mapped(args.path, load_mapping(args.mapping) if args.mapping else None)
    for note in notes:
        print(note)
    typed = validate_survey(raw, str(args.path), mapping=mapping)
    with_mapping = f" with the mapping {args.mapping}" if args.mapping else ""
    print(f"{args.path}: OK, {len(typed)} firms follow the codebook{with_mapping}")
    for warning in heaping_warnings(typed, str(args.path), mapping=mapping):
        print(warning)
    return 0


def check_draft_target(out: Path, source: Path, force: bool) -> None:
    """Refuse (MappingError, one line) an --out that `map` must not write: the survey file itself,
    anything under data/raw/, a name that is not .yml/.yaml, a path whose folder is missing or not a
    folder or not writable, a directory, a link, and an existing file unless `force` and the file is
    a draft `map` wrote (its first line is the draft marker). Checked before the survey is read."""
    from ..data.mapping import DRAFT_MARKER, MAPPING_SUFFIXES, MappingError

    if out.suffix.lower() not in MAPPING_SUFFIXES:
        raise MappingError(out, f"--out must name a .yml or .yaml file (the draft is a mapping file), not "
                                f"{out.suffix or 'a name without suffix'}")
    target = Path(os.path.abspath(out))
    raws = {Path(os.path.abspath("data/raw")), Path(__file__).resolve().parents[3] / "data" / "raw"}
    for a, b in [(t, r) for t in (target, target.resolve()) for r in (*raws, *(r.resolve() for r in raws))]:
        if a == b or b in a.parents:
            raise MappingError(out, "is under data/raw/, which holds the project's immutable inputs: "
                                    "write the mapping somewhere else (e.g. --out mapping.yml)")
    try:
        same = os.path.exists(out) and os.path.samefile(out, source)
    except OSError:
        same = False
    if same or target.resolve() == Path(os.path.abspath(source)).resolve():
        raise MappingError(out, "is the survey file itself: give another --out")
    parent = target.parent
    if not parent.exists():
        raise MappingError(out, f"the folder {parent} does not exist: create it first, or give another --out")
    if not parent.is_dir():
        raise MappingError(out, f"{parent} is not a folder: give another --out")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise MappingError(out, f"the folder {parent} is not writable: give another --out")
    if out.is_symlink():
        raise MappingError(out, "is a symbolic link: map writes only new files or its own drafts; give another --out")
    if out.exists():
        if out.is_dir():
            raise MappingError(out, "is a directory: give the name of a new .yml file inside it, e.g. "
                                    f"--out {out / 'mapping.yml'}")
        if not out.is_file():
            raise MappingError(out, "exists and is not a regular file: give another --out")
        if not force:
            raise MappingError(out, "already exists: edit it, give another --out, or add --force to replace it")
        try:
            with open(out, "rb") as fh:
                first = fh.read(len(DRAFT_MARKER.encode()) + 1)
        except OSError as exc:
            raise MappingError(out, f"cannot be read: {exc.strerror}") from None
        if not first.startswith(DRAFT_MARKER.encode()):
            raise MappingError(out, "exists and is not a draft written by map (its first line is not "
                                    f"'{DRAFT_MARKER}'), so --force does not replace it: give another --out")


def _map(args: argparse.Namespace) -> int:
    from ..data.io import atomic_write_text, check_survey_path
    from ..data.mapping import MappingError, draft_mapping, shell_quote

    source = check_survey_path(args.path)
    out = args.out or Path("mapping.yml")
    check_draft_target(out, source, args.force)
    text = draft_mapping(source, out=out)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise MappingError(out, f"cannot be written: {exc.strerror or exc}") from None
    columns = text.count("# not matched to a codebook variable")
    values = sum(line.startswith("# ") and "values not matched" in line for line in text.splitlines())
    unmatched = ([f"{columns} column{'s' if columns > 1 else ''}"] if columns else []) + (
        [f"values of {values} variable{'s' if values > 1 else ''}"] if values else [])
    print(f"wrote {shell_quote(out)}: a draft mapping for {shell_quote(source)}"
          + (f" (not matched: {' and '.join(unmatched)}; see its comments)" if unmatched else ""))
    print(f"check and edit it, then: python -m cooperate_analysis validate {shell_quote(source)} "
          f"--mapping {shell_quote(out)}")
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


def _catalogs(args: argparse.Namespace) -> int:
    from .catalogs import check, update

    if not args.check:
        for path in update(args.only):
            print(f"updated {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    problems = check(args.only)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in the message catalogs", file=sys.stderr)
        return 1
    print("message catalogs complete: every message translated, in step with the code")
    return 0


def _firm_reports(args: argparse.Namespace) -> int:
    from . import firm_reports

    if args.from_env:
        _from_env(args)
    firm_reports.prepare(args.data, args.mapping)
    langs = tuple(args.langs.split(","))
    if args.dask:
        if args.dask == "local":
            cluster, client = firm_reports.local_cluster(args.workers)
        else:
            from distributed import Client

            cluster, client = None, Client(args.dask)
        try:
            done = firm_reports.render_dask(client, out_dir=args.out, langs=langs, pdf=not args.no_pdf)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        print(f"firm reports: {done['firms']} firms, {done['files']} files in {args.out} "
              f"({done['seconds']:.1f} s on Dask)")
        return 0
    firm_reports.run_notebook(args.out, langs, pdf=not args.no_pdf, limit=args.limit)
    count = len(list(Path(args.out).glob("*.html")))
    print(f"firm reports: {count} pages in {args.out} (one kernel; keys in {firm_reports.KEYS})")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cooperate_analysis", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate the data, run the notebooks, render the reports")
    b.add_argument("--data", type=Path, help="survey file (.csv .xlsx .parquet .dta .sav); "
                                             "default: the synthetic survey in data/raw/")
    b.add_argument("--jobs", type=int, default=None, help="notebook runs in parallel (default: one per core)")
    b.add_argument("--force", action="store_true", help="rerun every notebook even if up to date")
    b.add_argument("--config", type=Path, default=Path("pipeline.yml"),
                   help="pipeline configuration: which notebook runs with which parameters (default pipeline.yml)")
    b.add_argument("--from-env", action="store_true",
                   help="take the data file, mapping and jobs from COOPERATE_DATA, COOPERATE_MAPPING and "
                        "COOPERATE_JOBS (used by make)")
    b.add_argument("--mapping", type=Path, help="mapping file (.yml) that puts the survey file in the codebook's "
                                                "shape (see `map`)")
    b.set_defaults(func=_build)
    v = sub.add_parser("validate", help="check a survey file against the codebook; write nothing")
    v.add_argument("path", type=Path)
    v.add_argument("--mapping", type=Path, help="mapping file (.yml) to apply before validating (see `map`)")
    v.set_defaults(func=_validate)
    m = sub.add_parser("map", help="draft a mapping file that puts a survey export in the codebook's shape")
    m.add_argument("path", type=Path, help="the survey file (.csv .xlsx .parquet .dta .sav)")
    m.add_argument("--out", type=Path, help="where to write the draft (default mapping.yml; never overwritten)")
    m.add_argument("--force", action="store_true", help="replace an existing --out file")
    m.set_defaults(func=_map)
    s = sub.add_parser("synthetic", help="regenerate the synthetic survey and its ground truth")
    s.add_argument("--out", type=Path, default=Path("data/raw"))
    s.add_argument("--seed", type=int, default=20070101)
    s.set_defaults(func=_synthetic)
    r = sub.add_parser("verify", help="rebuild in a scratch copy and compare every number with expected/")
    r.add_argument("--jobs", type=int, default=None)
    r.add_argument("--from-env", action="store_true", help="take jobs from COOPERATE_JOBS (used by make)")
    r.set_defaults(func=_verify)
    x = sub.add_parser("expected", help="record the current build's results as the reference in expected/")
    x.set_defaults(func=_expected)
    c = sub.add_parser("catalogs", help="extract the reports' messages into the .po catalogs and check them")
    c.add_argument("--check", action="store_true", help="only check: change no catalog")
    c.add_argument("--only", metavar="CATALOG", help="one catalog (e.g. channels, common) instead of all")
    c.set_defaults(func=_catalogs)
    f = sub.add_parser("firm-reports", help="one confidential benchmark report per firm in reports/firms/ "
                                            "(named by opaque keys; not linked by the index)")
    f.add_argument("--data", type=Path, help="survey file (default: the synthetic survey in data/raw/)")
    f.add_argument("--mapping", type=Path, help="mapping file (.yml), as for build")
    f.add_argument("--from-env", action="store_true", help="take the data file and mapping from the environment "
                                                           "(used by make)")
    f.add_argument("--out", type=Path, default=Path("reports/firms"))
    f.add_argument("--langs", default="en,it", help="comma-separated languages (default en,it)")
    f.add_argument("--no-pdf", action="store_true", help="HTML only")
    f.add_argument("--limit", type=int, default=None, help="only the first N firms (a trial)")
    f.add_argument("--dask", metavar="ADDRESS", help="render on a Dask cluster: a scheduler address, or 'local'")
    f.add_argument("--workers", type=int, default=2, help="workers of --dask local (default 2)")
    f.set_defaults(func=_firm_reports, jobs=None)
    e = sub.add_parser("environment-yml", help="write environment.yml with the lock file's pins")
    e.set_defaults(func=_environment_yml)
    return p


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors that are the input's fault: one line each, no traceback (imported only when one is
    raised, so a no-op build loads none of the modules that define them)."""
    from ..data.dataset import FactsError, ManifestError
    from ..data.io import SurveyFileError
    from ..data.validate import SurveyValidationError
    from .pipeline import BuildBusy
    from .runs import ConfigError

    return SurveyFileError, SurveyValidationError, ManifestError, ConfigError, BuildBusy, FactsError


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        try:
            return args.func(args)
        except Exception as exc:
            if isinstance(exc, _user_errors()):
                print(f"error: {exc}\nnothing was written.", file=sys.stderr)
                return 2
            raise
    except OSError as exc:  # a folder that cannot be written (read-only, full, a file in the way): one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}; check that the folder exists and can be written",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to finish the build.", file=sys.stderr)
        return 130
