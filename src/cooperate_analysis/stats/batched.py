"""Batched maximum-likelihood fits for the specification curve: many ordered / binary logits at once.

`ordinal.fit` fits one model by Newton-Raphson; the specification curve needs tens of thousands of
small ones (every logit specification on the observed data and on each completed dataset). Here
the same algorithm runs on a stack of F fits with the same number of regressors k and of outcome
levels J: designs padded to a common n with zero-weight rows, every Newton step, step halving and
convergence test applied per fit, the linear algebra batched (stacked matrix products,
`np.linalg.solve` / `inv`). Each fit follows exactly the rules of `ordinal.fit`: the same start,
the same step-halving rule (log-likelihood not below the previous one by more than a relative
1e-12, cut-points ordered), failure on a singular Hessian, after 40 halvings, on a fitted
probability above 1 - 1e-9 (separation) or after 100 iterations; converged when the largest step
is below 1e-10; covariance the inverse observed information, or the sandwich
H^-1 (sum w^2 s s') H^-1 n / (n - 1) when `robust`. H is the Hessian of the last Newton step, taken
at the iterate that step started from, within that step (below 1e-10) of the estimate: `ordinal.fit`
evaluates it once more at the estimate, which here cost a sixth of the fits' time; the variances
differ by less than 1e-10 relative (7e-11 at most on the pooled curve's 10,640 fits). Results equal
`ordinal.fit`'s to rounding (the tests hold them to 1e-9).

`ols_draws`: the CSR slope and its heteroskedasticity-consistent variance (HC3, or HC1 for
weighted fits) of many least-squares fits in many bootstrap draws at once, from sufficient
statistics: every per-draw quantity is a matrix product of the draws' weights (B, n) with
per-fit columns (n, .), so no (draws x outcomes x firms) residual array is formed. Each draw's
(X'WX)^-1 comes from `spd_inverse`, a Cholesky inverse run over the whole stack of small matrices at once.

`rubin_estimate_p`: the estimate and p-value of `inference.rubin_pool`, in numpy over any number of
columns (the joint test pools millions of bootstrap fits and needs only these two).
"""
from __future__ import annotations

import numpy as np
from scipy import special
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
        # du / dtheta = (-x, E_upp), dl / dtheta = (-x, E_low): one-hot rows of the cut-points
        self.E_upp, self.E_low = eye[y], eye[y - 1] * (y > 0)[..., None]  # (F, n, J - 1)
        self.XT = np.ascontiguousarray(X.transpose(0, 2, 1))  # (F, k, n)

    def take(self, rows: np.ndarray, derivatives: bool = True) -> "_Stack":
        """The fits `rows`; without the derivative arrays (enough for `evaluate`) if not `derivatives`."""
        new = object.__new__(_Stack)
        new.__dict__ = {key: (value[rows] if isinstance(value, np.ndarray) else value)
                        for key, value in self.__dict__.items()
                        if derivatives or key not in ("E_upp", "E_low", "XT")}
        return new

    def evaluate(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """log-likelihood (F,), u, l, P (F, n); P = 1 on padding rows (weight 0)."""
        k = self.k
        F = len(theta)
        cuts = np.concatenate([np.full((F, 1), -np.inf), theta[:, k:], np.full((F, 1), np.inf)], axis=1)
        eta = np.einsum("fnk,fk->fn", self.X, theta[:, :k])
        u = np.take_along_axis(cuts, self.y + 1, axis=1) - eta
        l = np.take_along_axis(cuts, self.y, axis=1) - eta
        upper = l > 0  # in the upper tail, 1 - F(l) - (1 - F(u)) = F(-l) - F(-u) keeps the digits of a small P
        P = expit(np.where(upper, -l, u)) - expit(np.where(upper, -u, l))
        P = np.where(self.mask, P, 1.0)
        with np.errstate(divide="ignore"):
            ll = np.einsum("fn,fn->f", self.w, np.log(P))
        return ll, u, l, P

    @staticmethod
    def _g(u, l, P):
        F_upp, F_low = expit(u), expit(l)
        f_upp, f_low = F_upp * (1 - F_upp), F_low * (1 - F_low)
        return F_upp, F_low, f_upp, f_low, f_upp / P, f_low / P

    def scores(self, u, l, P) -> np.ndarray:
        """Per-observation scores (F, n, P) of log P: (-x (g_upp - g_low), E_upp g_upp - E_low g_low)."""
        *_, g_upp, g_low = self._g(u, l, P)
        return np.concatenate([-self.X * (g_upp - g_low)[..., None],
                               self.E_upp * g_upp[..., None] - self.E_low * g_low[..., None]], axis=2)

    def gradient_hessian(self, u, l, P) -> tuple[np.ndarray, np.ndarray]:
        """Gradient (F, P) and Hessian (F, P, P) of sum w log P, by blocks of theta = (b, cut-points):
        with a = w h_upp, b = w h_low, c = w g_upp g_low (H = D_u'aD_u + D_l'bD_l + D_u'cD_l + D_l'cD_u),
        bb = X'(a + b + 2c)X, b-cut = -X'((a + c)E_upp + (b + c)E_low), cut-cut = E_upp'(a E_upp + c E_low)
        + E_low'(b E_low + c E_upp); stacked matrix products on (F, k, n) arrays."""
        F_upp, F_low, f_upp, f_low, g_upp, g_low = self._g(u, l, P)
        w = self.w
        a = w * (f_upp * (1 - 2 * F_upp) / P - g_upp ** 2)
        b = w * (-f_low * (1 - 2 * F_low) / P - g_low ** 2)
        c = w * (g_upp * g_low)
        E_u, E_l = self.E_upp, self.E_low
        grad = np.concatenate([-(self.XT @ (w * (g_upp - g_low))[..., None])[..., 0],
                               np.einsum("fnj,fn->fj", E_u, w * g_upp) - np.einsum("fnj,fn->fj", E_l, w * g_low)],
                              axis=1)
        bb = (self.XT * (a + b + 2 * c)[:, None, :]) @ self.X
        bc = -(self.XT @ ((a + c)[..., None] * E_u + (b + c)[..., None] * E_l))
        cc = (E_u.transpose(0, 2, 1) @ (a[..., None] * E_u + c[..., None] * E_l)
              + E_l.transpose(0, 2, 1) @ (b[..., None] * E_l + c[..., None] * E_u))
        H = np.concatenate([np.concatenate([bb, bc], axis=2),
                            np.concatenate([bc.transpose(0, 2, 1), cc], axis=2)], axis=1)
        return grad, H


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
        grad, H = s.gradient_hessian(u, l, P)
        step, ok = _solve(H, grad)
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
                c_ll, c_u, c_l, c_P = s.take(rows, derivatives=False).evaluate(candidate[ordered])
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
            H_c = H[c]  # at the last iterate but one, within the last step (below STEP_TOL) of the final one
            scores_c = sc.scores(u[c], l[c], P[c])
            Hinv, inv_ok = _inv(H_c)
            sw = scores_c * sc.w[..., None]
            meat = sw.transpose(0, 2, 1) @ sw
            n_fit = sc.mask.sum(axis=1)
            sandwich = Hinv @ meat @ Hinv * (n_fit / (n_fit - 1))[:, None, None]
            cov = np.where(robust[idx[c]][:, None, None], sandwich, -Hinv)
            good = c[inv_ok]
            theta_out[idx[good]] = theta[good]
            cov_out[idx[good]] = cov[inv_ok]
            done[idx[c]] = True
        keep = ~(failed | converged)
        done[idx[failed]] = True
        if not keep.all():
            idx = idx[keep]
            s = s.take(keep)
            theta, ll, u, l, P = theta[keep], ll[keep], u[keep], l[keep], P[keep]
    return theta_out, cov_out, np.isfinite(theta_out).all(axis=1)


# fits x draws x (firms or products) per step of `ols_draws`: bounds memory; 2 ** 20 (8 MB arrays) took 6-10%
# less CPU than 2 ** 22 in the pooled joint test (bench/speccurve.py; the same results to the bit)
OLS_CELLS_PER_BATCH = 2 ** 20


def _scaled_inverse(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched inverse of symmetric X'WX with a singularity flag (determinant of the correlation-scaled
    matrix at most 1e-10, or a pivot of its Cholesky factor not positive); the one inverse of the
    engine's linear and logit fits. Singular matrices get the inverse of their diagonal."""
    d = np.sqrt(np.diagonal(A, axis1=-2, axis2=-1))
    ok = (d > 0).all(axis=-1)
    d = np.where(d > 0, d, 1.0)
    scale = d[..., :, None] * d[..., None, :]
    R = A / scale
    Rinv, positive, det = spd_inverse(R)
    ok &= positive & (det > 1e-10)
    Rinv[~ok] = np.eye(A.shape[-1])
    return Rinv / scale, ok


def spd_inverse(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse, positive-definiteness flag and determinant of each symmetric matrix of a stack
    (..., p, p), by Cholesky factorization A = LL', L^-1 by forward substitution and A^-1 = L^-T L^-1.

    For the engine's many small matrices (p of about 2 to 10, hundreds of thousands of them):
    `np.linalg.inv` and `det` call LAPACK once per matrix, which for 7 x 7 matrices costs ten times
    the arithmetic. Here the stack is the last, contiguous axis and every scalar step of the
    factorization runs once over the whole stack. Where a pivot is not positive (the matrix is not
    positive definite, to rounding) the flag is False and the determinant the product of the pivots
    so far, one of them not positive; the inverse there is not meaningful (and may be inf or NaN).
    Equal to `np.linalg.inv` / `det` to rounding (tests)."""
    p = A.shape[-1]
    stack = A.shape[:-2]
    M = int(np.prod(stack, dtype=np.int64))
    a = np.ascontiguousarray(A.reshape(M, p * p).T).reshape(p, p, M)
    L = [[np.empty(0)] * p for _ in range(p)]
    positive, det = np.ones(M, dtype=bool), np.ones(M)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for j in range(p):
            pivot = a[j, j].copy()
            for k in range(j):
                pivot -= L[j][k] * L[j][k]
            positive &= pivot > 0
            det *= pivot
            L[j][j] = np.sqrt(np.where(pivot > 0, pivot, 1.0))
            for i in range(j + 1, p):
                t = a[i, j].copy()
                for k in range(j):
                    t -= L[i][k] * L[j][k]
                L[i][j] = t / L[j][j]
        V = [[np.empty(0)] * p for _ in range(p)]  # L^-1, lower triangular
        for i in range(p):
            V[i][i] = 1 / L[i][i]
            for j in range(i):
                t = L[i][j] * V[j][j]
                for k in range(j + 1, i):
                    t += L[i][k] * V[k][j]
                V[i][j] = -t * V[i][i]
        out = np.empty((p, p, M))
        for r in range(p):  # (L^-T L^-1)[r, c] = sum over i >= max(r, c) of V[i][r] V[i][c]
            for c in range(r + 1):
                t = V[r][r] * V[r][c]
                for i in range(r + 1, p):
                    t += V[i][r] * V[i][c]
                out[r, c] = out[c, r] = t
    return out.reshape(p * p, M).T.reshape(A.shape), positive.reshape(stack), det.reshape(stack)


def ols_draws(X: np.ndarray, sample: np.ndarray, Y: np.ndarray, counts: np.ndarray, w: np.ndarray,
              weighted: bool) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient 1 (the CSR measure) and its variance of N x Q least-squares fits in B draws.

    X (N, n, p): the design of each fit unit (constant first, CSR measure second), finite;
    sample (N, n): 0/1, the unit's sample; Y (N, Q, n): the unit's outcomes, finite on the sample
    (a unit is a design and a sample shared by Q outcomes; pad Q with zeros); counts (B, n): how
    often each firm enters each draw; w (n,): sampling weights. Fit weights W = counts x sample x w.
    Unweighted (`weighted` False): OLS with HC3, leverage h = x'(X'WX)^-1 x of each copy;
    weighted: WLS with HC1, meat sum W w e^2 x x' times n / (n - p), n the number of copies; both
    as statsmodels on the data with rows repeated. Returns slope and variance (N, B, Q), NaN where
    X'WX is singular (`_scaled_inverse`) or, unweighted, a copy has h = 1.

    The outcomes are first replaced by their residuals r = y - X b0 on the unit's sample (b0: the
    fit with draw weights = 1; a draw's fit of r has the slope of y's minus b0's and the same
    residuals), then, per draw, with z the slope's row of (X'WX)^-1 X' and m_i the meat weight:
    slope = b0_1 + beta_1, beta = (X'WX)^-1 X'Wr, variance = sum m r^2 - 2 beta'(sum m x r) +
    beta'(sum m x x') beta. All sums are products (B, n) @ (n, .). The variance is a difference of
    sums of squares, exact to rounding relative to sum m r^2: where the draw's fit is exact
    (residuals zero), it is rounding noise, as the residual form's is (see `speccurve.SE_TOLERANCE`).
    """
    N, n, p = X.shape
    Q, B = Y.shape[1], counts.shape[0]
    slope, var = np.full((N, B, Q), np.nan), np.full((N, B, Q), np.nan)
    # the distinct products x_j x_k (j <= k) of each firm: X'WX and sum m x x' are symmetric, so their
    # p(p + 1)/2 distinct entries are the products' sums; `full` gives each (j, k) its product
    rows, cols = np.triu_indices(p)
    T = rows.size
    full = np.empty((p, p), dtype=np.intp)
    full[rows, cols] = full[cols, rows] = np.arange(T)
    full = full.ravel()
    outer = X[:, :, rows] * X[:, :, cols]  # (N, n, T)
    # residuals on the unit's sample with draw weights 1
    W0 = sample * w
    A0inv, ok0 = _scaled_inverse((W0[:, None, :] @ outer)[:, 0][:, full].reshape(N, p, p))
    b0 = A0inv @ (X.transpose(0, 2, 1) @ (W0[:, :, None] * Y.transpose(0, 2, 1)))  # (N, p, Q)
    b0[~ok0] = 0.0
    R = (Y - (X @ b0).transpose(0, 2, 1)) * sample[:, None, :]
    XR = (X[:, :, :, None] * R.transpose(0, 2, 1)[:, :, None, :]).reshape(N, n, p * Q)  # x_i r_i
    # contiguous operands: numpy's stacked matmul calls BLAS only on contiguous matrices
    right = np.concatenate([outer, XR, (R ** 2).transpose(0, 2, 1)], axis=2)  # (N, n, T + pQ + Q)
    right_w = np.ascontiguousarray(right[:, :, :T + p * Q])
    XT = np.ascontiguousarray(X.transpose(0, 2, 1))
    # leverage h = x'(X'WX)^-1 x = sum over j <= k of (2 - [j = k]) (X'WX)^-1_jk x_j x_k
    outerT = np.ascontiguousarray((outer * np.where(rows == cols, 1.0, 2.0)).transpose(0, 2, 1))
    upper = rows * p + cols  # the entries j <= k of a flattened p x p matrix
    width = right.shape[2]
    units = max(1, OLS_CELLS_PER_BATCH // (B * (width + 4 * n)))
    draws = B if units > 1 else max(1, OLS_CELLS_PER_BATCH // (width + 4 * n))
    for u in range(0, N, units):
        us = slice(u, u + units)
        ru, Nu = right[us], min(units, N - u)
        sw = sample[us] * w  # (Nu, n)
        for d in range(0, B, draws):
            c = counts[d:d + draws]
            Bc = c.shape[0]
            W = c[None] * sw[:, None, :]  # (Nu, Bc, n)
            WA = W @ right_w[us]
            Ainv, ok = _scaled_inverse(WA[..., full].reshape(Nu, Bc, p, p))
            # small products over a 3-d stack: numpy's loop over a 4-d one took twice as long (p = 7, Q = 2)
            beta = np.matmul(Ainv.reshape(-1, p, p), WA[..., T:].reshape(-1, p, Q)).reshape(Nu, Bc, p, Q)
            meat = np.ascontiguousarray(Ainv[..., 1, :]) @ XT[us]  # z, row 1 of (X'WX)^-1 X': (Nu, Bc, n)
            meat *= meat
            meat *= W  # W z^2, then the meat weight in place
            if weighted:
                n_eff = (c[None] * sample[us][:, None, :]).sum(axis=2, keepdims=True)
                meat *= w
                meat *= n_eff
                meat /= n_eff - p
            else:
                h = Ainv.reshape(Nu, Bc, p * p)[..., upper] @ outerT[us]
                inside = W > 0
                ok &= ~(inside & (h > 1 - 1e-10)).any(axis=2)
                np.subtract(1.0, h, out=h)
                h *= h
                with np.errstate(divide="ignore", invalid="ignore"):
                    meat /= h
                meat[~inside] = 0.0
            meat[~ok] = 0.0
            MA = meat @ ru
            M = MA[..., full].reshape(Nu, Bc, p, p)
            C = MA[..., T:T + p * Q].reshape(Nu, Bc, p, Q)
            Mb = np.matmul(M.reshape(-1, p, p), beta.reshape(-1, p, Q)).reshape(Nu, Bc, p, Q)
            Mb -= 2 * C
            Mb *= beta
            v = MA[..., T + p * Q:] + Mb.sum(axis=2)  # beta'M beta - 2 beta'C + sum m r^2; einsum: 3x slower
            b = beta[:, :, 1, :] + b0[us][:, None, 1, :]
            okq = np.broadcast_to(ok[..., None], b.shape)
            slope[us, d:d + Bc] = np.where(okq, b, np.nan)
            var[us, d:d + Bc] = np.where(okq, v, np.nan)
    return slope, var


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
    """2 P(T > t), T ~ t(df) (infinite df: the normal), as 2 * stats.t.sf(t, df): its ufunc
    `special.stdtr(df, -t)` without the distribution object's argument checks (NaN df gives NaN)."""
    with np.errstate(invalid="ignore"):
        return 2 * special.stdtr(df, -np.asarray(t))


__all__ = ["ols_draws", "ordinal_fits", "rubin_estimate_p", "spd_inverse", "t_two_sided"]
