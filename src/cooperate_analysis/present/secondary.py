"""The secondary results of the regression reports in words: the association grid, the single-item
ordered logits, the certification contrasts (IPW / AIPW), the covariate balance of their weights and
the district heterogeneity of the CSR slope. Shared by the district and cross-district reports, so
its messages are in ``common.po``; it never imports a report kind.

Every sentence follows the analysis policy declared in `stats.policy` (issue 23):

- **Adjustment by the declared family.** A secondary result is compared with 0.05 only through its
  adjusted p: the association grid's `p_adj` (Benjamini-Hochberg within exposure block x outcome
  block x group, as `inference.association_grid` computes it, the ``association_grid`` family); the
  single items' ordered logits by `policy.adjust("ordered_items", ...)` over the items with a p (or
  the table's `p_adj` when it has one); the IPW and AIPW differences by
  `policy.adjust("certification", ...)` over the scores within each estimator; the equal-slope Wald
  tests by `policy.adjust("heterogeneity", ...)` over the scores. Each family is adjusted as its
  table adjusts it, so the text and the table give the same adjusted p.
- **Findings only when the confirmatory family allows it.** `readable` is
  `policy.secondary_readable` of the confirmatory Holm p-values: a secondary result whose adjusted
  p is below 0.05 is named as a finding ("is significant", "report higher", "differs between
  districts") only when `readable`; otherwise the sentence opens with "Exploratory:", gives the
  adjusted numbers and says that the result is not read as a finding while no confirmatory test
  holds after Holm's adjustment. In the key findings (`secondary_sentences(..., only_significant=
  True)`) an exploratory result is not named at all: one sentence counts them (`EXPLORATORY_COUNT`).
  A family with no adjusted p below 0.05 is stated as such in either case (nothing is promoted).
- **IPW / AIPW read only on balanced, trimmed samples.** The reading states the trimming rule
  (estimated propensity in [`policy.TRIM_LOW`, `policy.TRIM_HIGH`] = [0.1, 0.9], Crump, Hotz, Imbens
  & Mitnik 2009), how many firms it removes and the Kish effective sample size of each weighted group
  (`certification_design`). Certified firms are compared with "comparable" uncertified firms only
  for the scores whose row has `balanced` true (`policy.balanced`: every |SMD| < 0.1 after
  weighting); for the others the sentence says the weighted comparison is not balanced, names the
  worst covariate and its |SMD| (from the balance table of that sample) and reads no IPW or AIPW
  estimate of that score as a finding (`certification_balance`). A row without a `balanced` flag
  counts as not balanced.
- **Ordered-logit flags.** An item whose ordered logit is flagged (`separation`: a log-odds
  parameter beyond `policy.TAU_BOUND`; `brant_degenerate`: a Brant test not computable or printing
  as p = 1.000) is said to be so, and its CSR coefficient is not read (no Brant p of 1.000 is read
  as support for proportional odds); it stays in the family of its adjustment, as in the table.
"""
from __future__ import annotations

import numpy as np

from ..data.codebook import load_codebook
from ..stats import policy
from . import formatting as fmt
from . import phrases
from .i18n import N_, messages
from .phrases import ALPHA, finite
from .regression import balance_label

ADJUSTMENTS = {"bh": "fdr_bh", "holm": "holm"}
ADJUSTMENT_NAMES = {"bh": "Benjamini-Hochberg", "holm": "Holm"}  # proper names: the same in every language
EFFECT_NAMES = {"spearman_rho": "rho", "kendall_tau_b": "tau", "rank_biserial": "r", "phi": "phi"}  # symbols
CRUMP = "[@crump2009]"  # a citation marker, linked to the references when the report is rendered


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


def grid_significant(grid) -> int:
    """How many cells of the association grid have a Benjamini-Hochberg adjusted p below 0.05."""
    return int((grid["p_adj"] < ALPHA).sum()) if grid is not None and len(grid) else 0


def grid_sentence(grid, lang: str = "en", cb=None, limit: int = 5, readable: bool = True) -> str:
    """The rank associations whose Benjamini-Hochberg adjusted p (`p_adj`) is below 0.05, strongest
    evidence first (at most `limit` named), or that there is none. Named as significant only when
    `readable` (`policy.secondary_readable`), else as exploratory."""
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
    if not readable:
        return _.ngettext("Exploratory: {n} of the {total} rank associations has a Benjamini-Hochberg adjusted p below "
                          "{alpha} within its family ({cells}); while no confirmatory test remains below {alpha} after "
                          "Holm's adjustment, it is not read as a finding.",
                          "Exploratory: {n} of the {total} rank associations have a Benjamini-Hochberg adjusted p "
                          "below {alpha} within their family ({cells}); while no confirmatory test remains below "
                          "{alpha} after Holm's adjustment, they are not read as findings.", k,
                          total=fmt.integer(n, lang), cells=phrases.join(cells, lang), alpha=phrases.alpha(lang))
    return _.ngettext("{n} of the {total} rank associations is significant after the Benjamini-Hochberg adjustment "
                      "within its family: {cells}.",
                      "{n} of the {total} rank associations are significant after the Benjamini-Hochberg adjustment "
                      "within their family: {cells}.", k, total=fmt.integer(n, lang), cells=phrases.join(cells, lang))


# --- single items ----------------------------------------------------------------------------------------------

ITEM_BETTER = N_("better answers on the item “{item}” (logit coefficient {estimate}, adjusted p {p})")
ITEM_WORSE = N_("worse answers on the item “{item}” (logit coefficient {estimate}, adjusted p {p})")
ITEM_CELL = N_("“{item}” (logit coefficient {estimate}, adjusted p {p})")
ITEM_FLAG = N_("“{item}” (largest |log-odds| {value})")
ITEM_QUOTED = N_("“{item}”")


def item_p(items, adjustment: str = "bh") -> np.ndarray:
    """The adjusted p of each item's CSR coefficient: the table's `p_adj` when it has one, else
    `policy.adjust("ordered_items", ...)` (Benjamini-Hochberg over the items with a p; 'holm' on request)."""
    if "p_adj" in items:
        return items["p_adj"].to_numpy(dtype=float)
    if adjustment == "bh":
        return policy.adjust("ordered_items", items["p_value"].to_numpy(dtype=float))
    return adjusted(items["p_value"], adjustment)


def _flags(items, name: str) -> np.ndarray:
    """An ordered-logit flag column (`models.ordered_items`: separation, brant_degenerate) as booleans;
    all False when the table has no such column."""
    if name not in items:
        return np.zeros(len(items), dtype=bool)
    return items[name].fillna(False).to_numpy(dtype=bool)


def item_flagged(items) -> np.ndarray:
    """Whether each item's ordered logit is flagged (separation or a degenerate Brant test): not read."""
    return _flags(items, "separation") | _flags(items, "brant_degenerate")


def items_significant(items, adjustment: str = "bh") -> int:
    """How many items are read as significant: adjusted p below 0.05, an estimate, and no flag."""
    if items is None or not len(items):
        return 0
    p = item_p(items, adjustment)
    return int(((p < ALPHA) & items["estimate"].notna().to_numpy() & ~item_flagged(items)).sum())


def _flag_sentences(items, lang: str, cb) -> list[str]:
    """The flagged items, by flag: separation (with the largest |log-odds|) and a degenerate Brant test."""
    _ = messages(lang)
    out = []
    sep = items[_flags(items, "separation")]
    if len(sep):
        values = sep["max_abs_logodds"] if "max_abs_logodds" in sep else [np.nan] * len(sep)
        names = [_(ITEM_FLAG, item=_item_title(o, lang, cb), value=fmt.number(v, 2, lang)) if finite(v)
                 else _(ITEM_QUOTED, item=_item_title(o, lang, cb)) for o, v in zip(sep["outcome"], values)]
        out.append(_.ngettext("The ordered logit of the item {items} shows separation (a log-odds parameter beyond "
                              "{bound} in absolute value), so its CSR coefficient is not read.",
                              "The ordered logits of the items {items} show separation (a log-odds parameter beyond "
                              "{bound} in absolute value), so their CSR coefficients are not read.", len(sep),
                              items=phrases.join(names, lang), bound=fmt.number(policy.TAU_BOUND, 0, lang)))
    brant = items[_flags(items, "brant_degenerate") & ~_flags(items, "separation")]
    if len(brant):
        names = [_(ITEM_QUOTED, item=_item_title(o, lang, cb)) for o in brant["outcome"]]
        out.append(_.ngettext("The Brant test of the item {items} is degenerate (for the CSR index or for all the "
                              "regressors together it cannot be computed or its p prints as {one}, which happens when "
                              "the binary logits at the cut-points reach the boundary): it gives no support to "
                              "proportional odds, so the item's CSR coefficient is not read.",
                              "The Brant tests of the items {items} are degenerate (for the CSR index or for all the "
                              "regressors together they cannot be computed or their p prints as {one}, which happens "
                              "when the binary logits at the cut-points reach the boundary): they give no support to "
                              "proportional odds, so these items' CSR coefficients are not read.",
                              len(brant), items=phrases.join(names, lang), one=fmt.number(1, 3, lang)))
    return out


def items_sentence(items, lang: str = "en", cb=None, adjustment: str = "bh", readable: bool = True) -> str:
    """The single items whose ordered-logit CSR coefficient is significant after adjustment over the
    items (`item_p`), with its direction, or that there is none; flagged items (`item_flagged`) are
    stated and never named as significant. Named as findings only when `readable`, else exploratory."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = items.assign(_p_adj=item_p(items, adjustment), _flagged=item_flagged(items))
    tested = rows[rows["_p_adj"].notna() & rows["estimate"].notna()]
    if not len(tested):
        return ""
    flags = _flag_sentences(rows[rows["estimate"].notna()], lang, cb)
    sig = tested[(tested["_p_adj"] < ALPHA) & ~tested["_flagged"]].sort_values("_p_adj", kind="stable")
    name = ADJUSTMENT_NAMES[adjustment]
    if not len(sig):
        text = _.ngettext("No single item's ordered logit has a CSR coefficient significant after the {adjustment} "
                          "adjustment over {n} item.",
                          "No single item's ordered logit has a CSR coefficient significant after the {adjustment} "
                          "adjustment over the {n} items.", len(tested), adjustment=name)
    elif not readable:
        cells = [_(ITEM_CELL, item=_item_title(r["outcome"], lang, cb), estimate=phrases.estimate(r["estimate"], lang),
                   p=phrases.p_text(r["_p_adj"], lang)) for _i, r in sig.iterrows()]
        text = _.ngettext("Exploratory: in the ordered logit of the single item {list} the CSR coefficient has an "
                          "adjusted p below {alpha} ({adjustment} over the items); while no confirmatory test remains "
                          "below {alpha} after Holm's adjustment, it is not read as a finding.",
                          "Exploratory: in the ordered logits of the single items {list} the CSR coefficient has an "
                          "adjusted p below {alpha} ({adjustment} over the items); while no confirmatory test remains "
                          "below {alpha} after Holm's adjustment, they are not read as findings.", len(sig),
                          list=phrases.join(cells, lang), alpha=phrases.alpha(lang), adjustment=name)
    else:
        parts = []
        for _i, r in sig.iterrows():
            message = ITEM_BETTER if r["estimate"] > 0 else ITEM_WORSE
            parts.append(_(message, item=_item_title(r["outcome"], lang, cb),
                           estimate=phrases.estimate(r["estimate"], lang), p=phrases.p_text(r["_p_adj"], lang)))
        text = _.ngettext("In the ordered logits of the single items, after the {adjustment} adjustment over {n} item, "
                          "a higher CSR index goes with {list}.",
                          "In the ordered logits of the single items, after the {adjustment} adjustment over the {n} "
                          "items, a higher CSR index goes with {list}.", len(tested), adjustment=name,
                          list=phrases.join(parts, lang))
    return " ".join([text, *flags])


# --- certification (IPW / AIPW) ------------------------------------------------------------------------------

CERT_NONE = N_("Certified firms and comparable uncertified firms cannot be told apart on any score by IPW or AIPW "
               "after the Benjamini-Hochberg adjustment over the scores within each estimator.")
CERT_NONE_SCALES = N_("Certified firms and comparable uncertified firms cannot be told apart on {scales} by IPW or AIPW "
                      "after the Benjamini-Hochberg adjustment over the scores within each estimator.")
CERT_HIGHER = N_("Certified firms report higher {scale} than comparable uncertified firms: {list} (p adjusted by "
                 "Benjamini-Hochberg over the scores within each estimator); an association, not an effect of "
                 "certification.")
CERT_LOWER = N_("Certified firms report lower {scale} than comparable uncertified firms: {list} (p adjusted by "
                "Benjamini-Hochberg over the scores within each estimator); an association, not an effect of "
                "certification.")
CERT_EXPLORATORY = N_("Exploratory: on {scale} certified firms and comparable uncertified firms differ by {list} (p "
                      "adjusted by Benjamini-Hochberg over the scores within each estimator); while no confirmatory "
                      "test remains below {alpha} after Holm's adjustment, this is not read as a finding.")
CERT_ROW = N_("{estimate} points by {estimator} (95% CI {interval}, adjusted p {p})")
CERT_BALANCED_ALL = N_("After weighting every covariate is balanced (|standardized mean difference| below {limit}), so "
                       "certified firms are compared with comparable uncertified firms.")
CERT_BALANCED_SCALES = N_("After weighting every covariate is balanced (|standardized mean difference| below {limit}) "
                          "in the comparison on {scales}, so there certified firms are compared with comparable "
                          "uncertified firms.")
CERT_UNBALANCED_ALL = N_("The weighted comparison is not balanced: after weighting the covariate {covariate} keeps a "
                         "|standardized mean difference| of {smd} ({limit} or more), so no IPW or AIPW estimate is read "
                         "as a finding.")
CERT_UNBALANCED_SCALES = N_("The weighted comparison on {scales} is not balanced: after weighting the covariate "
                            "{covariate} keeps a |standardized mean difference| of {smd} ({limit} or more), so no IPW or "
                            "AIPW estimate of it is read as a finding.")
CERT_UNBALANCED_ALL_UNNAMED = N_("The weighted comparison is not balanced: after weighting the largest |standardized "
                                 "mean difference| of a covariate is {smd} ({limit} or more), so no IPW or AIPW "
                                 "estimate is read as a finding.")
CERT_UNBALANCED_SCALES_UNNAMED = N_("The weighted comparison on {scales} is not balanced: after weighting the largest "
                                    "|standardized mean difference| of a covariate is {smd} ({limit} or more), so no "
                                    "IPW or AIPW estimate of it is read as a finding.")
CERT_SAMPLE = N_("{scale}: {trimmed} of {before} trimmed, {ess_treated} and {ess_control}")


def _column(table, name: str, default=np.nan) -> np.ndarray:
    return table[name].to_numpy() if name in table else np.full(len(table), default, dtype=object)


def certification_p(certification):
    """The adjusted p of each IPW / AIPW row: the table's `p_adj` when it has one, else
    `policy.adjust("certification", ...)` over the scores within each estimator (as
    `regression.certification_rows`)."""
    if "p_adj" in certification:
        return certification["p_adj"].to_numpy(dtype=float)
    p = certification["p_value"].to_numpy(dtype=float)
    models = certification["model"].to_numpy()
    out = np.full(len(p), np.nan)
    for model in dict.fromkeys(models):
        idx = np.flatnonzero(models == model)
        out[idx] = policy.adjust("certification", p[idx])
    return out


def certification_balanced(certification) -> dict:
    """{outcome: whether its weighted comparison is balanced} from the rows' `balanced` flag
    (`models.certification_effect`, `policy.balanced`); a missing flag is not balanced."""
    flags = _column(certification, "balanced", False)
    out: dict = {}
    for outcome, flag in zip(certification["outcome"], flags):
        ok = bool(flag) if isinstance(flag, (bool, np.bool_)) else False
        out[outcome] = out.get(outcome, True) and ok
    return out


def _estimated(certification):
    return certification[certification["estimate"].notna()] if certification is not None else None


def _signed_groups(sig):
    """Rows of one outcome by sign of the estimate: (True, positive rows), (False, negative rows)."""
    for sign in (True, False):
        same = sig[(sig["estimate"] > 0) == sign]
        if len(same):
            yield sign, same


def certification_sentence(certification, lang: str = "en", cb=None, readable: bool = True) -> str:
    """The IPW / AIPW results of the scores whose weighted comparison is balanced
    (`certification_balanced`): the differences whose adjusted p (`certification_p`) is below 0.05, by
    score and direction (named as findings only when `readable`, else exploratory); or that none is.
    '' when no balanced score has an estimate (the balance sentence says why nothing is read)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = certification.assign(_p_adj=certification_p(certification))
    ok = rows[rows["estimate"].notna() & rows["_p_adj"].notna()]
    balanced = certification_balanced(certification)
    ok = ok[ok["outcome"].map(lambda o: balanced.get(o, False)).astype(bool)]
    if not len(ok):
        return ""
    sig = ok[ok["_p_adj"] < ALPHA]
    if not len(sig):
        if all(balanced.values()):
            return _(CERT_NONE)
        return _(CERT_NONE_SCALES, scales=phrases.join([phrases.scale_name(o, lang, cb)
                                                        for o in dict.fromkeys(ok["outcome"])], lang))
    sentences = []
    for outcome, part in sig.groupby("outcome", sort=False):
        scale = phrases.scale_name(outcome, lang, cb)
        for sign, same in _signed_groups(part):
            listed = [_(CERT_ROW, estimate=phrases.estimate(r["estimate"], lang), estimator=r["model"],
                        interval=phrases.interval(r["ci_low"], r["ci_high"], lang), p=phrases.p_text(r["_p_adj"], lang))
                      for _i, r in same.iterrows()]
            if readable:
                sentences.append(_(CERT_HIGHER if sign else CERT_LOWER, scale=scale, list=phrases.join(listed, lang)))
            else:
                sentences.append(_(CERT_EXPLORATORY, scale=scale, list=phrases.join(listed, lang),
                                   alpha=phrases.alpha(lang)))
    return " ".join(sentences)


def certification_significant(certification) -> int:
    """How many IPW / AIPW rows of balanced scores have an adjusted p below 0.05 (those a reading may name)."""
    if certification is None or not len(certification):
        return 0
    balanced = certification_balanced(certification)
    p = certification_p(certification)
    keep = certification["outcome"].map(lambda o: balanced.get(o, False)).to_numpy(dtype=bool)
    return int(((p < ALPHA) & keep & certification["estimate"].notna().to_numpy()).sum())


def _sample_key(row) -> tuple:
    return tuple(row.get(k) for k in ("n_before_trim", "n_trimmed", "ess_treated", "ess_control"))


def certification_design(certification, lang: str = "en", cb=None) -> str:
    """The trimming rule of the IPW / AIPW comparisons (Crump et al. 2009: estimated propensity in
    [0.1, 0.9]), the firms it removes and the Kish effective sample sizes of the weighted groups, once
    when every score has the same sample, else by score; '' without the columns."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = _estimated(certification)
    if rows is None or not len(rows) or "n_trimmed" not in rows or "ess_treated" not in rows:
        return ""
    first = rows.drop_duplicates("outcome")
    low = first["trim_low"].iloc[0] if "trim_low" in first else policy.TRIM_LOW
    high = first["trim_high"].iloc[0] if "trim_high" in first else policy.TRIM_HIGH
    bounds = dict(low=fmt.number(low if finite(low) else policy.TRIM_LOW, 1, lang),
                  high=fmt.number(high if finite(high) else policy.TRIM_HIGH, 1, lang), source=CRUMP)
    values = lambda r: dict(trimmed=fmt.integer(r["n_trimmed"], lang), before=fmt.integer(r["n_before_trim"], lang),  # noqa: E731
                            ess_treated=fmt.number(r["ess_treated"], 1, lang),
                            ess_control=fmt.number(r["ess_control"], 1, lang))
    if len({_sample_key(r) for _i, r in first.iterrows()}) == 1:
        r = first.iloc[0]
        return _.ngettext("IPW and AIPW compare certified and uncertified firms after trimming the firms whose "
                          "estimated propensity of certification lies outside [{low}, {high}] {source}: trimming "
                          "removes {n} firm of the {before} with complete answers, and the effective sample sizes "
                          "(Kish) of the weighted groups are {ess_treated} certified and {ess_control} uncertified "
                          "firms.",
                          "IPW and AIPW compare certified and uncertified firms after trimming the firms whose "
                          "estimated propensity of certification lies outside [{low}, {high}] {source}: trimming "
                          "removes {n} firms of the {before} with complete answers, and the effective sample sizes "
                          "(Kish) of the weighted groups are {ess_treated} certified and {ess_control} uncertified "
                          "firms.", int(r["n_trimmed"]),
                          **bounds, **{k: v for k, v in values(r).items() if k != "trimmed"})
    listed = [_(CERT_SAMPLE, scale=phrases.scale_name(r["outcome"], lang, cb), **values(r)) for _i, r in first.iterrows()]
    return _("IPW and AIPW compare certified and uncertified firms after trimming the firms whose estimated propensity "
             "of certification lies outside [{low}, {high}] {source}; firms trimmed of those with complete answers, "
             "and effective sample sizes (Kish) of the certified and uncertified weighted groups, by score: {list}.",
             **bounds, list="; ".join(listed))


def _balance_tables(balance) -> tuple[dict, object]:
    """({outcome: table}, a table of every outcome or None) from `balance`: a `models.Balance`, its table,
    or a mapping {outcome: Balance or table}."""
    if balance is None:
        return {}, None
    if isinstance(balance, dict):
        return {o: getattr(b, "table", b) for o, b in balance.items()}, None
    return {}, getattr(balance, "table", balance)


def _worst(table, lang: str, cb) -> tuple[str, float] | None:
    """The covariate with the largest |SMD| after weighting in a balance table, as (name, |SMD|)."""
    if table is None or "smd_after" not in table:
        return None
    smd = table["smd_after"].astype(float).abs()
    if not smd.notna().any():
        return None
    i = smd.idxmax()
    return _covariate_name(table.loc[i, "covariate"], lang, cb), float(smd.loc[i])


def _covariate_name(covariate: str, lang: str, cb) -> str:
    text = balance_label(covariate, lang, cb)  # district names keep their capital
    return text if "=" in covariate or "[T." in covariate else phrases.lower_first(text)


def certification_balance(certification, balance=None, lang: str = "en", cb=None, only_unbalanced: bool = False
                          ) -> list[str]:
    """Whether the weighted comparison of each estimated score is balanced (the rows' `balanced`): the
    balanced scores are said to compare comparable groups (unless `only_unbalanced`); the others that
    they are not balanced, with the worst covariate and its |SMD| after weighting, and that no estimate
    of them is read. The covariate is named from `balance` (a table per outcome, or one table whose
    largest |SMD| is the row's `max_abs_smd_after`, i.e. the same sample); otherwise only the |SMD|."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = _estimated(certification)
    if rows is None or not len(rows):
        return []
    first = rows.drop_duplicates("outcome")
    flags = certification_balanced(rows)
    per_outcome, shared = _balance_tables(balance)
    limit = fmt.number(policy.SMD_BALANCE, 1, lang)
    out = []
    good = [o for o in first["outcome"] if flags.get(o)]
    if good and not only_unbalanced:
        out.append(_(CERT_BALANCED_ALL, limit=limit) if len(good) == len(first) else
                   _(CERT_BALANCED_SCALES, limit=limit, scales=phrases.join([phrases.scale_name(o, lang, cb)
                                                                            for o in good], lang)))
    groups: dict = {}
    for _i, r in first.iterrows():
        if flags.get(r["outcome"]):
            continue
        largest = float(r["max_abs_smd_after"]) if finite(r.get("max_abs_smd_after")) else np.nan
        worst = _worst(per_outcome.get(r["outcome"]), lang, cb)
        if worst is None and shared is not None:
            candidate = _worst(shared, lang, cb)
            if candidate and (not finite(largest) or abs(candidate[1] - largest) < 1e-9):
                worst = candidate
        key = (worst[0], round(worst[1], 12)) if worst else (None, round(largest, 12) if finite(largest) else None)
        groups.setdefault(key, []).append(r["outcome"])
    for (name, smd), outcomes in groups.items():
        every = len(outcomes) == len(first)
        scales = phrases.join([phrases.scale_name(o, lang, cb) for o in outcomes], lang)
        smd_text = fmt.number(smd, 2, lang) if smd is not None else fmt.MISSING
        if name is not None:
            out.append(_(CERT_UNBALANCED_ALL, covariate=name, smd=smd_text, limit=limit) if every else
                       _(CERT_UNBALANCED_SCALES, covariate=name, smd=smd_text, limit=limit, scales=scales))
        elif smd is not None:
            out.append(_(CERT_UNBALANCED_ALL_UNNAMED, smd=smd_text, limit=limit) if every else
                       _(CERT_UNBALANCED_SCALES_UNNAMED, smd=smd_text, limit=limit, scales=scales))
        else:
            out.append(_("The weighted comparison is not balanced (the standardized mean differences after weighting "
                         "could not be computed), so no IPW or AIPW estimate is read as a finding.") if every else
                       _("The weighted comparison on {scales} is not balanced (the standardized mean differences "
                         "after weighting could not be computed), so no IPW or AIPW estimate of it is read as a "
                         "finding.", scales=scales))
    return out


def certification_sentences(certification, lang: str = "en", cb=None, readable: bool = True, balance=None,
                            findings: bool = False) -> list[str]:
    """The certification comparison in words. The reading: the trimming rule and effective sample sizes
    (`certification_design`), the balance of each score's weighted comparison (`certification_balance`)
    and the results of the balanced scores (`certification_sentence`). The key findings (`findings`):
    the scores whose comparison is not balanced, and the results only when a balanced score has an
    adjusted p below 0.05 and `readable` (an exploratory one is counted by `secondary_sentences`)."""
    cb = cb or load_codebook()
    rows = _estimated(certification)
    if rows is None or not len(rows):
        return []
    if findings:
        out = certification_balance(certification, balance, lang, cb, only_unbalanced=True)
        if readable and certification_significant(certification):
            out.append(certification_sentence(certification, lang, cb, readable))
        return [s for s in out if s]
    out = [certification_design(certification, lang, cb), *certification_balance(certification, balance, lang, cb),
           certification_sentence(certification, lang, cb, readable)]
    return [s for s in out if s]


# --- covariate balance of the IPW / AIPW weights --------------------------------------------------------------

BALANCE_ROW = N_("{covariate} ({smd})")


def balance_sentence(balance, lang: str = "en", cb=None, threshold: float = policy.SMD_BALANCE) -> str:
    """Whether inverse probability weighting balances the covariates (`models.covariate_balance(...)`, a
    `Balance` or its table: covariate, smd_after): the covariates with |SMD| >= `threshold` after
    weighting (Austin 2009), by name and SMD, the worst first named as such, and that the comparison is
    then not balanced and no IPW or AIPW estimate is read; or that all are balanced and the groups
    comparable; '' without estimable SMDs. A missing SMD is not balanced (`policy.balanced`), so it
    never lets the sentence call the groups comparable."""
    cb = cb or load_codebook()
    _ = messages(lang)
    table = getattr(balance, "table", balance)
    rows = table[table["smd_after"].notna()]
    if not len(rows):
        return ""
    off = rows[rows["smd_after"].abs() >= threshold]
    limit = fmt.number(threshold, 1, lang)
    if not len(off):
        if len(rows) < len(table):  # an SMD that could not be computed: no claim of balance
            return _("After inverse probability weighting no covariate with a computable standardized mean difference "
                     "is imbalanced, but some differences could not be computed, so the weighted comparison is not "
                     "shown to be balanced and no IPW or AIPW estimate is read as a finding.")
        return _.ngettext("After inverse probability weighting every covariate is balanced between certified and "
                          "uncertified firms (|standardized mean difference| below {limit}; {n} covariate), so the "
                          "weighted groups are comparable on it.",
                          "After inverse probability weighting every covariate is balanced between certified and "
                          "uncertified firms (|standardized mean difference| below {limit} for all {n}), so the "
                          "weighted groups are comparable on them.", len(rows), limit=limit)
    names = [_(BALANCE_ROW, covariate=_covariate_name(r["covariate"], lang, cb),
               smd=phrases.estimate(r["smd_after"], lang)) for _i, r in off.iterrows()]
    return _.ngettext("After inverse probability weighting the covariate {list} remains imbalanced (|standardized "
                      "mean difference| of {limit} or more), so the weighted comparison is not balanced and no IPW or "
                      "AIPW estimate is read as a finding.",
                      "After inverse probability weighting the covariates {list} remain imbalanced (|standardized "
                      "mean difference| of {limit} or more), so the weighted comparison is not balanced and no IPW or "
                      "AIPW estimate is read as a finding.", len(off),
                      list=phrases.join(names, lang), limit=limit)


# --- district heterogeneity of the CSR slope ----------------------------------------------------------------

HET_TEST = N_("{scale} p {p}")
HET_TEST_ADJUSTED = N_("{scale} p {p}, adjusted p {p_adjusted}")


def heterogeneity_p(het: dict) -> tuple[dict, dict]:
    """({outcome: Wald p}, {outcome: adjusted p}) over the finite tests, adjusted by
    `policy.adjust("heterogeneity", ...)` (Benjamini-Hochberg over the scores, as the table)."""
    ps = {o: float(h.wald_p_value) for o, h in (het or {}).items() if finite(h.wald_p_value)}
    return ps, dict(zip(ps, policy.adjust("heterogeneity", list(ps.values())))) if ps else {}


def heterogeneity_significant(het: dict) -> int:
    return sum(p < ALPHA for p in heterogeneity_p(het)[1].values())


def heterogeneity_sentence(het: dict, lang: str = "en", cb=None, readable: bool = True) -> str:
    """The equal-slope Wald test of each score (`het[outcome].wald_p_value`) with its adjustment over the
    scores (`heterogeneity_p`): which scores' CSR slopes differ between districts (adjusted p < 0.05;
    named as a difference only when `readable`, else exploratory), or that none does."""
    cb = cb or load_codebook()
    _ = messages(lang)
    ps, adj = heterogeneity_p(het)
    if not ps:
        return ""
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
    scales = phrases.join([phrases.scale_name(o, lang, cb) for o in sig], lang)
    if not readable:
        return _.ngettext("Exploratory: the equal-slope Wald test has an adjusted p below {alpha} for {scales} "
                          "(Benjamini-Hochberg over {n} score; {tests}); while no confirmatory test remains below "
                          "{alpha} after Holm's adjustment, this is not read as a difference between districts.",
                          "Exploratory: the equal-slope Wald test has an adjusted p below {alpha} for {scales} "
                          "(Benjamini-Hochberg over the {n} scores; {tests}); while no confirmatory test remains "
                          "below {alpha} after Holm's adjustment, this is not read as a difference between districts.",
                          len(ps), scales=scales, tests=tests, alpha=phrases.alpha(lang))
    return _.ngettext("The CSR slope differs between districts for {scales} after the Benjamini-Hochberg adjustment "
                      "over {n} score (equal-slope Wald test: {tests}).",
                      "The CSR slope differs between districts for {scales} after the Benjamini-Hochberg adjustment "
                      "over the {n} scores (equal-slope Wald tests: {tests}).", len(ps), scales=scales, tests=tests)


# --- the secondary families together ----------------------------------------------------------------------------

def exploratory_count(k: int, lang: str = "en") -> str:
    """The key findings' one sentence on `k` secondary results with an adjusted p below 0.05 when the
    confirmatory family has no rejection: they are exploratory and none is named; '' when k is 0."""
    _ = messages(lang)
    if not k:
        return ""
    return _.ngettext("No confirmatory test remains below {alpha} after Holm's adjustment, so the secondary results are "
                      "exploratory: {n} has an adjusted p below {alpha} within its family, and it is not read as a "
                      "finding (see the reading and the tables).",
                      "No confirmatory test remains below {alpha} after Holm's adjustment, so the secondary results are "
                      "exploratory: {n} have an adjusted p below {alpha} within their families, and they are not read "
                      "as findings (see the reading and the tables).", k, alpha=phrases.alpha(lang))


def secondary_sentences(grid=None, items=None, certification=None, het=None, lang: str = "en", cb=None,
                        only_significant: bool = False, readable: bool = True, balance=None) -> list[str]:
    """The secondary families in one list (association grid, single-item ordered logits, certification,
    heterogeneity), each a sentence, `readable` deciding findings against exploratory wording
    (`policy.secondary_readable` of the confirmatory Holm p-values). With `only_significant` (the key
    findings): when `readable`, only the families that report a significant result (flagged items and
    unbalanced certification scores stated); when not, one count of the exploratory results
    (`exploratory_count`), the unbalanced certification scores, and the heterogeneity test only when it
    rejects nothing."""
    cb = cb or load_codebook()
    has = lambda x: x is not None and len(x) > 0  # noqa: E731
    if not only_significant:
        out = []
        if has(grid):
            out.append(grid_sentence(grid, lang, cb, readable=readable))
        if has(items):
            out.append(items_sentence(items, lang, cb, readable=readable))
        if has(certification):
            out += certification_sentences(certification, lang, cb, readable, balance)
        if het:
            out.append(heterogeneity_sentence(het, lang, cb, readable))
        return [s for s in out if s]
    counts = {"grid": grid_significant(grid) if has(grid) else 0,
              "items": items_significant(items) if has(items) else 0,
              "certification": certification_significant(certification) if has(certification) else 0,
              "het": heterogeneity_significant(het) if het else 0}
    flagged_sig = bool(has(items) and ((item_p(items) < ALPHA) & item_flagged(items)).any())
    out = []
    if readable:
        if counts["grid"]:
            out.append(grid_sentence(grid, lang, cb))
        if counts["items"] or flagged_sig:
            out.append(items_sentence(items, lang, cb))
        if has(certification):
            out += certification_sentences(certification, lang, cb, True, balance, findings=True)
        if het:
            out.append(heterogeneity_sentence(het, lang, cb))
        return [s for s in out if s]
    out.append(exploratory_count(sum(counts.values()), lang))
    if flagged_sig:
        out += _flag_sentences(items[item_p(items) < ALPHA], lang, cb)
    if has(certification):
        out += certification_sentences(certification, lang, cb, False, balance, findings=True)
    if het and not counts["het"]:
        out.append(heterogeneity_sentence(het, lang, cb))
    return [s for s in out if s]
