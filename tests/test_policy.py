"""The analysis policy (issue 23): families and adjustments, gates on counts, references, robustness
codes and the Monte Carlo error of bootstrap p-values."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from cooperate_analysis.stats import estimability as est
from cooperate_analysis.stats import policy

# statsmodels' R-checked FDR p-values (methods.md §4.8) and their BH adjustment
P = [0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238, 0.177096952723,
     5.23656777208e-05, 0.0202732688798, 0.00028140506198, 0.0149877310796]
BH = [0.9317, 0.8953, 0.8953, 0.9678, 0.8953, 0.3542, 0.000524, 0.0507, 0.001407, 0.0500]


def test_every_secondary_family_is_bh_and_the_confirmatory_one_holm():
    assert policy.family("confirmatory").method == "holm" and policy.family("confirmatory").confirmatory
    secondary = [f for f in policy.FAMILIES.values() if not f.confirmatory]
    assert secondary and all(f.method == "fdr_bh" for f in secondary)
    assert policy.family("channels").unit == ("channel", "sample")
    with pytest.raises(KeyError):
        policy.family("anything")


def test_adjust_matches_r_bh_and_hand_holm_and_skips_nan():
    np.testing.assert_allclose(policy.adjust("channels", P), BH, atol=5e-4)
    np.testing.assert_allclose(policy.adjust("channels", P), false_discovery_control(P), rtol=1e-12)
    # Holm by hand: sorted p times (m - rank), cumulative max, capped at 1
    p = [0.01, 0.04, 0.03]
    assert policy.adjust("confirmatory", p).tolist() == pytest.approx([0.03, 0.06, 0.06])
    out = policy.adjust("confirmatory", [0.01, np.nan, 0.04])
    assert np.isnan(out[1]) and out[[0, 2]].tolist() == pytest.approx([0.02, 0.04])
    assert policy.adjust("confirmatory", {"a": 0.2}).tolist() == [0.2]


def test_holm_equals_statsmodels_multipletests():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)  # (each multipletests call runs a full garbage collection: few calls)
    for p in (rng.uniform(0, 0.01, 7), np.round(rng.uniform(0, 0.3, 40), 2), [0.2]):  # small p; ties, some capped at 1
        assert policy.holm_adjusted(p).tolist() == multipletests(p, method="holm")[1].tolist(), p


def test_significance_and_secondary_reading_follow_the_confirmatory_family():
    assert policy.significant(0.049) and not policy.significant(0.05) and policy.significant(np.nan) is None
    assert not policy.secondary_readable([0.3, 0.07, np.nan]) and policy.secondary_readable([0.3, 0.01])


def test_gates_on_counts():
    # the Santa Croce ISO 9001 Firth logit: 5 events for 8 coefficients
    firth = policy.gate("logit_firth", n=30, k=8, events=5, outcome="cert_iso9001")
    assert not firth and [r.code for r in firth.reasons] == ["few_epv"]
    assert firth.reasons[0].values | {} == {"count": 5, "k": 7, "epv": 0.71, "min": 5, "need": 35,
                                             "name": "cert_iso9001"}
    assert policy.gate("logit_ml", n=200, k=8, events=35) and not policy.gate("logit_ml", n=200, k=8, events=34)
    # the Empolese moderation: 5 of 32 firms in the network
    mod = policy.gate("moderation", n=32, k=6, levels={"network_member": {1: 5, 0: 27}})
    assert [(r.code, r.values["count"]) for r in mod.reasons] == [("few_level", 5)]
    # the Capannori fractional logit: n = 20, 8 coefficients
    assert [r.code for r in policy.gate("fractional_logit", n=20, k=8).reasons] == ["small_n"]
    assert policy.gate("fractional_logit", n=25, k=8)
    # one firm in a district, five firms
    assert [r.code for r in policy.gate("ols", n=1, k=5).reasons] == ["few_df"]
    assert [r.code for r in policy.gate("alpha", n=5).reasons] == ["few_complete"]
    assert policy.gate("ols", n=20, k=5).caution and not policy.gate("ols", n=30, k=5).caution
    ipw = policy.gate("ipw", k=6, groups={"certified": 10, "uncertified": 40}, ess={"certified": 6.2, "uncertified": 30})
    assert [r.code for r in ipw.reasons] == ["group_small", "few_ess"]
    assert [r.code for r in policy.gate("cfa", n=40, items=10).reasons] == ["per_item"]
    with pytest.raises(KeyError):
        policy.gate("lasso", n=10)


def test_every_gate_number_is_the_estimability_constant():
    assert policy.GATES["logit_ml"].min_epv == est.MIN_EPV == 5
    assert policy.GATES["moderation"].min_per_level == est.MIN_PER_MODERATOR_LEVEL
    assert policy.GATES["ols"].min_residual_df == est.MIN_RESIDUAL_DF
    assert policy.GATES["alpha"].min_n == est.MIN_ALPHA_N
    assert policy.GATES["ipw"].min_ess == policy.MIN_ESS
    assert {"ols", "wls", "fractional_logit", "logit_ml", "logit_firth", "moderation", "ordered_logit", "alpha",
            "cfa", "efa", "ipw", "aipw", "friedman"} <= set(policy.GATES)


def test_references():
    assert policy.reference("ols").distribution == "t" and policy.reference("ols").df == "n - k"
    assert policy.reference("logit_ml").distribution == "normal"
    assert policy.reference("logit_firth").distribution == "profile"
    assert policy.reference("mice").df == "barnard_rubin"
    with pytest.raises(KeyError):
        policy.reference("nothing")


def test_verdicts_and_robustness_changes():
    assert policy.verdict(0.1, 2.0) == "positive" and policy.verdict(-2, -0.1) == "negative"
    assert policy.verdict(-1, 1) == "includes_zero" and policy.verdict(-np.inf, 1) is None
    assert policy.verdict(np.nan, 1) is None
    # the "+1.51 -> +1.29": a smaller estimate, both intervals above zero: same verdict
    c = policy.change((1.51, 0.05, 2.98), (1.29, 0.02, 2.6))
    assert c.code == "same_verdict" and c.difference == pytest.approx(-0.22)
    assert c.relative == pytest.approx(-0.22 / 1.51)
    assert policy.change((1.5, 0.1, 3.0), (1.0, -0.2, 2.2)).code == "verdict_change"
    assert policy.change((1.5, 0.1, 3.0), (-1.0, -2.0, -0.1)).code == "sign_reversal"
    assert policy.change((1.5, 0.1, 3.0), (1.0, -np.inf, np.inf)).code == "no_verdict"
    changes = {"a": policy.change((0.58, -0.4, 1.6), (0.02, -1, 1)), "b": policy.change((1.0, 0, 2), (1.1, 0, 2))}
    assert policy.largest_change(changes) == "a" and policy.largest_change({}) is None


def test_balance_rule():
    assert policy.balanced([0.05, -0.09]) and not policy.balanced([0.05, 0.431])
    assert not policy.balanced([0.05, np.nan]) and not policy.balanced([])


def test_monte_carlo_error_of_a_bootstrap_p():
    assert policy.mc_error(0.05, 500) == pytest.approx(math.sqrt(0.05 * 0.95 / 500))  # about 0.01 (the issue)
    assert policy.near_alpha(0.054, 500) and policy.near_alpha(0.040, 500)
    assert not policy.near_alpha(0.026, 500) and not policy.near_alpha(0.2, 500)
    b = policy.n_boot_needed(0.040)
    assert not policy.near_alpha(0.040, b) and policy.near_alpha(0.040, b - 1)
    assert policy.n_boot_needed(0.05) is None
    with pytest.raises(ValueError):
        policy.mc_error(0.5, 0)


def test_fpc_rule():
    assert policy.needs_fpc(28, 133) and not policy.needs_fpc(34, 2500) and not policy.needs_fpc(10, None)
    assert not policy.needs_fpc(5, 100)  # exactly 5%: no correction


def test_joint_verdict_reads_all_three_statistics_and_their_monte_carlo_error():
    from cooperate_analysis.stats.policy import joint_verdict

    # the pooled intangible family: 0.040 and 0.054 lie within Monte Carlo error of 0.05 with 500 draws
    assert joint_verdict({"median": 0.04, "share_significant": 0.026, "stouffer_z": 0.054}, 500) == "undecided"
    assert joint_verdict({"median": 0.0, "share_significant": 0.006, "stouffer_z": 0.0}, 500) == "differs"
    assert joint_verdict({"median": 0.528, "share_significant": 0.48, "stouffer_z": 0.612}, 500) == "same"
    assert joint_verdict({"median": 0.001, "share_significant": 0.30, "stouffer_z": 0.002}, 500) == "mixed"
    assert joint_verdict({"median": 0.001, "share_significant": float("nan"), "stouffer_z": 0.002}, 500) == "undecided"
    # with many more draws the same p-values are decided
    assert joint_verdict({"median": 0.04, "share_significant": 0.026, "stouffer_z": 0.054}, 100_000) == "mixed"
