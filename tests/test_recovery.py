"""Monte Carlo parameter recovery: the report's estimators against the generator's known truth.

R seeded synthetic surveys of the default design (28 / 34 / 30 firms). For each, the OLS-HC3
slope of every score on the CSR index (per district and pooled with district fixed effects,
controls as in the reports) and the post-stratified mean of employees per district. Targets:
the pseudo-true slopes (the same estimand on one very large sample of the design) and the exact
population mean employees, both from `synthetic.ground_truth()`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived, synthetic
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import adoption, inference, models

from .conftest import computed_once

pytestmark = pytest.mark.slow  # a Monte Carlo study: make test-all and CI run it

R = 200
SEED0 = 5000
SCORES = ["score_innovation", "score_intangible", "score_market"]


@pytest.fixture(scope="module")
def draws(pseudo_truth, tmp_path_factory, worker_id) -> pd.DataFrame:
    # once per session: work stealing may give this module's tests to both workers (conftest.computed_once)
    return computed_once(tmp_path_factory, worker_id, "recovery_draws", lambda: _draws(pseudo_truth))


def _draws(pseudo_truth) -> pd.DataFrame:
    cb = load_codebook()
    controls = list(synthetic.CONTROLS)
    population = synthetic.population_counts()
    rows = []
    for r in range(R):
        frame = derived.analysis_frame(synthetic.generate(seed=SEED0 + r), cb)
        groups = [("pooled", frame, "district")] + [(d, frame[frame["district"] == d], None) for d in cb.district_ids]
        for group, data, fe in groups:
            for y in SCORES:
                slope = models.ols(data, y, "csr_overall", controls, fixed_effects=fe).term("csr_overall")
                rows.append({"group": group, "target": f"ols.{y}.csr_overall", "estimate": slope["estimate"],
                             "ci_low": slope["ci_low"], "ci_high": slope["ci_high"]})
        ps = inference.poststrat_weights(frame, population)
        for d in cb.district_ids:
            mask = frame["district"] == d
            mean = inference.weighted_mean(frame[mask], "employees", ps.weights[mask], strata=ps.strata[mask]).iloc[0]
            rows.append({"group": d, "target": "mean_employees", "estimate": mean["mean"], "ci_low": mean["ci_low"],
                         "ci_high": mean["ci_high"], "unweighted": mean["unweighted_mean"]})
    truth = pseudo_truth  # synthetic.ground_truth(), cached (conftest)
    out = pd.DataFrame(rows)
    out["truth"] = [truth["population"][g]["mean_employees"] if t == "mean_employees" else truth["pseudo_truth"][g][t]
                    for g, t in zip(out["group"], out["target"])]
    out["covered"] = (out["ci_low"] <= out["truth"]) & (out["truth"] <= out["ci_high"])
    return out


def test_hc3_intervals_cover_the_true_slope_at_nominal_rate(draws):
    slopes = draws[draws["target"] != "mean_employees"]
    by_cell = slopes.groupby(["group", "target"])["covered"].mean()
    # 12 cells x 200 intervals: overall within +-2 points of 95%; no single cell below 88%
    # (a cell's binomial SD is 1.5 points at R = 200).
    assert 0.93 <= slopes["covered"].mean() <= 0.97, by_cell
    assert by_cell.min() >= 0.88, by_cell


def test_pooled_slopes_are_unbiased_for_the_pseudo_truth(draws):
    pooled = draws[draws["group"] == "pooled"].groupby("target")
    error = pooled["estimate"].mean() - pooled["truth"].first()
    mc_se = pooled["estimate"].std() / np.sqrt(R)
    assert (error.abs() < 4 * mc_se).all(), pd.DataFrame({"error": error, "mc_se": mc_se})


def test_post_stratification_removes_the_size_bias_of_the_sample(draws):
    means = draws[draws["target"] == "mean_employees"].groupby("group")
    truth = means["truth"].first()
    weighted_error = (means["estimate"].mean() - truth).abs()
    unweighted_error = (means["unweighted"].mean() - truth).abs()
    # larger firms are over-sampled: the unweighted mean is 40-80% too high. Weighting removes most of
    # that; what is left (up to ~10%) comes from merging sparse size classes (a sampled medium
    # clothing firm is weighted like a small one; methods.md §2.6).
    assert (unweighted_error > 0.3 * truth).all(), unweighted_error / truth
    assert (weighted_error < unweighted_error / 3).all(), pd.DataFrame({"weighted": weighted_error,
                                                                        "unweighted": unweighted_error})
    assert (means["covered"].mean() >= 0.88).all(), means["covered"].mean()


# --- adoption drivers (issue 16) -------------------------------------------------------------------
#
# R_ADOPTION seeded surveys of the default design (seeds from ADOPTION_SEED0, not used for any other
# study): the pooled fractional logit of csr_overall (HC3) and logit of cert_iso14001 (ML with HC3,
# Firth only where FIRTH_RULE applies) on derived.ADOPTION_REGRESSORS with district fixed effects,
# as the channels report fits them; their AMEs against the pseudo-true `fraclogit_ame.*` and
# `logit_ame.*` of `synthetic.ground_truth()` (the same estimands on one very large sample).
# Binomial SD of a coverage rate at 95%: 0.89 points for one AME (R = 600), about 0.34 points for
# one model's 7 x 600 intervals if they were independent (they are positively correlated, so more).

R_ADOPTION = 600
ADOPTION_SEED0 = 6000
ADOPTION_MODELS = {"fraclogit_ame": ("csr_overall", adoption.fractional_logit),
                   "logit_ame": ("cert_iso14001", adoption.logit)}


@pytest.fixture(scope="module")
def adoption_draws(pseudo_truth, tmp_path_factory, worker_id) -> pd.DataFrame:
    return computed_once(tmp_path_factory, worker_id, "recovery_adoption_draws", lambda: _adoption_draws(pseudo_truth))


def _adoption_draws(pseudo_truth) -> pd.DataFrame:
    cb = load_codebook()
    regressors = list(derived.ADOPTION_REGRESSORS)
    truth = pseudo_truth  # synthetic.ground_truth(), cached (conftest)
    rows = []
    for r in range(R_ADOPTION):
        frame = derived.analysis_frame(synthetic.generate(seed=ADOPTION_SEED0 + r), cb)
        for prefix, (outcome, fit) in ADOPTION_MODELS.items():
            result = fit(frame, outcome, regressors, "district")
            for row in result.ame.itertuples():
                key = f"{prefix}.{outcome}.{row.term}"
                rows.append({"model": prefix, "term": row.term, "method": result.method, "estimate": row.estimate,
                             "ci_low": row.ci_low, "ci_high": row.ci_high,
                             "truth": truth["pseudo_truth"]["pooled"][key],
                             "truth_mc_se": truth["pseudo_truth_mc_se"]["pooled"][key]})
    out = pd.DataFrame(rows)
    out["covered"] = (out["ci_low"] <= out["truth"]) & (out["truth"] <= out["ci_high"])
    return out


def test_adoption_ame_intervals_cover_the_pseudo_truth_at_nominal_rate(adoption_draws):
    by_cell = adoption_draws.groupby(["model", "term"])["covered"].mean()
    by_model = adoption_draws.groupby("model")["covered"].mean()
    # overall and each model's 7 x 600 intervals within 93-97%; no single AME below 90% (5.6 SDs).
    # Measured when written (seeds 6000-6599): fractional logit 95.4%, logit 95.9% (600 fits, 7 of
    # them Firth), overall 95.6%, cells 94.2-97.7%; with the logit's inverse-information covariance
    # instead of HC3 an earlier study (seeds 9000-9499) measured 90.8% (hence HC3, stats.adoption.logit).
    assert 0.93 <= adoption_draws["covered"].mean() <= 0.97, by_cell
    assert ((0.93 <= by_model) & (by_model <= 0.97)).all(), by_model
    assert by_cell.min() >= 0.90, by_cell


def test_adoption_ames_are_unbiased_for_the_pseudo_truth(adoption_draws):
    cells = adoption_draws.groupby(["model", "term"])
    error = cells["estimate"].mean() - cells["truth"].first()
    # Monte Carlo error of the mean over R_ADOPTION surveys and of the pseudo-truth itself
    mc_se = np.sqrt(cells["estimate"].var() / R_ADOPTION + cells["truth_mc_se"].first() ** 2)
    assert (error.abs() < 4 * mc_se).all(), pd.DataFrame({"error": error, "mc_se": mc_se})
