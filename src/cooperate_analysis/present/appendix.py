"""The referee's appendix of the district and cross-district reports (issue 23): the full coefficient table of
every linear model (every regressor, the intercept and the fixed effects, n and R²), descriptive statistics of
every model variable, their correlation matrix and the variance inflation factors of each model. The numbers
come from `stats.referee`; this module lays them out and words their notes.

Shared by the report kinds, so its messages are in ``common.po``; it never imports a report kind.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label
from ..stats import referee
from ..stats.disclosure import Cell
from . import formatting as fmt
from .disclosure import attach
from .i18n import N_, messages
from .regression import ci, dash_reasons, digits, noted, outcome_label

COEFFICIENT_NOTE = N_("Every coefficient of each model: estimate, HC3 standard error, 95% interval and p from t with "
                      "n − k degrees of freedom; n and R² beside the model's outcome.")
FIXED_EFFECTS_NOTE = N_("District rows are fixed effects against the first district in alphabetical order.")
CORRELATION_NOTE = N_("Pearson correlations on the firms answering both variables (pairwise: n from {low} to {high}); "
                      "columns numbered as the rows.")
CORRELATION_DASH = N_("{dash}: fewer than 3 firms answer both variables, or one of them does not vary.")
VIF_NOTE = N_("Variance inflation factor of each regressor on the firms of each model (1 / (1 − R²) of the regressor "
              "on the others with a constant); values above 10 are the usual sign of harmful collinearity.")
VIF_DASH = N_("{dash}: the regressor is a linear combination of the others on the model's firms.")
SD_DASH = N_("{dash}: a standard deviation needs at least two answering firms; no firm answered where every "
             "statistic is a dash.")


def term_label(term: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A model term for a table: 'Intercept', a district dummy ('district[T.<id>]') by its district's short
    name, a variable by its label."""
    from .regression import district_short

    cb = cb or load_codebook()
    _ = messages(lang)
    if term == "Intercept":
        return _.pgettext("table row", "Intercept")
    dummy = re.fullmatch(r"(\w+)\[T\.(.+)\]", term)
    if dummy and dummy.group(2) in cb.districts:
        return _.pgettext("table row", "District: {name}", name=district_short(dummy.group(2), lang, cb))
    try:
        return label(term, lang, cb)
    except (KeyError, ValueError):
        return term


def coefficient_rows(fits: dict, lang: str = "en", cb: Codebook | None = None, checks: dict | None = None) -> pd.DataFrame:
    """Every term of each fitted linear model (`stats.referee.coefficient_table` of `fits`: {outcome:
    `models.Fit`}), one block of rows per model, the outcome with its n and R² on the block's first row; a
    model that failed its gate (`checks`) has one row of dashes and its reason in the note."""
    cb = cb or load_codebook()
    h = _ = messages(lang)
    model, term = h.pgettext("table header", "Model"), h.pgettext("table header", "Term")
    rows, fixed = [], False
    outcomes = list(dict.fromkeys([*(checks or {}), *fits]))
    for outcome in outcomes:
        name = outcome_label(outcome, lang, cb)
        if outcome not in fits:
            rows.append({model: name, term: fmt.MISSING, h.pgettext("table header", "Coefficient"): np.nan,
                         h.pgettext("table header", "SE (HC3)"): np.nan, h.pgettext("table header", "95% CI"): fmt.MISSING,
                         "p": fmt.MISSING})
            continue
        table = referee.coefficient_table(fits[outcome])
        head = _("{model} (n = {n}, R² = {r2})", model=name, n=fmt.integer(int(table["n"].iloc[0]), lang),
                 r2=fmt.number(float(table["fit_value"].iloc[0]), 3, lang))
        for i, r in enumerate(table.itertuples(index=False)):
            fixed |= r.term.startswith("district[")
            rows.append({model: head if i == 0 else "", term: term_label(r.term, lang, cb),
                         h.pgettext("table header", "Coefficient"): r.estimate,
                         h.pgettext("table header", "SE (HC3)"): r.std_error,
                         h.pgettext("table header", "95% CI"): ci(r.ci_low, r.ci_high, lang, 3),
                         "p": fmt.pvalue(r.p_value, lang)})
    notes = [h(COEFFICIENT_NOTE), h(FIXED_EFFECTS_NOTE) if fixed else ""]
    notes += dash_reasons({o: c for o, c in (checks or {}).items() if o not in fits}, lang, cb)
    return noted(pd.DataFrame(rows), notes)


def descriptive_rows(df: pd.DataFrame, variables: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """n, mean, SD, min and max of every model variable (`stats.referee.descriptives`); the disclosure policy
    treats mean and SD as magnitudes and min and max as one firm's value (a quantile)."""
    cb = cb or load_codebook()
    h = messages(lang)
    desc = referee.descriptives(df, variables)
    names = {"mean": h.pgettext("table header", "Mean"), "sd": h.pgettext("table header", "SD"),
             "min": h.pgettext("table header", "Min"), "max": h.pgettext("table header", "Max")}
    out = pd.DataFrame({h.pgettext("table header", "Variable"): [label(v, lang, cb) for v in desc["variable"]],
                        "n": desc["n"].astype("int64").to_numpy()}
                       | {names[c]: desc[c].to_numpy() for c in ("mean", "sd", "min", "max")})
    cells = {}
    for i, v in enumerate(variables):
        values = df[v].astype("float64").dropna().to_numpy()
        cells |= {(i, names["mean"]): Cell.magnitude(values), (i, names["sd"]): Cell.magnitude(values),
                  (i, names["min"]): Cell("quantile", n=len(values)), (i, names["max"]): Cell("quantile", n=len(values))}
    dash = desc[["mean", "sd", "min", "max"]].isna().to_numpy().any()
    return noted(attach(out, cells), [h(SD_DASH, dash=fmt.MISSING)] if dash else [])


def correlation_rows(df: pd.DataFrame, variables: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The correlation matrix of the model variables (`stats.referee.correlations`, pairwise complete),
    lower triangle: rows '1. label', columns numbered."""
    cb = cb or load_codebook()
    h = messages(lang)
    long = referee.correlations(df, variables)
    matrix = referee.correlation_matrix(long).reindex(index=variables, columns=variables)
    out = pd.DataFrame({h.pgettext("table header", "Variable"):
                        [f"{fmt.integer(i + 1, lang)}. {label(v, lang, cb)}" for i, v in enumerate(variables)]})
    for j, v in enumerate(variables[:-1]):
        out[fmt.integer(j + 1, lang)] = [matrix.loc[a, v] if i > j else (1.0 if i == j else "")
                                         for i, a in enumerate(variables)]
    notes = [h(CORRELATION_NOTE, low=fmt.integer(int(long["n"].min()), lang), high=fmt.integer(int(long["n"].max()), lang))
             if len(long) else ""]
    if long["r"].isna().any():
        notes.append(h(CORRELATION_DASH, dash=fmt.MISSING))
    return noted(digits(out, {}), notes)


def vif_values(df: pd.DataFrame, outcomes: list[str], regressors: list[str], fixed_effects: str | None = None
               ) -> dict[str, pd.DataFrame]:
    """{outcome: `stats.referee.vif`} on the firms of each outcome's model (the outcome answered)."""
    out = {}
    for outcome in outcomes:
        part = df[df[outcome].notna()]
        out[outcome] = referee.vif(part, regressors, fixed_effects)
    return out


def vif_rows(vifs: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """VIF of each regressor (rows) in each model (columns: the outcome, n in the last row)."""
    cb = cb or load_codebook()
    h = messages(lang)
    terms = list(dict.fromkeys(t for table in vifs.values() for t in table["term"]))
    out = pd.DataFrame({h.pgettext("table header", "Term"): [term_label(t, lang, cb) for t in terms] + ["n"]})
    for outcome, table in vifs.items():
        values = table.set_index("term")["vif"].replace([np.inf, -np.inf], np.nan)
        n = int(table["n"].iloc[0]) if len(table) else 0
        out[outcome_label(outcome, lang, cb)] = [values.get(t, np.nan) for t in terms] + [fmt.integer(n, lang)]
    dash = any(table["vif"].replace([np.inf, -np.inf], np.nan).isna().any() for table in vifs.values())
    return noted(digits(out, {}), [h(VIF_NOTE), h(VIF_DASH, dash=fmt.MISSING) if dash else ""])
