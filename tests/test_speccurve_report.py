"""The specification-curve report (`present.speccurve`): option labels, tables, figure, reading,
findings and its sentence on the index page, in both languages; the engine is tested in
tests/test_speccurve.py."""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived, synthetic
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.derived import label
from cooperate_analysis.present import speccurve as spec_report
from cooperate_analysis.present.figures import plt
from cooperate_analysis.stats import estimability, inference, speccurve

CB = load_codebook()
M, SEED = 4, 3
DISTRICT = "santa_croce_tanning"


@pytest.fixture(scope="module")
def district_curve():
    survey = synthetic.generate({d: 60 for d in synthetic.DEFAULT_N}, seed=11, missing_rate=0.04)
    frame = derived.analysis_frame(survey)
    firms = frame[frame["district"] == DISTRICT].reset_index(drop=True)
    firms = firms.assign(w=inference.poststrat_weights(firms, synthetic.population_counts()).weights)
    specs = speccurve.specifications()
    specs = specs[specs["outcome"].isin(["score_innovation", "out_reputation"])
                  & specs["csr"].isin(["csr_overall", "cert_any"])]
    return specs, speccurve.run(firms, specs, m=M, seed=SEED, n_jobs=1)


def _joint(p_values, n_specs=2, n_boot=100):
    return SimpleNamespace(table=pd.DataFrame({"statistic": ["median", "share_significant", "stouffer_z"],
                                               "observed": [0.2, 0.5, 3.0], "null_median": [0, 0.03, 0],
                                               "p_value": p_values}), n_specs=n_specs, n_boot=n_boot)


def test_every_option_has_a_label_in_both_languages():
    specs = speccurve.specifications()
    for lang in ("en", "it"):
        labels = {spec_report.option_label(dim, v, lang) for dim in speccurve.DIMENSIONS for v in specs[dim].unique()}
        assert len(labels) == sum(specs[dim].nunique() for dim in speccurve.DIMENSIONS)
        names = {spec_report.dimension_label(dim, lang) for dim in speccurve.DIMENSIONS}
        assert len(names) == len(speccurve.DIMENSIONS)
    assert spec_report.option_label("controls", "none", "it") == "Nessuno"
    assert spec_report.dimension_label("csr", "it") == "Misura di RSI"
    assert spec_report.option_label("csr", "cert_any", "it") == label("cert_any", "it")


def test_figure_has_one_row_per_option_in_the_report_language(district_curve):
    curve = district_curve[1]
    for lang in ("en", "it"):
        fig = spec_report.specification_curve(curve, lang)
        top, bottom = fig.axes
        ticks = [t.get_text() for t in bottom.texts]  # the rows' labels
        n_options = sum(curve[dim].nunique() for dim in speccurve.DIMENSIONS)
        assert len(ticks) == n_options + len(speccurve.DIMENSIONS)
        assert spec_report.dimension_label("csr", lang) in ticks and label("cert_any", lang) in ticks
        assert top.get_ylabel() == {"en": "Standardized estimate (SD per SD)", "it": "Stima standardizzata (DS per DS)"}[lang]
        assert len(top.collections[1].get_offsets()) == curve["estimate"].notna().sum()
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        n_ns = int(((curve["p_value"] >= 0.05) & curve["estimate"].notna()).sum())
        assert f"p ≥ {'0.05' if lang == 'en' else '0,05'} ({n_ns})" in legend
        plt.close(fig)


def test_specification_curve_tables_and_reading_follow_the_curve():
    curve = pd.DataFrame({"estimate": [0.3, 0.2, -0.1, np.nan], "p_value": [0.01, 0.2, 0.03, np.nan],
                          "model": ["ols", "ols", "logit", "logit"], "coding": "level", "csr": "csr_overall",
                          "controls": ["none", "full", "none", "full"], "weights": "none", "missing": "complete"})
    summary = spec_report.spec_summary(curve, "en").set_index("Model family")
    assert summary.loc["All", "Estimable"] == 3 and summary.loc["All", "Median estimate"] == pytest.approx(0.2)
    assert summary.loc["Linear (OLS / LPM)", "Significant, positive (%)"] == pytest.approx(50)
    assert summary.loc["Logit", "Significant, negative (%)"] == pytest.approx(50)
    assert spec_report.spec_summary(curve, "it").set_index("Famiglia di modelli").loc["Tutte", "Stimabili"] == 3
    by_choice = spec_report.spec_by_choice(curve, "it").set_index(["Scelta", "Opzione"])
    assert by_choice.loc[("Controlli", "Nessuno"), "Specificazioni"] == 2
    joint = _joint([0.01, 0.2, 0.02])
    assert spec_report.spec_joint_rows(joint, "en")["p"].tolist() == ["0.010", "0.200", "0.020"]
    assert spec_report.spec_joint_rows(_joint([0.0, 0.2, 0.02], n_boot=500), "it")["p"].tolist()[0] == "< 0,002"

    curve = curve.assign(outcome=["score_innovation", "out_reputation", "score_innovation", "out_reputation"])
    joints = {"innovation": joint, "intangible": estimability.joint(curve[curve["outcome"] == "out_reputation"]
                                                                   .assign(estimate=np.nan))}
    by_family = spec_report.spec_joint_rows(joints, "en")
    assert by_family["Outcome family"].unique().tolist() == ["Innovation performance"]
    assert by_family["Specifications tested"].tolist() == [2, 2, 2]
    text = spec_report.speccurve(curve, joints, 30, synthetic=True, lang="en")
    assert "Of 4 specifications, 3 could be estimated" in text
    assert "Innovation performance: across 2 estimable specifications the median standardized estimate is +0.10" in text
    # the three joint statistics disagree (0.010, 0.200, 0.020): mixed evidence, read by stats.policy.joint_verdict
    assert "the joint statistics disagree, so the evidence against chance is mixed" in text
    assert "Monte Carlo SE" in text and "Stouffer's Z" in text
    assert "the joint test is not estimable" in text
    assert "In no outcome family does every joint statistic reject chance." in text
    assert "Significantly positive estimates by control set: none: " in text
    assert text.endswith("not the real district.")
    italian = spec_report.speccurve(curve, joints, 30, synthetic=True, lang="it")
    assert "Delle 4 specificazioni, 3 sono stimabili." in italian and "contrastante" in italian
    joint.table["p_value"] = [0.4, 0.3, 0.5]
    assert "cannot be told apart" in spec_report.speccurve(curve, joints, 30, synthetic=False, lang="en")
    assert "In no outcome family" in spec_report.speccurve(curve, joints, 30, synthetic=False, lang="en")
    none = curve.assign(estimate=np.nan, p_value=np.nan)
    text = spec_report.speccurve(none, {f: estimability.joint(none) for f in ("innovation", "intangible")}, 9, False)
    assert "no specification could be estimated" in text and "p =" not in text and "nan" not in text


# A count of 1 beside a plural noun, or a noun with a slash ending ("imprese/a"): the template artefacts
# the Italian reader found.
ARTEFACTS = re.compile(r"(?<![\d.,])1 (?:specificazioni|imprese|specifications|firms)\b|/e\)|/a |\(anno\)")


@pytest.mark.parametrize("lang", ["en", "it"])
def test_counts_of_one_agree_with_their_noun(lang):
    """One estimable specification of a family, one firm, one estimable specification of all: the
    sentences use the singular where the count is 1 and the plural otherwise."""
    curve = pd.DataFrame({"estimate": [0.3, np.nan, np.nan], "p_value": [0.01, np.nan, np.nan], "model": "ols",
                          "outcome": ["score_innovation", "score_innovation", "out_reputation"]})
    joints = {"innovation": _joint([0.01, 0.2, 0.02], n_specs=1)}
    reading = spec_report.speccurve(curve, joints, 1, synthetic=False, lang=lang)
    findings = spec_report.findings_speccurve(curve, joints, 1, synthetic=False, lang=lang)
    values = {"n_specs": 1, "n_estimable": 1, "median_estimate": 0.3, "joint.innovation.median.p_value": 0.01}
    sentence = spec_report.index_sentence(values, {"n_boot": 100}, lang, CB)
    for text in [reading, *findings, sentence]:
        assert not ARTEFACTS.search(text), text
    if lang == "it":
        assert "1 è stimabile" in reading and "1 sola impresa" in reading
        assert "1 specificazione stimabile su 1" in sentence
    else:
        assert "Of 3 specifications, 1 could be estimated." in reading and "the same 1 firm." in reading
    many = spec_report.speccurve(pd.concat([curve] * 2, ignore_index=True), joints, 2, False, lang)
    assert ("2 sono stimabili" if lang == "it" else "2 could be estimated") in many
    assert ("le stesse 2 imprese" if lang == "it" else "the same 2 firms") in many


def test_index_sentence_reads_the_results_values_and_says_nothing_without_a_curve():
    values = {"n_specs": 4704, "n_estimable": 4700, "median_estimate": 0.0874, "joint.innovation.median.p_value": 0.0,
              "joint.intangible.median.p_value": 0.31, "joint.market.median.p_value": 0.02}
    en = spec_report.index_sentence(values, {"n_boot": 500}, "en", CB)
    assert en == ("4,700 estimable specifications of 4,704, median standardized estimate +0.09; joint test against "
                  "chance (median): innovation performance p < 0.002; intangible performance p = 0.310; market "
                  "performance p = 0.020.".replace("innovation performance", CB.label("innovation", "en").lower())
                  .replace("intangible performance", CB.label("intangible", "en").lower())
                  .replace("market performance", CB.label("market", "en").lower()))
    it = spec_report.index_sentence(values, {"n_boot": 500}, "it", CB)
    assert it.startswith("4.700 specificazioni stimabili su 4.704, stima standardizzata mediana +0,09;") and "< 0,002" in it
    assert spec_report.index_sentence(values, {}, "en", CB) == ""  # p = 0 without n_boot: no honest bound
    assert spec_report.index_sentence({"profile.x": 1}, {"n_boot": 500}, "en", CB) == ""
    assert spec_report.index_sentence({}, {}, "it", CB) == ""


def test_titles_name_the_group_in_the_report_language():
    assert spec_report.title("pooled", "it", CB) == "Curva delle specificazioni: tutti i distretti"
    assert spec_report.title(DISTRICT, "en", CB) == f"Specification curve: {CB.label(DISTRICT, 'en')}"
    assert set(spec_report.CAPTIONS) == {"spec_curve", "spec_summary", "spec_by_choice", "spec_joint"}
