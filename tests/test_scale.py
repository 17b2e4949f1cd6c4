"""Validation of large bad files: the error stays bounded and says the same as on a small file.

Speed and memory are measured by bench/scale.py, never asserted here.
"""
import pandas as pd
import pytest

from cooperate_analysis.data.validate import (
    SurveyValidationError,
    _examples,
    validate_survey,
)

from .conftest import make_survey


def test_error_on_a_large_bad_file_is_bounded():
    raw = make_survey(n=20_000).astype(str)
    raw["out_reputation"] = "7"
    raw.loc[::2, "out_market_share"] = "3.5"
    raw["firm_id"] = "T-1"
    with pytest.raises(SurveyValidationError) as err:
        validate_survey(raw, "big.csv")
    found = {v.column: v for v in err.value.violations}
    assert len(found["out_reputation"].rows) == 20_000 and found["out_reputation"].rows[:2] == (1, 2)
    assert all(isinstance(r, int) for r in found["firm_id"].rows[:5])
    text = str(err.value)
    assert "column 'out_reputation', rows 1, 2, 3, 4, 5 and 19,995 more: [range]" in text
    assert "column 'out_market_share', rows 1, 3, 5, 7, 9 and 9,995 more: [integer]" in text
    assert "found '7'" in text and "found 3.5" not in text and "found '3.5'" in text
    assert len(text) < 3_000


def test_examples_are_the_first_three_distinct_texts():
    assert _examples(pd.Series(["b", "a", "b", "c", "d"])) == "'b', 'a', 'c'"
    # numbers are formatted after de-duplication on exact bits: -0 and 0 stay distinct, as their text
    assert _examples(pd.Series([-0.0, 0.0, -0.0, 7.0]), "{:g}") == "'-0', '0', '7'"
    # distinct numbers with the same text are shown once
    assert _examples(pd.Series([1.0000001, 1.0, 2.5]), "{:g}") == "'1', '2.5'"


def test_census_bench_runs_the_multiverse_on_a_local_dask_cluster():
    """bench/scale.py --census on a tiny survey (40 firms per district, m = 2, 12 draws, one
    worker, the 672 specifications of two outcomes): the curve and joint tests computed on the
    cluster equal the local computation, and the peak memory of the process and its worker is
    measured."""
    import importlib.util
    from pathlib import Path

    pytest.importorskip("distributed")
    path = Path(__file__).resolve().parents[1] / "bench" / "scale.py"
    spec = importlib.util.spec_from_file_location("bench_scale", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from cooperate_analysis.data import derived, synthetic
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.stats import estimability, speccurve

    outcomes = ["score_innovation", "out_reputation"]
    [row] = bench.census(40, ["santa_croce_tanning"], m=2, n_boot=12, workers=1, seed=7, outcomes=outcomes)
    assert (row["group"], row["firms"], row["specs"]) == ("santa_croce_tanning", 40, 7 * 8 * 3 * 2 * 2)
    assert row["curve_s"] > 0 and row["joint_s"] > 0 and 100 < row["peak_mib"] < bench.CENSUS_TARGET_MIB
    cb = load_codebook()
    frame = derived.analysis_frame(synthetic.generate({d: 40 for d in cb.district_ids}, seed=7), cb)
    firms = frame[frame["district"] == "santa_croce_tanning"].reset_index(drop=True)
    specs = speccurve.specifications(cb)
    specs = specs[specs["outcome"].isin(outcomes)]
    curve = speccurve.run(firms, specs, m=2, seed=7, n_jobs=1)
    assert row["estimable"] == curve["estimate"].notna().sum() > 0
    family = speccurve.outcome_families(specs["outcome"], cb)
    testable = family.isin([f for f in speccurve.FAMILIES if estimability.joint(curve[family == f])])
    local = speccurve.joint_tests(firms, specs[testable], curve[testable], family[testable], n_boot=12, m=2, seed=7,
                                  n_jobs=1)
    assert row["p_values"] == {f: j.table.set_index("statistic")["p_value"].to_dict() for f, j in local.items()}
    assert row["p_values"]
