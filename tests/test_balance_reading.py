"""The findings say whether the IPW weights balance the covariates (secondary.balance_sentence)."""
import re

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.present import phrases, secondary

COVARIATES = ["log_employees", "export_share", "firm_age", "district=capannori_paper", "district=santa_croce_tanning"]


@pytest.mark.parametrize("seed", range(40))
def test_the_sentence_names_exactly_the_covariates_left_imbalanced(seed):
    rng = np.random.default_rng(seed)
    smd = rng.choice([rng.normal(0, 0.05), rng.normal(0, 0.3), 0.1, -0.1, np.nan], size=len(COVARIATES))
    table = pd.DataFrame({"covariate": COVARIATES, "smd_after": smd})
    for lang in ("en", "it"):
        text = secondary.balance_sentence(table, lang)
        finite = table[table["smd_after"].notna()]
        if not len(finite):
            assert text == ""
            continue
        off = finite[finite["smd_after"].abs() >= 0.1]
        printed = re.findall(r"\(([+\-\u2212]\d+[.,]\d\d)\)", text)  # a true minus (U+2212) too
        assert printed == [phrases.estimate(v, lang) for v in off["smd_after"]]
        balanced = {"en": "every covariate is balanced", "it": "tutte le covariate sono bilanciate"}[lang]
        assert (balanced in text) == (len(off) == 0)
        if lang == "it":
            assert not re.search(r"\d\.\d", text)


def test_district_names_keep_their_capital_and_variables_are_lower_case():
    table = pd.DataFrame({"covariate": ["export_share", "district=capannori_paper"], "smd_after": [0.3, -0.2]})
    text = secondary.balance_sentence(table, "en")
    assert "export share" in text and "Capannori" in text and "remain imbalanced" in text
    assert "restano sbilanciate" in secondary.balance_sentence(table, "it")
