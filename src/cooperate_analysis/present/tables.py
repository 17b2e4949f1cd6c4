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
from .published import (PUBLISHED_MEASURES, published_figures, published_source,  # noqa: F401
                        published_unit, published_year)

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
