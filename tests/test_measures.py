"""Scale measures and measurement checks: hand-made answers, published references, simulations.

References (methods.md §4): pingouin's Cronbach datasets (items 5) and lavaan's Holzinger-Swineford
CFA (item 6); lavaan's SRMR (0.065) and completely standardized loadings for the same model are
printed in lavaan 0.6 summaries, e.g. rempsyc/lavaanExtra reference/write_lavaan.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from factor_analyzer import FactorAnalyzer
from scipy import stats

from cooperate_analysis.data import derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import measures

from .conftest import make_survey

# factor_analyzer 0.5.1 still passes sklearn's renamed `force_all_finite` argument.
pytestmark = pytest.mark.filterwarnings("ignore:'force_all_finite' was renamed:FutureWarning")

CB = load_codebook()


def simulate(factors: dict[str, list[str]], n: int, loading: float, factor_corr: float, seed: int) -> pd.DataFrame:
    """Standardized items from a common-factor model: item = loading * factor + noise."""
    rng = np.random.default_rng(seed)
    m = len(factors)
    phi = np.full((m, m), factor_corr) + (1 - factor_corr) * np.eye(m)
    scores = rng.multivariate_normal(np.zeros(m), phi, size=n)
    cols = {}
    for j, items in enumerate(factors.values()):
        for item in items:
            cols[item] = loading * scores[:, j] + np.sqrt(1 - loading**2) * rng.standard_normal(n)
    return pd.DataFrame(cols)


def feldt(alpha: float, n: int, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval, written out independently of pingouin."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (1 - (1 - alpha) * stats.f.ppf(1 - (1 - ci) / 2, df1, df2),
            1 - (1 - alpha) * stats.f.ppf((1 - ci) / 2, df1, df2))


# --- scale scores ---------------------------------------------------------------------------------

def test_csr_indices_known_answers():
    df = pd.DataFrame(np.nan, index=range(3), columns=CB.practices() + CB.certifications("csr"))
    wp, env = CB.practices("workplace"), CB.practices("environment")
    df.loc[0, wp] = [1, 1, 0, 0]
    df.loc[0, env] = [1, np.nan, 0, np.nan]           # share among answered: 1 of 2
    df.loc[1, wp] = [1, 1, 1, 0]                      # only one dimension answered
    df.loc[2, CB.practices()] = 0
    df.loc[0, CB.certifications("csr")] = [1, 0, np.nan, 1]
    df.loc[2, CB.certifications("csr")] = 0
    out = derived.csr_indices(df)
    assert out.loc[0, "csr_workplace"] == pytest.approx(0.5)
    assert out.loc[0, "csr_environment"] == pytest.approx(0.5)
    assert np.isnan(out.loc[0, "csr_community"])
    # issue 23: the overall index needs every dimension index (firm 0 has no community answers, firm 1
    # only the workplace practices)
    assert np.isnan(out.loc[0, "csr_overall"]) and np.isnan(out.loc[1, "csr_overall"])
    assert out.loc[1, "csr_workplace"] == pytest.approx(0.75)
    assert out.loc[2, "csr_overall"] == pytest.approx(0.0)
    assert out["csr_cert_count"].tolist()[0] == 2 and np.isnan(out.loc[1, "csr_cert_count"])
    assert out.loc[0, "cert_any"] == 1 and np.isnan(out.loc[1, "cert_any"]) and out.loc[2, "cert_any"] == 0


def test_outcome_scores_half_answered_rule():
    inn, mkt = CB.outcome_items("innovation"), CB.outcome_items("market")  # 3 and 4 items
    df = pd.DataFrame(np.nan, index=range(3), columns=CB.outcome_items())
    df.loc[0, inn] = [4, 2, np.nan]                   # 2 of 3 answered -> mean
    df.loc[1, inn] = [4, np.nan, np.nan]              # 1 of 3 -> missing
    df.loc[0, mkt] = [5, np.nan, 1, np.nan]           # exactly half -> mean
    df.loc[1, mkt] = [5, np.nan, np.nan, np.nan]      # 1 of 4 -> missing
    df.loc[2, :] = 3
    out = derived.outcome_scores(df)
    assert out.loc[0, "score_innovation"] == pytest.approx(3.0) and np.isnan(out.loc[1, "score_innovation"])
    assert out.loc[0, "score_market"] == pytest.approx(3.0) and np.isnan(out.loc[1, "score_market"])
    assert np.isnan(out.loc[0, "score_intangible"])
    np.testing.assert_allclose(out.loc[2].to_numpy(dtype=float), 3.0)


# --- reliability ----------------------------------------------------------------------------------

def test_alpha_long_format_reference():
    wide = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    row = measures.reliability(wide, list(wide.columns)).iloc[0]
    # references as printed (alpha and the bounds to 3 decimals): compared at that precision
    assert row["alpha"] == pytest.approx(0.592, abs=5e-4)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.195, 0.840), abs=5e-4)
    assert (row["k"], row["n"]) == wide.shape[::-1]


def test_alpha_listwise_not_pairwise():
    data = pg.read_dataset("cronbach_wide_missing")
    complete = len(data.dropna())
    row = measures.reliability(data, list(data.columns)).iloc[0]
    # references as printed (4 decimals for alpha, 3 for the bounds): compared at that precision
    assert row["alpha"] == pytest.approx(0.8017, abs=5e-5)        # listwise reference
    assert (row["k"], row["n"]) == (11, complete) and complete < len(data)
    # pingouin's default (pairwise) gives the other reference value, which we do not use
    pairwise, pairwise_ci = pg.cronbach_alpha(data)
    assert pairwise == pytest.approx(0.7327, abs=5e-5) and list(pairwise_ci) == pytest.approx([0.435, 0.909], abs=5e-4)
    # Feldt CI: ours uses the complete cases; pingouin's listwise option (the methods.md
    # reference [0.581, 0.933]) keeps the row count from before deletion. pingouin rounds the
    # bounds to 3 decimals, so they are within 5e-4 of the unrounded interval written out here
    # (the two intervals differ by 0.015-0.05)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(feldt(row["alpha"], complete, 11), abs=5e-4)
    _, listwise_ci = pg.cronbach_alpha(data, nan_policy="listwise")
    assert list(listwise_ci) == pytest.approx([0.581, 0.933], abs=5e-4)
    assert list(listwise_ci) == pytest.approx(feldt(row["alpha"], len(data), 11), abs=5e-4)


def test_alpha_of_binary_items_is_kr20():
    items = CB.practices("workplace")
    latent = simulate({"f": items}, n=200, loading=0.7, factor_corr=0.0, seed=3)
    binary = (latent > 0.3).astype(float)
    binary.iloc[5, 1] = np.nan
    complete = binary.dropna()
    p = complete.mean()
    k = len(items)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / complete.sum(axis=1).var(ddof=0))
    row = measures.reliability(binary, items).iloc[0]
    assert row["alpha"] == pytest.approx(kr20, rel=1e-12)
    assert row["n"] == 199


def test_reliability_table_layout(survey):
    table = measures.reliability_table(survey)
    blocks = len(CB.csr_dimensions) + len(CB.outcome_scales)
    assert list(table.columns) == ["group", "block", "kind", "k", "n", "alpha", "ci_low", "ci_high"]
    assert list(table["group"].unique()) == [*sorted(CB.district_ids), "all"]
    assert len(table) == 4 * blocks
    assert set(table["kind"]) == {"csr dimension", "outcome scale"}
    pooled = table[(table["group"] == "all") & (table["block"] == "market")].iloc[0]
    expected = measures.reliability(survey, CB.outcome_items("market")).iloc[0]
    assert pooled["alpha"] == pytest.approx(expected["alpha"], rel=1e-12) and pooled["n"] == expected["n"]
    one = table[(table["group"] == CB.district_ids[0]) & (table["block"] == "workplace")].iloc[0]
    part = survey[survey["district"] == CB.district_ids[0]]
    assert one["alpha"] == pytest.approx(measures.reliability(part, CB.practices("workplace")).iloc[0]["alpha"],
                                         rel=1e-12)


# --- CFA ------------------------------------------------------------------------------------------
# semopy's example data are loaded by the tests that use them: importing semopy (scikit-learn, sympy) cost every
# test worker about 0.5 s at collection.

def holzinger39():
    from semopy.examples import holzinger39 as example

    return example


def test_fit_cfa_holzinger_swineford_reference():
    result = measures.fit_cfa(holzinger39().get_model(), holzinger39().get_data())
    fit = result.fit.iloc[0]
    assert fit["n"] == 301 and fit["df"] == 24 and fit["converged"]
    assert fit["chi2"] == pytest.approx(85.306, abs=1e-3)         # lavaan
    for index, lavaan in {"cfi": 0.931, "tli": 0.896, "rmsea": 0.092, "srmr": 0.065}.items():
        assert fit[index] == pytest.approx(lavaan, abs=5e-4), index
    lavaan_std = {"x1": .772, "x2": .424, "x3": .581, "x4": .852, "x5": .855, "x6": .838,
                  "x7": .570, "x8": .723, "x9": .665}
    got = result.loadings.set_index("item")["std_loading"]
    for item, value in lavaan_std.items():
        assert got[item] == pytest.approx(value, abs=2e-3), item
    assert len(result.factor_correlations) == 3


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # semopy RMSEA at df = 0
def test_srmr_is_zero_for_a_just_identified_model_and_grows_with_misfit():
    data = holzinger39().get_data()
    saturated = measures.fit_cfa("visual =~ x1 + x2 + x3", data).fit.iloc[0]
    assert saturated["df"] == 0 and saturated["srmr"] == pytest.approx(0, abs=1e-3)
    s = np.array([[1.0, 0.5], [0.5, 2.0]])
    sigma = np.array([[1.0, 0.2], [0.2, 2.0]])
    # only the covariance is off: residual 0.3 / sqrt(1 * 2) among 3 distinct elements
    assert measures.srmr(s, sigma) == pytest.approx(np.sqrt((0.3 / np.sqrt(2)) ** 2 / 3))


def test_composite_reliability_and_ave():
    hand = pd.DataFrame({"factor": ["a", "a", "a"], "std_loading": [0.7, 0.8, 0.9]})
    row = measures.composite_reliability(hand).iloc[0]
    # (0.7 + 0.8 + 0.9)^2 = 5.76; (1 - .49) + (1 - .64) + (1 - .81) = 1.06
    assert row["cr"] == pytest.approx(5.76 / 6.82) and row["ave"] == pytest.approx(1.94 / 3) and row["k"] == 3
    # CR is the share of the unit-weighted sum's variance due to the factor, from the implied correlations
    rng = np.random.default_rng(1)
    lam = rng.uniform(0.3, 0.9, size=5)
    implied = np.outer(lam, lam) + np.diag(1 - lam**2)
    out = measures.composite_reliability(pd.DataFrame({"factor": "b", "std_loading": lam})).iloc[0]
    assert out["cr"] == pytest.approx(lam.sum() ** 2 / implied.sum())
    assert out["ave"] == pytest.approx(np.trace(np.outer(lam, lam)) / len(lam))


def test_improper_solution_names_each_kind_of_inadmissible_estimate():
    def inspected(resid_x2=0.4, var_f=1.0, load_x3=0.8, corr=0.3, pair=("f", "g")):
        rows = [("x1", "~", "f", 1.0, 0.7), ("x2", "~", "f", 0.9, 0.6), ("x3", "~", "f", 1.1, load_x3),
                ("x4", "~", "g", 1.0, 0.7), ("f", "~~", "f", var_f, 1.0), ("g", "~~", "g", 1.0, 1.0),
                (pair[0], "~~", pair[1], 0.3, corr), ("x1", "~~", "x1", 0.5, 0.5),
                ("x2", "~~", "x2", resid_x2, 0.6)]
        return pd.DataFrame(rows, columns=["lval", "op", "rval", "Estimate", "Est. Std"])

    variance = pd.Series({"x1": 1.0, "x2": 1.0, "x3": 1.0, "x4": 1.0})
    assert measures.improper_solution(inspected(), variance, {"f", "g"}, True) == []
    got = measures.improper_solution(inspected(resid_x2=1e-12, var_f=0.0, load_x3=-1.0, corr=1.2), variance,
                                     {"f", "g"}, False)
    # the correlation of a factor without variance is undefined, not a second problem
    assert [(p.kind, p.names) for p in got] == [("convergence", ()), ("factor_variance", ("f",)),
                                                ("heywood", ("x2",)), ("loading", ("x3",))]
    assert str(got[2]) == "residual variance of x2 at or below zero (Heywood case)"
    # a factor variance is judged on its marker item's scale (x1 fixed at 1 for f): 1e-9 is zero
    assert [p.kind for p in measures.improper_solution(inspected(var_f=1e-9), variance, {"f", "g"}, True)] \
        == ["factor_variance"]
    got = measures.improper_solution(inspected(corr=-1.0, pair=("g", "f")), variance, {"f", "g"}, True)
    assert [(p.kind, p.names, p.value) for p in got] == [("correlation", ("f", "g"), -1.0)]


def test_cfa_on_items_without_common_factors_is_flagged_improper():
    cfa = measures.cfa_outcomes(derived.analysis_frame(make_survey(n=300, seed=3)))
    fit = cfa.fit.set_index("model")
    assert not fit.loc["3-factor", "admissible"] and "not positive" in fit.loc["3-factor", "problems"]
    assert fit.loc["1-factor", "admissible"] and fit.loc["1-factor", "problems"] == ""
    assert cfa.problems and all(isinstance(p, measures.Problem) for p in cfa.problems)


def test_cfa_outcomes_on_three_factor_data():
    data = simulate(CB.items_by_scale(), n=400, loading=0.75, factor_corr=0.3, seed=11)
    data.iloc[0, 0] = np.nan
    result = measures.cfa_outcomes(data)
    fit = result.fit.set_index("model")
    assert list(fit.index) == ["3-factor", "1-factor"] and (fit["n"] == 399).all()
    k = len(CB.outcome_items())
    moments = k * (k + 1) // 2
    assert fit.loc["3-factor", "df"] == moments - (2 * k - 3 + 3 + 3)   # loadings, residuals, factor (co)variances
    assert fit.loc["1-factor", "df"] == moments - (2 * k - 1 + 1)
    diff = result.difference.iloc[0]
    assert diff["delta_df"] == 3
    assert diff["delta_chi2"] == pytest.approx(fit.loc["1-factor", "chi2"] - fit.loc["3-factor", "chi2"])
    assert diff["p"] < 1e-6                                           # three scales, not one
    assert fit.loc["3-factor", "cfi"] > 0.95 and fit.loc["3-factor", "srmr"] < 0.08
    assert fit["admissible"].all() and not result.problems
    assert result.loadings["std_loading"].between(0.6, 0.9).all()
    pd.testing.assert_frame_equal(
        result.reliability, measures.composite_reliability(result.loadings).assign(max_r2=result.reliability["max_r2"]),
        check_exact=False, rtol=1e-12)
    r = result.factor_correlations["r"]
    assert result.reliability["max_r2"].max() == pytest.approx((r**2).max())
    assert "n = 399" in result.note and "over-reject" in result.note


# --- EFA and Harman -------------------------------------------------------------------------------

def test_efa_recovers_a_three_factor_structure():
    data = simulate(CB.items_by_scale(), n=500, loading=0.75, factor_corr=0.3, seed=7)
    result = measures.efa_outcomes(data)
    factors = ["F1", "F2", "F3"]
    primary = result.loadings.set_index("item")[factors].idxmax(axis=1)
    by_scale = {scale: set(primary[items]) for scale, items in CB.items_by_scale().items()}
    assert all(len(f) == 1 for f in by_scale.values())                 # each scale on one factor
    assert len(set.union(*by_scale.values())) == 3                     # ... a different one each
    adequacy = result.adequacy.iloc[0]
    assert 0 < adequacy["kmo"] < 1 and result.loadings["msa"].between(0, 1).all()
    assert adequacy["bartlett_p"] < 1e-10 and adequacy["n"] == 500
    # oblique factor correlations near the true 0.3; communalities are rotation-invariant
    assert result.factor_correlations["r"].between(0.15, 0.45).all()
    unrotated = FactorAnalyzer(n_factors=3, rotation=None).fit(data[CB.outcome_items()])
    assert np.allclose(result.loadings["communality"], unrotated.get_communalities(), atol=1e-6)
    pattern = result.loadings[factors].to_numpy()
    phi = np.eye(3)
    for _, row in result.factor_correlations.iterrows():
        a, b = factors.index(row["factor_a"]), factors.index(row["factor_b"])
        phi[a, b] = phi[b, a] = row["r"]
    unrotated_l = unrotated.loadings_
    assert np.allclose(pattern @ phi @ pattern.T, unrotated_l @ unrotated_l.T, atol=1e-5)


def test_harman_single_factor():
    items = CB.outcome_items()
    one = measures.harman_single_factor(simulate({"g": items}, n=400, loading=0.75, factor_corr=0.0, seed=5))
    three = measures.harman_single_factor(simulate(CB.items_by_scale(), n=400, loading=0.75, factor_corr=0.0, seed=5))
    assert one.loc[0, "first_component_share"] > 0.5 and one.loc[0, "exceeds_half"]
    assert three.loc[0, "first_component_share"] < 0.5 and not three.loc[0, "exceeds_half"]
    assert one.loc[0, "first_factor_share"] > 0.5 and three.loc[0, "first_factor_share"] < 0.5
    assert (one.loc[0, "k"], one.loc[0, "n"]) == (len(items), 400)


def test_likert3_groups_answers_into_worse_same_better():
    df = pd.DataFrame({"q": [1, 2, 3, 4, 5, np.nan], "other": range(6)})
    got = measures.likert3(df, ["q"])
    assert got["q"].tolist()[:5] == ["worse", "worse", "same", "better", "better"] and pd.isna(got["q"].iloc[5])
    assert got["q"].cat.ordered and list(got["q"].cat.categories) == list(measures.LIKERT3)
    assert df["q"].iloc[0] == 1 and got["other"].tolist() == list(range(6))


# --- issue 23 -------------------------------------------------------------------------------------
def test_cfi_is_bounded_as_lavaan():
    # lavaan's lav_fit_cfi: 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_base - df_base, 0)
    assert measures.bounded_cfi(85.306, 24, 918.852, 36) == pytest.approx(1 - 61.306 / 882.852)
    assert measures.bounded_cfi(20.0, 24, 300.0, 36) == 1.0  # chi2 < df: semopy's RNI would exceed 1
    assert 1 - (20.0 - 24) / (300.0 - 36) > 1
    assert measures.bounded_cfi(400.0, 24, 300.0, 36) == 0.0  # fits worse than the baseline
    assert measures.bounded_cfi(10.0, 24, 20.0, 36) == 1.0  # both at 0: lavaan's 1
    assert np.isnan(measures.bounded_cfi(np.nan, 24, 300.0, 36))


def test_cfa_of_a_model_that_fits_better_than_its_df_reports_cfi_one():
    rng = np.random.default_rng(3)
    f = rng.normal(size=(300, 1))
    data = pd.DataFrame(f @ np.ones((1, 4)) * 0.8 + rng.normal(size=(300, 4)) * 0.6, columns=list("abcd"))
    fit = measures.fit_cfa("F =~ a + b + c + d", data).fit.iloc[0]
    assert 0 <= fit["cfi"] <= 1 and fit["rmsea"] >= 0
    if fit["chi2"] < fit["df"]:
        assert fit["cfi"] == 1.0 and fit["rni"] > 1


def test_certification_held_reads_the_dummy_over_its_answers():
    df = pd.DataFrame({"cert_emas": [1, 1, 0, 0, 0, np.nan, 1], "cst_emas": [1, np.nan, 2, 3, np.nan, 1, 1]})
    assert measures.certification_held(df, "cert_emas") == (3, 6)
    assert measures.certification_held(df, "cst_emas") == (3, 6)  # the same definition from either name
    status = measures.certification_status(df, "emas").set_index("status")
    assert status["n"].tolist() == [6, 6, 6] and status["k"].tolist() == [3, 1, 1]
    assert status["unstated"].iloc[0] == 1 and status.loc["held", "share"] == pytest.approx(0.5)
    shares = measures.certification_shares(df.assign(district=["a"] * 4 + ["b"] * 3), ["cert_emas"])
    assert shares.set_index("group")[["k", "n"]].to_dict("index") == {"a": {"k": 2, "n": 4}, "b": {"k": 1, "n": 2},
                                                                       "pooled": {"k": 3, "n": 6}}


def test_finite_population_correction():
    assert measures.fpc_factor(28, 133) == pytest.approx(1 - 28 / 133)
    assert measures.fpc_factor(34, 2500) == 1.0 and measures.fpc_factor(10, None) == 1.0
    assert measures.fpc_factor(30, 20) == 1.0  # a frame that does not fit the survey: no correction
    x = np.arange(28, dtype=float)
    got = measures.mean_interval(x, N=133)
    se = np.sqrt(1 - 28 / 133) * x.std(ddof=1) / np.sqrt(28)  # R survey: var(mean) = (1 - n/N) s^2 / n
    assert got["se"] == pytest.approx(se) and got["fpc"] == pytest.approx(1 - 28 / 133)
    half = stats.t.ppf(0.975, 27) * se
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((x.mean() - half, x.mean() + half))
    assert measures.mean_interval(x)["se"] == pytest.approx(x.std(ddof=1) / np.sqrt(28))
    share, low, high, factor = measures.wilson_interval_fpc(5, 28, 133)
    n_eff = 28 / (1 - 28 / 133)
    ref = measures.wilson_interval(5 / 28 * n_eff, n_eff)
    assert (low[0], high[0]) == pytest.approx((ref[1][0], ref[2][0]))
    plain = measures.wilson_interval(5, 28)
    assert plain[1][0] < low[0] < share[0] < high[0] < plain[2][0]  # narrower than without the correction
    assert measures.wilson_interval_fpc(5, 28, np.nan)[1][0] == pytest.approx(plain[1][0])
    census = measures.wilson_interval_fpc(5, 28, 28)
    assert census[1][0] == census[2][0] == pytest.approx(5 / 28)


def test_csr_index_needs_half_of_each_dimension_answered():
    cb = load_codebook()
    df = make_survey(12, seed=4)
    dim, items = next(iter(cb.practices_by_dimension().items()))
    df.loc[0, items[: len(items) // 2]] = np.nan  # half answered: kept
    df.loc[1, items[: len(items) // 2 + 1]] = np.nan  # fewer than half: missing, and so is the overall index
    out = derived.csr_indices(df, cb)
    assert out.loc[0, f"csr_{dim}"] == pytest.approx(df.loc[0, items].astype(float).mean())
    assert np.isnan(out.loc[1, f"csr_{dim}"]) and np.isnan(out.loc[1, "csr_overall"])
    assert np.isfinite(out.loc[0, "csr_overall"])
    counts = derived.index_missing(df, cb).set_index("index")
    assert counts.loc[f"csr_{dim}", "with_gaps"] == 2 and counts.loc[f"csr_{dim}", "missing"] == 1
    assert counts.loc["csr_overall", "missing"] == 1 and counts.loc["csr_overall", "share_missing"] == pytest.approx(1 / 12)


def test_share_difference_is_newcombes_hybrid_score_interval():
    """Newcombe (1998), Stat Med 17:873-890, Table II, method 10: 56/70 - 48/80 = 0.2000, 95% CI
    0.0524 to 0.3339; 9/10 - 3/10 = 0.6000, 0.1705 to 0.8090."""
    from cooperate_analysis.stats.measures import share_difference

    diff, low, high = share_difference(56, 70, 48, 80)
    assert diff == pytest.approx(0.2) and low == pytest.approx(0.0524, abs=1e-4) and high == pytest.approx(0.3339, abs=1e-4)
    diff, low, high = share_difference(9, 10, 3, 10)
    assert diff == pytest.approx(0.6) and low == pytest.approx(0.1705, abs=1e-4) and high == pytest.approx(0.8090, abs=1e-4)
    assert all(np.isnan(share_difference(1, 0, 2, 5)))


def test_wilson_interval_with_the_finite_population_correction():
    """The design's sampling fraction f shrinks the binomial variance by 1 - f (R survey's fpc): at a large
    sample the Wilson half-width approaches the corrected Wald one, z sqrt(p (1 - p) (1 - f) / n); f = 0
    is the plain interval; a census (f = 1) is the share itself."""
    from scipy.stats import norm

    from cooperate_analysis.stats.measures import design_fraction, wilson_interval

    plain = wilson_interval(5000, 10000)
    same = wilson_interval(5000, 10000, fraction=0.0)
    assert np.allclose(plain, same)
    share, low, high = wilson_interval(5000, 10000, fraction=0.5)
    assert (high - low)[0] / 2 == pytest.approx(norm.ppf(0.975) * np.sqrt(0.25 * 0.5 / 10000), rel=1e-3)
    assert (high - low)[0] < (plain[2] - plain[1])[0]
    s, lo, hi = wilson_interval(3, 10, fraction=1.0)
    assert lo[0] == hi[0] == s[0] == pytest.approx(0.3)
    assert design_fraction(28, 133) == pytest.approx(28 / 133) and design_fraction(32, 2500) == 0.0
    assert design_fraction(30, None) == 0.0


def test_no_finite_population_correction_when_the_sample_exceeds_the_population_count():
    """A survey with more firms of a district than the population frame counts (a user's census, or a frame
    that does not fit): no correction, never a negative variance or an error (the property test's 305 of 133)."""
    from cooperate_analysis.stats.measures import design_fraction, fpc_factor, mean_interval

    assert fpc_factor(305, 133.0) == 1.0 and design_fraction(305, 133.0) == 0.0
    out = mean_interval(np.arange(305.0), 133.0)
    assert out["fpc"] == 1.0 and np.isfinite(out["ci_low"])
