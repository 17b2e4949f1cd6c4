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


def localized_path(path: str | Path, lang: str) -> Path:
    """The file of `lang` beside `path`: `path` itself for the default language, `<stem>-<lang>` otherwise
    (as the reports: `district-x.html`, `district-x-it.html`)."""
    from ..data.codebook import LANGS

    path = Path(path)
    return path if lang == LANGS[0] else path.with_name(f"{path.stem}-{lang}{path.suffix}")


class Recorder:
    """Collects named key numbers of one run; `save` writes them, one file per report language.

    The numbers are the same in every language; each file records its language among the
    parameters and the captions of its tables and figures.
    """

    def __init__(self, run: str, parameters: dict, langs: str | list[str] | tuple[str, ...] | None = None):
        self.run = run
        self.parameters = parameters
        self.langs = [langs] if isinstance(langs, str) else list(langs or [])
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

    def to_json(self, lang: str | None = None) -> str:
        parameters = self.parameters if lang is None else {**self.parameters, "lang": lang}
        doc = {"run": self.run, "parameters": parameters, "values": self.values, "contents": self.contents}
        return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: str | Path, contents: list[dict] | dict[str, list[dict]] | None = None) -> list[Path]:
        """Write the results file(s); `contents` lists the run's tables and figures (`Report.contents`:
        by language when the recorder has languages, one file per language at `localized_path`)."""
        if not self.langs:
            self.contents = list(contents or [])
            atomic_write_text(path, self.to_json())
            return [Path(path)]
        written = []
        for lang in self.langs:
            self.contents = list((contents or {}).get(lang, []))
            target = localized_path(path, lang)
            atomic_write_text(target, self.to_json(lang))
            written.append(target)
        return written


def read_results(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
