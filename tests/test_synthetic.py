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
def truth() -> dict:
    return synthetic.ground_truth()


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


def test_written_files_are_byte_identical_for_the_same_seed(tmp_path):
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


def test_csv_round_trip_through_the_validator(tmp_path):
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


def test_committed_synthetic_survey_is_reproduced(tmp_path):
    from cooperate_analysis.data.io import sha256_file

    root = Path(__file__).resolve().parents[1]
    data, truth_file = synthetic.write_synthetic(tmp_path)
    assert sha256_file(data) == sha256_file(root / "data/raw/survey_synthetic.csv")
    assert truth_file.read_text() == (root / "data/raw/survey_synthetic.truth.json").read_text()
