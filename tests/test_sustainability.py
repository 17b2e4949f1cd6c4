"""The district sustainability reports (issue 17): Wilson intervals against reference values, every
indicator row naming its source (published with a citation, survey, or absent), every published figure
shown as published_figures.csv gives it, Italian tables without a decimal point or English."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import measures

from .conftest import make_survey

CB = load_codebook()
Z = 1.959963984540054


def wilson_closed_form(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval written out (Newcombe 1998, method 3), independent of statsmodels."""
    p = k / n
    centre = (2 * n * p + z ** 2) / (2 * (n + z ** 2))
    half = z * math.sqrt(z ** 2 + 4 * n * p * (1 - p)) / (2 * (n + z ** 2))
    return centre - half, centre + half


# Newcombe (1998), Table I, method 3 (score interval without continuity correction), to 4 decimals
NEWCOMBE_1998 = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611),
                 (1, 29, 0.0061, 0.1718)]


@pytest.mark.parametrize("k,n,low,high", NEWCOMBE_1998)
def test_wilson_interval_matches_published_values(k, n, low, high):
    share, lo, hi = measures.wilson_interval(k, n)
    assert share[0] == pytest.approx(k / n)
    assert lo[0] == pytest.approx(low, abs=5e-5) and hi[0] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_matches_the_closed_formula_and_handles_edges():
    ks, ns = np.array([0, 1, 3, 14, 27, 28]), np.array([28, 28, 28, 28, 28, 28])
    share, low, high = measures.wilson_interval(ks, ns)
    for k, n, lo, hi in zip(ks, ns, low, high):
        ref = wilson_closed_form(int(k), int(n))
        assert lo == pytest.approx(max(ref[0], 0.0), abs=1e-12) and hi == pytest.approx(min(ref[1], 1.0), abs=1e-12)
    assert low[0] == 0 and high[0] > 0.1 and high[-1] == pytest.approx(1.0) and low[-1] < 0.9  # not degenerate
    _, low90, high90 = measures.wilson_interval(14, 28, level=0.90)
    assert low90[0] > low[3] and high90[0] < high[3]
    empty = measures.wilson_interval(0, 0)
    assert all(np.isnan(v[0]) for v in empty)
    with pytest.raises(ValueError):
        measures.wilson_interval(5, 3)


def test_dimension_adoption_is_missing_only_when_it_cannot_be_told():
    df = pd.DataFrame({"a": [1, 0, 0, np.nan, np.nan], "b": [np.nan, 0, 1, 0, np.nan]})
    got = measures.dimension_adoption(df, ["a", "b"])
    assert got.iloc[0] == 1 and got.iloc[1] == 0 and got.iloc[2] == 1
    assert np.isnan(got.iloc[3]) and np.isnan(got.iloc[4])


def test_adoption_profile_counts_every_group_and_intervals_cover_the_share():
    frame = derived.analysis_frame(make_survey(60, seed=4), CB)
    district = CB.district_ids[1]
    profile = measures.adoption_profile(frame, district, CB)
    assert list(dict.fromkeys(profile["group"])) == [district, CB.district_ids[0], CB.district_ids[2], "pooled"]
    firms = frame[frame["district"] == district]
    row = profile[(profile["group"] == district) & (profile["item"] == "cert_iso14001")].iloc[0]
    assert row["k"] == int((firms["cert_iso14001"] == 1).sum()) and row["n"] == int(firms["cert_iso14001"].notna().sum())
    pooled = profile[(profile["group"] == "pooled") & (profile["item"] == "workplace")].iloc[0]
    assert pooled["n"] == len(frame) and pooled["kind"] == "dimension"
    assert pooled["k"] == int((frame[CB.practices("workplace")] == 1).any(axis=1).sum())
    ok = profile["n"] > 0
    assert ((profile.loc[ok, "ci_low"] <= profile.loc[ok, "share"]) &
            (profile.loc[ok, "share"] <= profile.loc[ok, "ci_high"])).all()
    sums = profile[profile["group"] != "pooled"].groupby("item")[["k", "n"]].sum()
    pooled_counts = profile[profile["group"] == "pooled"].set_index("item")[["k", "n"]]
    assert sums.sort_index().equals(pooled_counts.sort_index())
