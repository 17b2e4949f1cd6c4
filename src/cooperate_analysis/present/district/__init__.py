"""The district report (notebooks/district.ipynb): its own tables, figures, findings, captions and the
index page's sentence.

The tables, figures and sentences it shares with the cross-district report are in `present.regression`,
`present.regression_figures`, `present.measurement`, `present.findings` and `present.secondary`; its
messages are in ``district.po``.
"""
from __future__ import annotations

from ..findings import reading
from ..regression import confirmatory_index_sentence
from .captions import CAPTIONS
from .figures import adoption_bars, association_heatmap, colour_limit, likert_stacked
from .tables import adoption_rates, adoption_shares, published_notes
from .text import district_vs_pooled, findings_district

__all__ = ["CAPTIONS", "adoption_bars", "adoption_rates", "adoption_shares", "association_heatmap", "colour_limit", "district_vs_pooled",
           "findings_district", "index_sentence", "likert_stacked", "published_notes", "reading"]


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """One findings sentence for the index page from a run's recorded results `values`: the CSR
    coefficient on each score with its 95% CI ('ols.<score>.csr_overall.*'), n, and how many
    survive Holm's adjustment; '' when none is recorded."""
    return confirmatory_index_sentence(values, "ols", lang, cb)
