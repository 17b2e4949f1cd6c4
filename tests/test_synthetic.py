"""The synthetic generator: schema, determinism, calibration targets, ground truth."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis import synthetic
from cooperate_analysis.codebook import load_codebook
from cooperate_analysis.io import sha256_file
from cooperate_analysis.measures import analysis_frame
from cooperate_analysis.validate import validate_survey

ROOT = Path(__file__).resolve().parents[1]
LARGE = {d: 40 * n for d, n in synthetic.DEFAULT_N.items()}  # 3,680 firms, same design proportions


@pytest.fixture(scope="module")
def truth() -> dict:
    return synthetic.pseudo_truth()


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    return synthetic.generate({d: 100 * n for d, n in synthetic.DEFAULT_N.items()}, seed=99)


def test_default_sample_follows_the_codebook():
    cb = load_codebook()
    df = synthetic.generate()
    assert list(df.columns) == cb.names
    assert df.groupby("district").size().to_dict() == synthetic.DEFAULT_N
    assert len(df) == 92  # COOPERATE interviewed 92 firms
    typed = validate_survey(df.astype("string").fillna(""), "generated")
    pd.testing.assert_frame_equal(typed.astype("float64", errors="ignore").iloc[:, 2:],
                                  df.astype("float64", errors="ignore").iloc[:, 2:], check_dtype=False)
    assert df["employees"].between(1, 249).all()  # SMEs only


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a = synthetic.generate(seed=5)
    pd.testing.assert_frame_equal(a, synthetic.generate(seed=5))
    assert not a.equals(synthetic.generate(seed=6))


def test_committed_synthetic_survey_is_reproduced(tmp_path):
    data, truth_file = synthetic.write_synthetic(tmp_path)
    assert sha256_file(data) == sha256_file(ROOT / "data/raw/survey_synthetic.csv")
    assert truth_file.read_text() == (ROOT / "data/raw/survey_synthetic.truth.json").read_text()
    assert json.loads(truth_file.read_text())["data_sha256"] == sha256_file(data)


def test_certification_shares_match_cosmic(large):
    """>= 1 certification: 127/274; > 1: 107/274 (COSMIC 2009, source S6), within 3 SE."""
    cb = load_codebook()
    held = large[cb.certifications(None)].astype("float64").fillna(0).sum(axis=1)
    for share, target in (((held >= 1).mean(), 127 / 274), ((held >= 2).mean(), 107 / 274)):
        se = np.sqrt(target * (1 - target) / len(large))
        assert abs(share - target) < 3 * se, (share, target)


def test_size_classes_follow_the_design(large):
    params = synthetic.Params()
    frame = analysis_frame(large)
    for district, spec in params.districts.items():
        expected = np.array(spec.size_shares) * np.array(params.inclusion_weights)
        expected /= expected.sum()
        got = frame.loc[frame["district"] == district, "size_class"].value_counts(normalize=True)
        got = got.reindex(["micro", "small", "medium"]).to_numpy()
        n = (frame["district"] == district).sum()
        assert np.all(np.abs(got - expected) < 3 * np.sqrt(expected * (1 - expected) / n) + 1e-9)


def test_export_share_is_ordered_as_published(large):
    means = large.groupby("district")["export_share"].mean()
    assert means["santa_croce_tanning"] > means["empolese_valdelsa_clothing"] > 20
    assert means["santa_croce_tanning"] > means["capannori_paper"]


def test_population_counts_match_published_firm_counts():
    counts = synthetic.population_counts().groupby("district")["N"].sum()
    assert counts["capannori_paper"] == 133 and counts["santa_croce_tanning"] == 935


def test_independent_sample_recovers_pseudo_truth(truth):
    """On a fresh sample (other seed), estimands are within 4 sampling SEs of the pseudo-truth."""
    cb = load_codebook()
    frame = analysis_frame(synthetic.generate(LARGE, seed=2024))
    for scale in cb.outcome_scales:
        y = f"score_{scale}"
        rho = frame["csr_overall"].corr(frame[y], method="spearman")
        expected = truth["pooled"][f"spearman.csr_overall.{y}"]
        assert abs(rho - expected) < 4 / np.sqrt(len(frame)), (scale, rho, expected)


def test_market_association_is_weaker_than_innovation(truth):
    for group in truth.values():
        assert group["ols.score_market.csr_overall"] < 0.5 * group["ols.score_innovation.csr_overall"]
        assert group["spearman.csr_overall.score_innovation"] > 0.15


def test_missing_only_where_the_codebook_allows():
    cb = load_codebook()
    df = synthetic.generate(LARGE, seed=1, missing_rate=0.05)
    required = [v.name for v in cb.variables if v.required]
    assert df[required].notna().all().all()
    rate = df[[n for n in cb.names if n not in required]].isna().mean().mean()
    assert 0.04 < rate < 0.06


def test_unknown_district_is_rejected():
    with pytest.raises(ValueError, match="valid: capannori_paper"):
        synthetic.generate({"prato_textile": 10})
