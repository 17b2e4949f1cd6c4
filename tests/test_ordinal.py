"""The ordered-logit likelihood of `ordinal`: analytic derivatives against numerical ones, the Newton
fit against statsmodels' `OrderedModel`, R-checked frequency weights and a weighted GLM."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime

from cooperate_analysis.stats import ordinal
from cooperate_analysis.stats.models import ordered_logit


def simulated(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return np.digitize(X @ [0.8, -0.5] + rng.logistic(size=n), [-1.0, 0.5, 1.5]), X


def loglik(d: ordinal.Design, theta: np.ndarray, w: np.ndarray) -> float:
    u, l = ordinal.bounds(d, theta)
    return float(w @ np.log(ordinal.probability(u, l)))


@pytest.mark.parametrize("levels", [2, 4])
def test_derivatives_are_those_of_the_log_likelihood(levels):
    y, X = simulated()
    y = np.minimum(y, levels - 1)
    d = ordinal.design(y, X, levels)
    w = np.random.default_rng(1).uniform(0.5, 2, len(y))
    theta = np.concatenate([[0.3, -0.2], np.linspace(-0.5, 0.8, levels - 1)])
    u, l = ordinal.bounds(d, theta)
    scores, H = ordinal.derivatives(d, u, l, ordinal.probability(u, l), w)
    np.testing.assert_allclose(w @ scores, approx_fprime(theta, lambda t: loglik(d, t, w), centered=True),
                               rtol=1e-6)
    def gradient(t):
        u, l = ordinal.bounds(d, t)
        return w @ ordinal.derivatives(d, u, l, ordinal.probability(u, l), hessian=False)[0]
    np.testing.assert_allclose(H, approx_fprime(theta, gradient, centered=True), rtol=1e-6, atol=1e-6)


def test_upper_tail_probability_has_no_cancellation():
    u, l = np.array([40.0, np.inf]), np.array([38.0, 39.0])
    np.testing.assert_allclose(ordinal.probability(u, l), [np.exp(-38.0) - np.exp(-40.0), np.exp(-39.0)], rtol=1e-9)


def test_newton_fit_is_the_maximum_of_statsmodels_ordered_model():
    y, X = simulated()
    theta, cov = ordinal.fit(y, X, np.ones(len(y)), robust=False)
    frame = pd.DataFrame({"y": pd.Categorical(y, ordered=True), "a": X[:, 0], "b": X[:, 1]})
    library = OrderedModel.from_formula("y ~ a + b", frame, distr="logit")
    params = np.concatenate([theta[:2], library.transform_reverse_threshold_params(np.r_[theta[2:], np.inf])])
    assert library.loglike(params) >= library.fit(method="bfgs", disp=False).llf - 1e-9
    np.testing.assert_allclose(np.abs(approx_fprime(params, library.loglike, centered=True)), 0, atol=1e-5)
    np.testing.assert_allclose(np.sqrt(np.diag(cov))[:2],
                               ordered_logit(frame, "y", "a", ["b"]).set_index("term")["std_error"].iloc[:2],
                               rtol=1e-6)
    # a warm start from a nearby solution reaches the same maximum
    again, _ = ordinal.fit(y, X, np.ones(len(y)), robust=False, start=theta + 0.05)
    np.testing.assert_allclose(again, theta, atol=1e-9)


def test_weighted_logit_is_pseudo_ml_with_a_sandwich():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    latent = X @ [0.8, -0.5] + rng.logistic(size=150)
    y = np.digitize(latent, [-1.0, 0.5, 1.5])
    counts = rng.integers(1, 4, 150)
    theta, _ = ordinal.fit(y, X, counts.astype(float), robust=True)
    expanded, _ = ordinal.fit(np.repeat(y, counts), np.repeat(X, counts, axis=0), np.ones(counts.sum()),
                              robust=False)
    np.testing.assert_allclose(theta, expanded, rtol=1e-9)
    frame = pd.DataFrame({"y": y, "a": X[:, 0], "b": X[:, 1], "f": counts})
    ref = ordered_logit(frame, "y", "a", ["b"], freq_weights="f").set_index("term")["estimate"]
    np.testing.assert_allclose(theta, ref.to_numpy(), rtol=1e-6)
    binary, w = (latent > 0.2).astype(int), rng.uniform(0.5, 3, 150)
    theta, cov = ordinal.fit(binary, X, w, robust=True)
    glm = sm.GLM(binary, sm.add_constant(X), family=sm.families.Binomial(), var_weights=w).fit(cov_type="HC0")
    np.testing.assert_allclose(theta[:2], glm.params[1:], rtol=1e-8)
    np.testing.assert_allclose(np.diag(cov)[:2], np.diag(glm.cov_params())[1:] * 150 / 149, rtol=1e-6)


def test_separation_is_reported_as_no_fit():
    X = np.linspace(-1, 1, 40)[:, None]
    assert ordinal.fit((X[:, 0] > 0).astype(int), X, np.ones(40), robust=False) is None
