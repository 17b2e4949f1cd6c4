"""Benchmark of the specification-curve runner (not a test): wall time of `speccurve.run` and
`speccurve.joint_test` for each district and pooled.

    .venv/bin/python bench/speccurve.py [--data data/processed/survey.parquet] [--n-jobs -1]
                                        [--n-boot 500] [--m 20] [--scheduler ADDRESS]

Needs the processed survey (`python -m cooperate_analysis build` writes it). The first `run`
includes the start of the joblib worker processes. Target: >= 1,000 specifications per district
in <= 30 s on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from joblib import effective_n_jobs

from cooperate_analysis.data import dataset, derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import speccurve

ROOT = Path(__file__).resolve().parents[1]


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "processed" / "survey.parquet")
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--n-boot", type=int, default=500)
    parser.add_argument("--m", type=int, default=speccurve.M_IMPUTATIONS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address (default: local joblib)")
    args = parser.parse_args()
    cb = load_codebook()
    survey, _ = dataset.load_processed(args.data)
    frame = derived.analysis_frame(survey, cb)
    groups = [(d, frame[frame["district"] == d].reset_index(drop=True), False) for d in cb.district_ids]
    groups.append(("pooled", frame, True))
    workers = "dask: " + args.scheduler if args.scheduler else f"joblib n_jobs={effective_n_jobs(args.n_jobs)}"
    print(f"{workers} on {os.cpu_count()} CPUs; m = {args.m} imputations; n_boot = {args.n_boot}")
    print(f"{'group':<28}{'firms':>6}{'specs':>7}{'run s':>8}{'linear':>8}{'joint s':>9}  p (median, share, Z)")
    options = {"m": args.m, "seed": args.seed, "n_jobs": args.n_jobs, "scheduler": args.scheduler}
    for name, firms, pooled in groups:
        specs = speccurve.specifications(cb, pooled=pooled)
        curve, run_s = timed(speccurve.run, firms, specs, **options)
        joint, joint_s = timed(speccurve.joint_test, firms, specs, curve, n_boot=args.n_boot, **options)
        p = ", ".join(f"{v:.3f}" for v in joint.table["p_value"])
        print(f"{name:<28}{len(firms):>6}{len(specs):>7}{run_s:>8.1f}{joint.n_specs:>8}{joint_s:>9.1f}  {p}")


if __name__ == "__main__":
    main()
