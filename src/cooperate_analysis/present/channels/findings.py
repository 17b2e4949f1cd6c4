"""The channels report's key findings, the sentence under its channel figure and its index sentence, each a
whole message with named placeholders (rules of the readings: `text`)."""
from __future__ import annotations

import numpy as np

from ...data.codebook import load_codebook
from ...data.derived import ADOPTION_REGRESSORS
from ...stats import disclosure as sdc
from ...stats import policy
from ...stats.estimability import Check
from ...stats.measures import share_difference
from .. import disclosure
from .. import formatting as fmt
from .. import phrases
from ..i18n import messages
from .names import (ALPHA, CHANNEL_TERMS, channel_family, channel_name, moderation_family, is_fit, method_prose, outcome_name, percent_interval,
                    regressor_name, regressor_prose, sample_name, scaled_ame, short_item)
from .text import (GAP_OUTCOMES, SECTION_BLOCKS, SECTION_NAMES, _block_names, _with_article, channel_codes,
                   questionnaire_sentence, share_cell, unsupported_sections)


def _lower(text: str) -> str:
    return phrases.lower_first(text)


def _ame_item(fit, term: str, lang: str) -> tuple[str, str]:
    """('name +0.05 [0.01, 0.09]', direction) of a regressor's AME in a fit."""
    est, low, high, _p = scaled_ame(fit, term)
    _ = messages(lang)
    text = _("{name} {estimate} {interval}", name=_lower(regressor_name(term, lang)),
                          estimate=phrases.estimate(est, lang), interval=phrases.interval(low, high, lang))
    return text, phrases.direction(low, high)


def _directions(fit, terms, lang: str) -> tuple[list[str], list[str], list[str]]:
    items, pos, neg = [], [], []
    for term in terms:
        text, kind = _ame_item(fit, term, lang)
        items.append(text)
        if kind == "pos":
            pos.append(_lower(regressor_name(term, lang)))
        elif kind == "neg":
            neg.append(_lower(regressor_name(term, lang)))
    return items, pos, neg


def _dir_text(pos, neg, lang) -> str:
    _ = messages(lang)
    parts = []
    if pos:
        # Translators: the channels whose average marginal effect is positive ("{list} (positivi)")
        parts.append(_("{list} (positive)", list=phrases.join(pos, lang)))
    if neg:
        parts.append(_("{list} (negative)", list=phrases.join(neg, lang)))
    return "; ".join(parts)


def _verdicts(fit, adjusted: dict, group: str, lang: str) -> str:
    """Which channels of `group` are significant after the family's adjustment, and in which direction."""
    _ = messages(lang)
    pos, neg = [], []
    for term in CHANNEL_TERMS:
        p = adjusted.get((group, term))
        if policy.significant(p):
            (pos if scaled_ame(fit, term)[0] > 0 else neg).append(_lower(regressor_name(term, lang)))
    m = fmt.integer(len(adjusted), lang)
    if pos or neg:
        return _("After Benjamini-Hochberg adjustment over the {m} channel effects of every sample, significant: "
                 "{list}.", m=m, list=_dir_text(pos, neg, lang))
    return _("After Benjamini-Hochberg adjustment over the {m} channel effects of every sample, no channel's effect "
             "is significant.", m=m)


def _drivers(drivers: dict, lang: str) -> list[str]:
    _ = messages(lang)
    out = []
    pooled = drivers.get("pooled", {})
    fit = pooled.get("csr_overall")
    if not is_fit(fit):
        return out
    items, _pos, _neg = _directions(fit, CHANNEL_TERMS, lang)
    text = _("CSR index, all districts (fractional logit with district fixed effects, n = {n}): average marginal "
             "effects of the channels, in points of the 0-1 index: {list}.", n=fmt.integer(fit.n, lang),
             list="; ".join(items))
    out.append(text + " " + _verdicts(fit, channel_family(drivers, "csr_overall"), "pooled", lang))
    ols = pooled.get("csr_overall_ols")
    if is_fit(ols):
        same, diff = 0, []
        for term in ADOPTION_REGRESSORS:
            a, b = scaled_ame(fit, term), scaled_ame(ols, term)
            if phrases.direction(a[1], a[2]) == phrases.direction(b[1], b[2]):
                same += 1
            else:
                diff.append(regressor_prose(term, lang))
        m = len(ADOPTION_REGRESSORS)
        if diff:
            out.append(_.ngettext(
                "The OLS sensitivity analysis reads the same way (interval above, below or across zero) for {n} of "
                "the {m} regressors; not for {list}.",
                "The OLS sensitivity analysis reads the same way (interval above, below or across zero) for {n} of "
                "the {m} regressors; not for {list}.", same, m=fmt.integer(m, lang), list=phrases.join(diff, lang)))
        else:
            out.append(_("The OLS sensitivity analysis reads the same way (interval above, below or across zero) for "
                         "all {m} regressors.", m=fmt.integer(m, lang)))
    return out


def _certification(drivers: dict, cert: str, lang: str, cb, quotes=None) -> list[str]:
    """The pooled certification model's channel effects; the number of certified firms it quotes passes the
    disclosure policy (k certified of the model's n firms): with real data a count the policy suppresses is
    left out of the sentence (as when the model records none), with synthetic data it is marked."""
    _ = messages(lang)
    quotes = quotes if quotes is not None else disclosure.Quotes(lang)
    out = []
    cfit = drivers.get("pooled", {}).get(cert)
    if is_fit(cfit):
        items, _pos, _neg = _directions(cfit, CHANNEL_TERMS, lang)
        events = getattr(cfit, "events", None)
        values = dict(cert=outcome_name(cert, lang, cb), method=method_prose(cfit.method, lang),
                      firms=fmt.integer(cfit.n, lang), list="; ".join(items))
        if events is not None and phrases.finite(events):
            count = quotes(fmt.integer(int(events), lang), sdc.Cell.share(int(events), int(cfit.n)))
            events = None if isinstance(count, disclosure.Withheld) else events
            if count != fmt.integer(int(events or 0), lang) and events is not None:
                values["n"] = count  # marked (synthetic data)
        if events is not None and phrases.finite(events):
            text = _.ngettext("{cert}, all districts ({method}; n = {firms}; {n} certified firm): {list}.",
                              "{cert}, all districts ({method}; n = {firms}; {n} certified firms): {list}.",
                              int(events), **values)
        else:
            text = _("{cert}, all districts ({method}; n = {firms}): {list}.", **values)
        out.append(text + " " + _verdicts(cfit, channel_family(drivers, cert), "pooled", lang))
    certs = [r for g in drivers.values() for m, r in g.items() if m.startswith("cert_") and is_fit(r)]
    if certs:
        firth = sum("firth" in str(r.method).lower() for r in certs)
        out.append(_.ngettext("Of the {m} certification models estimated (all samples), {n} used Firth's penalised "
                              "likelihood (named in the model table).",
                              "Of the {m} certification models estimated (all samples), {n} used Firth's penalised "
                              "likelihood (named in the model table).", firth, m=fmt.integer(len(certs), lang)))
    districts = [g for g in drivers if g != "pooled"]
    ok = [sample_name(g, lang, cb) for g in districts if is_fit(drivers[g].get("csr_overall"))]
    bad = [sample_name(g, lang, cb) for g in districts if not is_fit(drivers[g].get("csr_overall"))]
    if ok and bad:
        out.append(_("Per district, the CSR-index model could be estimated in {ok}; not in {bad} (the model table says "
                     "why).", ok=phrases.join(ok, lang), bad=phrases.join(bad, lang)))
    elif ok:
        out.append(_("Per district, the CSR-index model could be estimated in {ok}.", ok=phrases.join(ok, lang)))
    elif bad:
        out.append(_("Per district, the CSR-index model could not be estimated in {bad} (the model table says why).",
                     bad=phrases.join(bad, lang)))
    return out


def _salience(salience: dict, lang: str, cb) -> list[str]:
    _ = messages(lang)
    out = []
    fitted = {g: s for g, s in salience.items() if hasattr(s, "items") and phrases.finite(s.p_value)}
    s = fitted.get("pooled")
    if s is not None:
        top = s.items.sort_values("mean_rank", ascending=False).iloc[0]["item"]
        values = dict(sample=sample_name("pooled", lang, cb), chi2=fmt.number(s.statistic, 2, lang),
                      df=fmt.integer(s.df, lang), p=phrases.p_text(s.p_value, lang),
                      w=fmt.number(s.kendall_w, 3, lang), n=fmt.integer(s.n, lang),
                      top=_lower(short_item(top, lang, cb)))
        if s.p_value < ALPHA:
            out.append(_("{sample}: the stakeholders differ in importance to the firms (Friedman χ² = {chi2}, df = {df}, "
                         "p {p}; Kendall's W = {w}; n = {n}); highest mean rank: {top}.", **values))
        else:
            out.append(_("{sample}: the stakeholders cannot be told apart in importance (Friedman χ² = {chi2}, "
                         "df = {df}, p {p}; Kendall's W = {w}; n = {n}); highest mean rank: {top}.", **values))
    districts = {g: s for g, s in fitted.items() if g != "pooled"}
    if districts:
        first = {g: s.items.sort_values("mean_rank", ascending=False).iloc[0]["item"] for g, s in districts.items()}
        if len(districts) > 1 and len(set(first.values())) == 1:  # the same stakeholder first everywhere
            tops = [_("{item} in every district", item=_lower(short_item(next(iter(first.values())), lang, cb)))]
        else:
            # Translators: the stakeholder ranked first in a district ("clienti a Capannori")
            tops = [_("{item} in {district}", item=_lower(short_item(item, lang, cb)), district=sample_name(g, lang, cb))
                    for g, item in first.items()]
        ws = [s.kendall_w for s in districts.values()]
        k = sum(s.p_value < ALPHA for s in districts.values())
        out.append(_.ngettext(
            "Per district, the stakeholders differ in importance (Friedman p < {alpha}) in {n} of {m} districts, "
            "with Kendall's W from {low} to {high}; highest mean rank: {tops}.",
            "Per district, the stakeholders differ in importance (Friedman p < {alpha}) in {n} of {m} districts, "
            "with Kendall's W from {low} to {high}; highest mean rank: {tops}.", k,
            alpha=phrases.alpha(lang), m=fmt.integer(len(districts), lang), low=fmt.number(min(ws), 2, lang),
            high=fmt.number(max(ws), 2, lang), tops="; ".join(tops)))
    return out


def _barrier(likert: dict, published, lang: str, cb, quotes=None) -> list[str]:
    """The barrier most firms rate important (pooled sample) beside the published consultation shares (real
    figures, quoted as they are); the survey share passes the disclosure policy with the decisions of the
    barriers table (the pooled sample the sum of the districts), and with real data the barrier is chosen
    among the shares that may be published."""
    from .. import bibliography
    from .tables import consultation_figures, consultation_text

    _ = messages(lang)
    quotes = quotes if quotes is not None else disclosure.Quotes(lang)
    summary = likert.get("pooled")
    if summary is None or not len(summary) or published is None:
        return []
    cells = {(r["item"], g): share_cell(r) for g, t in likert.items() if hasattr(t, "columns")
             for r in t.to_dict("records")}
    codes = disclosure.by_groups(cells)
    hidden = disclosure.undrawn(codes, quotes.mode)
    barriers = summary[summary["item"].astype(str).str.startswith("bar_") & (summary["n"] > 0)]
    barriers = barriers[[(item, "pooled") not in hidden for item in barriers["item"]]]
    consultation = consultation_figures(published)
    if not len(barriers) or not len(consultation):
        return []
    top = barriers.sort_values("share", ascending=False, kind="stable").iloc[0]
    bar = consultation[consultation["measure"].str.contains("barrier", case=False)]
    parts = [_("{answer} {share}", answer=consultation_text(m, lang)[1], share=fmt.percent(float(v) / 100, 0, lang))
             for m, v in zip(bar["measure"], bar["value"])]
    years = sorted({y for y in (str(x).removeprefix("c.").strip() for x in consultation["year"]) if y.isdigit()})
    key = bibliography.source_key("S3") if "S3" in bibliography.source_keys() else "vaasa_cooperate"
    return [_("The barrier rated important by the largest share of firms (all districts): {item}, {share}. The "
              "project's stakeholder consultation (real, published figures, about {year}, the project's districts "
              "together) gave {published} [@{key}]; other respondents and other questions, so the two are not "
              "compared.", item=_lower(short_item(top["item"], lang, cb)),
              share=quotes(percent_interval(top["share"], top["ci_low"], top["ci_high"], lang), share_cell(top),
                           code=codes.get((top["item"], "pooled"), "")),
              year=fmt.join(years, lang) or fmt.MISSING, published=phrases.join(parts, lang), key=key)]


def findings_channels(drivers: dict, by_channel: dict, gradients: dict, moderation: dict, salience: dict,
                      likert: dict, published, meta: dict, lang: str = "en", cb=None,
                      cert: str = "cert_iso14001", questionnaire: dict | None = None) -> list[str]:
    """The key findings of the channels report, from its results: the pooled CSR-index AMEs of the channels
    (with the intervals that exclude zero), the OLS sensitivity, the pooled logit of `cert` and how many
    certification models used Firth, where the district models could be estimated, certification among
    users and non-users of intermediary support, the channels gradient, the exploratory moderation count,
    the questionnaire's blocks of the pooled sample (`text.questionnaire_sentence`), stakeholder salience
    per sample, the barrier most firms rate important beside the published consultation shares, the
    sections the survey cannot support, and the caveats. Inputs are the notebook's dicts ({group: result});
    a missing or not-estimable result gives no sentence."""
    cb = cb or load_codebook()
    _ = messages(lang)
    quotes = disclosure.Quotes(lang, disclosure.mode(meta))
    out = _drivers(drivers, lang) + _certification(drivers, cert, lang, cb, quotes)
    table = by_channel.get("pooled")
    if table is not None and len(table):
        rows = table[(table["outcome"] == "cert_any") & (table["channel"] == "intermediary_support")]
        used, unused = rows[rows["used"] == 1], rows[rows["used"] == 0]
        if len(used) and len(unused) and used.iloc[0]["n"] > 0 and unused.iloc[0]["n"] > 0:
            u, v = used.iloc[0], unused.iloc[0]
            codes = channel_codes(by_channel)

            def share(row) -> str:
                text = percent_interval(row["share"], row["ci_low"], row["ci_high"], lang)
                key = ("cert_any", "intermediary_support", int(row["used"]), "pooled")
                return _with_article(quotes(text, share_cell(row), code=codes.get(key, "")), lang)

            out.append(_("{channel}: {own} of the firms that use it hold a CSR certification, against {other} of "
                         "those that do not (Wilson 95% intervals).", channel=channel_name("intermediary_support", lang),
                         own=share(u), other=share(v)))
    g = gradients.get("pooled")
    if hasattr(g, "spearman_rho") and phrases.finite(g.spearman_rho) and phrases.finite(g.spearman_p):
        values = dict(rho=phrases.estimate(g.spearman_rho, lang), p=phrases.p_text(g.spearman_p, lang),
                      slope=phrases.estimate(g.slope["estimate"], lang, 3),
                      ci=fmt.interval(g.slope["ci_low"], g.slope["ci_high"], 3, lang), n=fmt.integer(g.n, lang))
        if g.spearman_p >= ALPHA:
            out.append(_("The CSR index shows no clear trend with the number of channels a firm uses (all districts: "
                         "Spearman ρ {rho}, p {p}; OLS slope {slope} per channel, 95% CI {ci}; n = {n}).", **values))
        elif g.spearman_rho > 0:
            out.append(_("The CSR index rises with the number of channels a firm uses (all districts: Spearman ρ "
                         "{rho}, p {p}; OLS slope {slope} per channel, 95% CI {ci}; n = {n}).", **values))
        else:
            out.append(_("The CSR index falls with the number of channels a firm uses (all districts: Spearman ρ "
                         "{rho}, p {p}; OLS slope {slope} per channel, 95% CI {ci}; n = {n}).", **values))
    adjusted_moderation = moderation_family(moderation)
    if adjusted_moderation:
        adjusted = np.array(list(adjusted_moderation.values()))
        k = int((adjusted < ALPHA).sum())
        tests = adjusted
        values = dict(m=fmt.integer(len(tests), lang), alpha=phrases.alpha(lang))
        if k == 0:
            text = _("Exploratory: none of the {m} tests of the CSR index × formal network interaction on the "
                     "competitiveness scores has a Benjamini-Hochberg p below {alpha} (adjusted per score across "
                     "samples).", **values)
        else:
            text = _.ngettext("Exploratory: {n} of the {m} tests of the CSR index × formal network interaction on the "
                              "competitiveness scores has a Benjamini-Hochberg p below {alpha} (adjusted per score "
                              "across samples).",
                              "Exploratory: {n} of the {m} tests of the CSR index × formal network interaction on the "
                              "competitiveness scores have a Benjamini-Hochberg p below {alpha} (adjusted per score "
                              "across samples).", k, **values)
        if meta.get("synthetic"):
            text += " " + _("The synthetic generator has no such interaction, so any found is a false positive of "
                            "the exploration.")
        out.append(text)
    said = questionnaire_sentence((questionnaire or {}).get("pooled"), lang, cb, quotes, questionnaire)
    if said:
        out.append(said)
    out += _salience(salience, lang, cb)
    out += _barrier(likert, published, lang, cb, quotes)
    if quotes.note():
        out.append(quotes.note())
    sections = unsupported_sections(meta)
    if sections:
        absent = set(meta.get("absent_blocks") or [])
        blocks = [b for b in dict.fromkeys(b for s in sections for b in SECTION_BLOCKS[s]) if b in absent]
        out.append(_("This survey has no answers for {blocks} (codebook version 2), so its data cannot support "
                     "{sections}.", blocks=_block_names(blocks, lang, cb),
                     sections=phrases.join([_(SECTION_NAMES[s]) for s in sections], lang)))
    if out and any(is_fit(r) for g in drivers.values() for r in g.values()):
        out.append(_("These are associations in one cross-section of self-reported answers, not effects of the "
                     "channels."))
    if meta.get("synthetic"):
        out.append(_("Synthetic data: the survey numbers are illustrative, not findings about the real districts; "
                     "the published consultation shares are real."))
    return out


def channel_gaps(table, lang: str = "en", by_group: dict | None = None, mode: str | None = None,
                 group: str = "pooled") -> str:
    """Under the channel figure: for each outcome of `table` (`adoption.adoption_by_channel` of one sample),
    the channel with the largest difference in share between users and non-users, both shares with their
    Wilson intervals, and the difference with Newcombe's 95% interval (never whether two intervals overlap,
    which is no test). '' when no channel has firms in both groups.

    The shares pass the disclosure policy with the decisions of the channel tables (`by_group`: every sample's
    table, `table` being its `group`; without it each cell alone): with real data the channel is chosen
    among those whose two shares may be published (a difference would give back a withheld share); with
    synthetic data a marked share marks its difference too, and a note follows."""
    _ = messages(lang)
    quotes = disclosure.Quotes(lang, mode)
    codes = channel_codes(by_group if by_group else {group: table})
    hidden = disclosure.undrawn(codes, quotes.mode)
    out = []
    for outcome in dict.fromkeys(table["outcome"]):
        best = None
        for channel in dict.fromkeys(table["channel"]):
            rows = table[(table["outcome"] == outcome) & (table["channel"] == channel)].set_index("used")
            if not {0, 1} <= set(rows.index) or (rows["n"] == 0).any():
                continue
            if {(outcome, channel, 1, group), (outcome, channel, 0, group)} & hidden:
                continue
            gap = abs(rows.loc[1, "share"] - rows.loc[0, "share"])
            if best is None or gap > best[0]:
                best = (gap, channel, rows.loc[1], rows.loc[0])
        if best is None:
            continue
        _gap, channel, u, v = best
        diff, low, high = share_difference(u["k"], u["n"], v["k"], v["n"])
        code_u, code_v = codes.get((outcome, channel, 1, group), ""), codes.get((outcome, channel, 0, group), "")
        shown = {"used": quotes(percent_interval(u["share"], u["ci_low"], u["ci_high"], lang), share_cell(u),
                                code=code_u),
                 "unused": quotes(percent_interval(v["share"], v["ci_low"], v["ci_high"], lang), share_cell(v),
                                  code=code_v)}
        flag = disclosure.NBSP + disclosure.FLAG if (code_u or code_v) else ""
        out.append(_("{outcome}: the largest difference between the firms that use a channel and those that do not "
                     "is for {channel}, {used} against {unused}: a difference of {diff} percentage points, 95% CI "
                     "{ci} (Newcombe's interval for a difference of shares).",
                     outcome=_(GAP_OUTCOMES[outcome]) if outcome in GAP_OUTCOMES else outcome,
                     channel=_lower(channel_name(channel, lang)),
                     used=shown["used"], unused=shown["unused"],
                     diff=fmt.number(100 * diff, 1, lang, sign=True),
                     ci=fmt.interval(100 * low, 100 * high, 1, lang) + flag))
    if quotes.note():
        out.append(quotes.note())
    return " ".join(out)


def index_sentence(values: dict, parameters: dict | None = None, lang: str = "en", cb=None) -> str:
    """One findings sentence for the index from a channels report's results: the pooled CSR-index AMEs of
    intermediary support and formal network membership with their 95% intervals
    ('drivers.pooled.csr_overall.<term>.estimate' ...), or that they are not estimable."""
    _ = messages(lang)
    if str(values.get("drivers", "")).startswith("not supported"):
        return _("The survey has no answers on the channels (codebook version 1): the report shows the published "
                 "stakeholder-consultation shares only.")
    parts = []
    for term in ("intermediary_support", "network_member"):
        key = f"drivers.pooled.csr_overall.{term}"
        vals = [values.get(f"{key}.{c}") for c in ("estimate", "ci_low", "ci_high")]
        if all(phrases.finite(v) and not isinstance(v, (bool, str)) for v in vals):
            parts.append(_("{name} {estimate} {interval}", name=_lower(regressor_name(term, lang)),
                           estimate=phrases.estimate(vals[0], lang), interval=phrases.interval(vals[1], vals[2], lang)))
    n = values.get("drivers.pooled.csr_overall.n")
    if not parts or not phrases.finite(n):
        return _("Drivers of adoption not estimable with these data.")
    return _("CSR index, all districts (fractional logit, n = {n}), average marginal effect of {list}.",
             n=fmt.integer(n, lang), list=phrases.join(parts, lang))
