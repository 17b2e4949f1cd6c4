"""Specification curve: the choice grid, the fast estimators against statsmodels and `models`,
Rubin pooling against a direct computation, parallel backends, and the joint test's behaviour
under a true null and a strong effect (synthetic data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cooperate_analysis.data import derived, synthetic
from cooperate_analysis.stats import inference, speccurve
from cooperate_analysis.stats.models import ols_hc3, ordered_logit

M, SEED = 4, 3
DISTRICT = "santa_croce_tanning"


@pytest.fixture(scope="module")
def pooled() -> pd.DataFrame:
    survey = synthetic.generate({d: 60 for d in synthetic.DEFAULT_N}, seed=11, missing_rate=0.04)
    frame = derived.analysis_frame(survey)
    return frame.assign(w=inference.poststrat_weights(frame, synthetic.population_counts()).weights)


@pytest.fixture(scope="module")
def district(pooled) -> pd.DataFrame:
    firms = pooled[pooled["district"] == DISTRICT].reset_index(drop=True)
    return firms.assign(w=inference.poststrat_weights(firms, synthetic.population_counts()).weights)


def subset(specs: pd.DataFrame) -> pd.DataFrame:
    """A small slice of the grid with every kind of spec: 2 outcomes x 2 CSR measures."""
    return specs[specs["outcome"].isin(["score_innovation", "out_reputation"])
                 & specs["csr"].isin(["csr_overall", "cert_any"])]


@pytest.fixture(scope="module")
def district_curve(district):
    specs = subset(speccurve.specifications())
    return specs, speccurve.run(district, specs, m=M, seed=SEED, n_jobs=1)


@pytest.fixture(scope="module")
def pooled_curve(pooled):
    specs = subset(speccurve.specifications(pooled=True))
    return specs, speccurve.run(pooled, specs, m=M, seed=SEED, n_jobs=2)


def pick(curve: pd.DataFrame, **choices) -> pd.Series:
    rows = curve.loc[np.logical_and.reduce([curve[k] == v for k, v in choices.items()])]
    assert len(rows) == 1, choices
    return rows.iloc[0]


def coded(df: pd.DataFrame, outcome: str, coding: str) -> pd.Series:
    y = df[outcome].astype("float64")
    return y if coding == "level" else (y > 3).astype("float64").where(y.notna())


def wsd(v: pd.Series, w: pd.Series | None) -> float:
    w = np.ones(len(v)) if w is None else w.to_numpy()
    mean = np.average(v, weights=w)
    return float(np.sqrt(np.average((v - mean) ** 2, weights=w)))


# --- the grid -----------------------------------------------------------------------------------

def test_specification_grid_counts_and_dropped_combinations():
    specs = speccurve.specifications()
    assert len(specs) == 4704 and not specs.duplicated().any()
    assert specs.groupby("model").size().to_dict() == {"logit": 2208, "ols": 2496}
    sizes = {dim: specs[dim].nunique() for dim in speccurve.DIMENSIONS}
    assert sizes == {"outcome": 13, "coding": 2, "csr": 8, "controls": 3, "weights": 2, "missing": 2, "model": 2}
    scores = specs["outcome"].str.startswith("score_")
    assert not ((specs["model"] == "logit") & (specs["coding"] == "level") & scores).any()
    assert ((specs["model"] == "logit") & (specs["coding"] == "improved") & scores).sum() == 3 * 96
    assert (specs["fixed_effects"] == "none").all()
    assert (speccurve.specifications(pooled=True)["fixed_effects"] == "district").all()


# --- fast paths against the reference implementations ----------------------------------------------

@pytest.mark.parametrize("which", ["district", "pooled"])
@pytest.mark.parametrize("outcome, coding, csr, controls, weights", [
    ("score_innovation", "level", "csr_overall", "full", "none"),
    ("score_innovation", "level", "cert_any", "size", "poststrat"),
    ("out_reputation", "improved", "csr_overall", "none", "poststrat"),
    ("out_reputation", "level", "cert_any", "full", "none"),
])
def test_linear_specs_equal_statsmodels_hc3_and_wls_hc1(which, outcome, coding, csr, controls, weights, request):
    frame = request.getfixturevalue(which)
    _, curve = request.getfixturevalue(f"{which}_curve")
    got = pick(curve, outcome=outcome, coding=coding, csr=csr, controls=controls, weights=weights,
               missing="complete", model="ols")
    cols = list(speccurve.CONTROL_SETS[controls])
    data = frame.assign(y=coded(frame, outcome, coding), x=frame[csr])[["y", "x", "w", "district", *cols]].dropna()
    w = data["w"] if weights == "poststrat" else None
    data = data.assign(y=data["y"] / wsd(data["y"], w), x=data["x"] / wsd(data["x"], w))
    fe = "district" if which == "pooled" else None
    ref = ols_hc3(data, "y", "x", cols, fe, weights="w" if w is not None else None).set_index("term").loc["x"]
    assert ref["cov_type"] == ("HC1" if w is not None else "HC3")
    for key in ("estimate", "std_error", "p_value", "ci_low", "ci_high", "n"):
        assert got[key] == pytest.approx(ref[key], rel=1e-8, abs=1e-12), key


@pytest.mark.parametrize("outcome, coding, csr, controls", [
    ("out_reputation", "level", "csr_overall", "full"),
    ("out_reputation", "improved", "cert_any", "size"),
    ("score_innovation", "improved", "csr_overall", "none"),
])
def test_logit_specs_equal_models_ordered_logit(district, district_curve, outcome, coding, csr, controls):
    """`models.ordered_logit` (statsmodels `OrderedModel` at its maximum) agrees to 1e-8; binary
    outcomes also with statsmodels' Newton-fitted `Logit`."""
    got = pick(district_curve[1], outcome=outcome, coding=coding, csr=csr, controls=controls, weights="none",
               missing="complete", model="logit")
    cols = list(speccurve.CONTROL_SETS[controls])
    data = district.assign(y=coded(district, outcome, coding))[["y", csr, *cols]].dropna()
    ref = ordered_logit(data, "y", csr, cols).query("kind == 'slope'").set_index("term")
    eta = data[[csr, *cols]].to_numpy() @ ref.loc[[csr, *cols], "estimate"].to_numpy()
    factor = data[csr].std(ddof=0) / np.sqrt(eta.var() + np.pi ** 2 / 3)
    assert got["estimate"] == pytest.approx(ref.loc[csr, "estimate"] * factor, rel=1e-8)
    assert got["std_error"] == pytest.approx(ref.loc[csr, "std_error"] * factor, rel=1e-8)
    assert got["p_value"] == pytest.approx(ref.loc[csr, "p_value"], rel=1e-8, abs=1e-12)
    assert got["n"] == len(data)
    if coding == "improved":
        logit = sm.Logit(data["y"], sm.add_constant(data[[csr, *cols]])).fit(disp=False, tol=1e-12)
        eta = data[[csr, *cols]].to_numpy() @ logit.params[[csr, *cols]].to_numpy()
        factor = data[csr].std(ddof=0) / np.sqrt(eta.var() + np.pi ** 2 / 3)
        assert got["estimate"] == pytest.approx(logit.params[csr] * factor, rel=1e-8)
        assert got["std_error"] == pytest.approx(logit.bse[csr] * factor, rel=1e-6)


def test_imputed_specs_equal_direct_rubin_pooling(district, district_curve):
    curve = district_curve[1]
    completed = speccurve.impute(district, m=M, seed=SEED)
    assert len(completed) == M and all(not d.isna().any().any() for d in completed)
    observed = district[speccurve.analysis_columns()].astype("float64")
    for d in completed:  # observed values are kept, only the holes are filled
        assert (d[observed.notna()].fillna(0) == observed.fillna(0)).all().all()
    cols = list(speccurve.CONTROL_SETS["full"])
    for model in ("ols", "logit"):
        got = pick(curve, outcome="out_reputation", coding="level", csr="csr_overall", controls="full",
                   weights="none", missing="imputed", model=model)
        est, var = [], []
        for d in completed:
            data = d.assign(y=d["out_reputation"], x=d["csr_overall"])
            if model == "ols":
                data = data.assign(y=data["y"] / data["y"].std(ddof=0), x=data["x"] / data["x"].std(ddof=0))
                row = ols_hc3(data, "y", "x", cols).set_index("term").loc["x"]
                factor = 1.0
            else:
                slopes = ordered_logit(data, "y", "x", cols).query("kind == 'slope'").set_index("term")
                row = slopes.loc["x"]
                eta = data[["x", *cols]].to_numpy() @ slopes.loc[["x", *cols], "estimate"].to_numpy()
                factor = data["x"].std(ddof=0) / np.sqrt(eta.var() + np.pi ** 2 / 3)
            est.append(row["estimate"] * factor)
            var.append((row["std_error"] * factor) ** 2)
        df_complete = len(district) - 2 - len(cols) if model == "ols" else np.inf
        ref = inference.rubin_pool(np.array(est), np.array(var), df_complete).iloc[0]
        tol = 1e-8  # logit: warm-started fits on datasets 2..m reach the same maxima as cold ones
        for key, ref_key in [("estimate", "estimate"), ("std_error", "se"), ("p_value", "p_value"),
                             ("ci_low", "ci_low"), ("ci_high", "ci_high")]:
            assert got[key] == pytest.approx(ref[ref_key], rel=tol), (model, key)
        assert got["n"] == len(district)


def test_imputation_with_incomplete_core_predictors_chains_and_keeps_observed_values(district):
    holed = district.copy()
    holed.loc[:5, "score_market"] = np.nan
    holed.loc[6:9, "csr_overall"] = np.nan
    completed = speccurve.impute(holed, m=2, seed=0)
    for d in completed:
        assert not d.isna().any().any()
        assert d["score_market"].iloc[:6].between(1, 5).all()
        pd.testing.assert_series_equal(d["out_reputation"][holed["out_reputation"].notna()],
                                       holed["out_reputation"].astype("float64").dropna())
        assert ((d["csr_cert_count"] > 0) == (d["cert_any"] == 1)).all()
    assert not completed[0]["csr_overall"].iloc[6:10].equals(completed[1]["csr_overall"].iloc[6:10])


# --- parallel backends and determinism ------------------------------------------------------------

def test_results_do_not_depend_on_how_cells_are_batched(district, district_curve, monkeypatch):
    specs, curve = district_curve
    linear = specs[specs["model"] == "ols"]
    joint = speccurve.joint_test(district, linear, curve, n_boot=20, seed=SEED, m=M, n_jobs=1)
    monkeypatch.setattr(speccurve, "CELLS_PER_BATCH", 64)  # one group and one draw at a time
    monkeypatch.setattr(speccurve.batched, "OLS_CELLS_PER_BATCH", 64)  # one fit unit and draw per step
    small = speccurve.run(district, linear, m=M, seed=SEED, n_jobs=1)
    pd.testing.assert_frame_equal(small, curve.loc[linear.index], rtol=1e-12)
    again = speccurve.joint_test(district, linear, curve, n_boot=20, seed=SEED, m=M, n_jobs=1)
    pd.testing.assert_frame_equal(again.null, joint.null, rtol=1e-12)


def test_joblib_workers_do_not_change_results(district, district_curve, monkeypatch):
    monkeypatch.setattr(speccurve, "PARALLEL_MIN_WORK", 0)  # threads even for this small survey
    specs, curve = district_curve
    pd.testing.assert_frame_equal(speccurve.run(district, specs, m=M, seed=SEED, n_jobs=2), curve)


def test_local_dask_cluster_gives_identical_results(district, district_curve):
    distributed = pytest.importorskip("distributed")
    specs, curve = district_curve
    linear = specs[specs["model"] == "ols"]
    local = speccurve.joint_test(district, linear, curve, n_boot=40, seed=SEED, m=M, n_jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,  # tasks leave this process
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        pd.testing.assert_frame_equal(speccurve.run(district, specs, m=M, seed=SEED, scheduler=client), curve)
        remote = speccurve.joint_test(district, linear, curve, n_boot=40, seed=SEED, m=M,
                                      scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(remote.null, local.null)
    pd.testing.assert_frame_equal(remote.table, local.table)


# --- joint test -----------------------------------------------------------------------------------

def joint_frame(effect: float) -> pd.DataFrame:
    """One district of 150 firms whose Likert items are redrawn: 3 + effect x z(CSR index) + noise."""
    cb = speccurve.load_codebook()
    survey = synthetic.generate({DISTRICT: 150}, seed=5)
    rng = np.random.default_rng(10)
    z = derived.csr_indices(survey, cb)["csr_overall"]
    z = ((z - z.mean()) / z.std()).to_numpy()
    for item in cb.outcome_items():
        value = np.clip(np.round(3 + effect * z + rng.normal(0, 1, len(survey))), 1, 5).astype(int)
        survey[item] = pd.Series(value, index=survey.index, dtype="Int64").where(survey[item].notna())
    return derived.analysis_frame(survey, cb)


def joint_specs() -> pd.DataFrame:
    specs = speccurve.specifications()
    return specs[(specs["model"] == "ols") & specs["csr"].isin(["csr_overall", "csr_environment", "cert_any"])]


@pytest.mark.parametrize("effect", [0.0, 0.6])
def test_joint_test_rejects_a_strong_effect_and_not_a_true_null(effect):
    """Under a true null the p-values are uniform, so one seeded dataset is one draw (checked
    separately over 25 null datasets: share of p < .05 of 0.04 / 0 / 0.04 for the three statistics)."""
    frame, specs = joint_frame(effect), joint_specs()
    curve = speccurve.run(frame, specs, m=3, seed=4, n_jobs=1)
    result = speccurve.joint_test(frame, specs, curve, n_boot=200, seed=4, m=3, n_jobs=2)
    p = result.table.set_index("statistic")["p_value"]
    if effect:
        assert result.dominant_sign == 1 and (p <= 0.01).all(), p
    else:
        assert (p > 0.1).all(), p
    assert result.n_specs == len(specs) and result.n_boot == 200 and len(result.null) == 200
    # under the imposed null the draws centre on zero
    assert abs(result.table.set_index("statistic").loc["median", "null_median"]) < 0.02


def test_joint_test_is_seeded_and_independent_of_workers(district, district_curve, monkeypatch):
    specs, curve = district_curve
    first = speccurve.joint_test(district, specs, curve, n_boot=60, seed=SEED, m=M, n_jobs=1)
    monkeypatch.setattr(speccurve, "PARALLEL_MIN_WORK", 0)  # threads (and tasks of DRAWS_PER_TASK draws)
    again = speccurve.joint_test(district, specs, curve, n_boot=60, seed=SEED, m=M, n_jobs=2)
    pd.testing.assert_frame_equal(first.table, again.table)
    pd.testing.assert_frame_equal(first.null, again.null)
    assert first.excluded_specs == (specs["model"] == "logit").sum() > 0
    assert first.n_specs == (specs["model"] == "ols").sum()
    assert "logit" in first.excluded_reason and "equivalent" in first.excluded_reason
    # complete-case specs do not depend on the imputations, so any seed fits their curve
    complete = specs[specs["missing"] == "complete"]
    one = speccurve.joint_test(district, complete, curve, n_boot=60, seed=SEED, m=M, n_jobs=2)
    other = speccurve.joint_test(district, complete, curve, n_boot=60, seed=SEED + 1, m=M, n_jobs=2)
    assert not one.null.equals(other.null)


def test_joint_test_refuses_a_curve_from_other_imputations(district, district_curve):
    specs, curve = district_curve
    with pytest.raises(ValueError, match="curve does not match"):
        speccurve.joint_test(district, specs, curve, n_boot=10, seed=0, m=M + 1, n_jobs=1)


def test_the_curve_and_the_joint_test_of_one_group_build_its_linear_blocks_once(district, district_curve, monkeypatch):
    """`run` keeps its linear blocks and their observed fits (`_observed_blocks`) for the joint test of the same
    firms, specs, m and seed, which then builds none; any other input builds its own; the results are
    those built afresh."""
    specs, curve = district_curve
    linear = specs[specs["model"] == "ols"]
    built = []
    blocks = speccurve._blocks
    monkeypatch.setattr(speccurve, "_blocks", lambda *args: built.append(1) or blocks(*args))
    monkeypatch.setattr(speccurve, "_OBSERVED", {})
    pd.testing.assert_frame_equal(speccurve.run(district, specs, m=M, seed=SEED, n_jobs=1), curve)
    assert len(built) == 1
    kept = speccurve.joint_test(district, linear, curve, n_boot=30, seed=SEED, m=M, n_jobs=1)
    assert len(built) == 1
    changed = district.assign(score_innovation=district["score_innovation"] + 0.5)  # other data: built again
    speccurve.run(changed, linear, m=M, seed=SEED, n_jobs=1)
    speccurve.run(district, linear, m=M, seed=SEED + 1, n_jobs=1)  # another seed, other imputations
    assert len(built) == 3
    monkeypatch.setattr(speccurve, "_OBSERVED", {})
    fresh = speccurve.joint_test(district, linear, curve, n_boot=30, seed=SEED, m=M, n_jobs=1)
    assert len(built) == 4
    pd.testing.assert_frame_equal(kept.table, fresh.table)
    pd.testing.assert_frame_equal(kept.null, fresh.null)


def test_joint_tests_of_groups_from_one_bootstrap_equal_each_groups_own_test(district, district_curve):
    specs, curve = district_curve
    family = specs["outcome"].map(speccurve.outcome_family)
    pd.testing.assert_series_equal(speccurve.outcome_families(specs["outcome"]), family)  # one lookup per outcome
    together = speccurve.joint_tests(district, specs, curve, family, n_boot=40, seed=SEED, m=M, n_jobs=1)
    assert set(together) == set(family)
    for f, result in together.items():
        alone = speccurve.joint_test(district, specs[family == f], curve[family == f], n_boot=40, seed=SEED, m=M,
                                     n_jobs=1)
        pd.testing.assert_frame_equal(result.table, alone.table, rtol=1e-12)
        assert (result.n_specs, result.n_linear, result.excluded_specs) == (
            alone.n_specs, alone.n_linear, alone.excluded_specs)


# --- the joint test's bootstrap engine (issue 28) ------------------------------------------------------

def draw_specs(weights: str) -> pd.DataFrame:
    specs = subset(speccurve.specifications())
    return specs[(specs["model"] == "ols") & (specs["missing"] == "complete") & (specs["weights"] == weights)]


@pytest.mark.parametrize("weights", ["none", "poststrat"])
def test_bootstrap_draws_equal_statsmodels_fits_on_the_drawn_firms(district, weights):
    """Every complete-case linear spec of a small multiverse under the null (y* = y - b x), in 8
    bootstrap draws: slope and variance of the sufficient-statistics engine equal statsmodels
    OLS-HC3 / WLS-HC1 fitted one at a time on the drawn firms (rows repeated), to 1e-9."""
    specs = draw_specs(weights)
    data = speccurve._prepare(district, specs, M, SEED, None)
    counts = speccurve._bootstrap_counts(data.strata, 8, SEED)
    compared = 0
    for block in speccurve._blocks(data, specs, M):
        null = speccurve._under_null(block)
        b, var = speccurve._ols_draw_cells(null, counts)
        q = len(block.targets)
        for k, position in enumerate(block.specs):
            spec, cell = specs.iloc[position], block.cells[k, 0]
            X = district[[spec["csr"], *speccurve.CONTROL_SETS[spec["controls"]]]].astype("float64")
            y = coded(district, spec["outcome"], spec["coding"])
            assert (block.groups[cell // q][1], block.targets[cell % q]) == (spec["csr"], (spec["outcome"],
                                                                                           spec["coding"]))
            keep = np.flatnonzero(y.notna() & X.notna().all(axis=1))
            y_null = y - null.null_slope[cell] * X[spec["csr"]]
            for d in range(len(counts)):
                rows = np.repeat(keep, counts[d, keep])
                design = sm.add_constant(X.iloc[rows], has_constant="add")
                if weights == "none":
                    fit = sm.OLS(y_null.iloc[rows], design).fit(cov_type="HC3")
                else:
                    fit = sm.WLS(y_null.iloc[rows], design, weights=data.weights[rows]).fit(cov_type="HC1")
                if not np.isfinite(fit.bse[spec["csr"]]):  # a leverage of 1: not estimable in both
                    assert np.isnan(b[cell, d])
                    continue
                assert b[cell, d] == pytest.approx(fit.params[spec["csr"]], rel=1e-9, abs=1e-12)
                assert var[cell, d] == pytest.approx(fit.bse[spec["csr"]] ** 2, rel=1e-9)
                compared += 1
    assert compared >= 0.9 * len(specs) * len(counts)


def test_an_exact_fit_in_a_draw_is_not_estimable_and_other_draws_equal_the_residual_form(district):
    """A planted draw holding only firms that did not improve their reputation: the 'improved'
    outcome is constant on the draw, y* = y - b x is a line in x and the fit is exact. Its computed
    SE is rounding noise (in either form of the sums), so the draw's spec is not estimable (NaN
    estimate and p: neither significant nor in the median); ordinary draws are unchanged."""
    specs = draw_specs("none")
    specs = specs[(specs["outcome"] == "out_reputation") & (specs["coding"] == "improved")]
    data = speccurve._prepare(district, specs, M, SEED, None)
    counts = speccurve._bootstrap_counts(data.strata, 6, SEED)
    improved = coded(district, "out_reputation", "improved").to_numpy()
    assert 3 <= np.nansum(improved) < len(improved) - 15  # enough firms on both sides
    planted = np.where(improved == 0, 2, 0)  # every non-improver twice, nobody else
    counts = np.vstack([counts, planted[None, :]])
    for block in speccurve._blocks(data, specs, M):
        null = speccurve._under_null(block)
        f = null.factor[:, None]
        for cells in (speccurve._ols_draw_cells, speccurve._ols_cells):
            b, var = cells(null, counts)
            spec_cells = null.cells[:, 0]
            assert np.isfinite(b[spec_cells, -1]).all()  # a fit is computed ...
            assert (np.abs(var[spec_cells, -1]) * f[spec_cells, 0] ** 2 < speccurve.SE_TOLERANCE ** 2).all()  # ... exact
            est, p = speccurve._null_draws(null, counts, cells)
            assert np.isnan(est[:, -1]).all() and np.isnan(p[:, -1]).all()
            assert np.isfinite(est[:, :-1]).all() and (p[:, :-1] > 0).all()
            assert (np.sqrt(var[spec_cells, :-1]) * f[spec_cells] > 100 * speccurve.SE_TOLERANCE).all()
        fast = speccurve._null_draws(null, counts)
        slow = speccurve._null_draws(null, counts, speccurve._ols_cells)
        np.testing.assert_allclose(fast[0], slow[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fast[1], slow[1], rtol=1e-9, atol=1e-12)
    stats = speccurve._statistics(np.array([[0.3], [np.nan], [0.1]]), np.array([[0.01], [np.nan], [0.5]]))
    assert stats.loc[0, "median"] == pytest.approx(0.2) and stats.loc[0, "share_significant"] == pytest.approx(1 / 3)


def test_a_median_zero_to_rounding_has_the_positive_direction():
    """The middle specs of a null draw that reproduce their observed samples have slope 0, computed
    as +-1e-16; their sign must not choose the curve's direction."""
    est = np.array([[-0.3, -0.3], [-1.4e-16, 3.3e-16], [-1.4e-16, 3.3e-16], [0.2, 0.2]])
    p = np.array([[0.01, 0.01], [1.0, 1.0], [1.0, 1.0], [0.3, 0.3]])
    stats = speccurve._statistics(est, p)
    np.testing.assert_array_equal(speccurve._direction(stats["median"].to_numpy()), [1.0, 1.0])
    assert stats["share_significant"].tolist() == [0.0, 0.0]  # the significant spec is negative
    assert stats["stouffer_z"].iloc[0] == pytest.approx(stats["stouffer_z"].iloc[1])
    assert speccurve._direction(np.array([-1e-6]))[0] == -1.0


def test_imputed_fits_that_are_the_same_fit_are_computed_once_and_equal_the_residual_form(district):
    """Imputed linear specs under the null, in 6 draws: the sufficient-statistics engine, which fits a
    design, sample and outcome shared by several completed datasets once, equals the residual form
    (`_ols_cells`, every cell fitted on its own) to 1e-9; and with a CSR measure and controls observed
    for every firm, the M completed datasets share one design, so far fewer units than cells are fitted."""
    specs = subset(speccurve.specifications())
    specs = specs[(specs["model"] == "ols") & (specs["missing"] == "imputed")]
    data = speccurve._prepare(district, specs, M, SEED, None)
    counts = speccurve._bootstrap_counts(data.strata, 6, SEED)
    fitted, cells = [], 0
    original = speccurve.batched.ols_draws

    def counting(X, *args):
        fitted.append(len(X))
        return original(X, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(speccurve.batched, "ols_draws", counting)
        for block in speccurve._blocks(data, specs, M):
            null = speccurve._under_null(block)
            fast, slow = speccurve._ols_draw_cells(null, counts), speccurve._ols_cells(null, counts)
            np.testing.assert_allclose(fast[0], slow[0], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(fast[1], slow[1], rtol=1e-9, atol=1e-15)
            cells += len(block.groups)
    observed = district[["csr_overall", "cert_any", "log_employees"]].notna().all().all()
    assert observed and sum(fitted) < cells  # the 'none' and 'size' designs are shared by the datasets


def test_identical_logit_fits_are_computed_once_with_the_same_results(district, monkeypatch):
    """`_logit_task` fits each distinct (outcome, regressors, weights) once and copies its result to
    the fits that are the same (completed datasets that do not differ where the fit looks); the results
    equal those of every fit computed on its own (`_logit_batch` on all rows, then the same retries),
    also when the designs are built a few specifications at a time (LOGIT_DESIGN_CELLS)."""
    specs = subset(speccurve.specifications())
    specs = specs[(specs["model"] == "logit") & (specs["controls"] == "size")]
    data = speccurve._prepare(district, specs, M, SEED, None)
    fits = speccurve._fits(specs, M)
    y, X, w, robust = speccurve._logit_design(data, fits)
    first, inverse = speccurve._distinct_fits(fits, y, X, robust)
    assert len(first) < len(fits)  # completed datasets share fits
    for i in range(len(fits)):  # a fit shares its results only with an identical one
        j = first[inverse[i]]
        assert np.array_equal(y[i], y[j], equal_nan=True) and np.array_equal(X[i], X[j], equal_nan=True)
        assert robust[i] == robust[j]
    together = speccurve._logit_task(data, fits)
    alone, _ = speccurve._logit_batch(y, X, w, robust)
    retried = ~np.isnan(together[:, 0]) & np.isnan(alone[:, 0])  # retries from the previous dataset's fit
    np.testing.assert_allclose(together[~retried], alone[~retried], rtol=1e-9, atol=1e-12)
    monkeypatch.setattr(speccurve, "LOGIT_DESIGN_CELLS", 5 * M * len(district))  # about 5 specs at a time
    np.testing.assert_allclose(speccurve._logit_task(data, fits), together, rtol=1e-9, atol=1e-12)
