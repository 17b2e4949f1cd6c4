"""Benchmark of how the pipeline's stages scale with survey size (not a test): prints figures.

    .venv/bin/python bench/scale.py [--sizes 1000 10000 100000] [--repeat 3] [--xlsx] [--keep DIR]
                                    [--speccurve [--speccurve-m 20] [--speccurve-boot 500]]

For each size n a synthetic survey of n firms (n // 3 per district, seeded) is written as CSV in
a scratch directory. Every stage then runs in a fresh Python subprocess, so its peak memory
(ru_maxrss of that child, imports included) is its own:

- load:      `io.read_survey` of the CSV
- validate:  `validate.validate_survey` of the loaded table (the check `dataset.prepare_survey` runs)
- prepare:   `dataset.prepare_survey`, CSV -> validated parquet + metadata (load + validate + write)
- indices:   `measures.analysis_frame` of the processed survey
- analyses:  the code of notebooks/district.ipynb (for each district) and notebooks/cross_district.ipynb
             run in this process as the reports run it: every model, test, table and figure of the
             four reports (no kernel, no HTML/PDF rendering); the note names the slowest cells
- invalid:   `validate_survey` of a broken copy of the survey (every Likert cell 7, every firm id
             duplicated): time, memory and length of the error message
- end-to-end: prepare + analyses in one process (the reports' work on one survey)
- speccurve (with --speccurve): the code of notebooks/specification_curve.ipynb for one district
             (n // 3 firms; 4,704 specifications) with m imputations and n_boot bootstrap draws
             (default: the pipeline's 20 and 500); the note splits the curve
             from the joint test
- load_xlsx (with --xlsx, sizes <= 10^4 only): `io.read_survey` of the same survey as .xlsx

Census (issue 28): `--census [--census-firms 10000] [--census-groups GROUP ...] [--workers 2]
[--speccurve-m 20] [--speccurve-boot 500]` instead runs a census-sized synthetic survey (10,000
firms per district, seeded) through the multiverse (`speccurve.run`, 4,704 specifications) and its
joint tests per outcome family (`speccurve.joint_tests`) on a local Dask cluster of `--workers`
single-threaded worker processes, one group at a time (default: the first district), and prints
each group's wall seconds of the curve and of the joint tests and the peak resident memory of this
process and its workers together (sampled every 0.2 s with psutil). Target: within 4 GiB.

Seconds cover the stage's own work only (imports and the stage's inputs are prepared before
the clock starts). `base MiB` is the child's resident memory just before the stage starts
(interpreter, libraries, inputs). The growth exponent is log(t2/t1) / log(n2/n1) against the
previous size: about 1 means linear, clearly above 1 means the stage grows worse than linearly
(fixed costs pull it below 1 at small sizes). Timings on a shared machine are noisy: --repeat k
shows the fastest of k runs (and that run's memory).
Targets (GitHub issue 6): 10^5 firms end to end <= 60 s and <= 2 GiB peak memory.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("load", "validate", "prepare", "indices", "analyses", "invalid", "end-to-end")
ROOT = Path(__file__).resolve().parents[1]
SEED = 20070101
TARGET_SECONDS, TARGET_MIB = 60.0, 2048.0


# --- child side: one stage, one process ------------------------------------------------------

def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _analyses(processed: Path, work: Path) -> str:
    """The four main reports' notebook code on the processed survey; the three slowest cells."""
    from notebook_code import run_cells

    from cooperate_analysis.data.codebook import load_codebook

    timings = []
    common = {"data_path": str(processed), "langs": ["en", "it"], "seed": SEED}
    for district in load_codebook().district_ids:
        timings += run_cells(ROOT / "notebooks" / "district.ipynb",
                             {**common, "district": district, "results_path": str(work / f"{district}.json")})
    timings += run_cells(ROOT / "notebooks" / "cross_district.ipynb",
                         {**common, "results_path": str(work / "cross-district.json")})
    slowest = sorted(timings, key=lambda t: -t[1])[:3]
    return f"{len(timings)} cells; slowest: " + "; ".join(f"{s:.1f} s {source.split('(')[0][:30]}"
                                                          for source, s in slowest)


def _speccurve(processed: Path, work: Path, m: int, n_boot: int) -> str:
    """The specification-curve notebook for the first district; seconds of the curve and joint test."""
    from notebook_code import run_cells

    from cooperate_analysis.data.codebook import load_codebook

    district = load_codebook().district_ids[0]
    timings = run_cells(ROOT / "notebooks" / "specification_curve.ipynb",
                        {"group": district, "n_boot": n_boot, "m": m, "scheduler": "", "data_path": str(processed),
                         "langs": ["en", "it"], "seed": SEED, "results_path": str(work / "speccurve.json")})
    seconds = {key: sum(s for source, s in timings if f"speccurve.{key}" in source) for key in ("run", "joint_test")}
    return (f"{district}, m = {m}, n_boot = {n_boot}: curve {seconds['run']:.1f} s, "
            f"joint test {seconds['joint_test']:.1f} s")


def run_stage(stage: str, csv: Path, work: Path, m: int = 20, n_boot: int = 500) -> dict:
    """Run one stage in this process; return seconds, peak and base MiB, and notes."""
    # only what the stage needs: the measures and models modules pull in heavy libraries
    # (pingouin, semopy, statsmodels) that loading and validation do not use
    from cooperate_analysis.data import dataset, derived, io
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.data.validate import SurveyValidationError, validate_survey

    if stage in ("indices", "analyses", "end-to-end", "speccurve"):
        # what the notebooks import, imported before the clock
        from cooperate_analysis.present import figures, findings, regression, report  # noqa: F401
        from cooperate_analysis.stats import inference, measures, models, speccurve  # noqa: F401
    cb = load_codebook()
    processed = work / "processed" / f"{csv.stem}.parquet"
    note = ""
    # inputs of the stage, outside the clock
    if stage == "validate":
        raw = io.read_survey(csv)
    elif stage == "invalid":
        raw = io.read_survey(csv)
        for item in cb.outcome_items():
            raw[item] = "7"
        raw["firm_id"] = raw["firm_id"].iloc[0]
    elif stage in ("indices", "analyses", "speccurve"):
        if dataset.read_meta(processed) is None:
            dataset.prepare_survey(csv, processed)
        survey, _ = dataset.load_processed(processed)
    if stage == "speccurve":
        os.chdir(work)
    base = _rss_mib()
    start = time.perf_counter()
    if stage == "load":
        note = f"{len(io.read_survey(csv))} rows"
    elif stage == "load_xlsx":
        note = f"{len(io.read_survey(csv.with_suffix('.xlsx')))} rows"
    elif stage == "validate":
        note = f"{len(validate_survey(raw, str(csv), cb))} rows"
    elif stage == "prepare":
        note = f"{dataset.prepare_survey(csv, processed)['rows']} rows"
    elif stage == "indices":
        note = f"{derived.analysis_frame(survey, cb).shape[1]} columns"
    elif stage == "analyses":
        note = _analyses(processed, work)
    elif stage == "invalid":
        try:
            validate_survey(raw, str(csv), cb)
            note = "no error?!"
        except SurveyValidationError as exc:
            note = f"{len(exc.violations)} violations, message {len(str(exc))} chars"
    elif stage == "end-to-end":
        dataset.prepare_survey(csv, processed)
        note = _analyses(processed, work)
    elif stage == "speccurve":
        note = _speccurve(processed, work, m, n_boot)
    else:
        raise ValueError(f"unknown stage {stage!r}")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": seconds, "peak_mib": peak, "base_mib": base, "note": note}


# --- census: the multiverse on a local Dask cluster ----------------------------------------------

CENSUS_FIRMS, CENSUS_TARGET_MIB = 10_000, 4096.0


class PeakMemory:
    """Peak resident memory (MiB) of this process and all its descendants (the Dask workers),
    sampled every `interval` seconds in a background thread while the context is open."""

    def __init__(self, interval: float = 0.2):
        import threading

        self.interval, self.peak, self._stop = interval, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def now(self) -> float:
        import psutil

        me = psutil.Process()
        total = me.memory_info().rss
        for proc in me.children(recursive=True):
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a worker that just exited
                pass
        return total / 2 ** 20

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def census(firms: int = CENSUS_FIRMS, groups: list[str] | None = None, m: int = 20, n_boot: int = 500,
           workers: int = 2, seed: int = SEED, outcomes: list[str] | None = None) -> list[dict]:
    """The multiverse and its joint tests per outcome family for each group (a district id or
    "pooled") of a seeded synthetic survey of `firms` firms per district, on a local Dask cluster
    of `workers` single-threaded processes: one dict per group with firms, specs, the curve's and
    the joint tests' wall seconds, the joint tests' p-values and the peak MiB of this process and
    the workers (cluster start-up included). `outcomes`: only the specifications of these outcomes
    (default: all; the tests use two)."""
    from distributed import Client, LocalCluster

    from cooperate_analysis.data import derived, synthetic
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.stats import estimability, speccurve

    cb = load_codebook()
    frame = derived.analysis_frame(synthetic.generate({d: firms for d in cb.district_ids}, seed=seed), cb)
    out = []
    with PeakMemory() as memory, LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                              dashboard_address=None) as cluster, Client(cluster) as client:
        for group in groups or [cb.district_ids[0]]:
            firms_ = frame if group == "pooled" else frame[frame["district"] == group].reset_index(drop=True)
            specs = speccurve.specifications(cb, pooled=group == "pooled")
            specs = specs if outcomes is None else specs[specs["outcome"].isin(outcomes)]
            start = time.perf_counter()
            curve = speccurve.run(firms_, specs, m=m, seed=seed, scheduler=client)
            curve_s = time.perf_counter() - start
            family = speccurve.outcome_families(specs["outcome"], cb)
            testable = family.isin([f for f in speccurve.FAMILIES if estimability.joint(curve[family == f])])
            start = time.perf_counter()
            joint = speccurve.joint_tests(firms_, specs[testable], curve[testable], family[testable], n_boot=n_boot,
                                          m=m, seed=seed, scheduler=client) if testable.any() else {}
            out.append({"group": group, "firms": len(firms_), "specs": len(specs), "curve_s": curve_s,
                        "joint_s": time.perf_counter() - start, "estimable": int(curve["estimate"].notna().sum()),
                        "p_values": {f: j.table.set_index("statistic")["p_value"].to_dict() for f, j in joint.items()}})
    for row in out:
        row["peak_mib"] = memory.peak
    return out


def census_main(args) -> None:
    print(f"census: {args.census_firms} firms per district, m = {args.speccurve_m}, n_boot = {args.speccurve_boot}, "
          f"local Dask cluster of {args.workers} single-threaded workers; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    start = time.perf_counter()
    rows = census(args.census_firms, args.census_groups, args.speccurve_m, args.speccurve_boot, args.workers)
    print(f"{'group':<28}{'firms':>7}{'specs':>7}{'estimable':>10}{'curve s':>9}{'joint s':>9}  joint p (median, share, Z)")
    for r in rows:
        p = "; ".join(f"{f[:5]} " + ", ".join(f"{v:.3f}" for v in ps.values()) for f, ps in r["p_values"].items())
        print(f"{r['group']:<28}{r['firms']:>7}{r['specs']:>7}{r['estimable']:>10}{r['curve_s']:>9.1f}"
              f"{r['joint_s']:>9.1f}  {p}")
    peak = rows[0]["peak_mib"]
    print(f"total {time.perf_counter() - start:.1f} s wall (survey generated, cluster started); peak memory "
          f"{peak:.0f} MiB, this process and workers (target <= {CENSUS_TARGET_MIB:.0f} MiB): "
          f"{'OK' if peak <= CENSUS_TARGET_MIB else 'MISSED'}; load average {os.getloadavg()[0]:.1f} at end")


# --- parent side -------------------------------------------------------------------------------

def write_survey(n: int, directory: Path) -> Path:
    """A seeded synthetic survey of about n firms (n // 3 per district) as CSV; checks the ids."""
    import re

    from cooperate_analysis.data import synthetic
    from cooperate_analysis.data.codebook import load_codebook

    cb = load_codebook()
    survey = synthetic.generate(n_per_district={d: n // 3 for d in cb.district_ids}, seed=SEED)
    ids = survey["firm_id"]
    pattern = re.compile(cb["firm_id"].pattern)
    if not ids.is_unique or not all(pattern.fullmatch(i) for i in ids):
        raise SystemExit(f"generator ids at n={n} are not unique or break the codebook pattern")
    path = directory / f"survey_{n}.csv"
    survey.to_csv(path, index=False, lineterminator="\n", float_format="%.1f", na_rep="")
    return path


def child(stage: str, csv: Path, work: Path, m: int, n_boot: int) -> dict:
    cmd = [sys.executable, __file__, "--child", stage, str(csv), str(work), "--speccurve-m", str(m),
           "--speccurve-boot", str(n_boot)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    if proc.returncode != 0:
        return {"seconds": math.nan, "peak_mib": math.nan, "base_mib": math.nan,
                "note": "FAILED: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def exponent(prev: tuple[int, float] | None, n: int, seconds: float) -> str:
    if prev is None or not (prev[1] > 0 and seconds > 0):
        return ""
    return f"{math.log(seconds / prev[1]) / math.log(n / prev[0]):.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="survey sizes (firms)")
    ap.add_argument("--stages", nargs="+", default=list(STAGES), choices=[*STAGES, "load_xlsx", "speccurve"])
    ap.add_argument("--xlsx", action="store_true", help="also time reading an .xlsx copy (sizes <= 10^4)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per stage; the fastest is shown (default 1)")
    ap.add_argument("--keep", type=Path, help="scratch directory to use and keep (default: a temporary one)")
    ap.add_argument("--speccurve", action="store_true", help="also time the specification-curve notebook")
    ap.add_argument("--speccurve-m", type=int, default=20, help="imputations for --speccurve (default 20)")
    ap.add_argument("--speccurve-boot", type=int, default=500, help="bootstrap draws for --speccurve (default 500)")
    ap.add_argument("--census", action="store_true", help="only the census run of the multiverse on a Dask cluster")
    ap.add_argument("--census-firms", type=int, default=CENSUS_FIRMS, help="firms per district for --census")
    ap.add_argument("--census-groups", nargs="+", help="districts and/or 'pooled' for --census (default: the first)")
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes for --census (default 2)")
    ap.add_argument("--child", nargs=3, metavar=("STAGE", "CSV", "WORK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.census:
        census_main(args)
        return
    if args.child:
        stage, csv, work = args.child
        print(json.dumps(run_stage(stage, Path(csv), Path(work), args.speccurve_m, args.speccurve_boot)))
        return

    stages = list(args.stages) + (["load_xlsx"] if args.xlsx and "load_xlsx" not in args.stages else []) \
        + (["speccurve"] if args.speccurve and "speccurve" not in args.stages else [])
    with tempfile.TemporaryDirectory(prefix="cooperate-scale-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"{'n':>7} {'stage':<11} {'seconds':>8} {'growth':>6} {'peak MiB':>9} {'base MiB':>9}  note",
              flush=True)
        previous: dict[str, tuple[int, float]] = {}
        totals = {}
        for n in sorted(args.sizes):
            csv = work / f"survey_{n}.csv"
            if not csv.is_file():
                csv = write_survey(n, work)
            for stage in stages:
                if stage == "load_xlsx":
                    if n > 10_000:
                        continue
                    if not csv.with_suffix(".xlsx").is_file():  # written here, outside the child's memory
                        import pandas as pd

                        pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(csv.with_suffix(".xlsx"),
                                                                                    index=False)
                r = min((child(stage, csv, work, args.speccurve_m, args.speccurve_boot)
                         for _ in range(max(args.repeat, 1))),
                        key=lambda x: (math.isnan(x["seconds"]), x["seconds"]))
                print(f"{n:>7} {stage:<11} {r['seconds']:8.2f} {exponent(previous.get(stage), n, r['seconds']):>6} "
                      f"{r['peak_mib']:9.0f} {r['base_mib']:9.0f}  {r['note']}", flush=True)
                previous[stage] = (n, r["seconds"])
                if stage == "end-to-end":
                    totals[n] = r
        for n, r in totals.items():
            ok = r["seconds"] <= TARGET_SECONDS and r["peak_mib"] <= TARGET_MIB
            print(f"n={n}: end to end {r['seconds']:.1f} s, peak {r['peak_mib']:.0f} MiB "
                  f"(target <= {TARGET_SECONDS:.0f} s, <= {TARGET_MIB:.0f} MiB): {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
