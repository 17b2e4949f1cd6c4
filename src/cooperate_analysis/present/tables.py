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
