"""Key numbers recorded by each notebook run, written as one JSON file per run.

The file is deterministic (sorted keys, no timestamps, no absolute paths), so two builds from
the same inputs give byte-identical results files.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from ..data.io import atomic_write_text

SIGNIFICANT_DIGITS = 12


def _clean(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, int):
        return value
    value = float(value)
    if not math.isfinite(value):
        return None
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


class Recorder:
    """Collects named key numbers of one run; `save` writes them."""

    def __init__(self, run: str, parameters: dict):
        self.run = run
        self.parameters = parameters
        self.values: dict[str, object] = {}
        self.contents: list[dict] = []

    def record(self, name: str, value) -> None:
        """Record one number (or short string) under a stable name."""
        if name in self.values:
            raise ValueError(f"result {name!r} recorded twice in run {self.run!r}")
        self.values[name] = _clean(value)

    def record_table(self, prefix: str, table, key_cols: list[str], value_cols: list[str]) -> None:
        """Record selected columns of a tidy table, one name per row and column."""
        for _, row in table.iterrows():
            key = ".".join(str(row[c]) for c in key_cols)
            for col in value_cols:
                self.record(f"{prefix}.{key}.{col}", row[col])

    def to_json(self) -> str:
        doc = {"run": self.run, "parameters": self.parameters, "values": self.values, "contents": self.contents}
        return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: str | Path, contents: list[dict] | None = None) -> None:
        """Write the results file; `contents` lists the run's tables and figures (Report.contents)."""
        self.contents = list(contents or [])
        atomic_write_text(path, self.to_json())


def read_results(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
