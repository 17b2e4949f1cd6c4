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
