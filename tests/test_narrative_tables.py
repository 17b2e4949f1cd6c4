"""Generated reading and model tables follow the numbers they describe."""
import numpy as np
import pandas as pd

from cooperate_analysis import narrative, tables
from cooperate_analysis.models import district_heterogeneity, ols


def frame(slope: float, seed: int = 0, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    return pd.DataFrame({"csr_overall": x, "log_employees": rng.normal(size=n),
                         "score_innovation": 3 + slope * x + rng.normal(0, 0.5, n),
                         "district": rng.choice(["capannori_paper", "santa_croce_tanning"], n)})


def test_reading_states_direction_from_the_confidence_interval():
    fits = {"score_innovation": ols(frame(1.0), "score_innovation", "csr_overall", ["log_employees"])}
    text = narrative.reading(fits, "csr_overall", synthetic=True, lang="en")
    assert "report better innovation performance" in text and "synthetic" in text and "400 firms" in text
    fits = {"score_innovation": ols(frame(0.0, seed=3), "score_innovation", "csr_overall")}
    assert "cannot be told apart from zero" in narrative.reading(fits, "csr_overall", synthetic=False)
    fits = {"score_innovation": ols(frame(-1.0), "score_innovation", "csr_overall")}
    it = narrative.reading(fits, "csr_overall", synthetic=False, lang="it")
    assert "peggiore" in it and "sintetici" not in it


def test_coefficient_and_heterogeneity_tables_carry_the_fitted_values():
    df = frame(1.0)
    fit = ols(df, "score_innovation", "csr_overall")
    table = tables.coefficient_rows({"score_innovation": fit}, "csr_overall", "en")
    assert table.loc[0, "Coefficient"] == fit.term("csr_overall")["estimate"]
    assert table.loc[0, "n"] == 400
    het = district_heterogeneity(df, "score_innovation", "csr_overall")
    rows = tables.heterogeneity_rows({"score_innovation": het}, "it")
    assert rows.loc[0, "p di Wald (pendenze uguali)"] == het.wald_p_value
    assert "Distretto conciario di Santa Croce sull'Arno" in rows.columns
