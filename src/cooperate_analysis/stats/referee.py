"""The tables a referee asks for (issue 23), as numbers: every coefficient of a model, descriptive
statistics of the model variables, their correlation matrix and the variance inflation factors.

- `coefficient_table`: every term of a fitted model (`models.Fit`, an `ols_hc3` table,
  `adoption.AdoptionFit`) with n and R2 / pseudo-R2, one row per term.
- `descriptives`: n, mean, SD, min, max of each variable (pairwise available values).
- `correlations`: Pearson correlations with the n of each cell (pairwise complete), long format.
- `vif`: statsmodels' `variance_inflation_factor` of each regressor on the model's complete cases,
  computed on the design with the intercept column (centred VIFs) and not reported for the intercept.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .models import TIDY_COLUMNS, _as_list

COEFFICIENT_COLUMNS = ["model", "outcome", *TIDY_COLUMNS, "n", "fit_statistic", "fit_value"]


def coefficient_table(fit, model: str = "", outcome: str = "") -> pd.DataFrame:
    """Every term of a fitted model, intercept and fixed effects included: model, outcome, term,
    estimate, std_error, statistic, p_value, ci_low, ci_high, n, fit_statistic ("r2" for OLS / WLS;
    "pseudo_r2" for an adoption model when given; "" otherwise) and fit_value.

    `fit`: a `models.Fit`, a `models.ols_hc3` table, or an `adoption.AdoptionFit` (its reported
    intervals: the profile intervals of a Firth fit). For an AdoptionFit the fit statistic is
    McFadden's pseudo-R2 of the logit-link models (`AdoptionFit.pseudo_r2`), R2 for its OLS
    sensitivity."""
    if isinstance(fit, pd.DataFrame):  # an ols_hc3 table
        table = fit[TIDY_COLUMNS].copy()
        n, stat, value = int(fit["n"].iloc[0]), "r2", float(fit["r2"].iloc[0])
        model = model or str(fit["model"].iloc[0])
        outcome = outcome or str(fit["outcome"].iloc[0])
    elif hasattr(fit, "r2"):  # models.Fit
        table, n, stat, value = fit.coefficients[TIDY_COLUMNS].copy(), fit.n, "r2", float(fit.r2)
    else:  # adoption.AdoptionFit
        table, n = fit.coefficients[TIDY_COLUMNS].copy(), fit.n
        value = getattr(fit, "pseudo_r2", None)
        stat = ("r2" if fit.method.startswith("OLS") else "pseudo_r2") if value is not None else ""
        value = float(value) if value is not None else np.nan
        model, outcome = model or fit.method, outcome or fit.outcome
    table.insert(0, "outcome", outcome)
    table.insert(0, "model", model)
    return table.assign(n=n, fit_statistic=stat, fit_value=value)[COEFFICIENT_COLUMNS].reset_index(drop=True)


def descriptives(df: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """n (non-missing), mean, SD (n - 1), min and max of each variable: variable, n, mean, sd, min,
    max (NaN statistics where n is 0; sd NaN where n < 2)."""
    rows = []
    for v in variables:
        x = df[v].astype("float64").dropna()
        rows.append({"variable": v, "n": len(x), "mean": x.mean() if len(x) else np.nan,
                     "sd": x.std(ddof=1) if len(x) > 1 else np.nan,
                     "min": x.min() if len(x) else np.nan, "max": x.max() if len(x) else np.nan})
    return pd.DataFrame(rows, columns=["variable", "n", "mean", "sd", "min", "max"])


def correlations(df: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Pearson correlation of every pair of `variables` on the firms with both (pairwise complete),
    long format, each unordered pair once and the diagonal left out: a, b, n, r, p_value (t test with
    n - 2 df, scipy `pearsonr`). r and p are NaN where n < 3 or a variable does not vary on the pair's
    firms."""
    variables = list(variables)
    rows = []
    for i, a in enumerate(variables):
        for b in variables[i + 1:]:
            pair = df[[a, b]].astype("float64").dropna()
            r = p = np.nan
            if len(pair) >= 3 and pair[a].nunique() > 1 and pair[b].nunique() > 1:
                res = stats.pearsonr(pair[a], pair[b])
                r, p = float(res.statistic), float(res.pvalue)
            rows.append({"a": a, "b": b, "n": len(pair), "r": r, "p_value": p})
    return pd.DataFrame(rows, columns=["a", "b", "n", "r", "p_value"])


def correlation_matrix(long: pd.DataFrame, value: str = "r") -> pd.DataFrame:
    """A `correlations` table as a square matrix of `value` ("r", "n" or "p_value"): 1 on the
    diagonal for r, NaN on the diagonal otherwise."""
    names = list(dict.fromkeys([*long["a"], *long["b"]]))
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    for row in long.itertuples():
        matrix.loc[row.a, row.b] = matrix.loc[row.b, row.a] = getattr(row, value)
    if value == "r":
        for name in names:
            matrix.loc[name, name] = 1.0
    return matrix


def vif(df: pd.DataFrame, regressors: Sequence[str], fixed_effects: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Variance inflation factors of a model's regressors (statsmodels `variance_inflation_factor`),
    on the complete cases of the regressors (and fixed effects, entered as dummies with the first
    level dropped, whose VIFs are reported too). The design includes the intercept column, so each
    VIF is 1 / (1 - R2) of the regressor on all the others with a constant (centred VIF); the
    intercept's own value is not reported. Columns: term, vif, n."""
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    fes = _as_list(fixed_effects)
    regressors = list(regressors)
    data = df[list(dict.fromkeys([*regressors, *fes]))].dropna()
    columns = {"Intercept": np.ones(len(data))}
    for r in regressors:
        columns[r] = data[r].astype("float64").to_numpy()
    for fe in fes:
        levels = sorted(data[fe].astype(str).unique())
        for level in levels[1:]:
            columns[f"{fe}[T.{level}]"] = (data[fe].astype(str) == level).to_numpy(float)
    X = np.column_stack(list(columns.values()))
    names = list(columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = [float(variance_inflation_factor(X, j)) for j in range(1, X.shape[1])]
    return pd.DataFrame({"term": names[1:], "vif": values, "n": len(data)})
