"""The district report's own sentences: its key findings and why its CSR coefficients differ from the
district's slopes in the cross-district interaction model.

The readings and the sentences it shares with the cross-district report are in `present.findings` and
`present.secondary`; its messages are in ``district.po``.
"""
from __future__ import annotations

from ...data.codebook import load_codebook
from .. import phrases
from ..findings import key_findings, readable
from ..i18n import N_, messages
from ..secondary import secondary_sentences

PAIR = N_("{scale} {own} in this report, {pooled} in the interaction model")
VERSUS_POOLED = N_("In the cross-district report the CSR slope of this district comes from one interaction model of "
                   "all the districts together: {pairs}. The numbers differ because that model estimates one set of "
                   "control coefficients (firm size, export share, firm age) shared by all the districts, while this "
                   "report estimates them on this district's firms alone: two models of the same firms, not a "
                   "discrepancy.")


def findings_district(fits: dict, confirmatory=None, robust: dict | None = None, mde_r: float | None = None,
                      synthetic: bool = False, lang: str = "en", grid=None, items=None,
                      missing: list[str] | tuple[str, ...] = (), term: str = "csr_overall", cb=None) -> list[str]:
    """The "Key findings" of a district report, a short list of sentences: each confirmatory CSR
    coefficient (estimate, 95% CI, Holm-adjusted p from `confirmatory` (`inference.holm` table), n;
    direction and Holm in words), what weighting and imputation do to them (`robust`: sizes of the
    changes and the largest one, `findings.robustness_sentences`), the secondary results (association
    cells of `grid` after Benjamini-Hochberg, single items of `items` after their adjustment) named only
    when the district's confirmatory family rejects at least once (`findings.readable`), else counted
    as exploratory, what the sample can detect (`mde_r`), that these are associations, and the
    synthetic-data caveat."""
    cb = cb or load_codebook()
    secondary = secondary_sentences(grid, items, None, None, lang, cb, only_significant=True,
                                    readable=readable(confirmatory, fits))
    return key_findings(fits, term, confirmatory, robust, mde_r, missing, synthetic, lang, cb, False, secondary)


def district_vs_pooled(fits: dict, het: dict, district: str, lang: str = "en", term: str = "csr_overall",
                       cb=None) -> str:
    """Why a district's CSR coefficient in its own report (`fits[outcome]`) differs from its slope in the
    cross-district interaction model (`het[outcome]`, `models.district_heterogeneity`): both numbers
    for each score where they differ at the printed rounding, and the reason; '' when none differs."""
    cb = cb or load_codebook()
    _ = messages(lang)
    pairs = []
    for outcome, fit in fits.items():
        if outcome not in het:
            continue
        slopes = het[outcome].slopes
        row = slopes[slopes["district"] == district]
        if not len(row):
            continue
        own, pooled = fit.term(term)["estimate"], row["estimate"].iloc[0]
        if phrases.finite(own) and phrases.finite(pooled) and \
                phrases.estimate(own, lang) != phrases.estimate(pooled, lang):
            pairs.append(_(PAIR, scale=phrases.scale_name(outcome, lang, cb), own=phrases.estimate(own, lang),
                           pooled=phrases.estimate(pooled, lang)))
    return _(VERSUS_POOLED, pairs="; ".join(pairs)) if pairs else ""
