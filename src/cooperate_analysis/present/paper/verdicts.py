"""The verdict on each hypothesis of the paper, decided from the results numbers under the analysis policy
(`stats.policy`), never written by hand. Codes only; the Discussion words them (`text.py`).

Rules (one function per family of hypotheses; `hypothesis_verdicts` applies them to every hypothesis of
hypotheses.yaml):

- **Confirmatory** (H1-H3, family ``confirmatory``, Holm over the three scores): *supported* when the
  Holm-adjusted p is below alpha and the estimate has the expected sign; *not supported* otherwise
  (reason ``not_significant``, or ``opposite_sign`` when the adjusted test rejects with the other sign);
  *not testable* when the adjusted p or the interval is not a finite number (a gated model: no verdict
  on a non-finite interval).
- **Secondary** (H4-H6, adjusted within their own families, BH): a part is *supported* only when its
  adjusted test rejects with the expected sign **and** the confirmatory family rejected at least one
  hypothesis (`policy.secondary_readable`); a part that passes its own test while the confirmatory family
  rejects nothing is *not supported* with reason ``not_promoted`` (the policy reads it as exploratory).
  - H4 (channels): per channel, the average marginal effect on the CSR index in the pooled model, BH over
    the ``channels`` family (per outcome, across the four channels and every sample).
  - H5 (district context): per score, the Wald test of equal CSR slopes, BH over the three scores
    (``heterogeneity`` family); no expected sign.
  - H6a (certification and innovation): the AIPW difference, BH over the three scores within AIPW
    (``certification`` family); *not testable* (reason ``unbalanced``) unless weighting balances every
    covariate (`policy.balanced`), since the policy calls the groups comparable only then.
  - H6b (size and certification): the average marginal effect of log employees on ISO 14001; size is a
    control in the policy, in no family, so its own 95% interval decides.
- **Several parts** (H4a-d, H5 per score, H6a-b) combine: *supported* when every testable part is,
  *not supported* when none is, *mixed* otherwise, *not testable* when no part is testable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...stats import policy

SUPPORTED, NOT_SUPPORTED, MIXED, NOT_TESTABLE = "supported", "not_supported", "mixed", "not_testable"
CODES = (SUPPORTED, NOT_SUPPORTED, MIXED, NOT_TESTABLE)
Z = 1.959963984540054


@dataclass(frozen=True)
class Verdict:
    """A hypothesis' (or a part's) verdict `code`, the `reason` it rests on, the numbers read
    (`numbers`: estimate, ci_low, ci_high, p_value, p_adjusted where they apply) and its `parts`."""

    hypothesis: str
    code: str
    reason: str = ""
    numbers: dict = field(default_factory=dict)
    parts: tuple = ()


def _num(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value


def _finite(*values) -> bool:
    return all(math.isfinite(_num(v)) for v in values)


def _sign_ok(estimate: float, expected: str) -> bool:
    return (estimate > 0) if expected == "+" else (estimate < 0) if expected == "-" else True


def single(hypothesis: str, estimate, ci_low, ci_high, p_adjusted, expected: str = "+",
           readable: bool = True, gate: str = "") -> Verdict:
    """The verdict of one test: its estimate, 95% interval, p after its family's adjustment (or its own p
    when it belongs to no family), the expected sign ("+", "-", or "" for none), whether secondary results
    may be read (`readable`; True for a confirmatory test) and a failed gate's reason code (`gate`)."""
    numbers = {"estimate": _num(estimate), "ci_low": _num(ci_low), "ci_high": _num(ci_high),
               "p_adjusted": _num(p_adjusted)}
    if gate:
        return Verdict(hypothesis, NOT_TESTABLE, gate, numbers)
    if not _finite(p_adjusted) or (expected and not _finite(estimate, ci_low, ci_high)):
        return Verdict(hypothesis, NOT_TESTABLE, "not_estimable", numbers)
    if expected and policy.verdict(numbers["ci_low"], numbers["ci_high"]) is None:
        return Verdict(hypothesis, NOT_TESTABLE, "not_estimable", numbers)
    if not policy.significant(numbers["p_adjusted"]):
        return Verdict(hypothesis, NOT_SUPPORTED, "not_significant", numbers)
    if expected and not _sign_ok(numbers["estimate"], expected):
        return Verdict(hypothesis, NOT_SUPPORTED, "opposite_sign", numbers)
    if not readable:
        return Verdict(hypothesis, NOT_SUPPORTED, "not_promoted", numbers)
    return Verdict(hypothesis, SUPPORTED, "rejects", numbers)


def combine(hypothesis: str, parts: list[Verdict]) -> Verdict:
    """A hypothesis of several parts: supported when every testable part is, not supported when none is,
    mixed otherwise, not testable when no part is testable."""
    testable = [p for p in parts if p.code != NOT_TESTABLE]
    if not testable:
        code = NOT_TESTABLE
    elif all(p.code == SUPPORTED for p in testable):
        code = SUPPORTED
    elif not any(p.code == SUPPORTED for p in testable):
        code = NOT_SUPPORTED
    else:
        code = MIXED
    reasons = sorted({p.reason for p in testable}) if testable else sorted({p.reason for p in parts})
    return Verdict(hypothesis, code, "+".join(reasons), {}, tuple(parts))


def _value(results: dict, run: str, key: str):
    return results.get(run, {}).get(key)


def confirmatory_p(results: dict, hyps: list[dict]) -> list[float]:
    """The Holm-adjusted p-values of the confirmatory hypotheses (NaN where missing)."""
    return [_num(_value(results, h["run"], h["tests"]["p_adjusted"])) for h in hyps
            if h.get("family") == "confirmatory"]


def channels_adjusted(values: dict, outcome: str = "csr_overall",
                      channels: tuple = ("intermediary_support", "association_member", "network_member",
                                         "informal_exchange")) -> dict[tuple[str, str], float]:
    """BH-adjusted p of the channels family for `outcome`: every channel in every sample of the channels
    run's results ({(sample, channel): p_adj})."""
    samples = sorted({k.split(".")[1] for k in values if k.startswith("drivers.")})
    keys = [(s, c) for s in samples for c in channels
            if f"drivers.{s}.{outcome}.{c}.p_value" in values]
    adjusted = policy.adjust("channels", [_num(values[f"drivers.{s}.{outcome}.{c}.p_value"]) for s, c in keys])
    return dict(zip(keys, adjusted))


def confirmatory(h: dict, results: dict) -> Verdict:
    t = h["tests"]
    get = lambda name: _value(results, h["run"], t[name])  # noqa: E731
    return single(h["id"], get("estimate"), get("ci_low"), get("ci_high"), get("p_adjusted"),
                  h.get("expected_sign", "+"))


def channels_hypothesis(h: dict, results: dict, readable: bool) -> Verdict:
    values = results.get(h["run"], {})
    adjusted = channels_adjusted(values)
    parts = []
    for part in h["parts"]:
        t = part["tests"]
        p_adj = adjusted.get(("pooled", part["channel"]), math.nan)
        verdict = single(part["id"], values.get(t["estimate"]), values.get(t["ci_low"]), values.get(t["ci_high"]),
                         p_adj, h.get("expected_sign", "+"), readable)
        parts.append(Verdict(verdict.hypothesis, verdict.code, verdict.reason,
                             {**verdict.numbers, "p_value": _num(values.get(t["p_value"])), "channel": part["channel"]}))
    return combine(h["id"], parts)


def heterogeneity_hypothesis(h: dict, results: dict, readable: bool) -> Verdict:
    values = results.get(h["run"], {})
    keys = h["tests"]["wald_p_value"]
    raw = [_num(values.get(k)) for k in keys]
    adjusted = policy.adjust("heterogeneity", raw)
    parts = [Verdict(k.split(".")[1], *_wald(p, q, readable), {"p_value": p, "p_adjusted": q})
             for k, p, q in zip(keys, raw, adjusted)]
    return combine(h["id"], parts)


def _wald(p: float, q: float, readable: bool) -> tuple[str, str]:
    if not _finite(p, q):
        return NOT_TESTABLE, "not_estimable"
    if not policy.significant(q):
        return NOT_SUPPORTED, "not_significant"
    return (SUPPORTED, "rejects") if readable else (NOT_SUPPORTED, "not_promoted")


def certification_hypothesis(h: dict, results: dict, readable: bool) -> Verdict:
    parts = []
    for part in h["parts"]:
        values = results.get(part["run"], {})
        t = part["tests"]
        if part["id"].endswith("a"):
            est, se = _num(values.get(t["estimate"])), _num(values.get(t["std_error"]))
            outcomes = ("score_innovation", "score_intangible", "score_market")
            raw = [_num(values.get(t["p_value"].replace("score_innovation", o))) for o in outcomes]
            p_adj = policy.adjust("certification", raw)[0]
            smd = [_num(values.get(k)) for k in part.get("balance", [])]
            smd += [_num(v) for k, v in values.items() if k.startswith("balance.district=") and k.endswith(".smd_after")]
            gate = "" if smd and policy.balanced(smd) else "unbalanced"
            if not smd or not _finite(*smd):
                gate = "not_estimable"
            verdict = single(part["id"], est, est - Z * se, est + Z * se, p_adj, part.get("expected_sign", "+"),
                             readable, gate)
        else:
            p = values.get(t["p_value"])
            verdict = single(part["id"], values.get(t["estimate"]), values.get(t["ci_low"]), values.get(t["ci_high"]),
                             p, part.get("expected_sign", "+"), readable)
        parts.append(verdict)
    return combine(h["id"], parts)


def hypothesis_verdicts(hyps: list[dict], results: dict) -> dict[str, Verdict]:
    """The verdict of every hypothesis of hypotheses.yaml (`hyps`) from `results` ({run: values})."""
    readable = policy.secondary_readable(confirmatory_p(results, hyps))
    out = {}
    for h in hyps:
        if h.get("family") == "confirmatory":
            out[h["id"]] = confirmatory(h, results)
        elif h["id"] == "H4":
            out[h["id"]] = channels_hypothesis(h, results, readable)
        elif h["id"] == "H5":
            out[h["id"]] = heterogeneity_hypothesis(h, results, readable)
        elif h["id"] == "H6":
            out[h["id"]] = certification_hypothesis(h, results, readable)
        else:
            raise KeyError(f"no verdict rule for hypothesis {h['id']!r}")
    return out


def agreement(expected_direction: str, ci_low, ci_high) -> str:
    """How our result compares with a published direction: "consistent" (the published direction is "+"
    or "-" and our 95% interval excludes zero on that side), "opposite" (it excludes zero on the other
    side), "inconclusive" (our interval includes zero), "not_comparable" (the publication gives no sign),
    "no_result" (our interval is not finite: the model gave no estimate)."""
    if expected_direction not in ("+", "-"):
        return "not_comparable"
    v = policy.verdict(_num(ci_low), _num(ci_high))
    if v is None:
        return "no_result"
    if v == "includes_zero":
        return "inconclusive"
    return "consistent" if (v == "positive") == (expected_direction == "+") else "opposite"


def partial_r(estimate, std_error, df) -> float:
    """The partial correlation of a regression coefficient, t / sqrt(t^2 + df) (NaN when not computable)."""
    est, se, d = _num(estimate), _num(std_error), _num(df)
    if not _finite(est, se, d) or se <= 0 or d <= 0:
        return math.nan
    t = est / se
    return t / math.sqrt(t * t + d)
