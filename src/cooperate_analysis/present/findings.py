"""Plain-language findings and readings of the regression reports (district and cross-district),
generated from the numbers.

Every number goes through `formatting` / `phrases` (decimal comma in Italian, a true minus, p-values
"< 0.001", intervals "[a, b]" / "[a; b]"); every sentence is a whole message of ``common.po``. Every
claim follows a rule of the analysis policy (`stats.policy`, issue 23), so a property test can check
it against the numbers it comes from (tests/test_readings.py):

- a confirmatory coefficient is read as positive / negative when its 95% interval excludes zero, and
  as surviving Holm's adjustment (the ``confirmatory`` family) when its Holm-adjusted p is below
  0.05; an interval that is not a finite number gets no verdict at all (`policy.verdict` is None);
- robustness (complete cases against post-stratification weights and multiple imputation) is the
  size of the change with both intervals (`policy.change`), never whether a result "survives": a
  change of sign only when both intervals exclude zero on opposite sides ("sign_reversal"), a change
  of verdict when exactly one does ("verdict_change"), no verdict when an interval is not finite
  ("no_verdict": then no sentence says that no coefficient changes verdict); the largest change of
  the report (`policy.largest_change`) is always named; point estimates of different sign whose
  intervals include zero differ only within noise;
- secondary results are read after their family's adjustment and named as findings only when the
  confirmatory family rejects at least once (`policy.secondary_readable`), else reported as
  exploratory (`present.secondary`, which also holds the IPW / AIPW and ordered-logit rules);
- differences between groups are given as a difference with its interval (the IPW / AIPW contrasts)
  or as a test of the difference itself (the districts' equal-slope Wald test), never as whether two
  intervals overlap (tests/test_readings.py checks that no generated sentence says "overlap").

Shared by the district and cross-district reports; it never imports a report kind.
"""
from __future__ import annotations

from ..data.codebook import load_codebook
from . import formatting as fmt
from . import phrases
from .i18n import N_, messages
from ..stats import policy
from .phrases import ALPHA, direction, finite
from .secondary import secondary_sentences

METHODS = ("complete", "weighted", "mice")

# --- the reading: one paragraph ------------------------------------------------------------------------------

READING_LEAD = N_("Each coefficient below is estimated holding firm size, export share and firm age fixed.")
READING = {
    "pos": N_("Firms with a higher CSR index report better {scale}: a full step of the index, from no practice to "
              "all practices, goes with {estimate} points on the 1-5 scale (95% CI {interval})."),
    "null": N_("The association of the CSR index with {scale} cannot be told apart from zero (estimate {estimate}, "
               "95% CI {interval})."),
    "neg": N_("Firms with a higher CSR index report worse {scale} (estimate {estimate}, 95% CI {interval})."),
    "na": N_("The coefficient on {scale} has no interval."),
}
READING_NONE = N_("None of the confirmatory regressions can be estimated with these data (see the reasons above).")
SYNTHETIC_ONE = N_("The data are synthetic: the numbers illustrate the method, not the real district.")
SYNTHETIC_MANY = N_("The data are synthetic: the numbers illustrate the method, not the real districts.")
NO_POWER = N_("The power of these tests could not be computed with so few firms.")
POWER = {
    "strong": N_("With this sample an association is detected with 80% probability only if its partial correlation "
                 "is at least {mde} (see the power table), so only strong associations can be detected (r of "
                 "{strong} or more in Cohen's terms)."),
    "moderate": N_("With this sample an association is detected with 80% probability only if its partial correlation "
                   "is at least {mde} (see the power table), so only moderate to strong associations can be detected "
                   "and weak ones (r around {weak}) would usually be missed."),
    "weak_missed": N_("With this sample an association is detected with 80% probability only if its partial "
                      "correlation is at least {mde} (see the power table), so moderate associations can be detected "
                      "but weak ones (r around {weak}) would often be missed."),
    "weak": N_("With this sample an association is detected with 80% probability only if its partial correlation is "
               "at least {mde} (see the power table), so weak associations (r around {weak}) can be detected as "
               "well."),
}


def power_sentence(mde_r: float | None, lang: str = "en") -> str:
    """What the sample can detect, from its minimum detectable partial r at 80% power (None: not
    computable). Cohen's benchmarks: r = .1 weak, .3 moderate, .5 strong."""
    _ = messages(lang)
    if not finite(mde_r):
        return _(NO_POWER)
    qual = "strong" if mde_r >= 0.5 else "moderate" if mde_r > 0.3 else "weak_missed" if mde_r > 0.1 else "weak"
    return _(POWER[qual], mde=fmt.number(mde_r, 2, lang), strong=fmt.number(0.5, 1, lang),
             weak=fmt.number(0.1, 1, lang))


def holm_sentence(p_holm, lang: str = "en") -> str:
    """How many confirmatory tests stay below 0.05 after Holm's adjustment, with the verb agreeing."""
    _ = messages(lang)
    p = [float(x) for x in p_holm]
    m, k = len(p), int(sum(x < ALPHA for x in p if finite(x)))
    if k == 0:
        return _.ngettext("After Holm's adjustment for {n} confirmatory test, none remains below {alpha}.",
                          "After Holm's adjustment for {n} confirmatory tests, none remains below {alpha}.", m,
                          alpha=phrases.alpha(lang))
    return _.ngettext("After Holm's adjustment for the confirmatory tests, {n} of {m} remains below {alpha}.",
                      "After Holm's adjustment for the confirmatory tests, {n} of {m} remain below {alpha}.", k,
                      m=fmt.integer(m, lang), alpha=phrases.alpha(lang))


def _limits(n: int, lang: str) -> str:
    _ = messages(lang)
    return _.ngettext("These are associations in one cross-section of self-reported answers from {n} firm: they do "
                      "not show that CSR causes competitiveness (better-performing firms may afford more CSR, and the "
                      "same respondent answers both blocks).",
                      "These are associations in one cross-section of self-reported answers from {n} firms: they do "
                      "not show that CSR causes competitiveness (better-performing firms may afford more CSR, and the "
                      "same respondent answers both blocks).", n)


def _missing_sentence(missing, lang: str, cb) -> str:
    _ = messages(lang)
    names = [phrases.scale_name(o, lang, cb) for o in missing]
    return _.ngettext("The regression on {scales} cannot be estimated with these data.",
                      "The regressions on {scales} cannot be estimated with these data.", len(names),
                      scales=phrases.join(names, lang))


def synthetic_sentence(lang: str, cross: bool) -> str:
    """The synthetic-data caveat of a reading: the real district, or the real districts (`cross`)."""
    return messages(lang)(SYNTHETIC_MANY if cross else SYNTHETIC_ONE)


# --- robustness: weights and imputation ---------------------------------------------------------------------


def _method_phrase(method: str, lang: str) -> str:
    """How an estimator is named inside a sentence ("on complete cases")."""
    _ = messages(lang)
    if method == "complete":
        return _.pgettext("estimator in a sentence", "on complete cases")
    if method == "weighted":
        return _.pgettext("estimator in a sentence", "when weighted to the population by size class")
    return _.pgettext("estimator in a sentence", "after multiple imputation of the missing answers")


FLIP = N_("The {scale} coefficient changes sign {method}: {b} {interval_b} against {a} {interval_a} on complete "
          "cases, a change of {difference}, both intervals excluding zero.")
LOSES = N_("The {scale} coefficient moves from {a} {interval_a} on complete cases to {b} {interval_b} {method}, a "
           "change of {difference}: its interval now includes zero, so the verdict changes.")
GAINS = N_("The {scale} coefficient moves from {a} {interval_a} on complete cases to {b} {interval_b} {method}, a "
           "change of {difference}: its interval now excludes zero, so the verdict changes.")
NO_VERDICT = N_("No verdict can be read from the {scale} coefficient {method} ({b}, a change of {difference} from {a} "
                "on complete cases): its 95% interval is not a finite number.")
NO_VERDICT_BASE = N_("No verdict can be read from the {scale} coefficient on complete cases ({a}): its 95% interval "
                     "is not a finite number, so no change of verdict is read {method} either.")
NOT_ESTIMATED = N_("The {scale} coefficient could not be estimated {method}, so no verdict can be read there.")
LARGEST = N_("The largest change between the analyses is that of the {scale} coefficient {method}: from {a} "
             "{interval_a} on complete cases to {b} {interval_b}, a change of {difference}.")
LARGEST_STATED = N_("Of all the coefficients, this change of the {scale} coefficient {method} ({difference}) is the "
                    "largest between the analyses.")
SAME = N_("With post-stratification weights and after multiple imputation no coefficient changes verdict (interval "
          "including or excluding zero).")
OTHERS_SAME = N_("The other coefficients keep their verdict (interval including or excluding zero) with "
                 "post-stratification weights and after multiple imputation.")
NOISE = N_("The {scale} estimates differ in sign ({values}) only within their confidence intervals, which is not a "
           "change of sign.")
ALTERNATIVES = ("weighted", "mice")


def sign_change(by_method: dict) -> tuple[str, str] | None:
    """The rule for a change of sign (`policy.change`, code "sign_reversal"): the complete-case
    interval and an alternative's both exclude zero, on opposite sides. Returns (complete, method),
    or None."""
    rows = {m: phrases.row(r) for m, r in by_method.items()}
    base = rows.get("complete")
    if base is None:
        return None
    for method in ALTERNATIVES:
        if method in rows and _change(base, rows[method]).code == "sign_reversal":
            return ("complete", method)
    return None


def _triple(r: dict) -> tuple[float, float, float]:
    value = lambda k: float(r[k]) if finite(r.get(k)) else float("nan")  # noqa: E731
    return value("estimate"), value("ci_low"), value("ci_high")


def _change(base: dict, alternative: dict) -> policy.Change:
    return policy.change(_triple(base), _triple(alternative))


def robustness_changes(robust: dict) -> dict:
    """{(outcome, method): `policy.Change`} from the complete-case coefficient to each alternative
    ('weighted', 'mice') whose estimate is a finite number."""
    out = {}
    for outcome, by_method in (robust or {}).items():
        rows = {m: phrases.row(r) for m, r in by_method.items()}
        base = rows.get("complete")
        if base is None or not finite(base.get("estimate")):
            continue
        for method in ALTERNATIVES:
            if method in rows and finite(rows[method].get("estimate")):
                out[(outcome, method)] = _change(base, rows[method])
    return out


def _number_list(values: list[str], lang: str) -> str:
    """Printed numbers side by side: ", " where the decimal mark is a point, "; " where it is a comma."""
    return ("; " if "," in fmt.number(0.5, 1, lang) else ", ").join(values)


def robustness_sentences(robust: dict, lang: str = "en", cb=None) -> list[str]:
    """What weighting and imputation do to each confirmatory coefficient (`robust[outcome][method]`: rows
    with estimate, ci_low, ci_high for 'complete', 'weighted', 'mice'), by `policy.change` from the
    complete-case coefficient to each alternative, always as the size of the change with both intervals:

    - "sign_reversal": a change of sign (both intervals exclude zero, on opposite sides);
    - "verdict_change": the interval now includes (or excludes) zero, so the verdict changes;
    - "no_verdict": an interval that is not a finite number, from which no verdict is read (never
      "no coefficient changes verdict" then); an alternative without an estimate says so;
    - "same_verdict": not stated one by one; one sentence says that no coefficient (or no other
      coefficient) changes verdict, only when every comparison of the report is of this kind or has
      already been stated;
    - the largest change (`policy.largest_change`) is always named, with both intervals unless its
      sentence above already gave them;
    - point estimates of different sign whose intervals include zero differ only within noise."""
    cb = cb or load_codebook()
    _ = messages(lang)
    est = lambda value: phrases.estimate(value, lang)  # noqa: E731
    ci = lambda r: phrases.interval(r["ci_low"], r["ci_high"], lang)  # noqa: E731
    changes = robustness_changes(robust)
    out, stated, same, unread = [], set(), 0, 0
    for outcome, by_method in robust.items():
        rows = {m: phrases.row(r) for m, r in by_method.items()}
        scale = phrases.scale_name(outcome, lang, cb)
        base = rows.get("complete")
        if base is None or not finite(base.get("estimate")):
            continue
        for method in ALTERNATIVES:
            if method not in rows:
                continue
            alt, where = rows[method], _method_phrase(method, lang)
            change = changes.get((outcome, method))
            if change is None:
                out.append(_(NOT_ESTIMATED, scale=scale, method=where))
                unread += 1
                continue
            args = dict(scale=scale, a=est(base["estimate"]), interval_a=ci(base), b=est(alt["estimate"]),
                        interval_b=ci(alt), method=where, difference=est(change.difference))
            if change.code == "same_verdict":
                same += 1
                continue
            stated.add((outcome, method))
            if change.code == "no_verdict":
                out.append(_(NO_VERDICT_BASE, **args) if change.base_verdict is None else _(NO_VERDICT, **args))
            elif change.code == "sign_reversal":
                out.append(_(FLIP, **args))
            elif change.alternative_verdict == "includes_zero":
                out.append(_(LOSES, **args))
            else:
                out.append(_(GAINS, **args))
        estimated = [r for r in rows.values() if finite(r.get("estimate"))]
        printed = [est(r["estimate"]) for r in estimated]
        sides = {direction(r.get("ci_low"), r.get("ci_high")) for r in estimated}
        if len({text[0] for text in printed if text != est(0.0)}) > 1 and not {"pos", "neg"} <= sides \
                and "na" not in sides:
            out.append(_(NOISE, scale=scale, values=_number_list(printed, lang)))
    largest = policy.largest_change(changes)
    if largest is not None:
        outcome, method = largest
        base, alt = (phrases.row(robust[outcome][m]) for m in ("complete", method))
        args = dict(scale=phrases.scale_name(outcome, lang, cb), method=_method_phrase(method, lang),
                    difference=est(changes[largest].difference))
        out.append(_(LARGEST_STATED, **args) if largest in stated else
                   _(LARGEST, a=est(base["estimate"]), interval_a=ci(base), b=est(alt["estimate"]), interval_b=ci(alt),
                     **args))
    if same and not stated and not unread:
        out.append(_(SAME))
    elif same:
        out.append(_(OTHERS_SAME))
    return out


# --- the reading ------------------------------------------------------------------------------------------------

def reading(fits: dict, term: str, synthetic: bool, lang: str = "en", p_holm=None, robust: dict | None = None,
            mde_r: float | None = None, missing: list[str] | tuple[str, ...] = (), grid=None, items=None,
            certification=None, het: dict | None = None, cross: bool = False, cb=None, balance=None) -> str:
    """One paragraph: direction and interval of each scale's coefficient, how many survive Holm's
    adjustment (`p_holm`, by outcome), what weighting and imputation do to them (`robustness_sentences`:
    sizes of the changes, verdicts by `policy.change`, the largest change), the secondary families
    (`secondary_sentences`: results after their family's adjustment, named as findings only when
    `policy.secondary_readable` of `p_holm`, else exploratory; the IPW / AIPW trimming, effective
    sample sizes and balance, with `balance` the `models.covariate_balance` result(s) that name the
    worst covariate), then the limits and what the sample can detect (`power_sentence` of `mde_r`).
    `fits` holds the estimable regressions; `missing` names the outcomes that could not be estimated;
    `cross`: the reading of the cross-district report."""
    cb = cb or load_codebook()
    _ = messages(lang)
    if not fits:
        return _(READING_NONE) + (" " + synthetic_sentence(lang, cross) if synthetic else "")
    n = max(fit.n for fit in fits.values())
    parts = [_(READING_LEAD)]
    for outcome, fit in fits.items():
        row = fit.term(term)
        parts.append(_(READING[direction(row["ci_low"], row["ci_high"])], scale=phrases.scale_name(outcome, lang, cb),
                       estimate=phrases.estimate(row["estimate"], lang),
                       interval=phrases.interval(row["ci_low"], row["ci_high"], lang)))
    if missing:
        parts.append(_missing_sentence(missing, lang, cb))
    if p_holm is not None:
        parts.append(holm_sentence(p_holm, lang))
    if robust:
        parts += robustness_sentences(robust, lang, cb)
    parts += secondary_sentences(grid, items, certification, het, lang, cb, readable=readable(p_holm, fits),
                                 balance=balance)
    parts += [_limits(n, lang), power_sentence(mde_r, lang)]
    if synthetic:
        parts.append(synthetic_sentence(lang, cross))
    return " ".join(p for p in parts if p)


# --- key findings ----------------------------------------------------------------------------------------------

ESTIMATE_FIRST = N_("{scale}: {estimate} points on the 1-5 scale for a full step of the CSR index (from no practice "
                    "to all practices), 95% CI {interval}, Holm-adjusted p {p}, n = {n}.")
ESTIMATE_NEXT = N_("{scale}: {estimate} points, 95% CI {interval}, Holm-adjusted p {p}, n = {n}.")
VERDICT = {  # (direction of the interval, Holm verdict: None when not stated)
    ("pos", None): N_("Firms with more CSR practices report better {scale}."),
    ("neg", None): N_("Firms with more CSR practices report worse {scale}."),
    ("null", None): N_("The association cannot be told apart from zero."),
    ("na", None): N_("No interval could be computed, so no verdict is read."),
}
FINDINGS_MISSING = N_("The regression on {scale} cannot be estimated with these data.")
FINDINGS_NONE = N_("None of the confirmatory regressions can be estimated with these data.")
FINDINGS_NO_POWER = N_("The power of the tests could not be computed with so few firms.")
FINDINGS_LIMITS = N_("These are associations in one cross-section of self-reported answers, not effects of CSR.")
FINDINGS_SYNTHETIC_ONE = N_("Synthetic data: the numbers are illustrative, not a finding about the real district.")
FINDINGS_SYNTHETIC_MANY = N_("Synthetic data: the numbers are illustrative, not a finding about the real districts.")


def _verdict_with_holm(kind: str, survives: bool, m: int, scale: str, lang: str) -> str:
    """The verdict of a confirmatory coefficient in words with Holm's verdict over its `m` tests."""
    _ = messages(lang)
    if kind == "pos" and survives:
        return _.ngettext("Firms with more CSR practices report better {scale}, and this survives Holm's adjustment "
                          "for {n} confirmatory test.",
                          "Firms with more CSR practices report better {scale}, and this survives Holm's adjustment "
                          "for {n} confirmatory tests.", m, scale=scale)
    if kind == "pos":
        return _.ngettext("Firms with more CSR practices report better {scale}, but this does not survive Holm's "
                          "adjustment for {n} confirmatory test.",
                          "Firms with more CSR practices report better {scale}, but this does not survive Holm's "
                          "adjustment for {n} confirmatory tests.", m, scale=scale)
    if kind == "neg" and survives:
        return _.ngettext("Firms with more CSR practices report worse {scale}, and this survives Holm's adjustment "
                          "for {n} confirmatory test.",
                          "Firms with more CSR practices report worse {scale}, and this survives Holm's adjustment "
                          "for {n} confirmatory tests.", m, scale=scale)
    if kind == "neg":
        return _.ngettext("Firms with more CSR practices report worse {scale}, but this does not survive Holm's "
                          "adjustment for {n} confirmatory test.",
                          "Firms with more CSR practices report worse {scale}, but this does not survive Holm's "
                          "adjustment for {n} confirmatory tests.", m, scale=scale)
    # an interval touching zero whose Holm p is below 0.05 (a non-finite interval gets no verdict: VERDICT "na")
    return _.ngettext("The association cannot be told apart from zero, although this survives Holm's adjustment "
                      "for {n} confirmatory test.",
                      "The association cannot be told apart from zero, although this survives Holm's adjustment "
                      "for {n} confirmatory tests.", m)


def _holm_by_outcome(p_holm, fits: dict) -> dict:
    """Holm-adjusted p by outcome from a `inference.holm` table, a Series/dict by outcome, or a list in
    the order of `fits`."""
    if p_holm is None:
        return {}
    if hasattr(p_holm, "columns"):
        return dict(zip(p_holm["hypothesis"], p_holm["p_adj"].astype(float)))
    if hasattr(p_holm, "items") and set(dict(p_holm.items())) <= set(fits):
        return {k: float(v) for k, v in p_holm.items()}
    return {o: float(p) for o, p in zip(fits, list(p_holm))}


def readable(p_holm, fits: dict) -> bool:
    """Whether the report's secondary results may be named as findings: `policy.secondary_readable` of
    the confirmatory Holm-adjusted p-values (`p_holm`: an `inference.holm` table, a mapping by outcome or
    a list in the order of `fits`); False without them (nothing confirmatory holds)."""
    return policy.secondary_readable(list(_holm_by_outcome(p_holm, fits).values()))


def confirmatory_sentences(fits: dict, term: str, p_holm=None, lang: str = "en", cb=None) -> list[str]:
    """One finding per confirmatory coefficient: estimate, 95% CI, Holm-adjusted p and n in numbers,
    then in words: its direction (from the interval) and whether it survives Holm (adjusted p < 0.05);
    no verdict, Holm's included, on an interval that is not finite."""
    cb = cb or load_codebook()
    _ = messages(lang)
    holm = _holm_by_outcome(p_holm, fits)
    out = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = direction(row["ci_low"], row["ci_high"])
        scale = phrases.scale_name(outcome, lang, cb)
        p = holm.get(outcome)
        if finite(p) and (kind in ("pos", "neg") or kind == "null" and p < ALPHA):
            verdict = _verdict_with_holm(kind, bool(p < ALPHA), len(holm), scale, lang)
        else:
            verdict = _(VERDICT[(kind, None)], scale=scale)
        numbers = _(ESTIMATE_NEXT if out else ESTIMATE_FIRST, scale=phrases.scale_title(outcome, lang, cb),
                    estimate=phrases.estimate(row["estimate"], lang),
                    interval=phrases.interval(row["ci_low"], row["ci_high"], lang),
                    p=phrases.p_text(p, lang) if finite(p) else fmt.MISSING, n=fmt.integer(fit.n, lang))
        out.append(f"{numbers} {verdict}")
    return out


def key_findings(fits: dict, term: str, p_holm, robust, mde_r, missing, synthetic: bool, lang: str, cb,
                 cross: bool, secondary: list[str]) -> list[str]:
    """The "Key findings" list shared by the regression reports: the confirmatory coefficients
    (`confirmatory_sentences`), the scores that could not be estimated, what weighting and imputation do
    (`robust`), the report's significant secondary results (`secondary`, already worded), what the
    sample can detect (`mde_r`), that these are associations, and the synthetic-data caveat (the real
    district, or the real districts with `cross`)."""
    _ = messages(lang)
    if not fits:
        out = [_(FINDINGS_NONE)]
    else:
        out = confirmatory_sentences(fits, term, p_holm, lang, cb)
        out += [_(FINDINGS_MISSING, scale=phrases.scale_name(o, lang, cb)) for o in missing]
        if robust:
            out += robustness_sentences(robust, lang, cb)
        out += [s for s in secondary if s]
        n = max(fit.n for fit in fits.values())
        out.append(_.ngettext("With {n} firm in the model, an association is detected with 80% probability only if "
                              "its partial correlation is at least {mde}.",
                              "With {n} firms in the model, an association is detected with 80% probability only if "
                              "its partial correlation is at least {mde}.", n, mde=fmt.number(mde_r, 2, lang))
                   if finite(mde_r) else _(FINDINGS_NO_POWER))
        out.append(_(FINDINGS_LIMITS))
    if synthetic:
        out.append(_(FINDINGS_SYNTHETIC_MANY if cross else FINDINGS_SYNTHETIC_ONE))
    return out
