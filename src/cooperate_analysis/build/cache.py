"""Results shared between the runs of a build: the Italian report of a specification curve reuses
the curve and joint test that the English run computed from the same data and parameters.

joblib `Memory` under data/processed/cache/<hash of the package code>: a result is reused only
when the function's arguments hash the same (joblib hashes DataFrames and arrays by content) and
the package code is unchanged; caches of other code versions are removed when one is opened.
Like the processed survey, the cache is derived data: `make clean` deletes it.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from joblib import Memory

from .pipeline import PACKAGE_DIR, tree_hash

CACHE = Path("data/processed/cache")


def memory(root: Path = CACHE) -> Memory:
    """The cache of the current package code (older versions' caches under `root` are removed)."""
    key = tree_hash(PACKAGE_DIR)[:16]
    if root.is_dir():
        for old in root.iterdir():
            if old.name != key:
                shutil.rmtree(old, ignore_errors=True)
    return Memory(root / key, verbose=0)


def memoized(func: Callable, ignore: tuple[str, ...] = ("n_jobs", "scheduler"), root: Path = CACHE) -> Callable:
    """`func` with its results cached under `root`; `ignore`: arguments that do not change the result
    (where it runs: workers, cluster)."""
    return memory(root).cache(func, ignore=[name for name in ignore if name in func.__code__.co_varnames])
