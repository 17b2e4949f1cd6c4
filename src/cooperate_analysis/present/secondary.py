"""The secondary results of the regression reports in words: the association grid, the single-item
ordered logits, the certification contrasts (IPW / AIPW), the covariate balance of their weights and
the district heterogeneity of the CSR slope.

A result is called significant only when its adjusted p (the table's `p_adj`, else the adjustment
named in the sentence, computed as the tables compute it) is below 0.05. Shared by the district and
cross-district reports, so its messages are in ``common.po``; it never imports a report kind.
"""
from __future__ import annotations

import numpy as np

from ..data.codebook import load_codebook
from . import formatting as fmt
from . import phrases
from .i18n import N_, messages
from .phrases import ALPHA, finite
from .regression import balance_label

ADJUSTMENTS = {"bh": "fdr_bh", "holm": "holm"}
ADJUSTMENT_NAMES = {"bh": "Benjamini-Hochberg", "holm": "Holm"}  # proper names: the same in every language
EFFECT_NAMES = {"spearman_rho": "rho", "kendall_tau_b": "tau", "rank_biserial": "r", "phi": "phi"}  # symbols


def adjusted(p, method: str = "bh"):
    """Adjusted p-values of one family (NaN kept, not counted): Benjamini-Hochberg ('bh') or Holm
    ('holm'), by the same statsmodels `multipletests` call the tables use (`inference.fdr_by_family`)."""
    from ..stats.inference import fdr_by_family

    if method not in ADJUSTMENTS:
        raise ValueError(f"adjustment must be 'bh' or 'holm', not {method!r}")
    p = np.asarray(p, dtype=float)
    return fdr_by_family(p, ["family"] * len(p), ADJUSTMENTS[method]) if len(p) else np.full(p.shape, np.nan)


def _label(name: str, lang: str, cb) -> str:
    try:
        return cb.label(name, lang)
    except KeyError:
        from ..data.derived import label

        return label(name, lang, cb)


def _exposure_name(exposure: str, lang: str, cb) -> str:
    _ = messages(lang)
    if exposure == "cert_any":
        return _.pgettext("exposure in a sentence", "CSR certification")
    dim = exposure.removeprefix("csr_")
    if dim in cb.csr_dimensions:
        return _.pgettext("exposure in a sentence", "the {dimension} CSR index",
                          dimension=phrases.lower_first(cb.label(dim, lang)))
    return phrases.lower_first(_label(exposure, lang, cb))


def _item_title(item: str, lang: str, cb) -> str:
    return phrases.upper_first(_label(item, lang, cb))


# --- the association grid --------------------------------------------------------------------------------------

GRID_CELL = N_("{exposure} with the item “{item}” ({statistic} = {effect}, adjusted p {p})")


def grid_sentence(grid, lang: str = "en", cb=None, limit: int = 5) -> str:
    """The rank associations whose Benjamini-Hochberg adjusted p (`p_adj`) is below 0.05, strongest
    evidence first (at most `limit` named), or that there is none."""
    cb = cb or load_codebook()
    _ = messages(lang)
    tested = grid[grid["p_adj"].notna()]
    sig = tested[tested["p_adj"] < ALPHA].sort_values("p_adj", kind="stable")
    n, k = len(tested), len(sig)
    if not n:
        return ""
    if not k:
        return _.ngettext("None of the rank associations ({n} tested) is significant after the Benjamini-Hochberg "
                          "adjustment within its family.",
                          "None of the {n} rank associations is significant after the Benjamini-Hochberg adjustment "
                          "within its family.", n)
    cells = [_(GRID_CELL, exposure=_exposure_name(r["exposure"], lang, cb), item=_item_title(r["outcome"], lang, cb),
               statistic=EFFECT_NAMES.get(r.get("effect_name"), "r"), effect=fmt.number(r["effect"], 2, lang),
               p=phrases.p_text(r["p_adj"], lang))
             for _i, r in sig.head(limit).iterrows()]
    if k > limit:
        cells.append(_.ngettext("{n} more (see the table)", "{n} more (see the table)", k - limit))
    return _.ngettext("{n} of the {total} rank associations is significant after the Benjamini-Hochberg adjustment "
                      "within its family: {cells}.",
                      "{n} of the {total} rank associations are significant after the Benjamini-Hochberg adjustment "
                      "within their family: {cells}.", k, total=fmt.integer(n, lang), cells=phrases.join(cells, lang))


# --- single items ----------------------------------------------------------------------------------------------

ITEM_BETTER = N_("better answers on the item “{item}” (logit coefficient {estimate}, adjusted p {p})")
ITEM_WORSE = N_("worse answers on the item “{item}” (logit coefficient {estimate}, adjusted p {p})")


def items_sentence(items, lang: str = "en", cb=None, adjustment: str = "bh") -> str:
    """The single items whose ordered-logit CSR coefficient is significant after adjustment over the
    items (the table's `p_adj` when it has one, else `adjustment`: 'bh' or 'holm' over the estimable
    items), with its direction; or that there is none."""
    cb = cb or load_codebook()
    _ = messages(lang)
    p_adj = items["p_adj"].to_numpy(dtype=float) if "p_adj" in items else adjusted(items["p_value"], adjustment)
    rows = items.assign(_p_adj=p_adj)
    tested = rows[rows["_p_adj"].notna() & rows["estimate"].notna()]
    if not len(tested):
        return ""
    sig = tested[tested["_p_adj"] < ALPHA].sort_values("_p_adj", kind="stable")
    name = ADJUSTMENT_NAMES[adjustment]
    if not len(sig):
        return _.ngettext("No single item's ordered logit has a CSR coefficient significant after the {adjustment} "
                          "adjustment over {n} item.",
                          "No single item's ordered logit has a CSR coefficient significant after the {adjustment} "
                          "adjustment over the {n} items.", len(tested), adjustment=name)
    parts = []
    for _i, r in sig.iterrows():
        message = ITEM_BETTER if r["estimate"] > 0 else ITEM_WORSE
        parts.append(_(message, item=_item_title(r["outcome"], lang, cb),
                       estimate=phrases.estimate(r["estimate"], lang), p=phrases.p_text(r["_p_adj"], lang)))
    return _.ngettext("In the ordered logits of the single items, after the {adjustment} adjustment over {n} item, a "
                      "higher CSR index goes with {list}.",
                      "In the ordered logits of the single items, after the {adjustment} adjustment over the {n} "
                      "items, a higher CSR index goes with {list}.", len(tested), adjustment=name,
                      list=phrases.join(parts, lang))


# --- certification (IPW / AIPW) ------------------------------------------------------------------------------

CERT_NONE = N_("Certified firms and comparable uncertified firms cannot be told apart on any score by IPW or AIPW "
               "after the Benjamini-Hochberg adjustment over the scores within each estimator.")
CERT_HIGHER = N_("Certified firms report higher {scale} than comparable uncertified firms: {list} (p adjusted by "
                 "Benjamini-Hochberg over the scores within each estimator); an association, not an effect of "
                 "certification.")
CERT_LOWER = N_("Certified firms report lower {scale} than comparable uncertified firms: {list} (p adjusted by "
                "Benjamini-Hochberg over the scores within each estimator); an association, not an effect of "
                "certification.")
CERT_ROW = N_("{estimate} points by {estimator} (95% CI {interval}, adjusted p {p})")


def certification_p(certification):
    """The adjusted p of each IPW / AIPW row: the table's `p_adj` when it has one, else Benjamini-Hochberg
    over the scores within each estimator (as `regression.certification_rows`)."""
    from ..stats.inference import fdr_by_family

    if "p_adj" in certification:
        return certification["p_adj"].to_numpy(dtype=float)
    return fdr_by_family(certification["p_value"].to_numpy(dtype=float), certification["model"].to_numpy())


def certification_sentence(certification, lang: str = "en", cb=None) -> str:
    """IPW / AIPW differences between certified and comparable uncertified firms whose adjusted p
    (`certification_p`) is below 0.05, by score and direction; or that none is."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = certification.assign(_p_adj=certification_p(certification))
    ok = rows[rows["estimate"].notna() & rows["_p_adj"].notna()]
    if not len(ok):
        return ""
    sig = ok[ok["_p_adj"] < ALPHA]
    if not len(sig):
        return _(CERT_NONE)
    sentences = []
    for outcome, part in sig.groupby("outcome", sort=False):
        for sign in (True, False):
            same = part[(part["estimate"] > 0) == sign]
            if not len(same):
                continue
            listed = [_(CERT_ROW, estimate=phrases.estimate(r["estimate"], lang), estimator=r["model"],
                        interval=phrases.interval(r["ci_low"], r["ci_high"], lang), p=phrases.p_text(r["_p_adj"], lang))
                      for _i, r in same.iterrows()]
            sentences.append(_(CERT_HIGHER if sign else CERT_LOWER, scale=phrases.scale_name(outcome, lang, cb),
                               list=phrases.join(listed, lang)))
    return " ".join(sentences)


def certification_found(certification, lang: str = "en", cb=None) -> bool:
    """Whether the certification sentence reports a significant IPW / AIPW difference."""
    text = certification_sentence(certification, lang, cb)
    return bool(text) and text != messages(lang)(CERT_NONE)


# --- covariate balance of the IPW / AIPW weights --------------------------------------------------------------

BALANCE_ROW = N_("{covariate} ({smd})")


def balance_sentence(balance, lang: str = "en", cb=None, threshold: float = 0.1) -> str:
    """Whether inverse probability weighting balances the covariates (`models.covariate_balance(...).table`:
    covariate, smd_after): the covariates with |SMD| >= `threshold` after weighting (Austin 2009), by name
    and SMD, or that all are balanced; '' without estimable SMDs."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = balance[balance["smd_after"].notna()]
    if not len(rows):
        return ""
    off = rows[rows["smd_after"].abs() >= threshold]
    limit = fmt.number(threshold, 1, lang)
    if not len(off):
        return _.ngettext("After inverse probability weighting every covariate is balanced between certified and "
                          "uncertified firms (|standardized mean difference| below {limit}; {n} covariate).",
                          "After inverse probability weighting every covariate is balanced between certified and "
                          "uncertified firms (|standardized mean difference| below {limit} for all {n}).", len(rows),
                          limit=limit)

    def name(covariate: str) -> str:  # district names keep their capital
        text = balance_label(covariate, lang, cb)
        return text if "=" in covariate or "[T." in covariate else phrases.lower_first(text)

    names = [_(BALANCE_ROW, covariate=name(r["covariate"]), smd=phrases.estimate(r["smd_after"], lang))
             for _i, r in off.iterrows()]
    return _.ngettext("After inverse probability weighting the covariate {list} remains imbalanced (|standardized "
                      "mean difference| of {limit} or more), so the IPW comparison is not fully adjusted for it; "
                      "AIPW, which also models the outcome, stays consistent if that model is right.",
                      "After inverse probability weighting the covariates {list} remain imbalanced (|standardized "
                      "mean difference| of {limit} or more), so the IPW comparison is not fully adjusted for them; "
                      "AIPW, which also models the outcome, stays consistent if that model is right.", len(off),
                      list=phrases.join(names, lang), limit=limit)


# --- district heterogeneity of the CSR slope ----------------------------------------------------------------

HET_TEST = N_("{scale} p {p}")
HET_TEST_ADJUSTED = N_("{scale} p {p}, adjusted p {p_adjusted}")


def heterogeneity_sentence(het: dict, lang: str = "en", cb=None) -> str:
    """The equal-slope Wald test of each score (`het[outcome].wald_p_value`) with its Benjamini-Hochberg
    adjustment over the scores (as `regression.heterogeneity_rows`): which scores' CSR slopes differ
    between districts (adjusted p < 0.05), or that none does."""
    cb = cb or load_codebook()
    _ = messages(lang)
    ps = {o: float(h.wald_p_value) for o, h in het.items() if finite(h.wald_p_value)}
    if not ps:
        return ""
    adj = dict(zip(ps, adjusted(list(ps.values()), "bh")))
    sig = [o for o in ps if adj[o] < ALPHA]
    tests = "; ".join(_(HET_TEST_ADJUSTED if o in sig else HET_TEST, scale=phrases.scale_name(o, lang, cb),
                        p=phrases.p_text(p, lang), p_adjusted=phrases.p_text(adj[o], lang)) for o, p in ps.items())
    if not sig:
        return _.ngettext("The CSR slope does not differ detectably between districts for the score tested "
                          "(equal-slope Wald test: {tests}; not below {alpha} after the Benjamini-Hochberg "
                          "adjustment over {n} score).",
                          "The CSR slope does not differ detectably between districts for any score (equal-slope "
                          "Wald tests: {tests}; none below {alpha} after the Benjamini-Hochberg adjustment over the "
                          "{n} scores).", len(ps), tests=tests, alpha=phrases.alpha(lang))
    return _.ngettext("The CSR slope differs between districts for {scales} after the Benjamini-Hochberg adjustment "
                      "over {n} score (equal-slope Wald test: {tests}).",
                      "The CSR slope differs between districts for {scales} after the Benjamini-Hochberg adjustment "
                      "over the {n} scores (equal-slope Wald tests: {tests}).", len(ps),
                      scales=phrases.join([phrases.scale_name(o, lang, cb) for o in sig], lang), tests=tests)


def secondary_sentences(grid=None, items=None, certification=None, het=None, lang: str = "en", cb=None,
                        only_significant: bool = False) -> list[str]:
    """The secondary families in one list (association grid, single-item ordered logits, certification,
    heterogeneity), each a sentence; with `only_significant`, only those that report a significant
    result (for the findings)."""
    cb = cb or load_codebook()
    out = []
    if grid is not None and len(grid):
        out.append((grid_sentence(grid, lang, cb), len(grid[grid["p_adj"] < ALPHA])))
    if items is not None and len(items):
        p_adj = items["p_adj"] if "p_adj" in items else adjusted(items["p_value"])
        out.append((items_sentence(items, lang, cb), int((p_adj < ALPHA).sum())))
    if certification is not None and len(certification):
        out.append((certification_sentence(certification, lang, cb),
                    int((certification_p(certification) < ALPHA).sum())))
    if het:
        ps = [float(h.wald_p_value) for h in het.values() if finite(h.wald_p_value)]
        out.append((heterogeneity_sentence(het, lang, cb), int((adjusted(ps, "bh") < ALPHA).sum()) if ps else 0))
    return [text for text, k in out if text and (k or not only_significant)]
