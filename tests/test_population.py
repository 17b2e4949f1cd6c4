"""The population frame is data (data/raw/population_frame.csv), checked when read."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived, population, synthetic
from cooperate_analysis.stats import inference

from .conftest import ROOT


def test_frame_has_a_source_for_every_row_and_matches_the_generators_population():
    frame = population.population_frame(ROOT / population.FRAME)
    assert (frame["source"].str.len() > 20).all()
    dgp = synthetic.population_counts()
    merged = frame.merge(dgp, on=["district", "size_class"], suffixes=("", "_dgp"), how="outer")
    counted = merged[merged["N"].notna()]
    assert counted["N"].tolist() == counted["N_dgp"].tolist()  # integer counts
    assert merged.loc[merged["N"].isna(), "size_class"].tolist() == ["large"] * 3  # the DGP has no large firms


@pytest.mark.parametrize("edit, message", [
    (lambda f: f.assign(district=f["district"].replace("capannori_paper", "lucca")), "rows 1, 2, 3, 4:"),
    (lambda f: f.assign(N=f["N"].where(f.index != 4, -1)), "rows 5:"),
    (lambda f: pd.concat([f, f.iloc[[0]]]), "rows 13:"),  # the repeated first row, after 12
    (lambda f: f.drop(columns="source"), "columns must be district, size_class, N, source"),
])
def test_a_broken_frame_is_an_error_naming_the_rows(tmp_path, edit, message):
    frame = edit(population.population_frame(ROOT / population.FRAME))
    path = tmp_path / "frame.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=message):
        population.population_frame(path)


POP = pd.DataFrame({"district": ["A"] * 4, "size_class": ["micro", "small", "medium", "large"],
                    "N": [700, 250, 50, None]})  # no count for large firms (an SME frame)


def _firms(counts: dict[str, int], district: str = "A") -> pd.DataFrame:
    return pd.DataFrame([{"district": district, "size_class": c} for c, k in counts.items() for _ in range(k)])


def test_a_sampled_class_without_population_count_is_weighted_with_its_neighbour():
    df = _firms({"micro": 10, "small": 12, "medium": 8, "large": 6})  # 6 large firms: enough, but no N
    ps = inference.poststrat_weights(df, POP)
    cells = ps.cells.set_index("size_class")
    assert cells.loc["large", "uncounted"] and cells.loc["large", "group"] == "medium+large"
    assert cells.loc["large", "weight"] == pytest.approx(50 / 14, rel=1e-12)
    assert cells.loc["micro", "group"] == "micro" and not cells.loc["micro", "collapsed"]
    assert ps.weights.sum() == pytest.approx(1000, rel=1e-12)  # the district total is kept


def test_a_frame_without_the_large_row_gives_the_same_weights():
    df = _firms({"micro": 10, "small": 12, "medium": 8, "large": 2})
    with_row = inference.poststrat_weights(df, POP).weights
    without = inference.poststrat_weights(df, POP[POP["size_class"] != "large"]).weights
    np.testing.assert_allclose(with_row, without, rtol=1e-12)


def test_a_district_missing_from_the_frame_is_an_error():
    with pytest.raises(ValueError, match="no population count for district"):
        inference.poststrat_weights(_firms({"micro": 5}, district="B"), POP)


def test_the_committed_frame_weights_a_survey_with_a_large_firm():
    frame = population.population_frame(ROOT / population.FRAME)
    assert set(frame["size_class"]) == {"micro", "small", "medium", "large"}  # every class the codebook allows
    assert frame.loc[frame["size_class"] == "large", "N"].isna().all()  # no source gives it: absent
    raw = synthetic.generate(seed=3)
    raw.loc[0, "employees"] = 458  # the codebook allows it; the frame has no count of such firms
    survey = derived.analysis_frame(raw)
    ps = inference.poststrat_weights(survey, frame)
    assert np.isfinite(ps.weights).all() and (ps.weights > 0).all()


def test_sampled_classes_without_a_count_are_named_at_validation():
    frame = population.population_frame(ROOT / population.FRAME)
    raw = synthetic.generate(seed=3)
    assert population.uncounted_classes(raw, frame) == []
    raw.loc[raw.index[:2], "employees"] = [458, 300]
    raw.loc[raw.index[:2], "district"] = "santa_croce_tanning"
    assert population.uncounted_classes(raw, frame) == [
        "2 firm(s) of size class large in santa_croce_tanning: the population frame has no count for this class, "
        "so they are weighted with the adjacent size class"]


def test_the_data_step_records_the_uncounted_classes(project, capsys):
    from cooperate_analysis.runner import pipeline
    from cooperate_analysis.data import dataset

    raw = synthetic.generate(seed=3)
    raw.loc[raw.index[:1], ["employees", "district"]] = [458, "capannori_paper"]
    raw.to_csv("large.csv", index=False)
    meta = pipeline.data_step(Path("large.csv"), "env")
    assert meta["population_notes"] == [
        "1 firm(s) of size class large in capannori_paper: the population frame has no count for this class, "
        "so they are weighted with the adjacent size class"]
    assert "note   1 firm(s) of size class large in capannori_paper" in capsys.readouterr().out
    assert "population_notes" not in dataset.prepare_survey(Path("large.csv"), processed=project / "p.parquet")
