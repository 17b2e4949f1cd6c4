"""The prose of the specification-curve report: the reading of the curve, its key findings and its
sentence on the index page. Every number goes through `formatting` / `phrases`; every sentence is a
whole message.

Rules (tests/test_speccurve_report.py, tests/test_readings.py): the joint test is read from every
statistic of Simonsohn et al. (2020), the median, the share significant and Stouffer's Z, each with
the Monte Carlo standard error of its bootstrap p (`stats.policy.joint_verdict`: "differs" when every
p is below 0.05, "same" when none is, "mixed" when they disagree, "undecided" when a p lies
within Monte Carlo error of 0.05, with the draws that would decide it); a p of 0 from the bootstrap
means no null draw was as extreme and prints as "< 1 / n_boot"; a share of specifications that is
not zero never prints as "0%"; the shares significant by control set are always given.
"""
from __future__ import annotations

import math

from ...data.codebook import load_codebook
from ...stats import policy
from .. import formatting as fmt
from .. import reasons
from ..i18n import messages
from ..phrases import ALPHA, alpha, estimate, finite, join, lower_first, p_text, share_phrase
from .tables import curve_summary


def _p_text(p: float, n_boot: int, lang: str) -> str:
    """'= 0.123', or '< 1/n_boot' when no null draw was as extreme (p = 0 means p < 1 / n_boot)."""
    if finite(p) and float(p) == 0 and n_boot:
        floor = 1 / n_boot
        return "< " + fmt.number(floor, max(3, math.ceil(-math.log10(floor) - 1e-9)), lang)
    return p_text(p, lang)


def _joint_ps(joint) -> dict[str, float]:
    table = joint.table.set_index("statistic")["p_value"]
    return {stat: float(table[stat]) if stat in table.index else float("nan") for stat in policy.JOINT_STATISTICS}


def _joint_p(joint) -> tuple[float, float]:
    ps = _joint_ps(joint)
    return ps["median"], ps["share_significant"]


def _verdict(joint) -> str:
    """The declared reading of a joint test (`stats.policy.joint_verdict`)."""
    return policy.joint_verdict(_joint_ps(joint), joint.n_boot)


def _p_with_error(p: float, n_boot: int, lang: str) -> str:
    """'= 0.040, Monte Carlo SE 0.009' ('< 0.002' when no draw was as extreme: its error is then below 1/B)."""
    _ = messages(lang)
    text = _p_text(p, n_boot, lang)
    if finite(p) and float(p) > 0 and n_boot:
        return _("{p}, Monte Carlo SE {se}", p=text, se=fmt.pvalue(policy.mc_error(float(p), n_boot), lang))
    return text


def _joint_text(joint, lang: str) -> str:
    """The three joint statistics' p-values with their Monte Carlo errors, then the declared verdict."""
    _ = messages(lang)
    ps = _joint_ps(joint)
    values = dict(tested=fmt.integer(joint.n_specs, lang), boot=fmt.integer(joint.n_boot, lang),
                  p_median=_p_with_error(ps["median"], joint.n_boot, lang),
                  p_share=_p_with_error(ps["share_significant"], joint.n_boot, lang),
                  p_z=_p_with_error(ps["stouffer_z"], joint.n_boot, lang))
    text = _.ngettext("tested jointly on its {tested} estimable linear specification by bootstrapping under the null "
                      "({boot} draws): p {p_median} for the median, p {p_share} for the share significant and p {p_z} "
                      "for Stouffer's Z",
                      "tested jointly on its {tested} estimable linear specifications by bootstrapping under the null "
                      "({boot} draws): p {p_median} for the median, p {p_share} for the share significant and p {p_z} "
                      "for Stouffer's Z", joint.n_specs, **values)
    verdict = _verdict(joint)
    if verdict == "differs":
        return _("{tests}; every joint statistic rejects chance, so the curve differs from what chance alone would produce.",
                 tests=text)
    if verdict == "same":
        return _("{tests}; none rejects chance, so the curve cannot be told apart from what chance alone would "
                 "produce.", tests=text)
    if verdict == "mixed":
        return _("{tests}; the joint statistics disagree, so the evidence against chance is mixed.", tests=text)
    near = [p for p in ps.values() if finite(p) and policy.near_alpha(p, joint.n_boot)]
    needs = [policy.n_boot_needed(p) for p in near]
    need = max(needs) if near and None not in needs else 0
    if near and not need:  # a p exactly at alpha: no number of draws moves it off
        return _.ngettext("{tests}; {k} of these p-values lies at {alpha}, within any Monte Carlo error, so the test "
                          "cannot be decided.",
                          "{tests}; {k} of these p-values lie at or within Monte Carlo error of {alpha}, so the test "
                          "cannot be decided.", len(near), tests=text, k=fmt.integer(len(near), lang),
                          alpha=alpha(lang))
    if need:
        return _.ngettext("{tests}; {k} of these p-values lies within Monte Carlo error of {alpha}, so {boot} draws "
                          "cannot decide the test (about {need} would).",
                          "{tests}; {k} of these p-values lie within Monte Carlo error of {alpha}, so {boot} draws "
                          "cannot decide the test (about {need} would).", len(near), tests=text, k=fmt.integer(
                              len(near), lang), alpha=alpha(lang), boot=fmt.integer(joint.n_boot, lang),
                          need=fmt.integer(need, lang))
    return _("{tests}; a statistic could not be computed, so the test is not read.", tests=text)


def _pct(percent_value, lang: str) -> str:
    return share_phrase(percent_value, lang)


def _synthetic(lang: str, cross: bool) -> str:
    _ = messages(lang)
    if cross:
        return _("The data are synthetic: the numbers illustrate the method, not the real districts.")
    return _("The data are synthetic: the numbers illustrate the method, not the real district.")


def _family_sentence(name: str, k: int, median: str, pos: str, neg: str, joint, lang: str) -> str:
    """One outcome family in the reading: its estimable specifications, median, shares significant
    by sign and its joint test (or why there is none), as one sentence."""
    _ = messages(lang)
    if not hasattr(joint, "table"):
        return _.ngettext(
            "{family}: across {n} estimable specification the median standardized estimate is {median}; {pos} "
            "finds a significant positive association and {neg} a significant negative one; the joint test is "
            "not estimable ({reason}).",
            "{family}: across {n} estimable specifications the median standardized estimate is {median}; {pos} "
            "find a significant positive association and {neg} a significant negative one; the joint test is not "
            "estimable ({reason}).",
            k, family=name, median=median, pos=pos, neg=neg, reason=reasons.check_text(joint, lang).rstrip("."))
    return _.ngettext(
        "{family}: across {n} estimable specification the median standardized estimate is {median}; {pos} finds a "
        "significant positive association and {neg} a significant negative one; {joint}",
        "{family}: across {n} estimable specifications the median standardized estimate is {median}; {pos} find a "
        "significant positive association and {neg} a significant negative one; {joint}",
        k, family=name, median=median, pos=pos, neg=neg, joint=_joint_text(joint, lang))


def controls_sentence(curve, lang: str) -> str:
    """The share of significantly positive estimates by control set (none, size, full), always given: the
    referee's question whether specifications without controls drive the curve. '' without the column."""
    if "controls" not in curve or not len(curve):
        return ""
    from .labels import option_label

    _ = messages(lang)
    parts = []
    for option in dict.fromkeys(curve["controls"]):
        part = curve[(curve["controls"] == option) & curve["estimate"].notna()]
        if not len(part):
            continue
        share = 100 * float(((part["estimate"] > 0) & (part["p_value"] < ALPHA)).mean())
        parts.append(_("{controls}: {share}", controls=lower_first(option_label("controls", option, lang)),
                       share=share_phrase(share, lang)))
    if not parts:
        return ""
    return _("Significantly positive estimates by control set: {list}.", list="; ".join(parts))


def speccurve(curve, joints: dict, n_firms: int, synthetic: bool, lang: str = "en", cb=None,
              cross: bool = False) -> str:
    """One paragraph on a specification curve read per outcome family (`speccurve.outcome_families`):
    each family's estimable specifications, median and shares significant (never "0%" for a share
    that is not zero), and its joint test (`joints[family]`: a `speccurve.JointTest`, or an
    `estimability.Check` saying why not), then which families differ from chance."""
    from ...stats.speccurve import outcome_families

    cb = cb or load_codebook()
    _ = messages(lang)
    summary = curve_summary(curve)
    sentences = [_.ngettext("Of {k} specifications, {n} could be estimated.",
                            "Of {k} specifications, {n} could be estimated.", summary["estimable"],
                            k=fmt.integer(summary["specs"], lang))]
    family_of = outcome_families(curve["outcome"], cb)
    differs, tested = [], []
    for family, joint in joints.items():
        part = curve[family_of == family]
        name = cb.label(family, lang)
        if not part["estimate"].notna().any():
            sentences.append(_("{family}: no specification could be estimated.", family=name))
            continue
        fs = curve_summary(part[part["estimate"].notna()])
        sentences.append(_family_sentence(name, fs["specs"], estimate(fs["median"], lang), _pct(fs["positive"], lang),
                                          _pct(fs["negative"], lang), joint, lang))
        if hasattr(joint, "table"):
            tested.append(name)
            if _verdict(joint) == "differs":
                differs.append(lower_first(name))
    if tested:
        if len(differs) == len(tested):
            sentences.append(_("The association is distinguishable from chance in every outcome family."))
        elif not differs:
            sentences.append(_("In no outcome family does every joint statistic reject chance."))
        else:
            sentences.append(_("Every joint statistic rejects chance for {families} only.",
                               families=join(differs, lang)))
    controls = controls_sentence(curve, lang)
    if controls:
        sentences.append(controls)
    sentences.append(_.ngettext("Specifications are not independent replications: they re-analyse the same {n} firm.",
                                "Specifications are not independent replications: they re-analyse the same {n} "
                                "firms.", n_firms))
    if synthetic:
        sentences.append(_synthetic(lang, cross))
    return " ".join(sentences)


def findings_speccurve(curve, joints: dict, n_firms: int | None = None, synthetic: bool = False, lang: str = "en",
                       cb=None, cross: bool = False) -> list[str]:
    """The "Key findings" of a specification-curve report: the shares of all specifications with a
    positive, a significantly positive and a significantly negative estimate (as the summary table,
    never "0%" for a share that is not zero) and the median; per outcome family its median and joint
    test; the limits; the synthetic-data caveat."""
    from ...stats.speccurve import outcome_families

    cb = cb or load_codebook()
    _ = messages(lang)
    summary = curve_summary(curve)
    positive = 100 * float((curve["estimate"] > 0).mean()) if len(curve) else float("nan")
    out = [_.ngettext("Of {n} specification (estimable: {e}), {pos} gives a positive estimate, {sig_pos} a "
                      "significantly positive one and {sig_neg} a significantly negative one (p < {alpha}); the "
                      "median standardized estimate is {median}.",
                      "Of {n} specifications (estimable: {e}), {pos} give a positive estimate, {sig_pos} a "
                      "significantly positive one and {sig_neg} a significantly negative one (p < {alpha}); the "
                      "median standardized estimate is {median}.",
                      summary["specs"], e=fmt.integer(summary["estimable"], lang), pos=_pct(positive, lang),
                      sig_pos=_pct(summary["positive"], lang), sig_neg=_pct(summary["negative"], lang),
                      alpha=alpha(lang), median=estimate(summary["median"], lang))]
    family_of = outcome_families(curve["outcome"], cb)
    for family, joint in joints.items():
        part = curve[family_of == family]
        name = cb.label(family, lang)
        if not part["estimate"].notna().any():
            out.append(_("{family}: no specification could be estimated.", family=name))
            continue
        median = estimate(part["estimate"].median(), lang)
        if not hasattr(joint, "table"):
            out.append(_("{family}: median {median}; the joint test is not estimable.", family=name, median=median))
            continue
        out.append(_("{family}: median {median}; {joint}", family=name, median=median, joint=_joint_text(joint, lang)))
    controls = controls_sentence(curve, lang)
    if controls:
        out.append(controls)
    if n_firms is not None:
        out.append(_.ngettext("The specifications re-analyse the same {n} firm; they are not independent replications.",
                              "The specifications re-analyse the same {n} firms; they are not independent "
                              "replications.", n_firms))
    if synthetic:
        if cross:
            out.append(_("Synthetic data: the numbers are illustrative, not a finding about the real districts."))
        else:
            out.append(_("Synthetic data: the numbers are illustrative, not a finding about the real district."))
    return out


def index_sentence(values: dict, parameters: dict, lang: str, cb=None) -> str:
    """The report's sentence on the index page, from its results values: estimable specifications,
    median, and each outcome family's joint-test p for the median ('joint.<family>.median.p_value';
    p = 0 means p < 1 / n_boot, with n_boot from the parameters: without it such a curve gets '').
    '' when the values hold no curve."""
    cb = cb or load_codebook()
    _ = messages(lang)
    n_boot = (parameters or {}).get("n_boot")

    def num(key):
        value = values.get(key)
        return float(value) if finite(value) and not isinstance(value, bool) else None

    if num("n_specs") is None:
        return ""
    ps = {f: num(f"joint.{f}.median.p_value") for f in cb.outcome_scales}
    ps = {f: p for f, p in ps.items() if p is not None}
    if any(p == 0 for p in ps.values()) and not n_boot:
        return ""
    # Translators: one item of a list: an outcome family and the p of its joint test ("innovation p = 0.012")
    parts = [_("{family} p {p}", family=lower_first(cb.label(f, lang)), p=_p_text(p, n_boot or 0, lang))
             for f, p in ps.items()]
    return _.ngettext("{n} estimable specification of {k}, median standardized estimate {median}; joint test "
                      "against chance (median): {tests}.",
                      "{n} estimable specifications of {k}, median standardized estimate {median}; joint test "
                      "against chance (median): {tests}.",
                      num("n_estimable"), k=fmt.integer(num("n_specs"), lang),
                      median=estimate(num("median_estimate"), lang), tests="; ".join(parts) or fmt.MISSING)
