"""Derived channel and adoption variables (issue 16): the 'any' rule, counts, thresholds, and NaN on a
version-1 survey."""
import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.derived import (ADOPTION_REGRESSORS, CHANNEL_KINDS, analysis_frame,
                                              any_of, label)
from cooperate_analysis.data.validate import validate_survey

CB = load_codebook()
NEW = ["association_member", "intermediary_support", "support_count", "network_member", "informal_exchange",
       "joint_initiatives", "district_activities", "channels_used", "csr_half", "csr_awareness"]


def test_any_rule_one_if_any_is_one_zero_if_all_answered_else_missing():
    items = pd.DataFrame({"a": [1, 0, 0, np.nan, np.nan], "b": [np.nan, 0, np.nan, 1, np.nan]})
    got = any_of(items)
    np.testing.assert_array_equal(got.to_numpy(), [1.0, 0.0, np.nan, 1.0, np.nan])


def _firms(survey: pd.DataFrame) -> pd.DataFrame:
    df = validate_survey(survey.astype(str), "s.csv").head(6).copy()
    support, nets = CB.support_channels(), CB.network_channels()
    df[support] = 0
    df[nets] = 0
    df[["ch_association_member", "ch_joint_initiatives", "ch_district_activities"]] = 0
    df["ch_informal_exchange"] = 1
    # firm 0: uses nothing; firm 1: two supports, informal exchange 'sometimes', a network contract
    df.loc[1, ["ch_support_agency", "ch_support_chamber", "ch_net_contract"]] = 1
    df.loc[1, "ch_informal_exchange"] = 3
    # firm 2: one support answered 1, another unanswered -> support any = 1, count NaN
    df.loc[2, "ch_support_union"] = 1
    df.loc[2, "ch_support_research"] = pd.NA
    # firm 3: supports all 0 but one unanswered -> any NaN; informal 'rarely'
    df.loc[3, "ch_support_research"] = pd.NA
    df.loc[3, "ch_informal_exchange"] = 2
    # firm 4: every channel kind used
    df.loc[4, ["ch_association_member", "ch_support_association", "ch_net_emas", "ch_joint_initiatives",
               "ch_district_activities"]] = 1
    df.loc[4, "ch_informal_exchange"] = 4
    # firm 5: informal exchange unanswered
    df.loc[5, "ch_informal_exchange"] = pd.NA
    df["aw_csr_concept"] = pd.array([1, 2, 3, 4, 5, 5], dtype="Int64")
    df["aw_csr_tools"] = pd.array([3, pd.NA, 3, 4, 1, 5], dtype="Int64")
    return df


def test_channel_variables_follow_their_definitions(survey):
    frame = analysis_frame(_firms(survey))
    nan = np.nan
    np.testing.assert_array_equal(frame["intermediary_support"], [0, 1, 1, nan, 1, 0])
    np.testing.assert_array_equal(frame["support_count"], [0, 2, nan, nan, 1, 0])
    np.testing.assert_array_equal(frame["network_member"], [0, 1, 0, 0, 1, 0])
    np.testing.assert_array_equal(frame["informal_exchange"], [0, 1, 0, 0, 1, nan])
    np.testing.assert_array_equal(frame["association_member"], [0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(frame["channels_used"], [0, 3, 1, nan, 6, nan])
    np.testing.assert_allclose(frame["csr_awareness"], [2, 2, 3, 4, 3, 5])
    expected_half = (frame["csr_overall"] >= 0.5).astype(float)
    np.testing.assert_array_equal(frame["csr_half"], expected_half)
    assert set(CHANNEL_KINDS) <= set(frame.columns)


def test_csr_half_is_missing_only_where_the_index_is(survey):
    df = validate_survey(survey.astype(str), "s.csv")
    df.loc[0, CB.practices()] = pd.NA
    frame = analysis_frame(df)
    assert np.isnan(frame.loc[0, "csr_half"]) and frame["csr_half"].iloc[1:].notna().all()


def test_every_new_variable_is_missing_on_a_version_1_survey(survey):
    v1 = [c for c in survey.columns if CB[c].since == 1]
    typed = validate_survey(survey[v1].astype(str), "s.csv")
    frame = analysis_frame(typed)
    for col in NEW:
        if col == "csr_half":
            continue
        assert frame[col].isna().all(), col
    # the frame works without the version-2 columns at all (a hand-made v1 frame)
    frame1 = analysis_frame(typed[v1])
    assert all(frame1[c].isna().all() for c in NEW if c != "csr_half")
    assert frame1["csr_half"].notna().all()


def test_adoption_regressors_and_labels():
    assert ADOPTION_REGRESSORS == ["log_employees", "export_share", "firm_age", "association_member",
                                   "intermediary_support", "network_member", "informal_exchange"]
    for col in NEW:
        assert label(col, "en") != col and label(col, "it") != col, col
        assert label(col, "it") != label(col, "en"), col
    assert "associazione di categoria" in label("association_member", "it")
    assert label("csr_environment", "it").startswith("Indice di RSI: ") and label("score_market", "en").startswith("Score: ")


@pytest.mark.parametrize("col", ADOPTION_REGRESSORS)
def test_every_adoption_regressor_is_labelled_in_both_languages(col):
    assert label(col, "en") and label(col, "it")
