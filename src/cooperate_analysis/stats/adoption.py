"""Who adopts CSR, and through which channels (issue 16): adoption models, marginal effects and the
descriptive analyses of the channels, stakeholders, motivations and barriers.

Estimators (each held to a reference in tests/test_adoption.py):
- `fractional_logit`: the CSR index (a share in [0, 1]) by quasi-likelihood, a binomial GLM with the
  logit link (Papke & Wooldridge 1996), statsmodels `GLM`. Covariance: HC3 computed here as R's
  `sandwich::vcovHC(glm(..., family = quasibinomial), type = "HC3")`: bread (X'WX)^-1, scores
  (y - p) x_i scaled by 1 / (1 - h_i) with h_i the diagonal of the weighted hat matrix
  W^1/2 X (X'WX)^-1 X' W^1/2 (statsmodels' GLM `cov_type="HC3"` applies no leverage correction and
  equals HC0, so it is not used). p-values and intervals use the normal reference, as R's
  `lmtest::coeftest` on a glm and Stata's `fracreg`.
- `logit`: binary logit of a certification. Maximum likelihood (statsmodels `Logit`, Newton; HC3
  covariance as the fractional logit, see `logit` for the Monte Carlo evidence behind it) unless
  the rule `FIRTH_RULE` calls for Firth's penalised likelihood (Firth 1993; Heinze & Schemper 2002),
  fitted here by Newton-Raphson on the modified score (no kept Python library fits it), with Wald
  standard errors from the inverse information at the penalised estimate, as Stata's `firthlogit`.
  R's `logistf` reports profile penalised-likelihood intervals by default, because near
  separation the penalised likelihood is far from quadratic and a symmetric Wald interval misstates
  it (endometrial data: Wald [-0.11, 5.97] for NV against the profile [0.61, 7.85]). They are
  computed here too (`firth_profile_intervals`, matching logistf) and given with a Firth fit as
  `AdoptionFit.profile_ci` when asked (`logit(..., profile=True)`); the tables' coefficient and
  AME intervals stay Wald because the average marginal effects need a covariance matrix (delta
  method) and both tables should rest on the same one.
- Average marginal effects (`AdoptionFit.ame`): for a continuous regressor the average derivative of
  the predicted share or probability, (1/n) sum p_i (1 - p_i) b_j; for a 0/1 regressor the average
  discrete change (1/n) sum [p_i(x_j = 1) - p_i(x_j = 0)] (Stata `margins, dydx(*)` with `i.`
  factor notation). Delta-method standard errors with the analytic gradient of the AME in the
  coefficients and the model's covariance (HC3 for the fractional logit and the ML logit, the
  penalised information for Firth's); normal intervals. A regressor is treated as binary when its
  observed values are 0 and 1 only.

Descriptive analyses: `adoption_by_channel` (shares with Wilson intervals), `channels_gradient`
(outcome by number of channels used, Spearman rho and an OLS-HC3 slope), `network_moderation`
(exploratory interaction), `salience` (Friedman test with R's tie correction and Kendall's W),
`likert_summary`. `adoption_drivers` runs the adoption models of one group (a district or the
pooled sample) after the checks of `estimability.adoption`.

Not causal: cross-sectional, single-respondent data; the channels may follow adoption as well as
lead to it.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import optimize, stats
from scipy.special import expit
from statsmodels.discrete.discrete_model import Logit
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from . import estimability
from .estimability import Check
from .measures import answer_shares, certification_status, wilson_interval
from ..data.derived import ADOPTION_REGRESSORS, CHANNEL_KINDS
from .models import TIDY_COLUMNS, _as_list, _normal_table, ols_hc3

AME_COLUMNS = ["term", "kind", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]
CHANNELS = tuple(CHANNEL_KINDS)  # the six channel kinds of `channels_used` (data.derived)
FIRTH_RULE = ("Firth's penalised likelihood is used instead of maximum likelihood when (a) the data "
              "are separated or quasi-separated, so that the ML estimate does not exist (a linear "
              "program finds b != 0 with x_i'b >= 0 for every firm with the outcome and <= 0 for every "
              "firm without it, Albert & Anderson 1984), (b) the ML fit does not converge, or (c) the "
              "rarer outcome class has fewer firms than the model has coefficients [ours].")
EXPLORATORY = "exploratory: one of many possible interactions, not a confirmatory test"


# --- design --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Design:
    """Complete cases: outcome `y`, design matrix `X` (Intercept, regressors, fixed-effect dummies
    named like patsy's `district[T.level]`), and which regressors are 0/1."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    regressors: list[str]
    binary: dict[str, bool]
    index: pd.Index


def _levels(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if (values == c).any()]
    return sorted(values.unique(), key=str)


def is_binary(values: pd.Series) -> bool:
    """A regressor is binary when its observed values are 0 and 1 only (both present)."""
    observed = set(pd.to_numeric(values.dropna(), errors="coerce").unique())
    return observed == {0.0, 1.0}


def design(df: pd.DataFrame, outcome: str, regressors: Sequence[str],
           fixed_effects: str | Sequence[str] | None = None) -> Design:
    fes = _as_list(fixed_effects)
    regressors = list(regressors)
    data = df[list(dict.fromkeys([outcome, *regressors, *fes]))].dropna()
    columns = {"Intercept": np.ones(len(data))}
    for r in regressors:
        columns[r] = data[r].astype("float64").to_numpy()
    for fe in fes:
        for level in _levels(data[fe])[1:]:
            columns[f"{fe}[T.{level}]"] = (data[fe] == level).to_numpy(float)
    X = np.column_stack(list(columns.values())) if len(data) else np.empty((0, len(columns)))
    return Design(data[outcome].astype("float64").to_numpy(), X, list(columns), regressors,
                  {r: is_binary(data[r]) for r in regressors}, data.index)


# --- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdoptionFit:
    """A fitted adoption model: `coefficients` (TIDY_COLUMNS, log-odds for the logit models),
    `ame` (AME_COLUMNS: one row per regressor, kind "derivative" or "discrete change"), `n`,
    `events` (firms with the outcome, logit only), `method`, `cov_type`, `note`, and for a Firth
    fit `profile_ci`: the coefficients' profile penalised-likelihood 95% intervals (logistf's
    default; term, ci_low, ci_high), which are also the reported `ci_low` / `ci_high` of its
    `coefficients` (issue 23; `logit`). Logit coefficient tables add wald_ci_low, wald_ci_high,
    wald_p_value (the Wald sensitivity) and interval ("profile" or "wald")."""

    outcome: str
    coefficients: pd.DataFrame
    ame: pd.DataFrame
    n: int
    method: str
    cov_type: str
    events: int | None = None
    note: str = ""
    regressors: tuple[str, ...] = field(default=())
    profile_ci: pd.DataFrame | None = None  # Firth fits: term, ci_low, ci_high (profile penalised likelihood)
    pseudo_r2: float | None = None  # McFadden's 1 - l(b) / l(intercept only) (logit link; R2 for the OLS)

    def term(self, name: str) -> pd.Series:
        return self.coefficients.set_index("term").loc[name]

    def effect(self, name: str) -> pd.Series:
        """The average marginal effect of regressor `name`."""
        return self.ame.set_index("term").loc[name]

    def finite_interval(self, name: str) -> bool:
        """Whether the reported interval of coefficient `name` has two finite bounds (a Firth profile
        bound that was not reached makes it infinite: no verdict is read from it)."""
        row = self.term(name)
        return bool(np.isfinite(row["ci_low"]) and np.isfinite(row["ci_high"]))


def mcfadden_r2(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    """McFadden's pseudo-R2 of a logit-link model, 1 - l(b) / l_0, with the Bernoulli (quasi-)
    log-likelihood l(b) = sum y eta - log(1 + e^eta) (for a share y in [0, 1] the fractional logit's
    quasi-likelihood) and l_0 at the intercept-only fit (p = mean y). For a Firth fit l(b) is the
    unpenalised log-likelihood at the penalised estimate."""
    eta = X @ np.asarray(beta, float)
    ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    p0 = float(np.mean(y))
    if p0 in (0.0, 1.0):
        return float("nan")
    ll0 = float(np.sum(y * np.log(p0) + (1 - y) * np.log(1 - p0)))
    return 1 - ll / ll0


# --- average marginal effects --------------------------------------------------------------------

def average_marginal_effects(d: Design, beta: np.ndarray, cov: np.ndarray) -> pd.DataFrame:
    """AMEs of every regressor of a logit-link model on the predicted share / probability, with
    delta-method standard errors (analytic gradient) from `cov` and normal intervals."""
    X, beta = d.X, np.asarray(beta, float)
    rows = []
    for name in d.regressors:
        j = d.names.index(name)
        if d.binary[name]:
            X1, X0 = X.copy(), X.copy()
            X1[:, j], X0[:, j] = 1.0, 0.0
            p1, p0 = expit(X1 @ beta), expit(X0 @ beta)
            estimate = float(np.mean(p1 - p0))
            grad = ((p1 * (1 - p1))[:, None] * X1 - (p0 * (1 - p0))[:, None] * X0).mean(axis=0)
            kind = "discrete change"
        else:
            p = expit(X @ beta)
            w = p * (1 - p)
            estimate = float(w.mean() * beta[j])
            grad = ((w * (1 - 2 * p))[:, None] * X).mean(axis=0) * beta[j]
            grad[j] += w.mean()
            kind = "derivative"
        rows.append((name, kind, estimate, float(np.sqrt(grad @ cov @ grad))))
    table = _normal_table([r[0] for r in rows], [r[2] for r in rows], [r[3] for r in rows])
    table.insert(1, "kind", [r[1] for r in rows])
    return table[AME_COLUMNS]


# --- fractional logit ----------------------------------------------------------------------------

def hc3_logit(X: np.ndarray, y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """HC3 sandwich covariance of a logit-link binomial GLM, as R's sandwich::vcovHC(type = "HC3"):
    B (sum_i s_i s_i' / (1 - h_i)^2) B with B = (X'WX)^-1, s_i = (y_i - p_i) x_i, W = p(1 - p) and h_i
    the weighted leverage w_i x_i' B x_i (the quasibinomial dispersion cancels)."""
    w = p * (1 - p)
    bread = np.linalg.inv((X.T * w) @ X)
    h = w * np.einsum("ij,jk,ik->i", X, bread, X)
    scores = (y - p)[:, None] * X / (1 - h)[:, None]
    return bread @ (scores.T @ scores) @ bread


def fractional_logit(df: pd.DataFrame, outcome: str, regressors: Sequence[str],
                     fixed_effects: str | Sequence[str] | None = None) -> AdoptionFit:
    """Fractional logit (Papke & Wooldridge 1996) of a [0, 1] outcome on complete cases: binomial
    quasi-likelihood with the logit link (statsmodels GLM), HC3 covariance as R sandwich (see the
    module docstring), normal reference for p-values and 95% intervals; AMEs on the share."""
    d = design(df, outcome, regressors, fixed_effects)
    if len(d.y) == 0:
        raise ValueError(f"fractional logit of {outcome}: no complete cases")
    if (d.y < 0).any() or (d.y > 1).any():
        raise ValueError(f"fractional logit: {outcome} must lie in [0, 1]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)  # y at 0 or 1 exactly is valid here
        result = GLM(d.y, d.X, family=families.Binomial()).fit(maxiter=100, tol=1e-12)  # IRLS
    if not result.converged:
        raise RuntimeError(f"fractional logit of {outcome} did not converge")
    beta = np.asarray(result.params)
    cov = hc3_logit(d.X, d.y, expit(d.X @ beta))
    table = _normal_table(d.names, beta, np.sqrt(np.diag(cov)))[TIDY_COLUMNS]
    return AdoptionFit(outcome, table, average_marginal_effects(d, beta, cov), len(d.y),
                       "fractional logit (HC3)", "HC3", regressors=tuple(d.regressors),
                       pseudo_r2=mcfadden_r2(d.X, d.y, beta))


def ols_sensitivity(df: pd.DataFrame, outcome: str, regressors: Sequence[str],
                    fixed_effects: str | Sequence[str] | None = None) -> AdoptionFit:
    """The linear model of the same outcome (`models.ols_hc3`: OLS, HC3, t with n - k df): its
    slopes are the marginal effects, so `ame` repeats the regressors' coefficients."""
    regressors = list(regressors)
    table = ols_hc3(df, outcome, regressors[0], regressors[1:], _as_list(fixed_effects) or None)
    coefficients = table[TIDY_COLUMNS].reset_index(drop=True)
    ame = coefficients[coefficients["term"].isin(regressors)].copy()
    ame.insert(1, "kind", "slope")
    return AdoptionFit(outcome, coefficients, ame[AME_COLUMNS].reset_index(drop=True), int(table["n"].iloc[0]),
                       "OLS (HC3)", "HC3", regressors=tuple(regressors), pseudo_r2=float(table["r2"].iloc[0]))


# --- logit: maximum likelihood or Firth -----------------------------------------------------------

def separated(X: np.ndarray, y: np.ndarray, tol: float = 1e-7) -> bool:
    """Complete or quasi-complete separation (the ML estimate does not exist; Albert & Anderson 1984):
    a direction b != 0 with s_i x_i'b >= 0 for every firm (s_i = +1 with the outcome, -1 without)
    and > 0 for some. Linear program: maximise sum_i s_i x_i'b subject to s_i x_i'b >= 0 and
    -1 <= b <= 1; separation when the optimum is positive (R detectseparation uses a linear program
    of the same kind)."""
    s = np.where(y > 0.5, 1.0, -1.0)
    A = s[:, None] * X
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    A = A / scale  # well-conditioned columns; separation does not depend on the scaling
    res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * X.shape[1],
                           method="highs")
    return bool(res.status == 0 and -res.fun > tol * len(y))


@dataclass(frozen=True)
class FirthResult:
    params: np.ndarray
    cov: np.ndarray
    penalized_loglik: float
    iterations: int
    converged: bool


def _penalized_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    eta = X @ beta
    p = expit(eta)
    w = p * (1 - p)
    sign, logdet = np.linalg.slogdet((X.T * w) @ X)
    ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    return ll + 0.5 * logdet if sign > 0 else -np.inf


def _modified_score(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Firth's modified score U*(b) = X'(y - p + h (1/2 - p)) (the gradient of l*) and I(b) = X'WX."""
    p = expit(X @ beta)
    w = p * (1 - p)
    info = (X.T * w) @ X
    h = w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X)
    return X.T @ (y - p + h * (0.5 - p)), info


def firth_fit(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None, free: np.ndarray | None = None,
              maxiter: int = 200, tol: float = 1e-15, max_step: float = 5.0) -> FirthResult:
    """Firth's (1993) penalised-likelihood logit, l*(b) = l(b) + 1/2 log|I(b)|, by Newton-Raphson on
    the modified score U*(b) = X'(y - p + h (1/2 - p)).

    Far from the maximum the step uses the Fisher information I = X'WX in place of the Hessian of
    l*, as Heinze & Schemper (2002) and logistf do; steps are capped at `max_step` and halved while
    l* falls. Near the maximum (Newton decrement U*' I^-1 U* below 1e-4) the step uses the Hessian
    of l* itself, by central differences of the analytic U*: the Fisher step alone converges
    only linearly, and stalls, where the penalty's curvature is large (a 0/1 regressor that one or
    two firms have, with leverage near 1). Converged when the decrement is below `tol`
    (scale-free: about the squared change of the coefficients in units of their standard errors).
    `free`: the coefficients estimated (the others stay at `start`; for profiles). Covariance:
    I(b)^-1 at the estimate (Wald, as Stata's firthlogit)."""
    k = X.shape[1]
    beta = np.zeros(k) if start is None else np.asarray(start, float).copy()
    free = np.ones(k, bool) if free is None else np.asarray(free, bool)
    idx = np.flatnonzero(free)
    current = _penalized_loglik(X, y, beta)
    converged = False
    for iteration in range(1, maxiter + 1):
        score, info = _modified_score(X, y, beta)
        fisher = np.linalg.solve(info[np.ix_(idx, idx)], score[idx])
        decrement = float(score[idx] @ fisher)
        if decrement < tol:
            converged = True
            break
        step = np.zeros(k)
        step[idx] = fisher
        if decrement < 1e-4:
            eps = 1e-5 * np.sqrt(np.diag(np.linalg.inv(info)))[idx]
            jac = np.empty((idx.size, idx.size))
            for col, (j, e) in enumerate(zip(idx, eps)):
                up, down = beta.copy(), beta.copy()
                up[j] += e
                down[j] -= e
                jac[:, col] = (_modified_score(X, y, up)[0][idx] - _modified_score(X, y, down)[0][idx]) / (2 * e)
            try:
                newton = np.linalg.solve(-(jac + jac.T) / 2, score[idx])
                if float(score[idx] @ newton) > 0:  # an ascent direction: the Hessian is negative definite
                    step[idx] = newton
            except np.linalg.LinAlgError:
                pass
        largest = np.abs(step).max()
        if largest > max_step:
            step *= max_step / largest
        slack = 1e-12 * max(1.0, abs(current))  # rounding of l* near the maximum
        for _ in range(30):
            candidate = _penalized_loglik(X, y, beta + step)
            if candidate >= current - slack:
                break
            step /= 2
        beta, current = beta + step, candidate
    p = expit(X @ beta)
    cov = np.linalg.inv((X.T * (p * (1 - p))) @ X)
    return FirthResult(beta, cov, current, iteration, converged)


def firth_profile_intervals(X: np.ndarray, y: np.ndarray, level: float = 0.95,
                            fit: FirthResult | None = None) -> np.ndarray:
    """Profile penalised-likelihood intervals of each coefficient (logistf's default): the values t
    of b_j with 2 [l*(b_hat) - max_{b: b_j = t} l*(b)] = chi2_1(level), found by bracketing in
    steps of 2 SE (up to 50) and Brent's method. Rows (low, high) in column order of X; NaN for a
    bound not reached within the 50 steps."""
    fit = fit or firth_fit(X, y)
    crit = stats.chi2.ppf(level, 1)
    se = np.sqrt(np.diag(fit.cov))
    out = np.empty((X.shape[1], 2))
    for j in range(X.shape[1]):
        free = np.ones(X.shape[1], bool)
        free[j] = False

        def gap(t: float) -> float:
            start = fit.params.copy()
            start[j] = t
            return 2 * (fit.penalized_loglik - firth_fit(X, y, start=start, free=free).penalized_loglik) - crit

        for side, col in ((-1, 0), (1, 1)):
            far = fit.params[j] + side * 2 * se[j]
            for _ in range(50):
                if gap(far) >= 0:
                    break
                far += side * 2 * se[j]
            else:
                out[j, col] = np.nan
                continue
            low, high = sorted((fit.params[j], far))
            out[j, col] = optimize.brentq(gap, low, high, xtol=1e-9)
    return out


def firth_lr_pvalues(X: np.ndarray, y: np.ndarray, fit: FirthResult | None = None) -> np.ndarray:
    """Penalised likelihood-ratio p-value of each coefficient (logistf's default test): chi2(1) of
    2 [l*(b_hat) - max_{b: b_j = 0} l*(b)]. The test the profile interval inverts, so p < 0.05 exactly
    when the profile interval excludes 0. NaN where the restricted fit does not converge."""
    fit = fit or firth_fit(X, y)
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        free = np.ones(X.shape[1], bool)
        free[j] = False
        start = fit.params.copy()
        start[j] = 0.0
        restricted = firth_fit(X, y, start=start, free=free)
        statistic = max(2 * (fit.penalized_loglik - restricted.penalized_loglik), 0.0)
        out[j] = stats.chi2.sf(statistic, 1) if restricted.converged else np.nan
    return out


def _ml_logit(d: Design):
    """statsmodels Logit by Newton; None when it signals separation or does not converge."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = Logit(d.y, d.X).fit(method="newton", maxiter=100, disp=False)
        except (np.linalg.LinAlgError, ValueError):  # PerfectSeparationError is a ValueError
            return None
    bad = any(issubclass(w.category, (PerfectSeparationWarning, ConvergenceWarning)) for w in caught)
    if bad or not result.mle_retvals.get("converged", False) or not np.isfinite(result.bse).all():
        return None
    return result


def firth_reason(d: Design) -> str:
    """Why Firth's method is needed for this design ('' when maximum likelihood is used), per FIRTH_RULE."""
    events = int(d.y.sum())
    rarer = min(events, len(d.y) - events)
    if separated(d.X, d.y):
        return "separation"
    if rarer < d.X.shape[1]:
        return f"few events ({rarer} firms in the rarer class for {d.X.shape[1]} coefficients)"
    return ""


def logit(df: pd.DataFrame, outcome: str, regressors: Sequence[str],
          fixed_effects: str | Sequence[str] | None = None, firth: str | bool = "auto",
          cov_type: str = "HC3", profile: bool = True) -> AdoptionFit:
    """Binary logit of a 0/1 outcome on complete cases, with AMEs on the probability.

    `firth="auto"`: maximum likelihood (statsmodels Logit) unless `FIRTH_RULE` applies; then
    Firth's penalised likelihood (`firth_fit`), Wald standard errors from the penalised fit's
    inverse information (Stata firthlogit). `firth=True` / `False` forces one. The reason for Firth
    is in `note`. Reported intervals (issue 23, `stats.policy` reference "logit_firth"): for a Firth
    fit the coefficients' `ci_low` / `ci_high` are the profile penalised-likelihood intervals and
    `p_value` the penalised likelihood-ratio test (logistf's defaults; `statistic` its chi-square),
    with the Wald interval and p kept as the sensitivity columns `wald_ci_low`, `wald_ci_high`,
    `wald_p_value`; a profile bound not reached within 50 steps of 2 SE is NaN, and the reported
    interval is then not finite (no verdict). `profile=False` skips the profiles (Wald only, as
    before; for speed). ML fits: normal (Wald) reference, and the sensitivity columns repeat it.
    The AMEs of a Firth fit keep the delta method on the penalised information (Wald).

    Covariance of the ML fit: `cov_type="HC3"` (default; `hc3_logit`, as R's
    sandwich::vcovHC(glm(..., family = binomial), type = "HC3")) or "ML" (inverse information, as
    R's vcov of a glm and Stata's `logit`). HC3 is the default because the Monte Carlo study of the
    default design (92 firms, 10 coefficients, about 35 firms with ISO 14001; tests/test_recovery.py)
    found the inverse-information intervals of the AMEs too narrow: 90.8% coverage of the
    pseudo-true AMEs over 7 x 500 intervals (SEs about 10% below the estimates' SD; HC0 90.2%),
    against 95.1% with HC3 (seeds 9000-9499); on the recovery test's own seeds (6000-6599, not used
    for the choice) HC3 covered 95.9% (fractional logit: 95.4%)."""
    d = design(df, outcome, regressors, fixed_effects)
    if len(d.y) == 0:
        raise ValueError(f"logit of {outcome}: no complete cases")
    if not set(np.unique(d.y)) <= {0.0, 1.0}:
        raise ValueError(f"logit: {outcome} must be coded 0/1")
    note = ""
    if firth == "auto":
        reason = firth_reason(d)
        result = None if reason else _ml_logit(d)
        if result is None and not reason:
            reason = "maximum likelihood did not converge"
        use_firth = bool(reason)
        note = f"Firth's penalised likelihood: {reason}" if reason else ""
    else:
        use_firth = bool(firth)
        result = None if use_firth else _ml_logit(d)
        if not use_firth and result is None:
            raise RuntimeError(f"logit of {outcome}: maximum likelihood failed (separation or no convergence)")
        note = "Firth's penalised likelihood (requested)" if use_firth else ""
    if use_firth:
        fitted = firth_fit(d.X, d.y)
        if not fitted.converged:
            raise RuntimeError(f"Firth logit of {outcome} did not converge")
        beta, cov, method, cov_type = fitted.params, fitted.cov, "logit (Firth)", "penalised information"
        profile_table = None
        if profile:
            try:
                bounds = firth_profile_intervals(d.X, d.y, fit=fitted)
            except (RuntimeError, ValueError, np.linalg.LinAlgError):  # a profile fit failed: no interval
                bounds = np.full((len(d.names), 2), np.nan)
            profile_table = pd.DataFrame({"term": d.names, "ci_low": bounds[:, 0], "ci_high": bounds[:, 1]})
    else:
        beta = np.asarray(result.params)
        if cov_type == "HC3":
            cov = hc3_logit(d.X, d.y, expit(d.X @ beta))
        elif cov_type == "ML":
            cov, cov_type = np.asarray(result.cov_params()), "inverse information"
        else:
            raise ValueError(f"cov_type must be 'HC3' or 'ML', not {cov_type!r}")
        method = "logit (ML)"
    table = _normal_table(d.names, beta, np.sqrt(np.diag(cov)))[TIDY_COLUMNS]
    table = table.assign(wald_ci_low=table["ci_low"], wald_ci_high=table["ci_high"], wald_p_value=table["p_value"],
                         interval="wald")
    if use_firth and profile_table is not None:
        lr_p = firth_lr_pvalues(d.X, d.y, fitted)
        table = table.assign(ci_low=profile_table["ci_low"].to_numpy(), ci_high=profile_table["ci_high"].to_numpy(),
                             p_value=lr_p, statistic=stats.chi2.isf(lr_p, 1), interval="profile")
    return AdoptionFit(outcome, table, average_marginal_effects(d, beta, cov), len(d.y), method, cov_type,
                       events=int(d.y.sum()), note=note, regressors=tuple(d.regressors),
                       profile_ci=profile_table if use_firth else None, pseudo_r2=mcfadden_r2(d.X, d.y, beta))


# --- drivers of adoption --------------------------------------------------------------------------

def adoption_drivers(frame: pd.DataFrame, group: str, cb=None, regressors: Sequence[str] | None = None,
                     certifications: Sequence[str] | None = None,
                     fixed_effect: str = "district") -> dict[str, AdoptionFit | Check]:
    """The adoption models of one group: `group` "pooled" (district fixed effects) or a district id
    (its firms, no fixed effects). Keys: "csr_overall" (fractional logit, HC3), "csr_overall_ols"
    (OLS-HC3 sensitivity) and each certification in `certifications` (default: every certification
    of the codebook, the CSR ones and ISO 9001; logit, Firth when FIRTH_RULE applies). Regressors:
    `data.derived.ADOPTION_REGRESSORS` unless given. Each value is an `AdoptionFit`, or the `Check`
    that says why the model is not estimable (`estimability.adoption`) or why its estimation failed."""
    from ..data.codebook import load_codebook

    if certifications is None:
        certifications = (cb or load_codebook()).certifications(None)

    regressors = list(regressors or ADOPTION_REGRESSORS)
    data = frame if group == "pooled" else frame[frame[fixed_effect].astype(str) == group]
    fe = fixed_effect if group == "pooled" else None
    out: dict[str, AdoptionFit | Check] = {}
    specs = [("csr_overall", "csr_overall", fractional_logit, False),
             ("csr_overall_ols", "csr_overall", ols_sensitivity, False)]
    specs += [(c, c, logit, True) for c in certifications]
    for key, outcome, fit, binary in specs:
        # the fractional logit and its OLS sensitivity need MIN_SANDWICH_N firms (stats.policy, issue 23)
        check = estimability.adoption(data, outcome, regressors, fe, binary=binary, cb=cb,
                                      min_n=0 if binary else estimability.MIN_SANDWICH_N)
        if not check:
            out[key] = check
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", (ConvergenceWarning, RuntimeWarning))
                out[key] = fit(data, outcome, regressors, fe)
        except (RuntimeError, ValueError, np.linalg.LinAlgError) as error:
            out[key] = estimability.failed(error)
    return out


# --- channels ------------------------------------------------------------------------------------

def adoption_by_channel(frame: pd.DataFrame, outcomes: Sequence[str] = ("cert_any", "csr_half"),
                        channels: Sequence[str] = CHANNELS, level: float = 0.95, fraction: float = 0.0) -> pd.DataFrame:
    """Share of firms adopting (each 0/1 outcome) among firms that use each channel (used = 1) and
    firms that do not (used = 0), with Wilson intervals (`measures.wilson_interval`; finite-population
    corrected by the sample's `fraction`, `measures.design_fraction`). Firms missing
    the channel or the outcome are left out of that row. Columns: outcome, channel, used, k, n,
    share, ci_low, ci_high (NaN share and interval where n = 0)."""
    rows = []
    for outcome in outcomes:
        for channel in channels:
            pair = frame[[outcome, channel]].astype("float64").dropna()
            for used in (0, 1):
                y = pair.loc[pair[channel] == used, outcome]
                rows.append({"outcome": outcome, "channel": channel, "used": used, "k": int((y == 1).sum()),
                             "n": int(len(y))})
    out = pd.DataFrame(rows, columns=["outcome", "channel", "used", "k", "n"])
    share, low, high = (wilson_interval(out["k"].to_numpy(), out["n"].to_numpy(), level, fraction) if len(out)
                        else ([],) * 3)
    return out.assign(share=share, ci_low=low, ci_high=high)


@dataclass(frozen=True)
class Gradient:
    """The outcome by number of channels used: `table` (channels_used, n, mean, ci_low, ci_high; for
    a 0/1 outcome also k, the mean being a share with a Wilson interval, else a t interval),
    Spearman's rho with its p-value, and the OLS-HC3 slope per channel (`slope`: a TIDY_COLUMNS
    row)."""

    outcome: str
    table: pd.DataFrame
    spearman_rho: float
    spearman_p: float
    slope: pd.Series
    n: int


def channels_gradient(frame: pd.DataFrame, outcome: str = "csr_overall", count: str = "channels_used",
                      controls: Sequence[str] = (), fixed_effects: str | None = None) -> Gradient:
    """Adoption against the number of channels used (0..6): per count, the mean of `outcome` (share
    with Wilson interval for a 0/1 outcome, t interval otherwise); trend as Spearman's rho (scipy,
    with its t-approximation p-value, as R cor.test(method = "spearman", exact = FALSE)) and the
    OLS-HC3 slope of the outcome on the count (`models.ols_hc3`, with `controls` and `fixed_effects`
    if given)."""
    data = frame[[outcome, count]].astype("float64").dropna()
    binary = set(data[outcome].unique()) <= {0.0, 1.0}
    rows = []
    for value, part in data.groupby(count):
        y = part[outcome]
        row = {count: int(value), "n": len(y), "mean": y.mean()}
        if binary:
            share, low, high = wilson_interval(int(y.sum()), len(y))
            row.update(k=int(y.sum()), ci_low=float(low[0]), ci_high=float(high[0]))
        else:
            half = stats.t.ppf(0.975, len(y) - 1) * y.std(ddof=1) / np.sqrt(len(y)) if len(y) > 1 else np.nan
            row.update(sd=y.std(ddof=1) if len(y) > 1 else np.nan, ci_low=y.mean() - half, ci_high=y.mean() + half)
        rows.append(row)
    rho, p = stats.spearmanr(data[outcome], data[count])
    fit = ols_hc3(frame, outcome, count, list(controls), fixed_effects)
    slope = fit.set_index("term").loc[count, ["estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]]
    return Gradient(outcome, pd.DataFrame(rows), float(rho), float(p), slope, int(fit["n"].iloc[0]))


def network_moderation(frame: pd.DataFrame, outcome: str, exposure: str = "csr_overall",
                       moderator: str = "network_member", controls: Sequence[str] = (),
                       fixed_effects: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Exploratory: does `moderator` (0/1) change the association of `exposure` with `outcome`? OLS
    of outcome ~ exposure * moderator + controls (+ fixed effects), HC3, t with n - k df (as
    `models.ols_hc3`). Rows: the exposure slope among non-members ("slope_0"), among members
    ("slope_1") and their difference ("interaction"); columns: outcome, exposure, moderator, row,
    TIDY_COLUMNS, n, label (EXPLORATORY)."""
    fes = _as_list(fixed_effects)
    data = frame[list(dict.fromkeys([outcome, exposure, moderator, *controls, *fes]))].dropna()
    data = data.astype({c: "float64" for c in [outcome, exposure, moderator, *controls]})
    data = data.assign(**{fe: data[fe].astype(str) for fe in fes})
    rhs = " + ".join([f"{exposure} * {moderator}", *controls, *[f"C({fe})" for fe in fes]])
    result = smf.ols(f"{outcome} ~ {rhs}", data).fit(cov_type="HC3", use_t=True)
    names = list(result.params.index)
    interaction = f"{exposure}:{moderator}"
    L = np.zeros((3, len(names)))
    L[0, names.index(exposure)] = 1
    L[1, names.index(exposure)] = L[1, names.index(interaction)] = 1
    L[2, names.index(interaction)] = 1
    t = result.t_test(L)
    table = _normal_table([exposure, exposure, interaction], np.ravel(t.effect), np.ravel(t.sd), df=result.df_resid)
    table.insert(0, "row", ["slope_0", "slope_1", "interaction"])
    table.insert(0, "moderator", moderator)
    table.insert(0, "exposure", exposure)
    table.insert(0, "outcome", outcome)
    return table.assign(n=int(result.nobs), label=EXPLORATORY)


# --- stakeholders, motivations and barriers --------------------------------------------------------

@dataclass(frozen=True)
class Salience:
    """Friedman test of equal importance of `k` items over `n` firms answering all of them, with
    Kendall's W, and per item its mean rank (1 = least important, ties averaged) and mean score."""

    statistic: float
    df: int
    p_value: float
    kendall_w: float
    n: int
    k: int
    items: pd.DataFrame


def friedman(values: np.ndarray) -> tuple[float, int, float, float]:
    """Friedman's chi-square with R's tie correction (friedman.test): 12 sum_j (R_j - n(k+1)/2)^2 /
    [n k (k + 1) - sum_ties (t^3 - t) / (k - 1)], df k - 1, and Kendall's W = chi2 / (n (k - 1)),
    (tie-corrected as the statistic). `values`: n firms x k items."""
    values = np.asarray(values, float)
    n, k = values.shape
    ranks = np.apply_along_axis(stats.rankdata, 1, values)
    ties = 0.0
    for row in values:
        _, counts = np.unique(row, return_counts=True)
        ties += float(np.sum(counts ** 3 - counts))
    denominator = n * k * (k + 1) - ties / (k - 1)
    statistic = 12 * np.sum((ranks.sum(axis=0) - n * (k + 1) / 2) ** 2) / denominator
    return float(statistic), k - 1, float(stats.chi2.sf(statistic, k - 1)), float(statistic / (n * (k - 1)))


def salience(frame: pd.DataFrame, items: Sequence[str]) -> Salience:
    """Do firms rate the `items` (e.g. stakeholders' importance, 1-5) differently? Friedman test on
    the firms answering every item (`friedman`), Kendall's W (0: no agreement on an order, 1: every
    firm ranks the items the same way). `items` table: item, mean_rank, mean, sd, n, ordered by mean
    rank, highest first."""
    items = list(items)
    data = frame[items].astype("float64").dropna()
    statistic, df, p, w = friedman(data.to_numpy())
    ranks = np.apply_along_axis(stats.rankdata, 1, data.to_numpy())
    table = pd.DataFrame({"item": items, "mean_rank": ranks.mean(axis=0), "mean": data.mean().to_numpy(),
                          "sd": data.std(ddof=1).to_numpy(), "n": len(data)})
    table = table.sort_values("mean_rank", ascending=False, kind="stable").reset_index(drop=True)
    return Salience(statistic, df, p, w, len(data), len(items), table)


def likert_summary(frame: pd.DataFrame, items: Sequence[str], high: int = 4, level: float = 0.95,
                   fraction: float = 0.0) -> pd.DataFrame:
    """Per Likert item: n answering, mean, sd, and the share answering `high` or more (4 or 5 of a 1-5
    scale: important / very important) with its Wilson interval. Columns: item, n, mean, sd, k,
    share, ci_low, ci_high."""
    rows = []
    for item in items:
        x = frame[item].astype("float64").dropna()
        rows.append({"item": item, "n": len(x), "mean": x.mean() if len(x) else np.nan,
                     "sd": x.std(ddof=1) if len(x) > 1 else np.nan, "k": int((x >= high).sum())})
    out = pd.DataFrame(rows, columns=["item", "n", "mean", "sd", "k"])
    share, low, high_ = (wilson_interval(out["k"].to_numpy(), out["n"].to_numpy(), level, fraction) if len(out)
                         else ([],) * 3)
    return out.assign(share=share, ci_low=low, ci_high=high_)


# --- the questionnaire's own blocks (awareness, certification status, workforce, training) ----------------

KNOW_WELL = 4  # awareness: 4 "know it well", 5 "know it very well" (scale `knowledge`)
QUESTIONNAIRE_PARTS = {"awareness": "awareness", "awareness_summary": "awareness", "cert_status": "cert_status",
                       "workforce": "workforce", "training": "training"}  # part -> codebook block


def staff_summary(frame: pd.DataFrame, items: Sequence[str], cb=None, fraction: float = 0.0) -> pd.DataFrame:
    """Atypical workers and staff training: per item, the firms answering (n), the mean and sd of the
    answers (a count of workers, a percentage of staff trained, or a 0/1 answer, whose mean is a share),
    and for a count or a 0/1 item the firms with at least one such worker / answering yes (k) as a
    share with its Wilson interval (`measures.wilson_interval`). A percentage item (type number) has no
    share (NaN k, share and interval). Columns: item, n, mean, sd, k, share, ci_low, ci_high."""
    from ..data.codebook import load_codebook

    cb = cb or load_codebook()
    rows = []
    for item in items:
        x = frame[item].astype("float64").dropna()
        kind = cb[item].type if item in cb.names else "number"
        counted = kind in ("integer", "binary")
        rows.append({"item": item, "n": len(x), "mean": x.mean() if len(x) else np.nan,
                     "sd": x.std(ddof=1) if len(x) > 1 else np.nan,
                     "k": int((x > 0).sum()) if counted else np.nan, "counted": counted})
    out = pd.DataFrame(rows, columns=["item", "n", "mean", "sd", "k", "counted"])
    share = np.full(len(out), np.nan)
    low, high = share.copy(), share.copy()
    mask = out["counted"].to_numpy(bool)
    if mask.any():
        share[mask], low[mask], high[mask] = wilson_interval(out.loc[mask, "k"].to_numpy(),
                                                             out.loc[mask, "n"].to_numpy(), fraction=fraction)
    return out.drop(columns="counted").assign(share=share, ci_low=low, ci_high=high)


def questionnaire_blocks(frame: pd.DataFrame, cb=None, fraction: float = 0.0) -> dict[str, pd.DataFrame | Check]:
    """What the firms of one sample said in the questionnaire's own blocks (A awareness, B certification
    status, D atypical workers, E training), each part after `estimability.answers` (its block present
    and answered; else the `Check` saying why):
    - "awareness": the share of firms giving each of the five answers (1 never heard of it ... 5 know it
      very well) to each awareness item (`measures.answer_shares`, Wilson intervals);
    - "awareness_summary": per awareness item the mean (1-5) and the share knowing it well or very well
      (answers 4-5, `likert_summary`, Wilson interval);
    - "cert_status": per certification the shares holding it, planning it and not interested (answers
      1-3 of scale `cert_status`, Wilson intervals), all over the firms that answered the held
      question: held is `measures.certification_held` (the cert_* dummy, the one definition every
      report uses), planned / not interested the status of the firms not holding it
      (`measures.certification_status`; columns item, answer, status, k, n, share, ci_low, ci_high,
      unstated);
    - "workforce": firms with trainees / home-workers (share, Wilson) and the mean count (`staff_summary`);
    - "training": mean percentage of staff trained in the last year and the share of firms with training
      on safety, environment or social responsibility (Wilson)."""
    from ..data.codebook import load_codebook

    cb = cb or load_codebook()
    out: dict[str, pd.DataFrame | Check] = {}
    for part, block in QUESTIONNAIRE_PARTS.items():
        items = cb.block(block)
        check = estimability.answers(frame, items, cb)
        if not check:
            out[part] = check
        elif part == "awareness":
            out[part] = answer_shares(frame, items, sorted(cb.answer_labels(items[0])), fraction=fraction)
        elif part == "awareness_summary":
            out[part] = likert_summary(frame, items, high=KNOW_WELL, fraction=fraction)
        elif part == "cert_status":  # one denominator per certification: the held question (issue 23)
            out[part] = pd.concat([certification_status(frame, item, fraction=fraction) for item in items],
                                  ignore_index=True)
        else:
            out[part] = staff_summary(frame, items, cb, fraction=fraction)
    return out


# --- every sample of a report at once (the channels notebook's calls) ---------------------------------------

def _capture(diagnostics, analysis: str):
    """`diagnostics.capture(analysis)` (an `estimability.Diagnostics`), or nothing when none is given."""
    return diagnostics.capture(analysis) if diagnostics is not None else nullcontext()


def drivers_by_group(frame: pd.DataFrame, groups: Sequence[str], cb=None,
                     diagnostics=None) -> dict[str, dict[str, AdoptionFit | Check]]:
    """`adoption_drivers` of each group ("pooled" or a district id), library warnings captured under
    "adoption"."""
    with _capture(diagnostics, "adoption"):
        return {g: adoption_drivers(frame, g, cb) for g in groups}


def channels_by_group(samples: dict[str, pd.DataFrame], fractions: dict[str, float] | None = None
                      ) -> dict[str, pd.DataFrame]:
    """`adoption_by_channel` of each sample ({group: firms}), each with its sampling fraction ({group: f},
    `measures.sample_fractions`; none: no finite-population correction)."""
    fractions = fractions or {}
    return {g: adoption_by_channel(sample, fraction=fractions.get(g, 0.0)) for g, sample in samples.items()}


def gradients_by_group(samples: dict[str, pd.DataFrame], diagnostics=None,
                       outcome: str = "csr_overall") -> dict[str, Gradient | Check]:
    """`channels_gradient` of each sample after the regression check of `outcome` on `channels_used`
    (`estimability.regression`; the Check where it fails); warnings captured under "gradient"."""
    out: dict[str, Gradient | Check] = {}
    for g, sample in samples.items():
        check = estimability.regression(sample, outcome, "channels_used")
        if not check:
            out[g] = check
            continue
        with _capture(diagnostics, "gradient"):
            out[g] = channels_gradient(sample, outcome)
    return out


def moderation_by_group(samples: dict[str, pd.DataFrame], scores: Sequence[str], controls: Sequence[str] = (),
                        cb=None, diagnostics=None, exposure: str = "csr_overall",
                        moderator: str = "network_member") -> dict[tuple[str, str], pd.Series | Check]:
    """The exploratory `network_moderation` of each sample and score: {(group, score): the interaction row,
    or the Check of `estimability.moderation`, or `estimability.failed` when the fit raised}. The pooled
    sample has district fixed effects when there are two districts or more."""
    out: dict[tuple[str, str], pd.Series | Check] = {}
    for g, sample in samples.items():
        fe = "district" if g == "pooled" and len(samples) > 2 else None
        for s in scores:
            check = estimability.moderation(sample, s, exposure, moderator, list(controls), fe, cb)
            if check:
                try:
                    with _capture(diagnostics, "moderation"):
                        table = network_moderation(sample, s, exposure, moderator, controls=list(controls),
                                                   fixed_effects=fe)
                    out[(g, s)] = table[table["row"] == "interaction"].iloc[0]
                    continue
                except (ValueError, np.linalg.LinAlgError) as error:
                    check = estimability.failed(error)
            out[(g, s)] = check
    return out


def salience_by_group(samples: dict[str, pd.DataFrame], items: Sequence[str], cb=None) -> dict[str, Salience | Check]:
    """`salience` of each sample after `estimability.ranking` (the Check where it fails)."""
    out: dict[str, Salience | Check] = {}
    for g, sample in samples.items():
        check = estimability.ranking(sample, list(items), cb)
        out[g] = salience(sample, items) if check else check
    return out


def likert_by_group(samples: dict[str, pd.DataFrame], items: Sequence[str], cb=None,
                    fractions: dict[str, float] | None = None) -> dict[str, pd.DataFrame]:
    """`likert_summary` of each sample whose firms answered the items (`estimability.answers`), with the
    sample's sampling fraction ({group: f}); samples without answers are left out."""
    fractions = fractions or {}
    return {g: likert_summary(sample, items, fraction=fractions.get(g, 0.0)) for g, sample in samples.items()
            if estimability.answers(sample, list(items), cb)}


def questionnaire_by_group(samples: dict[str, pd.DataFrame], cb=None, fractions: dict[str, float] | None = None
                           ) -> dict[str, dict[str, pd.DataFrame | Check]]:
    """`questionnaire_blocks` of each sample, with its sampling fraction ({group: f})."""
    fractions = fractions or {}
    return {g: questionnaire_blocks(sample, cb, fractions.get(g, 0.0)) for g, sample in samples.items()}
