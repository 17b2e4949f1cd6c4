"""Shared fixtures: a valid survey built from the codebook, and an isolated project copy."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.build.runs import copy_inputs
from cooperate_analysis.data.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]


def make_survey(n: int = 30, seed: int = 0) -> pd.DataFrame:
    """A small survey that follows the codebook, with arbitrary (uninformative) values."""
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    cols = {}
    for v in cb.variables:
        if v.type == "id":
            cols[v.name] = [f"T-{i:04d}" for i in range(n)]
        elif v.name == "district":
            cols[v.name] = [cb.district_ids[i % 3] for i in range(n)]
        elif v.type == "binary":
            cols[v.name] = rng.integers(0, 2, n)
        elif v.type == "likert":
            cols[v.name] = rng.integers(v.min, v.max + 1, n)
        elif v.type == "category":
            cols[v.name] = rng.choice(v.values, n)
        elif v.type == "number":
            cols[v.name] = rng.uniform(v.min, v.max, n).round(1)
        else:
            cols[v.name] = rng.integers(1, 200, n)
    return pd.DataFrame(cols)


@pytest.fixture
def survey() -> pd.DataFrame:
    return make_survey()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's inputs in a temporary directory, made the working directory."""
    copy_inputs(ROOT, tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path
