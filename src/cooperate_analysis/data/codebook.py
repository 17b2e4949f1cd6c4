"""The survey codebook: variables, types, allowed values and English/Italian labels.

The codebook is `codebook.yaml` beside this module; `load_codebook()` reads it once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("en", "it")
TYPES = ("id", "category", "integer", "number", "binary", "likert")


@dataclass(frozen=True)
class Variable:
    """One codebook variable."""

    name: str
    type: str
    labels: dict[str, str]
    required: bool = False
    values: tuple[Any, ...] = ()
    min: float | None = None
    max: float | None = None
    missing_codes: tuple[Any, ...] = ()
    value_labels: dict[Any, str] = field(default_factory=dict)
    dimension: str | None = None
    scale: str | None = None
    certification: str | None = None
    pattern: str | None = None

    def label(self, lang: str = "en") -> str:
        return self.labels[lang]


@dataclass(frozen=True)
class Codebook:
    """The parsed codebook with lookups used across the package."""

    variables: tuple[Variable, ...]
    districts: dict[str, dict[str, Any]]
    size_classes: dict[str, dict[str, Any]]
    csr_dimensions: dict[str, dict[str, str]]
    outcome_scales: dict[str, dict[str, str]]
    likert_labels: dict[int, dict[str, str]]
    version: int

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def __getitem__(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def district_ids(self) -> list[str]:
        return list(self.districts)

    def practices(self, dimension: str | None = None) -> list[str]:
        """CSR practice items, all or of one dimension."""
        return [v.name for v in self.variables
                if v.dimension is not None and (dimension is None or v.dimension == dimension)]

    def practices_by_dimension(self) -> dict[str, list[str]]:
        return {d: self.practices(d) for d in self.csr_dimensions}

    def certifications(self, kind: str | None = "csr") -> list[str]:
        """Certification dummies; kind 'csr' (default), 'quality', or None for all."""
        return [v.name for v in self.variables
                if v.certification is not None and (kind is None or v.certification == kind)]

    def outcome_items(self, scale: str | None = None) -> list[str]:
        return [v.name for v in self.variables
                if v.scale is not None and (scale is None or v.scale == scale)]

    def items_by_scale(self) -> dict[str, list[str]]:
        return {s: self.outcome_items(s) for s in self.outcome_scales}

    def label(self, name: str, lang: str = "en") -> str:
        """Label of a variable, district, dimension, scale or size class."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
        for table in (self.districts, self.csr_dimensions, self.outcome_scales, self.size_classes):
            if name in table:
                return table[name][lang]
        return self[name].label(lang)

    def size_class(self, employees: float) -> str:
        """EU size class of a firm with this many employees."""
        for name, spec in self.size_classes.items():
            if spec["min"] <= employees <= spec["max"]:
                return name
        raise ValueError(f"employees={employees} outside every size class")


def _variable(spec: dict[str, Any]) -> Variable:
    if spec["type"] not in TYPES:
        raise ValueError(f"codebook: variable {spec['name']!r} has unknown type {spec['type']!r}")
    return Variable(
        name=spec["name"], type=spec["type"],
        labels={lang: spec[lang] for lang in LANGS},
        required=spec.get("required", False),
        values=tuple(spec.get("values", ())),
        min=spec.get("min"), max=spec.get("max"),
        missing_codes=tuple(spec.get("missing_codes", ())),
        value_labels=dict(spec.get("value_labels", {})),
        dimension=spec.get("dimension"), scale=spec.get("scale"),
        certification=spec.get("certification"), pattern=spec.get("pattern"),
    )


@lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    """Read the packaged codebook."""
    text = resources.files(__package__).joinpath("codebook.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return Codebook(
        variables=tuple(_variable(v) for v in raw["variables"]),
        districts=raw["districts"], size_classes=raw["size_classes"],
        csr_dimensions=raw["csr_dimensions"], outcome_scales=raw["outcome_scales"],
        likert_labels=raw["likert_labels"], version=raw["version"],
    )
