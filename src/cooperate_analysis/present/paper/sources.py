"""What the paper is assembled from: its scholarly content as data (hypotheses.yaml, literature.yaml,
text.yaml beside this module), the authors of CITATION.cff, and the results files of the runs it reads
(reports/results/<run>.json: it reads them, it re-estimates nothing)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from ...data.codebook import package_yaml

CITATION = Path("CITATION.cff")
RESULTS = Path("reports/results")


@lru_cache(maxsize=None)
def _yaml(name: str) -> dict:
    return package_yaml(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def hypotheses() -> list[dict]:
    return _yaml("hypotheses.yaml")["hypotheses"]


def model() -> dict:
    return _yaml("hypotheses.yaml")["model"]


def literature() -> dict:
    return _yaml("literature.yaml")


def prose(section: str, lang: str) -> list[str]:
    """The paragraphs of a fixed part of the paper (text.yaml), in `lang`; placeholders still in braces."""
    return [p[lang] for p in _yaml("text.yaml")[section]]


def authors(path: Path = CITATION) -> list[dict]:
    """The authors of CITATION.cff: {name} or {given-names, family-names}, with affiliation when given."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        return []
    return list(spec.get("authors") or [])


def author_names(path: Path = CITATION) -> list[tuple[str, str]]:
    """(name, affiliation) of every author of CITATION.cff."""
    out = []
    for a in authors(path):
        name = a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
        out.append((name, a.get("affiliation", "")))
    return out


def read_results(runs: list[str], folder: Path = RESULTS) -> dict[str, dict]:
    """{run: values} of the runs the paper reads (the default-language results file of each); a missing
    file is an error naming it (the pipeline builds the paper only after the runs it reads)."""
    out = {}
    for run in runs:
        path = Path(folder) / f"{run}.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the paper reads the results of run {run!r}, which are not there; "
                                    "build that run first (make reports builds it before the paper)")
        out[run] = json.loads(path.read_text(encoding="utf-8"))["values"]
    return out
