"""Codebook validation: good data passes typed; each broken rule names file, column, rows, rule."""
import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.validate import SurveyValidationError, validate_survey


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """The survey as a CSV reader delivers it: every cell text."""
    return df.astype(str)


def violations(df, file="s.csv"):
    with pytest.raises(SurveyValidationError) as err:
        validate_survey(df, file)
    return err.value.violations, str(err.value)


def test_valid_survey_is_returned_typed(survey):
    typed = validate_survey(as_text(survey), "s.csv")
    assert list(typed.columns) == list(survey.columns)
    assert typed["out_reputation"].dtype == "Int64"
    assert typed["export_share"].dtype == "float64"
    np.testing.assert_array_equal(typed["employees"].to_numpy(dtype=float), survey["employees"].to_numpy(dtype=float))


def test_missing_code_and_empty_cells_become_missing(survey):
    raw = as_text(survey)
    raw.loc[3, "out_reputation"] = "9"
    raw.loc[4, "out_reputation"] = ""
    raw.loc[5, "cert_emas"] = " "
    typed = validate_survey(raw, "s.csv")
    assert typed["out_reputation"].isna().tolist()[3:5] == [True, True]
    assert pd.isna(typed.loc[5, "cert_emas"])
    assert typed["out_reputation"].notna().sum() == len(survey) - 2


def test_missing_column_is_named(survey):
    found, text = violations(as_text(survey.drop(columns=["out_profitability"])))
    assert [(v.column, v.rule) for v in found] == [("out_profitability", "missing_column")]
    assert "s.csv: column 'out_profitability'" in text


def test_out_of_range_likert_names_rows_and_rule(survey):
    raw = as_text(survey)
    raw.loc[[6, 10], "out_market_share"] = "7"
    found, text = violations(raw)
    (v,) = found
    assert (v.column, v.rows, v.rule) == ("out_market_share", (7, 11), "range")
    assert "rows 7, 11" in text and "'7'" in text


def test_non_integer_likert_is_rejected(survey):
    raw = as_text(survey)
    raw.loc[0, "out_reputation"] = "3.5"
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == ("out_reputation", (1,), "integer")


def test_text_in_numeric_column_is_a_type_error(survey):
    raw = as_text(survey)
    raw.loc[2, "employees"] = "n.d."
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == ("employees", (3,), "type")
    assert "'n.d.'" in v.detail


def test_unknown_district_suggests_the_close_id(survey):
    raw = as_text(survey)
    raw.loc[1, "district"] = "santa_croce_taning"
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == ("district", (2,), "allowed_values")
    assert "did you mean 'santa_croce_tanning'" in v.detail


def test_duplicate_firm_ids_list_every_row(survey):
    raw = as_text(survey)
    raw.loc[8, "firm_id"] = raw.loc[2, "firm_id"]
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == ("firm_id", (3, 9), "unique")


def test_binary_item_must_be_zero_or_one(survey):
    raw = as_text(survey)
    raw.loc[0, "gov_code_of_ethics"] = "2"
    (v,) = violations(raw)[0]
    assert (v.column, v.rule) == ("gov_code_of_ethics", "binary")


def test_required_value_missing(survey):
    raw = as_text(survey)
    raw.loc[4, "employees"] = ""
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == ("employees", (5,), "required")


def test_header_only_and_unknown_column(survey):
    raw = as_text(survey).iloc[:0].rename(columns={"out_reputation": "out_reputaton"})
    found, text = violations(raw)
    rules = {(v.column, v.rule) for v in found}
    assert ("out_reputaton", "unknown_column") in rules
    assert ("out_reputation", "missing_column") in rules
    assert (None, "empty") in rules
    assert "did you mean 'out_reputation'" in text


def test_all_problems_are_reported_together(survey):
    raw = as_text(survey)
    raw.loc[0, "out_reputation"] = "0"
    raw.loc[1, "firm_age"] = "-3"
    found, _ = violations(raw)
    assert {v.column for v in found} == {"out_reputation", "firm_age"}


def test_numeric_storage_formats_validate_like_text(survey):
    """Parquet/Stata files keep numbers as numbers: same typed result as the CSV text."""
    numeric = survey.astype({"out_reputation": "float64"})
    pd.testing.assert_frame_equal(validate_survey(numeric, "s.parquet"), validate_survey(as_text(survey), "s.csv"))
