"""The paper's prose, section by section, as escaped HTML with citation markers (an at-sign and a key in brackets, linked when the
report is rendered). Sentences that carry numbers are messages of the paper catalog; fixed paragraphs
are in text.yaml; the data and estimator paragraphs shared with the other reports come from
present.methods (common catalog). Every verdict word comes from `verdicts` (decided by the policy)."""
from __future__ import annotations

import html
import math

from ...data.derived import MIN_ANSWERED_SHARE
from ...stats import policy
from .. import formatting as fmt
from .. import methods, phrases
from ..i18n import N_, messages
from . import sources
from . import tables as T
from . import verdicts as V

esc = html.escape


def p(text: str, cls: str = "") -> str:
    return f'<p{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{text}</p>'


def section_heading(number: str, title: str, level: int = 2) -> str:
    """A numbered heading; a section (level 2) carries the anchor link the report's contents list reads."""
    anchor = "sec-" + number.replace(".", "-")
    link = f'<a class="anchor-link" href="#{anchor}"></a>' if level == 2 else ""
    return f'<h{level} id="{anchor}">{esc(number)}&#8195;{esc(title)}{link}</h{level}>'


def _districts(cb, lang: str, districts: list[str]) -> str:
    return fmt.join([methods.short_label(d, lang, cb) for d in districts], lang)


def _f(x) -> float:
    return T._f(x)


def lower(text: str) -> str:
    """`text` with a lower-case first letter inside a sentence, unless it opens with an acronym ("CSR ...")."""
    return text if len(text) > 1 and text[1].isupper() else phrases.lower_first(text)


# --------------------------------------------------------------------------- front matter
def front(lang: str, title: str, abstract: str, cb) -> str:
    _ = messages(lang)
    lit = sources.literature()
    authors = sources.author_names()
    names = ", ".join(esc(n) for n, _a in authors)
    affiliations = sorted({a for _n, a in authors if a})
    keywords = "; ".join(lit["keywords"][lang])
    jel = ", ".join(j["code"] for j in lit["jel"])
    kind, abstract_title, keywords_title, jel_title = _("Working paper"), _("Abstract"), _("Keywords"), _("JEL codes")
    return (f'<header class="paper-front"><p class="paper-kind">{esc(kind)}</p><h1 class="paper-title">{esc(title)}</h1>'
            f'<p class="paper-authors">{names}</p>'
            + (f'<p class="paper-affiliation">{esc("; ".join(affiliations))}</p>' if affiliations else "")
            + f'<section class="abstract"><h2 class="unnumbered">{esc(abstract_title)}</h2>{p(esc(abstract))}'
            f'<p><strong>{esc(keywords_title)}:</strong> {esc(keywords)}</p>'
            f'<p><strong>{esc(jel_title)}:</strong> {esc(jel)}</p></section></header>')


def title(lang: str) -> str:
    _ = messages(lang)
    return _("CSR practices, district channels and the competitiveness of SMEs: evidence from Tuscan industrial districts")


def abstract(lang: str, values: dict, verdicts: dict, n_firms: int, districts: list[str], cb,
             synthetic: bool = False) -> str:
    """The abstract (numbers generated): design, the main estimates, the verdicts."""
    _ = messages(lang)
    cross = values["cross-district"]
    est = {s: phrases.estimate(cross.get(f"ols_pooled.{s}.csr_overall.estimate"), lang) for s in T.SCORES}
    ci = {s: phrases.interval(cross.get(f"ols_pooled.{s}.csr_overall.ci_low"),
                              cross.get(f"ols_pooled.{s}.csr_overall.ci_high"), lang) for s in T.SCORES}
    holm = {s: fmt.pvalue(_f(cross.get(f"holm.{s}.p_adj")), lang) for s in T.SCORES}
    counts = {code: sum(1 for v in verdicts.values() if v.code == code) for code in V.CODES}
    parts = [
        _("We ask whether corporate social responsibility (CSR) practices go with better competitiveness among "
          "small and medium-sized firms of industrial districts, and whether the district's channels (trade "
          "associations, intermediate institutions, formal networks, informal exchange) go with more CSR."),
        _.ngettext("The data are a survey of {n} firm in the districts of the EU project COOPERATE ({districts}).",
                   "The data are a survey of {n} firms in the districts of the EU project COOPERATE ({districts}).",
                   n_firms, districts=_districts(cb, lang, districts)),
        *([_("The microdata of this version are synthetic, drawn by a documented generator: the numbers illustrate "
             "the analysis, not the districts.")] if synthetic else []),
        _("The hypotheses drawn from the literature are tested under one declared analysis policy: Holm's "
          "adjustment for the confirmatory tests, Benjamini-Hochberg within each secondary family, and "
          "estimability gates for every model."),
        _("In the pooled model with district fixed effects, a change of the CSR index from none to every practice "
          "goes with {inn} points of the five-point innovation score (95% CI {inn_ci}; Holm p = {inn_p}), "
          "{int} points of intangible performance ({int_ci}; {int_p}) and {mkt} points of market performance "
          "({mkt_ci}; {mkt_p}).",
          inn=est["score_innovation"], inn_ci=ci["score_innovation"], inn_p=holm["score_innovation"],
          int=est["score_intangible"], int_ci=ci["score_intangible"], int_p=holm["score_intangible"],
          mkt=est["score_market"], mkt_ci=ci["score_market"], mkt_p=holm["score_market"]),
        _("Verdicts under the policy: supported {supported}, mixed {mixed}, not supported {not_supported}, not "
          "testable {not_testable} (of {total} hypotheses); robustness checks, district heterogeneity and adoption "
          "drivers are reported in full.",
          supported=fmt.integer(counts[V.SUPPORTED], lang), mixed=fmt.integer(counts[V.MIXED], lang),
          not_supported=fmt.integer(counts[V.NOT_SUPPORTED], lang),
          not_testable=fmt.integer(counts[V.NOT_TESTABLE], lang), total=fmt.integer(len(verdicts), lang)),
        _("The paper is built, number by number, by a public pipeline that reruns on the real microdata."),
    ]
    return " ".join(parts)


# --------------------------------------------------------------------------- 1 introduction
def introduction(lang: str, cb, districts: list[str]) -> str:
    _ = messages(lang)
    paras = [x.format(districts=_districts(cb, lang, districts)) for x in sources.prose("introduction", lang)]
    paras.append(_("Section 2 reviews the literature and states the hypotheses; Section 3 describes the data and "
                   "Section 4 the methods and the analysis policy; Section 5 reports the results hypothesis by "
                   "hypothesis, Section 6 discusses them against the literature, and Section 7 states the "
                   "limitations, the implications for district institutions and the conclusion."))
    return "".join(p(esc(x)) for x in paras)


# --------------------------------------------------------------------------- 2 literature and hypotheses
def literature(lang: str) -> str:
    lit = sources.literature()
    out = []
    for i, theme in enumerate(lit["themes"], start=1):
        out.append(section_heading(f"2.{i}", theme["title"][lang], level=3))
        out += [p(esc(" ".join(par[lang].split()))) for par in theme["paragraphs"]]
    return "".join(out)


def hypotheses_list(lang: str) -> str:
    _ = messages(lang)
    items = []
    for h in sources.hypotheses():
        keys = "; ".join(f"@{g['key']}" for g in h["grounds"])
        statement = " ".join(h["statement"][lang].split())
        name = _("Hypothesis {id}", id=h["id"])
        grounded = _("Grounded in: {works}.", works="[" + keys + "]")
        items.append(f'<p class="hypothesis"><strong>{esc(name)}</strong> '
                     f'({esc(h["name"][lang])}). <em>{esc(statement)}</em> {esc(grounded)}</p>')
    return "".join(items)


# --------------------------------------------------------------------------- 3 data
def data(lang: str, meta: dict, cb, n_vars: int, max_vif: float, max_r: float, table_sample: int,
         table_desc: int, table_corr: int) -> str:
    _ = messages(lang)
    paras = methods.paragraphs("cross-district", lang, meta, cb=cb)
    body = []
    for text in paras[:-1]:  # every paragraph but the estimators (Section 4)
        lead, _sep, rest = text.partition(". ")
        body.append(p(f"<strong>{lead}.</strong> {rest}"))
    body.append(p(esc(_("Table {t} sets the sample of each district against its population of firms. Table {d} "
                        "gives descriptive statistics of the {n} variables of the models and Table {c} their "
                        "correlations, with the variance inflation factors of the regressors of the main model "
                        "(largest VIF {vif}; largest absolute correlation between two regressors {r}).",
                        t=table_sample, d=table_desc, c=table_corr, n=fmt.integer(n_vars, lang),
                        vif=fmt.number(max_vif, 2, lang), r=fmt.number(max_r, 2, lang)))))
    return "".join(body)


# --------------------------------------------------------------------------- 4 methods
def measures(lang: str, cross: dict, cb) -> str:
    _ = messages(lang)
    alphas = []
    for scale in ("innovation", "intangible", "market"):
        a = _f(cross.get(f"alpha.all.{scale}.alpha"))
        if math.isfinite(a):
            alphas.append(_("{scale} {alpha}", scale=lower(cb.label(scale, lang)),
                            alpha=fmt.number(a, 2, lang)))
    cfi, rmsea, srmr = (_f(cross.get(f"cfa.3-factor.{k}")) for k in ("cfi", "rmsea", "srmr"))
    text = _("Measures and reliability. The CSR index is the mean, over the CSR dimensions, of the share of "
             "practices a firm adopts (0 to 1); a dimension needs at least {share} of its practices answered and "
             "the overall index every dimension, otherwise the index is missing. Each competitiveness score is "
             "the mean of its items (1-5). Cronbach's alpha of the scores on the pooled sample: {alphas}. The "
             "confirmatory factor model of the competitiveness items, one factor per score, has CFI {cfi}, RMSEA {rmsea} and "
             "SRMR {srmr} [@hu1999; @fornell1981].",
             share=fmt.percent(MIN_ANSWERED_SHARE, 0, lang), alphas=fmt.join(alphas, lang),
             cfi=fmt.number(min(cfi, 1.0), 2, lang) if math.isfinite(cfi) else fmt.MISSING,
             rmsea=fmt.number(rmsea, 3, lang), srmr=fmt.number(srmr, 3, lang))
    lead, _sep, rest = esc(text).partition(". ")
    return p(f"<strong>{lead}.</strong> {rest}")


def estimators(lang: str, meta: dict, cb, n_specs: int | None) -> str:
    """The estimators of the runs the paper reads, in the words of their reports (present.methods)."""
    _ = messages(lang)
    leads = {"cross-district": _("Competitiveness models"), "channels": _("Adoption models"),
             "speccurve": _("Specification curve")}
    out = []
    for kind in ("cross-district", "channels", "speccurve"):
        text = methods.paragraphs(kind, lang, meta, cb=cb, n_specs=n_specs if kind == "speccurve" else None)[-1]
        _lead, _sep, rest = text.partition(". ")
        out.append(p(f"<strong>{esc(leads[kind])}.</strong> {rest}"))
    return "".join(out)


def inference(lang: str) -> str:
    _ = messages(lang)
    text = _("Inference. Intervals are 95% and tests two-sided at {alpha}. Linear models use HC3 standard errors "
             "with t(n − k) [@mackinnon1985; @long2000]; the fractional logit of the CSR index [@papke1996] and "
             "the logits of certification use the normal reference, and Firth's penalised likelihood where the "
             "data separate or events are few [@firth1993; @heinze2002], with profile intervals. Standard errors "
             "are not clustered on the districts, which were chosen, not sampled [@abadie2023]. Missing data: the "
             "main models use complete cases; multiple imputation by chained equations with 20 imputations, "
             "pooled by Rubin's rules, is a robustness check [@vanbuuren2018; @rubin1987; @barnard1999]. Weights: "
             "the main models are unweighted; post-stratification weights by district and EU size class "
             "[@eu2003; @lumley2010] are a robustness check.", alpha=phrases.alpha(lang))
    lead, _sep, rest = esc(text).partition(". ")
    return p(f"<strong>{lead}.</strong> {rest}")


def policy_intro(lang: str, table: int) -> str:
    _ = messages(lang)
    text = _("Analysis policy. One declaration in the code decides which tests form a family and how each family "
             "is adjusted, what each estimator needs before its numbers are read, and how a verdict follows from "
             "the numbers (Table {t}). The confirmatory hypotheses H1-H3 are adjusted by Holm's method "
             "[@holm1979]; the secondary families by Benjamini-Hochberg [@benjamini1995]; no secondary result is "
             "read as a finding while no confirmatory hypothesis holds.", t=table)
    lead, _sep, rest = esc(text).partition(". ")
    return p(f"<strong>{lead}.</strong> {rest}")


FAMILY_TEXT = {
    "confirmatory": (N_("CSR coefficient on each competitiveness score (H1-H3)"), N_("the competitiveness scores of one sample")),
    "association_grid": (N_("Rank associations of the district reports"), N_("one exposure block × one outcome block")),
    "ordered_items": (N_("CSR slope on each single competitiveness item"), N_("the competitiveness items of one sample")),
    "heterogeneity": (N_("Equal CSR slopes across districts (H5)"), N_("the competitiveness scores")),
    "certification": (N_("Certified vs uncertified firms, IPW and AIPW (H6a)"), N_("the competitiveness scores, per estimator")),
    "channels": (N_("Adoption drivers: the four channels (H4)"), N_("one outcome, across channels and samples")),
    "moderation": (N_("Network × CSR interactions (exploratory)"), N_("one score, across samples")),
    "adoption_by_channel": (N_("Adoption among users and non-users of each channel"), N_("one outcome, across channels and samples")),
}


def policy_rows(lang: str):
    import pandas as pd

    _ = messages(lang)
    rows = []
    for name, fam in policy.FAMILIES.items():
        what, unit = FAMILY_TEXT.get(name, (name, ", ".join(fam.unit)))
        rows.append({_.pgettext("table header", "Rule"): _(what), _.pgettext("table header", "Family"): _(unit),
                     _.pgettext("table header", "Decision"): "Holm" if fam.method == "holm" else "Benjamini-Hochberg"})
    gates = [
        (_("OLS, WLS, interactions"), _("n − k ≥ {df} residual degrees of freedom", df=policy.GATES["ols"].min_residual_df)),
        (_("Fractional logit"), _("n ≥ {n} and n − k ≥ {df}", n=policy.GATES["fractional_logit"].min_n,
                                  df=policy.GATES["fractional_logit"].min_residual_df)),
        (_("Logit (ML or Firth)"), _("at least {epv} firms of the rarer outcome per coefficient",
                                     epv=fmt.number(policy.GATES["logit_ml"].min_epv, 0, lang))),
        (_("Moderation"), _("at least {n} firms at each level of the moderator", n=policy.GATES["moderation"].min_per_level)),
        (_("IPW, AIPW"), _("propensity trimmed to [{lo}, {hi}]; effective sample size ≥ {ess} per group; "
                           "groups called comparable only if every |SMD| < {smd} [@austin2009]",
                           lo=fmt.number(policy.TRIM_LOW, 1, lang), hi=fmt.number(policy.TRIM_HIGH, 1, lang),
                           ess=policy.MIN_ESS, smd=fmt.number(policy.SMD_BALANCE, 1, lang))),
        (_("Cronbach's alpha"), _("at least {n} firms answering every item", n=policy.GATES["alpha"].min_n)),
    ]
    for what, rule in gates:
        rows.append({_.pgettext("table header", "Rule"): what, _.pgettext("table header", "Family"): rule,
                     _.pgettext("table header", "Decision"): _("gate: reason shown instead of numbers")})
    rows.append({_.pgettext("table header", "Rule"): _("Verdict on a hypothesis"),
                 _.pgettext("table header", "Family"): _("adjusted p < {alpha} with the expected sign; parts combined",
                                                alpha=phrases.alpha(lang)),
                 _.pgettext("table header", "Decision"): _("supported / mixed / not supported / not testable")})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 5 results
def _verdict(v: V.Verdict, lang: str) -> str:
    return T.verdict_word(v.code, lang)


def result_confirmatory(h: dict, v: V.Verdict, cross: dict, lang: str) -> str:
    _ = messages(lang)
    t = h["tests"]
    text = _("{id} ({name}): the CSR coefficient is {est} points (95% CI {ci}; p {p}; Holm-adjusted p {p_adj}); "
             "under the policy the hypothesis is {verdict}.",
             id=h["id"], name=lower(h["name"][lang]), est=phrases.estimate(cross.get(t["estimate"]), lang),
             ci=phrases.interval(cross.get(t["ci_low"]), cross.get(t["ci_high"]), lang),
             p=phrases.p_text(_f(cross.get(t["p_value"])), lang),
             p_adj=fmt.pvalue(_f(cross.get(t["p_adjusted"])), lang), verdict=_verdict(v, lang))
    return p(esc(text))


def result_channels(h: dict, v: V.Verdict, lang: str, cb) -> str:
    _ = messages(lang)
    parts = []
    for part, pv in zip(h["parts"], v.parts):
        parts.append(_("{channel} {est} {ci} (BH p {p})", channel=lower(T.label(part["channel"], lang, cb)),
                       est=phrases.estimate(pv.numbers["estimate"], lang, 3),
                       ci=phrases.interval(pv.numbers["ci_low"], pv.numbers["ci_high"], lang, 3),
                       p=fmt.pvalue(pv.numbers["p_adjusted"], lang)))
    text = _("H4 (district channels): the average marginal effects on the CSR index, all districts, are: {parts}; "
             "the hypothesis is {verdict}.", parts="; ".join(parts), verdict=_verdict(v, lang))
    return p(esc(text))


def result_heterogeneity(v: V.Verdict, cross: dict, lang: str, cb, power_pooled) -> str:
    _ = messages(lang)
    parts = [_("{score}: p {p}, BH {q}", score=lower(cb.label(pv.hypothesis.replace("score_", ""), lang)),
               p=fmt.pvalue(pv.numbers["p_value"], lang), q=fmt.pvalue(pv.numbers["p_adjusted"], lang)) for pv in v.parts]
    text = _("H5 (district context): the Wald tests of equal CSR slopes across districts give {parts}; the hypothesis "
             "is {verdict}. With the pooled sample the smallest correlation the main model detects with 80% power "
             "is {mde}, and a difference between districts needs to be larger still.",
             parts="; ".join(parts), verdict=_verdict(v, lang), mde=fmt.number(_f(power_pooled), 2, lang))
    return p(esc(text))


def gate_text(record, lang: str) -> str:
    """A gate's record in a results file ("not estimable: few_epv(count=26, k=9, ...)") in words
    (present.reasons), or '' when the value is not such a record."""
    import re

    from ...stats.estimability import Reason
    from ..reasons import reason_text

    if not isinstance(record, str) or not record.startswith("not estimable"):
        return ""
    out = []
    for code, body in re.findall(r"(\w+)\(([^)]*)\)", record):
        values = {}
        for pair in filter(None, (x.strip() for x in body.split(","))):
            key, _sep, value = pair.partition("=")
            try:
                values[key] = int(value) if value.lstrip("-").isdigit() else float(value)
            except ValueError:
                values[key] = value
        try:
            out.append(reason_text(Reason(code, values), lang))
        except (KeyError, ValueError):
            out.append(code)
    return "; ".join(out)


def result_certification(v: V.Verdict, lang: str, gate_record=None) -> str:
    _ = messages(lang)
    a, b = v.parts
    a_text = (_("the AIPW difference in innovation between certified and comparable uncertified firms is {est} "
                "{ci} (BH p {p})", est=phrases.estimate(a.numbers["estimate"], lang),
                ci=phrases.interval(a.numbers["ci_low"], a.numbers["ci_high"], lang),
                p=fmt.pvalue(a.numbers["p_adjusted"], lang))
              if a.reason != "unbalanced" else
              _("after weighting, certified and uncertified firms still differ in their covariates (some |SMD| ≥ "
                "{smd}), so the weighted comparison is not read", smd=fmt.number(policy.SMD_BALANCE, 1, lang)))
    if b.code == V.NOT_TESTABLE:
        b_text = _("the ISO 14001 model cannot be estimated under the policy ({reason})",
                   reason=gate_text(gate_record, lang) or T.reason_word(b.reason, lang))
    else:
        b_text = _("an increase of one in log(1 + employees) goes with a change of {est} {ci} in the probability of "
                   "holding ISO 14001", est=phrases.estimate(b.numbers["estimate"], lang, 3),
                   ci=phrases.interval(b.numbers["ci_low"], b.numbers["ci_high"], lang, 3))
    text = _("H6 (certification and size): {a_text} ({a_verdict}); {b_text} ({b_verdict}); the hypothesis is "
             "{verdict}.", a_text=a_text, a_verdict=_verdict(a, lang), b_text=b_text, b_verdict=_verdict(b, lang),
             verdict=_verdict(v, lang))
    return p(esc(text))


def results_tables_text(lang: str, t_tests: int, t_coef: int, full: bool) -> str:
    _ = messages(lang)
    text = _("Table {tests} lists every test of the hypotheses with its adjustment and verdict; Table {coef} gives "
             "the main model, pooled OLS with district fixed effects, in full.", tests=t_tests, coef=t_coef)
    if not full:
        text += " " + _("The cross-district run of this build records only the CSR coefficient of the main model; "
                        "the other terms are shown as dashes.")
    return p(esc(text))


def robustness_text(lang: str, cross: dict, curve: dict, table: int, figure: int, cb) -> str:
    _ = messages(lang)
    changes = {}
    for s in T.SCORES:
        base = _f(cross.get(f"ols_pooled.{s}.csr_overall.estimate"))
        for k in ("weighted", "mice"):
            alt = _f(cross.get(f"robustness.{s}.{k}.estimate"))
            if math.isfinite(base) and math.isfinite(alt):
                changes[(s, k)] = alt - base
    if not changes:
        return ""
    (score, kind), diff = max(changes.items(), key=lambda kv: abs(kv[1]))
    kind_word = _("post-stratification weights") if kind == "weighted" else _("multiple imputation")
    text = _("Table {t} and Figure {f} gather the robustness checks. The largest change of a CSR coefficient is "
             "for {score} with {kind}: {diff} points. The specification curves test each outcome family jointly "
             "across every defensible specification; their p-values come from {B} bootstrap draws, with a Monte "
             "Carlo error of about ±{mc} near 0.05 [@simonsohn2020].", t=table, f=figure,
             score=lower(cb.label(score.replace("score_", ""), lang)), kind=kind_word,
             diff=phrases.estimate(diff, lang), B=fmt.integer(500, lang),
             mc=fmt.number(policy.mc_error(policy.ALPHA, 500), 3, lang))
    return p(esc(text))


# --------------------------------------------------------------------------- 6 discussion
def comparison(h: dict, v: V.Verdict, results: dict, lang: str) -> str:
    """How the result compares with each work of `compare` that reports a direction (and a size where one is
    published), decided by `verdicts.agreement`."""
    _ = messages(lang)
    out = []
    for c in h.get("compare", []):
        if h["family"] == "confirmatory":
            vals = results[h["run"]]
            lo, hi = vals.get(h["tests"]["ci_low"]), vals.get(h["tests"]["ci_high"])
        elif h["id"] == "H4":
            lo = min((pv.numbers["ci_low"] for pv in v.parts), default=math.nan)
            hi = max((pv.numbers["ci_high"] for pv in v.parts), default=math.nan)
            lo = hi = math.nan if not any(pv.code == V.SUPPORTED for pv in v.parts) else lo
        else:
            lo = hi = math.nan
        agree = V.agreement(c["direction"], lo, hi)
        words = {"consistent": _("our result has the same direction"), "opposite": _("our result has the opposite direction"),
                 "inconclusive": _("our interval includes zero, so the comparison is inconclusive"),
                 "not_comparable": _("the work reports no comparable quantity, so no comparison is drawn"),
                 "no_result": _("we have no estimate to compare with it")}
        if h["id"] == "H4" and c["direction"] in ("+", "-"):
            agree = "consistent" if v.code == V.SUPPORTED else "inconclusive"
        if c["direction"] in ("+", "-"):
            direction = _("positive") if c["direction"] == "+" else _("negative")
            sentence = _("@{key} found a {direction} sign for the {quantity}; {agreement}.", key=c["key"],
                         direction=direction, quantity=c["quantity"][lang], agreement=words[agree])
        else:  # a direction in words (heterogeneous, none...): the quantity is named, not compared
            sentence = _("@{key} studied the {quantity}; {agreement}.", key=c["key"], quantity=c["quantity"][lang],
                         agreement=words[agree])
        if c.get("value") is not None and h["family"] == "confirmatory":
            vals = results[h["run"]]
            r = V.partial_r(vals.get(h["tests"]["estimate"]), vals.get(h["tests"]["std_error"]),
                            vals.get("ols_pooled_terms." + h["tests"]["estimate"].split(".")[1] + ".df_resid"))
            if math.isfinite(r):
                sentence += " " + _("Their corrected correlation is {value}; the partial correlation of our coefficient "
                                    "is {r}.", value=fmt.number(c["value"], 2, lang), r=fmt.number(r, 2, lang))
        out.append(sentence)
    return " ".join(out)


def discussion(lang: str, hyps: list[dict], verdicts: dict, results: dict, table: int) -> str:
    _ = messages(lang)
    readable = policy.secondary_readable(V.confirmatory_p(results, hyps))
    out = [p(esc(_("Table {t} gives the verdict on each hypothesis, decided from the numbers by the declared policy, "
                   "and how it compares with the works that report a comparable quantity.", t=table)))]
    if not readable:
        out.append(p(esc(_("No confirmatory hypothesis holds after Holm's adjustment, so under the policy the "
                           "secondary results are exploratory: a secondary test that passes its own adjustment is "
                           "reported, not read as support."))))
    for h in hyps:
        v = verdicts[h["id"]]
        text = _("{id} is {verdict}.", id=h["id"], verdict=T.verdict_word(v.code, lang))
        comp = comparison(h, v, results, lang)
        gap = h.get("gap", {}).get(lang)
        out.append(p(esc(" ".join(x for x in (text, comp, gap or "") if x))))
    return "".join(out)


def comparisons_cell(h: dict, lang: str) -> str:
    """The works a hypothesis is compared with, for the verdict table."""
    keys = [c["key"] for c in h.get("compare", []) if c.get("direction")]
    return "[" + "; ".join(f"@{k}" for k in keys) + "]" if keys else ""


# --------------------------------------------------------------------------- 7 limitations, implications, conclusion
def limitations(lang: str, cross: dict, districts_power: dict, meta: dict, cb) -> str:
    _ = messages(lang)
    out = [p(esc(x)) for x in sources.prose("limitations_fixed", lang)]
    harman = _f(cross.get("harman.outcome and CSR practice items.first_factor_share"))
    if math.isfinite(harman):
        out.append(p(esc(_("Harman's single-factor test puts {share} of the variance of the CSR and performance items "
                           "on the first factor; a single factor does not dominate, which is necessary but not "
                           "sufficient evidence against common-method bias [@podsakoff2003].",
                           share=fmt.percent(harman, 1, lang)))))
    power = [_("{district} {r}", district=methods.short_label(d, lang, cb), r=fmt.number(_f(r), 2, lang))
             for d, r in districts_power.items() if math.isfinite(_f(r))]
    if power:
        out.append(p(esc(_("Power is low within a district: the smallest correlation each district's main model "
                           "detects with 80% power is {list}, so district results are descriptive.",
                           list=fmt.join(power, lang)))))
    if meta.get("synthetic"):
        out.append(p(esc(_("Above all, the numbers of this version are computed on synthetic microdata: they show "
                           "what the analysis does, not what the districts' firms did."))))
    return "".join(out)


def implications(lang: str) -> str:
    return "".join(p(esc(x)) for x in sources.prose("implications", lang))


def conclusion(lang: str, verdict_table: int) -> str:
    return "".join(p(esc(x.format(verdict_table=verdict_table))) for x in sources.prose("conclusion", lang))


def data_availability(lang: str) -> str:
    out = []
    for x in sources.prose("data_availability", lang):
        lead, _sep, rest = esc(x).partition(". ")
        rest = rest.replace("`", "")
        out.append(p(f"<strong>{lead}.</strong> {rest}"))
    return "".join(out)


def appendix(lang: str, reports: list[tuple[str, str]]) -> str:
    """The online supplement: each report of the compendium, linked."""
    _ = messages(lang)
    items = "".join(f'<li><a href="{esc(href)}">{esc(title)}</a></li>' for href, title in reports)
    return p(esc(_("The reports of the compendium are the online supplement of this paper; each gives the full "
                   "details of one analysis."))) + f"<ul class=\"supplement\">{items}</ul>"
