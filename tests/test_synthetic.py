"""The synthetic generator: determinism, schema, calibration to published figures, ground truth."""
from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import dataset, synthetic
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.derived import analysis_frame
from cooperate_analysis.data.io import read_survey
from cooperate_analysis.data.validate import validate_survey
from cooperate_analysis.present import report

from .conftest import make_survey

CB = load_codebook()
ROOT = Path(__file__).resolve().parents[1]
LARGE = {d: 300 * n for d, n in synthetic.DEFAULT_N.items()}  # 27,600 firms, default proportions


@pytest.fixture(scope="module")
def truth(pseudo_truth) -> dict:
    return pseudo_truth  # synthetic.ground_truth(), cached (conftest)


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    return synthetic.generate(LARGE, seed=99, missing_rate=0.0)


def within(value: float, target: float, se: float, k: float = 3.0) -> bool:
    return abs(value - target) <= k * se  # equal when both are structurally 0 (se 0)


# --- determinism ---------------------------------------------------------------------------------

def test_same_seed_same_data_other_seed_other_data():
    a = synthetic.generate(seed=5)
    pd.testing.assert_frame_equal(a, synthetic.generate(seed=5))
    b = synthetic.generate(seed=6)
    assert not a.equals(b)
    assert (a["employees"] != b["employees"]).any()


def test_written_files_are_byte_identical_for_the_same_seed(tmp_path, truth_cache):
    first = synthetic.write_synthetic(tmp_path / "a", seed=7)
    second = synthetic.write_synthetic(tmp_path / "b", seed=7)
    other = synthetic.write_synthetic(tmp_path / "c", seed=8)
    assert [p.name for p in first] == ["survey_synthetic.csv", "survey_synthetic.truth.json"]
    for x, y in zip(first, second):
        assert x.read_bytes() == y.read_bytes()
    assert first[0].read_bytes() != other[0].read_bytes()
    meta = json.loads(first[1].read_text(encoding="utf-8"))
    assert meta["data_sha256"] == hashlib.sha256(first[0].read_bytes()).hexdigest()
    assert meta["synthetic"] is True and meta["seed"] == 7 and meta["n_per_district"] == synthetic.DEFAULT_N
    assert not list(tmp_path.glob("*/.*.tmp"))  # atomic writes leave no temporary files


# --- schema ----------------------------------------------------------------------------------------

def check_schema(df: pd.DataFrame) -> None:
    assert list(df.columns) == CB.names
    for var in CB.variables:
        col = df[var.name]
        present = col.dropna()
        if var.required:
            assert col.notna().all(), var.name
        if var.type == "id":
            assert col.dtype == "string" and col.is_unique
            assert present.str.fullmatch(var.pattern).all()
        elif var.type == "category" and var.name == "district":
            assert col.dtype == "string" and present.isin(var.values).all()
        elif var.type == "number":
            assert col.dtype == "float64" and present.between(var.min, var.max).all(), var.name
        else:
            assert col.dtype == "Int64", var.name
            if var.type == "binary":
                assert present.isin([0, 1]).all(), var.name
            elif var.type == "category":
                assert present.isin(var.values).all(), var.name
            else:
                assert present.between(var.min, var.max).all(), var.name
    smes = [CB.size_classes[c] for c in ("micro", "small", "medium")]
    assert df["employees"].between(smes[0]["min"], smes[-1]["max"]).all()  # SMEs only, never large


def test_default_sample_follows_the_codebook():
    df = synthetic.generate()
    check_schema(df)
    assert df["district"].value_counts().to_dict() == synthetic.DEFAULT_N and len(df) == 92  # S3
    prefixes = df["firm_id"].str.split("-").str[0].groupby(df["district"]).unique()
    assert all(len(p) == 1 for p in prefixes)  # one id prefix per district


def test_large_sample_with_heavy_non_response_follows_the_codebook():
    check_schema(synthetic.generate(LARGE, seed=3, missing_rate=0.2))


def test_csv_round_trip_through_the_validator(tmp_path, truth_cache):
    data, _ = synthetic.write_synthetic(tmp_path, seed=11)
    typed = validate_survey(read_survey(data), str(data))
    pd.testing.assert_frame_equal(typed, synthetic.generate(seed=11))
    assert ",," in data.read_text(encoding="utf-8")  # missing values are empty cells


def test_missing_only_where_the_codebook_allows():
    required = [v.name for v in CB.variables if v.required]
    optional = [v.name for v in CB.variables if not v.required]
    assert synthetic.generate(LARGE, seed=1, missing_rate=0.0).notna().all().all()
    df = synthetic.generate(LARGE, seed=1, missing_rate=0.05)
    assert df[required].notna().all().all()
    per_column = df[optional].isna().mean()
    se = math.sqrt(0.05 * 0.95 / len(df))
    assert (per_column - 0.05).abs().max() < 4 * se
    assert within(per_column.mean(), 0.05, se / math.sqrt(len(optional)))


@pytest.mark.parametrize("kwargs, message", [
    ({"n_per_district": {"prato_textile": 10}}, "valid: capannori_paper"),
    ({"n_per_district": {"capannori_paper": -1}}, "non-negative"),
    ({"missing_rate": 1.0}, "missing_rate"),
])
def test_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        synthetic.generate(**kwargs)


def test_one_district_only():
    df = synthetic.generate({"santa_croce_tanning": 5}, seed=2)
    assert df["district"].tolist() == ["santa_croce_tanning"] * 5
    assert df["firm_id"].tolist() == [f"SYN-SCR-00{i}" for i in range(1, 6)]


def test_generation_is_vectorised():
    start = time.perf_counter()
    df = synthetic.generate({d: 100_000 * n // 92 for d, n in synthetic.DEFAULT_N.items()}, seed=4)
    assert len(df) > 99_000 and time.perf_counter() - start < 5.0


# --- the synthetic label follows the data -----------------------------------------------------------

def test_every_generated_id_follows_the_synthetic_scheme_and_the_codebook():
    df = synthetic.generate(LARGE, seed=1)  # 27,600 firms: numbers past 999 get more digits
    assert synthetic.synthetic_ids(df["firm_id"]).all()
    assert df["firm_id"].str.startswith(synthetic.SYNTHETIC_ID_PREFIX).all()
    assert df["firm_id"].str.fullmatch(CB["firm_id"].pattern).all()
    assert "SYN-EMP-10200" in set(df["firm_id"])


@pytest.mark.parametrize("firm_id, expected", [
    ("SYN-CAP-001", True), ("SYN-SCR-1234", True),
    ("CAP-001", False),  # the generator's ids before the scheme
    ("T-0000", False), ("syn-cap-001", False), ("SYN-CAP-01", False), ("SYN-XYZ-001", False),
    ("SYN-CAP-001x", False), ("ASYN-CAP-001", False), (None, False),
])
def test_synthetic_id_scheme(firm_id, expected):
    assert synthetic.synthetic_ids(pd.Series([firm_id], dtype="string")).tolist() == [expected]


def _prepare(raw: pd.DataFrame, tmp_path: Path) -> dict:
    """Write `raw` as a CSV with no truth file beside it and run the data step on it."""
    path = tmp_path / "copy" / "survey.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    raw.to_csv(path, index=False)
    assert not path.with_suffix(".truth.json").exists()
    meta = dataset.prepare_survey(path, tmp_path / "processed" / "survey.parquet")
    assert meta["source_sha256"] not in dataset.synthetic_hashes(ROOT / "data/raw")  # not the generator's file
    return meta


@pytest.fixture
def committed() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data/raw/survey_synthetic.csv", dtype=str, keep_default_na=False)


def test_subset_of_the_synthetic_survey_stays_synthetic(committed, tmp_path):
    subset = committed.drop(index=[0, 5, 40, 91]).iloc[::2]
    meta = _prepare(subset, tmp_path)
    assert meta["synthetic"] is True
    assert meta["rows"] == meta["synthetic_rows"] == len(subset) == 44
    assert "SYNTHETIC DATA" in report.banner(meta, "en")._repr_html_()


def test_edited_copy_of_the_synthetic_survey_stays_synthetic(committed, tmp_path):
    edited = committed.copy()
    edited.loc[3, "employees"] = str(int(edited.loc[3, "employees"]) + 1)
    meta = _prepare(edited, tmp_path)
    assert meta["synthetic"] is True and meta["rows"] == meta["synthetic_rows"] == 92


def test_survey_mixing_synthetic_and_other_rows_is_synthetic(committed, tmp_path):
    other = make_survey(10).astype(str)
    mixed = pd.concat([committed.iloc[:3], other], ignore_index=True)
    meta = _prepare(mixed, tmp_path)
    assert meta["synthetic"] is True and meta["rows"] == 13 and meta["synthetic_rows"] == 3
    markup = report.banner(meta, "en")._repr_html_()
    assert "SYNTHETIC DATA" in markup and "Only 3 of its 13 firms" in markup
    assert "Solo 3 delle sue 13 imprese" in report.banner(meta, "it")._repr_html_()


def test_survey_without_synthetic_ids_is_not_synthetic(tmp_path):
    meta = _prepare(make_survey(), tmp_path)
    assert meta["synthetic"] is False and meta["synthetic_rows"] == 0
    assert report.banner(meta, "en")._repr_html_() == ""


# --- calibration to published figures --------------------------------------------------------------

def test_certification_shares_match_cosmic(large):
    """>= 1 certification of any kind: 127/274; more than one: 107/274 (COSMIC 2009, S6)."""
    held = large[CB.certifications(None)].astype("float64").sum(axis=1)
    for share, target in (((held >= 1).mean(), 127 / 274), ((held >= 2).mean(), 107 / 274)):
        assert within(share, target, math.sqrt(target * (1 - target) / len(large))), (share, target)
    rates = large[CB.certifications(None)].astype("float64").mean()
    assert rates[["cert_emas", "cert_sa8000"]].max() < 0.10  # rare


def test_population_frame_matches_published_district_figures():
    counts = synthetic.population_counts()
    assert list(counts.columns) == ["district", "size_class", "N"]
    totals = counts.groupby("district")["N"].sum()
    assert totals["capannori_paper"] == 133 and totals["santa_croce_tanning"] == 935  # D1, D18
    means = synthetic.population_mean_employees()
    assert means["capannori_paper"] == pytest.approx(6000 / 133, rel=0.05)  # D1
    assert means["santa_croce_tanning"] == pytest.approx(7928 / 935, rel=0.05)  # D18
    assert means["empolese_valdelsa_clothing"] == pytest.approx(6, rel=0.10)  # assumption


def test_sample_over_represents_larger_firms_as_designed(large):
    params = synthetic.Params()
    frame = analysis_frame(large)
    for district in CB.district_ids:
        design = np.array(params.size_shares[district]) * np.array(params.inclusion_weights)
        design /= design.sum()
        sizes = frame.loc[frame["district"] == district, "size_class"]
        got = sizes.value_counts(normalize=True).reindex(list(CB.size_classes), fill_value=0.0)
        assert got["large"] == 0
        n = len(sizes)
        for share, target in zip(got[["micro", "small", "medium"]], design):
            assert within(share, target, math.sqrt(target * (1 - target) / n), k=4), (district, share, target)
        population = np.array(params.size_shares[district])
        assert got["medium"] > population[2]  # larger firms over-represented


def test_export_share_means_match_published_district_figures(large):
    targets = {"capannori_paper": 27, "santa_croce_tanning": 50, "empolese_valdelsa_clothing": 30}  # D2, D17, assumption
    for district, target in targets.items():
        x = large.loc[large["district"] == district, "export_share"]
        assert within(x.mean(), target, x.std() / math.sqrt(len(x))), (district, x.mean())
    frame = analysis_frame(large)
    assert frame["export_share"].corr(frame["log_employees"]) > 0.05  # exports rise with size


def test_practices_are_plausible_and_reliable(large):
    rates = large[CB.practices()].astype("float64").mean()
    common = [p for p in CB.practices("workplace") + CB.practices("marketplace")]
    assert rates[common].between(0.25, 0.60).all()
    rare = ["com_international_initiatives", "gov_sustainability_report", "gov_csr_responsible"]
    assert rates[rare].between(0.04, 0.20).all()
    for dimension, items in CB.practices_by_dimension().items():
        x = large[items].astype("float64")
        k = len(items)
        kr20 = k / (k - 1) * (1 - x.var().sum() / x.sum(axis=1).var())
        assert 0.6 <= kr20 <= 0.8, (dimension, kr20)


def test_likert_items_have_mode_unchanged_and_lean_to_improvement(large):
    values = large[CB.outcome_items()].astype("float64").stack()
    shares = values.value_counts(normalize=True).sort_index()
    assert shares.idxmax() == 3
    assert shares[[4, 5]].sum() > shares[[1, 2]].sum()


# --- ground truth ----------------------------------------------------------------------------------

def test_latent_structure_matches_the_analytic_correlations():
    survey, latent = synthetic._simulate(synthetic.Params(), LARGE, 5, 0.0)
    latent = pd.DataFrame(latent)
    analytic = synthetic.latent_correlations()
    for district, g in latent.groupby("district"):
        for factor in ("innovation", "intangible", "market"):
            r = g["eta"].corr(g[factor])
            expected = analytic[district][f"eta.{factor}"]
            assert within(r, expected, (1 - expected ** 2) / math.sqrt(len(g)), k=4), (district, factor, r)
    assert latent["eta"].var() == pytest.approx(1, abs=0.03)  # standardised in the reference design
    for correlations in analytic.values():  # methods.md §1.3 anchors
        assert 0.25 <= correlations["eta.innovation"] <= 0.35
        assert 0.25 <= correlations["eta.intangible"] <= 0.35
        assert 0.05 <= correlations["eta.market"] <= 0.15


def test_ground_truth_is_complete_json_and_describes_the_run(truth):
    json.dumps(truth, allow_nan=False)
    groups = CB.district_ids + ["pooled"]
    assert list(truth["pseudo_truth"]) == groups and list(truth["pseudo_truth_mc_se"]) == groups
    for group in groups:
        keys = set(truth["pseudo_truth"][group])
        assert {f"rate.{i}" for i in CB.practices() + CB.certifications(None)} <= keys
        assert {f"ols.score_{s}.csr_overall" for s in CB.outcome_scales} <= keys
        assert keys == set(truth["pseudo_truth_mc_se"][group])
    assert truth["population"]["capannori_paper"]["firms"] == 133
    assert max(max(se.values()) for se in truth["pseudo_truth_mc_se"].values()) < 0.01  # precise truth
    params = synthetic.Params(**truth["parameters"])  # the recorded parameters reproduce the data
    pd.testing.assert_frame_equal(synthetic.generate(seed=3, params=params), synthetic.generate(seed=3))


def test_independent_sample_recovers_the_pseudo_truth(truth):
    """Every estimand on a fresh sample (other seed) is within 4 combined SEs of the pseudo-truth."""
    values, ses = synthetic.estimands(synthetic.generate(LARGE, seed=2024))
    for group, recorded in truth["pseudo_truth"].items():
        for key, expected in recorded.items():
            se = math.hypot(ses[group][key], truth["pseudo_truth_mc_se"][group][key])
            assert within(values[group][key], expected, se, k=4), (group, key, values[group][key], expected)


def test_pseudo_truth_changes_with_the_parameters(truth):
    """A sample from another DGP (no CSR effect on innovation) is far from the recorded truth."""
    params = synthetic.Params(innovation_on_csr={d: 0.0 for d in CB.district_ids})
    values, ses = synthetic.estimands(synthetic.generate(LARGE, seed=2024, params=params))
    key = "ols.score_innovation.csr_overall"
    assert truth["pseudo_truth"]["pooled"][key] - values["pooled"][key] > 10 * ses["pooled"][key]


def test_market_association_is_clearly_weaker_than_innovation(truth):
    for group, t in truth["pseudo_truth"].items():
        se = truth["pseudo_truth_mc_se"][group]
        innovation, market = t["ols.score_innovation.csr_overall"], t["ols.score_market.csr_overall"]
        assert innovation > 20 * se["ols.score_innovation.csr_overall"]
        assert market < 0.6 * innovation, group
        assert t["spearman.csr_overall.score_market"] < t["spearman.csr_overall.score_innovation"] - 0.05
    # district-specific innovation effect: larger in the paper district than in clothing
    gap = (truth["pseudo_truth"]["capannori_paper"]["ols.score_innovation.csr_overall"]
           - truth["pseudo_truth"]["empolese_valdelsa_clothing"]["ols.score_innovation.csr_overall"])
    assert gap > 4 * math.hypot(truth["pseudo_truth_mc_se"]["capannori_paper"]["ols.score_innovation.csr_overall"],
                                truth["pseudo_truth_mc_se"]["empolese_valdelsa_clothing"]["ols.score_innovation.csr_overall"])


def test_committed_synthetic_survey_is_reproduced(tmp_path, truth_cache):
    from cooperate_analysis.data.io import sha256_file

    root = Path(__file__).resolve().parents[1]
    data, truth_file = synthetic.write_synthetic(tmp_path)
    assert sha256_file(data) == sha256_file(root / "data/raw/survey_synthetic.csv")
    assert truth_file.read_text() == (root / "data/raw/survey_synthetic.truth.json").read_text()


# --- issue 16: channels, adoption truth and the questionnaire blocks ------------------------------

@pytest.fixture(scope="module")
def large_latent():
    """A large sample of the default design (no non-response) with its latent variables."""
    return synthetic._simulate(synthetic.Params(), LARGE, 99, 0.0)


def test_eta_has_mean_0_and_unit_variance_in_the_reference_design(large_latent):
    _, latent = large_latent
    eta = latent["eta"]
    n = len(eta)
    assert abs(eta.mean()) < 3 / math.sqrt(n)
    assert abs(eta.var() - 1) < 3 * math.sqrt(2.5 / n)  # sd of a sample variance (kurtosis < 3.5)
    const = synthetic.design_constants()
    assert 0 < const["eta_residual_var"] < 1
    assert const["eta_residual_var"] + const["eta_linear_var"] == pytest.approx(1)
    assert np.cov(eta, latent["z"])[0, 1] == pytest.approx(const["eta_size_cov"], abs=4 / math.sqrt(n))
    for d, moments in const["eta_by_district"].items():  # exact per-district moments
        e = eta[latent["district"] == d]
        assert e.mean() == pytest.approx(moments["mean"], abs=4 * math.sqrt(moments["var"] / len(e))), d
        assert e.var() == pytest.approx(moments["var"], abs=4 * math.sqrt(2.5 / len(e))), d


def test_design_constants_are_deterministic_and_follow_the_parameters():
    a, b = synthetic.design_constants(), synthetic.design_constants()
    assert a == b
    stronger = synthetic.design_constants(synthetic.Params(eta_on_support=0.5))
    assert stronger["eta_residual_var"] < a["eta_residual_var"]


def test_ols_of_eta_recovers_the_structural_coefficients(large_latent):
    """eta is linear in its drivers: OLS on the large sample gives back the documented coefficients."""
    df, latent = large_latent
    p = synthetic.Params()
    X = np.column_stack([np.ones(len(df)), latent["z"], latent["export_std"], df["ch_association_member"].astype(float),
                         latent["intermediary_support"], latent["network_member"], latent["informal_exchange"],
                         df["firm_age"].astype(float)])
    beta, *_ = np.linalg.lstsq(X, latent["eta"], rcond=None)
    resid = latent["eta"] - X @ beta
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ X)) * resid.var())
    truth = [p.gamma_size, p.eta_on_exports, p.eta_on_association, p.eta_on_support, p.eta_on_network,
             p.eta_on_informal, 0.0]
    for got, want, s in zip(beta[1:], truth, se[1:]):
        assert abs(got - want) < 4 * s, (got, want, s)
    assert resid.var() == pytest.approx(synthetic.design_constants()["eta_residual_var"], rel=0.03)


def test_channels_follow_district_size_and_membership(large):
    frame = analysis_frame(large)
    by = frame.groupby("district")
    assert (large.loc[large["district"] == "empolese_valdelsa_clothing", "ch_net_emas"] == 0).all()
    assert (by["ch_net_emas"].mean()[["capannori_paper", "santa_croce_tanning"]] > 0.1).all()
    assert frame["ch_net_contract"].mean() < 0.06  # network contracts are rare (Italian law only since 2009)
    members = frame.groupby("association_member")["ch_support_association"].mean()
    assert members[1.0] > 5 * members[0.0]  # members more often get their association's support
    assert by["ch_support_agency"].mean().idxmax() == "empolese_valdelsa_clothing"
    assert by["ch_net_consortium"].mean().idxmax() == "santa_croce_tanning"
    small, big = frame[frame["employees"] < 10], frame[frame["employees"] >= 50]
    for col in ("association_member", "intermediary_support", "network_member"):
        assert big[col].mean() > small[col].mean() + 0.05, col
    # the channel factor ties channels together
    assert frame[["intermediary_support", "informal_exchange"]].corr().iloc[0, 1] > 0.1
    # calibration measured on the large sample (module docstring, 4a)
    for col, target in (("association_member", 0.64), ("intermediary_support", 0.45), ("network_member", 0.33),
                        ("informal_exchange", 0.48)):
        assert frame[col].mean() == pytest.approx(target, abs=0.02), col
    assert frame["channels_used"].between(0, 6).all() and frame["channels_used"].mean() == pytest.approx(2.36, abs=0.05)


def test_channels_raise_csr_adoption(large):
    frame = analysis_frame(large)
    assert frame[["channels_used", "csr_overall"]].corr(method="spearman").iloc[0, 1] > 0.2
    for col in ("association_member", "intermediary_support", "network_member", "informal_exchange"):
        means = frame.groupby(col)["csr_overall"].mean()
        assert means[1.0] > means[0.0] + 0.03, col


def test_certification_status_agrees_with_the_dummies_and_plans_rise_with_eta(large_latent):
    df, latent = large_latent
    cb = CB
    for status, held in cb.cert_status_items().items():
        assert ((df[status] == 1) == (df[held] == 1)).all(), status
        non = df[held] == 0
        planned = (df.loc[non, status] == 2).astype(float)
        high = latent["eta"][non.to_numpy()] > 0
        assert planned[high].mean() > planned[~high].mean(), status
    non = df["cert_iso14001"] == 0
    assert (df.loc[non, "cst_iso14001"] == 2).mean() == pytest.approx(0.134, abs=0.015)
    validate_survey(df.astype(str).replace("<NA>", ""), "large.csv")  # passes the cross-column rules


def test_awareness_rises_with_eta_and_district_activities(large_latent):
    df, latent = large_latent
    frame = analysis_frame(df)
    assert np.corrcoef(latent["eta"], frame["csr_awareness"])[0, 1] > 0.4
    by = frame.groupby("district_activities")["csr_awareness"].mean()
    assert by[1.0] > by[0.0] + 0.2
    shares = df["aw_csr_concept"].value_counts(normalize=True).sort_index().to_numpy()
    np.testing.assert_allclose(shares, synthetic.Params().awareness_shares["aw_csr_concept"], atol=0.02)


def test_stakeholder_motivation_and_barrier_items_follow_their_assumed_order(large):
    means = large[CB.stakeholder_items()].astype(float).mean()
    order = ["sh_customers", "sh_employees", "sh_suppliers", "sh_banks", "sh_local_institutions",
             "sh_local_community", "sh_trade_associations", "sh_unions"]
    assert list(means.sort_values(ascending=False).index) == order
    by = large.groupby("district")[CB.stakeholder_items()].mean()
    assert by.loc["santa_croce_tanning", "sh_local_community"] > by.loc["empolese_valdelsa_clothing",
                                                                        "sh_local_community"] + 0.2
    items = large[CB.stakeholder_items()].astype(float)
    r = items.corr().to_numpy()[np.triu_indices(len(items.columns), 1)]
    assert 0.1 < r.mean() < 0.5  # a firm effect: Friedman's test compares items within firms
    mot = large[CB.motivation_items()].astype(float).mean()
    assert set(mot.nlargest(2).index) == {"mot_customer_requests", "mot_reputation"}
    bar = large[CB.barrier_items()].astype(float).mean()
    assert list(bar.sort_values(ascending=False).index) == ["bar_costs", "bar_resources_expertise",
                                                            "bar_tool_knowledge", "bar_uncertain_results"]


def test_atypical_workers_and_training(large_latent):
    df, latent = large_latent
    assert (df["wf_home_workers"] <= df["employees"]).all() and (df["wf_home_workers"] >= 0).all()
    home = (df["wf_home_workers"] > 0).groupby(df["district"]).mean()
    assert home["empolese_valdelsa_clothing"] == pytest.approx(0.35, abs=0.02)
    assert home["capannori_paper"] == pytest.approx(0.05, abs=0.015)
    assert df["wf_trainees"].astype(float).mean() == pytest.approx(
        0.03 * df["employees"].astype(float).mean(), rel=0.05)
    trained = df["tr_staff_trained_share"]
    assert trained.between(0, 100).all()
    assert np.corrcoef(latent["eta"], trained)[0, 1] > 0.2
    assert df["tr_csr_training"].astype(float).mean() == pytest.approx(0.35, abs=0.02)


def test_truth_records_the_structural_coefficients_and_the_adoption_ames(truth):
    from cooperate_analysis.data.derived import ADOPTION_REGRESSORS

    p = synthetic.Params()
    structural = truth["adoption_structural"]["coefficients"]
    assert structural == {"z_log_employees": p.gamma_size, "export_share_standardised": p.eta_on_exports,
                          "association_member": p.eta_on_association, "intermediary_support": p.eta_on_support,
                          "network_member": p.eta_on_network, "informal_exchange": p.eta_on_informal,
                          "firm_age": 0.0}
    assert truth["adoption_structural"]["competitiveness_network_moderation"] == 0.0
    for group, values in truth["pseudo_truth"].items():
        ses = truth["pseudo_truth_mc_se"][group]
        for prefix in ("fraclogit_ame.csr_overall", "logit_ame.cert_iso14001"):
            for r in ADOPTION_REGRESSORS:
                key = f"{prefix}.{r}"
                assert math.isfinite(values[key]) and 0 < ses[key] < 0.01, (group, key)
            for r in ("association_member", "intermediary_support", "network_member", "informal_exchange",
                      "log_employees"):
                assert values[f"{prefix}.{r}"] > 4 * ses[f"{prefix}.{r}"], (group, prefix, r)
            assert abs(values[f"{prefix}.firm_age"]) < 4 * ses[f"{prefix}.firm_age"]  # age has no effect
        # support has the largest latent effect among the channels, and so the largest AME
        assert values["fraclogit_ame.csr_overall.intermediary_support"] > values[
            "fraclogit_ame.csr_overall.informal_exchange"]


def test_the_truth_is_reproduced_from_its_parameters_and_seed(truth):
    committed = json.loads((ROOT / "data/raw/survey_synthetic.truth.json").read_text(encoding="utf-8"))
    params = synthetic.Params(**committed["parameters"])
    again = synthetic.ground_truth(params, committed["n_per_district"], committed["missing_rate"])
    for key in ("pseudo_truth", "adoption_structural", "design_constants"):
        assert json.loads(json.dumps(again[key])) == committed[key], key
    data = synthetic.generate(committed["n_per_district"], seed=committed["seed"], params=params,
                              missing_rate=committed["missing_rate"])
    assert hashlib.sha256(synthetic._csv_bytes(data)).hexdigest() == committed["data_sha256"]


def test_a_version_1_survey_has_no_adoption_estimands():
    survey = synthetic.generate(LARGE, seed=5)
    v1 = survey[[c for c in survey.columns if CB[c].since == 1]]
    values, _ = synthetic.estimands(validate_survey(v1.astype(str).replace("<NA>", ""), "v1.csv"))
    assert not any("_ame." in k or k.startswith("rate.ch_") for k in values["pooled"])
    assert "ols.score_innovation.csr_overall" in values["pooled"]
