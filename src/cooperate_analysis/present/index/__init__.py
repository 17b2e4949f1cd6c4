"""The index of the reports, one page per language: `reports/index.html` (English) and
`reports/index-it.html` (Italian), each linking to the other.

A page carries the build date, the data, a headline figure (the confirmatory coefficients of the CSR
index on the performance scores by district, with 95% intervals, read from the district runs' results
files), one findings sentence per report (read through each report kind's declared entry point,
`entries`) and the state of each report today (current, being built, no data, failed). It names only
what the folder holds and is rewritten at each step of a build. Its words are in the catalog
`locale/it/LC_MESSAGES/index.po`.
"""
from __future__ import annotations

from .entries import REPORT_KINDS, entry_point, kind_of
from .headline import headline_svg
from .page import (PageState, build_time, findings_sentence, headline_rows, index_banner, index_page,
                   missing_districts, no_data_reason, page_state, write_index)

__all__ = ["REPORT_KINDS", "PageState", "build_time", "entry_point", "findings_sentence", "headline_rows",
           "headline_svg", "index_banner", "index_page", "kind_of", "missing_districts", "no_data_reason",
           "page_state", "write_index"]
