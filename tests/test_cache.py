"""The result cache shared by the runs of a build: hits only for equal inputs, workers ignored,
other code versions' caches removed."""
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.build import cache


def weighted_total(frame: pd.DataFrame, *, weight: float, n_jobs: int = 1, scheduler=None) -> float:
    return float(frame["x"].sum() * weight)


def test_a_call_with_equal_inputs_is_answered_from_the_cache(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    cached = cache.memoized(weighted_total, root=tmp_path)
    assert cached(frame, weight=2.0) == pytest.approx(12.0)
    # equal content, other workers or cluster: a hit; other data or arguments: a miss
    assert cached.check_call_in_cache(frame.copy(), weight=2.0, n_jobs=4, scheduler="tcp://host:8786")
    assert not cached.check_call_in_cache(frame.assign(x=[1.0, 2.0, 4.0]), weight=2.0)
    assert not cached.check_call_in_cache(frame, weight=3.0)


def test_opening_the_cache_removes_other_code_versions(tmp_path):
    (tmp_path / "0123456789abcdef").mkdir()
    (tmp_path / "0123456789abcdef" / "stale.pkl").write_bytes(b"old")
    current = Path(cache.memory(tmp_path).location)
    assert current.parent == tmp_path and len(current.name) == 16 and current.name != "0123456789abcdef"
    assert not (tmp_path / "0123456789abcdef").exists()
    cache.memoized(weighted_total, root=tmp_path)(pd.DataFrame({"x": [1.0]}), weight=1.0)
    assert [p.name for p in tmp_path.iterdir()] == [current.name]  # the current version's cache is kept
