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
