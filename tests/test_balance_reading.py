"""The readings say whether the IPW weights balance the covariates (secondary.balance_sentence) and speak of
comparable groups only when they do (issue 23: `stats.policy.balanced`, |SMD| < 0.1 for every covariate, a
missing SMD counting as not balanced)."""
import re

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.present import phrases, secondary
from cooperate_analysis.stats import policy
from cooperate_analysis.stats.models import Balance

COVARIATES = ["log_employees", "export_share", "firm_age", "district=capannori_paper", "district=santa_croce_tanning"]
COMPARABLE = {"en": "comparable", "it": "comparabil"}
NOT_READ = {"en": "no IPW or AIPW estimate is read as a finding", "it": "nessuna stima IPW o AIPW è letta come un risultato"}


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
        # balance, and comparable groups, only as the policy declares it (a missing SMD is not balanced)
        assert (balanced in text) == policy.balanced(table["smd_after"])
        assert (COMPARABLE[lang] in text) == policy.balanced(table["smd_after"])
        assert (NOT_READ[lang] in text) == (not policy.balanced(table["smd_after"]))
        if lang == "it":
            assert not re.search(r"\d\.\d", text)


def test_district_names_keep_their_capital_and_variables_are_lower_case():
    table = pd.DataFrame({"covariate": ["export_share", "district=capannori_paper"], "smd_after": [0.3, -0.2]})
    text = secondary.balance_sentence(table, "en")
    assert "export share" in text and "Capannori" in text and "remain imbalanced" in text
    assert "not balanced" in text and "stays consistent" not in text  # no AIPW read from an unbalanced weighting
    assert "restano sbilanciate" in secondary.balance_sentence(table, "it")


def test_a_balance_object_reads_as_its_table():
    table = pd.DataFrame({"covariate": COVARIATES, "smd_after": [0.431, 0.02, 0.05, 0.12, -0.03]})
    balance = Balance(table, pd.DataFrame({"propensity": [0.5], "treated": [1]}), 55, 32,
                      {"certified": 19.4, "uncertified": 27.8}, False)
    for lang in ("en", "it"):
        assert secondary.balance_sentence(balance, lang) == secondary.balance_sentence(table, lang)


@pytest.mark.parametrize("seed", range(20))
def test_the_certification_reading_states_trimming_and_reads_only_balanced_comparisons(seed):
    """The IPW / AIPW reading of random rows: the trimming rule, firms trimmed and Kish effective sample
    sizes stated; an unbalanced score said to be so with its worst covariate and |SMD| (from its balance
    table), never 'comparable'; a balanced one compared with comparable firms."""
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.present import formatting as fmt
    from cooperate_analysis.present.regression import balance_label

    cb = load_codebook()
    rng = np.random.default_rng(seed)
    rows, tables = [], {}
    for s in ("score_innovation", "score_intangible", "score_market"):
        good = bool(rng.random() < 0.5)
        worst = float(rng.uniform(0.01, 0.09) if good else rng.uniform(0.1, 0.6))
        smd = rng.uniform(-1, 1, len(COVARIATES)) * min(worst, 0.09) * 0.9
        at = int(rng.integers(len(COVARIATES)))
        smd[at] = worst
        tables[s] = pd.DataFrame({"covariate": COVARIATES, "smd_after": smd})
        sample = dict(n_before_trim=int(rng.integers(30, 90)), n_trimmed=int(rng.integers(0, 30)),
                      ess_treated=float(rng.uniform(8, 40)), ess_control=float(rng.uniform(8, 60)),
                      trim_low=0.1, trim_high=0.9, max_abs_smd_after=worst, balanced=good)
        for model in ("IPW", "AIPW"):
            rows.append({"outcome": s, "model": model, "estimate": rng.normal(), "ci_low": -1.0, "ci_high": 1.0,
                         "p_value": rng.uniform(0, 0.05), **sample})
    cert = pd.DataFrame(rows)
    for lang in ("en", "it"):
        text = " ".join(secondary.certification_sentences(cert, lang, cb, balance=tables))
        assert ("[0.1, 0.9]" if lang == "en" else "[0,1; 0,9]") in text and "[@crump2009]" in text  # linked when rendered
        for value in (*cert["ess_treated"], *cert["ess_control"], *cert["n_trimmed"]):
            assert fmt.number(value, 1 if isinstance(value, float) else 0, lang) in text
        sentences = re.split(r"(?<=\.) (?=[A-Z])", text)
        for s, table in tables.items():
            scale = phrases.scale_name(s, lang, cb)
            worst = table.loc[table["smd_after"].abs().idxmax()]
            good = bool(cert.loc[cert["outcome"] == s, "balanced"].iloc[0])
            mention = [x for x in sentences if ("not balanced" if lang == "en" else "non è bilanciato") in x and
                       (scale in x or ("on " if lang == "en" else "sulla ") not in x.split(":")[0])]
            if good:
                assert not any(balance_label(worst["covariate"], lang, cb).lower() in x.lower() and
                               fmt.number(abs(worst["smd_after"]), 2, lang) in x for x in mention)
            else:
                assert any(fmt.number(abs(worst["smd_after"]), 2, lang) in x and
                           balance_label(worst["covariate"], lang, cb).lower() in x.lower() for x in mention), text
        if not cert["balanced"].any():
            assert COMPARABLE[lang] not in text
        if cert["balanced"].all():
            assert ("not balanced" if lang == "en" else "non è bilanciato") not in text and COMPARABLE[lang] in text
