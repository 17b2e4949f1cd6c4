"""Data: the codebook and its labels, reading and validating survey files, the processed survey,
derived variables, the population frame and the synthetic generator. Imports nothing else of the package.

Modules are imported on first use (`from cooperate_analysis.data import codebook`), so importing one
does not load the others' libraries.
"""
from __future__ import annotations

import importlib

__all__ = ["codebook", "io", "validate", "dataset", "population", "synthetic", "derived"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
