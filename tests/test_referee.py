"""The referee's tables (issue 23): full coefficient tables, descriptives, correlations with n, VIFs,
each against statsmodels / numpy / scipy computed independently."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

from cooperate_analysis.stats import adoption, models, referee


def data(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    df = pd.DataFrame({"x": x, "z": 0.6 * x + rng.normal(size=n), "w": rng.uniform(size=n),
                       "district": rng.choice(["a", "b", "c"], n)})
    df["y"] = 1 + 0.5 * df["x"] - 0.3 * df["z"] + rng.normal(size=n)
    df["b"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-df["x"]))).astype(float)
    df.loc[3, "z"] = np.nan
    return df


def test_coefficient_table_has_every_term_n_and_r2():
    df = data()
    fit = models.ols(df, "y", "x", ["z"], "district")
    table = referee.coefficient_table(fit, "OLS", "y")
    assert list(table.columns) == referee.COEFFICIENT_COLUMNS
    assert table["term"].tolist() == ["Intercept", "district[T.b]", "district[T.c]", "x", "z"]
    ref = sm.OLS(df.dropna()["y"], sm.add_constant(pd.get_dummies(df.dropna()[["x", "z", "district"]],
                                                                  drop_first=True, dtype=float))).fit()
    assert table["n"].iloc[0] == 119 and table["fit_value"].iloc[0] == pytest.approx(ref.rsquared, rel=1e-10)
    assert table.set_index("term").loc["x", "estimate"] == pytest.approx(ref.params["x"], rel=1e-10)
    assert (referee.coefficient_table(models.ols_hc3(df, "y", "x", ["z"]))["fit_statistic"] == "r2").all()


def test_coefficient_table_of_a_logit_has_mcfadden_r2():
    df = data(400)
    fit = adoption.logit(df, "b", ["x", "w"], cov_type="ML")
    table = referee.coefficient_table(fit)
    ref = sm.Logit(df["b"], sm.add_constant(df[["x", "w"]])).fit(disp=False)
    assert table["fit_statistic"].iloc[0] == "pseudo_r2"
    assert table["fit_value"].iloc[0] == pytest.approx(ref.prsquared, rel=1e-8)
    assert table["term"].tolist() == ["Intercept", "x", "w"] and (table["n"] == 400).all()


def test_descriptives_and_correlations_with_n():
    df = data()
    d = referee.descriptives(df, ["x", "z"]).set_index("variable")
    assert d.loc["z", "n"] == 119 and d.loc["z", "sd"] == pytest.approx(df["z"].std(), rel=1e-12)
    assert d.loc["x", "min"] == df["x"].min() and d.loc["x", "max"] == df["x"].max()
    long = referee.correlations(df, ["x", "z", "y"])
    assert len(long) == 3
    xz = long.set_index(["a", "b"]).loc[("x", "z")]
    assert xz["n"] == 119 and xz["r"] == pytest.approx(np.corrcoef(df.dropna()["x"], df.dropna()["z"])[0, 1])
    matrix = referee.correlation_matrix(long)
    assert matrix.loc["z", "x"] == matrix.loc["x", "z"] and matrix.loc["y", "y"] == 1.0
    constant = referee.correlations(df.assign(k=1.0), ["x", "k"]).iloc[0]
    assert np.isnan(constant["r"]) and constant["n"] == 120


def test_vif_is_statsmodels_on_the_design_with_a_constant():
    df = data()
    got = referee.vif(df, ["x", "z"], "district").set_index("term")
    complete = df.dropna(subset=["x", "z"])
    X = sm.add_constant(pd.get_dummies(complete[["x", "z", "district"]], drop_first=True, dtype=float))
    assert got.loc["x", "vif"] == pytest.approx(variance_inflation_factor(X.to_numpy(), list(X.columns).index("x")))
    # by hand: 1 / (1 - R2) of x on the others
    r2 = sm.OLS(complete["x"], X.drop(columns="x")).fit().rsquared
    assert got.loc["x", "vif"] == pytest.approx(1 / (1 - r2)) and got.loc["x", "vif"] > 1.2
    assert "Intercept" not in got.index and (got["n"] == 119).all()
