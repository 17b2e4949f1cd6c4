"""Regression models of competitiveness on CSR, returning tidy tables.

- OLS on scale scores with HC3 standard errors (Long & Ervin 2000: reliable down to n = 25);
  with weights, WLS point estimates and an HC1 sandwich covariance (Stata pweights behaviour).
- District heterogeneity: pooled OLS with district fixed effects and exposure x district
  interactions, joint Wald test with HC3. Never clustered on district: with 3 districts no
  cluster-robust method is reliable, and the districts are strata, not sampled clusters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]


@dataclass(frozen=True)
class Fit:
    """A fitted model as tidy coefficients plus fit statistics."""

    coefficients: pd.DataFrame
    n: int
    r2: float
    cov_type: str

    def term(self, name: str) -> pd.Series:
        return self.coefficients.set_index("term").loc[name]


def _tidy(result) -> pd.DataFrame:
    ci = result.conf_int()
    return pd.DataFrame({"term": result.params.index, "estimate": result.params.to_numpy(),
                         "std_error": result.bse.to_numpy(), "statistic": result.tvalues.to_numpy(),
                         "p_value": result.pvalues.to_numpy(), "ci_low": ci[0].to_numpy(),
                         "ci_high": ci[1].to_numpy()})


def _formula(outcome: str, exposure: str, controls: list[str], fixed_effects: str | None) -> str:
    rhs = [exposure, *controls] + ([f"C({fixed_effects})"] if fixed_effects else [])
    return f"{outcome} ~ {' + '.join(rhs)}"


def ols(df: pd.DataFrame, outcome: str, exposure: str, controls: list[str] | None = None,
        fixed_effects: str | None = None, weights: str | None = None) -> Fit:
    """OLS with HC3 errors on complete cases; with `weights`, WLS with an HC1 sandwich."""
    controls = list(controls or [])
    cols = [outcome, exposure, *controls] + ([fixed_effects] if fixed_effects else []) \
        + ([weights] if weights else [])
    data = df[cols].dropna()
    data = data.astype({c: "float64" for c in cols if c != fixed_effects})
    formula = _formula(outcome, exposure, controls, fixed_effects)
    if weights:
        result = smf.wls(formula, data, weights=data[weights]).fit(cov_type="HC1")
    else:
        result = smf.ols(formula, data).fit(cov_type="HC3")
    return Fit(_tidy(result), int(result.nobs), float(result.rsquared), result.cov_type)


@dataclass(frozen=True)
class Heterogeneity:
    """Per-district slopes from one pooled model and the joint test that they are equal."""

    slopes: pd.DataFrame  # district, estimate, std_error, statistic, p_value, ci_low, ci_high
    wald_statistic: float
    wald_df: int
    wald_p_value: float
    n: int


def district_heterogeneity(df: pd.DataFrame, outcome: str, exposure: str, controls: list[str] | None = None,
                           group: str = "district") -> Heterogeneity:
    """Pooled OLS with group fixed effects and exposure x group interactions (HC3)."""
    controls = list(controls or [])
    data = df[[outcome, exposure, *controls, group]].dropna()
    data = data.astype({c: "float64" for c in [outcome, exposure, *controls]})
    levels = sorted(data[group].unique())
    formula = f"{outcome} ~ C({group}) + {exposure}:C({group})" + "".join(f" + {c}" for c in controls)
    result = smf.ols(formula, data).fit(cov_type="HC3")
    names = list(result.params.index)
    slope_terms = [f"{exposure}:C({group})[{lvl}]" for lvl in levels]
    rows = []
    for lvl, term in zip(levels, slope_terms):
        t = result.t_test(np.array([float(n == term) for n in names]))
        rows.append({group: lvl, "estimate": float(t.effect[0]), "std_error": float(t.sd[0, 0]),
                     "statistic": float(t.tvalue[0, 0]), "p_value": float(t.pvalue),
                     "ci_low": float(t.conf_int()[0, 0]), "ci_high": float(t.conf_int()[0, 1])})
    contrasts = np.array([[float(n == slope_terms[i]) - float(n == slope_terms[0]) for n in names]
                          for i in range(1, len(levels))])
    wald = result.wald_test(contrasts, scalar=True, use_f=False)
    return Heterogeneity(pd.DataFrame(rows), float(wald.statistic), len(levels) - 1, float(wald.pvalue),
                         int(result.nobs))
