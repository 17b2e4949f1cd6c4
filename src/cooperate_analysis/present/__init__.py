"""Presentation: tables, figures, generated readings, report markup, HTML rendering, PDF printing
(one headless Chromium) and the index page. Reads results of `stats`; imports `data` and `stats`,
never `build`.

Modules are imported on first use (`from cooperate_analysis.present import regression`), so importing one
does not load the others' libraries.
"""
from __future__ import annotations

import importlib

__all__ = ["figures", "findings", "measurement", "regression", "regression_figures", "secondary", "report", "render",
           "pdf", "index"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
