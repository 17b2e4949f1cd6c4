"""Every table builder makes a table that is publishable in both languages: the Italian edition
has decimal commas, no English word and "RSI" for CSR; no p-value prints as "0.000"; coefficient
tables carry 95% intervals. The checks run on the HTML each table becomes in a report
(`report.table_html`), and each check is shown to fail on a table that breaks its rule."""
from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import dataset, derived, population
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import bibliography, report
from cooperate_analysis.present import appendix, regression
from cooperate_analysis.present import measurement
from cooperate_analysis.present import district
from cooperate_analysis.present import cross_district
from cooperate_analysis.present import published as published_mod
from cooperate_analysis.present import speccurve as spec_report
from cooperate_analysis.stats import inference, measures, models

from .conftest import make_survey

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook()
CONTROLS = ["log_employees", "export_share", "firm_age"]
SCORES = [f"score_{s}" for s in CB.outcome_scales]

# English words that must not appear in an Italian table (whole words, any case), and English
# acronyms whose Italian form differs (case-sensitive). Loanwords Italian uses (performance,
# governance, stakeholder, benefit, audit, export, logit) and statistical acronyms kept in Italian
# (OLS, WLS, HC3, IPW, AIPW, MSA, CFI, AVE, SMD, BH...) are allowed.
ENGLISH_WORDS = ["firms", "firm", "employees", "more than", "fewer than", "approx", "score", "certification",
                 "certified", "yes", "number", "pooled", "innovation", "market", "outcome", "coefficient",
                 "district", "weighted", "unweighted", "mean", "median", "share", "missing", "complete",
                 "imputation", "difference", "estimator", "item", "items", "index", "sample", "population",
                 "source", "value", "unit", "year", "worse", "better", "same", "workplace", "environment",
                 "community", "all", "any", "slope", "slopes", "equal", "power", "specifications", "choice",
                 "option", "statistic", "observed", "significant", "covariate", "before", "after",
                 "weighting", "composite", "reliability", "communality", "chi-square", "log-odds", "clothing",
                 "tanning", "paper", "leather", "tanneries", "past", "sales", "turnover", "and", "of", "the",
                 "at least", "measure", "profile", "variables", "answered", "adopted", "size", "class",
                 "model", "group", "admissible", "solution", "first", "factor", "component", "alpha"]
ENGLISH_ACRONYMS = ["CSR", "SE", "CI", "AME", "df"]


def table_text(df: pd.DataFrame, lang: str, digits: int = 3, index: bool = False) -> list[str]:
    """Header and cell texts of `df` as a report prints it."""
    markup = report.table_html(df, digits=digits, index=index, lang=lang)
    return [html.unescape(t) for t in re.findall(r"<t[hd](?: [^>]*)?>(.*?)</t[hd]>", markup)]


def decimal_points(text: str) -> list[str]:
    """Numbers in `text` written with a decimal point (an Italian thousands point, "2.500" or "12.500" as
    CLDR groups four digits and more, is not one; "0.500" is)."""
    bad = []
    for match in re.finditer(r"\d[\d.]*\.\d+", text):
        token = match.group()
        grouped = re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", token)
        if not grouped:
            bad.append(token)
    return bad


def english_words(text: str) -> list[str]:
    found = [w for w in ENGLISH_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)]
    return found + [a for a in ENGLISH_ACRONYMS if re.search(rf"(?<!\w){a}(?!\w)", text)]


P_HEADER = re.compile(r"(?:^|[\s(:])p(?:$|[\s)])")


def zero_pvalues(df: pd.DataFrame, lang: str) -> list[str]:
    """p-value cells of `df` (columns whose header names a p) that print as 0.000."""
    markup = report.table_html(df, digits=3, lang=lang)
    heads = [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", markup)]
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in re.findall(r"<tr>(.*?)</tr>", markup)[1:]]
    columns = [j for j, h in enumerate(heads) if P_HEADER.search(h)]
    in_parentheses = [c for row in rows for c in row if re.search(r"\(0[.,]000\)", c)]  # 'effect (p)' cells
    return [row[j] for row in rows for j in columns if re.fullmatch(r"0[.,]000", row[j].strip())] + in_parentheses


INTERVAL = re.compile(r"\[[-+−]?\d[\d.,]*(?:, |; )[-+−]?\d[\d.,]*\]")


def has_intervals(df: pd.DataFrame, lang: str, header: bool = True) -> bool:
    """Interval cells in every row and (with `header`) a 95% interval header; the robustness table,
    whose every cell is 'b [95% CI]', says so in its caption."""
    heads = [str(c) for c in df.columns]
    ci_header = any("95%" in h for h in heads) or not header
    rows = [" ".join(str(v) for v in record) for record in df.itertuples(index=False)]
    return ci_header and bool(rows) and all(INTERVAL.search(r) for r in rows if r.strip())


# --------------------------------------------------------------------------- the tables, built once

def _curve() -> pd.DataFrame:
    return pd.DataFrame({"estimate": [0.3, 0.2, -0.1, np.nan], "p_value": [0.0001, 0.2, 0.03, np.nan],
                         "model": ["ols", "ols", "logit", "logit"], "coding": "level",
                         "csr": ["csr_overall", "cert_any", "csr_environment", "csr_overall"],
                         "controls": ["none", "full", "none", "full"], "weights": "none", "missing": "complete",
                         "outcome": ["score_innovation", "out_reputation", "score_innovation", "out_reputation"]})


@pytest.fixture(scope="module")
def built() -> dict[str, dict]:
    """{builder: {"en": table, "it": table, "digits": d, "index": bool}} on a small synthetic survey."""
    return _built()


@functools.cache  # once per test process: pytest-xdist's work stealing sets a module fixture up again
def _built() -> dict[str, dict]:  # each time a worker comes back to the module
    frame = derived.analysis_frame(make_survey(n=300, seed=5), CB)
    firms = frame[frame["district"] == "capannori_paper"].reset_index(drop=True)
    frame = frame.assign(score_innovation=frame["score_innovation"] + 2 * frame["csr_overall"])  # a p below 0.001
    ps = inference.poststrat_weights(frame, population.population_frame(ROOT / "data/raw/population_frame.csv"))
    fits = {s: models.ols(frame, s, "csr_overall", CONTROLS, "district") for s in SCORES}
    holm = inference.holm({s: f.term("csr_overall")["p_value"] for s, f in fits.items()}).set_index("hypothesis")["p_adj"]
    het = {s: models.district_heterogeneity(frame, s, "csr_overall", CONTROLS) for s in SCORES}
    likert = measures.likert3(frame, CB.outcome_items())
    items = models.ordered_items(likert, CB.outcome_items()[:3], "csr_overall", CONTROLS, "district")
    robust = models.robustness(frame, SCORES, "csr_overall", CONTROLS, ps.weights, "district", m=2, seed=1)
    # untrimmed: the table's builder is under test here (on this survey the default trimmed sample leaves a
    # district dummy constant and statsmodels' treatment model singular; reported to the statistics layer)
    cert = pd.concat([models.certification_effect(frame, s, CONTROLS, fixed_effects="district", trim=None)
                      for s in SCORES], ignore_index=True)
    grid = inference.association_grid(firms, {"csr dimensions": [f"csr_{d}" for d in CB.csr_dimensions],
                                              "certification": ["cert_any"]}, {"outcome items": CB.outcome_items()})
    rel = measures.reliability_table(frame, cb=CB)
    efa = measures.efa_outcomes(frame, cb=CB)
    cfa = measures.cfa_outcomes(frame, cb=CB)
    harman = measures.harman_single_factor(frame, include_csr=True, cb=CB)
    power = inference.power_table({"pooled": 300, "capannori_paper": 100}, {"pooled": 6, "capannori_paper": 4})
    district_ps = inference.poststrat_weights(firms, population.population_frame(ROOT / "data/raw/population_frame.csv"))
    weighted = inference.weighted_mean(firms, ["csr_overall", "cert_any", *SCORES], district_ps.weights,
                                       strata=district_ps.strata)
    balance = pd.DataFrame({"covariate": ["log_employees", "export_share", "firm_age", "district[T.santa_croce_tanning]"],
                            "smd_before": [0.35, -0.12, 0.05, 0.2], "smd_after": [0.04, -0.02, 0.11, np.nan]})
    joint = SimpleNamespace(table=pd.DataFrame({"statistic": ["median", "share_significant", "stouffer_z"],
                                                "observed": [0.2, 0.5, 3.0], "null_median": [0, 0.03, 0],
                                                "p_value": [0.0, 0.2, 0.0004]}), n_specs=2, n_boot=500)
    published = dataset.load_published(ROOT / "data/raw/published_figures.csv")
    districts = list(CB.district_ids)
    cells = ps.cells
    builders = {
        "adoption_rates": (lambda lang: district.adoption_rates(firms, lang, CB), 1),
        "describe": (lambda lang: regression.describe(firms, ["employees", "export_share", "csr_overall", *SCORES], lang, CB), 1),
        "sample_by_size": (lambda lang: regression.sample_vs_population(cells[cells["district"] == "capannori_paper"],
                                                                    "size_class", lang, CB), 1),
        "sample_by_district": (lambda lang: regression.sample_vs_population(cells, "district", lang, CB), 1),
        "published_figures": (lambda lang: pd.concat([published_mod.published_figures(published, d, lang) for d in districts]), 0),
        "missingness": (lambda lang: regression.missingness(firms, lang, CB), 1),
        "coefficient_rows": (lambda lang: regression.coefficient_rows(fits, "csr_overall", lang, CB, p_holm=holm), 3),
        "power_rows": (lambda lang: regression.power_rows(power, lang, CB), 2),
        "weighted_rows": (lambda lang: regression.weighted_rows(weighted, lang, CB), 3),
        "heterogeneity_rows": (lambda lang: regression.heterogeneity_rows(het, lang, CB), 3),
        "reliability_rows": (lambda lang: measurement.reliability_rows(rel[rel["group"] == "all"], lang, CB), 2),
        "reliability_by_group": (lambda lang: measurement.reliability_by_group(rel, lang, CB), 3),
        "efa_rows": (lambda lang: measurement.efa_rows(efa, lang, CB), 2),
        "cfa_rows": (lambda lang: measurement.cfa_rows(cfa, lang), 3),
        "construct_rows": (lambda lang: measurement.construct_rows(cfa, lang, CB), 3),
        "harman_rows": (lambda lang: measurement.harman_rows(harman, lang), 3),
        "grid_rows": (lambda lang: regression.grid_rows(grid, lang, CB), 3),
        "ordered_rows": (lambda lang: regression.ordered_rows(items, lang, CB), 3),
        "robustness_rows": (lambda lang: regression.robustness_rows(robust, 2, lang, CB), 3),
        "certification_rows": (lambda lang: regression.certification_rows(cert, lang, CB), 3),
        "balance_rows": (lambda lang: regression.balance_rows(balance, lang, CB), 2),
        "csr_by_district": (lambda lang: cross_district.csr_by_district(frame, districts, lang, CB), 2),
        "index_missing_rows": (lambda lang: regression.index_missing_rows(frame, lang, CB), 0),
        "certification_held_rows": (lambda lang: cross_district.certification_held_rows(
            cross_district.certification_held(frame, districts, {"capannori_paper": 0.2}, CB), districts, lang, CB,
            {"capannori_paper": 0.2}), 0),
        "appendix_coefficients": (lambda lang: appendix.coefficient_rows(fits, lang, CB), 3),
        "appendix_descriptives": (lambda lang: appendix.descriptive_rows(frame, ["csr_overall", *SCORES, *CONTROLS], lang, CB), 2),
        "appendix_correlations": (lambda lang: appendix.correlation_rows(frame, ["csr_overall", *SCORES, *CONTROLS], lang, CB), 2),
        "appendix_vif": (lambda lang: appendix.vif_rows(appendix.vif_values(frame, SCORES, ["csr_overall", *CONTROLS], "district"),
                                                        lang, CB), 2),
        "spec_summary": (lambda lang: spec_report.spec_summary(_curve(), lang), 2),
        "spec_by_choice": (lambda lang: spec_report.spec_by_choice(_curve(), lang, CB), 2),
        "spec_joint_rows": (lambda lang: spec_report.spec_joint_rows({"innovation": joint}, lang, CB), 3),
    }
    return {name: {"en": build("en"), "it": build("it"), "digits": digits} for name, (build, digits) in builders.items()}


BUILDERS = ["adoption_rates", "describe", "sample_by_size", "sample_by_district", "published_figures", "missingness",
            "coefficient_rows", "power_rows", "weighted_rows", "heterogeneity_rows", "reliability_rows",
            "reliability_by_group", "efa_rows", "cfa_rows", "construct_rows", "harman_rows", "grid_rows",
            "ordered_rows", "robustness_rows", "certification_rows", "balance_rows", "csr_by_district",
            "index_missing_rows", "certification_held_rows", "appendix_coefficients", "appendix_descriptives",
            "appendix_correlations", "appendix_vif",
            "spec_summary", "spec_by_choice", "spec_joint_rows"]
COEFFICIENT_TABLES = ["coefficient_rows", "heterogeneity_rows", "ordered_rows", "robustness_rows", "certification_rows"]
P_TABLES = ["coefficient_rows", "heterogeneity_rows", "ordered_rows", "certification_rows", "cfa_rows", "spec_joint_rows"]


def test_every_public_builder_is_checked():
    """A new table builder of the regression reports, the published figures or the specification curve
    has to be added to these checks (the channels report's builders are checked in test_channels)."""
    suffixes = ("_rows", "_figures", "_population", "_rates", "_by_group", "_by_choice", "_summary", "_by_district")
    public = {name for module in (regression, measurement, district, cross_district, published_mod, spec_report, appendix)
              for name in dir(module) if name.endswith(suffixes) and callable(getattr(module, name))}
    public |= {"describe", "missingness"}
    covered = set(BUILDERS) | {"sample_vs_population", "curve_summary"}  # curve_summary: a dict
    covered |= {f"{name}_rows" for name in ("coefficient", "descriptive", "correlation", "vif")}  # appendix_*
    assert public <= covered, public - covered


@pytest.mark.parametrize("name", BUILDERS)
def test_italian_tables_have_decimal_commas_no_english_and_rsi(built, name):
    texts = table_text(built[name]["it"], "it", built[name]["digits"])
    text = " | ".join(texts)
    assert not decimal_points(text), (name, decimal_points(text))
    assert not english_words(text), (name, english_words(text))
    assert "RSI" in text or "CSR" not in text


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_no_pvalue_prints_as_zero(built, name, lang):
    assert not zero_pvalues(built[name][lang], lang)


@pytest.mark.parametrize("name", P_TABLES)
def test_p_value_columns_are_formatted_in_the_report_language(built, name):
    """p-values arrive as text made by formatting.pvalue (right-aligned in the report)."""
    for lang in ("en", "it"):
        df = built[name][lang]
        columns = [c for c in df.columns if P_HEADER.search(str(c))]
        assert columns, name
        for c in columns:
            cells = [v for v in df[c] if v != ""]
            assert all(isinstance(v, str) and (fmt.is_number_text(v)) for v in cells), (name, c, cells)
    small = {"en": "< 0.001", "it": "< 0,001"}
    if name in ("coefficient_rows", "spec_joint_rows"):  # these inputs hold a p below 0.001 (or 0 of 500 draws)
        for lang in ("en", "it"):
            text = " ".join(table_text(built[name][lang], lang))
            assert small[lang] in text or ("< 0,002" if lang == "it" else "< 0.002") in text


@pytest.mark.parametrize("name", COEFFICIENT_TABLES)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_coefficient_tables_show_95_percent_intervals(built, name, lang):
    assert has_intervals(built[name][lang], lang, header=name != "robustness_rows"), built[name][lang].to_string()


def test_the_checks_catch_a_table_that_breaks_each_rule():
    """The checks above fail on a table made the old way (English, decimal point, p printed 0.000,
    no intervals)."""
    old = pd.DataFrame({"Outcome": ["Score: Innovation performance"], "Coefficient": [0.5],
                        "p": [f"{0.00002:.3f}"], "Brant p": [0.0000004], "Indice CSR": ["0.12 (0.03)"]})
    assert decimal_points(" ".join(table_text(old, "it"))) == ["0.000", "0.12", "0.03"]
    assert {"outcome", "coefficient", "score", "innovation", "CSR"} <= set(english_words(" ".join(table_text(old, "it"))))
    assert zero_pvalues(old, "en") == ["0.000", "0.000"]
    assert zero_pvalues(pd.DataFrame({"Workplace": [f"0.76 ({0.00001:.3f})"]}), "en") == ["0.76 (0.000)"]
    assert not has_intervals(old, "en")
    # CLDR groups four digits in Italian too ("1.234 addetti"); a decimal point after a zero or before
    # fewer than three digits is not a group
    assert decimal_points("12.500 imprese, 1.234 addetti, 0.500, 1.23") == ["0.500", "1.23"]
    assert not english_words("Voci di competitività e pratiche di RSI; Tre scale; sì; no; performance")


def test_pvalues_below_the_print_floor_never_read_zero():
    """Builders that take p-values from their inputs print tiny ones as '< 0.001'."""
    items = pd.DataFrame({"outcome": ["out_reputation", "out_turnover_trend"], "estimate": [2.0, 0.1],
                          "std_error": [0.3, 0.2], "p_value": [1e-9, 0.6], "lowest": "worse", "ame_lowest": [-0.3, 0.0],
                          "ame_lowest_se": [0.1, 0.1], "highest": "better", "ame_highest": [0.4, 0.0],
                          "ame_highest_se": [0.1, 0.1], "brant_p_value": [1e-5, 0.3], "n": [90, 88]})
    it = regression.ordered_rows(items, "it")
    assert it["p"].tolist() == ["< 0,001", "0,600"] and it["p (BH)"].tolist() == ["< 0,001", "0,600"]
    assert it["p di Brant"].tolist()[0] == "< 0,001"
    effects = pd.DataFrame({"model": ["IPW", "IPW", "AIPW", "AIPW"], "outcome": ["score_market", "score_innovation"] * 2,
                            "estimate": [0.5, 0.1, 0.4, 0.1], "ci_low": [0.3, -0.1, 0.2, -0.1], "ci_high": [0.7, 0.3, 0.6, 0.3],
                            "p_value": [1e-6, 0.04, 2e-6, 0.5], "n": [1200, 1200, 1200, 1200], "n_treated": [400] * 4})
    en = regression.certification_rows(effects, "en")
    # BH within each estimator: IPW (1e-6, 0.04) -> (2e-6, 0.04); AIPW (2e-6, 0.5) -> (4e-6, 0.5)
    assert en["p (BH)"].tolist() == ["< 0.001", "0.040", "< 0.001", "0.500"]
    assert en["n (certified)"].tolist()[0] == "1,200 (400)"
    assert regression.certification_rows(effects, "it")["n (certificate)"].tolist()[0] == "1.200 (400)"  # CLDR groups
    grid = pd.DataFrame({"exposure": ["csr_workplace", "cert_any"], "outcome": ["out_reputation"] * 2,
                         "effect": [0.76, -0.2], "p_adj": [0.00001, 0.3]})
    assert regression.grid_rows(grid, "it").iloc[0].tolist() == ["Reputazione e immagine", "0,76 (< 0,001)", "\u22120,20 (0,300)"]
    assert regression.grid_rows(grid, "en").columns.tolist() == ["Competitiveness item", "Workplace", "Any certification"]


def test_ordered_logit_family_is_adjusted_by_benjamini_hochberg():
    p = [0.01, 0.02, 0.03, 0.5]
    items = pd.DataFrame({"outcome": CB.outcome_items()[:4], "estimate": 1.0, "std_error": 0.5, "p_value": p,
                          "lowest": "worse", "ame_lowest": -0.1, "ame_lowest_se": 0.05, "highest": "better",
                          "ame_highest": 0.1, "ame_highest_se": 0.05, "brant_p_value": 0.5, "n": 90})
    # BH: p_(i) * m / i, then cumulative minimum from the top: 0.04, 0.04, 0.04, 0.5
    assert regression.ordered_rows(items, "en")["p (BH)"].tolist() == ["0.040", "0.040", "0.040", "0.500"]


def test_heterogeneity_wald_tests_are_adjusted_over_the_scores():
    class Het:
        def __init__(self, p):
            self.wald_p_value = p
            self.slopes = pd.DataFrame({"district": ["capannori_paper", "santa_croce_tanning"], "estimate": [0.5, -0.1],
                                        "ci_low": [0.1, -0.6], "ci_high": [0.9, 0.4]})

    rows = regression.heterogeneity_rows({"score_innovation": Het(0.01), "score_market": Het(0.04)}, "en")
    assert rows["Wald p (BH)"].tolist() == ["0.020", "", "0.040", ""]  # BH: 0.01 * 2 / 1, 0.04 * 2 / 2
    assert rows["Outcome"].tolist() == ["Innovation performance", "", "Market performance", ""]
    assert rows["95% CI"].tolist()[1] == "[\u22120.60, 0.40]"


def test_balance_table_labels_covariates_and_flags_the_rule_of_thumb():
    balance = pd.DataFrame({"covariate": ["log_employees", "district=santa_croce_tanning", "firm_age"],
                            "smd_before": [0.4, 0.3, -0.2], "smd_after": [0.05, -0.15, np.nan]})
    it = regression.balance_rows(balance, "it")
    assert it.iloc[:, 0].tolist() == ["log(1 + addetti)", "Distretto conciario di Santa Croce sull'Arno", "Età dell'impresa (anni)"]
    assert it["|SMD| < 0,1 dopo la ponderazione"].tolist()[:2] == ["sì", "no"]
    assert pd.isna(it["|SMD| < 0,1 dopo la ponderazione"].iloc[2])
    assert regression.balance_rows(balance.assign(outcome="score_market"), "en").columns[0] == "Outcome"
    assert regression.balance_label("district[T.capannori_paper]", "en") == "Capannori paper district (Lucca)"
    assert regression.balance_label("unknown_dummy", "it") == "unknown_dummy"
    assert "(Austin, 2009)" in report.Report("it", captions=cross_district.CAPTIONS).caption("balance")


def test_csr_by_district_has_districts_as_columns_and_fits_six_columns():
    frame = derived.analysis_frame(make_survey(n=60, seed=2), CB)
    districts = list(CB.district_ids)
    it = cross_district.csr_by_district(frame, districts, "it", CB)
    assert it.columns.tolist() == ["Indice di RSI (0-1)", "Capannori (carta)", "Empolese Valdelsa (abbigliamento)",
                                   "Santa Croce (concia)", "Tutti i distretti"]
    assert it.iloc[0, 0] == "Complessivo" and len(it) == 2 + len(CB.csr_dimensions)
    assert it.iloc[0, 1] == pytest.approx(frame.loc[frame["district"] == "capannori_paper", "csr_overall"].mean())
    mean = frame.loc[frame["district"] == "santa_croce_tanning", "cert_any"].mean()
    assert it.iloc[-1, 3] == pytest.approx(mean) and it.iloc[-1, 4] == pytest.approx(frame["cert_any"].mean())
    assert cross_district.csr_by_district(frame, districts[:1], "en", CB).shape[1] == 2  # one district: no 'all' column
    # the two "Ambiente" dimensions have distinct Italian names
    assert it.iloc[1:3, 0].tolist() == ["Ambiente di lavoro", "Tutela ambientale"]


def test_percentages_print_with_one_decimal_in_any_table(survey):
    frame = derived.analysis_frame(survey, CB)
    markup = report.table_html(regression.describe(frame, ["csr_overall"], "it", CB), digits=3, lang="it")
    assert re.search(r'<td class="num">\d+,\d</td></tr>', markup)  # Mancanti (%): one decimal, last column
    assert '<td class="num">0,000</td>' not in markup


@pytest.mark.parametrize("name", BUILDERS)
def test_tables_stay_narrow_enough_for_a_portrait_page(built, name):
    """At most seven columns (the association grid: item and six exposures); every other table six
    or fewer, except the factor tables whose columns are short numbers."""
    limit = {"grid_rows": 7, "coefficient_rows": 8, "cfa_rows": 10, "efa_rows": 7, "ordered_rows": 8,
             "certification_rows": 7, "appendix_correlations": 8}.get(name, 6)  # the matrix: short numbers
    for lang in ("en", "it"):
        assert built[name][lang].shape[1] <= limit, (name, built[name][lang].columns.tolist())
