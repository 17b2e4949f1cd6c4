"""The paper's tables as DataFrames in one language: read from the results of the runs the paper reads
({run: values}) or, for the descriptive tables, from the numbers the paper computes itself (stats.referee).
Headers are messages of the paper catalog; variable names come from the codebook (derived.label)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ...data import derived
from ...stats import policy
from .. import formatting as fmt
from ..i18n import messages
from . import verdicts as V

SCORES = ("score_innovation", "score_intangible", "score_market")
CONTROLS = ("log_employees", "export_share", "firm_age")
CHANNELS = ("intermediary_support", "association_member", "network_member", "informal_exchange")
MODEL_VARIABLES = (*SCORES, "csr_overall", *CONTROLS)
DESCRIBED = (*MODEL_VARIABLES, *CHANNELS, "cert_iso14001")
TERMS_PREFIX = "ols_pooled_terms"  # cross-district: every term of the pooled models (present.regression)


def _f(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def est_se(est, se, lang: str) -> str:
    """"0.84 (0.38)": an estimate with its standard error in parentheses."""
    if not (math.isfinite(_f(est)) and math.isfinite(_f(se))):
        return fmt.MISSING
    # two decimals, more for a coefficient on a wide scale (export share in %, age in years) whose
    # standard error would otherwise print as 0.00
    digits = 2 if abs(_f(se)) >= 0.01 else 3 if abs(_f(se)) >= 0.001 else 4
    return f"{fmt.number(_f(est), digits, lang, sign=True)} ({fmt.number(_f(se), digits, lang)})"


def est_ci(est, lo, hi, lang: str, digits: int = 2) -> str:
    if not all(math.isfinite(_f(x)) for x in (est, lo, hi)):
        return fmt.MISSING
    return f"{fmt.number(_f(est), digits, lang, sign=True)} {fmt.interval(_f(lo), _f(hi), digits, lang)}"


def pval(p, lang: str) -> str:
    return fmt.pvalue(_f(p), lang) if math.isfinite(_f(p)) else fmt.MISSING


def label(var: str, lang: str, cb) -> str:
    return derived.label(var, lang, cb)


def descriptives_rows(desc: pd.DataFrame, lang: str, cb) -> pd.DataFrame:
    """Descriptive statistics of every model variable (`referee.descriptives`)."""
    _ = messages(lang)
    return pd.DataFrame({_.pgettext("table header", "Variable"): [label(v, lang, cb) for v in desc["variable"]],
                         "n": desc["n"].astype(int).to_numpy(), _.pgettext("table header", "Mean"): desc["mean"],
                         _.pgettext("table header", "SD"): desc["sd"], _.pgettext("table header", "Min"): desc["min"],
                         _.pgettext("table header", "Max"): desc["max"]})


def correlation_rows(matrix: pd.DataFrame, vifs: pd.DataFrame, lang: str, cb) -> pd.DataFrame:
    """The lower triangle of the correlation matrix of the model variables, numbered, with the VIF of each
    regressor of the main model in the last column."""
    _ = messages(lang)
    names = list(matrix.index)
    vif = dict(zip(vifs["term"], vifs["vif"]))
    rows = []
    for i, a in enumerate(names):
        row = {_.pgettext("table header", "Variable"): f"{i + 1}. {label(a, lang, cb)}"}
        for j, b in enumerate(names):
            row[str(j + 1)] = matrix.loc[a, b] if j < i else (np.nan if j > i else "")
        row["VIF"] = vif.get(a, np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    for j in range(len(names)):
        out[str(j + 1)] = [fmt.number(v, 2, lang) if isinstance(v, float) and math.isfinite(v) else ""
                           for v in out[str(j + 1)]]
    out["VIF"] = [fmt.number(v, 2, lang) if math.isfinite(_f(v)) else "" for v in out["VIF"]]
    return out


def sample_rows(sample: dict[str, int], population: dict[str, float], lang: str, cb) -> pd.DataFrame:
    """Firms in the sample and in the population of each district, and the sampling fraction (%)."""
    _ = messages(lang)
    rows = []
    for d, n in sample.items():
        N = population.get(d, math.nan)
        rows.append({_.pgettext("table header", "District"): cb.label(d, lang), _.pgettext("table header", "Sample firms"): int(n),
                     _.pgettext("table header", "Population firms"): fmt.integer(int(N), lang) if math.isfinite(_f(N)) else fmt.MISSING,
                     _.pgettext("table header", "Sampling fraction (%)"): 100 * n / N if math.isfinite(_f(N)) and N else np.nan})
    out = pd.DataFrame(rows)
    out.attrs["digits"] = {_.pgettext("table header", "Sampling fraction (%)"): 1}
    return out


def term_label(term: str, lang: str, cb) -> str:
    _ = messages(lang)
    if term == "Intercept":
        return _("Intercept")
    if term.startswith("district[T."):
        return _("District: {district}", district=cb.label(term[len("district[T."):-1], lang))
    return label(term, lang, cb)


def coefficient_rows(values: dict, lang: str, cb) -> pd.DataFrame:
    """The main model, one column per competitiveness score: every term (estimate and HC3 standard error),
    then n and R2, from the cross-district results (`ols_pooled_terms.<score>.<term>.*`; the CSR row alone,
    `ols_pooled.<score>.csr_overall.*`, when the run records no other term)."""
    _ = messages(lang)
    terms = []
    for key in values:
        if key.startswith(TERMS_PREFIX + ".") and key.endswith(".estimate"):
            term = key[len(TERMS_PREFIX) + 1:-len(".estimate")].split(".", 1)[1]
            if term not in terms:
                terms.append(term)
    if not terms:
        terms = ["csr_overall"]
    order = ["csr_overall", *CONTROLS]
    terms = sorted(terms, key=lambda t: (order.index(t) if t in order else len(order) + (t == "Intercept"), t))
    columns = {s: cb.label(s.replace("score_", ""), lang) for s in SCORES}
    rows = []
    for term in terms:
        row = {_.pgettext("table header", "Term"): term_label(term, lang, cb)}
        for s, name in columns.items():
            prefix = f"{TERMS_PREFIX}.{s}.{term}" if f"{TERMS_PREFIX}.{s}.{term}.estimate" in values else f"ols_pooled.{s}.{term}"
            row[name] = est_se(values.get(prefix + ".estimate"), values.get(prefix + ".std_error"), lang)
        rows.append(row)
    for stat, head in (("n", "n"), ("r2", "R²")):
        row = {_.pgettext("table header", "Term"): head}
        for s, name in columns.items():
            v = values.get(f"{TERMS_PREFIX}.{s}.{stat}")
            row[name] = (fmt.integer(int(v), lang) if stat == "n" else fmt.number(v, 3, lang)) \
                if math.isfinite(_f(v)) else fmt.MISSING
        rows.append(row)
    return pd.DataFrame(rows)


def has_full_table(values: dict) -> bool:
    return any(k.startswith(TERMS_PREFIX + ".") for k in values)


def verdict_word(code: str, lang: str) -> str:
    _ = messages(lang)
    return {V.SUPPORTED: _.pgettext("verdict", "supported"), V.NOT_SUPPORTED: _.pgettext("verdict", "not supported"),
            V.MIXED: _.pgettext("verdict", "mixed"), V.NOT_TESTABLE: _.pgettext("verdict", "not testable")}[code]


def reason_word(reason: str, lang: str) -> str:
    _ = messages(lang)
    words = {"rejects": _("rejected after adjustment"), "not_significant": _("not rejected after adjustment"),
             "opposite_sign": _("rejected with the opposite sign"),
             "not_promoted": _("passes its own test, but no confirmatory hypothesis holds (exploratory)"),
             "not_estimable": _("model not estimable (gate)"),
             "unbalanced": _("weighting leaves covariates unbalanced: no comparable groups")}
    return "; ".join(words.get(r, r) for r in reason.split("+") if r)


def tests_rows(hyps: list[dict], verdicts: dict, results: dict, lang: str, cb) -> pd.DataFrame:
    """Every test of the hypotheses: estimate [95% CI], p, p after its family's adjustment, verdict."""
    _ = messages(lang)
    rows = []

    def add(name, test, est="", p=math.nan, p_adj=math.nan, method="", verdict=None):
        rows.append({_.pgettext("table header", "Hypothesis"): name, _.pgettext("table header", "Test"): test,
                     _.pgettext("table header", "Estimate [95% CI]"): est, "p": pval(p, lang),
                     _.pgettext("table header", "Adjusted p"): pval(p_adj, lang) + (f" ({method})" if method and math.isfinite(_f(p_adj)) else ""),
                     _.pgettext("table header", "Verdict"): verdict_word(verdict.code, lang) if verdict else ""})

    for hyp in hyps:
        v = verdicts[hyp["id"]]
        vals = results.get(hyp.get("run", ""), {})
        if hyp["family"] == "confirmatory":
            t = hyp["tests"]
            add(hyp["id"], _("CSR index → {score}", score=cb.label(t["estimate"].split(".")[1].replace("score_", ""), lang)),
                est_ci(vals.get(t["estimate"]), vals.get(t["ci_low"]), vals.get(t["ci_high"]), lang),
                vals.get(t["p_value"]), vals.get(t["p_adjusted"]), "Holm", v)
        elif hyp["id"] == "H4":
            for part, pv in zip(hyp["parts"], v.parts):
                t = part["tests"]
                add(part["id"], _("{channel} → CSR index (AME)", channel=label(part["channel"], lang, cb)),
                    est_ci(vals.get(t["estimate"]), vals.get(t["ci_low"]), vals.get(t["ci_high"]), lang),
                    vals.get(t["p_value"]), pv.numbers.get("p_adjusted"), "BH", pv)
        elif hyp["id"] == "H5":
            for pv in v.parts:
                add(hyp["id"], _("Equal CSR slopes across districts: {score}", score=cb.label(pv.hypothesis.replace("score_", ""), lang)),
                    "", pv.numbers.get("p_value"), pv.numbers.get("p_adjusted"), "BH", pv)
        elif hyp["id"] == "H6":
            for part, pv in zip(hyp["parts"], v.parts):
                t = part["tests"]
                pvals = results.get(part["run"], {})
                if part["id"].endswith("a"):
                    add(part["id"], _("Certified vs comparable uncertified firms: innovation (AIPW)"),
                        est_ci(pv.numbers["estimate"], pv.numbers["ci_low"], pv.numbers["ci_high"], lang),
                        pvals.get(t["p_value"]), pv.numbers.get("p_adjusted"), "BH", pv)
                else:
                    add(part["id"], _("log(1 + employees) → ISO 14001 (AME)"),
                        est_ci(pvals.get(t["estimate"]), pvals.get(t["ci_low"]), pvals.get(t["ci_high"]), lang, 3),
                        pvals.get(t["p_value"]), math.nan, "", pv)
    return pd.DataFrame(rows)


def heterogeneity_rows(values: dict, districts: list[str], lang: str, cb) -> pd.DataFrame:
    """CSR slope (HC3 standard error) of each district and score, with the Wald test of equal slopes."""
    _ = messages(lang)
    raw = [_f(values.get(f"heterogeneity.{s}.wald_p_value")) for s in SCORES]
    adjusted = policy.adjust("heterogeneity", raw)
    rows = []
    for s, p, q in zip(SCORES, raw, adjusted):
        row = {_.pgettext("table header", "Score"): cb.label(s.replace("score_", ""), lang)}
        for d in districts:
            row[cb.label(d, lang)] = est_se(values.get(f"heterogeneity.{s}.{d}.estimate"),
                                             values.get(f"heterogeneity.{s}.{d}.std_error"), lang)
        row[_.pgettext("table header", "Wald p")] = pval(p, lang)
        row[_.pgettext("table header", "Wald p (BH)")] = pval(q, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def ame_rows(values: dict, lang: str, cb) -> pd.DataFrame:
    """Drivers of adoption, all districts: average marginal effects on the CSR index (fractional logit) and
    on the probability of ISO 14001 (logit), 95% intervals, BH-adjusted p of the channels family."""
    _ = messages(lang)
    adjusted = V.channels_adjusted(values)
    rows = []
    for term in (*CHANNELS, *CONTROLS):
        row = {_.pgettext("table header", "Regressor"): label(term, lang, cb)}
        for outcome, head in (("csr_overall", _("CSR index: AME [95% CI]")),
                              ("cert_iso14001", _("ISO 14001: AME [95% CI]"))):
            k = f"drivers.pooled.{outcome}.{term}"
            row[head] = est_ci(values.get(k + ".estimate"), values.get(k + ".ci_low"), values.get(k + ".ci_high"), lang, 3)
        row[_.pgettext("table header", "CSR index: p (BH)")] = pval(adjusted.get(("pooled", term), math.nan), lang) \
            if term in CHANNELS else "–"
        rows.append(row)
    return pd.DataFrame(rows)


FAMILY_NAMES = {"innovation": "score_innovation", "intangible": "score_intangible", "market": "score_market"}


def robustness_rows(cross: dict, curve: dict, lang: str, cb) -> pd.DataFrame:
    """The CSR coefficient of each score under the main analysis (complete cases) with its interval, with
    post-stratification weights and after multiple imputation, and the specification curve of its outcome
    family (median standardised estimate, share of significant estimates, joint-test p-values)."""
    _ = messages(lang)
    rows = []
    for family, score in FAMILY_NAMES.items():
        base = f"ols_pooled.{score}.csr_overall"
        joint = f"joint.{family}"
        rows.append({
            _.pgettext("table header", "Score"): cb.label(family, lang),
            _("Main: complete cases [95% CI]"): est_ci(cross.get(base + ".estimate"), cross.get(base + ".ci_low"),
                                                       cross.get(base + ".ci_high"), lang),
            _("Weighted"): fmt.number(_f(cross.get(f"robustness.{score}.weighted.estimate")), 2, lang, sign=True),
            _("Multiple imputation"): fmt.number(_f(cross.get(f"robustness.{score}.mice.estimate")), 2, lang, sign=True),
            _("Specifications"): fmt.integer(int(_f(curve.get(joint + ".n_specs", 0)) or 0), lang),
            _("Median (std.)"): fmt.number(_f(curve.get(joint + ".median.observed")), 2, lang, sign=True),
            _("Significant (%)"): fmt.number(100 * _f(curve.get(joint + ".share_significant.observed")), 1, lang),
            _("Joint p: median / share / Stouffer"): " / ".join(
                pval(curve.get(f"{joint}.{stat}.p_value"), lang) for stat in ("median", "share_significant", "stouffer_z")),
        })
    return pd.DataFrame(rows)


def verdict_rows(hyps: list[dict], verdicts: dict, comparisons: dict, lang: str) -> pd.DataFrame:
    """The Discussion's table: each hypothesis, its verdict and why, and how it compares with the works that
    report a comparable quantity."""
    _ = messages(lang)
    rows = []
    for hyp in hyps:
        v = verdicts[hyp["id"]]
        rows.append({_.pgettext("table header", "Hypothesis"): f"{hyp['id']}: {hyp['name'][lang]}",
                     _.pgettext("table header", "Verdict"): verdict_word(v.code, lang),
                     _.pgettext("table header", "Why"): reason_word(v.reason, lang),
                     _.pgettext("table header", "Literature"): comparisons.get(hyp["id"], "")})
    return pd.DataFrame(rows)
