"""Regression models of competitiveness on CSR, returning tidy tables (one row per term).

Library first (methods.md §2-3):
- `ols_hc3`: statsmodels OLS with HC3 errors (Long & Ervin 2000: reliable down to n = 25); with
  `weights`, WLS point estimates and an HC1 sandwich (Stata pweights behaviour, methods.md §2.6).
- `ordered_logit`: statsmodels `OrderedModel` (logit, no constant) as `LogitOrderedModel`, with its
  log-likelihood's analytic score and Hessian (hand-written, checked against numerical derivatives),
  fitted by statsmodels' Newton-Raphson. Hand: natural-scale cut-points
  (`transform_threshold_params`) with delta-method SEs; frequency weights by row expansion.
- `average_marginal_effects`: marginaleffects `avg_slopes` on the fitted `OrderedModel`.
- `proportional_odds_test`: hand-written Brant (1990) Wald test (statsmodels has none).
- `ordered_items`: the three above for each Likert item, one summary row per item.
- `district_heterogeneity`: pooled OLS, district FE x exposure, HC3 Wald test. Never clustered on
  district: with 3 districts no cluster-robust method is reliable, and districts are strata.
- `certification_effect`: statsmodels `TreatmentEffect` (IPW, AIPW; its GMM started at the
  closed-form solution, without the Nelder-Mead search that cannot move from it): an association
  (sensitivity analysis), not a causal effect.
- `covariate_balance`: standardised mean differences before and after IPW weighting (Austin 2009)
  and the propensity scores, for the balance table and the overlap figure.
- `robustness`: one coefficient complete-case, weighted and after multiple imputation.
Inference on OLS / WLS coefficients uses t with the residual df n - k, as R's
coeftest(vcovHC(type = "HC3")) and Stata's regress, vce(hc3) do (statsmodels' default for robust
covariances is the normal, which is too liberal in small samples); likelihood-based models (ordered
logit, its marginal effects, IPW / AIPW) use the normal reference.
Variable names are kept raw; labels belong to the codebook.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import optimize, stats
from scipy.special import expit
from statsmodels.discrete.discrete_model import Logit
from statsmodels.regression.linear_model import OLS, WLS
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.tools import add_constant
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)
from statsmodels.treatment.treatment_effects import (
    _AIPWGMM,
    _IPWGMM,
    TreatmentEffect,
    TreatmentEffectResults,
)

from . import estimability, ordinal
from .inference import mice_ols, numeric_frame
from .policy import MIN_ESS, SMD_BALANCE, TAU_BOUND, TRIM_HIGH, TRIM_LOW, balanced

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]
BRANT_COLUMNS = ["model", "outcome", "term", "statistic", "df", "p_value", "n", "note"]
ASSOCIATION_LABEL = "association (sensitivity analysis), not a causal effect"


def _as_list(x: str | list[str] | None) -> list[str]:
    return [x] if isinstance(x, str) else list(x or [])


def _complete(df: pd.DataFrame, numeric: list[str], categorical: list[str]) -> pd.DataFrame:
    """Complete cases of the used columns; numeric ones as float64, categorical ones as category with
    the observed levels only (marginaleffects refuses string columns; patsy codes a category column
    as dummies without a `C()` wrapper, which is far slower on large surveys)."""
    columns = list(dict.fromkeys(numeric + categorical))
    # column by column in numpy: the same frame as `df[columns].dropna().astype(...)`, a third of the time
    # on the small surveys (tests/test_models.py holds it equal to that definition)
    keep = np.ones(len(df), dtype=bool)
    for c in columns:
        keep &= df[c].notna().to_numpy()
    index = df.index[keep]
    out = {c: df[c].to_numpy(dtype="float64", na_value=np.nan)[keep] if c in numeric else df[c][keep]
           for c in columns}
    for c in categorical:
        column = pd.Series(out[c], index=index) if c in numeric else out[c]
        out[c] = column.astype("category").cat.remove_unused_categories()
    return pd.DataFrame(out, index=index)


def _design(data: pd.DataFrame, numeric: list[str], categorical: list[str]) -> pd.DataFrame:
    """The design matrix patsy builds for `y ~ numeric + categorical` from `_complete`'s columns, without
    patsy (whose formula machinery cost 20-40 ms per fit, most of a small fit's time): the same columns in
    the same order and with the same names (Intercept, each categorical's treatment dummies
    `name[T.level]` against its first level, then the numeric terms in formula order, a repeated one
    once), so the fits and their tables are patsy's (tests/test_models.py holds them equal)."""
    columns = {"Intercept": np.ones(len(data))}
    for name in dict.fromkeys(categorical):
        codes, levels = data[name].cat.codes.to_numpy(), data[name].cat.categories
        columns.update({f"{name}[T.{level}]": (codes == i).astype(float) for i, level in enumerate(levels) if i})
    columns.update({name: data[name].to_numpy(float) for name in dict.fromkeys(numeric)})
    return pd.DataFrame(columns, index=data.index)


def _normal_table(terms, estimate, std_error, df: float | None = None) -> pd.DataFrame:
    """Wald table with the normal reference, or t with `df` degrees of freedom when given."""
    estimate, std_error = np.asarray(estimate, float), np.asarray(std_error, float)
    ref = stats.norm if df is None else stats.t(df)
    z, q = estimate / std_error, ref.ppf(0.975)
    return pd.DataFrame({"term": list(terms), "estimate": estimate, "std_error": std_error, "statistic": z,
                         "p_value": 2 * ref.sf(np.abs(z)), "ci_low": estimate - q * std_error,
                         "ci_high": estimate + q * std_error})


def ols_hc3(df: pd.DataFrame, outcome: str, exposure: str, controls: list[str] | None = None,
            fixed_effects: str | list[str] | None = None, weights: str | None = None,
            cov_type: str | None = None) -> pd.DataFrame:
    """OLS with HC3 standard errors on complete cases.

    With `weights` (a column of sampling weights): WLS point estimates with an HC1 sandwich
    covariance, as Stata's pweights; not inverse-variance weights, so WLS default SEs are not used.
    `cov_type` overrides HC3/HC1 (e.g. "nonrobust" to compare with classical results). p-values and
    95% intervals use t with n - k degrees of freedom (k coefficients), as R's
    coeftest(fit, vcovHC(fit, type = "HC3")) and Stata's `regress, vce(hc3)`.
    Returns one row per term: model, outcome, term, estimate, std_error, statistic, p_value, ci_low,
    ci_high, n, r2, adj_r2, cov_type (the fit statistics repeat on every row).
    """
    controls, fes = _as_list(controls), _as_list(fixed_effects)
    data = _complete(df, [outcome, exposure, *controls] + _as_list(weights), fes)
    X = _design(data, [exposure, *controls], fes)
    # statsmodels on the arrays (the names are put back below): the same fit, without a pandas Series
    # around every statistic
    y, exog = data[outcome].to_numpy(), X.to_numpy()
    if weights:
        result = WLS(y, exog, weights=data[weights].to_numpy()).fit(cov_type=cov_type or "HC1", use_t=True)
        model = "WLS"
    else:
        result, model = OLS(y, exog).fit(cov_type=cov_type or "HC3", use_t=True), "OLS"
    ci = np.asarray(result.conf_int())
    return pd.DataFrame({"model": model, "outcome": outcome, "term": X.columns, "estimate": result.params,
                         "std_error": result.bse, "statistic": result.tvalues, "p_value": result.pvalues,
                         "ci_low": ci[:, 0], "ci_high": ci[:, 1], "n": int(result.nobs),
                         "r2": float(result.rsquared), "adj_r2": float(result.rsquared_adj),
                         "cov_type": result.cov_type})


@dataclass(frozen=True)
class Fit:
    """An `ols_hc3` table as coefficients plus fit statistics (used by tables and narrative)."""

    coefficients: pd.DataFrame
    n: int
    r2: float
    cov_type: str

    @cached_property
    def _by_term(self) -> pd.DataFrame:
        return self.coefficients.set_index("term")

    def term(self, name: str) -> pd.Series:
        """The row of coefficient `name` (estimate, std_error, ...), indexed once per fit."""
        return self._by_term.loc[name]


def ols(df: pd.DataFrame, outcome: str, exposure: str, controls: list[str] | None = None,
        fixed_effects: str | None = None, weights: str | None = None) -> Fit:
    """`ols_hc3` wrapped as a `Fit`."""
    table = ols_hc3(df, outcome, exposure, controls, fixed_effects, weights)
    first = table.iloc[0]
    return Fit(table[TIDY_COLUMNS].reset_index(drop=True), int(first["n"]), float(first["r2"]),
               str(first["cov_type"]))


class LogitOrderedModel(OrderedModel):
    """statsmodels `OrderedModel` with the logit link and analytic derivatives of its own likelihood.

    Same model, parameters and log-likelihood as `OrderedModel(..., distr="logit")` (slopes, then
    the first cut-point and the logs of the increments); only the cost differs. The logistic cdf
    and pdf come from `scipy.special.expit` instead of `scipy.stats.logistic` (whose argument
    handling dominated a likelihood evaluation), and `score` and `hessian` are the analytic ones of
    `ordinal` instead of numerical differences of the log-likelihood, so a fit on 10^5 firms takes
    a fraction of a second and Newton's method can be used.
    """

    def __init__(self, endog, exog, offset=None, **kwds):
        kwds.pop("distr", None)
        super().__init__(endog, exog, offset=offset, distr="logit", **kwds)

    @cached_property
    def _design(self) -> ordinal.Design:
        # built on first use: `from_formula` recodes endog from dummies to codes after __init__
        return ordinal.design(self.endog, self.exog, self.k_levels)

    def cdf(self, x):
        return expit(x)

    def pdf(self, x):
        p = expit(x)
        return p * (1 - p)

    def _derivatives(self, params, hessian: bool):
        """`ordinal.derivatives` in statsmodels' parameters t by the chain rule: with c_0 = t_0 and
        c_j = c_{j-1} + exp(t_j), dc/dt = G, and d2c_j / dt_i^2 = exp(t_i) for 1 <= i <= j, which adds
        exp(t_i) sum_{j >= i} dlogL / dc_j to the diagonal of the threshold block."""
        params = np.asarray(params, float)
        low, upp = self._bounds(params)
        natural, H = ordinal.derivatives(self._design, upp, low, ordinal.probability(upp, low), hessian=hessian)
        k, j = self.k_vars, self.k_levels - 1
        increments = np.concatenate(([1.0], np.exp(params[k + 1:])))
        G = np.eye(k + j)
        G[k:, k:] = np.tril(np.ones((j, j))) * increments
        if not hessian:
            return natural @ G, None
        tail = np.cumsum(natural[:, k:].sum(axis=0)[::-1])[::-1]  # sum_{j >= i} dlogL / dc_j
        curvature = np.zeros(k + j)
        curvature[k + 1:] = increments[1:] * tail[1:]
        return natural @ G, G.T @ H @ G + np.diag(curvature)

    def score_obs(self, params, **kwds):
        return self._derivatives(params, hessian=False)[0]

    def score(self, params):
        return self._derivatives(params, hessian=False)[0].sum(axis=0)

    def hessian(self, params):
        return self._derivatives(params, hessian=True)[1]


def _ordered_model(df: pd.DataFrame, item: str, exposure: str, controls: list[str], fixed_effects: list[str],
                   freq_weights: str | None = None) -> LogitOrderedModel:
    """Unfitted logit `OrderedModel` on complete cases; observed levels of `item` in order."""
    categorical = fixed_effects + [c for c in [exposure, *controls] if not pd.api.types.is_numeric_dtype(df[c])]
    numeric = [c for c in [exposure, *controls] if c not in categorical] + _as_list(freq_weights)
    data = _complete(df, numeric, [item, *categorical]) if isinstance(df[item].dtype, pd.CategoricalDtype) \
        else _complete(df, numeric + [item], categorical)
    if freq_weights:
        counts = data.pop(freq_weights)
        if not np.allclose(counts, counts.round()) or (counts < 0).any():
            raise ValueError(f"frequency weights in {freq_weights!r} must be non-negative integers")
        data = data.loc[data.index.repeat(counts.astype(int))].reset_index(drop=True)
    y = data[item]
    if isinstance(y.dtype, pd.CategoricalDtype):
        data[item] = y.cat.remove_unused_categories().cat.as_ordered()
    else:
        values = y.astype(int) if np.allclose(y, y.round()) else y
        data[item] = pd.Categorical(values, categories=sorted(values.unique()), ordered=True)
    dummies, names = numeric_frame(data, fixed_effects)  # 0/1 columns: patsy codes string categoricals slowly
    data = pd.concat([data.drop(columns=fixed_effects), dummies], axis=1)
    terms = [exposure, *controls] + [name for fe in fixed_effects for name in names[fe]]
    return LogitOrderedModel.from_formula(f"{item} ~ {' + '.join(terms)}", data)


def _fit_ordered(model: LogitOrderedModel):
    """Newton-Raphson fit with the analytic Hessian, from statsmodels' start (zero slopes, marginal
    cut-points); RuntimeError if it does not converge or the Hessian is singular (separation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (HessianInversionWarning, ConvergenceWarning))
        result = model.fit(method="newton", maxiter=100, disp=False)
    if not result.mle_retvals["converged"]:
        raise RuntimeError(f"ordered logit for {model.endog_names} did not converge")
    if result.normalized_cov_params is None or not np.isfinite(result.bse).all():
        raise RuntimeError(f"ordered logit for {model.endog_names}: singular information matrix (separation)")
    return result


def ordered_logit(df: pd.DataFrame, item: str, exposure: str, controls: list[str] | None = None,
                  fixed_effects: str | list[str] | None = None, freq_weights: str | None = None) -> pd.DataFrame:
    """Proportional-odds (ordered) logit of a Likert item, statsmodels `OrderedModel`.

    Model: logit P(item <= j) = cut_j - x'b. Cut-points are returned on the natural scale (statsmodels
    stores increments after the first as logs) with delta-method SEs; SEs from the inverse Hessian,
    as R MASS::polr. `freq_weights`: integer counts, applied by repeating rows (no weights argument
    in `OrderedModel`). Returns rows for slopes (kind "slope") and cut-points (kind "cutpoint",
    term "a|b"): model, outcome, kind, term, estimate, std_error, statistic, p_value, ci_low, ci_high,
    n, log_lik.
    """
    model = _ordered_model(df, item, exposure, _as_list(controls), _as_list(fixed_effects), freq_weights)
    return _ordered_table(model, _fit_ordered(model), item)


def _ordered_table(model: OrderedModel, result, item: str) -> pd.DataFrame:
    """The `ordered_logit` table of a fitted `OrderedModel`."""
    params, cov = result.params.to_numpy(), result.cov_params().to_numpy()
    k = model.k_vars
    raw = params[k:]
    jac = np.tril(np.ones((raw.size, raw.size))) * np.concatenate(([1.0], np.exp(raw[1:])))
    cuts = model.transform_threshold_params(params)[1:-1]
    cut_se = np.sqrt(np.diag(jac @ cov[k:, k:] @ jac.T))
    labels = [str(v) for v in model.labels]
    table = pd.concat([
        _normal_table(model.exog_names[:k], params[:k], np.sqrt(np.diag(cov))[:k]).assign(kind="slope"),
        _normal_table([f"{a}|{b}" for a, b in zip(labels[:-1], labels[1:])], cuts, cut_se).assign(kind="cutpoint"),
    ], ignore_index=True)
    table.insert(0, "kind", table.pop("kind"))
    table.insert(0, "outcome", item)
    table.insert(0, "model", "ordered logit")
    return table.assign(n=int(model.nobs), log_lik=float(result.llf))


def average_marginal_effects(df: pd.DataFrame, item: str, exposure: str, controls: list[str] | None = None,
                             fixed_effects: str | list[str] | None = None) -> pd.DataFrame:
    """Average marginal effect of `exposure` on the probability of each category of `item`.

    Ordered logit as `ordered_logit`, then marginaleffects `avg_slopes` (delta-method SEs from the
    inverse-Hessian covariance): a derivative (contrast "dY/dX") for a continuous exposure, the
    1 - 0 difference for a 0/1 exposure. z, p and CI use the normal reference, as the ordered-logit
    coefficients (marginaleffects 0.6 uses t with df_resid, not meaningful for a likelihood model).
    Returns model, outcome, term, category, contrast, estimate, std_error, statistic, p_value, ci_low,
    ci_high, n.
    """
    model = _ordered_model(df, item, exposure, _as_list(controls), _as_list(fixed_effects))
    return _ame_table(model, _fit_ordered(model), item, exposure)


def _ame_table(model: OrderedModel, result, item: str, exposure: str) -> pd.DataFrame:
    """The `average_marginal_effects` table of a fitted `OrderedModel`."""
    from marginaleffects import avg_slopes  # on first use: it loads polars (JAX is not installed: Makefile, lock)

    ame = avg_slopes(result, variables=exposure).data.to_pandas()
    table = _normal_table(ame["term"], ame["estimate"], ame["std_error"])
    table.insert(1, "contrast", ame["contrast"].to_numpy())
    table.insert(1, "category", [model.labels[int(g)] for g in ame["group"]])
    table.insert(0, "outcome", item)
    table.insert(0, "model", "ordered logit AME")
    return table.assign(n=int(model.nobs))


def proportional_odds_test(df: pd.DataFrame, item: str, exposure: str, controls: list[str] | None = None,
                           fixed_effects: str | list[str] | None = None) -> pd.DataFrame:
    """Brant (1990) Wald test of proportional odds, hand-written (as R `brant`, Stata `brant`).

    Fits a binary logit of 1(item > j) at each of the J-1 cut-points on the ordered-logit design,
    stacks the slopes and uses Brant's joint covariance: the ML covariance within a cut-point and
    V_jl = V_j X' diag(p_l (1 - p_j)) X V_l across cut-points j < l. Tests that each slope is equal
    across cut-points (df J-2) and all at once ("omnibus", df (J-2)k). Small p: the effect differs
    by cut-point, so the ordered logit's single slope is a summary. If a binary logit does not
    converge or separates (sparse extreme categories), the test is not computable: NaN statistics
    and the reason in `note` (collapse sparse categories first). Returns model, outcome, term,
    statistic, df, p_value, n, note.
    """
    return _brant(_ordered_model(df, item, exposure, _as_list(controls), _as_list(fixed_effects)), item)


def _brant(model: OrderedModel, item: str) -> pd.DataFrame:
    """The `proportional_odds_test` table for an (unfitted) `OrderedModel`."""
    if model.k_levels < 3:
        raise ValueError(f"{item}: the Brant test needs at least 3 observed categories")
    X = add_constant(np.asarray(model.exog, float), has_constant="add")
    fits, failed = [], []
    for j in range(model.k_levels - 1):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", (ConvergenceWarning, PerfectSeparationWarning))
            fit = Logit((model.endog > j).astype(float), X).fit(disp=False, maxiter=100)
        if not fit.mle_retvals["converged"] or any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
            failed.append(f"{model.labels[j]}|{model.labels[j + 1]}")
        fits.append(fit)
    m, k = len(fits), X.shape[1] - 1
    names = ["omnibus", *model.exog_names[:k]]
    table = pd.DataFrame({"model": "Brant test of proportional odds", "outcome": item, "term": names,
                          "df": [(m - 1) * k] + [m - 1] * k, "n": int(model.nobs), "note": ""})
    if failed:
        note = f"not computable: binary logit at cut-point {', '.join(failed)} did not converge or separates"
        return table.assign(statistic=np.nan, p_value=np.nan, note=note)[BRANT_COLUMNS]
    p = [f.predict() for f in fits]
    inv_info = [np.asarray(f.cov_params()) for f in fits]
    V = np.zeros((m * k, m * k))
    for j in range(m):
        for l in range(j, m):
            block = inv_info[j] if j == l else \
                inv_info[j] @ (X.T * (p[l] * (1 - p[j]))) @ X @ inv_info[l]
            V[j * k:(j + 1) * k, l * k:(l + 1) * k] = block[1:, 1:]
            V[l * k:(l + 1) * k, j * k:(j + 1) * k] = block[1:, 1:].T
    beta = np.concatenate([np.asarray(f.params)[1:] for f in fits])
    D = np.kron(np.hstack([np.ones((m - 1, 1)), -np.eye(m - 1)]), np.eye(k))  # b_1 - b_j, j = 2..m

    def wald(rows: np.ndarray) -> float:
        d = rows @ beta
        return float(d @ np.linalg.solve(rows @ V @ rows.T, d))

    table["statistic"] = [wald(D)] + [wald(D[i::k]) for i in range(k)]
    table["p_value"] = stats.chi2.sf(table["statistic"], table["df"])
    return table[BRANT_COLUMNS]


ITEM_COLUMNS = ["outcome", "estimate", "std_error", "p_value", "lowest", "ame_lowest", "ame_lowest_se",
                "highest", "ame_highest", "ame_highest_se", "brant_p_value", "brant_omnibus_p_value", "n", "note",
                "max_abs_logodds", "separation", "brant_degenerate"]
BRANT_DEGENERATE_P = 0.9995  # a Brant p that prints as 1.000 with df > 0: the test has no information


def separation_flag(log_odds) -> tuple[float, bool]:
    """(largest |parameter| on the log-odds scale, whether it exceeds `policy.TAU_BOUND` = 10), over
    an ordered logit's slopes and cut-points. On this project's scales (the CSR index in [0, 1], log
    employees, export share in percent, age in years) a log-odds coefficient or cut-point beyond 10
    is not a credible effect but the signature of (quasi-)separation: a category (nearly) empty or
    perfectly predicted, the likelihood still rising at the boundary (the issue's Santa Croce
    reputation slope of 10.21, whose Brant test could not be computed). Such a fit is not read."""
    values = np.asarray(log_odds, dtype="float64")
    largest = float(np.nanmax(np.abs(values))) if values.size and np.isfinite(values).any() else np.nan
    return largest, bool(np.isfinite(largest) and largest > TAU_BOUND)


def brant_degenerate(p_values, df=None) -> bool:
    """Whether a Brant test is degenerate: not computable (any p NaN) or a p of 1.000 as printed
    (p >= `BRANT_DEGENERATE_P`) with df > 0, which happens when the binary logits at the cut-points
    separate and their slopes are all at the boundary, not because the odds are proportional."""
    p = np.atleast_1d(np.asarray(p_values, dtype="float64"))
    dfs = np.ones_like(p) if df is None else np.atleast_1d(np.asarray(df, dtype="float64"))
    return bool((~np.isfinite(p)).any() or ((p >= BRANT_DEGENERATE_P) & (dfs > 0)).any())


def ordered_items(df: pd.DataFrame, items: list[str], exposure: str, controls: list[str] | None = None,
                  fixed_effects: str | list[str] | None = None) -> pd.DataFrame:
    """Ordered logit of each Likert item on `exposure`, summarised in one row per item.

    Columns (`ITEM_COLUMNS`): the exposure's log-odds slope (estimate, std_error, p_value); its
    average marginal effects on the probability of the lowest and highest categories (with the
    category names); the Brant p-value for the exposure and the omnibus one; n; and `note`, which
    says why a model or test could not be estimated (`estimability.ordered` before fitting: fewer
    than two categories or too few firms per parameter; then no convergence, separation), leaving NaN.
    Flags (issue 23): `max_abs_logodds` and `separation` (`separation_flag`: a slope or cut-point
    beyond |10| on the log-odds scale), `brant_degenerate` (`brant_degenerate`: the Brant test not
    computable, or p = 1.000 with df > 0). A flagged row is estimated but not read (no verdict);
    rows not estimated have both flags False and NaN max_abs_logodds.
    """
    controls, fes = _as_list(controls), _as_list(fixed_effects)
    rows = []
    for item in items:
        row = dict.fromkeys(ITEM_COLUMNS, np.nan) | {"outcome": item, "note": "", "separation": False,
                                                     "brant_degenerate": False}
        check = estimability.ordered(df, item, exposure, controls, fes)
        if not check:
            rows.append(row | {"note": f"ordered logit {check.record_value()}"})
            continue
        model = _ordered_model(df, item, exposure, controls, fes)
        try:
            result = _fit_ordered(model)  # one fit for the slope and the AMEs
        except (RuntimeError, np.linalg.LinAlgError, ValueError) as error:
            rows.append(row | {"note": f"ordered logit not estimable: {estimability.scrub(str(error))}"})
            continue
        fitted = _ordered_table(model, result, item)
        slope = fitted.set_index("term").loc[exposure]
        row["max_abs_logodds"], row["separation"] = separation_flag(fitted["estimate"])
        ame = _ame_table(model, result, item, exposure)
        low, high = ame.iloc[0], ame.iloc[-1]
        row.update(estimate=slope["estimate"], std_error=slope["std_error"], p_value=slope["p_value"],
                   lowest=str(low["category"]), ame_lowest=low["estimate"], ame_lowest_se=low["std_error"],
                   highest=str(high["category"]), ame_highest=high["estimate"], ame_highest_se=high["std_error"],
                   n=int(slope["n"]))
        if model.k_levels < 3:
            row["note"] = "Brant test not computable: fewer than 3 observed categories"
        else:
            brant = _brant(model, item).set_index("term")
            row.update(brant_p_value=brant.loc[exposure, "p_value"],
                       brant_omnibus_p_value=brant.loc["omnibus", "p_value"], note=brant.loc[exposure, "note"],
                       brant_degenerate=brant_degenerate(brant.loc[[exposure, "omnibus"], "p_value"],
                                                         brant.loc[[exposure, "omnibus"], "df"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


@dataclass(frozen=True)
class Heterogeneity:
    """Per-district slopes from one pooled model (`slopes`) and the joint Wald test (`test`)."""

    slopes: pd.DataFrame
    test: pd.DataFrame

    @property
    def wald_statistic(self) -> float:
        return float(self.test["statistic"].iloc[0])

    @property
    def wald_df(self) -> int:
        return int(self.test["df"].iloc[0])

    @property
    def wald_p_value(self) -> float:
        return float(self.test["p_value"].iloc[0])

    @property
    def n(self) -> int:
        return int(self.test["n"].iloc[0])


def district_heterogeneity(df: pd.DataFrame, outcome: str, exposure: str, controls: list[str] | None = None,
                           group: str = "district") -> Heterogeneity:
    """Pooled OLS `outcome ~ exposure * group + controls` (group as dummies) with HC3 errors.

    `slopes`: the exposure slope in each group (main effect plus interaction, SE from the linear
    combination, t with n - k df as `ols_hc3`): model, outcome, term, <group>, estimate, std_error, statistic, p_value, ci_low,
    ci_high, n. `test`: chi-square Wald test that all exposure x group interactions are zero (equal
    slopes): model, outcome, term, statistic, df, p_value, n. Firm-level HC3, no clustering on group.
    """
    controls = _as_list(controls)
    data = _complete(df, [outcome, exposure, *controls], [group])
    levels = list(data[group].cat.remove_unused_categories().cat.categories)
    formula = f"{outcome} ~ {exposure} * {group}" + "".join(f" + {c}" for c in controls)
    result = smf.ols(formula, data).fit(cov_type="HC3")
    names = list(result.params.index)
    interactions = [f"{exposure}:{group}[T.{lvl}]" for lvl in levels[1:]]
    L = np.zeros((len(levels), len(names)))
    L[:, names.index(exposure)] = 1
    for row, term in enumerate(interactions, start=1):
        L[row, names.index(term)] = 1
    t = result.t_test(L)
    label = f"OLS, {group} FE x exposure (HC3)"
    slopes = _normal_table([exposure] * len(levels), np.ravel(t.effect), np.ravel(t.sd), df=result.df_resid)
    slopes.insert(1, group, levels)
    slopes.insert(0, "outcome", outcome)
    slopes.insert(0, "model", label)
    wald = result.wald_test(L[1:] - L[0], scalar=True, use_f=False)
    test = pd.DataFrame({"model": [label], "outcome": outcome, "term": f"{exposure}:{group}",
                         "statistic": float(wald.statistic), "df": len(levels) - 1, "p_value": float(wald.pvalue),
                         "n": int(result.nobs)})
    return Heterogeneity(slopes.assign(n=int(result.nobs)), test)


TREATMENT_COLUMNS = ["model", "outcome", "term", "estimand", "estimate", "std_error", "statistic", "p_value",
                     "ci_low", "ci_high", "n", "n_treated", "n_before_trim", "n_trimmed", "trim_low", "trim_high",
                     "ps_min", "ps_max", "ess_treated", "ess_control", "max_abs_smd_after", "balanced",
                     "moment_residual", "label"]


@dataclass(frozen=True)
class Trimmed:
    """The sample of an IPW / AIPW comparison after trimming (Crump, Hotz, Imbens & Mitnik 2009):
    `data` (complete cases with propensity in [low, high] under the model fitted on all complete
    cases), `n_before` (complete cases), `rhs` (the right-hand side of the propensity and outcome
    models), `low`, `high`."""

    data: pd.DataFrame
    n_before: int
    rhs: str
    low: float | None
    high: float | None

    @property
    def n_trimmed(self) -> int:
        return self.n_before - len(self.data)


def trimmed_sample(df: pd.DataFrame, controls: list[str], treatment: str = "cert_any",
                   fixed_effects: str | list[str] | None = None, outcome: str | None = None,
                   trim: tuple[float, float] | None = (TRIM_LOW, TRIM_HIGH)) -> Trimmed:
    """Complete cases of treatment, controls, fixed effects (and `outcome` if given), then the firms
    whose estimated propensity (logit on controls + fixed effects, all complete cases) lies in
    `trim` = [low, high] (default `policy.TRIM_LOW`, `policy.TRIM_HIGH` = [0.1, 0.9], Crump et al.'s
    rule of thumb); `trim=None` keeps every firm. One pass: the models are then refitted on the kept
    firms (their propensities may again leave the band slightly; they are not trimmed twice)."""
    fes = _as_list(fixed_effects)
    data = _complete(df, [treatment, *controls] + _as_list(outcome), fes)
    if not set(data[treatment].unique()) <= {0.0, 1.0}:
        raise ValueError(f"{treatment} must be coded 0/1")
    rhs = " + ".join(controls + fes) or "1"
    n_before = len(data)
    if trim is not None:
        ps = smf.logit(f"{treatment} ~ {rhs}", data).fit(disp=False).predict()
        data = data[(np.asarray(ps) >= trim[0]) & (np.asarray(ps) <= trim[1])]
        data = data.assign(**{fe: data[fe].cat.remove_unused_categories() for fe in fes})
    return Trimmed(data, n_before, rhs, *(trim or (None, None)))


def kish_ess(weights) -> float:
    """Kish's effective sample size of a weighted group, (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype="float64")
    return float(w.sum() ** 2 / (w ** 2).sum()) if w.size else 0.0


def certification_check(df: pd.DataFrame, outcome: str, controls: list[str], treatment: str = "cert_any",
                        fixed_effects: str | list[str] | None = None,
                        trim: tuple[float, float] | None = (TRIM_LOW, TRIM_HIGH)) -> estimability.Check:
    """The gate of an IPW / AIPW comparison (`stats.policy`, "ipw"): `estimability.treatment` on the
    complete cases, then on the trimmed sample (groups of at least 10 and k + 5 firms, both groups in
    every district), then Kish's effective sample size of each weighted group >= `policy.MIN_ESS`
    (reason "few_ess"). A propensity model that cannot be fitted is `estimability.failed`."""
    check = estimability.treatment(df, outcome, treatment, controls, fixed_effects)
    if not check:
        return check
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            part = trimmed_sample(df, controls, treatment, fixed_effects, outcome, trim)
            check = estimability.treatment(part.data, outcome, treatment, controls, fixed_effects)
            if not check:
                return check
            ps = np.asarray(smf.logit(f"{treatment} ~ {part.rhs}", part.data).fit(disp=False).predict())
    except (ValueError, np.linalg.LinAlgError, PerfectSeparationError) as error:
        return estimability.failed(error)
    treated = part.data[treatment].to_numpy() == 1.0
    ess = {"certified": kish_ess(1 / ps[treated]), "uncertified": kish_ess(1 / (1 - ps[~treated]))}
    return estimability.ess_rule(ess, MIN_ESS)


def certification_effect(df: pd.DataFrame, outcome: str, controls: list[str], treatment: str = "cert_any",
                         fixed_effects: str | list[str] | None = None,
                         trim: tuple[float, float] | None = (TRIM_LOW, TRIM_HIGH)) -> pd.DataFrame:
    """IPW and AIPW estimates of the average difference in `outcome` between certified and
    non-certified firms, adjusted for `controls`: an association (sensitivity analysis), not a
    causal effect (cross-sectional, single-respondent data, unmeasured confounding likely).

    Sample: `trimmed_sample` (complete cases, then propensity in [0.1, 0.9], Crump et al. 2009;
    `trim=None` for none). statsmodels `TreatmentEffect` (Stata teffects) on that sample: logit
    treatment model and OLS outcome model on the same covariates. Estimate and standard error come
    from the same estimating equations: the estimate is the root of the library's GMM moment
    conditions (`_IPWGMM` / `_AIPWGMM`, whose propensities are clipped to [0.01, 0.99]; after
    trimming the clip rarely binds, and then the root is the closed form) and the GMM (HC0)
    covariance is evaluated there. `moment_residual`: the largest |mean moment| at the estimate.

    Returns one row per method (IPW, AIPW): model, outcome, term, estimand ("ATE"), estimate,
    std_error, statistic, p_value, ci_low, ci_high (normal reference), n (after trimming), n_treated,
    n_before_trim, n_trimmed, trim_low, trim_high, ps_min, ps_max (refitted propensities),
    ess_treated, ess_control (Kish ESS of the IPW weights in each group), max_abs_smd_after (largest
    |SMD| after weighting on this sample, `covariate_balance`), balanced (`policy.balanced`: every
    |SMD| < 0.1) and label.
    """
    fes = _as_list(fixed_effects)
    part = trimmed_sample(df, controls, treatment, fes, outcome, trim)
    data = part.data
    select = smf.logit(f"{treatment} ~ {part.rhs}", data).fit(disp=False)
    teff = TreatmentEffect(smf.ols(f"{outcome} ~ {part.rhs}", data), data[treatment].to_numpy(),
                           results_select=select)
    ps = np.asarray(select.predict())
    treated = data[treatment].to_numpy() == 1.0
    balance = _balance_table(data, controls, fes, treatment, ps)
    smd = balance["smd_after"].to_numpy(float)
    rows = []
    for method in ("ipw", "aipw"):
        res = _treatment_effect(teff, method)
        ci = np.asarray(res.conf_int())
        residual = float(np.abs(res.results_gmm.model.momcond(res.results_gmm.params).mean(axis=0)).max())
        rows.append({"model": res.method, "estimate": float(res.effect[0]), "std_error": float(res.sd[0]),
                     "statistic": float(res.statistic[0]), "p_value": float(res.pvalue[0]),
                     "ci_low": float(ci[0, 0]), "ci_high": float(ci[0, 1]), "moment_residual": residual})
    return pd.DataFrame(rows).assign(
        outcome=outcome, term=treatment, estimand="ATE", n=len(data), n_treated=int(treated.sum()),
        n_before_trim=part.n_before, n_trimmed=part.n_trimmed, trim_low=part.low, trim_high=part.high,
        ps_min=float(ps.min()), ps_max=float(ps.max()), ess_treated=kish_ess(1 / ps[treated]),
        ess_control=kish_ess(1 / (1 - ps[~treated])),
        max_abs_smd_after=float(np.nanmax(np.abs(smd))) if np.isfinite(smd).any() else np.nan,
        balanced=balanced(smd), label=ASSOCIATION_LABEL)[TREATMENT_COLUMNS]


def certification_effects(df: pd.DataFrame, outcomes: list[str], controls: list[str], treatment: str = "cert_any",
                          fixed_effects: str | list[str] | None = None,
                          trim: tuple[float, float] | None = (TRIM_LOW, TRIM_HIGH)
                          ) -> tuple[dict[str, estimability.Check], pd.DataFrame | None]:
    """`certification_effect` of each outcome after its gate (`certification_check`: group sizes before
    and after trimming, Kish ESS): ({outcome: Check}, the rows of the estimated outcomes or None). An
    estimation that fails after passing the gate (a singular GMM covariance, e.g. a district left with
    one treated firm after trimming) gets `estimability.failed` instead of stopping the report."""
    checks: dict[str, estimability.Check] = {}
    rows = []
    for outcome in outcomes:
        check = certification_check(df, outcome, controls, treatment, fixed_effects, trim)
        if check:
            try:
                rows.append(certification_effect(df, outcome, controls, treatment, fixed_effects, trim))
            except (ValueError, np.linalg.LinAlgError, PerfectSeparationError) as error:
                check = estimability.failed(error)
        checks[outcome] = check
    return checks, (pd.concat(rows, ignore_index=True) if rows else None)


@dataclass(frozen=True)
class Balance:
    """Covariate balance of an IPW comparison: `table` (one row per covariate, district levels as 0/1
    indicators: covariate, mean_treated, mean_control, smd_before, smd_after, weighted_mean_treated,
    weighted_mean_control, balanced_after (|smd_after| < `policy.SMD_BALANCE`)) and `propensity`
    (one row per firm of the trimmed sample: propensity, treated) for the overlap figure; `n` (firms
    after trimming), `n_trimmed`, `ess` ({"certified", "uncertified"}: Kish ESS of the IPW weights)
    and `balanced` (every covariate balanced after weighting, `policy.balanced`)."""

    table: pd.DataFrame
    propensity: pd.DataFrame
    n: int
    n_trimmed: int = 0
    ess: dict = field(default_factory=dict)
    balanced: bool = False


def _balance_table(data: pd.DataFrame, controls: list[str], fes: list[str], treatment: str,
                   ps: np.ndarray) -> pd.DataFrame:
    treated = data[treatment].to_numpy() == 1.0
    weight = np.where(treated, 1.0 / ps, 1.0 / (1.0 - ps))
    columns = {c: data[c].to_numpy(float) for c in controls}
    for fe in fes:
        for level in data[fe].cat.categories:
            columns[f"{fe}={level}"] = (data[fe] == level).to_numpy(float)
    rows = []
    for name, x in columns.items():
        xt, xc, wt, wc = x[treated], x[~treated], weight[treated], weight[~treated]
        sd = np.sqrt((xt.var(ddof=1) + xc.var(ddof=1)) / 2)
        mt, mc = np.average(xt, weights=wt), np.average(xc, weights=wc)
        after = (mt - mc) / sd if sd > 0 else np.nan
        rows.append({"covariate": name, "mean_treated": xt.mean(), "mean_control": xc.mean(),
                     "smd_before": (xt.mean() - xc.mean()) / sd if sd > 0 else np.nan,
                     "smd_after": after, "weighted_mean_treated": mt, "weighted_mean_control": mc,
                     "balanced_after": bool(abs(after) < SMD_BALANCE)})
    return pd.DataFrame(rows)


def covariate_balance(df: pd.DataFrame, controls: list[str], treatment: str = "cert_any",
                      fixed_effects: str | list[str] | None = None, outcome: str | None = None,
                      trim: tuple[float, float] | None = (TRIM_LOW, TRIM_HIGH)) -> Balance:
    """Standardised mean differences of the covariates between treated and control firms, before
    and after inverse probability weighting with the propensity model of `certification_effect`, on
    the same trimmed sample (`trimmed_sample`; `outcome` restricts it to the firms with that outcome,
    as the estimate of that outcome).

    SMD = (mean_treated - mean_control) / sqrt((var_treated + var_control) / 2), with the unweighted
    group variances in the denominator both before and after weighting (Austin 2009; R cobalt's
    `s.d.denom = "pooled"` for the ATE), so that only the means move. ATE weights: 1/p for treated,
    1/(1-p) for control firms, normalised within group (Hajek), as statsmodels' IPW. |SMD| <
    `policy.SMD_BALANCE` = 0.1 is balance (Austin 2009).
    """
    fes = _as_list(fixed_effects)
    part = trimmed_sample(df, controls, treatment, fes, outcome, trim)
    data = part.data
    ps = np.asarray(smf.logit(f"{treatment} ~ {part.rhs}", data).fit(disp=False).predict())
    treated = data[treatment].to_numpy() == 1.0
    table = _balance_table(data, controls, fes, treatment, ps)
    ess = {"certified": kish_ess(1 / ps[treated]), "uncertified": kish_ess(1 / (1 - ps[~treated]))}
    return Balance(table, pd.DataFrame({"propensity": ps, "treated": treated.astype(int)}), int(len(data)),
                   part.n_trimmed, ess, balanced(table["smd_after"]))


class _AtStart:
    """A just-identified GMM whose estimate is its start value (the closed-form solution, where the
    objective is zero): `fitgmm` returns the start instead of searching from it."""

    def fitgmm(self, start, weights=None, optim_method=None, optim_args=None):
        return np.asarray(start, float)


class _IPWAtStart(_AtStart, _IPWGMM):
    pass


class _AIPWAtStart(_AtStart, _AIPWGMM):
    pass


def _treatment_effect(teff: TreatmentEffect, method: str) -> TreatmentEffectResults:
    """`teff.ipw()` / `teff.aipw()` (ATE), the same results without their Nelder-Mead search.

    statsmodels computes the closed-form estimates, then hands them to a just-identified GMM as
    start values and runs Nelder-Mead (up to 5,000 iterations) on an objective that is already
    zero there: the search returns its start unchanged and only costs time (seconds per model at
    10^5 firms). Here the same GMM classes take the start as their estimate, so estimates and
    GMM (HC0) covariance are the library's, evaluated at the same point.
    """
    endog = teff.model_pool.endog
    if method == "ipw":
        gmm = _IPWAtStart(endog, teff.results_select, None, teff=teff, effect_group="all")
        start = [teff.ipw(return_results=False)[:2], teff.results_select.params]
    elif method == "aipw":
        gmm = _AIPWAtStart(endog, teff.results_select, None, teff=teff)
        start = [teff.aipw(return_results=False)[:2], teff.results0.params, teff.results1.params,
                 teff.results_select.params]
    else:
        raise ValueError(f"method must be 'ipw' or 'aipw', not {method!r}")
    start = np.concatenate([np.asarray(part, float) for part in start])
    start = _moment_root(gmm, start)
    fitted = gmm.fit(start_params=start, inv_weights=np.eye(len(start)), maxiter=1)
    return TreatmentEffectResults(teff, fitted, method.upper(), start_params=start, effect_group="all")


def _moment_root(gmm, start: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """The root of the GMM's mean moment conditions, from `start` (the closed-form solution). The
    library's moments clip the propensity to [0.01, 0.99] while its closed form does not, so where
    the clip binds the closed form is not their root (issue 23: -0.02658 against -0.02640); there
    the just-identified system is solved (scipy `root`, hybrid Powell). Where the closed form
    already solves them (|mean moment| < `tol`) it is returned unchanged."""
    def mean_moments(params):
        return gmm.momcond(params).mean(axis=0)

    if np.abs(mean_moments(start)).max() < tol:
        return start
    solution = optimize.root(mean_moments, start, method="hybr", options={"xtol": 1e-13})
    if not solution.success or np.abs(mean_moments(solution.x)).max() > 1e-8:
        raise RuntimeError(f"the estimating equations have no root near the closed form ({solution.message})")
    return solution.x


def robustness(df: pd.DataFrame, outcomes: list[str], exposure: str, controls: list[str], weights: pd.Series,
               fixed_effects: str | None = None, m: int = 20, seed: int = 0) -> dict[str, dict[str, pd.Series]]:
    """The coefficient of `exposure` on each outcome three ways, as rows with estimate, ci_low, ci_high:
    "complete" (OLS-HC3 on complete cases), "weighted" (`weights`, sampling weights aligned with
    `df`: WLS with HC1) and "mice" (`inference.mice_ols`, m imputations from one chain over all
    the outcomes, exposure and controls; fixed effects as complete categorical controls)."""
    weighted = df.assign(_weight=weights)
    imputed = mice_ols(df, outcomes, exposure, [*controls, *_as_list(fixed_effects)], m=m, seed=seed)
    out = {}
    for y in outcomes:
        out[y] = {"complete": ols(df, y, exposure, controls, fixed_effects).term(exposure),
                  "weighted": ols(weighted, y, exposure, controls, fixed_effects, weights="_weight").term(exposure),
                  "mice": imputed[imputed["outcome"] == y].set_index("term").loc[exposure]}
    return out
