"""Statistics: measurement, inference, models, ordinal models, the specification curve, estimability and adoption.
Imports only `data`; never presentation.

Modules are imported on first use (`from cooperate_analysis.stats import measures`), so importing one
does not load the others' libraries.
"""
from __future__ import annotations

import importlib

__all__ = ["measures", "inference", "models", "ordinal", "speccurve", "estimability", "adoption", "policy",
           "referee"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
