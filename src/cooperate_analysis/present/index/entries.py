"""The index's one declared entry point into the report kinds: each report-kind package exposes

    index_sentence(values: dict, parameters: dict, lang: str, cb) -> str

(its report's one-sentence findings from the run's results values; '' when they hold nothing to
say). The index finds a run's kind by its notebook (`REPORT_KINDS`) and loads the kind's package with
`importlib`, so no report kind is imported by another one (tests/test_architecture.py). A kind whose
package does not exist or does not expose `index_sentence` yet gets '' (its row has no sentence), never
an error.
"""
from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from typing import Callable

from ...data.io import atomic_write_text
from .. import disclosure

# notebook stem -> report-kind package under present/
REPORT_KINDS = {
    "district": "district",
    "cross_district": "cross_district",
    "specification_curve": "speccurve",
    "sustainability": "sustainability",
    "channels": "channels",
    "paper": "paper",
}
PRESENT = Path(__file__).resolve().parents[1]
PACKAGE = __name__.rsplit(".", 2)[0]  # cooperate_analysis.present


def kind_of(run) -> str | None:
    """The report kind of `run` (by its notebook), None for a notebook the index does not know."""
    return REPORT_KINDS.get(Path(str(run.notebook)).stem)


def entry_point(kind: str | None) -> Callable | None:
    """The `index_sentence` of report kind `kind`, None when the kind has no package or does not expose it."""
    if kind is None:
        return None
    name = f"{PACKAGE}.{kind}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (error.name == name or name.startswith(error.name + ".")):
            return None  # no such package (yet)
        raise
    function = getattr(module, "index_sentence", None)
    return function if callable(function) else None


def findings_sentence(run, values: dict, lang: str, cb) -> str:
    """One sentence of findings for `run`'s report from its results values, by its kind's entry point
    ('' without values, or when the kind has no entry point)."""
    if not values:
        return ""
    function = entry_point(kind_of(run))
    if function is None:
        return ""
    return function(values, dict(run.parameters), lang, cb) or ""


def code_key() -> str:
    """A hash of the code and words the sentences come from: every module of present/ (the report
    kinds' packages and the shared modules they use), the message catalogs and the codebook."""
    locale = PRESENT.parent / "locale"
    files = sorted(p for p in PRESENT.rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted(locale.rglob("*.po")) + [PRESENT.parent / "data" / "codebook.yaml"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PRESENT.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_sentences(runs, values_of: Callable, lang: str, folder: Path, cb) -> dict[str, str]:
    """`findings_sentence` of every run with values (`values_of(run)`), computed again only for a run
    whose results, parameters or the code and catalogs (`code_key`) changed: a kind's package may import
    the statistics stack (seconds), and the index is rewritten at every step of a build, a no-op build
    included."""
    code = code_key()
    cache = folder / ".build" / f"findings-{lang}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    out = {}
    # entries of runs without values now are kept: early in a build a run that reads others (the paper) is
    # not current yet, and its sentence is needed again as soon as it is
    names = {run.name for run in runs}
    fresh = {name: entry for name, entry in cached.items() if name in names}
    for run in runs:
        values = values_of(run)
        if not values:
            continue
        key = hashlib.sha256(json.dumps([code, kind_of(run), values, run.parameters,
                                        disclosure.current()], sort_keys=True,
                                        default=str).encode()).hexdigest()
        entry = cached.get(run.name)
        sentence = entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == key \
            else findings_sentence(run, values, lang, cb)
        out[run.name], fresh[run.name] = sentence, [key, sentence]
    if fresh != cached:
        atomic_write_text(cache, json.dumps(fresh, ensure_ascii=False, sort_keys=True))
    return out
