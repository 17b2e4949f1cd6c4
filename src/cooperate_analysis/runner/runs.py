"""The pipeline configuration: which notebook runs with which parameters, and where its outputs go.

`pipeline.yml` declares the runs. `load_runs` checks it before anything runs: run names follow a
safe pattern (they become file names under reports/) and are unique, notebooks live under
notebooks/, and parameters match each notebook's parameters cell. Every problem is a one-line
ConfigError.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONFIG = Path("pipeline.yml")
REPORTS = Path("reports")
BUILD = REPORTS / ".build"  # run keys and temporary files
FAILED = REPORTS / "failed"  # partial notebooks of failed runs
RESULTS = REPORTS / "results"
PROVENANCE = REPORTS / "provenance"
SUPPLIED = ("data_path", "results_path", "langs")  # parameters the pipeline fills in itself
INPUTS = ("notebooks", "data/raw", "pipeline.yml", "requirements.lock", "CITATION.cff")  # what a build reads
RUN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")  # becomes a file name under reports/
NOTEBOOKS = Path("notebooks")
RUN_KEYS = {"name", "notebook", "title", "parameters", "languages", "cost", "min_districts", "reads", "docx"}


def copy_inputs(root: Path, dest: Path) -> None:
    """Copy everything a build reads from the project at `root` into `dest` (scratch builds)."""
    for name in INPUTS:
        src, dst = root / name, dest / name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


class ConfigError(Exception):
    """The pipeline configuration or a run's parameters are invalid."""


@dataclass(frozen=True)
class Run:
    """One papermill execution of a notebook with parameters, rendered as a report in each language.

    The notebook computes every analysis once and emits each output in all `languages`; each
    language gets its own HTML, PDF, results and provenance file, named `<name>` for the default
    language and `<name>-<lang>` for the others. The executed notebook is one file.
    """

    name: str
    notebook: Path
    title: dict = field(default_factory=dict)  # language -> title
    parameters: dict = field(default_factory=dict)
    languages: tuple = ("en",)
    cost: float = 0.0  # expected seconds (hint for scheduling the longest runs first)
    min_districts: int = 2  # a run over every district (no `district` or `group`) needs this many with firms
    reads: tuple = ()  # runs whose results this run reads: it runs after them and its key covers their results
    docx: bool = False  # also a Word edition of each language (reports/<name>.docx), converted by pandoc

    def __post_init__(self) -> None:
        # the name becomes file names under reports/: a safe pattern, checked wherever a Run is made
        if not isinstance(self.name, str) or not RUN_NAME.fullmatch(self.name):
            raise ConfigError(f"run name {self.name!r} is not valid; a run name is 1-100 lower-case letters, "
                              "digits, '-' or '_', starting with a letter or digit")
        from ..data.codebook import LANGS

        if not self.languages or any(lang not in LANGS for lang in self.languages) \
                or len(set(self.languages)) != len(self.languages):
            raise ConfigError(f"run {self.name!r}: languages {list(self.languages)!r} are not valid; "
                              f"valid: {', '.join(LANGS)}, each at most once")

    def output_name(self, lang: str) -> str:
        """The file stem of the report in `lang`."""
        from ..data.codebook import LANGS

        return self.name if lang == LANGS[0] else f"{self.name}-{lang}"

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or next(iter(self.title.values()), self.name)

    def html(self, lang: str) -> Path:
        return REPORTS / f"{self.output_name(lang)}.html"

    def pdf(self, lang: str) -> Path:
        return REPORTS / f"{self.output_name(lang)}.pdf"

    def results(self, lang: str) -> Path:
        return RESULTS / f"{self.output_name(lang)}.json"

    def provenance(self, lang: str) -> Path:
        return PROVENANCE / f"{self.output_name(lang)}.json"

    @property
    def executed(self) -> Path:
        return REPORTS / f"{self.name}.ipynb"

    @property
    def key_file(self) -> Path:
        return BUILD / f"{self.name}.key"

    def outputs(self) -> list[Path]:
        """Outputs that must exist for the run to be current (PDFs are optional: no engine, no PDF)."""
        return [self.executed, *(path for lang in self.languages
                                 for path in (self.html(lang), self.results(lang), self.provenance(lang))),
                *self.docxs()]

    def pdfs(self) -> list[Path]:
        return [self.pdf(lang) for lang in self.languages]

    def docx_file(self, lang: str) -> Path:
        return REPORTS / f"{self.output_name(lang)}.docx"

    def docxs(self) -> list[Path]:
        """The Word editions (one per language) of a run that declares `docx: true`, else none."""
        return [self.docx_file(lang) for lang in self.languages] if self.docx else []


# --------------------------------------------------------------------------- configuration
def notebook_parameters(notebook: Path) -> dict[str, object]:
    """Default values of the notebook's `parameters` cell, by name."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                tree = ast.parse("".join(cell["source"]))
                return {t.id: ast.literal_eval(node.value) for node in tree.body
                        if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, SyntaxError) as exc:
        raise ConfigError(f"{notebook}: not a readable notebook with a literal parameters cell "
                          f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
    raise ConfigError(f"{notebook}: no cell tagged 'parameters'")


def check_parameters(run_name: str, notebook: Path, params: dict) -> None:
    """Reject unknown names, wrong types and invalid district/group/language values, listing valid ones."""
    from ..data.codebook import load_codebook

    declared = notebook_parameters(notebook)
    missing = [name for name in SUPPLIED if name not in declared]
    if missing:
        raise ConfigError(f"run {run_name!r}: {notebook} does not declare the parameter(s) "
                          f"{', '.join(missing)} that the pipeline supplies")
    for name, value in params.items():
        if name not in declared:
            raise ConfigError(f"run {run_name!r}: unknown parameter {name!r} for {notebook}; "
                              f"valid: {', '.join(sorted(declared))}")
        expected = type(declared[name])
        if declared[name] is not None and not isinstance(value, expected) or (
                expected is int and isinstance(value, bool)):
            raise ConfigError(f"run {run_name!r}: parameter {name!r} must be {expected.__name__}, "
                              f"got {type(value).__name__} {value!r}")
    districts = load_codebook().district_ids
    valid = {"district": districts, "group": [*districts, "pooled"]}
    for name, allowed in valid.items():
        if name in params and params[name] not in allowed:
            raise ConfigError(f"run {run_name!r}: {name}={params[name]!r} is not valid; "
                              f"valid: {', '.join(allowed)}")




def _read_config(config: Path) -> dict:
    """The configuration file as a mapping; every way it can be unreadable is one ConfigError line."""
    try:
        text = config.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{config}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config}: cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:  # syntax errors and unsafe tags (!!python/...) alike
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{config}: not valid YAML{where}: {problem}") from None
    if not isinstance(spec, dict):
        raise ConfigError(f"{config}: must be a mapping with a 'runs' list, found {type(spec).__name__}")
    unknown = set(spec) - {"common_parameters", "languages", "runs"}
    if unknown:
        raise ConfigError(f"{config}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                          "valid: common_parameters, languages, runs")
    if not isinstance(spec.get("runs"), list) or not spec["runs"]:
        raise ConfigError(f"{config}: 'runs' must be a non-empty list of runs")
    if "languages" in spec and not isinstance(spec["languages"], list):
        raise ConfigError(f"{config}: 'languages' must be a list of language codes, found {spec['languages']!r}")
    if not isinstance(spec.get("common_parameters", {}), dict):
        raise ConfigError(f"{config}: 'common_parameters' must be a mapping of parameter: value")
    return spec


def notebook_path(config: Path, name: str, value: object) -> Path:
    """The run's notebook as a path relative to the project, which must be a file under notebooks/."""
    if not isinstance(value, str) or not value.endswith(".ipynb"):
        raise ConfigError(f"{config}: run {name!r}: 'notebook' must be the path of an .ipynb file "
                          f"under {NOTEBOOKS}/, found {value!r}")
    notebook = Path(value)
    root = Path.cwd().resolve()
    resolved = (root / notebook).resolve()
    if notebook.is_absolute() or not resolved.is_relative_to(root / NOTEBOOKS):
        raise ConfigError(f"{config}: run {name!r}: notebook {value} is outside {NOTEBOOKS}/ "
                          "(notebooks must live in the project's notebooks/ folder)")
    if not resolved.is_file():
        raise ConfigError(f"{config}: run {name!r}: notebook {value} not found")
    return resolved.relative_to(root)


def load_runs(config: Path = CONFIG) -> list[Run]:
    """The runs declared in the pipeline configuration, checked before anything runs.

    Run names become file names in reports/, so they must match RUN_NAME (lower-case letters,
    digits, '-' and '_'; no path separators, no dots) and be unique; notebooks must be files
    under notebooks/. Every problem is a one-line ConfigError.
    """
    spec = _read_config(config)
    common = spec.get("common_parameters") or {}
    runs, seen, outputs = [], set(), {}
    for i, entry in enumerate(spec["runs"], start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{config}: run {i} must be a mapping with name, notebook and parameters")
        name = entry.get("name")
        if not isinstance(name, str) or not RUN_NAME.fullmatch(name):
            raise ConfigError(f"{config}: run {i}: name {name!r} is not valid; a run name is 1-100 lower-case "
                              "letters, digits, '-' or '_', starting with a letter or digit")
        if name in seen:
            raise ConfigError(f"{config}: run name {name!r} used twice")
        seen.add(name)
        unknown = set(entry) - RUN_KEYS
        if unknown:
            raise ConfigError(f"{config}: run {name!r}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                              f"valid: {', '.join(sorted(RUN_KEYS))}")
        if "notebook" not in entry:
            raise ConfigError(f"{config}: run {name!r}: 'notebook' is missing")
        notebook = notebook_path(config, name, entry["notebook"])
        parameters = entry.get("parameters", {})
        if not isinstance(parameters, dict):
            raise ConfigError(f"{config}: run {name!r}: 'parameters' must be a mapping of parameter: value "
                              f"(write {{}} for none), found {parameters!r}")
        params = {**common, **parameters}
        bad = [p for p in SUPPLIED if p in params]
        if bad:
            raise ConfigError(f"{config}: run {name!r} sets {', '.join(bad)}, which the pipeline supplies")
        check_parameters(name, notebook, params)
        languages = entry.get("languages", spec.get("languages", ["en"]))
        if not isinstance(languages, list) or not all(isinstance(lang, str) for lang in languages):
            raise ConfigError(f"{config}: run {name!r}: 'languages' must be a list of language codes, "
                              f"found {languages!r}")
        title = entry.get("title", name)
        if isinstance(title, str):
            title = {lang: title for lang in languages}
        if not isinstance(title, dict) or not all(isinstance(v, str) for v in title.values()) \
                or set(title) - set(languages):
            raise ConfigError(f"{config}: run {name!r}: 'title' must be text, or a mapping of the run's "
                              f"languages to text, found {title!r}")
        cost = entry.get("cost", 0)
        if isinstance(cost, bool) or not isinstance(cost, (int, float)) or cost < 0:
            raise ConfigError(f"{config}: run {name!r}: 'cost' must be a number of seconds >= 0, found {cost!r}")
        min_districts = entry.get("min_districts", 2)
        if isinstance(min_districts, bool) or not isinstance(min_districts, int) or min_districts < 1:
            raise ConfigError(f"{config}: run {name!r}: 'min_districts' must be a whole number >= 1, "
                              f"found {min_districts!r}")
        reads = entry.get("reads", [])
        if not isinstance(reads, list) or not all(isinstance(r, str) for r in reads) or len(set(reads)) != len(reads):
            raise ConfigError(f"{config}: run {name!r}: 'reads' must be a list of run names, each once, "
                              f"found {reads!r}")
        docx = entry.get("docx", False)
        if not isinstance(docx, bool):
            raise ConfigError(f"{config}: run {name!r}: 'docx' must be true or false, found {docx!r}")
        try:
            run = Run(name=name, notebook=notebook, title=title, parameters=params, languages=tuple(languages),
                      cost=float(cost), min_districts=min_districts, reads=tuple(reads), docx=docx)
        except ConfigError as exc:
            raise ConfigError(f"{config}: {exc}") from None
        clash = [out for out in map(run.output_name, run.languages) if out in outputs]
        if clash:
            raise ConfigError(f"{config}: run {name!r}: report {clash[0]!r} is also a report of run "
                              f"{outputs[clash[0]]!r}")
        outputs.update({out: name for out in map(run.output_name, run.languages)})
        runs.append(run)
    check_reads(runs, config)
    return runs


def check_reads(runs: list[Run], config: Path = CONFIG) -> None:
    """Every run a run `reads` is declared, is not the run itself, and the reads form no cycle (so the
    build can order the runs: `stages`)."""
    names = {run.name for run in runs}
    for run in runs:
        for other in run.reads:
            if other == run.name:
                raise ConfigError(f"{config}: run {run.name!r} reads its own results")
            if other not in names:
                raise ConfigError(f"{config}: run {run.name!r} reads run {other!r}, which is not declared; "
                                  f"declared: {', '.join(sorted(names))}")
    stages(runs, config)


def stages(runs: list[Run], config: Path = CONFIG) -> list[list[Run]]:
    """The runs in build order: first those that read no run, then those whose read runs are all in
    earlier stages, and so on (configuration order within a stage). A cycle is a ConfigError."""
    done: set[str] = set()
    left, out = list(runs), []
    while left:
        stage = [run for run in left if all(other in done for other in run.reads)]
        if not stage:
            raise ConfigError(f"{config}: the runs {', '.join(run.name for run in left)} read each other "
                              "in a cycle")
        out.append(stage)
        done.update(run.name for run in stage)
        left = [run for run in left if run.name not in done]
    return out
