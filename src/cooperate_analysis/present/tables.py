"""Publication tables: descriptive summaries with codebook labels in the report language."""
from __future__ import annotations

import pandas as pd

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label

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
    return pd.DataFrame(rows)


def describe(df: pd.DataFrame, columns: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Mean, SD, median and missing share of numeric variables, labelled."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    rows = []
    for col in columns:
        x = df[col].astype("float64")
        rows.append({h["variable"]: label(col, lang, cb), h["n"]: int(x.notna().sum()), h["mean"]: x.mean(),
                     h["sd"]: x.std(), h["median"]: x.median(), h["missing"]: 100 * x.isna().mean()})
    return pd.DataFrame(rows)


MODEL_HEADERS = {
    "en": {"outcome": "Outcome", "estimate": "Coefficient", "std_error": "SE (HC3)", "ci": "95% CI",
           "p_value": "p", "n": "n", "r2": "R²", "district": "District", "mde_r": "Minimum detectable r (80%)",
           "power": "Power at r = {r}", "mean": "Mean", "unweighted": "Unweighted", "weighted": "Weighted",
           "se": "SE"},
    "it": {"outcome": "Esito", "estimate": "Coefficiente", "std_error": "ES (HC3)", "ci": "IC 95%",
           "p_value": "p", "n": "n", "r2": "R²", "district": "Distretto", "mde_r": "r minimo rilevabile (80%)",
           "power": "Potenza con r = {r}", "mean": "Media", "unweighted": "Non ponderata", "weighted": "Ponderata",
           "se": "ES"},
}


def coefficient_rows(fits: dict, term: str, lang: str = "en", cb: Codebook | None = None,
                     p_holm: pd.Series | None = None) -> pd.DataFrame:
    """One row per outcome: the coefficient of `term` with SE, CI, p, n and R²; with `p_holm`
    (Holm-adjusted p-values by outcome) a column for the confirmatory family."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    rows = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        rows.append({h["outcome"]: label(outcome, lang, cb), h["estimate"]: row["estimate"],
                     h["std_error"]: row["std_error"], h["ci"]: _ci(row["ci_low"], row["ci_high"]),
                     h["p_value"]: row["p_value"]}
                    | ({} if p_holm is None else {STAT_HEADERS[lang]["holm"]: p_holm[outcome]})
                    | {h["n"]: fit.n, h["r2"]: fit.r2})
    return pd.DataFrame(rows)


def power_rows(power: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Power table with labelled groups (districts and "pooled" in the report language) and headers."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    groups = [cb.label(g, lang) if g in cb.districts else STAT_HEADERS[lang][g] if g == "pooled" else g
              for g in power["group"]]
    out = pd.DataFrame({h["district"]: groups, h["n"]: power["n"]})
    for col in [c for c in power.columns if c.startswith("power_r")]:
        out[h["power"].format(r=col.removeprefix("power_r"))] = power[col]
    out[h["mde_r"]] = power["mde_r"]
    return out


def weighted_rows(weighted: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Unweighted and post-stratified means side by side, with the weighted SE."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    return pd.DataFrame({HEADERS[lang]["variable"]: [label(v, lang, cb) for v in weighted["variable"]],
                         h["unweighted"]: weighted["unweighted_mean"], h["weighted"]: weighted["mean"],
                         h["se"]: weighted["se"]})


def heterogeneity_rows(het: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Per-district slopes for each score and the joint Wald p-value of equal slopes."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    rows = []
    for outcome, result in het.items():
        row = {h["outcome"]: label(outcome, lang, cb)}
        for _, s in result.slopes.iterrows():
            row[cb.label(s["district"], lang)] = f"{s['estimate']:.2f} ({s['std_error']:.2f})"
        row[{"en": "Wald p (equal slopes)", "it": "p di Wald (pendenze uguali)"}[lang]] = result.wald_p_value
        rows.append(row)
    return pd.DataFrame(rows)


def _ci(low: float, high: float, digits: int = 2) -> str:
    """'[low, high]', or '–' when the interval is missing."""
    return "–" if pd.isna(low) or pd.isna(high) else f"[{low:.{digits}f}, {high:.{digits}f}]"


def _interval(estimate: float, low: float, high: float, digits: int = 2) -> str:
    """'b [low, high]', or '–' when the estimate is missing."""
    return "–" if pd.isna(estimate) else f"{estimate:.{digits}f} {_ci(low, high, digits)}"


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
                        s["population_n"]: sums["N"].to_numpy(),
                        s["population_share"]: 100 * sums["N"].to_numpy() / sums["N"].sum()})
    if by == "size_class" and cells["district"].nunique() == 1:
        out[s["weight"]] = cells.set_index(by)["weight"].reindex(sums.index).to_numpy()
    return out


PUBLISHED_MEASURES = r"^(?:Number of firms|Clothing firms|Number of tanneries|Number of employees|Employees|Export share)"


def published_figures(figures: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """The published size and export figures of a district (rows of data/raw/published_figures.csv),
    as published: measure names in English, with year and source id."""
    s = SAMPLE_HEADERS[lang]
    rows = figures[(figures["district"] == district) & figures["measure"].str.contains(PUBLISHED_MEASURES)]
    return pd.DataFrame({s["measure"]: rows["measure"], s["value"]: rows["value"], s["unit"]: rows["unit"],
                         s["year"]: rows["year"], s["source"]: rows["source_id"]}).reset_index(drop=True)


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
    return pd.DataFrame(rows)


STAT_HEADERS = {
    "en": {"block": "Measure", "kind": "Type", "alpha": "Alpha", "ci": "95% CI (Feldt)", "k": "Items",
           "csr dimension": "CSR dimension (KR-20)", "outcome scale": "Competitiveness scale", "item": "Item",
           "scale": "Scale", "communality": "Communality", "kmo": "MSA", "model": "Model", "chi2": "Chi-square",
           "df": "df", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "cr": "Composite reliability",
           "ave": "AVE", "max_r2": "Largest shared variance", "item_set": "Item set", "component": "First component (share)",
           "factor": "First factor (share)", "logodds": "Log-odds (SE)", "ame": "AME on P({cat}), points per {step} of CSR [95% CI]",
           "brant": "Brant p", "method": "Estimator", "complete": "Complete cases (OLS)",
           "weighted": "Post-stratified (WLS, HC1)", "mice": "Multiple imputation (m = {m})",
           "holm": "p (Holm)", "ps": "Propensity range", "treated": "Certified", "difference": "Difference", "row": "Outcome item",
           "group": "Group", "pooled": "Pooled", "admissible": "Admissible solution"},
    "it": {"block": "Misura", "kind": "Tipo", "alpha": "Alfa", "ci": "IC 95% (Feldt)", "k": "Voci",
           "csr dimension": "Dimensione RSI (KR-20)", "outcome scale": "Scala di competitività", "item": "Voce",
           "scale": "Scala", "communality": "Comunalità", "kmo": "MSA", "model": "Modello", "chi2": "Chi quadrato",
           "df": "gl", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "cr": "Affidabilità composita",
           "ave": "AVE", "max_r2": "Massima varianza condivisa", "item_set": "Insieme di voci", "component": "Prima componente (quota)",
           "factor": "Primo fattore (quota)", "logodds": "Log-odds (ES)", "ame": "EMM su P({cat}), punti per {step} di RSI [IC 95%]",
           "brant": "p di Brant", "method": "Stimatore", "complete": "Casi completi (OLS)",
           "weighted": "Post-stratificata (WLS, HC1)", "mice": "Imputazione multipla (m = {m})",
           "holm": "p (Holm)", "ps": "Intervallo del propensity score", "treated": "Certificate", "difference": "Differenza", "row": "Voce di esito",
           "group": "Gruppo", "pooled": "Insieme", "admissible": "Soluzione ammissibile"},
}
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
                         h["ci"]: [_ci(lo, hi) for lo, hi in zip(rel["ci_low"], rel["ci_high"])]})


def reliability_by_group(rel: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`measures.reliability_table` wide: one row per measure, 'alpha [CI]' per district and pooled."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    cells = rel.assign(cell=[_interval(a, lo, hi) for a, lo, hi in rel[["alpha", "ci_low", "ci_high"]].itertuples(index=False)])
    wide = cells.pivot(index=["kind", "block"], columns="group", values="cell")
    groups = [g for g in cb.district_ids if g in wide.columns] + ["all"]
    order = list(dict.fromkeys(zip(rel["kind"], rel["block"])))
    wide = wide.loc[order, groups]
    out = pd.DataFrame({h["block"]: [_block_label(b, k, lang, cb) for k, b in wide.index]})
    for g in groups:
        out[h["pooled"] if g == "all" else cb.label(g, lang)] = wide[g].to_numpy()
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
    answer = {"en": {True: "yes", False: "no"}, "it": {True: "sì", False: "no"}}[lang]
    return pd.DataFrame({h["model"]: fit["model"].map(names), MODEL_HEADERS[lang]["n"]: fit["n"],
                         h["chi2"]: fit["chi2"], h["df"]: fit["df"], "p": fit["p"], h["cfi"]: fit["cfi"],
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


def grid_rows(grid: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The association grid as a table: outcome items by exposure, 'effect (BH-adjusted p)'."""
    cb = cb or load_codebook()
    cells = grid.assign(cell=[("–" if pd.isna(e) else f"{e:.2f} ({p:.3f})") for e, p in zip(grid["effect"], grid["p_adj"])])
    wide = cells.pivot(index="outcome", columns="exposure", values="cell")
    wide = wide.loc[list(grid["outcome"].drop_duplicates()), list(grid["exposure"].drop_duplicates())]
    out = pd.DataFrame({STAT_HEADERS[lang]["row"]: [cb.label(o, lang) for o in wide.index]})
    for exposure in wide.columns:
        out[label(exposure, lang, cb)] = wide[exposure].to_numpy()
    return out


def ordered_rows(items: pd.DataFrame, lang: str = "en", cb: Codebook | None = None, step: float = 0.1) -> pd.DataFrame:
    """`models.ordered_items` as a table: log-odds slope, AMEs on the end categories in percentage
    points per `step` of the exposure (a tenth of the CSR index by default), Brant p."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    q, scale = 1.959963984540054, 100 * step
    ends = items[["lowest", "highest"]].dropna()
    low, high = ends.iloc[0] if len(ends) else ("worse", "better")
    step_text = f"{step:g}".replace(".", "," if lang == "it" else ".")
    ame = {end: [_interval(scale * e, scale * (e - q * se), scale * (e + q * se), 1)
                 for e, se in zip(items[f"ame_{end}"], items[f"ame_{end}_se"])] for end in ("lowest", "highest")}
    return pd.DataFrame({
        h["item"]: [cb.label(i, lang) for i in items["outcome"]],
        h["logodds"]: ["–" if pd.isna(b) else f"{b:.2f} ({se:.2f})" for b, se in zip(items["estimate"], items["std_error"])],
        m["p_value"]: items["p_value"],
        h["ame"].format(cat=LIKERT3_LABELS[lang][high], step=step_text): ame["highest"],
        h["ame"].format(cat=LIKERT3_LABELS[lang][low], step=step_text): ame["lowest"],
        h["brant"]: items["brant_p_value"], m["n"]: items["n"]})


def robustness_rows(estimates: dict[str, dict[str, pd.Series]], m: int, lang: str = "en",
                    cb: Codebook | None = None) -> pd.DataFrame:
    """One row per outcome, 'b [CI]' of the same coefficient under each estimator.

    `estimates[outcome][method]` is a row with estimate, ci_low, ci_high; methods 'complete',
    'weighted', 'mice'."""
    cb = cb or load_codebook()
    h = STAT_HEADERS[lang]
    rows = []
    for outcome, by_method in estimates.items():
        row = {MODEL_HEADERS[lang]["outcome"]: label(outcome, lang, cb)}
        for method, est in by_method.items():
            row[h[method].format(m=m)] = _interval(est["estimate"], est["ci_low"], est["ci_high"])
        rows.append(row)
    return pd.DataFrame(rows)


def certification_rows(effects: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`models.certification_effect` tables stacked: IPW and AIPW differences per outcome."""
    cb = cb or load_codebook()
    h, m = STAT_HEADERS[lang], MODEL_HEADERS[lang]
    return pd.DataFrame({m["outcome"]: [label(o, lang, cb) for o in effects["outcome"]],
                         h["method"]: effects["model"].to_numpy(),
                         h["difference"]: effects["estimate"].to_numpy(),
                         m["ci"]: [_ci(lo, hi) for lo, hi in zip(effects["ci_low"], effects["ci_high"])],
                         m["p_value"]: effects["p_value"].to_numpy(), m["n"]: effects["n"].to_numpy(),
                         h["treated"]: effects["n_treated"].to_numpy(),
                         h["ps"]: [f"{a:.2f}-{b:.2f}" for a, b in zip(effects["ps_min"], effects["ps_max"])]})


SPEC_HEADERS = {
    "en": {"choice": "Choice", "option": "Option", "specs": "Specifications", "estimable": "Estimable",
           "median": "Median estimate", "positive": "Significant, positive (%)", "negative": "Significant, negative (%)",
           "family": "Model family", "all": "All", "linear": "Linear (OLS / LPM)", "logit": "Logit",
           "statistic": "Statistic", "observed": "Observed", "null_median": "Median under the null",
           "median_stat": "Median estimate", "share_significant": "Share significant, dominant sign",
           "stouffer_z": "Stouffer's Z", "outcome_family": "Outcome family", "tested": "Specifications tested"},
    "it": {"choice": "Scelta", "option": "Opzione", "specs": "Specificazioni", "estimable": "Stimabili",
           "median": "Stima mediana", "positive": "Significative, positive (%)", "negative": "Significative, negative (%)",
           "family": "Famiglia di modelli", "all": "Tutte", "linear": "Lineari (OLS / LPM)", "logit": "Logit",
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
            rows.append({h["choice"]: LABELS[lang]["dimension"][dim], h["option"]: option_label(dim, value, lang, cb),
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
    return pd.DataFrame({h["statistic"]: t["statistic"].map(names), h["observed"]: t["observed"],
                         h["null_median"]: t["null_median"], "p": t["p_value"]})
