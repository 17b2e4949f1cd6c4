"""Models against certified references (NIST Longley) and against known truth."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cooperate_analysis.models import district_heterogeneity, ols

LONGLEY_COEF = {"Intercept": -3482258.63459582, "GNPDEFL": 15.0618722713733, "GNP": -0.0358191792925910,
                "UNEMP": -2.02022980381683, "ARMED": -1.03322686717359, "POP": -0.0511041056535807,
                "YEAR": 1829.15146461355}
LONGLEY_HC3 = {"GNPDEFL": "91.11939", "GNP": "0.05562", "UNEMP": "0.82213", "ARMED": "0.29879",
               "POP": "0.32491", "YEAR": "922.80784", "Intercept": "1799477"}  # as printed


def test_longley_coefficients_r2_and_hc3_match_certified_values():
    data = sm.datasets.longley.load_pandas().data
    fit = ols(data, "TOTEMP", "GNPDEFL", ["GNP", "UNEMP", "ARMED", "POP", "YEAR"])
    coef = fit.coefficients.set_index("term")
    for term, value in LONGLEY_COEF.items():
        assert coef.loc[term, "estimate"] == pytest.approx(value, rel=1e-7)
    for term, printed in LONGLEY_HC3.items():  # equal to the printed digits
        decimals = len(printed.partition(".")[2])
        assert coef.loc[term, "std_error"] == pytest.approx(float(printed), abs=0.5 * 10 ** -decimals)
    assert fit.r2 == pytest.approx(0.995479004577296, rel=1e-10)
    assert fit.cov_type == "HC3" and fit.n == 16


def simulate(n, slopes, seed, heteroskedastic=True):
    rng = np.random.default_rng(seed)
    groups = np.array(list(slopes))[rng.integers(0, len(slopes), n)]
    x = rng.uniform(0, 1, n)
    z = rng.normal(size=n)
    beta = np.array([slopes[g] for g in groups])
    sd = 0.3 + 1.2 * x if heteroskedastic else 1.0
    y = 2.0 + beta * x + 0.5 * z + rng.normal(size=n) * sd
    return pd.DataFrame({"y": y, "x": x, "z": z, "district": groups})


def test_hc3_interval_coverage_is_near_nominal_under_heteroskedasticity():
    covered = []
    for rep in range(300):
        fit = ols(simulate(60, {"a": 0.7}, seed=rep), "y", "x", ["z"])
        row = fit.term("x")
        covered.append(row["ci_low"] <= 0.7 <= row["ci_high"])
    assert 0.91 <= np.mean(covered) <= 0.98, np.mean(covered)


def test_weighted_fit_uses_hc1_sandwich_and_unit_weights_give_ols_estimates():
    df = simulate(200, {"a": 0.7}, seed=1).assign(w=1.0)
    weighted, plain = ols(df, "y", "x", ["z"], weights="w"), ols(df, "y", "x", ["z"])
    assert weighted.cov_type == "HC1"
    np.testing.assert_allclose(weighted.coefficients["estimate"], plain.coefficients["estimate"], rtol=1e-10)


def test_heterogeneity_slopes_equal_separate_regressions_and_wald_detects_differences():
    df = simulate(900, {"p": 0.2, "q": 1.0, "r": 1.8}, seed=7)
    het = district_heterogeneity(df, "y", "x", ["z"])
    # without common controls the pooled interaction model reproduces per-group OLS slopes exactly
    plain = district_heterogeneity(df, "y", "x", [])
    for g, sub in df.groupby("district"):
        separate = ols(sub, "y", "x").term("x")["estimate"]
        assert plain.slopes.set_index("district").loc[g, "estimate"] == pytest.approx(separate, rel=1e-9)
    assert het.wald_df == 2 and het.wald_p_value < 0.01
    same = district_heterogeneity(simulate(900, {"p": 1.0, "q": 1.0, "r": 1.0}, seed=8), "y", "x", ["z"])
    assert same.wald_p_value > 0.05
