"""The analysis policy (issue 23): the one declaration of the rules every report, table and generated
sentence follows. Numbers and reason codes only, no sentences (the reports word them).

What is declared here
---------------------
- `ALPHA` = 0.05, the significance level of every test and the 95% level of every interval.
- **Multiplicity families** (`FAMILIES`, `adjust`). One family = the tests among which a report
  selects what it reads as a finding; each family has one adjustment:
  - ``confirmatory``: the CSR coefficient on each competitiveness score (innovation, intangible,
    market) of one sample (a district's OLS, or the pooled OLS with district effects): Holm
    (strong family-wise error control, the few pre-declared hypotheses H1-H3).
  - ``association_grid``: the rank-association tests of one exposure block x one outcome block x
    one group (methods.md §2.3): Benjamini-Hochberg (BH).
  - ``ordered_items``: the CSR slope in the ordered logit of each of the ten competitiveness items of
    one sample: BH over the items.
  - ``heterogeneity``: the CSR x district Wald tests over the three scores: BH.
  - ``certification``: the IPW (and, separately, the AIPW) differences over the three scores: BH
    within each estimator.
  - ``channels``: the channels report's adoption models, **per outcome** (the CSR index, each
    certification) **across the four channel regressors and every sample** (pooled and each
    district): BH. Why this unit: the channels findings read, for one outcome, which channel in
    which sample is associated with adoption, i.e. they select among channels x samples, so that
    is the set a false discovery rate must cover; different outcomes are different questions (as
    the blocks of the association grid), so they are separate families. Firm size, export share
    and age are controls, not hypotheses, and are not in any family.
  - ``moderation``: the network x CSR interactions of the channels report, per score across
    samples: BH (exploratory).
  - ``adoption_by_channel``: the differences in adoption between users and non-users of each
    channel, per outcome across channels and samples: BH.
  Secondary results are read only after their adjustment; none is promoted to a finding while the
  confirmatory family has no rejection (`secondary_readable`).
- **Estimability gates** (`GATES`, `gate`): what each estimator needs before it runs (a `Check` with
  `estimability.Reason` codes). The data-level checks are in `stats.estimability`; `gate` applies
  the same rules to counts alone. Rules and sources:
  - ``ols`` / ``wls`` / ``heterogeneity`` / ``moderation`` / ``power``: n - k >= 10 residual df
    [ours]; caution below n = 25, the size down to which HC3 was studied (Long & Ervin 2000).
  - ``moderation``: also at least `estimability.MIN_PER_MODERATOR_LEVEL` = 10 firms at each level of
    the 0/1 moderator [ours]: the slope within a level rests on that level's firms, so it gets the
    regression floor (the issue's Empolese case, 5 of 32 network members, fails).
  - ``fractional_logit`` (and its OLS sensitivity): the regression rule and n >=
    `estimability.MIN_SANDWICH_N` = 25 [ours]: a quasi-likelihood with a sandwich covariance has
    only asymptotic inference; 25 is Long & Ervin's floor for HC3 (the issue's Capannori model, n =
    20 for 8 coefficients, fails).
  - ``logit_ml`` / ``logit_firth``: at least `estimability.MIN_EPV` = 5 firms in the rarer outcome
    class per coefficient other than the intercept (events per variable, EPV, counted as Peduzzi
    et al. 1996: rarer class / predictors). Peduzzi, Concato, Kemper, Holford & Feinstein (1996),
    J Clin Epidemiol 49(12):1373-1379, doi:10.1016/S0895-4356(96)00236-3, found no major problems
    at EPV >= 10; Vittinghoff & McCulloch (2007), Am J Epidemiol 165(6):710-718,
    doi:10.1093/aje/kwk052, found coverage and bias acceptable in a range of designs below 10 and
    "conclude that this rule can be relaxed", the problems concentrating at EPV 2-4 (as van Smeden
    et al. 2016, BMC Med Res Methodol 16:163, doi:10.1186/s12874-016-0267-3, summarise them). We
    take EPV >= 5, the relaxed floor, for ML and Firth alike (Firth's penalty removes the bias and
    the separation problem, not the lack of information), plus the earlier rules (5 firms in each
    class, 3 at each value of a 0/1 regressor). Santa Croce's ISO 9001 model (5 events, 7
    predictors: EPV 0.7) fails.
  - ``ordered_logit``: two observed categories and n - k >= 10 with the cut-points counted; its
    results carry `ordinal` flags (separation: a cut-point beyond |`TAU_BOUND`| = 10 on the
    log-odds scale; a Brant test that is degenerate: not computable, or p = 1.000 with df > 0).
  - ``alpha``: at least `estimability.MIN_ALPHA_N` = 20 firms answering every item [ours] (on 5
    firms the Feldt 95% interval of the issue was [-9.74, 0.76]).
  - ``cfa`` / ``efa``: every item varies and 5 complete firms per item [ours]; an inadmissible CFA
    solution (`measures.improper_solution`) is reported as such, not read.
  - ``ipw`` / ``aipw``: after trimming to propensity in [`TRIM_LOW`, `TRIM_HIGH`] = [0.1, 0.9]
    (Crump, Hotz, Imbens & Mitnik 2009, Biometrika 96(1):187-199, doi:10.1093/biomet/asn055, rule of
    thumb), each group >= 10 firms and >= k + 5 [ours], and Kish's effective sample size of each
    weighted group >= `MIN_ESS` = 10 [ours]. Balance (|SMD| < `SMD_BALANCE` = 0.1 for every
    covariate after weighting; Austin 2009) is not a gate but decides the reading: groups are
    called comparable only when `balanced`.
  - ``friedman``: at least 5 firms answering every item [ours], not all tied.
- **Inference references** (`REFERENCES`): t(n - k) for OLS / WLS (and their contrasts); normal for
  the likelihood and M-estimation models (ML logit, ordered logit, IPW / AIPW, AMEs by the delta
  method); for the fractional logit the normal, as R's ``lmtest::coeftest`` on a glm and Stata's
  ``fracreg``, with the small samples kept out by its gate; Firth fits report the profile
  penalised-likelihood interval (chi-square(1) inversion, logistf's default), Wald as sensitivity;
  after multiple imputation t with Barnard-Rubin df; chi-square for Wald, Brant and Friedman tests.
- **Robustness** (`change`): the change of a coefficient between two analyses is its size (the
  difference and both intervals); a change of sign is called one only when both intervals exclude
  zero on opposite sides; a change of verdict when exactly one interval excludes zero.
  No verdict on a non-finite interval (`verdict`).
- **Bootstrap p-values** (`mc_error`, `near_alpha`, `n_boot_needed`): Monte Carlo standard error
  sqrt(p (1 - p) / B); a p is "within Monte Carlo error of 0.05" when |p - 0.05| <= 1.96 x that
  error.
- **Finite-population correction** (`FPC_FRACTION` = 0.05): applied to means and shares of a
  district when its sampling fraction n / N exceeds 5% (`measures.fpc_interval`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence

import numpy as np

from . import estimability as est
from .estimability import Check, Reason

ALPHA = 0.05
LEVEL = 1 - ALPHA
SMD_BALANCE = 0.1  # |standardised mean difference| below which a covariate is balanced (Austin 2009)
TRIM_LOW, TRIM_HIGH = 0.1, 0.9  # Crump, Hotz, Imbens & Mitnik (2009): keep propensity in [0.1, 0.9]
MIN_ESS = 10  # Kish effective sample size of each weighted group [ours]
TAU_BOUND = 10.0  # |cut-point| on the log-odds scale beyond which an ordered logit is flagged as separated
MC_Z = 1.959963984540054  # two-sided 95% normal quantile, for the Monte Carlo band of a bootstrap p
FPC_FRACTION = 0.05  # sampling fraction above which means and shares get the finite-population correction


# --- multiplicity -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    """A multiplicity family: its `name`, the statsmodels `multipletests` `method` ("holm" or
    "fdr_bh"), whether it is `confirmatory`, and `unit`: the axes whose tests form one family (the
    tests of one value of every other axis are adjusted together)."""

    name: str
    method: str
    confirmatory: bool
    unit: tuple[str, ...]


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("confirmatory", "holm", True, ("score",)),
    Family("association_grid", "fdr_bh", False, ("exposure", "outcome")),
    Family("ordered_items", "fdr_bh", False, ("item",)),
    Family("heterogeneity", "fdr_bh", False, ("score",)),
    Family("certification", "fdr_bh", False, ("score",)),
    Family("channels", "fdr_bh", False, ("channel", "sample")),
    Family("moderation", "fdr_bh", False, ("sample",)),
    Family("adoption_by_channel", "fdr_bh", False, ("channel", "sample")),
)}


def family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"no multiplicity family {name!r}; declared: {', '.join(FAMILIES)}") from None


def holm_adjusted(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values of finite `p`, in input order: sorted p times (m - rank), running
    maximum, capped at 1. The same numbers as statsmodels' `multipletests(method="holm")`, which also runs a
    full garbage collection on every call (tens of milliseconds in a process holding many objects)."""
    p = np.asarray(p, dtype="float64")
    order = np.argsort(p)
    out = np.empty_like(p)
    out[order] = np.minimum(np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1)), 1.0)
    return out


def adjust(name: str, pvalues: Sequence[float] | Mapping) -> np.ndarray:
    """The adjusted p-values of one family's tests (`FAMILIES[name].method`), in input order. NaN
    p-values (tests that could not be run) stay NaN and are not counted in the family."""
    from statsmodels.stats.multitest import multipletests

    values = list(pvalues.values()) if isinstance(pvalues, Mapping) else list(pvalues)
    p = np.asarray(values, dtype="float64")
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        method = family(name).method
        out[finite] = (holm_adjusted(p[finite]) if method == "holm" else
                       multipletests(p[finite], alpha=ALPHA, method=method)[1])
    return out


def significant(p_adjusted: float) -> bool | None:
    """Whether an adjusted p rejects at `ALPHA`; None when it is not a finite number (no verdict)."""
    return None if p_adjusted is None or not np.isfinite(p_adjusted) else bool(p_adjusted < ALPHA)


def secondary_readable(confirmatory_p_adjusted: Sequence[float]) -> bool:
    """Whether secondary findings may be read as findings: only when the confirmatory family rejects
    at least one hypothesis after Holm (otherwise they are reported as exploratory, not promoted)."""
    return any(significant(p) for p in confirmatory_p_adjusted)


# --- estimability gates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gate:
    """What an estimator needs: `min_residual_df` (n - k), `min_n`, `min_epv` (rarer class per
    coefficient other than the intercept), `min_events` (rarer class), `min_per_level` (firms at each
    value of a 0/1 regressor or moderator), `min_group` (each group of a treatment comparison, also
    >= k + `group_margin`), `min_ess` (Kish ESS of each weighted group), `per_item` (complete firms per
    item), `caution_below` (n below which the result carries a caution), and `sources`."""

    estimator: str
    min_residual_df: int | None = None
    min_n: int | None = None
    min_epv: float | None = None
    min_events: int | None = None
    min_per_level: int | None = None
    min_group: int | None = None
    group_margin: int | None = None
    min_ess: float | None = None
    per_item: int | None = None
    caution_below: int | None = None
    sources: tuple[str, ...] = field(default=())


_REG = dict(min_residual_df=est.MIN_RESIDUAL_DF, caution_below=est.HC3_MIN_N, sources=("ours", "long2000"))
GATES: dict[str, Gate] = {g.estimator: g for g in (
    Gate("ols", **_REG),
    Gate("wls", **_REG),
    Gate("heterogeneity", **_REG),
    Gate("power", min_residual_df=est.MIN_RESIDUAL_DF, sources=("ours",)),
    Gate("moderation", min_residual_df=est.MIN_RESIDUAL_DF, min_per_level=est.MIN_PER_MODERATOR_LEVEL,
         caution_below=est.HC3_MIN_N, sources=("ours", "long2000")),
    Gate("fractional_logit", min_residual_df=est.MIN_RESIDUAL_DF, min_n=est.MIN_SANDWICH_N,
         min_per_level=est.MIN_BINARY_LEVEL, sources=("ours", "long2000")),
    Gate("logit_ml", min_residual_df=est.MIN_RESIDUAL_DF, min_epv=est.MIN_EPV, min_events=est.MIN_EVENTS,
         min_per_level=est.MIN_BINARY_LEVEL, sources=("peduzzi1996", "vittinghoff2007")),
    Gate("logit_firth", min_residual_df=est.MIN_RESIDUAL_DF, min_epv=est.MIN_EPV, min_events=est.MIN_EVENTS,
         min_per_level=est.MIN_BINARY_LEVEL, sources=("peduzzi1996", "vittinghoff2007", "vansmeden2016")),
    Gate("ordered_logit", min_residual_df=est.MIN_RESIDUAL_DF, sources=("ours",)),
    Gate("alpha", min_n=est.MIN_ALPHA_N, sources=("ours",)),
    Gate("cfa", per_item=est.PER_ITEM, sources=("ours",)),
    Gate("efa", per_item=est.PER_ITEM, sources=("ours",)),
    Gate("ipw", min_group=est.MIN_GROUP, group_margin=est.GROUP_MARGIN, min_ess=MIN_ESS,
         sources=("ours", "crump2009")),
    Gate("aipw", min_group=est.MIN_GROUP, group_margin=est.GROUP_MARGIN, min_ess=MIN_ESS,
         sources=("ours", "crump2009")),
    Gate("friedman", min_n=est.MIN_RANKING_N, sources=("ours",)),
)}


def gate(estimator: str, *, n: int | None = None, k: int | None = None, events: int | None = None,
         levels: Mapping[str, Mapping] | None = None, groups: Mapping[str, int] | None = None,
         ess: Mapping[str, float] | None = None, items: int | None = None, outcome: str = "") -> Check:
    """The gate of `estimator` (`GATES`) applied to counts: `n` firms, `k` coefficients (the
    intercept and cut-points included), `events` (firms in the rarer class of a 0/1 outcome),
    `levels` ({regressor: {value: firms}} of 0/1 regressors or the moderator), `groups` ({"certified":
    n1, "uncertified": n0}), `ess` ({group: Kish ESS}), `items` (items of a scale or factor model),
    `outcome` (the variable named in an events reason).
    Returns a `Check` (reasons with `estimability` codes: few_df, small_n, few_epv, few_events,
    few_level, group_small, few_ess, per_item, few_complete; caution `caution`). Counts not given
    are not checked."""
    g = GATES.get(estimator)
    if g is None:
        raise KeyError(f"no gate for {estimator!r}; declared: {', '.join(GATES)}")
    reasons: list[Reason] = []
    caution: list[Reason] = []
    if n is not None and k is not None and g.min_residual_df is not None and n - k < g.min_residual_df:
        reasons.append(Reason("few_df", {"n": int(n), "k": int(k), "df": int(n - k), "min": g.min_residual_df}))
    if n is not None and g.min_n is not None and n < g.min_n:
        code = "few_complete" if estimator in ("alpha", "friedman") else "small_n"
        reasons.append(Reason(code, {"n": int(n), "min": g.min_n}))
    if n is not None and g.per_item is not None and items is not None and n < g.per_item * items:
        reasons.append(Reason("per_item", {"n": int(n), "k": int(items), "min": g.per_item * items,
                                           "per": g.per_item}))
    if events is not None:
        if g.min_events is not None and events < g.min_events:
            reasons.append(Reason("few_events", {"count": int(events), "name": outcome, "min": g.min_events}))
        if g.min_epv is not None and k is not None:
            reasons += est.epv_rule(events, k - 1, g.min_epv, outcome).reasons
    if levels and g.min_per_level is not None:
        for name, counts in levels.items():
            for value, count in counts.items():
                if count < g.min_per_level:
                    reasons.append(Reason("few_level", {"count": int(count), "name": name, "value": value,
                                                        "min": g.min_per_level}))
    if groups and g.min_group is not None:
        for group, count in groups.items():
            need = max(g.min_group, (k or 0) + (g.group_margin or 0))
            if count < need:
                reasons.append(Reason("group_small", {"count": int(count), "group": group, "min": need}))
    if ess and g.min_ess is not None:
        reasons += est.ess_rule(ess, g.min_ess).reasons
    if n is not None and g.caution_below is not None and n < g.caution_below and not reasons:
        caution.append(Reason("caution", {"n": int(n)}))
    return Check(tuple(reasons), tuple(caution))


# --- inference references ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """The reference distribution of an estimator's tests and intervals: `distribution` ("t",
    "normal", "chi2", "profile"), `df` (how the degrees of freedom are counted, "" if none) and
    `reason` (a short code: why this reference)."""

    distribution: str
    df: str
    reason: str


REFERENCES: dict[str, Reference] = {
    "ols": Reference("t", "n - k", "coeftest_vcovHC_stata_vce_hc3"),
    "wls": Reference("t", "n - k", "coeftest_vcovHC_stata_vce_hc3"),
    "heterogeneity_slope": Reference("t", "n - k", "linear_contrast_of_ols"),
    "heterogeneity_wald": Reference("chi2", "districts - 1", "wald_test"),
    "moderation": Reference("t", "n - k", "linear_contrast_of_ols"),
    "fractional_logit": Reference("normal", "", "quasi_likelihood_asymptotic_coeftest_glm_fracreg"),
    "logit_ml": Reference("normal", "", "maximum_likelihood"),
    "logit_firth": Reference("profile", "chi2(1)", "penalised_likelihood_profile_logistf"),
    "logit_firth_wald": Reference("normal", "", "sensitivity_firthlogit"),
    "ame": Reference("normal", "", "delta_method"),
    "ordered_logit": Reference("normal", "", "maximum_likelihood"),
    "brant": Reference("chi2", "(J - 2) k", "wald_test"),
    "ipw": Reference("normal", "", "m_estimation"),
    "aipw": Reference("normal", "", "m_estimation"),
    "mice": Reference("t", "barnard_rubin", "rubin_rules_small_sample"),
    "friedman": Reference("chi2", "k - 1", "friedman_test"),
    "spearman": Reference("t", "n - 2", "cor_test_asymptotic"),
}


def reference(estimator: str) -> Reference:
    try:
        return REFERENCES[estimator]
    except KeyError:
        raise KeyError(f"no inference reference for {estimator!r}; declared: {', '.join(REFERENCES)}") from None


# --- verdicts and robustness ------------------------------------------------------------------------

def verdict(ci_low: float, ci_high: float) -> str | None:
    """"positive" / "negative" when the interval excludes zero on that side, "includes_zero" when it
    covers zero, None when a bound is not a finite number (no verdict on a non-finite interval)."""
    if ci_low is None or ci_high is None or not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return None
    if ci_low > 0:
        return "positive"
    if ci_high < 0:
        return "negative"
    return "includes_zero"


@dataclass(frozen=True)
class Change:
    """How a coefficient moves from a base analysis to an alternative (weighted, imputed, ...):
    `difference` (alternative - base), `relative` (difference / |base|, NaN at base 0), the two
    verdicts, and `code`: "sign_reversal" (both intervals exclude zero, on opposite sides),
    "verdict_change" (exactly one interval excludes zero), "same_verdict", or "no_verdict" (an
    interval is not finite)."""

    difference: float
    relative: float
    base_verdict: str | None
    alternative_verdict: str | None
    code: str


def change(base: tuple[float, float, float], alternative: tuple[float, float, float]) -> Change:
    """The `Change` from `base` to `alternative`, each (estimate, ci_low, ci_high)."""
    b, a = verdict(base[1], base[2]), verdict(alternative[1], alternative[2])
    difference = float(alternative[0] - base[0])
    relative = difference / abs(base[0]) if base[0] else float("nan")
    if b is None or a is None:
        code = "no_verdict"
    elif {b, a} == {"positive", "negative"}:
        code = "sign_reversal"
    elif (b == "includes_zero") != (a == "includes_zero"):
        code = "verdict_change"
    else:
        code = "same_verdict"
    return Change(difference, relative, b, a, code)


def largest_change(changes: Mapping[object, Change]):
    """The key of the change with the largest |difference| (a report mentions it), None if none is finite."""
    finite = {key: abs(c.difference) for key, c in changes.items() if np.isfinite(c.difference)}
    return max(finite, key=finite.get) if finite else None


def balanced(smd_after: Sequence[float]) -> bool:
    """Whether weighting balanced every covariate: |SMD| < `SMD_BALANCE` for all (NaN counts as not balanced)."""
    values = np.asarray(list(smd_after), dtype="float64")
    return bool(values.size and np.all(np.abs(values) < SMD_BALANCE))


# --- Monte Carlo error of bootstrap p-values ----------------------------------------------------------

def mc_error(p: float, B: int) -> float:
    """Monte Carlo standard error of a bootstrap p-value from `B` draws: sqrt(p (1 - p) / B)."""
    if B <= 0:
        raise ValueError("mc_error: B must be positive")
    return math.sqrt(p * (1 - p) / B)


def near_alpha(p: float, B: int, alpha: float = ALPHA) -> bool:
    """Whether a bootstrap p from `B` draws is within Monte Carlo error of `alpha`: |p - alpha| <=
    1.96 x sqrt(p (1 - p) / B) (its verdict could change with more draws)."""
    return bool(abs(p - alpha) <= MC_Z * mc_error(p, B))


def n_boot_needed(p: float, alpha: float = ALPHA) -> int | None:
    """The number of draws at which a p of this size is no longer within Monte Carlo error of
    `alpha`: the smallest B with 1.96 sqrt(p (1 - p) / B) < |p - alpha|; None at p == alpha."""
    gap = abs(p - alpha)
    if gap == 0:
        return None
    return int(math.floor(MC_Z ** 2 * p * (1 - p) / gap ** 2)) + 1


# --- finite-population correction -------------------------------------------------------------------

def needs_fpc(n: int, N: float | None) -> bool:
    """Whether a district's means and shares get the finite-population correction: N known and
    n / N > `FPC_FRACTION`."""
    return N is not None and np.isfinite(N) and N > 0 and n / N > FPC_FRACTION


# --- the specification curve's joint test ------------------------------------------------------------------
JOINT_STATISTICS = ("median", "share_significant", "stouffer_z")


def joint_verdict(pvalues: Mapping[str, float], B: int, alpha: float = ALPHA) -> str:
    """The joint test of a specification curve read as a whole (Simonsohn, Simmons & Nelson 2020 report
    three statistics: the median estimate, the share of significant estimates of the dominant sign and
    Stouffer's Z; reading the one that rejects while another does not would pick statistics):

    - "undecided" when any of the three bootstrap p-values lies within Monte Carlo error of `alpha`
      (`near_alpha`): more draws could change its side, so the report gives the draws needed;
    - "differs" when all three are below `alpha`;
    - "same" when none is;
    - "mixed" when they disagree, each decisively.
    A statistic whose p is missing (not finite) makes the verdict "undecided"."""
    ps = [pvalues.get(s) for s in JOINT_STATISTICS]
    if any(p is None or not np.isfinite(p) for p in ps):
        return "undecided"
    if any(near_alpha(float(p), B, alpha) for p in ps):
        return "undecided"
    below = [float(p) < alpha for p in ps]
    return "differs" if all(below) else "same" if not any(below) else "mixed"
