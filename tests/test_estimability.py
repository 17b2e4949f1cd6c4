"""Checks of what each analysis needs (issue 14): reasons in both languages, strings for results,
library warnings captured without machine paths."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cooperate_analysis.present.reasons import check_text, diagnostics_note
from cooperate_analysis.stats import estimability as est


def data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"y": rng.normal(size=n), "x": rng.uniform(size=n), "c1": rng.normal(size=n),
                         "c2": rng.normal(size=n), "c3": rng.normal(size=n), "cert": rng.integers(0, 2, n),
                         "district": rng.choice(["capannori_paper", "santa_croce_tanning"], n)})


def test_regression_rule_is_ten_residual_df_and_names_the_reason():
    controls = ["c1", "c2", "c3"]
    assert est.regression(data(15), "y", "x", controls)  # 15 - 5 = 10
    seven = est.regression(data(7), "y", "x", controls)  # the issue's '7 firms and 5 parameters'
    assert not seven and seven.reasons[0].code == "few_df"
    assert "7 firms for 5 coefficients leave 2 residual degrees of freedom" in check_text(seven, "en")
    assert "7 imprese per 5 coefficienti" in check_text(seven, "it")
    assert seven.record_value() == "not estimable: few_df(n=7, k=5, df=2, min=10)"  # codes and numbers, no words
    assert est.regression(data(20), "y", "x", controls).caution  # below HC3's n = 25
    assert not est.regression(data(50).assign(y=3.0), "y", "x", controls)
    assert not est.regression(data(50), "y", "x", controls, "district", extra_parameters=40)


def test_treatment_comparison_needs_both_groups():
    none = est.treatment(data(60).assign(cert=0), "y", "cert", ["c1"])
    assert [r.code for r in none.reasons] == ["group_missing"]
    assert "there is no certified firm" in check_text(none, "en")
    assert "non c'è alcuna impresa certificata" in check_text(none, "it")
    few = data(60).assign(cert=[1] * 3 + [0] * 57)
    assert [r.code for r in est.treatment(few, "y", "cert", ["c1"]).reasons] == ["group_small"]
    assert est.treatment(data(200), "y", "cert", ["c1", "c2"], "district")


def test_power_items_curve_and_ordered_checks():
    assert not est.power(9, 4) and est.power(15, 4)
    assert not est.items(data(20), ["c1", "c2", "c3", "x", "y"])  # 20 < 5 x 5
    assert [r.code for r in est.items(data(40).assign(c1=1.0), ["c1", "c2"]).reasons] == ["constant"]
    curve = pd.DataFrame({"estimate": [np.nan, np.nan], "model": ["ols", "logit"]})
    assert "none of the 2 specifications" in check_text(est.curve(curve), "en") and not est.joint(curve)
    assert est.joint(curve.assign(estimate=[0.1, np.nan]))
    likert = data(60).assign(item=pd.Categorical(["same"] * 60))
    assert [r.code for r in est.ordered(likert, "item", "x").reasons] == ["categories"]


def test_results_get_strings_not_nan():
    assert est.finite_or(np.nan, "why") == "why" and est.finite_or(0.5, "why") == 0.5
    assert est.finite_or(np.inf, "why") == "why" and est.finite_or("text", "why") == "text"
    table = pd.DataFrame({"a": [1.0, np.nan], "note": ["", "separation"]})
    assert est.fill(table, ["a"], "x")["a"].tolist() == [1.0, "x"]
    assert est.fill(table, ["a"], table["note"])["a"].tolist() == [1.0, "separation"]


def test_warnings_are_captured_as_short_diagnostics_without_paths():
    diag = est.Diagnostics()
    with diag.capture("ols"):
        warnings.warn("bad fit in /home/user/.venv/lib/python3.11/site-packages/statsmodels/x.py:12",
                      RuntimeWarning)
        warnings.warn("use new_name", FutureWarning)
        np.log(np.zeros(2))  # numpy's own warning, also captured
    for lang in ("en", "it"):
        note = diagnostics_note(diag, "ols", lang)
        assert note and "/home" not in note and "site-packages" not in note and "Warning:" not in note
    assert "numerical problems" in diagnostics_note(diag, "ols", "en")
    assert "problemi numerici" in diagnostics_note(diag, "ols", "it")
    assert all("/home" not in m for m in diag.messages("ols"))
    assert diagnostics_note(diag, "nothing", "en") == ""
    assert est.scrub("at /tmp/abc/def.py:3 and C:\\Users\\x\\y.py") == "at <path> and <path>"


def test_issue23_rules_moderation_levels_alpha_minimum_and_coded_reasons():
    rng = np.random.default_rng(1)
    n = 32
    df = pd.DataFrame({"y": rng.normal(size=n), "x": rng.uniform(size=n), "c1": rng.normal(size=n),
                       "m": [1] * 5 + [0] * 27})  # the issue's 5 of 32 network members
    check = est.moderation(df, "y", "x", "m", ["c1"])
    assert [(r.code, r.values["count"], r.values["value"]) for r in check.reasons] == [("few_level", 5, 1)]
    assert est.moderation(df.assign(m=[1] * 12 + [0] * 20), "y", "x", "m", ["c1"])
    items = pd.DataFrame(rng.integers(1, 6, size=(5, 4)), columns=list("abcd"))  # alpha on 5 firms
    assert [r.code for r in est.scale(items, list("abcd")).reasons] == ["few_complete"]
    assert est.epv_rule(26, 7).reasons[0].values["epv"] == 3.71 and est.epv_rule(35, 7)
    assert est.ess_rule({"certified": 9.5, "uncertified": 40}, 10).reasons[0].values["group"] == "certified"
    # a code without an English template is recorded as code and values, never a KeyError
    assert est.epv_rule(5, 7, name="cert_iso9001").record_value().startswith("not estimable: few_epv(count=5")
