"""The cross-district report's key findings: the pooled confirmatory coefficients, what weighting and
imputation do to them, the heterogeneity test, the secondary results (after their family's adjustment,
named as findings only when the confirmatory family rejects at least once) and the IPW / AIPW
certification comparison, read only where the weighted comparison is balanced.

The readings and sentences it shares with the district report are in `present.findings` and
`present.secondary` (where the rules are documented).
"""
from __future__ import annotations

from ...data.codebook import load_codebook
from ..findings import key_findings, readable
from ..secondary import secondary_sentences


def findings_cross(pooled: dict, confirmatory=None, robust: dict | None = None, mde_r: float | None = None,
                   synthetic: bool = False, lang: str = "en", het: dict | None = None, items=None,
                   certification=None, missing: list[str] | tuple[str, ...] = (), term: str = "csr_overall",
                   cb=None, balance=None) -> list[str]:
    """The "Key findings" of the cross-district report: as `district.findings_district` for the pooled
    model with district fixed effects, plus the heterogeneity test (it says whether the districts
    differ; when the confirmatory family rejects nothing, only if it rejects nothing itself), the single
    items after adjustment and the IPW / AIPW differences: the scores whose weighted comparison is not
    balanced are said so (worst covariate named from `balance`, a `models.covariate_balance` result, its
    table, or one per outcome) and nothing of them is read; a balanced score's significant difference is
    a finding only when `findings.readable`. Secondary results that are exploratory are counted, not
    named."""
    cb = cb or load_codebook()
    secondary = secondary_sentences(None, items, certification, het, lang, cb, only_significant=True,
                                    readable=readable(confirmatory, pooled), balance=balance)
    return key_findings(pooled, term, confirmatory, robust, mde_r, missing, synthetic, lang, cb, True, secondary)
