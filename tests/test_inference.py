"""Inference building blocks against certified references (methods.md §4.7-4.8), hand-worked
examples computed here by a separate code path, direct library calls, and simulations."""
from __future__ import annotations

import math
import statistics
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.imputation.mice import MICE, MICEData
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import DescrStatsW

from cooperate_analysis.data import synthetic
from cooperate_analysis.data.derived import analysis_frame
from cooperate_analysis.stats.inference import (
    FastMICEData,
    association_grid,
    fdr_by_family,
    holm,
    mice_ols,
    poststrat_weights,
    power_table,
    required_n,
    rubin_pool,
    weighted_mean,
)

# methods.md §4.8: statsmodels stats/tests/test_multi.py p-values (tested against R multtest) and
# their BH-adjusted values as printed there (4 decimals; compared at the printed precision).
P_REF = [0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238,
         0.177096952723, 5.23656777208e-05, 0.0202732688798, 0.00028140506198, 0.0149877310796]
BH_REF = ["0.9317", "0.8953", "0.8953", "0.9678", "0.8953", "0.3542", "0.000524", "0.0507", "0.001407", "0.0500"]


# --- multiplicity -------------------------------------------------------------------------------

def test_bh_reproduces_certified_values_and_scipy():
    got = fdr_by_family(P_REF, ["one"] * len(P_REF))
    for g, ref in zip(got, BH_REF):
        half_unit = 0.5 * 10.0 ** Decimal(ref).as_tuple().exponent
        assert abs(g - float(ref)) <= half_unit, (g, ref)
    np.testing.assert_allclose(got, stats.false_discovery_control(P_REF), rtol=1e-12)


def test_fdr_families_are_adjusted_separately_and_nan_is_kept():
    p = np.array(P_REF + [np.nan])
    fam = ["a"] * 5 + ["b"] * 6
    got = fdr_by_family(p, fam)
    np.testing.assert_allclose(got[:5], stats.false_discovery_control(P_REF[:5]))
    np.testing.assert_allclose(got[5:10], stats.false_discovery_control(P_REF[5:]))
    assert np.isnan(got[10])
    assert not np.allclose(got[:10], stats.false_discovery_control(P_REF))


def test_holm_is_the_step_down_procedure():
    p = {"h1": 0.004, "h2": 0.03, "h3": 0.012, "h4": 0.2}
    out = holm(p, alpha=0.05).set_index("hypothesis")
    ordered = sorted(p, key=p.get)
    running, expected = 0.0, {}
    for i, h in enumerate(ordered):  # Holm by hand: max over j <= i of (k - j) p_(j), capped at 1
        running = max(running, (len(p) - i) * p[h])
        expected[h] = min(1.0, running)
    for h in p:
        assert out.loc[h, "p_adj"] == pytest.approx(expected[h])
        assert out.loc[h, "reject"] == (expected[h] <= 0.05)


# --- association grid ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def grid_data() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 240
    latent = rng.normal(size=n)
    return pd.DataFrame({
        "district": np.repeat(["d1", "d2", "d3"], n // 3),
        "index": np.round(np.clip(0.5 + 0.2 * latent + rng.normal(0, 0.15, n), 0, 1) * 4) / 4,
        "item": np.clip(np.round(3 + latent + rng.normal(size=n)), 1, 5),
        "cert": (latent + rng.normal(size=n) > 0).astype(float),
        "common": (latent + rng.normal(size=n) > 0).astype(float),
        "rare": (latent + rng.normal(size=n) > 2.3).astype(float),
    }).assign(item=lambda d: d["item"].mask(rng.random(n) < 0.1))


def test_grid_chooses_test_by_level_and_matches_scipy(grid_data):
    grid = association_grid(grid_data, {"csr": ["index", "cert"]}, {"out": ["item", "common", "rare"]})
    assert list(grid.columns) == ["group", "exposure", "outcome", "test", "effect", "effect_name",
                                  "statistic", "p_value", "n", "family", "p_adj"]
    tests = grid.groupby(["exposure", "outcome"])["test"].agg(set).to_dict()
    assert tests[("index", "item")] == {"spearman"}
    assert tests[("cert", "item")] == tests[("index", "common")] == {"mann-whitney"}
    assert tests[("cert", "common")] == {"chi-square"}
    assert tests[("cert", "rare")] == {"fisher"}
    for row in grid.itertuples():
        sub = grid_data[grid_data["district"] == row.group][[row.exposure, row.outcome]].dropna()
        x, y = sub[row.exposure].to_numpy(), sub[row.outcome].to_numpy()
        assert row.n == len(sub)
        if row.test == "spearman":
            ref = stats.spearmanr(x, y)
            assert (row.effect, row.p_value) == pytest.approx((ref.statistic, ref.pvalue))
        elif row.test == "mann-whitney":
            b, v = (x, y) if row.exposure == "cert" else (y, x)
            ref = stats.mannwhitneyu(v[b == 1], v[b == 0])
            assert (row.statistic, row.p_value) == pytest.approx((ref.statistic, ref.pvalue))
            # rank-biserial by pairwise comparisons: P(v1 > v0) - P(v1 < v0)
            diff = np.sign(v[b == 1][:, None] - v[b == 0][None, :])
            assert row.effect == pytest.approx(diff.mean())
        else:
            table = pd.crosstab(x, y).to_numpy()
            assert row.effect == pytest.approx(np.corrcoef(x, y)[0, 1])  # phi = Pearson r of 0/1
            small = (stats.contingency.expected_freq(table) < 5).any()
            assert row.test == ("fisher" if small else "chi-square")
            ref = stats.fisher_exact(table) if small else stats.chi2_contingency(table, correction=False)
            assert (row.statistic, row.p_value) == pytest.approx((ref.statistic, ref.pvalue))


def test_grid_kendall_option_and_families(grid_data):
    exposures = {"indices": ["index"], "certs": ["cert"]}
    grid = association_grid(grid_data, exposures, {"items": ["item", "common"]}, ordinal_method="kendall",
                            pooled=True)
    assert set(grid["group"]) == {"d1", "d2", "d3", "pooled"}
    assert grid["family"].nunique() == 2 * 1 * 4
    row = grid[(grid["exposure"] == "index") & (grid["outcome"] == "item") & (grid["group"] == "pooled")].iloc[0]
    sub = grid_data[["index", "item"]].dropna()
    ref = stats.kendalltau(sub["index"], sub["item"], variant="b")
    assert (row.test, row.effect_name) == ("kendall", "kendall_tau_b")
    assert (row.effect, row.p_value) == pytest.approx((ref.statistic, ref.pvalue))
    for _, fam in grid.groupby("family"):
        np.testing.assert_allclose(fam["p_adj"], multipletests(fam["p_value"], method="fdr_bh")[1])
    assert not np.allclose(grid["p_adj"], multipletests(grid["p_value"], method="fdr_bh")[1])


def test_grid_constant_variable_gives_nan_not_error(grid_data):
    data = grid_data.assign(never=0.0)
    grid = association_grid(data, ["never"], ["item"], by=None)
    assert grid["p_value"].isna().all() and grid["p_adj"].isna().all() and (grid["group"] == "all").all()


# --- post-stratification and weighted means ------------------------------------------------------

def _sample(counts: dict[tuple[str, str], int], rng: np.random.Generator, means: dict[str, float]) -> pd.DataFrame:
    rows = [{"district": d, "size_class": c, "y": rng.normal(means[c], 1.0)}
            for (d, c), k in counts.items() for _ in range(k)]
    return pd.DataFrame(rows)


POP = pd.DataFrame({"district": ["A"] * 3 + ["B"] * 3, "size_class": ["micro", "small", "medium"] * 2,
                    "N": [700, 250, 50, 300, 120, 30]})


def test_weighted_class_shares_reproduce_population_shares():
    counts = {("A", "micro"): 10, ("A", "small"): 12, ("A", "medium"): 8,
              ("B", "micro"): 6, ("B", "small"): 9, ("B", "medium"): 5}
    df = _sample(counts, np.random.default_rng(0), {"micro": 0, "small": 0, "medium": 0})
    ps = poststrat_weights(df, POP)
    assert not ps.cells["collapsed"].any()
    assert ps.weights.groupby(df["district"]).sum().to_dict() == pytest.approx({"A": 1000, "B": 450})
    for cls in ("micro", "small", "medium"):
        df[f"is_{cls}"] = (df["size_class"] == cls).astype(float)
    shares = weighted_mean(df, [f"is_{c}" for c in ("micro", "small", "medium")], ps.weights, by="district")
    for row in shares.itertuples():
        pop = POP[POP["district"] == row.district].set_index("size_class")["N"]
        assert row.mean == pytest.approx(pop[row.variable[3:]] / pop.sum(), abs=1e-12)


def test_collapsing_triggers_below_five_respondents():
    counts = {("A", "micro"): 10, ("A", "small"): 12, ("A", "medium"): 4,   # 4 < 5: merged into small
              ("B", "micro"): 6, ("B", "small"): 9, ("B", "medium"): 5}     # 5: kept
    df = _sample(counts, np.random.default_rng(0), {"micro": 0, "small": 0, "medium": 0})
    cells = poststrat_weights(df, POP).cells.set_index(["district", "size_class"])
    assert cells["collapsed"].to_dict() == {("A", "micro"): False, ("A", "small"): True, ("A", "medium"): True,
                                            ("B", "micro"): False, ("B", "small"): False, ("B", "medium"): False}
    assert cells.loc[("A", "medium"), "weight"] == pytest.approx((250 + 50) / (12 + 4), rel=1e-12)
    assert cells.loc[("A", "small"), "weight"] == pytest.approx((250 + 50) / (12 + 4), rel=1e-12)
    assert cells.loc[("B", "medium"), "weight"] == pytest.approx(30 / 5, rel=1e-12)


def test_middle_cell_collapses_into_the_neighbour_with_fewer_respondents():
    counts = {("A", "micro"): 30, ("A", "small"): 3, ("A", "medium"): 6,
              ("B", "micro"): 2, ("B", "small"): 2, ("B", "medium"): 0}  # whole district too small
    df = _sample(counts, np.random.default_rng(0), {"micro": 0, "small": 0, "medium": 0})
    cells = poststrat_weights(df, POP).cells.set_index(["district", "size_class"])
    assert cells.loc["A", "group"].to_dict() == {"micro": "micro", "small": "small+medium", "medium": "small+medium"}
    assert set(cells.loc["B", "group"]) == {"micro+small+medium"}
    assert cells.loc[("B", "micro"), "weight"] == pytest.approx(450 / 4, rel=1e-12)


def test_collapsing_on_the_default_synthetic_sample_keeps_district_totals():
    df = analysis_frame(synthetic.generate())
    pop = synthetic.population_counts()
    ps = poststrat_weights(df, pop)
    cells = ps.cells
    assert (cells.loc[cells["collapsed"], "n"] < 5).groupby(cells["district"]).any().all()
    assert (cells.drop_duplicates(["district", "group"])["n_group"] >= 5).all()
    assert ps.weights.groupby(df["district"]).sum().to_dict() == pytest.approx(
        pop.groupby("district")["N"].sum().to_dict())
    np.testing.assert_allclose(ps.weights, (cells["N_group"] / cells["n_group"]).set_axis(
        pd.MultiIndex.from_frame(cells[["district", "size_class"]])).reindex(
        pd.MultiIndex.from_arrays([df["district"], df["size_class"].astype(str)])).to_numpy())


def test_weighted_mean_hand_computed_example():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 4.0], "h": ["a", "a", "b", "b"]})
    # sum w = 8, sum w y = 1 + 2 + 6 + 16 = 25, mean = 25/8 = 3.125
    # z = w (y - 3.125) / 8 = -0.265625, -0.140625, -0.03125, 0.4375 (sum 0)
    # one stratum: 4/3 * (0.070556640625 + 0.019775390625 + 0.0009765625 + 0.19140625) = 0.376953125
    # strata a, b: zbar = -0.203125, 0.203125; 2 * (2 * 0.0625^2) + 2 * (2 * 0.234375^2) = 0.2353515625
    one = weighted_mean(df, "y", "w").iloc[0]
    two = weighted_mean(df, "y", "w", strata="h").iloc[0]
    assert one["mean"] == pytest.approx(3.125, rel=1e-12) and two["mean"] == pytest.approx(3.125, rel=1e-12)
    assert one["se"] == pytest.approx(math.sqrt(0.376953125), rel=1e-12)
    assert two["se"] == pytest.approx(math.sqrt(0.2353515625), rel=1e-12)
    assert one["ci_high"] - one["mean"] == pytest.approx(stats.t.ppf(0.975, 3) * one["se"])


def test_weighted_mean_with_unit_weights_is_the_textbook_se():
    y = np.random.default_rng(1).normal(size=25)
    got = weighted_mean(pd.DataFrame({"y": y, "w": 1.0}), "y", "w").iloc[0]
    assert got["se"] == pytest.approx(DescrStatsW(y, ddof=1).std_mean, rel=1e-12)
    assert got["se"] == pytest.approx(np.std(y, ddof=1) / np.sqrt(len(y)), rel=1e-12)


def test_weighted_mean_recovers_population_mean_where_unweighted_is_biased():
    """Repeated samples that over-represent larger firms: the weighted mean is unbiased and its
    95% CI covers the population mean about 95% of the time; the unweighted mean is biased."""
    rng = np.random.default_rng(0)
    means = {"micro": 0.0, "small": 1.0, "medium": 2.0}
    pop = POP[POP["district"] == "A"]
    truth = float((pop["N"] * pop["size_class"].map(means)).sum() / pop["N"].sum())  # 0.35
    reps = []
    for _ in range(200):
        df = _sample({("A", c): 30 for c in means}, rng, means)
        ps = poststrat_weights(df, POP)
        reps.append(weighted_mean(df, "y", ps.weights, strata=ps.strata).iloc[0])
    est = pd.DataFrame(reps)
    mc_se = est["mean"].std() / np.sqrt(len(est))
    assert abs(est["mean"].mean() - truth) < 3 * mc_se
    assert est["unweighted_mean"].mean() - truth > 20 * mc_se  # (0 + 1 + 2) / 3 = 1 vs 0.35
    assert 0.90 <= ((est["ci_low"] < truth) & (truth < est["ci_high"])).mean() <= 0.99
    assert est["se"].mean() == pytest.approx(est["mean"].std(), rel=0.15)  # linearized SE is calibrated


# --- Rubin / Barnard-Rubin pooling ---------------------------------------------------------------

def _pool_by_hand(q: list[float], u: list[float], dfc: float) -> dict:
    m = len(q)
    qbar, ubar, b = statistics.fmean(q), statistics.fmean(u), statistics.variance(q)
    t = ubar + b + b / m
    lam = (b + b / m) / t
    nu_old = (m - 1) / lam ** 2
    nu_obs = dfc * (dfc + 1) * (1 - lam) / (dfc + 3)
    nu = nu_old * nu_obs / (nu_old + nu_obs)
    r = (b + b / m) / ubar
    return {"estimate": qbar, "within": ubar, "between": b, "total": t, "riv": r, "lambda": lam,
            "df_old": nu_old, "df_obs": nu_obs, "df": nu, "fmi": (r + 2 / (nu + 3)) / (r + 1),
            "ci_low": qbar - stats.t.ppf(0.975, nu) * math.sqrt(t),
            "p_value": 2 * stats.t.sf(abs(qbar) / math.sqrt(t), nu)}


def test_rubin_pool_matches_hand_computation():
    q = [[1.10, -0.30], [0.95, -0.10], [1.30, -0.25], [1.02, -0.42], [1.21, -0.05]]
    u = [[0.040, 0.010], [0.050, 0.012], [0.045, 0.009], [0.038, 0.011], [0.047, 0.010]]
    got = rubin_pool(pd.DataFrame(q, columns=["x", "z"]), u, df_complete=30)
    assert list(got["term"]) == ["x", "z"]
    for j in range(2):
        want = _pool_by_hand([row[j] for row in q], [row[j] for row in u], 30)
        for key, value in want.items():
            assert got.loc[j, key] == pytest.approx(value, rel=1e-10), key


def test_rubin_df_old_textbook_value():
    # SAS MI documentation: m = 5 and r = 10% give Rubin's df (m - 1)(1 + 1/r)^2 = 484.
    q = np.sqrt(1 / 30) * np.array([-2.0, -1.0, 0.0, 1.0, 2.0])  # var = 1/12, so (1 + 1/5) b = 0.1
    got = rubin_pool(q, np.ones(5), df_complete=np.inf).iloc[0]
    assert got["riv"] == pytest.approx(0.1)
    assert got["df_old"] == pytest.approx(484.0)
    assert got["df"] == pytest.approx(484.0)  # infinite complete-data df: Barnard-Rubin = Rubin
    assert rubin_pool(q, np.ones(5), df_complete=100).iloc[0]["df"] < 100


def test_rubin_zero_between_variance_gives_complete_data_inference():
    # 0.75 and 7.5 are binary fractions: their sum and mean are exact in any summation order, so
    # b = 0 exactly on every CPU (with 0.7, the mean of ten copies can be off by one unit in the last
    # place, and b = 1e-33 instead of 0, depending on the CPU's vector width)
    q, u = np.full(10, 0.75), np.full(10, 0.04)
    for dfc in (20.0, 2000.0):
        got = rubin_pool(q, u, df_complete=dfc).iloc[0]
        assert (got["between"], got["lambda"], got["riv"]) == (0, 0, 0)
        assert got["df_old"] == np.inf
        assert got["df"] == pytest.approx(dfc * (dfc + 1) / (dfc + 3))  # Barnard-Rubin's nu_obs at lambda = 0
        assert got["ci_low"] == pytest.approx(0.75 - stats.t.ppf(0.975, got["df"]) * 0.2)
    assert rubin_pool(q, u, df_complete=2000.0).iloc[0]["df"] / 2000 > 0.999  # -> complete-data df
    normal = rubin_pool(q, u, df_complete=np.inf).iloc[0]
    assert normal["df"] == np.inf and normal["ci_low"] == pytest.approx(0.75 - stats.norm.ppf(0.975) * 0.2)


# --- MICE ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mcar() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    n = 300
    x = rng.normal(size=n)
    z = 0.5 * x + rng.normal(size=n)
    full = pd.DataFrame({"y": 1.0 + 0.5 * x + 0.4 * z + rng.normal(size=n), "x": x, "z": z,
                         "group": rng.choice(["g1", "g2", "g3"], n)})
    holed = full.copy()
    for col in ("y", "x"):
        holed.loc[rng.random(n) < 0.2, col] = np.nan
    return full, holed


def test_mice_pooled_ci_covers_truth_and_se_exceeds_complete_data(mcar):
    full, holed = mcar
    pooled = mice_ols(holed, "y", "x", ["z", "group"], m=20, seed=5).set_index("term")
    assert list(pooled.index) == ["Intercept", "x", "z", "group_g2", "group_g3"]
    assert pooled.loc["x", "ci_low"] < 0.5 < pooled.loc["x", "ci_high"]
    assert pooled.loc["x", "df"] < len(full) - 5  # fewer df than complete data
    complete = sm.OLS.from_formula("y ~ x + z + C(group)", full).fit(cov_type="HC3")
    assert pooled.loc["x", "se"] >= complete.bse["x"]
    again = mice_ols(holed, "y", "x", ["z", "group"], m=20, seed=5)
    pd.testing.assert_frame_equal(pooled.reset_index()[again.columns], again)  # seeded by the parameter only


def test_mice_on_complete_data_is_the_hc3_fit(mcar):
    full, _ = mcar
    pooled = mice_ols(full, "y", "x", ["z"], m=3, seed=0).set_index("term")
    fit = sm.OLS.from_formula("y ~ x + z", full).fit(cov_type="HC3")
    np.testing.assert_allclose(pooled["estimate"], fit.params, rtol=1e-12)
    np.testing.assert_allclose(pooled["se"], fit.bse, rtol=1e-12)
    # the m fits see the same data, so their estimates differ at most by rounding and the between
    # variance is zero up to rounding (0 or ~1e-33 depending on the CPU); a real between-imputation
    # spread would be of the order of the within variance
    assert (pooled["between"] <= 1e-12 * pooled["within"]).all()
    dfc = fit.df_resid
    np.testing.assert_allclose(pooled["df"], dfc * (dfc + 1) / (dfc + 3))


def test_rubin_pool_total_variance_equals_statsmodels_combine(mcar):
    _, holed = mcar
    mice = MICE("y ~ x + z", sm.OLS, MICEData(holed[["y", "x", "z"]], rng=np.random.default_rng(2)),
                fit_kwds={"cov_type": "HC3"})
    combined = mice.fit(n_burnin=5, n_imputations=8)
    est = [f.params for f in mice.results_list]
    var = [np.diag(f.cov_params()) for f in mice.results_list]
    got = rubin_pool(pd.DataFrame(est), var, df_complete=mice.results_list[0].df_resid)
    np.testing.assert_allclose(got["estimate"], combined.params, rtol=1e-12)
    np.testing.assert_allclose(got["total"], combined.bse ** 2, rtol=1e-10)
    np.testing.assert_allclose(got["lambda"], combined.frac_miss_info, rtol=1e-10)


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
@pytest.mark.parametrize("collinear", [False, True])
def test_fast_micedata_parameter_draw_is_the_librarys(mcar, collinear):
    _, holed = mcar
    data = holed[["y", "x", "z"]].assign(w=holed["z"] * 2 if collinear else holed["z"] ** 2)  # rank 3 of 4
    draws = []
    for klass in (MICEData, FastMICEData):
        imp = klass(data, rng=np.random.default_rng(3))
        imp.update_all(2)
        imp.perturb_params("y")
        draws.append(imp.params["y"])
        predicted = imp.models["y"].predict(imp.params["y"], imp.get_split_data("y")[2])
        np.testing.assert_allclose(predicted, imp.get_split_data("y")[2] @ imp.params["y"], rtol=1e-12)
    np.testing.assert_allclose(draws[1], draws[0], rtol=1e-8, atol=1e-10)


def test_fast_micedata_imputes_as_the_library(mcar):
    _, holed = mcar
    data = holed[["y", "x", "z"]].assign(w=holed["z"] ** 2)
    chains = []
    for klass in (MICEData, FastMICEData):
        imp = klass(data, k_pmm=5, rng=np.random.default_rng(7))
        imp.set_imputer("x", formula="z + w")  # custom main effects
        imp.set_imputer("y", formula="x + np.exp(z)")  # not plain main effects: patsy path
        imp.update_all(4)
        chains.append(imp.data.copy())
    pd.testing.assert_frame_equal(chains[0], chains[1], check_exact=True)
    fast = FastMICEData(data)
    fast.set_imputer("x", formula="z + w")
    fast.set_imputer("y", formula="x + np.exp(z)")
    assert fast._main_effects("y") is None  # transform in the formula
    endog, exog = fast._main_effects("x")
    np.testing.assert_array_equal(endog, fast.data["x"].to_numpy())
    np.testing.assert_array_equal(exog, np.column_stack([np.ones(len(fast.data)), fast.data[["z", "w"]]]))
    fast.set_imputer("x", formula="w")  # a new formula: its terms are looked up again
    np.testing.assert_array_equal(fast._main_effects("x")[1], np.column_stack([np.ones(len(fast.data)), fast.data["w"]]))
    fast.update_all(1)  # the design follows the imputed values
    np.testing.assert_array_equal(fast._main_effects("x")[1], np.column_stack([np.ones(len(fast.data)), fast.data["w"]]))


def test_fast_micedata_beside_a_column_that_is_not_float_imputes_as_the_library(mcar):
    _, holed = mcar
    data = holed[["y", "x", "z"]].assign(k=np.arange(len(holed)) % 3)  # an integer column, complete
    chains = []
    for klass in (MICEData, FastMICEData):
        imp = klass(data, k_pmm=5, rng=np.random.default_rng(11))
        imp.set_imputer("x", formula="z + y")
        imp.update_all(3)
        chains.append(imp.data.copy())
    pd.testing.assert_frame_equal(chains[0], chains[1], check_exact=True)


def test_mice_ols_one_chain_equals_statsmodels_mice_for_each_outcome(mcar):
    _, holed = mcar
    data = holed[["y", "x", "z"]].assign(y2=holed["y"] * 0.5 + holed["z"])
    got = mice_ols(data, ["y", "y2"], "x", ["z"], m=4, seed=9, n_burnin=3, n_skip=1)
    assert list(got["outcome"].unique()) == ["y", "y2"] and (got["m"] == 4).all()
    for y in ("y", "y2"):  # same chain, so the library's MICE on the same columns and seed gives each
        columns = list(dict.fromkeys(["y", "y2", "x", "z"]))
        mice = MICE(f"{y} ~ x + z", sm.OLS, MICEData(data[columns], rng=np.random.default_rng(9)), n_skip=1,
                    fit_kwds={"cov_type": "HC3"})
        mice.fit(n_burnin=3, n_imputations=4)
        est = pd.DataFrame([f.params for f in mice.results_list])
        var = pd.DataFrame([np.diag(f.cov_params()) for f in mice.results_list], columns=est.columns)
        want = rubin_pool(est, var, df_complete=mice.results_list[0].df_resid)
        mine = got[got["outcome"] == y].reset_index(drop=True)
        np.testing.assert_allclose(mine["estimate"], want["estimate"], rtol=1e-12)
        np.testing.assert_allclose(mine["se"], want["se"], rtol=1e-12)


# --- power ---------------------------------------------------------------------------------------

def test_power_certified_ftest_reference():
    # methods.md §4.7: R^2 = .1, alpha = .1, power = .9, one constraint -> df2 = 76.4647
    r = math.sqrt(0.1)  # f2 = r^2 / (1 - r^2) = .1 / .9
    got = required_n(r, n_regressors=1, alpha=0.1, power=0.9).iloc[0]
    assert got["f2"] == pytest.approx(0.1 / 0.9)
    assert abs(got["df_denom"] - 76.4647) <= 5e-5
    assert got["n_exact"] == pytest.approx(76.4647 + 2, abs=5e-5)  # docstring's n = 78.46 (ncc = 1)


def test_power_reproduces_methods_section_2_8():
    # n = df_denom + n_regressors + 1 (8 regressors + intercept): n ~ 466 / 197 / 88 (rounded)
    got = required_n([0.13, 0.20, 0.30], n_regressors=8)
    assert list(got["n_exact"].round().astype(int)) == [466, 197, 88]
    assert list(got["n"]) == [466, 198, 89]  # ceiling: the smallest n with power >= .8
    table = power_table({"n50": 50, "n100": 100, "n300": 300}, 8, r=(0.2,)).set_index("group")
    for group, ref in {"n50": 0.26, "n100": 0.50, "n300": 0.94}.items():
        assert abs(table.loc[group, "power_r0.20"] - ref) <= 0.005
    assert list(table["df_denom"]) == [41, 91, 291]


def test_power_table_mde_has_the_requested_power():
    table = power_table({"d1": 28, "d2": 34, "pooled": 92}, {"d1": 8, "d2": 8, "pooled": 10})
    assert list(table.columns) == ["group", "n", "n_regressors", "df_denom", "power_r0.10", "power_r0.20",
                                   "power_r0.30", "mde_f2", "mde_r"]
    for row in table.itertuples():
        back = power_table(row.n, row.n_regressors, r=(row.mde_r,)).iloc[0, 4]
        assert back == pytest.approx(0.8, abs=1e-6)
    assert table["mde_r"].is_monotonic_decreasing  # larger n, smaller detectable effect
    with pytest.raises(ValueError):
        power_table(9, 8)


def test_power_table_at_small_df_solves_or_fails_never_returns_zero():
    """statsmodels' solve_power returned its start (f2 = 5e-6, "r = 0.00") at n = 9 without a warning."""
    for n in (9, 12, 15):
        row = power_table(n, 4).iloc[0]
        assert row["mde_r"] > 0.6
        back = power_table(n, 4, r=(row["mde_r"],)).iloc[0, 4]
        assert back == pytest.approx(0.8, abs=1e-6)
    with pytest.raises(ValueError, match="not computable"):
        power_table(200, 4, power=1.0)  # no effect size reaches it


def test_rubin_between_variance_of_identical_estimates_is_exactly_zero_on_any_machine():
    """0.7 has no exact binary form: var() of three copies can give 1e-32 and a finite, huge df."""
    q = np.full((3, 2), 0.7)
    pooled = rubin_pool(q, np.full((3, 2), 0.1), df_complete=np.inf)
    assert (pooled["between"] == 0).all() and np.isinf(pooled["df"]).all()
