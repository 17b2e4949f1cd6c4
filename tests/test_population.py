"""The population frame is data (data/raw/population_frame.csv), checked when read."""
from __future__ import annotations

import pandas as pd
import pytest

from cooperate_analysis.data import population, synthetic

from .conftest import ROOT


def test_frame_has_a_source_for_every_row_and_matches_the_generators_population():
    frame = population.population_frame(ROOT / population.FRAME)
    assert (frame["source"].str.len() > 20).all()
    dgp = synthetic.population_counts()
    merged = frame.merge(dgp, on=["district", "size_class"], suffixes=("", "_dgp"), how="outer")
    assert merged["N"].tolist() == merged["N_dgp"].tolist()  # integer counts


@pytest.mark.parametrize("edit, message", [
    (lambda f: f.assign(district=f["district"].replace("capannori_paper", "lucca")), "rows 1, 2, 3"),
    (lambda f: f.assign(N=f["N"].where(f.index != 4, -1)), "rows 5:"),
    (lambda f: pd.concat([f, f.iloc[[0]]]), "rows 10:"),
    (lambda f: f.drop(columns="source"), "columns must be district, size_class, N, source"),
])
def test_a_broken_frame_is_an_error_naming_the_rows(tmp_path, edit, message):
    frame = edit(population.population_frame(ROOT / population.FRAME))
    path = tmp_path / "frame.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=message):
        population.population_frame(path)
