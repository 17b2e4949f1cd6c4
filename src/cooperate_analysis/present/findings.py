"""Plain-language findings and readings of the regression reports (district and cross-district),
generated from the numbers.

Every number goes through `formatting` / `phrases` (decimal comma in Italian, a true minus, p-values
"< 0.001", intervals "[a, b]" / "[a; b]"); every sentence is a whole message of ``common.po``. Every
claim follows a stated rule, so a property test can check it against the numbers it comes from
(tests/test_readings.py):

- a confirmatory coefficient is read as positive / negative when its 95% interval excludes zero,
  and as surviving Holm's adjustment when its Holm-adjusted p is below 0.05;
- a secondary result is called significant when its adjusted p (the table's `p_adj`, else the
  adjustment named in the sentence) is below 0.05 (`present.secondary`);
- a coefficient "changes sign" between estimators (complete cases, post-stratification weights,
  multiple imputation) only when two of its 95% intervals exclude zero on opposite sides; point
  estimates of different sign whose intervals overlap zero are said to differ only within noise;
- it "loses" (or "gains") significance when its interval excludes zero on complete cases but not
  under the other estimator (or the reverse).

Shared by the district and cross-district reports; it never imports a report kind.
"""
from __future__ import annotations

from ..data.codebook import load_codebook
from . import formatting as fmt
from . import phrases
from .i18n import N_, messages
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


LOSES = {
    ("weighted", False): N_("The {scale} coefficient, {a} {interval_a} on complete cases, becomes {b} {interval_b} "
                            "{method}, an interval that includes zero: this result does not survive weighting."),
    ("weighted", True): N_("The {scale} coefficient, {a} {interval_a} on complete cases, becomes {b} {interval_b} "
                           "(about half) {method}, an interval that includes zero: this result does not survive "
                           "weighting."),
    ("mice", False): N_("The {scale} coefficient, {a} {interval_a} on complete cases, becomes {b} {interval_b} "
                        "{method}, an interval that includes zero: this result does not survive imputation."),
    ("mice", True): N_("The {scale} coefficient, {a} {interval_a} on complete cases, becomes {b} {interval_b} "
                       "(about half) {method}, an interval that includes zero: this result does not survive "
                       "imputation."),
}
FLIP = N_("The {scale} coefficient changes sign: {a} {interval_a} {method_a} against {b} {interval_b} {method_b}, "
          "both intervals excluding zero.")
GAINS = N_("The {scale} coefficient, not distinguishable from zero on complete cases ({a} {interval_a}), becomes "
           "{b} {interval_b} {method}, an interval that excludes zero.")
NOISE = N_("The {scale} estimates differ in sign ({values}) only within their confidence intervals, which is not a "
           "change of sign.")
SAME = N_("With post-stratification weights and after multiple imputation no coefficient changes verdict (interval "
          "including or excluding zero) and none changes sign beyond noise.")


def sign_change(by_method: dict) -> tuple[str, str] | None:
    """The rule for a change of sign: two estimators whose 95% intervals both exclude zero, on opposite
    sides. Returns the pair of methods (positive first), or None."""
    rows = {m: phrases.row(r) for m, r in by_method.items()}
    pos = [m for m, r in rows.items() if direction(r.get("ci_low"), r.get("ci_high")) == "pos"]
    neg = [m for m, r in rows.items() if direction(r.get("ci_low"), r.get("ci_high")) == "neg"]
    return (pos[0], neg[0]) if pos and neg else None


def _number_list(values: list[str], lang: str) -> str:
    """Printed numbers side by side: ", " where the decimal mark is a point, "; " where it is a comma."""
    return ("; " if "," in fmt.number(0.5, 1, lang) else ", ").join(values)


def robustness_sentences(robust: dict, lang: str = "en", cb=None) -> list[str]:
    """What weighting and imputation do to each confirmatory coefficient (`robust[outcome][method]`: rows
    with estimate, ci_low, ci_high for 'complete', 'weighted', 'mice'): a change of sign (`sign_change`),
    a result that loses or gains an interval excluding zero, point signs that differ only within noise;
    one sentence saying nothing changes when that is so."""
    cb = cb or load_codebook()
    _ = messages(lang)
    est = lambda value: phrases.estimate(value, lang)  # noqa: E731
    ci = lambda r: phrases.interval(r["ci_low"], r["ci_high"], lang)  # noqa: E731
    out = []
    for outcome, by_method in robust.items():
        rows = {m: phrases.row(r) for m, r in by_method.items()}
        scale = phrases.scale_name(outcome, lang, cb)
        flip = sign_change(rows)
        if flip:
            a, b = rows[flip[0]], rows[flip[1]]
            out.append(_(FLIP, scale=scale, a=est(a["estimate"]), interval_a=ci(a), method_a=_method_phrase(flip[0], lang),
                         b=est(b["estimate"]), interval_b=ci(b), method_b=_method_phrase(flip[1], lang)))
            continue
        base = rows.get("complete")
        if base is None:
            continue
        d0 = direction(base.get("ci_low"), base.get("ci_high"))
        for method in [m for m in rows if m != "complete"]:
            alt = rows[method]
            d1 = direction(alt.get("ci_low"), alt.get("ci_high"))
            if "na" in (d0, d1) or not finite(alt.get("estimate")):
                continue
            args = dict(scale=scale, a=est(base["estimate"]), interval_a=ci(base), b=est(alt["estimate"]),
                        interval_b=ci(alt), method=_method_phrase(method, lang))
            if d0 in ("pos", "neg") and d1 == "null" and method in ("weighted", "mice"):
                ratio = float(alt["estimate"]) / float(base["estimate"])
                out.append(_(LOSES[(method, 0.35 <= ratio <= 0.65)], **args))
            elif d0 == "null" and d1 in ("pos", "neg"):
                out.append(_(GAINS, **args))
        printed = [est(r["estimate"]) for r in rows.values() if finite(r.get("estimate"))]
        if len({text[0] for text in printed if text != est(0.0)}) > 1:
            out.append(_(NOISE, scale=scale, values=_number_list(printed, lang)))
    return out or [_(SAME)]


# --- the reading ------------------------------------------------------------------------------------------------

def reading(fits: dict, term: str, synthetic: bool, lang: str = "en", p_holm=None, robust: dict | None = None,
            mde_r: float | None = None, missing: list[str] | tuple[str, ...] = (), grid=None, items=None,
            certification=None, het: dict | None = None, cross: bool = False, cb=None) -> str:
    """One paragraph: direction and interval of each scale's coefficient, how many survive Holm's
    adjustment (`p_holm`, by outcome), what weighting and imputation do to them (`robustness_sentences`:
    a change of sign only beyond noise), the secondary families (`secondary_sentences`: significant
    results named, or that there are none), then the limits and what the sample can detect
    (`power_sentence` of `mde_r`). `fits` holds the estimable regressions; `missing` names the
    outcomes that could not be estimated; `cross`: the reading of the cross-district report."""
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
    parts += secondary_sentences(grid, items, certification, het, lang, cb)
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
    ("na", None): N_("No interval could be computed."),
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
    if kind == "null":  # an interval touching zero whose Holm p is below 0.05
        return _.ngettext("The association cannot be told apart from zero, although this survives Holm's adjustment "
                          "for {n} confirmatory test.",
                          "The association cannot be told apart from zero, although this survives Holm's adjustment "
                          "for {n} confirmatory tests.", m)
    return _.ngettext("No interval could be computed, although this survives Holm's adjustment for {n} confirmatory "
                      "test.",
                      "No interval could be computed, although this survives Holm's adjustment for {n} confirmatory "
                      "tests.", m)


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


def confirmatory_sentences(fits: dict, term: str, p_holm=None, lang: str = "en", cb=None) -> list[str]:
    """One finding per confirmatory coefficient: estimate, 95% CI, Holm-adjusted p and n in numbers,
    then in words: its direction (from the interval) and whether it survives Holm (adjusted p < 0.05)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    holm = _holm_by_outcome(p_holm, fits)
    out = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = direction(row["ci_low"], row["ci_high"])
        scale = phrases.scale_name(outcome, lang, cb)
        p = holm.get(outcome)
        if finite(p) and (kind in ("pos", "neg") or p < ALPHA):
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
