"""Batched maximum-likelihood fits for the specification curve: many ordered / binary logits at once.

`ordinal.fit` fits one model by Newton-Raphson; the specification curve needs tens of thousands of
small ones (every logit specification on the observed data and on each completed dataset). Here
the same algorithm runs on a stack of F fits with the same number of regressors k and of outcome
levels J: designs padded to a common n with zero-weight rows, every Newton step, step halving and
convergence test applied per fit, the linear algebra batched (`np.einsum`, stacked
`np.linalg.solve` / `inv`). Each fit follows exactly the rules of `ordinal.fit`: the same start,
the same step-halving rule (log-likelihood not below the previous one by more than a relative
1e-12, cut-points ordered), failure on a singular Hessian, after 40 halvings, on a fitted
probability above 1 - 1e-9 (separation) or after 100 iterations; converged when the largest step
is below 1e-10; covariance the inverse observed information, or the sandwich
H^-1 (sum w^2 s s') H^-1 n / (n - 1) when `robust`. Results equal `ordinal.fit`'s to rounding
(the tests hold them to 1e-9).

`rubin_estimate_p`: the estimate and p-value of `inference.rubin_pool`, in numpy over any number of
columns (the joint test pools millions of bootstrap fits and needs only these two).
"""
from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import expit

MAX_ITER, MAX_HALVINGS, STEP_TOL, P_MAX = 100, 40, 1e-10, 1 - 1e-9
LL_RTOL = 1e-12


def _solve(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched `np.linalg.solve(H, g)` and a flag per system; a singular one (LinAlgError when
    solved alone) gets a zero step and flag False. LAPACK solves each matrix of a stack as it
    would alone, so the results equal the one-by-one solves."""
    try:
        return np.linalg.solve(H, g[..., None])[..., 0], np.ones(len(H), dtype=bool)
    except np.linalg.LinAlgError:
        out, ok = np.zeros_like(g), np.ones(len(H), dtype=bool)
        for i in range(len(H)):
            try:
                out[i] = np.linalg.solve(H[i], g[i])
            except np.linalg.LinAlgError:
                ok[i] = False
        return out, ok


def _inv(H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched `np.linalg.inv` with a flag per matrix (False where singular), as `_solve`."""
    try:
        return np.linalg.inv(H), np.ones(len(H), dtype=bool)
    except np.linalg.LinAlgError:
        out, ok = np.zeros_like(H), np.ones(len(H), dtype=bool)
        for i in range(len(H)):
            try:
                out[i] = np.linalg.inv(H[i])
            except np.linalg.LinAlgError:
                ok[i] = False
        return out, ok


class _Stack:
    """The fixed parts of F ordered-logit likelihoods with k regressors and J levels."""

    def __init__(self, y: np.ndarray, X: np.ndarray, w: np.ndarray, mask: np.ndarray, J: int):
        self.y, self.X, self.w, self.mask, self.J = y, X, w * mask, mask, J
        F, n, k = X.shape
        self.k = k
        eye = np.eye(J)[:, :J - 1]
        self.D_upp = np.concatenate([-X, eye[y]], axis=2)  # (F, n, P) du / dtheta
        self.D_low = np.concatenate([-X, eye[y - 1] * (y > 0)[..., None]], axis=2)

    def take(self, rows: np.ndarray) -> "_Stack":
        new = object.__new__(_Stack)
        new.__dict__ = {key: (value[rows] if isinstance(value, np.ndarray) else value)
                        for key, value in self.__dict__.items()}
        return new

    def evaluate(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """log-likelihood (F,), u, l, P (F, n); P = 1 on padding rows (weight 0)."""
        k = self.k
        F = len(theta)
        cuts = np.concatenate([np.full((F, 1), -np.inf), theta[:, k:], np.full((F, 1), np.inf)], axis=1)
        eta = np.einsum("fnk,fk->fn", self.X, theta[:, :k])
        u = np.take_along_axis(cuts, self.y + 1, axis=1) - eta
        l = np.take_along_axis(cuts, self.y, axis=1) - eta
        upper = l > 0
        P = np.where(upper, expit(-l) - expit(-u), expit(u) - expit(l))
        P = np.where(self.mask, P, 1.0)
        with np.errstate(divide="ignore"):
            ll = np.einsum("fn,fn->f", self.w, np.log(P))
        return ll, u, l, P

    def derivatives(self, u, l, P, hessian: bool = True):
        """Per-observation scores (F, n, P) and the Hessian (F, P, P) of sum w log P."""
        F_upp, F_low = expit(u), expit(l)
        f_upp, f_low = F_upp * (1 - F_upp), F_low * (1 - F_low)
        g_upp, g_low = f_upp / P, f_low / P
        scores = self.D_upp * g_upp[..., None] - self.D_low * g_low[..., None]
        if not hessian:
            return scores, None
        w = self.w
        h_upp = f_upp * (1 - 2 * F_upp) / P - g_upp ** 2
        h_low = -f_low * (1 - 2 * F_low) / P - g_low ** 2
        cross = np.einsum("fni,fn,fnj->fij", self.D_upp, w * (g_upp * g_low), self.D_low)
        H = (np.einsum("fni,fn,fnj->fij", self.D_upp, w * h_upp, self.D_upp)
             + np.einsum("fni,fn,fnj->fij", self.D_low, w * h_low, self.D_low))
        return scores, H + cross + cross.transpose(0, 2, 1)


def ordinal_fits(y: np.ndarray, X: np.ndarray, w: np.ndarray, mask: np.ndarray, J: int, robust: np.ndarray,
                 start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`ordinal.fit` of F models at once: (theta (F, k + J - 1), covariance (F, P, P), converged (F,)).

    y (F, n) codes 0..J-1 with every level observed among each fit's rows; X (F, n, k) without a
    constant; w (F, n) case weights; mask (F, n) the rows of each fit (other rows are padding and
    must hold finite values); robust (F,) sandwich covariance; start (F, P) or None (then b = 0 and
    the marginal cut-points). theta and covariance are NaN where a fit fails.
    """
    y = np.asarray(y, dtype=np.intp)
    mask = np.asarray(mask, dtype=bool)
    y = np.where(mask, y, 0)
    X = np.where(mask[..., None], X, 0.0)
    s = _Stack(y, X, np.asarray(w, dtype="float64"), mask, J)
    F, n, k = X.shape
    P_ = k + J - 1
    if start is None:
        counts = np.zeros((F, J))
        np.add.at(counts, (np.repeat(np.arange(F), n), y.ravel()), s.w.ravel())
        cum = np.cumsum(counts, axis=1)[:, :-1] / s.w.sum(axis=1, keepdims=True)
        start = np.concatenate([np.zeros((F, k)), np.log(cum / (1 - cum))], axis=1)
    theta_out = np.full((F, P_), np.nan)
    cov_out = np.full((F, P_, P_), np.nan)
    done = np.zeros(F, dtype=bool)
    idx = np.arange(F)  # active fits
    theta = np.array(start, dtype="float64")
    ll, u, l, P = s.evaluate(theta)
    for _ in range(MAX_ITER):
        if idx.size == 0:
            break
        scores, H = s.derivatives(u, l, P)
        step, ok = _solve(H, np.einsum("fn,fnp->fp", s.w, scores))
        # step halving, per fit: accept where cut-points are ordered and ll does not fall
        accepted = np.zeros(idx.size, dtype=bool)
        new_theta, new_ll = theta.copy(), ll.copy()
        new_u, new_l, new_P = u.copy(), l.copy(), P.copy()
        pending = np.flatnonzero(ok)
        for _ in range(MAX_HALVINGS):
            if pending.size == 0:
                break
            candidate = theta[pending] - step[pending]
            ordered = np.all(np.diff(candidate[:, k:], axis=1) > 0, axis=1)
            good = np.zeros(pending.size, dtype=bool)
            if ordered.any():
                rows = pending[ordered]
                c_ll, c_u, c_l, c_P = s.take(rows).evaluate(candidate[ordered])
                rise = c_ll >= ll[rows] - LL_RTOL * np.maximum(1.0, np.abs(ll[rows]))
                good[np.flatnonzero(ordered)[rise]] = True
                took = rows[rise]
                new_theta[took], new_ll[took] = candidate[ordered][rise], c_ll[rise]
                new_u[took], new_l[took], new_P[took] = c_u[rise], c_l[rise], c_P[rise]
            accepted[pending[good]] = True
            pending = pending[~good]
            step[pending] = step[pending] / 2
        # failed: singular Hessian or 40 halvings; then separation; then converged
        failed = ~accepted
        theta, ll, u, l, P = new_theta, new_ll, new_u, new_l, new_P
        separated = accepted & (np.where(s.mask, P, 0.0).max(axis=1) > P_MAX)
        failed |= separated
        converged = accepted & ~separated & (np.abs(step).max(axis=1) < STEP_TOL)
        if converged.any():
            c = np.flatnonzero(converged)
            sc = s.take(c)
            scores_c, H_c = sc.derivatives(u[c], l[c], P[c])
            Hinv, inv_ok = _inv(H_c)
            sw = scores_c * sc.w[..., None]
            meat = np.einsum("fni,fnj->fij", sw, sw)
            n_fit = sc.mask.sum(axis=1)
            sandwich = Hinv @ meat @ Hinv * (n_fit / (n_fit - 1))[:, None, None]
            cov = np.where(robust[idx[c]][:, None, None], sandwich, -Hinv)
            good = c[inv_ok]
            theta_out[idx[good]] = theta[good]
            cov_out[idx[good]] = cov[inv_ok]
            done[idx[c]] = True
        keep = ~(failed | converged)
        done[idx[failed]] = True
        idx = idx[keep]
        s = s.take(keep)
        theta, ll, u, l, P = theta[keep], ll[keep], u[keep], l[keep], P[keep]
    return theta_out, cov_out, np.isfinite(theta_out).all(axis=1)


def rubin_estimate_p(q: np.ndarray, u: np.ndarray, df_complete: float) -> tuple[np.ndarray, np.ndarray]:
    """Estimate and p-value of `inference.rubin_pool` over axis 0 (m imputations) of q and u."""
    m = q.shape[0]
    qbar, ubar, b = q.mean(axis=0), u.mean(axis=0), (q - q[0]).var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * b
    lam = (1 + 1 / m) * b / total
    with np.errstate(divide="ignore", invalid="ignore"):
        df_old = (m - 1) / lam ** 2
        df_obs = (np.full_like(lam, np.inf) if np.isinf(df_complete)
                  else (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam))
        df = 1 / (1 / df_old + 1 / df_obs)
        return qbar, t_two_sided(np.abs(qbar / np.sqrt(total)), df)


def t_two_sided(t: np.ndarray, df: np.ndarray | float) -> np.ndarray:
    """2 P(T > t), T ~ t(df) (infinite df: the normal), as 2 * stats.t.sf(t, df)."""
    with np.errstate(invalid="ignore"):
        return 2 * stats.t.sf(t, df)


__all__ = ["ordinal_fits", "rubin_estimate_p", "t_two_sided"]
