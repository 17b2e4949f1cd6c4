"""Codebook validation: good data passes typed; each broken rule names file, column, rows, rule."""
import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.validate import SurveyValidationError, coverage, validate_survey


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



def test_column_and_cell_problems_are_reported_in_one_pass(survey):
    """A missing, an unknown and a repeated column do not hide the bad cells of the other columns."""
    raw = as_text(survey).drop(columns=["out_profitability"]).rename(columns={"com_sponsorship": "notes"})
    raw.loc[2, "out_reputation"] = "7"
    raw.loc[4, "employees"] = "twelve"
    raw.insert(5, "firm_age.1", raw["firm_age"])  # how pandas names a repeated header
    raw.loc[1, "firm_age"] = "x"  # a repeated column's cells are not checked (which one is meant?)
    found, text = violations(raw)
    assert {(v.column, v.rule) for v in found} == {
        ("firm_age", "duplicate_column"), ("out_profitability", "missing_column"),
        ("com_sponsorship", "missing_column"), ("notes", "unknown_column"),
        ("out_reputation", "range"), ("employees", "type")}
    assert "s.csv: column 'out_reputation', row 3: [range]" in text

def test_numeric_storage_formats_validate_like_text(survey):
    """Parquet/Stata files keep numbers as numbers: same typed result as the CSV text."""
    numeric = survey.astype({"out_reputation": "float64"})
    pd.testing.assert_frame_equal(validate_survey(numeric, "s.parquet"), validate_survey(as_text(survey), "s.csv"))


@pytest.mark.parametrize("column, text", [("employees", "1.000"), ("firm_age", "12.500"), ("employees", "1.234.567"),
                                          ("out_reputation", "1.000"), ("cert_emas", "1.000"),
                                          ("turnover_class", "2.000")])
def test_an_italian_thousands_separator_is_never_a_small_number(survey, column, text):
    raw = as_text(survey)
    raw.loc[[2, 7], column] = text
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == (column, (3, 8), "thousands_separator")
    assert f"'{text}'" in v.detail and "Italian thousands separator" in v.detail


def test_three_decimals_in_a_real_number_column_are_decimals(survey):
    raw = as_text(survey)
    raw.loc[2, "export_share"] = "12.500"
    assert validate_survey(raw, "s.csv").loc[2, "export_share"] == pytest.approx(12.5)


def test_only_text_cells_can_hold_a_thousands_separator(survey):
    """A spreadsheet's number cell 1.234 is a fraction, not one thousand two hundred...; its text cell '1.000' is."""
    raw = survey.astype(object)
    raw.loc[2, "employees"] = 1.234
    raw.loc[4, "employees"] = "1.000"
    found = {v.rule: v.rows for v in violations(raw, "s.xlsx")[0]}
    assert found == {"thousands_separator": (5,), "integer": (3,)}


@pytest.mark.parametrize("extra", [5, 6, 5000])
def test_many_unknown_or_missing_columns_are_summarised(survey, extra):
    required = [c for c in survey.columns if load_codebook()[c].since == 1]  # later columns may be absent
    raw = as_text(survey).drop(columns=required[-extra:] if extra < 40 else survey.columns[2:])
    raw = pd.concat([raw, pd.DataFrame("", index=raw.index, columns=[f"q{i}" for i in range(extra)])], axis=1)
    found, text = violations(raw)
    by_rule = {rule: [v for v in found if v.rule == rule] for rule in ("unknown_column", "missing_column")}
    if extra <= 5:  # one line per column, as before
        assert [v.column for v in by_rule["unknown_column"]] == [f"q{i}" for i in range(extra)]
        assert len(by_rule["missing_column"]) == extra
    else:
        missing = len(required) - raw.columns.isin(required).sum()
        (unknown,), (absent,) = by_rule["unknown_column"], by_rule["missing_column"]
        assert unknown.detail == (f"{extra:,} columns are not in the codebook: 'q0', 'q1', 'q2', 'q3', 'q4' "
                                  f"and {extra - 5:,} more")
        assert absent.detail.startswith(f"{missing:,} columns required by the codebook are absent: ")
        assert len(text.splitlines()) == 3


def test_empty_unnamed_columns_are_dropped_and_filled_ones_named(survey):
    raw = as_text(survey).assign(**{"Unnamed: 41": "", "Unnamed: 42": " "})
    pd.testing.assert_frame_equal(validate_survey(raw, "s.csv"), validate_survey(as_text(survey), "s.csv"))
    raw.loc[[3, 5], "Unnamed: 42"] = "x"
    (v,) = violations(raw)[0]
    assert (v.column, v.rows, v.rule) == (None, (4, 6), "unnamed_column")
    assert v.detail.startswith(f"column {len(survey.columns) + 2} has no name in the header line but holds values")


def test_a_header_repeated_inside_the_data_is_named(survey):
    raw = as_text(survey)
    raw.loc[6] = list(raw.columns)
    raw.loc[6, "firm_id"] = "\ufefffirm_id"  # joined files: the second one's byte-order mark
    raw.loc[12, :] = list(raw.columns)
    (v,) = violations(raw)[0]
    assert (v.rows, v.rule) == ((7, 13), "header_repeated")
    raw.loc[[6, 12], "firm_id"] = "firm_id"  # an id that happens to be the column name is not a header
    raw.loc[[6, 12], raw.columns[1:]] = as_text(survey).loc[[6, 12], raw.columns[1:]]
    found, _ = violations(raw)
    assert [(v.rule, v.rows) for v in found] == [("unique", (7, 13))]


# --- codebook version 2: optional later columns and cross-column rules (issue 16) ----------------

def test_a_version_1_survey_validates_with_every_later_column_all_missing(survey):
    cb = load_codebook()
    v1 = [c for c in survey.columns if cb[c].since == 1]
    typed = validate_survey(as_text(survey[v1]), "s.csv")
    assert list(typed.columns) == cb.names
    later = cb.since(2)
    assert later and typed[later].isna().all().all()
    assert typed["tr_staff_trained_share"].dtype == "float64"
    assert typed["ch_association_member"].dtype == "Int64" and typed["cst_emas"].dtype == "Int64"
    assert typed["aw_csr_concept"].dtype == "Int64" and typed["wf_trainees"].dtype == "Int64"
    full = validate_survey(as_text(survey), "s.csv")
    pd.testing.assert_frame_equal(typed[v1], full[v1])
    assert coverage(v1) == {"absent_columns": later, "absent_blocks": [b for b in cb.blocks if cb.block(b)[0] in later],
                            "survey_version": "1"}


def test_coverage_names_absent_columns_and_whole_absent_blocks(survey):
    cb = load_codebook()
    assert coverage(survey.columns) == {"absent_columns": [], "absent_blocks": [], "survey_version": "2"}
    partial = survey.drop(columns=cb.block("barriers") + ["ch_net_emas"])
    got = coverage(partial.columns)
    assert got == {"absent_columns": ["ch_net_emas", *cb.block("barriers")], "absent_blocks": ["barriers"],
                   "survey_version": "partial"}
    typed = validate_survey(as_text(partial), "s.csv")
    assert list(typed.columns) == cb.names and typed["ch_net_emas"].isna().all()


def test_a_version_1_column_stays_required(survey):
    found, _ = violations(as_text(survey.drop(columns=["cert_emas", "ch_net_emas"])))
    assert [(v.column, v.rule) for v in found] == [("cert_emas", "missing_column")]


def test_certification_status_must_agree_with_the_certification_dummy(survey):
    raw = as_text(survey)
    held = survey.index[survey["cert_iso14001"] == 1][:2]
    not_held = survey.index[survey["cert_iso14001"] == 0][:1]
    raw.loc[held, "cst_iso14001"] = ["2", "3"]    # held, but said planned / not interested
    raw.loc[not_held, "cst_iso14001"] = "1"        # not held, but said held
    found, text = violations(raw)
    (v,) = found
    assert v.rule == "consistent" and v.column == "cst_iso14001, cert_iso14001"
    assert v.rows == tuple(sorted(int(i) + 1 for i in [*held, *not_held]))
    assert "s.csv: column 'cst_iso14001, cert_iso14001'" in text and "[consistent]" in text
    assert "cst_iso14001 must be 1 (held) exactly when cert_iso14001 is 1" in v.detail
    assert "'cst_iso14001 = 2, cert_iso14001 = 1'" in v.detail and "'cst_iso14001 = 1, cert_iso14001 = 0'" in v.detail


def test_certification_rule_skips_unanswered_cells(survey):
    raw = as_text(survey)
    held = survey.index[survey["cert_emas"] == 1][:1]
    raw.loc[held, "cst_emas"] = "9"   # no answer: nothing to compare
    raw.loc[survey.index[survey["cert_sa8000"] == 0][:1], "cert_sa8000"] = ""
    raw.loc[survey.index[survey["cert_sa8000"] == 0][:1], "cst_sa8000"] = "1"
    typed = validate_survey(raw, "s.csv")
    assert typed.loc[held, "cst_emas"].isna().all()


def test_home_workers_may_not_exceed_employees(survey):
    raw = as_text(survey)
    raw.loc[3, "wf_home_workers"] = str(int(survey.loc[3, "employees"]) + 1)
    raw.loc[7, "wf_home_workers"] = str(int(survey.loc[7, "employees"]))  # equal is fine
    found, text = violations(raw)
    (v,) = found
    assert (v.column, v.rows, v.rule) == ("wf_home_workers, employees", (4,), "at_most")
    assert "wf_home_workers must be at most employees" in v.detail
    assert f"'{int(survey.loc[3, 'employees']) + 1} > {int(survey.loc[3, 'employees'])}'" in v.detail


def test_cross_rules_are_reported_with_the_other_violations_in_one_pass(survey):
    raw = as_text(survey).drop(columns=["out_profitability"])
    raw.loc[0, "out_reputation"] = "7"
    raw.loc[1, "wf_home_workers"] = "100001"  # out of range: reported once, by its own rule
    raw.loc[2, "wf_home_workers"] = str(int(survey.loc[2, "employees"]) + 5)
    raw.loc[survey.index[survey["cert_emas"] == 0][:1], "cst_emas"] = "1"
    found, _ = violations(raw)
    assert sorted(v.rule for v in found) == ["at_most", "consistent", "missing_column", "range", "range"]
    (at_most,) = [v for v in found if v.rule == "at_most"]
    assert at_most.rows == (3,)


def test_prepare_survey_records_the_codebook_coverage(tmp_path):
    from cooperate_analysis.data import dataset
    from cooperate_analysis.data.io import read_survey

    cb = load_codebook()
    full = dataset.prepare_survey(dataset.DEFAULT_SURVEY, tmp_path / "full.parquet")
    assert (full["survey_version"], full["absent_columns"], full["absent_blocks"]) == ("2", [], [])
    raw = read_survey(dataset.DEFAULT_SURVEY)
    v1 = tmp_path / "v1.csv"
    raw[[c for c in raw.columns if cb[c].since == 1]].to_csv(v1, index=False)
    meta = dataset.prepare_survey(v1, tmp_path / "v1.parquet")
    assert meta["survey_version"] == "1" and meta["absent_columns"] == cb.since(2)
    assert meta["absent_blocks"] == ["awareness", "cert_status", "stakeholders", "workforce", "training", "channels",
                                     "motivations", "barriers"]
    typed, _ = dataset.load_processed(tmp_path / "v1.parquet")
    assert list(typed.columns) == cb.names and typed[cb.since(2)].isna().all().all()
    assert typed["ch_association_member"].dtype == "Int64" and typed["tr_staff_trained_share"].dtype == "float64"
    partial = tmp_path / "partial.csv"
    raw.drop(columns=cb.barrier_items()).to_csv(partial, index=False)
    meta = dataset.prepare_survey(partial, tmp_path / "partial.parquet")
    assert (meta["survey_version"], meta["absent_blocks"]) == ("partial", ["barriers"])
