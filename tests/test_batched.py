"""The batched logit engine (`stats.batched`) against one-by-one fits: `ordinal.fit` and statsmodels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cooperate_analysis.data import derived, synthetic
from cooperate_analysis.stats import batched, ordinal, speccurve


def _stack(n_fits: int, n: int, k: int, J: int, seed: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_fits, n, k))
    latent = X @ rng.normal(0, 0.8, size=k) + rng.logistic(size=(n_fits, n))
    cuts = np.quantile(latent, np.linspace(0, 1, J + 1)[1:-1])
    y = np.searchsorted(cuts, latent)
    mask = np.arange(n)[None, :] < rng.integers(n // 2, n + 1, n_fits)[:, None]  # ragged samples, padded
    return y, X, rng.uniform(0.5, 2, size=(n_fits, n)), mask


@pytest.mark.parametrize("J", [2, 4])
@pytest.mark.parametrize("robust", [False, True])
def test_batched_fits_equal_one_by_one_fits(J, robust):
    y, X, w, mask = _stack(40, 30, 3, J, seed=J)
    theta, cov, ok = batched.ordinal_fits(y, X, w, mask, J, np.full(40, robust))
    checked = 0
    for i in range(40):
        yi, Xi, wi = y[i, mask[i]], X[i, mask[i]], w[i, mask[i]]
        if np.unique(yi).size < J:
            continue
        ref = ordinal.fit(yi, Xi, wi, robust=robust)
        assert ok[i] == (ref is not None)
        if ref is not None:
            np.testing.assert_allclose(theta[i], ref[0], rtol=1e-9, atol=1e-10)
            np.testing.assert_allclose(cov[i], ref[1], rtol=1e-9, atol=1e-10)
            checked += 1
    assert checked > 20


def test_separation_fails_as_one_by_one():
    y, X, w, mask = _stack(6, 20, 2, 2, seed=1)
    y[0] = (X[0, :, 0] > 0).astype(int)  # complete separation in fit 0
    theta, _, ok = batched.ordinal_fits(y, X, w, mask, 2, np.zeros(6, dtype=bool))
    assert not ok[0] and np.isnan(theta[0]).all()
    assert ordinal.fit(y[0, mask[0]], X[0, mask[0]], w[0, mask[0]], robust=False) is None
    assert ok[1:].all()


def test_speccurve_logits_equal_statsmodels_on_a_small_multiverse():
    """Every complete-case binary logit spec of a small multiverse against statsmodels' Logit."""
    survey = synthetic.generate({"santa_croce_tanning": 80}, seed=2, missing_rate=0.03)
    frame = derived.analysis_frame(survey)
    specs = speccurve.specifications()
    specs = specs[(specs["model"] == "logit") & (specs["coding"] == "improved") & (specs["weights"] == "none")
                  & (specs["missing"] == "complete") & specs["outcome"].isin(["out_reputation", "score_market"])
                  & specs["csr"].isin(["csr_overall", "csr_environment", "cert_any"])]
    curve = speccurve.run(frame, specs, m=2, seed=0, n_jobs=1)
    compared = 0
    for _, row in curve.iterrows():
        cols = [row["csr"], *speccurve.CONTROL_SETS[row["controls"]]]
        data = frame[[row["outcome"], *cols]].astype("float64").dropna()
        y = (data[row["outcome"]] > speccurve.NEUTRAL).astype(float)
        fit = sm.Logit(y, sm.add_constant(data[cols])).fit(disp=False, tol=1e-12, maxiter=100)
        eta = data[cols].to_numpy() @ fit.params[cols].to_numpy()
        factor = data[row["csr"]].std(ddof=0) / np.sqrt(eta.var() + np.pi ** 2 / 3)
        assert row["n"] == len(data)
        assert row["estimate"] == pytest.approx(fit.params[row["csr"]] * factor, rel=1e-9, abs=1e-10)
        assert row["std_error"] == pytest.approx(fit.bse[row["csr"]] * factor, rel=1e-6)
        compared += 1
    assert compared == len(specs) == 18


def test_rubin_estimate_p_equals_rubin_pool():
    from cooperate_analysis.stats.inference import rubin_pool

    rng = np.random.default_rng(4)
    q, u = rng.normal(size=(5, 30)), rng.uniform(0.1, 1, size=(5, 30))
    for df in (25.0, np.inf):
        est, p = batched.rubin_estimate_p(q, u, df)
        ref = rubin_pool(pd.DataFrame(q), pd.DataFrame(u), df)
        np.testing.assert_allclose(est, ref["estimate"], rtol=1e-12)
        np.testing.assert_allclose(p, ref["p_value"], rtol=1e-12)


def test_spd_inverse_equals_numpy_and_flags_what_is_not_positive_definite():
    """The stacked Cholesky inverse equals np.linalg.inv and det to rounding on well- and
    ill-conditioned matrices of several sizes, and flags singular and indefinite ones."""
    rng = np.random.default_rng(3)
    for p in (1, 2, 4, 7, 10):
        X = rng.normal(size=(60, 3 * p, p))
        X[:20, :, -1] = X[:20, :, 0] + 1e-4 * rng.normal(size=(20, 3 * p))  # ill-conditioned
        A = X.transpose(0, 2, 1) @ X
        inv, positive, det = batched.spd_inverse(A.reshape(3, 20, p, p))
        assert inv.shape == (3, 20, p, p) and positive.shape == det.shape == (3, 20)
        assert positive.all()
        ref = np.linalg.inv(A)
        cond = np.linalg.cond(A)[:, None, None]
        scale = np.abs(ref).max(axis=(1, 2), keepdims=True)
        assert np.all(np.abs(inv.reshape(A.shape) - ref) <= 1e-13 * cond * scale)
        np.testing.assert_allclose(det.ravel(), np.linalg.det(A), rtol=1e-9 * cond.max())
    singular = np.array([[1.0, 1.0], [1.0, 1.0]])
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])
    zero = np.zeros((3, 3))
    for A in (singular, indefinite):
        _, positive, det = batched.spd_inverse(np.stack([A, np.eye(2)]))
        assert positive.tolist() == [False, True] and det[1] == 1.0
    assert not batched.spd_inverse(zero)[1]


def test_scaled_inverse_flags_singular_designs_and_inverts_the_others():
    """`_scaled_inverse` (every linear fit's (X'WX)^-1): equal to np.linalg.inv where the scaled
    determinant exceeds 1e-10, flagged where a column is zero, collinear or nearly so."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(5, 30, 4))
    X[1, :, 3] = 0.0  # a zero column
    X[2, :, 3] = 2 * X[2, :, 1]  # collinear
    X[3, :, 3] = X[3, :, 1] + 1e-7 * rng.normal(size=30)  # scaled determinant below 1e-10
    A = X.transpose(0, 2, 1) @ X
    inv, ok = batched._scaled_inverse(A)
    assert ok.tolist() == [True, False, False, False, True]
    np.testing.assert_allclose(inv[ok], np.linalg.inv(A[ok]), rtol=1e-10)
    assert np.isfinite(inv).all()
