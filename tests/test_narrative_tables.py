"""Generated reading and model tables follow the numbers they describe."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import findings
from cooperate_analysis.present import regression
from cooperate_analysis.present import measurement
from cooperate_analysis.stats import measures
from cooperate_analysis.stats.models import district_heterogeneity, ols

from .conftest import make_survey

CB = load_codebook()


def frame(slope: float, seed: int = 0, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    return pd.DataFrame({"csr_overall": x, "log_employees": rng.normal(size=n),
                         "score_innovation": 3 + slope * x + rng.normal(0, 0.5, n),
                         "district": rng.choice(["capannori_paper", "santa_croce_tanning"], n)})


def test_reading_states_direction_from_the_confidence_interval():
    fits = {"score_innovation": ols(frame(1.0), "score_innovation", "csr_overall", ["log_employees"])}
    text = findings.reading(fits, "csr_overall", synthetic=True, lang="en")
    assert "report better innovation performance" in text and "synthetic" in text and "400 firms" in text
    fits = {"score_innovation": ols(frame(0.0, seed=3), "score_innovation", "csr_overall")}
    assert "cannot be told apart from zero" in findings.reading(fits, "csr_overall", synthetic=False)
    fits = {"score_innovation": ols(frame(-1.0), "score_innovation", "csr_overall")}
    it = findings.reading(fits, "csr_overall", synthetic=False, lang="it")
    assert "peggiore" in it and "sintetici" not in it


def test_coefficient_and_heterogeneity_tables_carry_the_fitted_values():
    df = frame(1.0)
    fit = ols(df, "score_innovation", "csr_overall")
    table = regression.coefficient_rows({"score_innovation": fit}, "csr_overall", "en")
    assert table.loc[0, "Coefficient"] == fit.term("csr_overall")["estimate"]
    assert table.loc[0, "n"] == 400
    assert table.loc[0, "95% CI"] == f"[{fit.term('csr_overall')['ci_low']:.2f}, {fit.term('csr_overall')['ci_high']:.2f}]"
    het = district_heterogeneity(df, "score_innovation", "csr_overall")
    rows = regression.heterogeneity_rows({"score_innovation": het}, "it")
    assert rows.loc[0, "Pendenze uguali: p di Wald"] == fmt.pvalue(het.wald_p_value, "it")
    assert rows["Distretto"].tolist() == ["Capannori (carta)", "Santa Croce (concia)"]
    assert rows["Pendenza"].tolist() == pytest.approx(het.slopes["estimate"].tolist())
    low, high = het.slopes[["ci_low", "ci_high"]].iloc[1]
    assert rows.loc[1, "IC 95%"] == fmt.interval(low, high, 2, "it") and rows.loc[1, "Variabile dipendente"] == ""


def test_reading_counts_holm_survivors_and_flags_sign_changes():
    fits = {s: ols(frame(1.0, seed=i), "score_innovation", "csr_overall")
            for i, s in enumerate(["score_innovation", "score_market"])}
    def row(estimate, low, high):
        return {"estimate": estimate, "ci_low": low, "ci_high": high}

    same = {s: {"complete": row(0.5, 0.1, 0.9), "weighted": row(0.2, 0.05, 0.35), "mice": row(0.4, 0.1, 0.7)}
            for s in fits}
    text = findings.reading(fits, "csr_overall", False, "en", p_holm=[0.01, 0.2], robust=same)
    assert "1 of 2 remains below 0.05" in text and "no coefficient changes verdict" in text
    assert "changes sign" not in text
    # the case: -0.01 / +0.05 / -0.05 with intervals across zero is noise, not a change of sign
    noise = same | {"score_market": {"complete": row(-0.01, -0.6, 0.59), "weighted": row(0.05, -0.5, 0.6),
                                     "mice": row(-0.05, -0.6, 0.5)}}
    text = findings.reading(fits, "csr_overall", False, "en", p_holm=[0.01, 0.2], robust=noise)
    assert "changes sign" not in text and "which is not a change of sign" in text
    flipped = same | {"score_market": {"complete": row(0.5, 0.1, 0.9), "weighted": row(-0.4, -0.7, -0.1),
                                       "mice": row(0.4, 0.1, 0.7)}}
    text = findings.reading(fits, "csr_overall", False, "it", p_holm=[0.01, 0.02], robust=flipped)
    assert "2 su 2 restano" in text and "Il coefficiente sulla performance di mercato cambia segno" in text
    assert "1 su 1 resta sotto 0,05" in findings.reading(fits, "csr_overall", False, "it", p_holm=[0.01])
    assert "nessuno resta" in findings.reading(fits, "csr_overall", False, "it", p_holm=[0.3, 0.2])
    # a coefficient whose interval includes zero when weighted: the size of the change with both intervals (issue 23)
    halves = same | {"score_market": {"complete": row(0.96, 0.41, 1.5), "weighted": row(0.47, -0.16, 1.11),
                                      "mice": row(1.0, 0.45, 1.55)}}
    text = findings.reading(fits, "csr_overall", False, "en", robust=halves)
    assert ("+0.96 [0.41, 1.50] on complete cases to +0.47 [\u22120.16, 1.11] when weighted to the population by size "
            "class, a change of \u22120.49: its interval now includes zero") in text and "survive" not in text


def test_reading_derives_what_the_sample_can_detect_from_the_minimum_detectable_effect():
    """No fixed 'only fairly strong associations' sentence: it follows the MDE (issue 14)."""
    fits = {"score_innovation": ols(frame(1.0), "score_innovation", "csr_overall")}
    small = findings.reading(fits, "csr_overall", False, "en", mde_r=0.53)
    large = findings.reading(fits, "csr_overall", False, "en", mde_r=0.142)
    assert "at least 0.53" in small and "only strong associations" in small
    assert "at least 0.14" in large and "weak ones (r around 0.1) would often be missed" in large
    assert "only" not in large.split("at least")[1]
    assert "could not be computed" in findings.reading(fits, "csr_overall", False, "en", mde_r=None)
    assert "almeno 0,53" in findings.reading(fits, "csr_overall", False, "it", mde_r=0.53)
    partial = findings.reading(fits, "csr_overall", False, "en", p_holm=[0.01], missing=["score_market"])
    assert "1 of 1 remain" in partial and "regression on market performance cannot be estimated" in partial
    assert "None of the confirmatory regressions" in findings.reading({}, "csr_overall", False, "en")


def test_notes_state_why_an_analysis_is_not_estimable_in_both_languages():
    from cooperate_analysis.stats import estimability

    few = frame(1.0).head(7).assign(k1=1.0, k2=2.0, k3=3.0)
    checks = {"score_innovation": estimability.regression(few, "score_innovation", "csr_overall", ["log_employees"])}
    en, it = (regression.notes(checks, lang) for lang in ("en", "it"))
    assert "Score: Innovation performance: not estimable with these data: 7 firms for 3 coefficients" in en
    assert "Punteggio: Performance di innovazione: non stimabile con questi dati: 7 imprese per 3 coefficienti" in it
    assert regression.notes({"score_innovation": estimability.Check()}, "en") == ""


def test_measurement_reading_follows_fit_indices_and_harman_share():
    class CFA:
        def __init__(self, cfi, srmr, p):
            self.fit = pd.DataFrame({"model": ["3-factor", "1-factor"], "cfi": [cfi, 0.5], "srmr": [srmr, 0.2]})
            self.difference = pd.DataFrame({"p": [p]})
            self.problems = ()

    harman = pd.DataFrame({"first_component_share": [0.3, 0.62]})
    good = measurement.measurement(CFA(0.97, 0.05, 1e-5), harman, "en")
    assert "fits well" in good and "fits better than" in good and "62%" in good and "above the 50%" in good
    poor = measurement.measurement(CFA(0.85, 0.12, 0.3), harman.iloc[:1], "en")
    assert "fits poorly" in poor and "does not fit better" in poor and "below the 50%" in poor


def test_an_improper_cfa_is_named_in_both_languages_instead_of_read():
    cfa = measures.cfa_outcomes(derived.analysis_frame(make_survey(n=300, seed=3)))  # uninformative items
    assert {p.kind for p in cfa.problems} == {"factor_variance"}
    harman = pd.DataFrame({"first_component_share": [0.2]})
    en, it = (measurement.measurement(cfa, harman, lang) for lang in ("en", "it"))
    assert "no admissible solution" in en and "cannot be interpreted" in en and "fits" not in en
    assert "variance of zero for the Innovation performance factor" in en and "more" not in en  # labels
    assert "non ha una soluzione ammissibile" in it and "fattore Performance di innovazione" in it
    table = measurement.cfa_rows(cfa, "it")
    assert table["Soluzione ammissibile"].tolist() == ["no", "sì"]
    # beyond three reasons the rest are counted, not listed
    many = dataclasses.replace(cfa, problems=cfa.problems + tuple(
        measures.Problem("heywood", (item,), 0.0) for item in CB.outcome_items()[:3]))
    assert "and 2 more" in measurement.measurement(many, harman, "en")
    assert "e altri 2" in measurement.measurement(many, harman, "it")


def test_sample_table_shows_collapsed_weights_and_population_shares():
    cells = pd.DataFrame({"district": "capannori_paper", "size_class": ["micro", "small", "medium"],
                          "N": [30, 60, 40], "n": [2, 8, 10], "weight": [9.0, 9.0, 4.0]})
    got = regression.sample_vs_population(cells, "size_class", "en")
    assert got["Weight per firm"].tolist() == [9.0, 9.0, 4.0]
    assert got["Population (%)"].sum() == pytest.approx(100) and got["Sample firms"].tolist() == [2, 8, 10]
    two = pd.concat([cells, cells.assign(district="santa_croce_tanning")])
    by_district = regression.sample_vs_population(two, "district", "it")
    assert by_district["Imprese nella popolazione"].tolist() == [130, 130] and "Peso per impresa" not in by_district


def test_missingness_counts_cells_and_firms_per_block(survey):
    survey = survey.astype({"employees": "float64", "export_share": "float64"})
    survey.loc[[0, 1], "employees"] = np.nan
    survey.loc[1, "export_share"] = np.nan
    got = regression.missingness(survey, "en").set_index("Variables").loc["Firm profile"]
    n = len(survey)
    assert got["Missing answers (%)"] == pytest.approx(100 * 3 / (3 * n))
    assert got["Firms with a gap (%)"] == pytest.approx(100 * 2 / n)


def test_ordered_table_shows_ames_in_points_per_tenth_of_the_index():
    items = pd.DataFrame({"outcome": ["out_reputation"], "estimate": [2.0], "std_error": [0.5], "p_value": [0.01],
                          "lowest": ["worse"], "ame_lowest": [-0.3], "ame_lowest_se": [0.1], "highest": ["better"],
                          "ame_highest": [0.45], "ame_highest_se": [0.0], "brant_p_value": [np.nan], "n": [80]})
    row = regression.ordered_rows(items, "it").iloc[0]
    assert row["EMM su P(migliorata) [IC 95%]"] == "4,5 [4,5; 4,5]"
    assert row["EMM su P(peggiorata) [IC 95%]"] == "\u22123,0 [\u22125,0; \u22121,0]"
    assert row["Coefficiente logit [IC 95%]"] == "2,00 [1,02; 2,98]" and row["p di Brant"] == "–"
    assert row["p"] == "0,010" and row["p (BH)"] == "0,010"  # one item: BH leaves p unchanged


def test_power_table_labels_districts_and_the_pooled_sample_in_the_report_language():
    from cooperate_analysis.stats.inference import power_table

    power = power_table({"pooled": 92, "capannori_paper": 28}, {"pooled": 6, "capannori_paper": 4})
    assert regression.power_rows(power, "it").iloc[:, 0].tolist() == ["Campione complessivo", "Distretto cartario di Capannori (Lucca)"]
    assert "Potenza con r = 0,10" in regression.power_rows(power, "it").columns
    assert regression.power_rows(power, "en").iloc[:, 0].tolist()[0] == "Pooled"
