"""The survey codebook: variables, types, allowed values and English/Italian labels.

The codebook is `codebook.yaml` beside this module; `load_codebook()` reads it once.

Version 2 groups the variables in `blocks` (each with en/it labels, its `source`, questionnaire or
objective, and the COOPERATE objective it serves) and gives coded answers their labels in
`answer_scales`; a variable records the codebook version that introduced it (`since`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

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
    block: str | None = None
    since: int = 1
    answer_scale: str | None = None
    objective: str | None = None

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
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)
    answer_scales: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)

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

    @property
    def cooperate_districts(self) -> list[str]:
        """The districts the COOPERATE project worked in (`cooperate: true` in the codebook); a district
        a researcher adds for another survey is not one of them."""
        return [d for d, spec in self.districts.items() if isinstance(spec, dict) and spec.get("cooperate")]

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

    def block(self, name: str) -> list[str]:
        """Variables of a block, in codebook order (KeyError for an unknown block)."""
        if name not in self.blocks:
            raise KeyError(f"unknown block {name!r}; valid: {', '.join(self.blocks)}")
        return [v.name for v in self.variables if v.block == name]

    def since(self, version: int) -> list[str]:
        """Variables introduced in codebook version `version`, in codebook order."""
        return [v.name for v in self.variables if v.since == version]

    def support_channels(self) -> list[str]:
        """CSR support received from each kind of intermediary (ch_support_*)."""
        return [n for n in self.block("channels") if n.startswith("ch_support_")]

    def network_channels(self) -> list[str]:
        """Membership of each kind of formal network (ch_net_*)."""
        return [n for n in self.block("channels") if n.startswith("ch_net_")]

    def stakeholder_items(self) -> list[str]:
        return self.block("stakeholders")

    def motivation_items(self) -> list[str]:
        return self.block("motivations")

    def barrier_items(self) -> list[str]:
        return self.block("barriers")

    def awareness_items(self) -> list[str]:
        return self.block("awareness")

    def cert_status_items(self) -> dict[str, str]:
        """{cst_<cert>: cert_<cert>}: each certification-status variable and its held/not-held dummy."""
        return {n: "cert_" + n[len("cst_"):] for n in self.block("cert_status")}

    def answer_labels(self, name: str, lang: str = "en") -> dict[int, str]:
        """{code: label} of a coded variable's answers (its answer scale, else its value labels)."""
        var = self[name]
        if var.answer_scale is not None:
            return {int(k): v[lang] for k, v in self.answer_scales[var.answer_scale].items()}
        return {k: str(v) for k, v in var.value_labels.items()}

    def label(self, name: str, lang: str = "en") -> str:
        """Label of a variable, district, dimension, scale or size class."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
        for table in (self.districts, self.csr_dimensions, self.outcome_scales, self.size_classes, self.blocks):
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
        block=spec.get("block"), since=int(spec.get("since", 1)),
        answer_scale=spec.get("answer_scale"), objective=spec.get("objective"),
    )


def package_yaml(text: str):
    """The objects of one of the package's own YAML files (codebook, derived variables, the paper's texts):
    PyYAML's safe loader in its C implementation (libyaml, which PyYAML's wheels carry; the pure-Python
    one where it is missing), the same objects, five times faster (the codebook: 0.06 s in pure Python),
    the first thing every notebook does. Files a user writes (pipeline.yml, a mapping) keep the pure-Python
    loader and its error messages."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    """Read the packaged codebook."""
    text = resources.files(__package__).joinpath("codebook.yaml").read_text(encoding="utf-8")
    raw = package_yaml(text)
    return Codebook(
        variables=tuple(_variable(v) for v in raw["variables"]),
        districts=raw["districts"], size_classes=raw["size_classes"],
        csr_dimensions=raw["csr_dimensions"], outcome_scales=raw["outcome_scales"],
        likert_labels=raw["likert_labels"], version=raw["version"],
        blocks=raw.get("blocks", {}), answer_scales=raw.get("answer_scales", {}),
    )
