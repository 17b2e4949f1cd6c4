"""The ordered (proportional-odds) logit likelihood with analytic derivatives, and a fast Newton fit.

Model: P(y = j | x) = F(c_j - x'b) - F(c_{j-1} - x'b), F logistic, y coded 0..J-1, cut-points
c_0 < ... < c_{J-2} (c_{-1} = -inf, c_{J-1} = inf); J = 2 is the binary logit. Natural parameters
theta = (b, c). With u = c_y - x'b, l = c_{y-1} - x'b and P = F(u) - F(l):
d log P / d theta = (f(u) Du - f(l) Dl) / P, Du = du/dtheta = (-x, e_y), Dl = (-x, e_{y-1}), and
d2 log P = (f'(u) Du Du' - f'(l) Dl Dl') / P - (d log P)(d log P)', f = F(1 - F), f' = f(1 - 2F).

Hand-written because statsmodels' `OrderedModel` differentiates its likelihood numerically (slow on
large surveys); `models.LogitOrderedModel` gives it these derivatives, and the specification curve
fits thousands of models with `fit` (no model objects, weights, warm starts). Both are checked
against numerical derivatives and against `OrderedModel` in the tests.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit


class Design(NamedTuple):
    """The parts of the likelihood that do not depend on theta."""

    y: np.ndarray  # (n,) codes 0..J-1
    X: np.ndarray  # (n, k) without a constant
    D_upp: np.ndarray  # (n, k + J - 1): du / dtheta
    D_low: np.ndarray  # (n, k + J - 1): dl / dtheta (0 for the cut-point part when y = 0)


def design(y: np.ndarray, X: np.ndarray, levels: int) -> Design:
    """`Design` of codes `y` (0..levels-1) and regressors `X`."""
    y = np.asarray(y, dtype=np.intp)
    X = np.asarray(X, dtype="float64")
    eye = np.eye(levels)[:, :levels - 1]  # row j: indicator of cut-point j (none for the top level)
    return Design(y, X, np.hstack([-X, eye[y]]), np.hstack([-X, eye[y - 1] * (y > 0)[:, None]]))


def bounds(d: Design, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """u = c_y - x'b and l = c_{y-1} - x'b (infinite beyond the outer cut-points)."""
    k = d.X.shape[1]
    cuts = np.concatenate([[-np.inf], theta[k:], [np.inf]])
    eta = d.X @ theta[:k]
    return cuts[d.y + 1] - eta, cuts[d.y] - eta


def probability(u: np.ndarray, l: np.ndarray) -> np.ndarray:
    """F(u) - F(l), from the upper tail where l > 0 (no cancellation near 1)."""
    upper = l > 0
    P = expit(u) - expit(l)
    P[upper] = expit(-l[upper]) - expit(-u[upper])
    return P


def derivatives(d: Design, u: np.ndarray, l: np.ndarray, P: np.ndarray, w: np.ndarray | None = None,
                hessian: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-observation scores of log P in theta, (n, k + J - 1), and the Hessian of sum w log P."""
    F_upp, F_low = expit(u), expit(l)
    f_upp, f_low = F_upp * (1 - F_upp), F_low * (1 - F_low)  # 0 at -inf and inf
    g_upp, g_low = f_upp / P, f_low / P
    scores = d.D_upp * g_upp[:, None] - d.D_low * g_low[:, None]
    if not hessian:
        return scores, None
    w = np.ones(len(P)) if w is None else w
    h_upp = f_upp * (1 - 2 * F_upp) / P - g_upp ** 2
    h_low = -f_low * (1 - 2 * F_low) / P - g_low ** 2
    cross = (d.D_upp.T * (w * (g_upp * g_low))) @ d.D_low
    H = (d.D_upp.T * (w * h_upp)) @ d.D_upp + (d.D_low.T * (w * h_low)) @ d.D_low
    return scores, H + cross + cross.T


def fit(y: np.ndarray, X: np.ndarray, w: np.ndarray, robust: bool,
        start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Maximum likelihood by Newton-Raphson: (theta, covariance), or None if it fails.

    y coded 0..J-1 with every level observed; X without a constant; w case weights. Starts at
    `start` if given (e.g. the fit of a similar dataset), else at b = 0 and the marginal
    cut-points; steps are halved until sum w log P does not fall and the cut-points stay ordered;
    converged when the largest step is below 1e-10. Covariance: the inverse observed information
    (as R MASS::polr); with `robust` (sampling weights), the sandwich H^-1 (sum w^2 s s') H^-1
    n / (n - 1) (Stata's ologit with pweights). None if Newton fails within 100 iterations or a
    fitted probability reaches 1 (separation). "Does not fall" allows a relative 1e-12, the
    rounding of the log-likelihood's sum on large samples, so steps near the maximum are not
    halved needlessly.
    """
    n, k = X.shape
    J = int(y.max()) + 1
    d = design(y, X, J)
    if start is None:
        cum = np.cumsum(np.bincount(d.y, weights=w, minlength=J))[:-1] / w.sum()
        start = np.concatenate([np.zeros(k), np.log(cum / (1 - cum))])

    def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        u, l = bounds(d, theta)
        P = probability(u, l)
        with np.errstate(divide="ignore"):
            return float(w @ np.log(P)), u, l, P

    theta = np.asarray(start, dtype="float64")
    ll, u, l, P = evaluate(theta)
    for _ in range(100):
        scores, H = derivatives(d, u, l, P, w)
        try:
            step = np.linalg.solve(H, w @ scores)
        except np.linalg.LinAlgError:
            return None
        for _ in range(40):
            candidate = theta - step
            if np.all(np.diff(candidate[k:]) > 0):
                new = evaluate(candidate)
                if new[0] >= ll - 1e-12 * max(1.0, abs(ll)):  # rounding of a sum over n terms
                    break
            step = step / 2
        else:
            return None
        theta, (ll, u, l, P) = candidate, new
        if P.max() > 1 - 1e-9:
            return None
        if np.abs(step).max() < 1e-10:
            scores, H = derivatives(d, u, l, P, w)
            try:
                Hinv = np.linalg.inv(H)
            except np.linalg.LinAlgError:  # singular information at the optimum: not estimable
                return None
            if not robust:
                return theta, -Hinv
            meat = (scores * w[:, None]).T @ (scores * w[:, None])
            return theta, Hinv @ meat @ Hinv * n / (n - 1)
    return None
