"""The district report (notebooks/district.ipynb): its own tables, captions and the index page's sentence.

The tables and sentences it shares with the other regression report are in `present.regression` and
`present.measurement`; its messages are in ``district.po``.
"""
from __future__ import annotations

from ..regression import confirmatory_index_sentence
from .captions import CAPTIONS
from .tables import adoption_rates

__all__ = ["CAPTIONS", "adoption_rates", "index_sentence"]


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """One findings sentence for the index page from a run's recorded results `values`: the CSR
    coefficient on each score with its 95% CI ('ols.<score>.csr_overall.*'), n, and how many
    survive Holm's adjustment; '' when none is recorded."""
    return confirmatory_index_sentence(values, "ols", lang, cb)
