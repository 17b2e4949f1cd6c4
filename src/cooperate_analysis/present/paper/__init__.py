"""The working paper (issue 25): one argued manuscript assembled from the results of the other runs.

`assemble(rep, rec, results, frame, meta, cb, reports)` returns the paper's displays in order (front
matter, sections 1-8, tables and figures numbered by `rep`), records every number it prints or computes
in `rec`, and decides each hypothesis' verdict with `verdicts.hypothesis_verdicts` under the analysis
policy. The notebook (notebooks/paper.ipynb) only loads the inputs and displays what this returns.
"""
from __future__ import annotations

import math

from ...stats import referee
from .. import formatting as fmt
from ..i18n import N_, messages
from ..report import Localized
from . import figures, sources, tables, text, verdicts
from .verdicts import hypothesis_verdicts

READS = ("cross-district", "channels", "speccurve-pooled")  # the runs whose results the paper reads

CAPTIONS = {
    "model": N_("Conceptual model: CSR practices and competitiveness, the district channels of adoption and the "
                "district as context. Solid arrows: hypotheses tested (H1-H6); dashed: described, not tested."),
    "sample": N_("Sample and population of firms by district (population counts from the published sources of the "
                 "population frame)."),
    "descriptives": N_("Descriptive statistics of the model variables, all districts (n: firms with the variable)."),
    "correlations": N_("Pearson correlations of the variables of the main model (pairwise complete) and variance "
                       "inflation factors of its regressors (with district fixed effects)."),
    "policy": N_("The analysis policy as declared in the code (stats/policy.py): multiplicity families and their "
                 "adjustment, estimability gates, and the verdict rule."),
    "tests": N_("Tests of the hypotheses: estimate with 95% interval, p, p adjusted within the test's family, and "
                "the verdict under the policy. AME: average marginal effect."),
    "coefficients": N_("Main model: pooled OLS of each competitiveness score with district fixed effects; "
                       "coefficients with HC3 standard errors in parentheses."),
    "slopes": N_("CSR coefficient on each score: all districts (95% interval) and the slope of each district from "
                 "the interaction model (± 1.96 standard errors)."),
    "heterogeneity": N_("District heterogeneity: CSR slope of each district (HC3 standard error) and the Wald test "
                        "of equal slopes, with Benjamini-Hochberg adjustment over the competitiveness scores."),
    "ame": N_("Drivers of adoption, all districts: average marginal effects on the CSR index (fractional logit) and "
              "on the probability of ISO 14001 (logit), with 95% intervals; Benjamini-Hochberg p of the channels "
              "family."),
    "robustness": N_("Robustness of the CSR coefficient: main analysis, post-stratification weights, multiple "
                     "imputation, and the specification curve of each outcome family (median standardised "
                     "estimate, share of significant specifications, joint-test p-values)."),
    "robustness_figure": N_("Robustness. Left: CSR coefficient of each score in the main analysis (95% interval), "
                            "with weights and after multiple imputation. Right: share of specifications with a "
                            "significant estimate in each outcome family; dashed line: 5% expected by chance."),
    "verdicts": N_("Verdicts on the hypotheses, decided from the numbers by the analysis policy, and the works "
                   "whose results they are compared with."),
}

# the function that builds each table and figure (listed by replication.html beside the notebook and command)
CODE = {
    "model": "present.paper.figures.conceptual_model", "sample": "present.paper.tables.sample_rows",
    "descriptives": "stats.referee.descriptives + present.paper.tables.descriptives_rows",
    "correlations": "stats.referee.correlations, correlation_matrix, vif + present.paper.tables.correlation_rows",
    "policy": "stats.policy (FAMILIES, GATES) + present.paper.text.policy_rows",
    "tests": "present.paper.verdicts.hypothesis_verdicts + present.paper.tables.tests_rows",
    "coefficients": "present.paper.tables.coefficient_rows (cross-district results)",
    "slopes": "present.paper.figures.district_slopes (cross-district results)",
    "heterogeneity": "present.paper.tables.heterogeneity_rows (cross-district results)",
    "ame": "present.paper.tables.ame_rows (channels results)",
    "robustness": "present.paper.tables.robustness_rows (cross-district, speccurve-pooled results)",
    "robustness_figure": "present.paper.figures.robustness (cross-district, speccurve-pooled results)",
    "verdicts": "present.paper.verdicts.hypothesis_verdicts + present.paper.tables.verdict_rows",
}

CSS = """<style>
.jp-Notebook{font-family:"Times New Roman",Times,Georgia,serif;font-size:11.5pt;line-height:1.45}
.paper-front{text-align:center;margin-bottom:1.5em}.paper-kind{text-transform:uppercase;letter-spacing:.08em;font-size:.85em;color:#555}
.paper-title{font-size:1.55em;margin:.3em 0}.paper-authors{font-size:1.05em;margin:.2em 0}
.abstract{text-align:justify;margin:1em 2.5em;font-size:.95em}.abstract h2{font-size:1em;text-align:center}
.jp-RenderedHTMLCommon h2[id^="sec-"]{font-size:1.2em;margin-top:1.4em}.jp-RenderedHTMLCommon h3[id^="sec-"]{font-size:1.05em;font-style:italic}
.jp-RenderedHTMLCommon p{text-align:justify}p.hypothesis{margin-left:1.5em}
figure.report-table-figure table{font-size:9pt}
@media print{h2[id^="sec-"],h3[id^="sec-"]{break-after:avoid}nav.toc{display:none}}
</style>"""


def _html(by_lang: dict) -> Localized:
    return Localized(by_lang)


def assemble(rep, rec, results: dict, frame, meta: dict, cb, reports: dict, district_power: dict) -> list:
    """The paper's displays in order. `results`: {run: values} of READS; `frame`: the analysis frame of the
    processed survey (for the descriptive tables); `reports`: {lang: [(href, title)]} of the other reports
    (the online supplement); `district_power`: {district: minimum detectable r} from the district runs."""
    langs = rep.langs
    hyps = sources.hypotheses()
    cross, channels, curve = results["cross-district"], results["channels"], results["speccurve-pooled"]
    districts = [d for d in cb.district_ids if (meta.get("rows_by_district") or {}).get(d, 0) > 0]
    verdict = hypothesis_verdicts(hyps, results)
    n_firms = int(len(frame))

    # descriptive tables the paper computes itself from the processed survey (no model is estimated)
    described = [v for v in tables.DESCRIBED if v in frame.columns]
    desc = referee.descriptives(frame, described)
    model_vars = [v for v in tables.MODEL_VARIABLES if v in frame.columns]
    corr_long = referee.correlations(frame, model_vars)
    matrix = referee.correlation_matrix(corr_long).loc[model_vars, model_vars]
    regressors = ["csr_overall", *tables.CONTROLS]
    vifs = referee.vif(frame, regressors, fixed_effects="district")
    _record(rec, desc, corr_long, vifs, verdict, hyps, results, meta)
    max_vif = float(vifs["vif"].max()) if len(vifs) else math.nan
    reg_pairs = corr_long[corr_long["a"].isin(regressors) & corr_long["b"].isin(regressors)]
    max_r = float(reg_pairs["r"].abs().max()) if len(reg_pairs) else math.nan
    population = sources_population(cb)
    sample = {d: int((meta.get("rows_by_district") or {}).get(d, 0)) for d in districts}

    out = [_html({lang: CSS for lang in langs})]
    out.append(_html({lang: text.front(lang, text.title(lang), text.abstract(lang, results, verdict, n_firms, districts, cb,
                                                                                bool(meta.get("synthetic"))), cb)
                      for lang in langs}))
    out.append(rep.banner(meta))
    H = lambda number, msg: _html({lang: text.section_heading(number, messages(lang)(msg)) for lang in langs})  # noqa: E731

    out += [H("1", N_("Introduction")), _html({lang: text.introduction(lang, cb, districts) for lang in langs})]
    out += [H("2", N_("Literature and hypotheses")), _html({lang: text.literature(lang) for lang in langs})]
    n_lit = len(sources.literature()["themes"])
    out.append(_html({lang: text.section_heading(f"2.{n_lit + 1}", messages(lang)(N_("Conceptual model and hypotheses")), 3)
                      for lang in langs}))
    out.append(_html({lang: text.p(text.esc(" ".join(sources.model()["description"][lang].split()))) for lang in langs}))
    out.append(rep.figure(lambda lang: figures.conceptual_model(sources.model(), lang), "model"))
    out.append(_html({lang: text.hypotheses_list(lang) for lang in langs}))

    # 3 data: tables numbered in order of appearance
    t0 = rep.n_tables
    out += [H("3", N_("Data"))]
    out.append(_html({lang: text.data(lang, meta, cb, len(described), max_vif, max_r, t0 + 1, t0 + 2, t0 + 3)
                      for lang in langs}))
    out.append(rep.table(lambda lang: tables.sample_rows(sample, population, lang, cb), "sample"))
    out.append(rep.table(lambda lang: tables.descriptives_rows(desc, lang, cb), "descriptives", digits=2))
    out.append(rep.table(lambda lang: tables.correlation_rows(matrix, vifs, lang, cb), "correlations"))

    # 4 methods
    out += [H("4", N_("Methods"))]
    out.append(_html({lang: text.measures(lang, cross, cb) + text.estimators(lang, meta, cb, curve.get("n_specs"))
                      + text.inference(lang) + text.policy_intro(lang, rep.n_tables + 1) for lang in langs}))
    out.append(rep.table(text.policy_rows, "policy"))

    # 5 results
    out += [H("5", N_("Results"))]
    t_tests, t_coef = rep.n_tables + 1, rep.n_tables + 2
    out.append(_html({lang: text.results_tables_text(lang, t_tests, t_coef, tables.has_full_table(cross))
                      + "".join(text.result_confirmatory(h, verdict[h["id"]], cross, lang) for h in hyps
                                if h["family"] == "confirmatory") for lang in langs}))
    out.append(rep.table(lambda lang: tables.tests_rows(hyps, verdict, results, lang, cb), "tests"))
    out.append(rep.table(lambda lang: tables.coefficient_rows(cross, lang, cb), "coefficients"))
    out.append(_html({lang: text.section_heading("5.1", messages(lang)(N_("District heterogeneity")), 3)
                      + text.result_heterogeneity(verdict["H5"], cross, lang, cb, cross.get("power.pooled.mde_r"))
                      for lang in langs}))
    out.append(rep.table(lambda lang: tables.heterogeneity_rows(cross, districts, lang, cb), "heterogeneity"))
    out.append(rep.figure(lambda lang: figures.district_slopes(cross, districts, lang, cb), "slopes"))
    out.append(_html({lang: text.section_heading("5.2", messages(lang)(N_("Adoption drivers and channels")), 3)
                      + text.result_channels(next(h for h in hyps if h["id"] == "H4"), verdict["H4"], lang, cb)
                      + text.result_certification(verdict["H6"], lang, channels.get("drivers.pooled.cert_iso14001"))
                      for lang in langs}))
    out.append(rep.table(lambda lang: tables.ame_rows(channels, lang, cb), "ame"))
    t_rob, f_rob = rep.n_tables + 1, rep.n_figures + 1
    out.append(_html({lang: text.section_heading("5.3", messages(lang)(N_("Robustness")), 3)
                      + text.robustness_text(lang, cross, curve, t_rob, f_rob, cb) for lang in langs}))
    out.append(rep.table(lambda lang: tables.robustness_rows(cross, curve, lang, cb), "robustness"))
    out.append(rep.figure(lambda lang: figures.robustness(cross, curve, lang, cb), "robustness_figure"))

    # 6 discussion
    t_verdict = rep.n_tables + 1
    out += [H("6", N_("Discussion")),
            _html({lang: text.discussion(lang, hyps, verdict, results, t_verdict) for lang in langs})]
    comparisons = {lang: {h["id"]: text.comparisons_cell(h, lang) for h in hyps} for lang in langs}
    out.append(rep.table(lambda lang: tables.verdict_rows(hyps, verdict, comparisons[lang], lang), "verdicts"))

    # 7 limitations, implications, conclusion
    out += [H("7", N_("Limitations, implications and conclusion")),
            _html({lang: text.section_heading("7.1", messages(lang)(N_("Limitations")), 3)
                   + text.limitations(lang, cross, district_power, meta, cb)
                   + text.section_heading("7.2", messages(lang)(N_("Implications for district institutions")), 3)
                   + text.implications(lang)
                   + text.section_heading("7.3", messages(lang)(N_("Conclusion")), 3)
                   + text.conclusion(lang, t_verdict) for lang in langs})]
    # 8 references are added by the renderer (cited works only), after the data statement and the appendix
    out += [H("8", N_("Data availability, replication and online supplement")),
            _html({lang: text.data_availability(lang) + text.appendix(lang, reports.get(lang, [])) for lang in langs})]
    for items in rep.contents.values():
        for item in items:
            item["code"] = "cooperate_analysis." + CODE[item["key"]].replace(" + ", " + cooperate_analysis.")
    return out


def sources_population(cb) -> dict:
    """Firms of each district in the population frame (published totals; NaN where not counted)."""
    from ...data.population import population_frame

    frame = population_frame()
    return {d: float(g["N"].dropna().sum()) if g["N"].notna().any() else math.nan
            for d, g in frame.groupby("district")}


def _record(rec, desc, corr_long, vifs, verdict: dict, hyps, results, meta) -> None:
    """The paper's own numbers as results keys: descriptive statistics, correlations, VIFs, every number of
    a hypothesis test it reads and the verdict of each hypothesis and part."""
    for row in desc.itertuples():
        for col in ("n", "mean", "sd", "min", "max"):
            rec.record(f"descriptives.{row.variable}.{col}", getattr(row, col))
    for row in corr_long.itertuples():
        rec.record(f"correlation.{row.a}.{row.b}.r", row.r)
        rec.record(f"correlation.{row.a}.{row.b}.n", row.n)
    for row in vifs.itertuples():
        rec.record(f"vif.{row.term}", row.vif)
    for hid, v in verdict.items():
        rec.record(f"verdict.{hid}", v.code)
        for name, value in v.numbers.items():
            if not isinstance(value, str):
                rec.record(f"test.{hid}.{name}", value)
        for part in v.parts:
            rec.record(f"verdict.{hid}.{part.hypothesis}", part.code)
            for name, value in part.numbers.items():
                if not isinstance(value, str):
                    rec.record(f"test.{hid}.{part.hypothesis}.{name}", value)
    rec.record("n_firms", int(meta.get("rows", 0)))


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """The index's findings sentence of the paper: how many hypotheses are supported under the policy."""
    _ = messages(lang)
    codes = [v for k, v in values.items() if k.startswith("verdict.") and k.count(".") == 1]
    if not codes:
        return ""
    supported = sum(1 for c in codes if c == verdicts.SUPPORTED)
    if supported == 0:
        return _.ngettext("The paper's hypothesis is not supported under the analysis policy.",
                          "None of the paper's {n} hypotheses is supported under the analysis policy.", len(codes))
    return _.ngettext("{n} of the paper's hypotheses is supported under the analysis policy ({total} tested).",
                      "{n} of the paper's hypotheses are supported under the analysis policy ({total} tested).",
                      supported, total=fmt.integer(len(codes), lang))


__all__ = ["CAPTIONS", "READS", "assemble", "figures", "hypothesis_verdicts", "index_sentence", "sources", "tables",
           "text", "verdicts"]
