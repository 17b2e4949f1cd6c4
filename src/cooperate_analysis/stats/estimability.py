"""What each analysis needs of the data, checked before it runs (issue 14).

Every check returns a `Check`: `ok`, and when not, the reasons (`Reason`, a code with its numbers,
worded in English and Italian by `Reason.text`). The notebooks run an analysis only when its check
passes; otherwise the section says why (`present.reasons.check_text`) and the results file records
the reason codes as a string (`Check.record_value()`), never NaN.

Minimum-size rules (README, "What the reports contain"):
- **Regression (OLS / WLS, HC3 or HC1)**: outcome and exposure vary, and at least
  `MIN_RESIDUAL_DF` = 10 residual degrees of freedom, n - k >= 10 with k the estimated
  coefficients (constant included) [ours]. HC3 was studied down to n = 25 (Long & Ervin 2000,
  methods.md §2.4); below that the coefficient is reported with a caution (`Check.caution`).
- **Ordered logit**: the same, with k counting the cut-points, and at least two observed answer
  categories.
- **Treatment comparison (IPW / AIPW of certification)**: both groups present with at least
  `MIN_GROUP` = 10 firms each, and each group at least k + 5 firms, as AIPW fits the outcome model
  (k coefficients) within each group [ours].
- **Power / minimum detectable effect**: the regression rule (df_denom = n - k >= 10).
- **Factor analysis (EFA, CFA, Harman)**: every item varies and at least 5 firms per item [ours];
  for Harman's check on outcome and CSR practice items together (a principal component), n >= items.
- **Reliability (alpha)**: at least 3 firms answering every item, and every item varies.
- **Specification curve**: a specification is estimable when its fit gives a finite estimate; the
  joint test runs over the estimable linear specifications only and needs at least one.
- **Adoption models (fractional logit, OLS, logit of a certification; issue 16)**: no version-2
  block of their variables absent ('the survey has no "<block>" questions (codebook version 1)'),
  outcome and every regressor vary, at least `MIN_BINARY_LEVEL` = 3 firms at each value of a 0/1
  regressor [ours], the regression rule, and for a logit at least `MIN_EVENTS` = 5 firms with and
  without the outcome [ours] (Firth's method, `stats.adoption.FIRTH_RULE`, deals
  with separation, not with a near-empty class).
- **Friedman test / Kendall's W**: the block present, at least `MIN_RANKING_N` = 5 firms answering
  every item [ours], and not every firm giving all items the same answer.
- **Descriptive tables of version-2 blocks** (channel shares, Likert summaries): the block present.
- **Issue 23** (the analysis policy, `stats.policy`, declares every rule with its source): a logit
  needs `MIN_EPV` = 5 firms in the rarer class per coefficient other than the intercept
  (`epv_rule`, reason "few_epv"); a moderation `MIN_PER_MODERATOR_LEVEL` = 10 firms at each value of
  the moderator ("few_level"); the fractional logit `MIN_SANDWICH_N` = 25 firms ("small_n");
  reliability `MIN_ALPHA_N` = 20 complete firms ("few_complete"); IPW / AIPW a Kish effective sample
  size of `stats.policy.MIN_ESS` in each weighted group (`ess_rule`, "few_ess"). Reason codes
  without an English template here are recorded as their code and values (`Check.record_value`).
"""
from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_RESIDUAL_DF = 10  # n - k for a regression [ours]
HC3_MIN_N = 25  # Long & Ervin 2000 (methods.md §2.4): HC3 studied down to n = 25
MIN_GROUP = 10  # firms in each group of a treatment comparison [ours]
GROUP_MARGIN = 5  # AIPW: firms beyond the outcome model's k in each group [ours]
PER_ITEM = 5  # factor analysis: firms per item [ours]
NOT_ESTIMABLE = "not estimable"
# issue 23 (declared with their sources in stats.policy):
MIN_EPV = 5  # logit (ML or Firth): rarer class per coefficient other than the intercept (Vittinghoff & McCulloch 2007)
MIN_PER_MODERATOR_LEVEL = 10  # moderation: firms at each value of the 0/1 moderator [ours]
MIN_SANDWICH_N = 25  # fractional logit (quasi-likelihood, sandwich covariance): firms [ours; Long & Ervin's HC3 floor]
MIN_ALPHA_N = 20  # reliability (alpha): firms answering every item [ours]

@dataclass(frozen=True, eq=True)
class Reason:
    """Why an analysis cannot run: a code and its numbers (`name`: a variable; `group`: a district or a
    treatment group; `block`: a codebook block). The statistics layer holds no sentences: the reports
    word a reason from the message catalogs (`present.reasons`)."""

    code: str
    values: dict = field(default_factory=dict)

    def record(self) -> str:
        """The reason as a results file records it: its code and values ("few_df(n=12, k=8, df=4,
        min=10)"), the same in every language."""
        values = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return f"{self.code}({values})"


@dataclass(frozen=True)
class Check:
    """The verdict of a check: `ok`, the `reasons` it is not, and `caution` notes that do not stop it."""

    reasons: tuple[Reason, ...] = ()
    caution: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.ok

    def __add__(self, other: "Check") -> "Check":
        return Check(_unique(self.reasons + other.reasons), _unique(self.caution + other.caution))

    def record_value(self) -> str:
        """The string a results file records in place of the analysis' numbers: the reasons' codes and
        values ("not estimable: few_df(n=12, k=8, df=4, min=10)"; a failed estimation carries its error
        as `detail`)."""
        return f"{NOT_ESTIMABLE}: " + "; ".join(r.record() for r in self.reasons)


def _unique(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for reason in reasons:
        if reason not in out:
            out.append(reason)
    return tuple(out)


def combine(checks: Iterable[Check]) -> Check:
    out = Check()
    for check in checks:
        out = out + check
    return out


def failed(error: BaseException) -> Check:
    """A check for an estimation that raised: the error's message without machine paths."""
    return Check((Reason("failed", {"detail": scrub(str(error))[:200] or type(error).__name__}),))


# --- checks ----------------------------------------------------------------------------------------

def _varies(values: pd.Series) -> bool:
    return values.dropna().nunique() > 1


def _columns(df: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    return df[list(dict.fromkeys(names))]


def n_parameters(df: pd.DataFrame, regressors: Sequence[str], fixed_effects: Sequence[str] = ()) -> int:
    """Coefficients of a linear model: constant, one per regressor, levels - 1 per fixed effect."""
    levels = sum(max(df[fe].dropna().nunique() - 1, 0) for fe in fixed_effects)
    return 1 + len(regressors) + levels


def regression(df: pd.DataFrame, outcome: str, exposure: str, controls: Sequence[str] = (),
               fixed_effects: Sequence[str] | str | None = None, extra_parameters: int = 0) -> Check:
    """OLS of `outcome` on `exposure` + `controls` (+ fixed effects) on complete cases: outcome and
    exposure vary, and n - k >= MIN_RESIDUAL_DF (k coefficients, plus `extra_parameters`, e.g.
    cut-points); caution below HC3_MIN_N firms."""
    fes = [fixed_effects] if isinstance(fixed_effects, str) else list(fixed_effects or [])
    data = _columns(df, [outcome, exposure, *controls, *fes]).dropna()
    if data.empty:
        return Check((Reason("no_firms"),))
    reasons = [Reason("constant", {"name": v}) for v in (outcome, exposure, *controls) if not _varies(data[v])
               and v in (outcome, exposure)]
    k = n_parameters(data, [exposure, *controls], fes) + extra_parameters
    n = len(data)
    if n - k < MIN_RESIDUAL_DF:
        reasons.append(Reason("few_df", {"n": n, "k": k, "df": n - k, "min": MIN_RESIDUAL_DF}))
    caution = (Reason("caution", {"n": n}),) if n < HC3_MIN_N and not reasons else ()
    return Check(tuple(reasons), caution)


def heterogeneity(df: pd.DataFrame, outcome: str, exposure: str, controls: Sequence[str] = (),
                  group: str = "district") -> Check:
    """Pooled OLS with exposure x group interactions: the regression rule with the interactions
    counted, at least two groups, and the exposure varying within every group."""
    data = _columns(df, [outcome, exposure, *controls, group]).dropna()
    groups = data[group].astype(str).unique() if len(data) else []
    check = regression(df, outcome, exposure, controls, group, extra_parameters=max(len(groups) - 1, 0))
    reasons = list(check.reasons)
    if len(groups) < 2:
        reasons.append(Reason("few_groups", {"count": len(groups)}))
    reasons += [Reason("constant_in", {"name": exposure, "group": g}) for g in sorted(groups)
                if not _varies(data.loc[data[group].astype(str) == g, exposure])]
    return Check(_unique(tuple(reasons)), check.caution)


def ordered(df: pd.DataFrame, item: str, exposure: str, controls: Sequence[str] = (),
            fixed_effects: Sequence[str] | str | None = None) -> Check:
    """Ordered logit of `item`: two or more observed categories, and the regression rule with the
    cut-points counted (the model has no constant: k = regressors + categories - 1)."""
    observed = df[item].dropna()
    levels = observed.nunique()
    if levels < 2:
        return Check((Reason("categories", {"name": item}),))
    check = regression(df.assign(**{item: pd.Series(pd.factorize(df[item])[0], index=df.index)
                                    .where(df[item].notna())}),
                       item, exposure, controls, fixed_effects, extra_parameters=levels - 2)
    return Check(check.reasons)  # likelihood-based: no HC3 caution


def treatment(df: pd.DataFrame, outcome: str, treatment: str, controls: Sequence[str] = (),
              fixed_effects: Sequence[str] | str | None = None) -> Check:
    """IPW / AIPW of a 0/1 `treatment`: both groups present, at least MIN_GROUP firms each and
    k + GROUP_MARGIN firms each (the outcome model of AIPW is fitted within each group), both
    groups in every level of the fixed effects (overlap: a district without certified firms has
    propensity 0); the outcome varies."""
    fes = [fixed_effects] if isinstance(fixed_effects, str) else list(fixed_effects or [])
    data = _columns(df, [outcome, treatment, *controls, *fes]).dropna()
    if data.empty:
        return Check((Reason("no_firms"),))
    reasons = [] if _varies(data[outcome]) else [Reason("constant", {"name": outcome})]
    need = max(MIN_GROUP, n_parameters(data, list(controls), fes) + GROUP_MARGIN)
    for value, group in ((1, "certified"), (0, "uncertified")):
        count = int((data[treatment].astype("float64") == value).sum())
        if count == 0:
            reasons.append(Reason("group_missing", {"group": group}))
        elif count < need:
            reasons.append(Reason("group_small", {"count": count, "group": group, "min": need}))
    if not reasons:  # overlap: with fixed effects, both groups in every level (else the propensity is 0 or 1)
        for fe in fes:
            for level, part in data.groupby(fe, observed=True):
                for value, group in ((1, "certified"), (0, "uncertified")):
                    if not (part[treatment].astype("float64") == value).any():
                        reasons.append(Reason("group_missing_in", {"group": group, "where": str(level)}))
    return Check(tuple(reasons))


def power(n: int, n_regressors: int) -> Check:
    """A power / minimum-detectable-effect computation: df_denom = n - n_regressors - 1 >= MIN_RESIDUAL_DF."""
    k = n_regressors + 1
    if n - k < MIN_RESIDUAL_DF:
        return Check((Reason("few_df", {"n": int(n), "k": k, "df": int(n - k), "min": MIN_RESIDUAL_DF}),))
    return Check()


def items(df: pd.DataFrame, columns: Sequence[str], per_item: int = PER_ITEM) -> Check:
    """Factor analysis of `columns`: every item varies, and at least `per_item` complete firms per item."""
    data = _columns(df, columns).astype("float64").dropna()
    reasons = [Reason("constant", {"name": c}) for c in columns if not _varies(data[c])] if len(data) else []
    need = per_item * len(columns)
    if len(data) < need:
        reasons.append(Reason("per_item", {"n": len(data), "k": len(columns), "min": need, "per": per_item}))
    return Check(tuple(reasons))


def scale(df: pd.DataFrame, columns: Sequence[str], min_n: int = MIN_ALPHA_N) -> Check:
    """Reliability of a scale: at least `min_n` complete firms (MIN_ALPHA_N = 20 by default, issue 23;
    `stats.policy`) and a total score that varies."""
    data = _columns(df, columns).astype("float64").dropna()
    if len(data) < min_n:
        return Check((Reason("few_complete", {"n": len(data), "min": min_n}),))
    return Check(tuple(Reason("constant", {"name": c}) for c in columns if not _varies(data[c])))


# --- adoption models and the channel analyses (issue 16) -------------------------------------------

MIN_EVENTS = 5  # logit: firms in each outcome class [ours]
MIN_BINARY_LEVEL = 3  # adoption models: firms at each value of a 0/1 regressor [ours]
MIN_RANKING_N = 5  # Friedman test: firms answering every item [ours]


def epv_rule(events: int, predictors: int, min_epv: float = MIN_EPV, name: str = "") -> Check:
    """Events per variable of a logit: `events` (firms in the rarer outcome class) / `predictors`
    (coefficients other than the intercept) >= `min_epv`. Reason code "few_epv" with count (events),
    k (predictors), epv (rounded to 2 decimals), min (the EPV floor), need (the events needed) and
    name (the outcome)."""
    if predictors <= 0 or events >= min_epv * predictors:
        return Check()
    return Check((Reason("few_epv", {"count": int(events), "k": int(predictors), "epv": round(events / predictors, 2),
                                     "min": min_epv, "need": int(math.ceil(min_epv * predictors)), "name": name}),))


def ess_rule(ess: dict, min_ess: float) -> Check:
    """Kish's effective sample size of each weighted group ({group: ess}) >= `min_ess`. Reason code
    "few_ess" with group, ess (rounded to 1 decimal) and min."""
    return Check(tuple(Reason("few_ess", {"group": group, "ess": round(float(value), 1), "min": min_ess})
                       for group, value in ess.items() if not value >= min_ess))


def level_counts(data: pd.DataFrame, names: Sequence[str]) -> dict[str, dict[int, int]]:
    """{name: {1: firms, 0: firms}} for each 0/1 column of `names` that varies in `data`."""
    out = {}
    for v in names:
        values = data[v].astype("float64")
        if _varies(values) and set(values.unique()) <= {0.0, 1.0}:
            out[v] = {level: int((values == level).sum()) for level in (1, 0)}
    return out
DERIVED_BLOCKS = {  # derived variables of data.derived -> the codebook block they come from
    "association_member": "channels", "intermediary_support": "channels", "support_count": "channels",
    "network_member": "channels", "informal_exchange": "channels", "joint_initiatives": "channels",
    "district_activities": "channels", "channels_used": "channels", "csr_awareness": "awareness",
}


def block_of(name: str, cb=None) -> str | None:
    """The version-2 block a variable belongs to (codebook `block` of a variable with since >= 2, or
    the block a derived channel / awareness variable comes from); None for version-1 variables."""
    if name in DERIVED_BLOCKS:
        return DERIVED_BLOCKS[name]
    if cb is None:
        from ..data.codebook import load_codebook

        cb = load_codebook()
    try:
        variable = cb[name]
    except KeyError:
        return None
    return getattr(variable, "block", None) if getattr(variable, "since", 1) >= 2 else None


def absent_blocks(df: pd.DataFrame, names: Sequence[str], cb=None) -> Check:
    """Reasons for the version-2 blocks whose variables among `names` are all missing (a version-1
    survey: validation added its absent columns as all-missing ones): 'the survey has no "<block>"
    questions (codebook version 1)'. A column absent from `df` counts as all missing."""
    blocks = []
    for name in names:
        block = block_of(name, cb)
        if block and (name not in df.columns or df[name].isna().all()) and block not in blocks:
            blocks.append(block)
    return Check(tuple(Reason("no_block", {"block": b}) for b in blocks))


def adoption(df: pd.DataFrame, outcome: str, regressors: Sequence[str],
             fixed_effects: Sequence[str] | str | None = None, binary: bool = False, cb=None,
             min_n: int = 0) -> Check:
    """An adoption model (`stats.adoption`: fractional logit or OLS of the CSR index, logit of a
    certification): no version-2 block of its variables absent; on complete cases the outcome and
    every regressor vary (a constant regressor makes the information matrix singular), and a 0/1
    regressor has at least MIN_BINARY_LEVEL firms at each value; the regression rule
    n - k >= MIN_RESIDUAL_DF; for a 0/1 outcome (`binary`) at least MIN_EVENTS firms in each class
    (Firth's method handles separation, not a near-empty class) and at least MIN_EPV firms in the
    rarer class per coefficient other than the intercept ("few_epv", issue 23; `stats.policy`);
    `min_n`: the firms a model needs (MIN_SANDWICH_N for the fractional logit, reason "small_n").
    Caution below HC3_MIN_N firms for the HC3 models.

    MIN_BINARY_LEVEL: a 0/1 regressor that one or two firms have gives them a leverage near 1, and
    HC3 (which divides their scores by (1 - h)^2) becomes erratic. In a Monte Carlo of the default
    design (300 surveys, seeds 12000-12299) the per-district fractional-logit AME intervals of the
    clothing district, where about 15% of ~32 firms are network members, covered the pseudo-truth
    88.7% of the time over all surveys and 95.0% over those with at least 3 firms at each value of
    every 0/1 regressor (the other districts: 95.4% and 95.5% either way)."""
    fes = [fixed_effects] if isinstance(fixed_effects, str) else list(fixed_effects or [])
    absent = absent_blocks(df, [outcome, *regressors], cb)
    if not absent:
        return absent
    data = _columns(df, [outcome, *regressors, *fes]).dropna()
    if data.empty:
        return Check((Reason("no_firms"),))
    reasons = [Reason("constant", {"name": v}) for v in (outcome, *regressors) if not _varies(data[v])]
    for v in regressors:
        values = data[v].astype("float64")
        if _varies(values) and set(values.unique()) <= {0.0, 1.0}:
            for level in (1, 0):
                count = int((values == level).sum())
                if count < MIN_BINARY_LEVEL:
                    reasons.append(Reason("few_level", {"count": count, "name": v, "value": level,
                                                        "min": MIN_BINARY_LEVEL}))
    k = n_parameters(data, list(regressors), fes)
    n = len(data)
    if n - k < MIN_RESIDUAL_DF:
        reasons.append(Reason("few_df", {"n": n, "k": k, "df": n - k, "min": MIN_RESIDUAL_DF}))
    if binary and _varies(data[outcome]):
        events = int((data[outcome].astype("float64") == 1).sum())
        rarer = min(events, n - events)
        if rarer < MIN_EVENTS:
            reasons.append(Reason("few_events", {"count": rarer, "name": outcome, "min": MIN_EVENTS}))
        reasons += epv_rule(rarer, k - 1, MIN_EPV, outcome).reasons
    if n < min_n:
        reasons.append(Reason("small_n", {"n": n, "min": min_n}))
    caution = (Reason("caution", {"n": n}),) if n < HC3_MIN_N and not reasons and not binary else ()
    return Check(tuple(reasons), caution)


def moderation(df: pd.DataFrame, outcome: str, exposure: str, moderator: str, controls: Sequence[str] = (),
               fixed_effects: Sequence[str] | str | None = None, cb=None) -> Check:
    """`stats.adoption.network_moderation` (OLS of outcome on exposure x moderator): the moderator's
    block present, the regression rule with the moderator and the interaction counted, the
    moderator (0/1) varying, and at least MIN_PER_MODERATOR_LEVEL firms at each of its values
    (reason "few_level"; issue 23)."""
    absent = absent_blocks(df, [outcome, exposure, moderator, *controls], cb)
    if not absent:
        return absent
    check = regression(df, outcome, exposure, [*controls, moderator], fixed_effects, extra_parameters=1)
    fes = [fixed_effects] if isinstance(fixed_effects, str) else list(fixed_effects or [])
    data = _columns(df, [outcome, exposure, moderator, *controls, *fes]).dropna()
    reasons = list(check.reasons)
    if len(data) and not _varies(data[moderator]):
        reasons.append(Reason("constant", {"name": moderator}))
    for value, count in level_counts(data, [moderator]).get(moderator, {}).items():
        if count < MIN_PER_MODERATOR_LEVEL:  # the slope within a level rests on that level's firms (issue 23)
            reasons.append(Reason("few_level", {"count": count, "name": moderator, "value": value,
                                                "min": MIN_PER_MODERATOR_LEVEL}))
    return Check(_unique(tuple(reasons)), check.caution if not reasons else ())


def ranking(df: pd.DataFrame, items: Sequence[str], cb=None) -> Check:
    """A Friedman test / Kendall's W over `items`: their block present, at least MIN_RANKING_N firms
    answering every item, and not every firm answering all items alike (the statistic is 0 / 0)."""
    absent = absent_blocks(df, items, cb)
    if not absent:
        return absent
    data = _columns(df, items).astype("float64").dropna()
    if len(data) < MIN_RANKING_N:
        return Check((Reason("few_complete", {"n": len(data), "min": MIN_RANKING_N}),))
    if (data.nunique(axis=1) == 1).all():
        return Check((Reason("all_tied"),))
    return Check()


def answers(df: pd.DataFrame, columns: Sequence[str], cb=None) -> Check:
    """A descriptive table of `columns` (channel shares, Likert summaries): their block present and
    at least one firm answering one of them."""
    absent = absent_blocks(df, columns, cb)
    if not absent:
        return absent
    if _columns(df, columns).isna().all().all():
        return Check((Reason("no_firms"),))
    return Check()


def curve(curve: pd.DataFrame) -> Check:
    """A specification curve: at least one estimable specification."""
    if curve["estimate"].notna().any():
        return Check()
    return Check((Reason("no_specs", {"k": len(curve)}),))


def joint(curve: pd.DataFrame) -> Check:
    """The joint test: at least one estimable linear specification."""
    linear = curve[curve["model"] == "ols"]
    return Check() if linear["estimate"].notna().any() else Check((Reason("no_linear"),))


# --- results without NaN -----------------------------------------------------------------------------

def finite_or(value, reason: str):
    """`value` if it is a finite number (or not a number at all), else `reason` (a string for the
    results file, never NaN)."""
    if isinstance(value, (bool, str)) or value is None:
        return reason if value is None else value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return value if math.isfinite(number) else reason


def fill(table: pd.DataFrame, columns: Sequence[str], reason: str | pd.Series) -> pd.DataFrame:
    """`table` with non-finite numbers of `columns` replaced by `reason` (one string, or a Series of
    per-row reasons aligned with `table`)."""
    out = table.copy()
    for c in columns:
        values = out[c].astype(object)
        missing = ~np.isfinite(pd.to_numeric(out[c], errors="coerce").astype("float64"))
        replacement = reason if isinstance(reason, str) else reason.where(reason.astype(bool), NOT_ESTIMABLE)
        out[c] = values.where(~missing, replacement if isinstance(replacement, str) else replacement.astype(object))
    return out


# --- warnings: captured, summarised, never printed raw ---------------------------------------------

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.@+~-]+)+[/\\]?(?:\.py)?(?::\d+)?")


def scrub(text: str) -> str:
    """`text` without absolute paths of the machine (file paths become '<path>'), on one line."""
    return " ".join(_PATH.sub("<path>", str(text)).split())


@dataclass
class Diagnostics:
    """Library warnings captured around the analyses, one short line per distinct warning.

    `capture(analysis)` records the warnings raised inside it under the analysis' name (they are
    not printed); `notes(analysis)` gives them back as short texts without machine paths, for the
    report where they matter; `install()` routes any warning outside a capture to the same list
    (under "other"), so that none is printed raw into a notebook's output.
    """

    records: dict = field(default_factory=dict)  # analysis -> {(category, message): count}

    def _add(self, analysis: str, category: type, message) -> None:
        key = (category.__name__, scrub(message))
        bucket = self.records.setdefault(analysis, {})
        bucket[key] = bucket.get(key, 0) + 1

    @contextmanager
    def capture(self, analysis: str):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            np_state = np.seterr(all="ignore")
            try:
                yield self
            finally:
                np.seterr(**np_state)
                for w in caught:
                    self._add(analysis, w.category, w.message)

    def install(self) -> None:
        """Route every warning shown outside `capture` to `records["other"]` instead of stderr."""
        def show(message, category, filename, lineno, file=None, line=None):
            self._add("other", category, message)

        warnings.showwarning = show

    def kinds(self, analysis: str) -> dict[str, int]:
        """How many warnings of each kind (`WARNING_KINDS`) `analysis` raised."""
        out: dict[str, int] = {}
        for (category, _), count in self.records.get(analysis, {}).items():
            kind = WARNING_KINDS.get(category, "other")
            if kind:
                out[kind] = out.get(kind, 0) + count
        return out

    def messages(self, analysis: str, limit: int = 5) -> list[str]:
        """Up to `limit` distinct library messages of `analysis`, without machine paths."""
        return [message[:200] for (_, message) in list(self.records.get(analysis, {}))[:limit]]


WARNING_KINDS = {  # warning class -> kind shown in the report ('' = not shown)
    "ConvergenceWarning": "convergence", "PerfectSeparationWarning": "separation",
    "HessianInversionWarning": "singular", "IterationLimitWarning": "convergence",
    "RuntimeWarning": "numerical", "LinAlgWarning": "singular", "UserWarning": "other",
    "FutureWarning": "", "DeprecationWarning": "", "PendingDeprecationWarning": "",
}
