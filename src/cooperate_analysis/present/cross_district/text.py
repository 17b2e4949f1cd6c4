"""The cross-district report's key findings: the pooled confirmatory coefficients, the heterogeneity
test, the significant secondary results and, when an IPW / AIPW contrast is significant, whether its
weights balance the covariates.

The readings and sentences it shares with the district report are in `present.findings` and
`present.secondary`.
"""
from __future__ import annotations

from ...data.codebook import load_codebook
from ..findings import key_findings
from ..secondary import balance_sentence, certification_found, heterogeneity_sentence, secondary_sentences


def findings_cross(pooled: dict, confirmatory=None, robust: dict | None = None, mde_r: float | None = None,
                   synthetic: bool = False, lang: str = "en", het: dict | None = None, items=None,
                   certification=None, missing: list[str] | tuple[str, ...] = (), term: str = "csr_overall",
                   cb=None, balance=None) -> list[str]:
    """The "Key findings" of the cross-district report: as `district.findings_district` for the pooled
    model with district fixed effects, plus the heterogeneity test (always: it says whether the
    districts differ), the significant secondary results (ordered logits after adjustment, IPW / AIPW)
    and, when an IPW / AIPW result is significant, whether the weights balance the covariates
    (`balance`)."""
    cb = cb or load_codebook()
    secondary = secondary_sentences(None, items, certification, None, lang, cb, only_significant=True)
    if balance is not None and certification is not None and certification_found(certification, lang, cb):
        secondary.append(balance_sentence(balance, lang, cb))
    if het:
        secondary.insert(0, heterogeneity_sentence(het, lang, cb))
    return key_findings(pooled, term, confirmatory, robust, mde_r, missing, synthetic, lang, cb, True,
                        [s for s in secondary if s])
