"""Publication tables: descriptive summaries and model results with codebook labels in the report
language.

Conventions (R / Stata, APA 7), the same in every builder:
- numbers stay numbers where they stand alone (the report prints them in its language,
  `report.table_html`); a cell that combines numbers (an estimate with its interval) is built here
  with `formatting`, so the Italian edition has decimal commas everywhere;
- every p-value column is built here with `formatting.pvalue` ("< 0.001", never "0.000");
- every coefficient has its 95% interval, from the reference distribution of its model: t(n - k) for
  OLS / WLS (the models' own intervals), the normal for likelihood models (ordered logit and its
  marginal effects, IPW / AIPW);
- a secondary family of tests shows its Benjamini-Hochberg adjusted p beside the raw one (`_bh`,
  `inference.fdr_by_family`), the confirmatory family its Holm p.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label
from ..stats.inference import fdr_by_family
from . import formatting as fmt

Z95 = 1.959963984540054  # normal 97.5% quantile: intervals of likelihood models


def _p(values, lang: str) -> list[str]:
    """p-values as printed: three decimals, "< 0.001" below 0.001, "–" when missing."""
    return [fmt.pvalue(v, lang) for v in values]


def _bh(values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of one family (missing ones stay missing)."""
    p = np.asarray(list(values), dtype="float64")
    return fdr_by_family(p, ["family"] * len(p)) if len(p) else p


def _digits(df: pd.DataFrame, places: dict[str, int]) -> pd.DataFrame:
    """`df` with the decimals of some columns fixed (read by `report.table_html` over its `digits`):
    a percentage prints with one decimal in any table."""
    df.attrs["digits"] = {column: d for column, d in places.items() if column in df.columns}
    return df


def _number(value, lang: str, digits: int = 2, sign: bool = False) -> str:
    return fmt.number(value, digits, lang, sign=sign)


def _short_number(text: str, lang: str) -> str:
    """A number written in code ("0.1", "0.25") with the separators of `lang`."""
    value = float(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt.number(value, decimals, lang)


def _outcome(outcome: str, lang: str, cb: Codebook) -> str:
    """Row label of a modelled outcome: the scale name for a score (the header says it is the
    outcome), else its label."""
    return cb.label(outcome.removeprefix("score_"), lang) if outcome.startswith("score_") and \
        outcome.removeprefix("score_") in cb.outcome_scales else label(outcome, lang, cb)


def district_short(district: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Short name of a district for a table column ("Capannori (paper)"), its full label otherwise."""
    cb = cb or load_codebook()
    spec = cb.districts.get(district, {})
    return spec["short"][lang] if "short" in spec else cb.label(district, lang)

HEADERS = {
    "en": {"variable": "Variable", "dimension": "Dimension", "adopted": "Adopted (%)", "n": "Answered",
           "size_class": "Size class", "firms": "Firms", "share": "Share (%)", "mean": "Mean",
           "sd": "SD", "median": "Median", "missing": "Missing (%)", "scale": "Scale"},
    "it": {"variable": "Variabile", "dimension": "Dimensione", "adopted": "Adottata (%)", "n": "Risposte",
           "size_class": "Classe dimensionale", "firms": "Imprese", "share": "Quota (%)", "mean": "Media",
           "sd": "DS", "median": "Mediana", "missing": "Mancanti (%)", "scale": "Scala"},
}


def adoption_rates(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Share of answering firms that adopted each CSR practice and hold each certification."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    rows = []
    groups = [(cb.label(d, lang), items) for d, items in cb.practices_by_dimension().items()]
    groups.append(({"en": "Certifications", "it": "Certificazioni"}[lang], cb.certifications(None)))
    for group, items in groups:
        for item in items:
            answered = df[item].notna().sum()
            rows.append({h["dimension"]: group, h["variable"]: cb.label(item, lang),
                         h["adopted"]: 100 * df[item].astype("float64").mean() if answered else float("nan"),
                         h["n"]: int(answered)})
    return _digits(pd.DataFrame(rows), {h["adopted"]: 1})


def describe(df: pd.DataFrame, columns: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Mean, SD, median and missing share of numeric variables, labelled."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    rows = []
    for col in columns:
        x = df[col].astype("float64")
        rows.append({h["variable"]: label(col, lang, cb), h["n"]: int(x.notna().sum()), h["mean"]: x.mean(),
                     h["sd"]: x.std(), h["median"]: x.median(), h["missing"]: 100 * x.isna().mean()})
    return _digits(pd.DataFrame(rows), {h["missing"]: 1})


MODEL_HEADERS = {
    "en": {"outcome": "Outcome", "estimate": "Coefficient", "std_error": "SE (HC3)", "ci": "95% CI",
           "p_value": "p", "n": "n", "r2": "R²", "district": "District", "mde_r": "Minimum detectable r (80%)",
           "power": "Power at r = {r}", "mean": "Mean", "unweighted": "Unweighted", "weighted": "Weighted",
           "se": "SE", "slope": "Slope", "wald": "Equal slopes: Wald p", "wald_bh": "Wald p (BH)",
           "group": "Sample"},
    "it": {"outcome": "Variabile dipendente", "estimate": "Coefficiente", "std_error": "ES (HC3)", "ci": "IC 95%",
           "p_value": "p", "n": "n", "r2": "R²", "district": "Distretto", "mde_r": "r minimo rilevabile (80%)",
           "power": "Potenza con r = {r}", "mean": "Media", "unweighted": "Non ponderata", "weighted": "Ponderata",
           "se": "ES", "slope": "Pendenza", "wald": "Pendenze uguali: p di Wald", "wald_bh": "p di Wald (BH)",
           "group": "Campione"},
}


def coefficient_rows(fits: dict, term: str, lang: str = "en", cb: Codebook | None = None,
                     p_holm: pd.Series | None = None) -> pd.DataFrame:
    """One row per outcome: the coefficient of `term` with SE, its 95% interval (the model's own,
    t(n - k) for OLS / WLS), p, n and R²; with `p_holm` (Holm-adjusted p-values by outcome) a column
    for the confirmatory family."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    rows = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        rows.append({h["outcome"]: _outcome(outcome, lang, cb), h["estimate"]: row["estimate"],
                     h["std_error"]: row["std_error"], h["ci"]: _ci(row["ci_low"], row["ci_high"], lang),
                     h["p_value"]: fmt.pvalue(row["p_value"], lang)}
                    | ({} if p_holm is None else {STAT_HEADERS[lang]["holm"]: fmt.pvalue(p_holm[outcome], lang)})
                    | {h["n"]: int(fit.n), h["r2"]: fit.r2})
    return pd.DataFrame(rows)


def _group_label(group: str, lang: str, cb: Codebook) -> str:
    return cb.label(group, lang) if group in cb.districts else STAT_HEADERS[lang]["pooled"] if group == "pooled" else group


def power_rows(power: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Power table with labelled groups (districts and the pooled sample in the report language)."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    out = pd.DataFrame({h["group"]: [_group_label(g, lang, cb) for g in power["group"]],
                        h["n"]: power["n"].astype("int64")})
    for col in [c for c in power.columns if c.startswith("power_r")]:
        out[h["power"].format(r=_short_number(col.removeprefix("power_r"), lang))] = power[col]
    out[h["mde_r"]] = power["mde_r"]
    return out


def weighted_rows(weighted: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Unweighted and post-stratified means side by side, with the weighted SE and 95% interval."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    out = pd.DataFrame({HEADERS[lang]["variable"]: [label(v, lang, cb) for v in weighted["variable"]],
                        h["unweighted"]: weighted["unweighted_mean"].to_numpy(), h["weighted"]: weighted["mean"].to_numpy(),
                        h["se"]: weighted["se"].to_numpy()})
    if {"ci_low", "ci_high"} <= set(weighted.columns):
        out[h["ci"]] = [_ci(lo, hi, lang) for lo, hi in zip(weighted["ci_low"], weighted["ci_high"])]
    return out


def heterogeneity_rows(het: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Per-district slopes of each score with their 95% intervals (t(n - k), from the pooled model),
    one row per district, and on the first row of each score the Wald p-value of equal slopes and
    its Benjamini-Hochberg adjustment over the scores (a secondary family)."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    adjusted = dict(zip(het, _bh(result.wald_p_value for result in het.values())))
    rows = []
    for outcome, result in het.items():
        for i, (_, s) in enumerate(result.slopes.iterrows()):
            rows.append({h["outcome"]: _outcome(outcome, lang, cb) if i == 0 else "",
                         h["district"]: district_short(s["district"], lang, cb),
                         h["slope"]: s["estimate"], h["ci"]: _ci(s["ci_low"], s["ci_high"], lang),
                         h["wald"]: fmt.pvalue(result.wald_p_value, lang) if i == 0 else "",
                         h["wald_bh"]: fmt.pvalue(adjusted[outcome], lang) if i == 0 else ""})
    return pd.DataFrame(rows)


def _ci(low: float, high: float, lang: str = "en", digits: int = 2) -> str:
    """'[low, high]' ('[low; high]' in Italian), or '–' when the interval is missing."""
    return fmt.interval(low, high, digits, lang)


def _interval(estimate: float, low: float, high: float, lang: str = "en", digits: int = 2) -> str:
    """'b [low, high]' in the separators of `lang`, or '–' when the estimate is missing."""
    return fmt.MISSING if pd.isna(estimate) else f"{_number(estimate, lang, digits)} {_ci(low, high, lang, digits)}"


SAMPLE_HEADERS = {
    "en": {"sample_n": "Sample firms", "sample_share": "Sample (%)", "population_n": "Population firms",
           "population_share": "Population (%)", "weight": "Weight per firm", "block": "Variables",
           "k": "Columns", "cells": "Missing answers (%)", "firms": "Firms with a gap (%)", "measure": "Measure",
           "value": "Value", "unit": "Unit", "year": "Year", "source": "Source"},
    "it": {"sample_n": "Imprese nel campione", "sample_share": "Campione (%)", "population_n": "Imprese nella popolazione",
           "population_share": "Popolazione (%)", "weight": "Peso per impresa", "block": "Variabili",
           "k": "Colonne", "cells": "Risposte mancanti (%)", "firms": "Imprese con lacune (%)", "measure": "Misura",
           "value": "Valore", "unit": "Unità", "year": "Anno", "source": "Fonte"},
}


def sample_vs_population(cells: pd.DataFrame, by: str = "size_class", lang: str = "en",
                         cb: Codebook | None = None) -> pd.DataFrame:
    """Firms in the sample (n) and in the population (N) by size class or by district, from the
    `cells` of `inference.poststrat_weights`; by size class within one district, also the
    post-stratification weight of each class (after merging sparse classes)."""
    cb = cb or load_codebook()
    h, s = HEADERS[lang], SAMPLE_HEADERS[lang]
    order = list(cb.size_classes) if by == "size_class" else list(cb.district_ids)
    sums = cells.groupby(by)[["n", "N"]].sum()
    sums = sums.loc[[k for k in order if k in sums.index]]
    if "uncounted" in cells:  # a class no source counts (firms of 250+ employees): absent, not 0
        uncounted = cells.groupby(by)["uncounted"].all().reindex(sums.index)
        sums["N"] = sums["N"].astype("float64").mask(uncounted.to_numpy())
    out = pd.DataFrame({h[by] if by in h else MODEL_HEADERS[lang][by]: [cb.label(k, lang) for k in sums.index],
                        s["sample_n"]: sums["n"].to_numpy(), s["sample_share"]: 100 * sums["n"].to_numpy() / sums["n"].sum(),
                        s["population_n"]: pd.array(sums["N"].round(), dtype="Int64"),  # a count: no decimals
                        s["population_share"]: 100 * sums["N"].to_numpy() / sums["N"].sum()})
    if by == "size_class" and cells["district"].nunique() == 1:
        out[s["weight"]] = cells.set_index(by)["weight"].reindex(sums.index).to_numpy()
    return _digits(out, {s["sample_share"]: 1, s["population_share"]: 1})


PUBLISHED_MEASURES = r"^(?:Number of firms|Clothing firms|Number of tanneries|Number of employees|Employees|Export share)"
# The published measures of that selection in Italian (data/raw/published_figures.csv names them in
# English, as published); a test holds that every selected row has its translation.
PUBLISHED_IT = {
    "Number of firms": "Numero di imprese",
    "Number of employees": "Numero di addetti",
    "Export share of sales": "Quota delle vendite esportata",
    "Employees in paper machinery & allied firms": "Addetti delle imprese di macchine per la carta e collegate",
    "Employees in paper-machinery (mechanical) sector": "Addetti del settore meccanico delle macchine per la carta",
    "Number of firms (paper + paper machinery)": "Numero di imprese (carta e macchine per la carta)",
    "Number of employees (paper + paper machinery)": "Numero di addetti (carta e macchine per la carta)",
    "Number of firms (paper & converting only)": "Numero di imprese (solo carta e trasformazione)",
    "Employees (paper & converting only)": "Addetti (solo carta e trasformazione)",
    "Clothing firms (past)": "Imprese dell'abbigliamento (in passato)",
    "Clothing firms (2012)": "Imprese dell'abbigliamento (2012)",
    "Number of firms (leather)": "Numero di imprese (filiera della pelle)",
    "Number of tanneries": "Numero di concerie",
    "Employees (leather)": "Addetti (filiera della pelle)",
    "Employees": "Addetti",
    "Export share of tanning turnover": "Quota esportata del fatturato conciario",
    "Export share of footwear turnover": "Quota esportata del fatturato calzaturiero",
    "Number of firms (tanneries + subcontractors)": "Numero di imprese (concerie e terzisti)",
    "Export share of turnover": "Quota di fatturato esportata",
    "Export share of production": "Quota di produzione esportata",
}
UNITS = {"en": {"firms": "firms", "employees": "employees", "%": "%"},
         "it": {"firms": "imprese", "employees": "addetti", "%": "%"}}
QUALIFIERS = {"en": {"more than": "more than", "fewer than": "fewer than", "approx.": "approx."},
              "it": {"more than": "più di", "fewer than": "meno di", "approx.": "circa"}}


def published_unit(unit: str, lang: str = "en") -> str:
    """A unit of published_figures.csv ("firms (more than)") in `lang` ("imprese (più di)")."""
    if not isinstance(unit, str):
        return fmt.MISSING
    base, _, qualifier = unit.partition(" (")
    qualifier = qualifier.removesuffix(")")
    text = UNITS[lang].get(base, base)
    return f"{text} ({QUALIFIERS[lang].get(qualifier, qualifier)})" if qualifier else text


def published_year(year, lang: str = "en") -> str:
    """A year of published_figures.csv ("c.2009", "c.2010s", "past (c.1990s)") in `lang`."""
    if not isinstance(year, str):
        return fmt.MISSING if pd.isna(year) else str(year)
    if lang == "en":
        return year.replace("c.", "c. ")

    def decade(match: re.Match) -> str:
        start = int(match.group(1))
        return f"anni '{start % 100:02d}" if start < 2000 else f"anni {start}"

    text = re.sub(r"(\d{4})s", decade, year.replace("past", "in passato"))
    return re.sub(r"c\.\s*(.+?)(\)|$)", r"\1 circa\2", text)


def published_source(source_id: str, lang: str = "en", sources: str = "marker") -> str:
    """How a table names a published-figure source: the citation marker "@key" (`sources="marker"`),
    which the renderer (`bibliography.add_references`) turns into a linked "Ecodistretti (2009)" and
    an entry of the report's references; its plain short citation (`"citation"`); or the id of
    published_figures.csv (`"id"`, also for a source the bibliography lacks)."""
    from . import bibliography

    if sources == "id" or source_id not in bibliography.source_keys():
        return source_id
    if sources == "marker":
        return bibliography.source_marker(source_id)
    return bibliography.source_citation(source_id, lang, link=False)


def published_figures(figures: pd.DataFrame, district: str, lang: str = "en", sources: str = "marker") -> pd.DataFrame:
    """The published size and export figures of a district (rows of data/raw/published_figures.csv)
    with year and source (`published_source`: a citation marker the rendered report links to its
    references, by default); measure names as published in English, translated in Italian."""
    s = SAMPLE_HEADERS[lang]
    rows = figures[(figures["district"] == district) & figures["measure"].str.contains(PUBLISHED_MEASURES)]
    measures = rows["measure"] if lang == "en" else rows["measure"].map(lambda m: PUBLISHED_IT.get(m, m))
    return pd.DataFrame({s["measure"]: measures, s["value"]: rows["value"],
                         s["unit"]: [published_unit(u, lang) for u in rows["unit"]],
                         s["year"]: [published_year(y, lang) for y in rows["year"]],
                         s["source"]: [published_source(i, lang, sources) for i in rows["source_id"]]}).reset_index(drop=True)


def missingness(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Item non-response by block of the questionnaire: share of missing answers and of firms with
    at least one missing answer in the block."""
    cb = cb or load_codebook()
    s = SAMPLE_HEADERS[lang]
    blocks = {{"en": "Firm profile", "it": "Profilo dell'impresa"}[lang]: ["employees", "export_share", "firm_age"]}
    blocks |= {cb.label(d, lang): items for d, items in cb.practices_by_dimension().items()}
    blocks[{"en": "Certifications", "it": "Certificazioni"}[lang]] = cb.certifications(None)
    blocks |= {cb.label(k, lang): items for k, items in cb.items_by_scale().items()}
    rows = [{s["block"]: name, s["k"]: len(cols), s["cells"]: 100 * df[cols].isna().to_numpy().mean(),
             s["firms"]: 100 * df[cols].isna().any(axis=1).mean()} for name, cols in blocks.items()]
    return _digits(pd.DataFrame(rows), {s["cells"]: 1, s["firms"]: 1})


STAT_HEADERS = {
    "en": {"block": "Measure", "kind": "Type", "alpha": "Alpha", "ci": "95% CI (Feldt)", "k": "Items",
           "csr dimension": "CSR dimension (KR-20)", "outcome scale": "Competitiveness scale", "item": "Item",
           "scale": "Scale", "communality": "Communality", "kmo": "MSA", "model": "Model", "chi2": "χ²",
           "df": "df", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "cr": "Composite reliability",
           "ave": "AVE", "max_r2": "Largest shared variance", "item_set": "Item set", "component": "First component (share)",
           "factor": "First factor (share)", "logodds": "Log-odds [95% CI]", "ame": "AME on P({cat}) [95% CI]",
           "brant": "Brant p", "method": "Estimator", "complete": "Complete cases (OLS)",
           "weighted": "Post-stratified (WLS, HC1)", "mice": "Multiple imputation (m = {m})",
           "holm": "p (Holm)", "bh": "p (BH)", "ps": "Propensity range", "treated": "Certified",
           "difference": "Difference", "row": "Competitiveness item", "group": "Group", "pooled": "Pooled",
           "admissible": "Admissible solution", "n_treated": "n (certified)", "covariate": "Covariate",
           "smd_before": "SMD before weighting", "smd_after": "SMD after weighting",
           "balanced": "|SMD| < 0.1 after weighting"},
    "it": {"block": "Misura", "kind": "Tipo", "alpha": "Alfa", "ci": "IC 95% (Feldt)", "k": "Voci",
           "csr dimension": "Dimensione di RSI (KR-20)", "outcome scale": "Scala di competitività", "item": "Voce",
           "scale": "Scala", "communality": "Comunalità", "kmo": "MSA", "model": "Modello", "chi2": "χ²",
           "df": "gl", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "cr": "Affidabilità composita",
           "ave": "AVE", "max_r2": "Massima varianza condivisa", "item_set": "Gruppo di voci", "component": "Prima componente (quota)",
           "factor": "Primo fattore (quota)", "logodds": "Coefficiente logit [IC 95%]", "ame": "EMM su P({cat}) [IC 95%]",
           "brant": "p di Brant", "method": "Stimatore", "complete": "Casi completi (OLS)",
           "weighted": "Post-stratificazione (WLS, HC1)", "mice": "Imputazione multipla (m = {m})",
           "holm": "p (Holm)", "bh": "p (BH)", "ps": "Intervallo del punteggio di propensione", "treated": "Certificate",
           "difference": "Differenza", "row": "Voce di competitività", "group": "Gruppo", "pooled": "Campione complessivo",
           "admissible": "Soluzione ammissibile", "n_treated": "n (certificate)", "covariate": "Covariata",
           "smd_before": "SMD prima della ponderazione", "smd_after": "SMD dopo la ponderazione",
           "balanced": "|SMD| < 0,1 dopo la ponderazione"},
}
ANSWERS = {"en": {True: "yes", False: "no"}, "it": {True: "sì", False: "no"}}
LIKERT3_LABELS = {"en": {"worse": "worse", "same": "same", "better": "better"},
                  "it": {"worse": "peggiorata", "same": "invariata", "better": "migliorata"}}


def _block_label(block: str, kind: str, lang: str, cb: Codebook) -> str:
    return label(f"csr_{block}" if kind == "csr dimension" else f"score_{block}", lang, cb)


def reliability_rows(rel: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`measures.reliability_table` of one group: alpha with its Feldt CI per measure."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    return pd.DataFrame({h["block"]: [_block_label(b, k, lang, cb) for b, k in zip(rel["block"], rel["kind"])],
                         h["k"]: rel["k"].to_numpy(), m["n"]: rel["n"].to_numpy(), h["alpha"]: rel["alpha"].to_numpy(),
                         h["ci"]: [_ci(lo, hi, lang) for lo, hi in zip(rel["ci_low"], rel["ci_high"])]})


def reliability_by_group(rel: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`measures.reliability_table` wide: one row per measure, 'alpha [CI]' per district and pooled."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    cells = rel.assign(cell=[_interval(a, lo, hi, lang) for a, lo, hi in rel[["alpha", "ci_low", "ci_high"]].itertuples(index=False)])
    wide = cells.pivot(index=["kind", "block"], columns="group", values="cell")
    groups = [g for g in cb.district_ids if g in wide.columns] + ["all"]
    order = list(dict.fromkeys(zip(rel["kind"], rel["block"])))
    wide = wide.loc[order, groups]
    out = pd.DataFrame({h["block"]: [_block_label(b, k, lang, cb) for k, b in wide.index]})
    for g in groups:
        out[h["pooled"] if g == "all" else district_short(g, lang, cb)] = wide[g].to_numpy()
    return out


def efa_rows(result, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """EFA pattern loadings with the intended scale, communality and item MSA."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    load = result.loadings
    out = pd.DataFrame({h["item"]: [cb.label(i, lang) for i in load["item"]],
                        h["scale"]: [cb.label(s, lang) for s in load["scale"]]})
    for factor in [c for c in load.columns if c.startswith("F") and c[1:].isdigit()]:
        out[factor] = load[factor].to_numpy()
    out[h["communality"]] = load["communality"].to_numpy()
    out[h["kmo"]] = load["msa"].to_numpy()
    return out


def cfa_rows(result, lang: str = "en") -> pd.DataFrame:
    """CFA fit of the 3-factor and the 1-factor (common-method) models, and whether each solution is
    admissible (`measures.improper_solution`)."""
    h = STAT_HEADERS[lang]
    fit = result.fit
    names = {"en": {"3-factor": "Three scales", "1-factor": "One common factor"},
             "it": {"3-factor": "Tre scale", "1-factor": "Un fattore comune"}}[lang]
    answer = ANSWERS[lang]
    return pd.DataFrame({h["model"]: fit["model"].map(names), MODEL_HEADERS[lang]["n"]: fit["n"],
                         h["chi2"]: fit["chi2"], h["df"]: fit["df"], "p": _p(fit["p"], lang), h["cfi"]: fit["cfi"],
                         h["tli"]: fit["tli"], h["rmsea"]: fit["rmsea"], h["srmr"]: fit["srmr"],
                         h["admissible"]: fit["admissible"].map(answer)})


def construct_rows(result, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Composite reliability and AVE per scale, with the largest squared factor correlation
    (Fornell-Larcker: AVE above it supports discriminant validity)."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    rel = result.reliability
    return pd.DataFrame({h["scale"]: [cb.label(f, lang) for f in rel["factor"]], h["k"]: rel["k"],
                         h["cr"]: rel["cr"], h["ave"]: rel["ave"], h["max_r2"]: rel["max_r2"]})


def harman_rows(harman: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Harman's single-factor check: variance share of the first unrotated component and factor."""
    h = STAT_HEADERS[lang]
    sets = {"en": {"outcome items": "Competitiveness items", "outcome and CSR practice items": "Competitiveness and CSR practice items"},
            "it": {"outcome items": "Voci di competitività", "outcome and CSR practice items": "Voci di competitività e pratiche di RSI"}}[lang]
    return pd.DataFrame({h["item_set"]: harman["item_set"].map(sets), h["k"]: harman["k"],
                         MODEL_HEADERS[lang]["n"]: harman["n"], h["component"]: harman["first_component_share"],
                         h["factor"]: harman["first_factor_share"]})


def exposure_label(exposure: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Short column name of an exposure of the association grid: the CSR dimension's name for its
    index ("Workplace"), "Any certification" for `cert_any`, the variable's label otherwise."""
    cb = cb or load_codebook()
    if exposure.startswith("csr_") and exposure.removeprefix("csr_") in cb.csr_dimensions:
        return cb.label(exposure.removeprefix("csr_"), lang)
    return {"cert_any": {"en": "Any certification", "it": "Almeno una certificazione"}}.get(
        exposure, {"en": label(exposure, "en", cb), "it": label(exposure, "it", cb)})[lang]


def grid_rows(grid: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The association grid as a table: outcome items by exposure, 'effect (BH-adjusted p)', with
    short exposure names so that its seven columns fit a portrait page."""
    cb = cb or load_codebook()
    cells = grid.assign(cell=[fmt.MISSING if pd.isna(e) else f"{_number(e, lang)} ({fmt.pvalue(p, lang)})"
                              for e, p in zip(grid["effect"], grid["p_adj"])])
    wide = cells.pivot(index="outcome", columns="exposure", values="cell")
    wide = wide.loc[list(grid["outcome"].drop_duplicates()), list(grid["exposure"].drop_duplicates())]
    out = pd.DataFrame({STAT_HEADERS[lang]["row"]: [cb.label(o, lang) for o in wide.index]})
    for exposure in wide.columns:
        out[exposure_label(exposure, lang, cb)] = wide[exposure].to_numpy()
    return out


def ordered_rows(items: pd.DataFrame, lang: str = "en", cb: Codebook | None = None, step: float = 0.1) -> pd.DataFrame:
    """`models.ordered_items` as a table: log-odds slope with its 95% interval, p and its
    Benjamini-Hochberg adjustment over the items (a secondary family), AMEs on the end categories
    in percentage points per `step` of the exposure (a tenth of the CSR index by default) with their
    intervals, Brant p. Intervals use the normal reference, as the likelihood model's tests."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    scale = 100 * step
    ends = items[["lowest", "highest"]].dropna()
    low, high = ends.iloc[0] if len(ends) else ("worse", "better")
    ame = {end: [_interval(scale * e, scale * (e - Z95 * se), scale * (e + Z95 * se), lang, 1)
                 for e, se in zip(items[f"ame_{end}"], items[f"ame_{end}_se"])] for end in ("lowest", "highest")}
    return pd.DataFrame({
        h["item"]: [cb.label(i, lang) for i in items["outcome"]],
        h["logodds"]: [_interval(b, b - Z95 * se, b + Z95 * se, lang) for b, se in zip(items["estimate"], items["std_error"])],
        m["p_value"]: _p(items["p_value"], lang),
        h["bh"]: _p(_bh(items["p_value"]), lang),
        h["ame"].format(cat=LIKERT3_LABELS[lang][high]): ame["highest"],
        h["ame"].format(cat=LIKERT3_LABELS[lang][low]): ame["lowest"],
        h["brant"]: _p(items["brant_p_value"], lang), m["n"]: pd.array(items["n"], dtype="Int64")})


def robustness_rows(estimates: dict[str, dict[str, pd.Series]], m: int, lang: str = "en",
                    cb: Codebook | None = None) -> pd.DataFrame:
    """One row per outcome, 'b [95% CI]' of the same coefficient under each estimator, each with
    the interval of its model (t(n - k) for OLS and WLS, Barnard-Rubin t for multiple imputation).

    `estimates[outcome][method]` is a row with estimate, ci_low, ci_high; methods 'complete',
    'weighted', 'mice'."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    rows = []
    for outcome, by_method in estimates.items():
        row = {MODEL_HEADERS[lang]["outcome"]: _outcome(outcome, lang, cb)}
        for method, est in by_method.items():
            row[h[method].format(m=m)] = _interval(est["estimate"], est["ci_low"], est["ci_high"], lang)
        rows.append(row)
    return pd.DataFrame(rows)


def certification_rows(effects: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`models.certification_effect` tables stacked: IPW and AIPW differences per outcome with their
    95% intervals (normal reference, GMM standard errors), p and its Benjamini-Hochberg adjustment
    over the outcomes within each estimator (a secondary family), n and certified firms."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    adjusted = pd.Series(fdr_by_family(effects["p_value"].to_numpy(), effects["model"].to_numpy()), index=effects.index)
    return pd.DataFrame({m["outcome"]: [_outcome(o, lang, cb) for o in effects["outcome"]],
                         h["method"]: effects["model"].to_numpy(),
                         h["difference"]: effects["estimate"].to_numpy(),
                         m["ci"]: [_ci(lo, hi, lang) for lo, hi in zip(effects["ci_low"], effects["ci_high"])],
                         m["p_value"]: _p(effects["p_value"], lang), h["bh"]: _p(adjusted, lang),
                         h["n_treated"]: [f"{fmt.integer(n, lang)} ({fmt.integer(t, lang)})"
                                          for n, t in zip(effects["n"], effects["n_treated"])]})


def balance_label(covariate: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Label of a covariate of the treatment model: a variable, a district, or a district dummy
    written 'district=<id>' (`models.covariate_balance`) or 'district[T.<id>]' (patsy): the district's name."""
    cb = cb or load_codebook()
    dummy = re.fullmatch(r"(\w+)\[T\.(.+)\]", covariate) or re.fullmatch(r"(\w+)=(.+)", covariate)
    name = dummy.group(2) if dummy else covariate
    try:
        return cb.label(name, lang) if name in cb.districts else label(name, lang, cb)
    except KeyError:
        return covariate


def balance_rows(balance: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                 threshold: float = 0.1) -> pd.DataFrame:
    """Covariate balance of the IPW / AIPW treatment model: standardized mean differences of each
    covariate between certified and non-certified firms before and after inverse probability
    weighting, and whether |SMD| is below `threshold` (0.1, Austin 2009) after weighting. `balance`
    has columns covariate, smd_before, smd_after (and optionally outcome, shown first)."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    out = pd.DataFrame({h["covariate"]: [balance_label(c, lang, cb) for c in balance["covariate"]],
                        h["smd_before"]: balance["smd_before"].astype("float64").to_numpy(),
                        h["smd_after"]: balance["smd_after"].astype("float64").to_numpy(),
                        h["balanced"]: [None if pd.isna(a) else ANSWERS[lang][bool(abs(a) < threshold)]
                                        for a in balance["smd_after"]]})
    if "outcome" in balance.columns:
        out.insert(0, m["outcome"], [_outcome(o, lang, cb) for o in balance["outcome"]])
    return out


def csr_by_district(frame: pd.DataFrame, districts: list[str], lang: str = "en", cb: Codebook | None = None,
                    pooled: bool = True) -> pd.DataFrame:
    """Mean CSR indices (0-1) and the share of firms with at least one CSR certification, one row per
    index and one column per district (short names), with all districts together when `pooled`:
    narrow enough for a portrait page."""
    cb = cb or load_codebook()
    rows = ["csr_overall", *[f"csr_{d}" for d in cb.csr_dimensions], "cert_any"]
    names = {"en": ("CSR index (0-1)", "Overall", "Share with a CSR certification"),
             "it": ("Indice di RSI (0-1)", "Complessivo", "Quota con una certificazione di RSI")}[lang]
    means = frame.groupby("district", observed=True)[rows].mean().reindex(districts)
    out = pd.DataFrame({names[0]: [names[1], *[cb.label(d, lang) for d in cb.csr_dimensions], names[2]]})
    for d in districts:
        out[district_short(d, lang, cb)] = means.loc[d, rows].astype("float64").to_numpy()
    if pooled and len(districts) > 1:
        out[{"en": "All districts", "it": "Tutti i distretti"}[lang]] = \
            frame.loc[frame["district"].isin(districts), rows].astype("float64").mean().to_numpy()
    return out


SPEC_HEADERS = {
    "en": {"choice": "Choice", "option": "Option", "specs": "Specifications", "estimable": "Estimable",
           "median": "Median estimate", "positive": "Significant, positive (%)", "negative": "Significant, negative (%)",
           "family": "Model family", "all": "All", "linear": "Linear (OLS / LPM)", "logit": "Logit",
           "statistic": "Statistic", "observed": "Observed", "null_median": "Median under the null",
           "median_stat": "Median estimate", "share_significant": "Share significant, dominant sign",
           "stouffer_z": "Stouffer's Z", "outcome_family": "Outcome family", "tested": "Specifications tested"},
    "it": {"choice": "Scelta", "option": "Opzione", "specs": "Specificazioni", "estimable": "Stimabili",
           "median": "Stima mediana", "positive": "Significative, positive (%)", "negative": "Significative, negative (%)",
           "family": "Famiglia di modelli", "all": "Tutte", "linear": "Lineari (OLS / probabilità lineare)", "logit": "Logit",
           "statistic": "Statistica", "observed": "Osservata", "null_median": "Mediana sotto l'ipotesi nulla",
           "median_stat": "Stima mediana", "share_significant": "Quota significativa, segno dominante",
           "stouffer_z": "Z di Stouffer", "outcome_family": "Famiglia di esiti", "tested": "Specificazioni verificate"},
}




def curve_summary(curve: pd.DataFrame) -> dict:
    """Specifications, estimable ones, median estimate, % significant (p < .05) positive and negative."""
    est, p = curve["estimate"], curve["p_value"]
    return {"specs": len(curve), "estimable": int(est.notna().sum()), "median": est.median(),
            "positive": 100 * ((p < 0.05) & (est > 0)).mean(), "negative": 100 * ((p < 0.05) & (est < 0)).mean()}


def spec_summary(curve: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A specification curve in numbers: count, estimable, median, shares significant by sign;
    for all specifications, the linear ones and the logits."""
    h = SPEC_HEADERS[lang]
    parts = {"all": curve, "linear": curve[curve["model"] == "ols"], "logit": curve[curve["model"] == "logit"]}
    return pd.DataFrame([{h["family"]: h[name], **{h[k]: v for k, v in curve_summary(part).items()}}
                         for name, part in parts.items() if len(part)])


def spec_by_choice(curve: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The curve summarised by each option of each choice other than the outcome (which choices move it)."""
    from ..stats.speccurve import DIMENSIONS, LABELS, option_label

    cb = cb or load_codebook()
    h = SPEC_HEADERS[lang]
    rows = []
    for dim in [d for d in DIMENSIONS if d != "outcome"]:
        for value, part in curve.groupby(dim, sort=False):
            summary = curve_summary(part)
            rows.append({h["choice"]: LABELS[lang]["dimension"][dim],
                         h["option"]: option_label(dim, value, lang, cb),
                         h["specs"]: summary["specs"], h["median"]: summary["median"],
                         h["positive"]: summary["positive"], h["negative"]: summary["negative"]})
    return pd.DataFrame(rows)


def spec_joint_rows(joint, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`speccurve.JointTest.table` labelled: observed statistic, its median under the null, p. With a
    dict {outcome family: JointTest or estimability.Check}, one block per family that could be
    tested, with the family and the number of estimable linear specifications tested."""
    h = SPEC_HEADERS[lang]
    names = {"median": h["median_stat"], "share_significant": h["share_significant"], "stouffer_z": h["stouffer_z"]}
    if isinstance(joint, dict):
        cb = cb or load_codebook()
        parts = [spec_joint_rows(test, lang).assign(**{h["tested"]: test.n_specs})
                 .pipe(lambda t, f=family: pd.concat([pd.Series(cb.label(f, lang), index=t.index, name=h["outcome_family"]), t], axis=1))
                 for family, test in joint.items() if hasattr(test, "table")]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[h["outcome_family"]])
    t = joint.table
    # p = 0 means no null draw was as extreme: p < 1 / n_boot (rounded up), not "< 0.001" at 500 draws
    floor = math.ceil(1000 / joint.n_boot) / 1000 if getattr(joint, "n_boot", 0) else 0.001
    return pd.DataFrame({h["statistic"]: t["statistic"].map(names), h["observed"]: t["observed"],
                         h["null_median"]: t["null_median"],
                         "p": [f"< {fmt.number(floor, 3, lang)}" if p == 0 and floor > 0.001 else fmt.pvalue(p, lang)
                               for p in t["p_value"]]})
