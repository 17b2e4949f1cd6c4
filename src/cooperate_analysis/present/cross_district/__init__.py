"""The cross-district report (notebooks/cross_district.ipynb): its own tables, figures, findings,
captions and the index page's sentence.

The tables, figures and sentences it shares with the district report are in `present.regression`,
`present.regression_figures`, `present.measurement`, `present.findings` and `present.secondary`; its
messages are in ``cross_district.po``.
"""
from __future__ import annotations

from ..findings import reading
from ..regression import confirmatory_index_sentence
from .captions import CAPTIONS
from .figures import overlap
from .tables import certification_held, certification_held_rows, csr_by_district
from .text import findings_cross

__all__ = ["CAPTIONS", "certification_held", "certification_held_rows", "csr_by_district", "findings_cross", "index_sentence", "overlap", "reading"]


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """One findings sentence for the index page from a run's recorded results `values`: the CSR
    coefficient on each score with its 95% CI ('ols_pooled.<score>.csr_overall.*'), n, and how many
    survive Holm's adjustment; '' when none is recorded."""
    return confirmatory_index_sentence(values, "ols_pooled", lang, cb)
