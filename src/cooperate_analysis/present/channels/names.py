"""Names and table headers of the channels report: regressors, channels, outcomes, methods, samples and
the questionnaire's measures, as messages (English source; Italian in ``channels.po``).

Variable labels stay in the codebook (`cb.label`); this module names only what the report builds
(model outcomes, the scaled regressors, the channels as a table row reads them).
"""
from __future__ import annotations

import math

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...data.derived import ADOPTION_REGRESSORS, CHANNEL_KINDS, label
from ...stats import policy
from ...stats.estimability import Check
from .. import formatting as fmt
from .. import phrases
from ..i18n import N_, messages
from ..regression import district_short

ALPHA = 0.05
NBSP = "\u00a0"  # no-break space: keeps a share and its interval on one line
CHANNEL_VARIABLES = tuple(CHANNEL_KINDS)  # the channels of the adoption tables, in data.derived's order
# the channel regressors of the adoption models, in their order
CHANNEL_TERMS = tuple(r for r in ADOPTION_REGRESSORS if r in CHANNEL_KINDS)
# AMEs of export share and firm age are per unit (a percentage point, a year); the tables show them per
# 10 units, where a difference is readable
REGRESSOR_SCALE = {"export_share": 10.0, "firm_age": 10.0}

# Translators: a regressor as a table row names it (export share and age per 10 units)
REGRESSOR_NAMES = {
    "log_employees": N_("Size, log(1 + employees)"), "export_share": N_("Exports, +10 points"),
    "firm_age": N_("Age, +10 years"), "association_member": N_("Association member"),
    "intermediary_support": N_("Intermediary support"), "network_member": N_("Formal network"),
    "informal_exchange": N_("Informal exchange"),
}
# Translators: a regressor as it stands inside a sentence ("for firm size and export share")
REGRESSOR_PROSE = {"log_employees": N_("firm size"), "export_share": N_("export share"), "firm_age": N_("firm age")}
# Translators: a channel as a table row or figure axis names it
CHANNEL_NAMES = {
    "association_member": N_("Trade-association member"), "intermediary_support": N_("Support from an intermediary"),
    "informal_exchange": N_("Informal exchange with district firms"), "network_member": N_("Formal network member"),
    "joint_initiatives": N_("Joint initiatives with local bodies"),
    "district_activities": N_("District CSR activities"),
}
ADOPTION_OUTCOMES = {"csr_overall": N_("CSR index (0-1)"), "cert_any": N_("At least one CSR certification"),
                     "csr_half": N_("At least half of the CSR practices")}
METHOD_NAMES = {"fractional logit (HC3)": N_("Fractional logit (HC3)"), "logit (ML)": N_("Logit (ML)"),
                "logit (ML) HC3": N_("Logit (ML, HC3)"), "logit (Firth)": N_("Logit (Firth)"),
                "OLS (HC3)": N_("OLS (HC3)")}
# Translators: a model's method inside a sentence ("ISO 14001, all districts (maximum-likelihood logit; ...)")
METHOD_PROSE = {"logit (ML)": N_("maximum-likelihood logit"), "logit (Firth)": N_("Firth's penalised logit")}
CERTIFICATION_NAMES = {"iso14001": "ISO 14001", "emas": "EMAS", "sa8000": "SA8000",
                       "ohsas18001": "OHSAS 18001 / ISO 45001", "iso9001": "ISO 9001"}  # the same in both languages

# Translators: table headers of the channels report
HEADERS = {
    "model": N_("Model"), "regressor": N_("Regressor"), "outcome": N_("Outcome"), "sample": N_("Sample"),
    "method": N_("Method"), "n": N_("Firms"), "events": N_("Adopting firms"), "channel": N_("Channel"),
    "used": N_("Used by the firm"), "rho": N_("Spearman ρ"), "p": N_("p"),
    "slope": N_("Slope per channel [95% CI]"), "score": N_("Competitiveness score"),
    "interaction": N_("Interaction [95% CI]"), "bh": N_("p (BH)"), "stakeholder": N_("Stakeholder"),
    "chi2": N_("Friedman χ²"), "df": N_("df"), "w": N_("Kendall's W"), "item": N_("Item"),
    "mean": N_("Mean (1-5)"), "fraclogit": N_("Fractional logit: AME"), "ols": N_("OLS (HC3): coefficient"),
    "question": N_("Question"), "answer": N_("Answer"), "share": N_("Share"), "year": N_("Year"),
    "source": N_("Source"), "kind": N_("Kind"), "barrier": N_("Barrier"), "motivation": N_("Motivation"),
    "yes": N_("yes"), "no": N_("no"),
    # the questionnaire's tables
    "q_item": N_("Question"), "measure": N_("Measure"), "certification": N_("Certification"),
    "status": N_("Answer"), "well": N_("Know it well or very well (4-5)"),
    "concept": N_("The concept of CSR"), "tools": N_("CSR tools"),
    "tools_detail": N_("CSR tools (certifications, reports, codes)"),
    "trainees_share": N_("Firms with trainees or interns"), "trainees_mean": N_("Trainees and interns per firm (mean)"),
    "home_share": N_("Firms with home-workers"), "home_mean": N_("Home-workers per firm (mean)"),
    "trained_mean": N_("Staff trained in the last year (mean %)"),
    "csr_training": N_("Firms with training on safety, environment or social responsibility"),
}
AWARENESS_NAMES = {"aw_csr_concept": "concept", "aw_csr_tools": "tools"}
# Translators: the pooled sample (every firm of every district of the survey) as a table column or legend names it
POOLED = N_("All districts")


def header(key: str, lang: str) -> str:
    """A table header of the channels report in `lang`."""
    return messages(lang)(HEADERS[key])


def headers(lang: str) -> dict[str, str]:
    _ = messages(lang)
    return {k: _(v) for k, v in HEADERS.items()}


def is_fit(result) -> bool:
    """Whether an analysis result is an estimated model (an object with `.ame`), not an `estimability.Check`."""
    return hasattr(result, "ame") and getattr(result, "ame") is not None


def sample_name(group: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A column, row or legend name for a sample: the pooled sample ("All districts") or a district's short name."""
    return messages(lang)(POOLED) if group == "pooled" else district_short(group, lang, cb)


def regressor_name(term: str, lang: str = "en") -> str:
    return messages(lang)(REGRESSOR_NAMES[term]) if term in REGRESSOR_NAMES else term


def regressor_prose(term: str, lang: str = "en") -> str:
    """A regressor inside a sentence ("firm size"); a channel by its row name, lower-cased."""
    if term in REGRESSOR_PROSE:
        return messages(lang)(REGRESSOR_PROSE[term])
    name = regressor_name(term, lang)
    return name[:1].lower() + name[1:]


def channel_name(channel: str, lang: str = "en") -> str:
    return messages(lang)(CHANNEL_NAMES[channel]) if channel in CHANNEL_NAMES else channel


def outcome_name(outcome: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """An adoption outcome: the CSR index, a derived share, or a certification by its codebook label."""
    outcome = outcome.removesuffix("_ols")
    if outcome in ADOPTION_OUTCOMES:
        return messages(lang)(ADOPTION_OUTCOMES[outcome])
    return label(outcome, lang, cb or load_codebook())


def method_name(method: str, lang: str = "en", cov_type: str | None = None) -> str:
    """The name of an adoption model's method in `lang`; a maximum-likelihood logit with HC3 errors says so."""
    key = f"{method} HC3" if method == "logit (ML)" and cov_type == "HC3" else str(method)
    return messages(lang)(METHOD_NAMES[key]) if key in METHOD_NAMES else str(method)


def method_prose(method: str, lang: str = "en") -> str:
    return messages(lang)(METHOD_PROSE[method]) if method in METHOD_PROSE else str(method)


def score_name(score: str, lang: str, cb: Codebook) -> str:
    """Row label of a competitiveness score: the scale's name (the header says it is a score)."""
    key = score.removeprefix("score_")
    return cb.label(key, lang) if score.startswith("score_") and key in cb.outcome_scales else label(score, lang, cb)


def short_item(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """An item's label without the block's lead ("Importance to the firm: employees" -> "Employees")."""
    text = label(item, lang, cb or load_codebook())
    _lead, sep, rest = text.partition(": ")
    return (rest[:1].upper() + rest[1:]) if sep else text


def certification_name(item: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """A certification's name ("ISO 14001") from its cert_* or cst_* variable."""
    key = item.removeprefix("cst_").removeprefix("cert_")
    return CERTIFICATION_NAMES.get(key) or outcome_name(f"cert_{key}", lang, cb)


def awareness_name(item: str, lang: str = "en", detail: bool = False) -> str:
    """What an awareness item asks about ("The concept of CSR", "CSR tools"; with `detail` the tools are named:
    "CSR tools (certifications, reports, codes)")."""
    if item not in AWARENESS_NAMES:
        return item
    key = AWARENESS_NAMES[item]
    return header(f"{key}_detail" if detail and f"{key}_detail" in HEADERS else key, lang)


def scaled_ame(fit, term: str) -> tuple[float, float, float, float]:
    """(estimate, ci_low, ci_high, p_value) of `term` in a fit's AME table, per the unit of `REGRESSOR_SCALE`;
    NaNs when the term is absent."""
    ame = fit.ame
    row = ame[ame["term"] == term]
    if not len(row):
        return (math.nan,) * 4
    r = row.iloc[0]
    k = REGRESSOR_SCALE.get(term, 1.0)
    return float(r["estimate"]) * k, float(r["ci_low"]) * k, float(r["ci_high"]) * k, float(r["p_value"])


def channel_family(drivers: dict, outcome: str) -> dict[tuple[str, str], float]:
    """The adjusted p of every channel's AME on `outcome` in every sample where the model was estimated:
    the declared family `channels` of `stats.policy` (per outcome, across channels and samples, BH)."""
    keys, pvalues = [], []
    for group, models in drivers.items():
        fit = models.get(outcome) if isinstance(models, dict) else None
        if not is_fit(fit):
            continue
        for term in CHANNEL_TERMS:
            p = scaled_ame(fit, term)[3]
            if phrases.finite(p):
                keys.append((group, term))
                pvalues.append(p)
    return dict(zip(keys, policy.adjust("channels", pvalues))) if keys else {}


def moderation_family(moderation: dict) -> dict[tuple[str, str], float]:
    """The adjusted p of each estimated interaction ({(group, score): p}): the declared family
    `moderation` of `stats.policy` (per score, across samples, BH)."""
    out: dict[tuple[str, str], float] = {}
    for score in dict.fromkeys(s for _g, s in moderation):
        keys = [(g, s) for (g, s), r in moderation.items() if s == score and not isinstance(r, Check)
                and phrases.finite(r["p_value"])]
        if keys:
            out |= dict(zip(keys, policy.adjust("moderation", [moderation[k]["p_value"] for k in keys])))
    return out


def percent_interval(share, low, high, lang: str) -> str:
    """'42.9% [26.5, 60.9]' ('42,9% [26,5; 60,9]'), percentages with one decimal; '–' when missing."""
    if pd.isna(share):
        return fmt.MISSING
    return f"{fmt.percent(share, 1, lang)} {fmt.interval(100 * low, 100 * high, 1, lang)}"
