"""Benchmark of the specification-curve engine (not a test): its time per group for the full
multiverse with the joint test, and a side-by-side with the PyPI `specification-curve` package.

    .venv/bin/python bench/speccurve.py [--data data/processed/survey.parquet] [--n-jobs -1]
                                        [--n-boot 500] [--m 20] [--scheduler ADDRESS] [--no-peer]

1. Engine: for each district and pooled, the notebook's statistics calls (`speccurve.run` of the
   4,704 specifications, then `speccurve.joint_tests` per outcome family on the estimable linear
   ones), wall and CPU seconds (CPU of this process: with --scheduler the cluster's workers are
   not counted). Target (issue 28): each group <= 5 s.
2. Shared subset: what `specification-curve` (one statsmodels OLS fit per specification) can
   express: outcomes as measured x CSR measures x every subset of the controls, OLS on complete
   cases (the same rows for both tools: firms with every column observed). Both tools' wall
   times and their ratio; our estimates are standardized, so the raw slopes are compared
   (max abs difference) to show both fitted the same models. Install the package with
   `.venv/bin/uv pip install --python .venv/bin/python specification-curve` (not a dependency).

Needs the processed survey (`python -m cooperate_analysis build` writes it). The machine may be
shared: CPU seconds and the load average are printed beside wall seconds.
"""
from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

import numpy as np

from cooperate_analysis.data import dataset, derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import estimability, speccurve

ROOT = Path(__file__).resolve().parents[1]


def timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def joint_part(firms, specs, curve, cb, options: dict, n_boot: int) -> dict:
    """The notebook's joint tests: per outcome family with an estimable linear spec, one bootstrap."""
    family = speccurve.outcome_families(specs["outcome"], cb)
    checks = {f: estimability.joint(curve[family == f]) for f in speccurve.FAMILIES}
    testable = family.isin([f for f, check in checks.items() if check])
    if not testable.any():
        return {}
    return speccurve.joint_tests(firms, specs[testable], curve[testable], family[testable], n_boot=n_boot,
                                 **options)


def name(subset: tuple, controls: list) -> str:
    """Key of a control subset in the patched CONTROL_SETS ("full" kept: `analysis_columns` reads it)."""
    return "full" if list(subset) == controls else "+".join(subset) or "none"


def shared_subset(firms, cb, seed: int):
    """Both tools on outcomes (as measured) x CSR measures x every subset of the controls, OLS."""
    outcomes, measures = speccurve.outcome_variables(cb), speccurve.csr_measures(cb)
    controls = list(speccurve.CONTROL_SETS["full"])
    data = firms[outcomes + measures + controls].astype("float64").dropna().reset_index(drop=True)
    subsets = [c for r in range(len(controls) + 1) for c in itertools.combinations(controls, r)]
    saved = dict(speccurve.CONTROL_SETS)
    speccurve.CONTROL_SETS.clear()
    speccurve.CONTROL_SETS.update({name(s, controls): s for s in subsets})
    try:
        specs = speccurve.specifications(cb)
        specs = specs[(specs["coding"] == "level") & (specs["weights"] == "none") & (specs["missing"] == "complete")
                      & (specs["model"] == "ols")]
        frame = data.assign(district=firms["district"].iloc[0])
        ours, ours_s, ours_cpu = timed(speccurve.run, frame, specs, m=2, seed=seed, n_jobs=1)
    finally:
        speccurve.CONTROL_SETS.clear()
        speccurve.CONTROL_SETS.update(saved)
    line = f"{len(data):>6}{len(specs):>7}{ours_s:>9.2f}{ours_cpu:>8.2f}"
    try:
        from specification_curve import SpecificationCurve
    except ImportError:
        return line + "  specification-curve not installed: .venv/bin/uv pip install --python " \
                      ".venv/bin/python specification-curve"
    sc = SpecificationCurve(data, y_endog=outcomes, x_exog=measures, controls=controls)
    _, peer_s, peer_cpu = timed(sc.fit)
    peer = sc.df_r.set_index(sc.df_r["Specification"].map(  # the package lists each spec's variables sorted
        lambda s: (next(v for v in s if v in outcomes), next(v for v in s if v in measures),
                   name(tuple(c for c in controls if c in s), controls))))["Coefficient"]
    sd = data.std(ddof=0)
    raw = ours["estimate"] / (sd[ours["csr"]].to_numpy() / sd[ours["outcome"]].to_numpy())
    diff = np.abs(raw.to_numpy() - peer.loc[list(zip(ours["outcome"], ours["csr"], ours["controls"]))].to_numpy())
    return line + f"{len(sc.df_r):>7}{peer_s:>9.2f}{peer_cpu:>8.2f}{peer_s / ours_s:>8.1f}x  {np.nanmax(diff):.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "processed" / "survey.parquet")
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--n-boot", type=int, default=500)
    parser.add_argument("--m", type=int, default=speccurve.M_IMPUTATIONS)
    parser.add_argument("--seed", type=int, default=20070101)
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address (default: this process)")
    parser.add_argument("--no-peer", action="store_true", help="skip the comparison with specification-curve")
    args = parser.parse_args()
    cb = load_codebook()
    survey, _ = dataset.load_processed(args.data)
    frame = derived.analysis_frame(survey, cb)
    groups = [(d, frame[frame["district"] == d].reset_index(drop=True), False) for d in cb.district_ids]
    groups.append(("pooled", frame, True))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; m = {args.m} imputations; "
          f"n_boot = {args.n_boot}; {'dask: ' + args.scheduler if args.scheduler else 'local'}")
    print("\n1. Engine: the notebook's statistics (curve + joint tests per family); seconds wall / CPU")
    print(f"{'group':<28}{'firms':>6}{'specs':>7}{'curve':>14}{'joint':>14}{'total':>14}  p (median, share, Z) by family")
    options = {"m": args.m, "seed": args.seed, "n_jobs": args.n_jobs, "scheduler": args.scheduler}
    for name, firms, pooled in groups:
        specs = speccurve.specifications(cb, pooled=pooled)
        curve, run_s, run_cpu = timed(speccurve.run, firms, specs, **options)
        joints, joint_s, joint_cpu = timed(joint_part, firms, specs, curve, cb, options, args.n_boot)
        total_s, total_cpu = run_s + joint_s, run_cpu + joint_cpu
        p = "; ".join(f"{f[:5]} " + ", ".join(f"{v:.3f}" for v in j.table["p_value"]) for f, j in joints.items())
        print(f"{name:<28}{len(firms):>6}{len(specs):>7}{run_s:>7.2f} /{run_cpu:>5.2f}{joint_s:>7.2f} /"
              f"{joint_cpu:>5.2f}{total_s:>7.2f} /{total_cpu:>5.2f}  {p}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.no_peer:
        return
    print("\n2. Shared subset: outcomes as measured x CSR measures x subsets of the controls, OLS, complete cases")
    print(f"{'group':<28}{'firms':>6}{'specs':>7}{'ours s':>9}{'CPU':>8}{'specs':>7}{'peer s':>9}{'CPU':>8}"
          f"{'ratio':>9}  max |raw slope diff|")
    for name, firms, _ in groups:
        print(f"{name:<28}" + shared_subset(firms, cb, args.seed), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
