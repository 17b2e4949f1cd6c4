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
from ..data.derived import ADOPTION_REGRESSORS, CHANNEL_KINDS, label
from ..stats.inference import fdr_by_family
from . import formatting as fmt
from .published import (PUBLISHED_MEASURES, published_figures, published_it, published_source,  # noqa: F401
                        published_unit, published_year, qualifier_words, unit_words)

def _bh(values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of one family (missing ones stay missing)."""
    p = np.asarray(list(values), dtype="float64")
    return fdr_by_family(p, ["family"] * len(p)) if len(p) else p


def _number(value, lang: str, digits: int = 2, sign: bool = False) -> str:
    return fmt.number(value, digits, lang, sign=sign)


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

NBSP = "\u00a0"  # no-break space: keeps a share and its interval on one line
def _ci(low: float, high: float, lang: str = "en", digits: int = 2) -> str:
    """'[low, high]' ('[low; high]' in Italian), or '–' when the interval is missing."""
    return fmt.interval(low, high, digits, lang)


def _interval(estimate: float, low: float, high: float, lang: str = "en", digits: int = 2) -> str:
    """'b [low, high]' in the separators of `lang`, or '–' when the estimate is missing."""
    return fmt.MISSING if pd.isna(estimate) else f"{_number(estimate, lang, digits)} {_ci(low, high, lang, digits)}"


STAT_HEADERS = {
    "en": {"block": "Measure", "kind": "Type", "alpha": "Alpha", "ci": "95% CI (Feldt)", "k": "Items",
           "csr dimension": "CSR dimension (KR-20)", "outcome scale": "Competitiveness scale", "item": "Item",
           "scale": "Scale", "communality": "Communality", "kmo": "MSA", "model": "Model", "chi2": "χ²",
           "df": "df", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "cr": "Composite reliability",
           "ave": "AVE", "max_r2": "Largest shared variance", "item_set": "Item set", "component": "First component (share)",
           "factor": "First factor (share)", "logodds": "Log-odds [95% CI]", "ame": "AME on P({cat}) [95% CI]",
           "brant": "Brant p", "method": "Estimator", "complete": "Complete cases (OLS)",
           "weighted": "Post-stratified (WLS, HC1)", "mice": "Multiple imputation (m = {m})",
           "holm": "p (Holm)", "bh": "p (BH)",
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
           "holm": "p (Holm)", "bh": "p (BH)",
           "difference": "Differenza", "row": "Voce di competitività", "group": "Gruppo", "pooled": "Campione complessivo",
           "admissible": "Soluzione ammissibile", "n_treated": "n (certificate)", "covariate": "Covariata",
           "smd_before": "SMD prima della ponderazione", "smd_after": "SMD dopo la ponderazione",
           "balanced": "|SMD| < 0,1 dopo la ponderazione"},
}
ANSWERS = {"en": {True: "yes", False: "no"}, "it": {True: "sì", False: "no"}}
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


# --- district sustainability reports (issue 17) -------------------------------------------------------
#
# `sustainability_indicators` gathers, for one district and one section of the report (economic, social,
# environmental), every indicator row with where it comes from: "published" (a row of
# data/raw/published_figures.csv with its year, perimeter and source), "survey" (a share of answering
# firms with its Wilson interval, from `measures.adoption_profile`) or "absent" (no source gives it; never
# a value). `indicator_table` prints them in a report language.

SUSTAINABILITY_SECTIONS = {  # section -> [(indicator, whether a published figure is looked for, survey items)]
    "territory": [("territory", True, [])],
    "economic": [("firms", True, []), ("employees", True, []), ("output", True, []), ("exports", True, []),
                 ("size_structure", True, [])],
    "social": [("employment", True, ["dimension:workplace", "wp_training_plan", "cert_sa8000"]),
               ("workplace_safety", True, ["cert_ohsas18001"]),
               ("stakeholder_relations", True, ["com_stakeholder_dialogue", "dimension:community"]),
               ("ethics_code", True, ["gov_code_of_ethics"])],
    "environmental": [("certified_firms", True, ["cert_iso14001", "cert_emas"]), ("district_emas", True, []),
                      ("environmental_practices", False, ["dimension:environment", "env_internal_audit",
                                                          "env_impact_monitoring"])],
}
TERRITORY_MEASURES = ("Area", "Number of comuni", "Population")  # the territory rows of published_figures.csv
INDICATOR_NAMES = {
    "en": {"territory": "Territory", "firms": "Firms", "employees": "Employees", "output": "Output and turnover", "exports": "Exports",
           "size_structure": "Size structure", "employment": "Employment and working conditions",
           "workplace_safety": "Workplace safety", "stakeholder_relations": "Relations with stakeholders",
           "ethics_code": "Ethics codes", "certified_firms": "Certified firms and voluntary schemes",
           "district_emas": "District EMAS", "environmental_practices": "Environmental practices"},
    "it": {"territory": "Territorio", "firms": "Imprese", "employees": "Addetti", "output": "Produzione e fatturato", "exports": "Esportazioni",
           "size_structure": "Struttura dimensionale", "employment": "Occupazione e condizioni di lavoro",
           "workplace_safety": "Sicurezza sul lavoro", "stakeholder_relations": "Relazioni con i portatori di interesse",
           "ethics_code": "Codici etici", "certified_firms": "Imprese certificate e strumenti volontari",
           "district_emas": "EMAS di distretto", "environmental_practices": "Pratiche ambientali"},
}
SOURCE_KIND = {
    "en": {"published": "Published: {source}", "survey": "Survey", "survey_synthetic": "Survey (synthetic data)",
           "absent": "Absent: no source gives it"},
    "it": {"published": "Dato pubblicato: {source}", "survey": "Indagine",
           "survey_synthetic": "Indagine (dati sintetici)", "absent": "Assente: nessuna fonte lo riporta"},
}
INDICATOR_HEADERS = {
    "en": {"indicator": "Indicator", "measure": "Measure", "value": "Value", "year": "Year",
           "perimeter": "Perimeter", "source": "Source"},
    "it": {"indicator": "Indicatore", "measure": "Misura", "value": "Valore", "year": "Anno",
           "perimeter": "Perimetro", "source": "Fonte"},
}
SURVEY_WORDS = {
    "en": {"dimension": "At least one practice: {dim}", "share": "{label} (% of firms)",
           "perimeter": "{k} of {n} firms of the sample"},
    "it": {"dimension": "Almeno una pratica: {dim}", "share": "{label} (% delle imprese)",
           "perimeter": "{k} su {n} imprese del campione"},
}
# The measures and perimeters of the indicator rows of published_figures.csv in Italian (the file names
# them as published, in English or Italian); a test holds that every row shown has its translation.
SUSTAINABILITY_IT = {
    "Stakeholder consultation: barrier 'lack of resources and expertise'":
        "Consultazione dei portatori di interesse: ostacolo «mancanza di risorse e competenze»",
    "Stakeholder consultation: barrier 'scarce knowledge of the instruments'":
        "Consultazione dei portatori di interesse: ostacolo «scarsa conoscenza degli strumenti»",
    "Stakeholder consultation: support measure 'cluster tools'":
        "Consultazione dei portatori di interesse: sostegno «strumenti di distretto»",
    "Stakeholder consultation: support measure 'administrative/normative simplification'":
        "Consultazione dei portatori di interesse: sostegno «semplificazione amministrativa e normativa»",
    "Stakeholder consultation: actor that should do more = local institutions":
        "Consultazione dei portatori di interesse: chi dovrebbe fare di più = istituzioni locali",
    "Stakeholder consultation: actor that should do more = associations":
        "Consultazione dei portatori di interesse: chi dovrebbe fare di più = associazioni",
    "Area": "Superficie",
    "Number of comuni": "Numero di comuni",
    "Population": "Popolazione",
    "Distretto cartario (Capannori)": "distretto cartario (Capannori)",
    "Annual sales": "Vendite annue",
    "Tissue production": "Produzione di carta tissue",
    "Share of Italian tissue production": "Quota della produzione italiana di tissue",
    "Corrugated board production": "Produzione di cartone ondulato",
    "Direct employees": "Addetti diretti",
    "Share of national tissue production": "Quota della produzione nazionale di tissue",
    "Share of national corrugated board production": "Quota della produzione nazionale di cartone ondulato",
    "Share of district turnover from 5 leading groups": "Quota del fatturato del distretto dei 5 gruppi principali",
    "Sofidel turnover": "Fatturato di Sofidel",
    "Industrie Cartarie Tronchetti turnover": "Fatturato di Industrie Cartarie Tronchetti",
    "SCA turnover": "Fatturato di SCA",
    "Lucart turnover": "Fatturato di Lucart",
    "Ondulati Giusti turnover": "Fatturato di Ondulati Giusti",
    "District turnover": "Fatturato del distretto",
    "Turnover (paper + paper machinery)": "Fatturato (carta e macchine per la carta)",
    "Turnover (paper & converting only)": "Fatturato (solo carta e trasformazione)",
    "Export growth vs previous year": "Crescita delle esportazioni sull'anno precedente",
    "Clothing share of manufacturing value added (c.1990)":
        "Quota dell'abbigliamento nel valore aggiunto manifatturiero (1990 circa)",
    "Clothing share of manufacturing value added (2011)":
        "Quota dell'abbigliamento nel valore aggiunto manifatturiero (2011)",
    "Clothing share of manufacturing employment (c.1990)":
        "Quota dell'abbigliamento nell'occupazione manifatturiera (1990 circa)",
    "Clothing share of manufacturing employment (2011)":
        "Quota dell'abbigliamento nell'occupazione manifatturiera (2011)",
    "Firms in the Empolese Valdelsa area (all sectors)": "Imprese dell'area dell'Empolese Valdelsa (tutti i settori)",
    "Revenues of firms in the area (all sectors)": "Ricavi delle imprese dell'area (tutti i settori)",
    "IRPET index clothing value added (1990s=100)":
        "Indice IRPET del valore aggiunto dell'abbigliamento (anni '90 = 100)",
    "Total firms in district area (all sectors)": "Imprese totali dell'area del distretto (tutti i settori)",
    "Peak clothing employees (11 comuni)": "Massimo storico degli addetti dell'abbigliamento (11 comuni)",
    "District exports": "Esportazioni del distretto",
    "Share of Tuscan district exports": "Quota delle esportazioni dei distretti toscani",
    "District exports Q1": "Esportazioni del distretto, primo trimestre",
    "Number of subcontractor firms": "Numero di imprese terziste",
    "Share of national leather production (footwear/leather goods/clothing)":
        "Quota della produzione nazionale di pelli (calzature, pelletteria, abbigliamento)",
    "Share of national sole-leather production": "Quota della produzione nazionale di cuoio da suola",
    "Output share: leather & sole leather for footwear": "Quota della produzione: pelli e cuoio da suola per calzature",
    "Output share: leather goods": "Quota della produzione: pelletteria",
    "Output share: clothing": "Quota della produzione: abbigliamento",
    "Output share: furniture & other": "Quota della produzione: arredamento e altro",
    "Firms up to 49 employees": "Imprese fino a 49 addetti",
    "Exports": "Esportazioni",
    "Share of EU sole-leather production": "Quota della produzione europea di cuoio da suola",
    "Production value": "Valore della produzione",
    "Average employees per firm": "Addetti medi per impresa",
    "Turnover": "Fatturato",
    "Tanneries in Associazione Conciatori adopting ethics code":
        "Concerie dell'Associazione Conciatori che adottano il codice etico",
    "Destination of production: shoes": "Destinazione della produzione: calzature",
    "Destination of production: leather goods": "Destinazione della produzione: pelletteria",
    "Destination of production: garments & upholstery": "Destinazione della produzione: abbigliamento e imbottiti",
    "Medium-sized firms": "Imprese di media dimensione",
    "Production change Jan-Jun 2024 vs Jan-Jun 2023": "Variazione della produzione, gennaio-giugno 2024 su 2023",
    "Export change Jan-Jun 2024 vs Jan-Jun 2023": "Variazione delle esportazioni, gennaio-giugno 2024 su 2023",
    "Share of exports to France, Germany and Spain": "Quota delle esportazioni verso Francia, Germania e Spagna",
    "IRPET index manufacturing value added (1990s=100)":
        "Indice IRPET del valore aggiunto manifatturiero (anni '90 = 100)",
    "IRPET index value added of the whole economy (1990s=100)":
        "Indice IRPET del valore aggiunto dell'intera economia (anni '90 = 100)",
    "Clothing share of manufacturing output (twenty years earlier)":
        "Quota dell'abbigliamento nella produzione manifatturiera (vent'anni prima)",
    "Share of Tuscany's industrial/manufacturing employees in 3 Medio Valdarno districts":
        "Quota degli addetti industriali e manifatturieri toscani nei 3 distretti del Medio Valdarno",
    "Share of Italian sole-leather production": "Quota della produzione italiana di cuoio da suola",
    "Share of national leather production": "Quota della produzione nazionale di pelli",
    "Tanneries in Associazione Conciatori (total)": "Concerie dell'Associazione Conciatori (totale)",
    "Share of national tannery machinery": "Quota nazionale delle macchine per conceria",
    "District EMAS (APO) certificate: year first issued": "Attestato EMAS di distretto (APO): anno del primo rilascio",
    "Share of the province's workforce": "Quota degli occupati della provincia",
    "Share of the province's industrial turnover": "Quota del fatturato industriale della provincia",
    "Firm mix: corrugated-board makers": "Composizione delle imprese: produttori di cartone ondulato",
    "Firm mix: paper mills": "Composizione delle imprese: cartiere",
    "Firm mix: converters": "Composizione delle imprese: trasformatori",
    "Active firms in the province of Lucca": "Imprese attive in provincia di Lucca",
    "Local units in the province of Lucca": "Unità locali in provincia di Lucca",
    "Employment change vs 2010": "Variazione dell'occupazione sul 2010",
    "District EMAS (APO) certificate: held since (year)": "Attestato EMAS di distretto (APO): posseduto dal (anno)",
    "Tanneries among the first EMAS registrations in the world": "Concerie tra le prime registrazioni EMAS al mondo",
    "District EMAS recognition: year obtained": "Riconoscimento EMAS di distretto: anno di rilascio",
    "Other Italian districts with the EMAS recognition": "Altri distretti italiani con il riconoscimento EMAS",
    # perimeters
    "stakeholders who participated in the COOPERATE consultation (three clusters pooled)":
        "portatori di interesse che hanno partecipato alla consultazione di COOPERATE (tre distretti insieme)",
    "paper machinery and allied firms": "imprese di macchine per la carta e collegate",
    "mechanical sector (paper machinery)": "settore meccanico (macchine per la carta)",
    "paper district": "distretto cartario",
    "clothing in the Empolese Valdelsa": "abbigliamento nell'Empolese Valdelsa",
    "Empolese Valdelsa area (all sectors)": "area dell'Empolese Valdelsa (tutti i settori)",
    "district area, all sectors (CCIAA Firenze)": "area del distretto, tutti i settori (CCIAA di Firenze)",
    "clothing in the 11 comuni": "abbigliamento negli 11 comuni",
    "Santa Croce sull'Arno tanning district": "distretto conciario di Santa Croce sull'Arno",
    "tanneries of the Associazione Conciatori": "concerie dell'Associazione Conciatori",
    "Tanneries in Toscana (Leathermag)": "concerie in Toscana (Leathermag)",
    "Empolese Valdelsa manufacturing": "manifattura dell'Empolese Valdelsa",
    "Empolese Valdelsa, whole economy": "Empolese Valdelsa, intera economia",
    "Medio Valdarno districts (Empoli, Castelfiorentino, Santa Croce)":
        "distretti del Medio Valdarno (Empoli, Castelfiorentino, Santa Croce)",
    "settore cartario, provincia di Lucca (mainly Mediavalle lucchese and Garfagnana)":
        "settore cartario, provincia di Lucca (soprattutto Mediavalle lucchese e Garfagnana)",
    "imprese attive in provincia di Lucca (paper)": "imprese attive in provincia di Lucca (carta)",
    "tanning production in Tuscany": "produzione conciaria in Toscana",
    "Empoli district": "distretto di Empoli",
    "Italy": "Italia",
}
SUSTAINABILITY_UNITS = {
    "en": {"million EUR": "million EUR", "t/year": "t/year", "% of firms": "% of firms", "districts": "districts",
           "local units": "local units", "index": "index", "year": "", "EUR": "EUR", "km2": "km²"},
    "it": {"million EUR": "milioni di euro", "t/year": "t/anno", "% of firms": "% delle imprese",
           "districts": "distretti", "local units": "unità locali", "index": "indice", "year": "", "EUR": "euro",
           "km2": "km²", "% of answers": "% delle risposte", "% of votes": "% dei voti", "comuni": "comuni",
           "inhabitants": "abitanti"},
    "qualifiers": {"en": {"almost": "almost", "less than": "less than"},
                   "it": {"almost": "quasi", "less than": "meno di"}},
}


def translated(text, lang: str = "en") -> str:
    """A measure or perimeter of published_figures.csv in `lang` (as published in English; Italian from
    `SUSTAINABILITY_IT` and `PUBLISHED_IT`, or the text itself when it is already Italian)."""
    if not isinstance(text, str) or not text.strip():
        return fmt.MISSING
    if lang == "en":
        return text
    return SUSTAINABILITY_IT.get(text, published_it().get(text, text))


def _unit_text(unit, lang: str) -> str:
    """A unit of published_figures.csv in `lang`, its qualifier ("(approx.)") translated."""
    if not isinstance(unit, str) or not unit.strip():
        return ""
    base, _, qualifier = unit.partition(" (")
    qualifier = qualifier.removesuffix(")")
    text = SUSTAINABILITY_UNITS[lang].get(base, unit_words(lang).get(base, SUSTAINABILITY_UNITS[lang].get(unit, base)))
    if qualifier:
        words = {**qualifier_words(lang), **SUSTAINABILITY_UNITS["qualifiers"][lang]}
        text = f"{text} ({words.get(qualifier, qualifier)})"
    return text


def published_value(value, unit, lang: str = "en") -> str:
    """A published value with its unit: "6,000 employees", "1.272,7 milioni di euro", a year as "2008". The
    decimals are those of the file (1272.7 keeps one)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return fmt.MISSING
    value = float(value)
    if isinstance(unit, str) and unit.strip() == "year":
        return str(int(value))
    text = np.format_float_positional(value, trim="-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    number = fmt.number(value, decimals, lang)
    unit_text = _unit_text(unit, lang)
    if unit_text.startswith("%"):
        return number + unit_text
    return f"{number} {unit_text}".strip()


def sustainability_indicators(published: pd.DataFrame, profile: pd.DataFrame, district: str,
                              section: str) -> pd.DataFrame:
    """The indicator rows of one `section` of a district's sustainability report, language-free: for each
    indicator of `SUSTAINABILITY_SECTIONS`, the rows of `published` (published_figures.csv with its
    `indicator` and `perimeter` columns) about the district (or about all COOPERATE districts) in file
    order, or one "absent" row when none is; then the district's survey shares of `profile`
    (`measures.adoption_profile`). Columns: section, indicator, kind (published, survey, absent), item
    (the measure as published, or the survey variable / "dimension:<dim>"), value, unit, year, perimeter,
    source_id, row (the row of published_figures.csv, counted from 0), k, n, share, ci_low, ci_high."""
    if section not in SUSTAINABILITY_SECTIONS:
        raise ValueError(f"section {section!r} is not valid; valid: {', '.join(SUSTAINABILITY_SECTIONS)}")
    mine = profile[profile["group"] == district].set_index("item") if len(profile) else pd.DataFrame()
    has = "indicator" in published.columns
    rows = []
    for indicator, look, items in SUSTAINABILITY_SECTIONS[section]:
        if indicator == "territory":
            found = published[published["measure"].isin(TERRITORY_MEASURES) & (published["district"] == district)]
        else:
            found = published[(published["indicator"] == indicator) & published["district"].isin([district, "all"])] \
                if has and look else published.iloc[0:0]
        for i, r in found.iterrows():
            rows.append({"indicator": indicator, "kind": "published", "item": r["measure"], "value": float(r["value"]),
                         "unit": r["unit"], "year": r["year"], "perimeter": r.get("perimeter", None),
                         "source_id": r["source_id"], "row": int(i)})
        if look and found.empty:
            rows.append({"indicator": indicator, "kind": "absent", "item": indicator})
        for item in items:
            key = item.removeprefix("dimension:")
            if key not in mine.index:
                continue
            s = mine.loc[key]
            rows.append({"indicator": indicator, "kind": "survey", "item": item, "k": int(s["k"]), "n": int(s["n"]),
                         "share": s["share"], "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
    columns = ["section", "indicator", "kind", "item", "value", "unit", "year", "perimeter", "source_id", "row",
               "k", "n", "share", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns[1:]).assign(section=section)[columns]


def _percent_interval(share, low, high, lang: str) -> str:
    """'42.9% [26.5, 60.9]' ('42,9% [26,5; 60,9]'), percentages with one decimal; '–' when missing."""
    if pd.isna(share):
        return fmt.MISSING
    return f"{fmt.percent(share, 1, lang)} {fmt.interval(100 * low, 100 * high, 1, lang)}"


def survey_label(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """How an indicator table names a survey share: "ISO 14001 certified (% of firms)", "At least one
    practice: Workplace (% of firms)"."""
    cb = cb or load_codebook()
    w = SURVEY_WORDS[lang]
    name = w["dimension"].format(dim=cb.label(item.removeprefix("dimension:"), lang)) \
        if item.startswith("dimension:") else cb.label(item, lang)
    return w["share"].format(label=name)


def indicator_table(rows: pd.DataFrame, lang: str = "en", synthetic: bool = True,
                    cb: Codebook | None = None) -> pd.DataFrame:
    """`sustainability_indicators` rows as printed: indicator (on its first row), measure, value (a
    published value with its unit, or a survey share with its Wilson 95% interval), year, perimeter (as
    published, or the firms of the sample) and source: "Published: @key" (a citation marker the renderer
    links to the references), "Survey (synthetic data)" or "Absent: no source gives it"."""
    from . import bibliography

    cb = cb or load_codebook()
    h, kinds, names = INDICATOR_HEADERS[lang], SOURCE_KIND[lang], INDICATOR_NAMES[lang]
    out, previous = [], None
    for r in rows.itertuples(index=False):
        first = r.indicator != previous
        previous = r.indicator
        if r.kind == "published":
            marker = bibliography.source_marker(r.source_id) if r.source_id in bibliography.source_keys() \
                else r.source_id
            cells = (translated(r.item, lang), published_value(r.value, r.unit, lang), published_year(r.year, lang),
                     translated(r.perimeter, lang), kinds["published"].format(source=marker))
        elif r.kind == "survey":
            cells = (survey_label(r.item, lang, cb), _percent_interval(r.share, r.ci_low, r.ci_high, lang),
                     fmt.MISSING, SURVEY_WORDS[lang]["perimeter"].format(k=fmt.integer(r.k, lang),
                                                                         n=fmt.integer(r.n, lang)),
                     kinds["survey_synthetic" if synthetic else "survey"])
        else:
            cells = (fmt.MISSING, fmt.MISSING, fmt.MISSING, fmt.MISSING, kinds["absent"])
        out.append(dict(zip([h["indicator"], h["measure"], h["value"], h["year"], h["perimeter"], h["source"]],
                            (names[r.indicator] if first else "", *cells))))
    return pd.DataFrame(out, columns=list(h.values()))


PROFILE_HEADERS = {
    "en": {"dimension": "Dimension", "item": "Practice or certification", "pooled": "All three districts",
           "any": "At least one of the practices", "certifications": "Certifications", "n": "n = {n}"},
    "it": {"dimension": "Dimensione", "item": "Pratica o certificazione", "pooled": "Campione complessivo",
           "any": "Almeno una delle pratiche", "certifications": "Certificazioni", "n": "n = {n}"},
}


def group_name(group: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A group of `measures.adoption_profile`: a district's short name, or the pooled sample."""
    return PROFILE_HEADERS[lang]["pooled"] if group == "pooled" else district_short(group, lang, cb)


def profile_table(profile: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """A district's CSR profile as a local benchmark (`measures.adoption_profile`): one row per dimension
    (share of firms with at least one of its practices), its practices, then the certifications; one
    column per group (the district first, the other districts, the pooled sample), each cell the
    percentage of answering firms with its Wilson 95% interval; the header gives each group's firms."""
    cb = cb or load_codebook()
    h = PROFILE_HEADERS[lang]
    groups = list(dict.fromkeys(profile["group"]))
    sizes = profile.groupby("group")["n"].max()
    columns = {g: f"{group_name(g, lang, cb)}, {h['n'].format(n=fmt.integer(sizes[g], lang))}" for g in groups}
    by = profile.set_index(["group", "item"])
    out = []
    order = [(dim, "dimension", dim) for dim in cb.csr_dimensions]
    for dim, items in cb.practices_by_dimension().items():
        at = order.index((dim, "dimension", dim)) + 1
        order[at:at] = [(dim, "practice", i) for i in items]
    order += [("", "certification", c) for c in cb.certifications(None)]
    previous = None
    for dim, kind, item in order:
        if not all((g, item) in by.index for g in groups):
            continue
        section = cb.label(dim, lang) if dim else h["certifications"]
        label = h["any"] if kind == "dimension" else cb.label(item, lang)
        row = {h["dimension"]: section if section != previous else "", h["item"]: label}
        previous = section
        for g in groups:
            s = by.loc[(g, item)]
            row[columns[g]] = _percent_interval(s["share"], s["ci_low"], s["ci_high"], lang)
        out.append(row)
    return pd.DataFrame(out, columns=[h["dimension"], h["item"], *columns.values()])


ACTOR_HEADERS = {
    "en": {"actor": "Actor", "kind": "Kind", "role": "Role", "working_group": "In COOPERATE's working group",
           "source": "Source"},
    "it": {"actor": "Soggetto", "kind": "Tipo", "role": "Ruolo", "working_group": "Nel gruppo di lavoro di COOPERATE",
           "source": "Fonte"},
}
WORKING_GROUP = {"en": {"yes": "yes", "no": "no", "unknown": "not known"},
                 "it": {"yes": "sì", "no": "no", "unknown": "non noto"}}
ACTOR_KINDS = {  # the kinds of data/raw/district_actors.csv
    "en": {"trade_association": "trade association", "development_agency": "development agency", "union": "union",
           "local_authority": "local authority", "consortium": "consortium", "research_centre": "research centre",
           "chamber_of_commerce": "chamber of commerce", "district_committee": "district committee", "firm": "firm"},
    "it": {"trade_association": "associazione di categoria", "development_agency": "agenzia di sviluppo",
           "union": "sindacato", "local_authority": "ente locale", "consortium": "consorzio",
           "research_centre": "centro di ricerca", "chamber_of_commerce": "camera di commercio",
           "district_committee": "comitato di distretto", "firm": "impresa"},
}
MILESTONE_KINDS = {  # the kinds of data/raw/district_milestones.csv
    "en": {"project": "project", "certification": "certification", "renewal": "renewal", "agreement": "agreement",
           "report": "report"},
    "it": {"project": "progetto", "certification": "certificazione", "renewal": "rinnovo", "agreement": "accordo",
           "report": "rapporto"},
}
MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"],
          "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                 "ottobre", "novembre", "dicembre"]}


def _kind(kind, lang: str, names: dict | None = None) -> str:
    if not isinstance(kind, str) or not kind.strip():
        return fmt.MISSING
    return (names or ACTOR_KINDS)[lang].get(kind.strip(), kind.strip().replace("_", " "))


def _source_cell(source_id, lang: str) -> str:
    if not isinstance(source_id, str) or not source_id.strip():
        return fmt.MISSING
    return "; ".join(published_source(s.strip(), lang) for s in re.split(r"[;,]", source_id) if s.strip())


def actors_table(actors: pd.DataFrame, district: str, lang: str = "en") -> pd.DataFrame:
    """The district's actors (data/raw/district_actors.csv rows of the district): actor, kind, role in
    `lang`, whether in COOPERATE's local working group (yes, no, not known) and source (citation marker)."""
    h = ACTOR_HEADERS[lang]
    rows = actors[actors["district"].isin([district, "all"])]
    return pd.DataFrame({h["actor"]: rows["actor"].to_numpy(),
                         h["kind"]: [_kind(k, lang) for k in rows["kind"]],
                         h["role"]: rows[f"role_{lang}"].fillna(fmt.MISSING).to_numpy(),
                         h["working_group"]: [WORKING_GROUP[lang].get(str(w).strip().lower(), WORKING_GROUP[lang]["unknown"])
                                              for w in rows["working_group"]],
                         h["source"]: [_source_cell(s, lang) for s in rows["source_id"]]})


MILESTONE_HEADERS = {
    "en": {"period": "Period", "event": "Event", "kind": "Kind", "scope": "Scope", "source": "Source",
           "all": "all three districts"},
    "it": {"period": "Periodo", "event": "Evento", "kind": "Tipo", "scope": "Ambito", "source": "Fonte",
           "all": "tutti e tre i distretti"},
}


def _period(start, end, lang: str) -> str:
    def text(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
            return ""
        date = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value).strip())
        if date:
            return f"{int(date.group(3))} {MONTHS[lang][int(date.group(2)) - 1]} {date.group(1)}"
        return published_year(str(value).strip(), lang)

    a, b = text(start), text(end)
    return a if not b or b == a else (f"{a}–{b}" if a else b)


def milestones_table(milestones: pd.DataFrame, district: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The district's CSR milestones and those of all three districts (data/raw/district_milestones.csv),
    in order of start: period, event in `lang`, scope (this district or all three) and source."""
    cb = cb or load_codebook()
    h = MILESTONE_HEADERS[lang]
    rows = milestones[milestones["district"].isin([district, "all"])]
    rows = rows.assign(_start=rows["start"].astype(str)).sort_values("_start", kind="stable")
    return pd.DataFrame({h["period"]: [_period(s, e, lang) for s, e in zip(rows["start"], rows["end"])],
                         h["event"]: rows[f"event_{lang}"].fillna(fmt.MISSING).to_numpy(),
                         h["kind"]: [_kind(k, lang, MILESTONE_KINDS) for k in rows["kind"]],
                         h["scope"]: [h["all"] if d == "all" else district_short(d, lang, cb) for d in rows["district"]],
                         h["source"]: [_source_cell(s, lang) for s in rows["source_id"]]})


# --- CSR adoption and its channels (issue 16) ---------------------------------------------------------------
CHANNEL_VARIABLES = tuple(CHANNEL_KINDS)  # the channels of the adoption tables, in data.derived's order
# AMEs of export share and firm age are per unit (a percentage point, a year); the tables show them per
# 10 units, where a difference is readable
REGRESSOR_SCALE = {"export_share": 10.0, "firm_age": 10.0}
REGRESSOR_NAMES = {
    "en": {"log_employees": "Size, log(1 + employees)", "export_share": "Exports, +10 points",
           "firm_age": "Age, +10 years", "association_member": "Association member",
           "intermediary_support": "Intermediary support", "network_member": "Formal network",
           "informal_exchange": "Informal exchange"},
    "it": {"log_employees": "Dimensione, log(1 + addetti)", "export_share": "Export, +10 punti",
           "firm_age": "Età, +10 anni", "association_member": "Iscritta ad associazione",
           "intermediary_support": "Supporto di istituzioni intermedie", "network_member": "Rete formale",
           "informal_exchange": "Scambio informale"},
}
CHANNEL_NAMES = {
    "en": {"association_member": "Trade-association member", "intermediary_support": "Support from an intermediary",
           "informal_exchange": "Informal exchange with district firms", "network_member": "Formal network member",
           "joint_initiatives": "Joint initiatives with local bodies", "district_activities": "District CSR activities"},
    "it": {"association_member": "Iscritta a un'associazione di categoria",
           "intermediary_support": "Supporto da un'istituzione intermedia",
           "informal_exchange": "Scambio informale con imprese del distretto", "network_member": "Aderente a una rete formale",
           "joint_initiatives": "Iniziative congiunte con enti locali", "district_activities": "Attività di RSI del distretto"},
}
ADOPTION_OUTCOMES = {
    "en": {"csr_overall": "CSR index (0-1)", "cert_any": "At least one CSR certification",
           "csr_half": "At least half of the CSR practices"},
    "it": {"csr_overall": "Indice di RSI (0-1)", "cert_any": "Almeno una certificazione di RSI",
           "csr_half": "Almeno metà delle pratiche di RSI"},
}
METHOD_NAMES = {
    "en": {"fractional logit (HC3)": "Fractional logit (HC3)", "logit (ML)": "Logit (ML)",
           "logit (ML) HC3": "Logit (ML, HC3)", "logit (Firth)": "Logit (Firth)", "OLS (HC3)": "OLS (HC3)"},
    "it": {"fractional logit (HC3)": "Logit frazionario (HC3)", "logit (ML)": "Logit (massima verosimiglianza)",
           "logit (ML) HC3": "Logit (massima verosimiglianza, HC3)", "logit (Firth)": "Logit penalizzato di Firth",
           "OLS (HC3)": "OLS (HC3)"},
}
ADOPTION_HEADERS = {
    "en": {"model": "Model", "regressor": "Regressor", "outcome": "Outcome", "sample": "Sample", "method": "Method",
           "n": "Firms", "events": "Adopting firms", "note": "Note", "channel": "Channel", "used": "Uses it",
           "rho": "Spearman ρ", "p": "p", "slope": "Slope per channel [95% CI]", "score": "Competitiveness score",
           "interaction": "Interaction [95% CI]", "bh": "p (BH)", "stakeholder": "Stakeholder",
           "chi2": "Friedman χ²", "df": "df", "w": "Kendall's W", "item": "Item", "mean": "Mean (1-5)",
           "fraclogit": "Fractional logit: AME", "ols": "OLS (HC3): coefficient", "not_estimable": "not estimable",
           "question": "Question", "answer": "Answer", "share": "Share", "base": "Base", "year": "Year",
           "source": "Source", "channels": "Channels used", "kind": "Kind", "barrier": "Barrier",
           "motivation": "Motivation"},
    "it": {"model": "Modello", "regressor": "Variabile esplicativa", "outcome": "Variabile dipendente",
           "sample": "Campione", "method": "Metodo", "n": "Imprese", "events": "Imprese che adottano", "note": "Nota",
           "channel": "Canale", "used": "Lo usa", "rho": "ρ di Spearman", "p": "p",
           "slope": "Pendenza per canale [IC 95%]", "score": "Punteggio di competitività",
           "interaction": "Interazione [IC 95%]", "bh": "p (BH)", "stakeholder": "Portatore di interesse",
           "chi2": "χ² di Friedman", "df": "gl", "w": "W di Kendall", "item": "Voce", "mean": "Media (1-5)",
           "fraclogit": "Logit frazionario: EMM", "ols": "OLS (HC3): coefficiente", "not_estimable": "non stimabile",
           "question": "Domanda", "answer": "Risposta", "share": "Quota", "base": "Base", "year": "Anno",
           "source": "Fonte", "channels": "Canali usati", "kind": "Tipo", "barrier": "Ostacolo",
           "motivation": "Motivazione"},
}


def is_fit(result) -> bool:
    """Whether an analysis result is an estimated model (an object with `.ame`), not an `estimability.Check`."""
    return hasattr(result, "ame") and getattr(result, "ame") is not None


def sample_name(group: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A column or row name for a sample: the pooled sample or a district's short name."""
    return STAT_HEADERS[lang]["pooled"] if group == "pooled" else district_short(group, lang, cb)


def regressor_name(term: str, lang: str = "en") -> str:
    return REGRESSOR_NAMES[lang].get(term, term)


def channel_name(channel: str, lang: str = "en") -> str:
    return CHANNEL_NAMES[lang].get(channel, channel)


def outcome_name(outcome: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """An adoption outcome: the CSR index, a derived share, or a certification by its codebook label."""
    outcome = outcome.removesuffix("_ols")
    if outcome in ADOPTION_OUTCOMES[lang]:
        return ADOPTION_OUTCOMES[lang][outcome]
    return label(outcome, lang, cb or load_codebook())


def method_name(method: str, lang: str = "en", cov_type: str | None = None) -> str:
    """The name of an adoption model's method in `lang`; a maximum-likelihood logit with HC3 errors says so."""
    key = f"{method} HC3" if method == "logit (ML)" and cov_type == "HC3" else str(method)
    return METHOD_NAMES[lang].get(key, str(method))


def scaled_ame(fit, term: str) -> tuple[float, float, float, float]:
    """(estimate, ci_low, ci_high, p_value) of `term` in a fit's AME table, per the unit of `REGRESSOR_SCALE`;
    NaNs when the term is absent."""
    ame = fit.ame
    row = ame[ame["term"] == term]
    if not len(row):
        return (math.nan,) * 4
    r = row.iloc[0]
    k = REGRESSOR_SCALE.get(term, 1.0)
    return float(r["estimate"]) * k, float(r["ci_low"]) * k, float(r["ci_high"]) * k, float(r["p_value"])


def _ame_cell(result, term: str, lang: str) -> str:
    if not is_fit(result):
        return fmt.MISSING
    est, lo, hi, _ = scaled_ame(result, term)
    return fmt.MISSING if not math.isfinite(est) else f"{_number(est, lang, 2, sign=True)} {_ci(lo, hi, lang)}"


def ame_rows(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None,
             regressors=ADOPTION_REGRESSORS, first: str = "model") -> pd.DataFrame:
    """Average marginal effects of each regressor, one row per model and regressor, one column per sample
    (`drivers`: {group: {model: fit or Check}}, groups in column order): "AME [95% CI]" in the units of
    `REGRESSOR_SCALE`; the model's name on its first row; a dash where the model is not estimable (the
    model table says why)."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    for model in models:
        if not any(is_fit(d.get(model)) for d in drivers.values()):  # no sample: the model table says why
            continue
        name = (h["fraclogit"] if model == "csr_overall" else h["ols"] if model.endswith("_ols")
                else outcome_name(model, lang, cb))
        for i, term in enumerate(regressors):
            row = {h[first]: name if i == 0 else "", h["regressor"]: regressor_name(term, lang)}
            for group, results in drivers.items():
                row[sample_name(group, lang, cb)] = _ame_cell(results.get(model), term, lang)
            rows.append(row)
    return pd.DataFrame(rows)


def model_rows(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """One row per model and sample: the outcome, the sample, the method that was used (fractional logit,
    OLS, logit by maximum likelihood or Firth's penalised likelihood), firms and adopting firms; a model
    that could not be estimated says why."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    for model in models:
        for j, (group, results) in enumerate(drivers.items()):
            if model not in results:
                continue
            result = results[model]
            row = {h["outcome"]: outcome_name(model, lang, cb) if j == 0 else "",
                   h["sample"]: sample_name(group, lang, cb)}
            if is_fit(result):
                events = getattr(result, "events", None)
                row |= {h["method"]: method_name(result.method, lang, getattr(result, "cov_type", None)),
                        h["n"]: fmt.integer(result.n, lang),
                        h["events"]: fmt.integer(events, lang) if events is not None and not pd.isna(events)
                        else fmt.MISSING}
            else:
                reason = result.text(lang) if hasattr(result, "text") else str(result)
                row |= {h["method"]: reason, h["n"]: fmt.MISSING, h["events"]: fmt.MISSING}
            rows.append(row)
    return pd.DataFrame(rows)


def _share_cell(k, n, share, low, high, lang: str) -> str:
    """"12/29: 41% [26, 59]" (Italian "41% [26; 59]"): adopters over firms, then the share and its Wilson
    interval in whole percentages; a dash when no firm is in the cell. The share and its interval are held
    together by no-break spaces, so a narrow column wraps only after the count, never inside the interval."""
    if pd.isna(n) or int(n) == 0 or pd.isna(share):
        return fmt.MISSING
    together = f"{fmt.percent(share, 0, lang)} {fmt.interval(100 * low, 100 * high, 0, lang)}".replace(" ", NBSP)
    return f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)}: {together}"


def channel_rows(by_group: dict, outcome: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Adoption (`outcome`: cert_any or csr_half) among the firms that use each channel and those that do
    not, one column per sample (`by_group`: {group: `adoption.adoption_by_channel` table}); each cell
    "adopters/firms: share [Wilson 95% CI]"."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    for channel in CHANNEL_VARIABLES:
        for used in (1, 0):
            row = {h["channel"]: channel_name(channel, lang) if used == 1 else "",
                   h["used"]: ANSWERS[lang][bool(used)]}
            for group, table in by_group.items():
                hit = table[(table["outcome"] == outcome) & (table["channel"] == channel) & (table["used"] == used)]
                row[sample_name(group, lang, cb)] = (_share_cell(*hit.iloc[0][["k", "n", "share", "ci_low", "ci_high"]],
                                                                 lang) if len(hit) else fmt.MISSING)
            rows.append(row)
    return pd.DataFrame(rows)


def gradient_rows(gradients: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The trend of the CSR index with the number of channels a firm uses, one row per sample
    (`gradients`: {group: `adoption.channels_gradient` result or Check}): firms, Spearman's rho with its p,
    and the OLS (HC3) slope per channel with its 95% interval."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    for group, g in gradients.items():
        if not hasattr(g, "spearman_rho"):
            rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.MISSING, h["rho"]: fmt.MISSING,
                         h["p"]: fmt.MISSING, h["slope"]: g.text(lang) if hasattr(g, "text") else str(g)})
            continue
        s = g.slope
        rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.integer(g.n, lang),
                     h["rho"]: _number(g.spearman_rho, lang, 2, sign=True), h["p"]: fmt.pvalue(g.spearman_p, lang),
                     h["slope"]: _interval(s["estimate"], s["ci_low"], s["ci_high"], lang, 3)})
    return pd.DataFrame(rows)


def moderation_rows(moderation: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The exploratory interaction CSR index x formal-network membership on each competitiveness score, one
    row per sample and score (`moderation`: {(group, score): interaction row or Check}), with its 95% interval,
    p and the Benjamini-Hochberg p over every interaction of the table (one exploratory family)."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    keys = [k for k, r in moderation.items() if not hasattr(r, "text")]
    adjusted = dict(zip(keys, _bh([moderation[k]["p_value"] for k in keys])))
    rows = []
    last = None
    for (group, score), r in moderation.items():
        row = {h["sample"]: sample_name(group, lang, cb) if group != last else "",
               h["score"]: _outcome(score, lang, cb)}
        last = group
        if hasattr(r, "text"):
            row |= {h["interaction"]: r.text(lang), h["p"]: fmt.MISSING, h["bh"]: fmt.MISSING, h["n"]: fmt.MISSING}
        else:
            row |= {h["interaction"]: _interval(r["estimate"], r["ci_low"], r["ci_high"], lang),
                    h["p"]: fmt.pvalue(r["p_value"], lang), h["bh"]: fmt.pvalue(adjusted[(group, score)], lang),
                    h["n"]: fmt.integer(r["n"], lang)}
        rows.append(row)
    return pd.DataFrame(rows)


def short_item(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """An item's label without the block's lead ("Importance to the firm: employees" -> "Employees")."""
    text = label(item, lang, cb or load_codebook())
    _lead, sep, rest = text.partition(": ")
    return (rest[:1].upper() + rest[1:]) if sep else text


def salience_rows(salience: dict, items: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Importance of each stakeholder to the firms, one column per sample (`salience`: {group:
    `adoption.salience` result or Check}): "mean (mean rank)", rows in the pooled order of mean rank
    (highest first)."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    fitted = {g: s for g, s in salience.items() if hasattr(s, "items")}
    order = list(items)
    if fitted:
        first = next(iter(fitted.values())).items.set_index("item")
        order = sorted(items, key=lambda i: -float(first.loc[i, "mean_rank"]) if i in first.index else 0.0)
    rows = []
    for item in order:
        row = {h["stakeholder"]: short_item(item, lang, cb)}
        for group, s in salience.items():
            if group not in fitted:
                row[sample_name(group, lang, cb)] = fmt.MISSING
                continue
            t = s.items.set_index("item")
            row[sample_name(group, lang, cb)] = (f"{_number(t.loc[item, 'mean'], lang, 2)} "
                                                 f"({_number(t.loc[item, 'mean_rank'], lang, 2)})")
        rows.append(row)
    return pd.DataFrame(rows)


def friedman_rows(salience: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Friedman's test that every stakeholder is equally important, and Kendall's W, one row per sample."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    for group, s in salience.items():
        if not hasattr(s, "items"):
            rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.MISSING, h["chi2"]: fmt.MISSING,
                         h["df"]: fmt.MISSING, h["p"]: fmt.MISSING, h["w"]: s.text(lang) if hasattr(s, "text") else str(s)})
            continue
        rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.integer(s.n, lang),
                     h["chi2"]: _number(s.statistic, lang, 2), h["df"]: fmt.integer(s.df, lang),
                     h["p"]: fmt.pvalue(s.p_value, lang), h["w"]: _number(s.kendall_w, lang, 3)})
    return pd.DataFrame(rows)


def likert_rows(summaries: dict, items: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Barriers and motivations: for each item its kind, the pooled mean (1-5) and, per sample, the share of
    firms rating it important or very important (4-5) with its Wilson 95% interval (`summaries`:
    {group: `adoption.likert_summary` table})."""
    cb = cb or load_codebook()
    h = ADOPTION_HEADERS[lang]
    rows = []
    pooled = summaries.get("pooled")
    for item in items:
        kind = h["barrier"] if item.startswith("bar_") else h["motivation"]
        row = {h["kind"]: kind, h["item"]: short_item(item, lang, cb)}
        if pooled is not None:
            hit = pooled[pooled["item"] == item]
            row[h["mean"]] = _number(hit.iloc[0]["mean"], lang, 2) if len(hit) and hit.iloc[0]["n"] > 0 else fmt.MISSING
        for group, table in summaries.items():
            hit = table[table["item"] == item]
            row[sample_name(group, lang, cb)] = (_percent_interval(*hit.iloc[0][["share", "ci_low", "ci_high"]], lang)
                                                 if len(hit) and hit.iloc[0]["n"] > 0 else fmt.MISSING)
        rows.append(row)
    out = pd.DataFrame(rows)
    out.loc[out[h["kind"]].duplicated(), h["kind"]] = ""
    return out


CONSULTATION_PREFIX = "Stakeholder consultation: "
CONSULTATION_IT = {
    "barrier 'lack of resources and expertise'": ("Ostacoli ad adottare gli strumenti di RSI",
                                                   "mancanza di risorse e competenze"),
    "barrier 'scarce knowledge of the instruments'": ("Ostacoli ad adottare gli strumenti di RSI",
                                                      "scarsa conoscenza degli strumenti"),
    "support measure 'cluster tools'": ("Misure di sostegno", "strumenti collettivi di distretto"),
    "support measure 'administrative/normative simplification'": ("Misure di sostegno",
                                                                  "semplificazione amministrativa e normativa"),
    "actor that should do more = local institutions": ("Chi dovrebbe fare di più", "istituzioni locali"),
    "actor that should do more = associations": ("Chi dovrebbe fare di più", "associazioni"),
}
CONSULTATION_EN = {
    "barrier": "Barriers to adopting CSR tools", "support measure": "Support measures",
    "actor that should do more": "Who should do more",
}
CONSULTATION_UNITS = {"en": {"% of answers": "of answers", "% of votes": "of votes"},
                      "it": {"% of answers": "delle risposte", "% of votes": "dei voti"}}


def consultation_figures(published: pd.DataFrame) -> pd.DataFrame:
    """The published shares of COOPERATE's stakeholder consultation (data/raw/published_figures.csv, source
    S3, measures 'Stakeholder consultation: ...'), with their row number in the file (1 = first data row)."""
    rows = published.reset_index(drop=True)
    rows = rows.assign(row=np.arange(1, len(rows) + 1))
    mask = (rows["source_id"].astype(str) == "S3") & rows["measure"].astype(str).str.startswith(CONSULTATION_PREFIX)
    return rows[mask].reset_index(drop=True)


def _consultation_text(measure: str, lang: str) -> tuple[str, str]:
    body = measure.removeprefix(CONSULTATION_PREFIX)
    if lang == "it" and body in CONSULTATION_IT:
        return CONSULTATION_IT[body]
    match = re.match(r"(barrier|support measure|actor that should do more)\s*(?:=\s*|')(.*?)'?$", body)
    if not match:
        return body, ""
    return CONSULTATION_EN[match.group(1)], match.group(2)


def consultation_rows(published: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The stakeholder consultation's published shares as real, cited figures: question, answer, share (as
    published), year and source (a citation marker, linked when the report is rendered)."""
    h = ADOPTION_HEADERS[lang]
    rows = consultation_figures(published)
    out = []
    for _, r in rows.iterrows():
        question, answer = _consultation_text(str(r["measure"]), lang)
        unit = CONSULTATION_UNITS[lang].get(str(r["unit"]).strip(), "")
        share = f"{fmt.number(r['value'], 0, lang)}%" + (f" {unit}" if unit else "")
        out.append({h["question"]: question, h["answer"]: answer, h["share"]: share,
                    h["year"]: published_year(r["year"], lang), h["source"]: published_source(r["source_id"], lang)})
    table = pd.DataFrame(out)
    if len(table):
        table.loc[table[h["question"]].duplicated(), h["question"]] = ""
    return table


# --- the questionnaire's own blocks (awareness, certification status, workforce, training) -------------------
CERTIFICATION_NAMES = {"iso14001": "ISO 14001", "emas": "EMAS", "sa8000": "SA8000",
                       "ohsas18001": "OHSAS 18001 / ISO 45001", "iso9001": "ISO 9001"}  # the same in both languages
QUESTIONNAIRE_HEADERS = {
    "en": {"item": "Question", "measure": "Measure", "certification": "Certification", "status": "Answer",
           "mean": "Mean (1-5)", "well": "Know it well or very well (4-5)",
           "concept": "The concept of CSR", "tools": "CSR tools",
           "tools_detail": "CSR tools (certifications, reports, codes)",
           "trainees_share": "Firms with trainees or interns", "trainees_mean": "Trainees and interns per firm (mean)",
           "home_share": "Firms with home-workers", "home_mean": "Home-workers per firm (mean)",
           "trained_mean": "Staff trained in the last year (mean %)",
           "csr_training": "Firms with training on safety, environment or social responsibility"},
    "it": {"item": "Domanda", "measure": "Misura", "certification": "Certificazione", "status": "Risposta",
           "mean": "Media (1-5)", "well": "Conosciuto bene o molto bene (4-5)",
           "concept": "Il concetto di RSI", "tools": "Strumenti di RSI",
           "tools_detail": "Strumenti di RSI (certificazioni, bilanci, codici)",
           "trainees_share": "Imprese con stagisti o tirocinanti",
           "trainees_mean": "Stagisti e tirocinanti per impresa (media)",
           "home_share": "Imprese con lavoranti a domicilio", "home_mean": "Lavoranti a domicilio per impresa (media)",
           "trained_mean": "Personale formato nell'ultimo anno (media, %)",
           "csr_training": "Imprese con formazione su sicurezza, ambiente o responsabilità sociale"},
}
AWARENESS_NAMES = {"aw_csr_concept": "concept", "aw_csr_tools": "tools"}


def certification_name(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A certification's name ("ISO 14001") from its cert_* or cst_* variable."""
    key = item.removeprefix("cst_").removeprefix("cert_")
    return CERTIFICATION_NAMES.get(key) or outcome_name(f"cert_{key}", lang, cb)


def awareness_name(item: str, lang: str = "en", detail: bool = False) -> str:
    """What an awareness item asks about ("The concept of CSR", "CSR tools"; with `detail` the tools are named:
    "CSR tools (certifications, reports, codes)")."""
    if item not in AWARENESS_NAMES:
        return item
    names = QUESTIONNAIRE_HEADERS[lang]
    key = AWARENESS_NAMES[item]
    return names.get(f"{key}_detail", names[key]) if detail else names[key]


def _part(parts: dict, name: str):
    """A part of `adoption.questionnaire_blocks` if it was computed (a table), else None."""
    table = parts.get(name)
    return table if isinstance(table, pd.DataFrame) else None


def _row_of(table, **where):
    if table is None:
        return None
    hit = table
    for column, value in where.items():
        hit = hit[hit[column] == value]
    return hit.iloc[0] if len(hit) else None


def _share_of(row, lang: str) -> str:
    return fmt.MISSING if row is None else _share_cell(row["k"], row["n"], row["share"], row["ci_low"], row["ci_high"],
                                                       lang)


def _mean_of(row, lang: str, digits: int) -> str:
    return fmt.MISSING if row is None or not row["n"] or pd.isna(row["mean"]) else _number(row["mean"], lang, digits)


def awareness_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """CSR awareness, one column per sample (`questionnaire`: {group: `adoption.questionnaire_blocks`}): for
    each awareness item the mean answer (1 never heard of it ... 5 know it very well) and the firms knowing
    it well or very well, "firms/answering: share [Wilson 95% CI]"; a dash where the block was not answered."""
    cb = cb or load_codebook()
    h = QUESTIONNAIRE_HEADERS[lang]
    rows = []
    for item in cb.awareness_items():
        for i, measure in enumerate(("mean", "well")):
            row = {h["item"]: awareness_name(item, lang) if i == 0 else "", h["measure"]: h[measure]}
            for group, parts in questionnaire.items():
                hit = _row_of(_part(parts, "awareness_summary"), item=item)
                row[sample_name(group, lang, cb)] = _mean_of(hit, lang, 2) if measure == "mean" else _share_of(hit, lang)
            rows.append(row)
    return pd.DataFrame(rows)


def cert_status_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Certification status, one column per sample: for each certification the firms holding it, planning
    it and not interested (answers of scale `cert_status`), "firms/answering: share [Wilson 95% CI]"."""
    cb = cb or load_codebook()
    h = QUESTIONNAIRE_HEADERS[lang]
    rows = []
    for item in cb.cert_status_items():
        for i, (code, answer) in enumerate(cb.answer_labels(item, lang).items()):
            row = {h["certification"]: certification_name(item, lang, cb) if i == 0 else "", h["status"]: answer}
            for group, parts in questionnaire.items():
                row[sample_name(group, lang, cb)] = _share_of(_row_of(_part(parts, "cert_status"), item=item,
                                                                      answer=code), lang)
            rows.append(row)
    return pd.DataFrame(rows)


STAFF_ROWS = (("workforce", "wf_trainees", "trainees_share", "share"), ("workforce", "wf_trainees", "trainees_mean", "mean"),
              ("workforce", "wf_home_workers", "home_share", "share"), ("workforce", "wf_home_workers", "home_mean", "mean"),
              ("training", "tr_staff_trained_share", "trained_mean", "mean"),
              ("training", "tr_csr_training", "csr_training", "share"))


def staff_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Atypical workers and staff training, one column per sample: firms with trainees / home-workers and
    with training on safety, environment or social responsibility ("firms/answering: share [Wilson 95% CI]"),
    and the means over the answering firms (workers per firm, % of staff trained)."""
    cb = cb or load_codebook()
    h = QUESTIONNAIRE_HEADERS[lang]
    rows = []
    for part, item, name, kind in STAFF_ROWS:
        row = {h["measure"]: h[name]}
        for group, parts in questionnaire.items():
            hit = _row_of(_part(parts, part), item=item)
            row[sample_name(group, lang, cb)] = _share_of(hit, lang) if kind == "share" else _mean_of(hit, lang, 1)
        rows.append(row)
    return pd.DataFrame(rows)
