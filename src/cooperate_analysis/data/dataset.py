"""The data step: raw survey file -> validated `data/processed/survey.parquet` (+ metadata).

Raw files are only read, never written. The processed table and its metadata are written
atomically, after validation has passed, so a bad input leaves nothing behind.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .io import atomic_path, atomic_write_text, sha256_file

RAW_DIR = Path("data/raw")
DEFAULT_SURVEY = RAW_DIR / "survey_synthetic.csv"
MANIFEST = RAW_DIR / "SHA256SUMS"
PUBLISHED = RAW_DIR / "published_figures.csv"
MILESTONES = RAW_DIR / "district_milestones.csv"
ACTORS = RAW_DIR / "district_actors.csv"
INDICATORS_FILE = RAW_DIR / "district_indicators.csv"
DEFINITIONS = RAW_DIR / "indicator_definitions.csv"
UNITS_FILE = RAW_DIR / "indicator_units.csv"
RELATIONS = RAW_DIR / "district_relations.csv"
RAW_README = RAW_DIR / "README.md"
PROCESSED = Path("data/processed/survey.parquet")


class ManifestError(Exception):
    """A file listed in data/raw/SHA256SUMS is missing or has changed."""


def verify_manifest(manifest: Path = MANIFEST) -> dict[str, str]:
    """Check every file listed in the SHA-256 manifest; return {path: sha}."""
    if not manifest.is_file():
        raise ManifestError(f"{manifest}: manifest not found")
    checked, problems = {}, []
    for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        expected, _, name = line.partition("  ")
        path = manifest.parent / name.strip()
        if not path.is_file():
            problems.append(f"{path}: listed in {manifest} (line {n}) but missing")
            continue
        got = sha256_file(path)
        if got != expected.strip():
            problems.append(f"{path}: SHA-256 {got[:12]}... differs from {expected[:12]}... in {manifest} "
                            "(raw data are immutable: restore the file, or record a deliberate change "
                            "in the manifest and data/raw/README.md)")
        checked[str(path)] = got
    if problems:
        raise ManifestError("\n".join(problems))
    return checked


def synthetic_hashes(raw_dir: Path = RAW_DIR) -> set[str]:
    """SHA-256 of every data file the synthetic generator produced (recorded in its truth file)."""
    hashes = set()
    for truth in raw_dir.glob("*.truth.json"):
        sha = json.loads(truth.read_text(encoding="utf-8")).get("data_sha256")
        if sha:
            hashes.add(sha)
    return hashes


def is_synthetic(path: Path, sha: str, synthetic_rows: int = 0) -> bool:
    """True when the data are (partly) generator output: a truth file beside the file, a known
    synthetic hash, or at least one row whose firm_id follows the generator's id scheme
    (`synthetic.SYNTHETIC_ID_PATTERN`), so that a subset, an edited copy or a file mixing synthetic
    and real rows keeps the synthetic-data banner."""
    return synthetic_rows > 0 or path.with_suffix(".truth.json").is_file() or sha in synthetic_hashes()


def prepare_survey(source: Path, processed: Path = PROCESSED, key: str = "", before_write=None,
                   mapping: Path | None = None, frame: pd.DataFrame | None = None) -> dict:
    """Validate `source` against the codebook and write the processed parquet + metadata JSON.

    With a `mapping` file (see `data.mapping`), the file is read as the mapping says and put in
    the codebook's shape before it is validated; the metadata record the mapping's SHA-256 and
    its notes (columns ignored).

    With the population `frame` (`population.population_frame()`), the metadata also name, in
    ``population_notes``, the sampled size classes it has no count for (`population.uncounted_classes`).

    `before_write`, if given, is called once validation has passed, just before the processed
    files are replaced (the build uses it to stop the index naming the old data).

    The metadata record ``synthetic`` (see `is_synthetic`) and ``synthetic_rows``, the number of
    rows whose firm_id follows the synthetic generator's id scheme, and the survey's coverage of the
    codebook (`validate.coverage`): ``absent_columns``, ``absent_blocks`` (blocks with every column
    absent) and ``survey_version`` ("1": no version-2 column, "2": all of them, else "partial"); the
    processed table has every codebook column, the absent ones all missing.
    """
    from .codebook import load_codebook
    from .mapping import load_mapping, read_mapped
    from .synthetic import synthetic_ids
    from .validate import coverage, heaping_warnings, validate_survey

    sha = sha256_file(source)
    rules = load_mapping(mapping) if mapping is not None else None
    raw, notes = read_mapped(source, rules)
    typed = validate_survey(raw, str(source), mapping=str(mapping) if mapping is not None else None)
    cb = load_codebook()
    synthetic_rows = int(synthetic_ids(typed["firm_id"]).sum())
    meta = {
        "source": str(source),
        "source_name": source.name,
        "source_sha256": sha,
        "synthetic": is_synthetic(source, sha, synthetic_rows),
        "synthetic_rows": synthetic_rows,
        "rows": int(len(typed)),
        "rows_by_district": {d: int((typed["district"] == d).sum()) for d in cb.district_ids},
        "codebook_version": cb.version,
        **coverage(raw.columns, cb),
        "key": key,
        # values heaped at a typical no-answer code (99 firms aged 99): named, not changed
        "warnings": heaping_warnings(typed, str(source), cb, str(mapping) if mapping is not None else None),
    }
    if mapping is not None:
        meta.update({"mapping": str(mapping), "mapping_sha256": sha256_file(mapping), "mapping_notes": notes})
    if frame is not None:
        from .population import uncounted_classes

        meta["population_notes"] = uncounted_classes(typed, frame)
    if before_write is not None:
        before_write()
    # the metadata (with the data key) go first and come back last: a build killed in between
    # leaves no metadata, so the next build validates again instead of trusting a mismatched pair
    meta_path(processed).unlink(missing_ok=True)
    with atomic_path(processed) as tmp:
        typed.to_parquet(tmp, index=False)
    atomic_write_text(meta_path(processed), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def meta_path(processed: Path = PROCESSED) -> Path:
    return processed.with_suffix(".json")


def read_meta(processed: Path = PROCESSED) -> dict | None:
    path = meta_path(processed)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() and processed.is_file() else None


def load_processed(processed: str | Path = PROCESSED):
    """The validated survey and its metadata, as the notebooks use them."""
    import pandas as pd

    processed = Path(processed)
    meta = read_meta(processed)
    if meta is None:
        raise FileNotFoundError(f"{processed}: processed survey missing; run `make reports` first")
    return pd.read_parquet(processed), meta


# --- published district facts (data/raw/README.md, "Published district facts: the three files") ---------

PUBLISHED_COLUMNS = ["source_id", "district", "measure", "value", "unit", "n", "year", "note", "perimeter", "indicator",
                     "grade"]
# Source grades, strongest first (data/raw/README.md, "Source grades"): official statistics, public body,
# academic publication, district body or association, press, secondary copy.
GRADES = ("OS", "PB", "AC", "DB", "PR", "SC")
INDICATORS = ("firms", "employees", "output", "exports", "size_structure", "employment", "workplace_safety",
              "stakeholder_relations", "certified_firms", "district_emas", "ethics_code")
MILESTONE_COLUMNS = ["district", "start", "end", "event_en", "event_it", "kind", "source_id"]
MILESTONE_KINDS = ("project", "certification", "renewal", "agreement", "report", "status")
ACTOR_COLUMNS = ["district", "actor", "kind", "role_en", "role_it", "working_group", "source_id"]
ACTOR_KINDS = ("trade_association", "development_agency", "union", "local_authority", "consortium", "research_centre",
               "chamber_of_commerce", "district_committee", "firm")
WORKING_GROUP = ("yes", "no", "unknown")
_DATE = re.compile(r"^\d{4}(?:-\d{2}-\d{2})?$")


class FactsError(ValueError):
    """A file of published district facts breaks its schema: one line per broken rule, naming the file,
    the column, the data rows (1 = first row below the header) and the rule."""


def documented_sources(readme: str | Path = RAW_README) -> set[str]:
    """The source ids (S1, D21, ...) listed in the sources table of data/raw/README.md."""
    text = Path(readme).read_text(encoding="utf-8")
    _, _, sources = text.partition("## Sources of the published figures")
    return set(re.findall(r"^\| ([DS]\d{1,3}) \| .+ \| `[^`]+` \|$", sources, re.M))


def _read_facts(path: Path, **kw) -> pd.DataFrame:
    """pandas.read_csv of a facts file; FactsError (one line naming the file) when it cannot be read as CSV."""
    try:
        return pd.read_csv(path, encoding="utf-8", **kw)
    except FileNotFoundError:
        raise FactsError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise FactsError(f"{path}: not UTF-8 text: save it as UTF-8") from None
    except (OSError, ValueError, TypeError) as exc:  # ParserError, EmptyDataError, a text in an integer column
        text = " ".join(str(exc).split())
        raise FactsError(f"{path}: cannot be read as CSV of the documented columns: {text[:200]}") from None


def _facts_table(path: str | Path, columns: list[str]) -> pd.DataFrame:
    path = Path(path)
    table = _read_facts(path, dtype=str, keep_default_na=False)
    if list(table.columns) != columns:
        raise FactsError(f"{path}: columns must be {', '.join(columns)}; found {', '.join(map(str, table.columns))}")
    return table


def _check_facts(path: str | Path, table: pd.DataFrame, rules: list[tuple[str, pd.Series, str]]) -> None:
    """Raise FactsError listing every (column, failing rows, rule) whose mask has a True row."""
    problems = []
    for column, bad, rule in rules:
        bad = bad.fillna(True).to_numpy(dtype=bool)
        if bad.any():
            rows = ", ".join(str(i + 1) for i in bad.nonzero()[0])
            problems.append(f"{path}: column {column!r}, row{'s' if bad.sum() > 1 else ''} {rows}: {rule}")
    if problems:
        raise FactsError("\n".join(problems))


def _district_rule(table: pd.DataFrame, extra: tuple[str, ...]) -> tuple[str, pd.Series, str]:
    from .codebook import load_codebook

    allowed = [*load_codebook().district_ids, *extra]
    return "district", ~table["district"].isin(allowed), f"must be one of {', '.join(allowed)}"


def _readme_for(path: str | Path, readme: str | Path | None) -> Path:
    """The README whose sources table documents `path`: `readme` if given, else the README.md beside the
    file, else data/raw/README.md."""
    if readme is not None:
        return Path(readme)
    beside = Path(path).parent / "README.md"
    return beside if beside.is_file() else RAW_README


def _source_rule(table: pd.DataFrame, readme: Path) -> tuple[str, pd.Series, str]:
    known = documented_sources(readme)
    return "source_id", ~table["source_id"].isin(known), f"must be a source id listed in {readme}"


def _required(table: pd.DataFrame, columns: list[str]) -> list[tuple[str, pd.Series, str]]:
    return [(c, table[c].str.strip() == "", "must not be empty") for c in columns]


def _allowed(table: pd.DataFrame, column: str, values: tuple[str, ...],
             empty: bool = False) -> tuple[str, pd.Series, str]:
    ok = table[column].isin(values) | ((table[column] == "") if empty else False)
    return column, ~ok, f"must be one of {', '.join(values)}" + (" or empty" if empty else "")


def _date_key(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a YYYY or YYYY-MM-DD value; None when malformed or not a calendar date."""
    import datetime

    if not _DATE.match(text):
        return None
    if len(text) == 4:
        return int(text), 0, 0
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day.year, day.month, day.day


def _ends_before(start, end) -> bool:
    """True when a well-formed end lies before a well-formed start (a bare year compares by year only)."""
    if not start or not end:
        return False
    if end[0] != start[0] or not (start[1] and end[1]):
        return end[0] < start[0]
    return end < start


def load_published(path: str | Path = PUBLISHED, readme: str | Path | None = None) -> pd.DataFrame:
    """The published figures on the districts (real data, each row with its source id; see data/raw/README.md),
    checked: the columns of `PUBLISHED_COLUMNS`, a codebook district, ``all`` or ``other``, a number as
    value, an `INDICATORS` value or nothing as indicator, a source id listed in the sources table of
    `readme` (by default the README.md beside the file, else data/raw/README.md). A file in the
    earlier eight-column layout (without perimeter and indicator) is read with both empty. ``perimeter``
    and ``indicator`` are empty strings where the file leaves them empty; the other columns as before
    (``year`` text, ``n`` nullable integer, empty text cells NaN)."""
    path = Path(path)
    figures = _read_facts(path, dtype={"year": str, "n": "Int64"})
    if list(figures.columns) == PUBLISHED_COLUMNS[:8]:
        figures["perimeter"], figures["indicator"] = "", ""
    if list(figures.columns) == PUBLISHED_COLUMNS[:10]:
        figures["grade"] = ""
    if list(figures.columns) != PUBLISHED_COLUMNS:
        raise FactsError(f"{path}: columns must be {', '.join(PUBLISHED_COLUMNS)}; "
                         f"found {', '.join(map(str, figures.columns))}")
    for column in ("perimeter", "indicator", "grade"):
        figures[column] = figures[column].fillna("").astype(str)
    text = figures[["source_id", "district", "measure", "grade"]].fillna("").astype(str)
    _check_facts(path, figures, [
        _grade_rule(text, _readme_for(path, readme), empty=True),
        *_required(text, ["source_id", "district", "measure"]),
        _district_rule(text, ("all", "other")),
        ("value", ~np.isfinite(pd.to_numeric(figures["value"], errors="coerce").astype("float64")),
         "must be a number (finite: not empty, inf or nan)"),
        _allowed(figures, "indicator", INDICATORS, empty=True),
        _source_rule(text, _readme_for(path, readme)),
    ])
    return figures


def load_milestones(path: str | Path = MILESTONES, readme: str | Path | None = None) -> pd.DataFrame:
    """The dated CSR milestones of the districts (data/raw/district_milestones.csv; real data, each row
    with its source id), checked: the columns of `MILESTONE_COLUMNS`; a codebook district or ``all``;
    start YYYY or YYYY-MM-DD, end the same or empty and not before start; both event texts given; a
    `MILESTONE_KINDS` kind; a source id listed in `readme` (as for `load_published`). All columns are
    text (empty: "")."""
    table = _facts_table(path, MILESTONE_COLUMNS)
    start = table["start"].map(_date_key)
    end = table["end"].map(lambda v: _date_key(v) if v else ())
    before = [_ends_before(s, e) for s, e in zip(start, end)]
    _check_facts(path, table, [
        _district_rule(table, ("all",)),
        ("start", start.isna(), "must be a year (YYYY) or a date (YYYY-MM-DD)"),
        ("end", end.isna(), "must be a year (YYYY), a date (YYYY-MM-DD) or empty"),
        ("end", pd.Series(before, index=table.index), "must not be before start"),
        *_required(table, ["event_en", "event_it"]),
        _allowed(table, "kind", MILESTONE_KINDS),
        _source_rule(table, _readme_for(path, readme)),
        ("(all)", table.duplicated(), "repeats an earlier row"),
    ])
    return table


def load_actors(path: str | Path = ACTORS, readme: str | Path | None = None) -> pd.DataFrame:
    """The actors of the districts' CSR schemes (data/raw/district_actors.csv; real data, one row per
    actor, role and source), checked: the columns of `ACTOR_COLUMNS`; a codebook district or ``all``; the
    actor's name and both role texts given; an `ACTOR_KINDS` kind; working_group yes, no or unknown; a
    source id listed in `readme` (as for `load_published`). All columns are text."""
    table = _facts_table(path, ACTOR_COLUMNS)
    _check_facts(path, table, [
        _district_rule(table, ("all",)),
        *_required(table, ["actor", "role_en", "role_it"]),
        _allowed(table, "kind", ACTOR_KINDS),
        _allowed(table, "working_group", WORKING_GROUP),
        _source_rule(table, _readme_for(path, readme)),
        ("(all)", table.duplicated(), "repeats an earlier row"),
    ])
    return table


def check_facts(published: str | Path = PUBLISHED, milestones: str | Path = MILESTONES,
                actors: str | Path = ACTORS) -> None:
    """Check the files of published district facts that the notebooks read (figures, milestones,
    actors), as the data step does before any notebook runs, so that a bad row stops the build
    before it removes or replaces any report; one FactsError naming every problem of every file."""
    problems = []
    for load, path in ((load_published, published), (load_milestones, milestones), (load_actors, actors)):
        try:
            load(path)
        except FactsError as exc:
            problems.append(str(exc))
    if problems:
        raise FactsError("\n".join(problems))


PUBLISHED_LABELS = RAW_DIR / "published_measures.csv"
PUBLISHED_LABEL_COLUMNS = ["field", "text", "label_en", "label_it"]


def load_published_labels(path: str | Path = PUBLISHED_LABELS) -> pd.DataFrame:
    """The English and Italian names of the measures and perimeters of published_figures.csv
    (data/raw/published_measures.csv: field 'measure' or 'perimeter', the text as published_figures.csv
    gives it, label_en, label_it). The names are data, so a new published figure is named in every
    language by a row here, not by code."""
    labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(labels.columns) != PUBLISHED_LABEL_COLUMNS:
        raise FactsError(f"{path}: columns must be {', '.join(PUBLISHED_LABEL_COLUMNS)}; "
                         f"found {', '.join(map(str, labels.columns))}")
    bad = labels.index[~labels["field"].isin(["measure", "perimeter"]) | (labels["text"].str.strip() == "")]
    if len(bad):
        raise FactsError(f"{path}: rows {', '.join(str(i + 1) for i in bad)}: field must be measure or perimeter "
                         "and text must not be empty")
    return labels


def present_districts(frame: pd.DataFrame) -> list[str]:
    """The codebook's districts that have firms in `frame`, in codebook order."""
    from .codebook import load_codebook

    present = set(frame["district"].dropna().astype(str))
    return [d for d in load_codebook().district_ids if d in present]


# --- district indicators (data/raw/README.md, "District indicators") -------------------------------------

INDICATOR_COLUMNS = ["indicator", "theme", "district", "year", "perimeter", "value", "unit", "qualifier", "source_id",
                     "grade", "section", "note", "searched"]
DEFINITION_COLUMNS = ["indicator", "theme", "group", "label_en", "label_it", "unit_en", "unit_it"]
UNIT_COLUMNS = ["unit_en", "unit_it"]
RELATION_COLUMNS = ["district", "actor", "relation", "target", "source_id"]
THEMES = ("environment", "social", "economic")
QUALIFIERS = ("approx.", "more than", "fewer than", "almost", "less than")
RELATIONS_KINDS = ("runs", "member_of", "chairs", "vice_chairs", "advises", "founded", "signed", "partner_of",
                   "discharges_to", "led", "coordinated", "promoted", "supports")


def source_grades(readme: str | Path = RAW_README) -> dict[str, str]:
    """{source id: grade} from the sources table of data/raw/README.md (its `grade` column)."""
    text = Path(readme).read_text(encoding="utf-8")
    _, _, sources = text.partition("## Sources of the published figures")
    codes = "|".join(GRADES)
    return dict(re.findall(rf"^\| ([DS]\d{{1,3}}) \| .+ \| ({codes}) \| `[^`]+` \|$", sources, re.M))


def _grade_rule(table: pd.DataFrame, readme: Path, empty: bool = False) -> tuple[str, pd.Series, str]:
    """A row's grade is a GRADES code no stronger than its source's grade in the README (a row may be weaker:
    a press source relaying an encyclopaedia); `empty` allows a file without grades (the earlier layouts)."""
    ungraded = empty and not (table["grade"] != "").any()
    bad = pd.Series([not ok for ok in _grades_ok(table, readme)], index=table.index) & (not ungraded)
    return "grade", bad, f"must be one of {', '.join(GRADES)}, no stronger than the source's grade in {readme}"


def load_indicator_definitions(path: str | Path = DEFINITIONS) -> pd.DataFrame:
    """The indicators of the district reports (data/raw/indicator_definitions.csv): id, theme, group, labels and
    usual unit in English and Italian; ids unique, themes of `THEMES`, every text given. All columns text."""
    table = _facts_table(path, DEFINITION_COLUMNS)
    _check_facts(path, table, [
        *_required(table, DEFINITION_COLUMNS),
        _allowed(table, "theme", THEMES),
        ("indicator", table["indicator"].duplicated(), "repeats an earlier indicator"),
    ])
    return table


def load_indicator_units(path: str | Path = UNITS_FILE) -> pd.DataFrame:
    """The units of district_indicators.csv with their Italian names (data/raw/indicator_units.csv)."""
    table = _facts_table(path, UNIT_COLUMNS)
    _check_facts(path, table, [*_required(table, UNIT_COLUMNS),
                               ("unit_en", table["unit_en"].duplicated(), "repeats an earlier unit")])
    return table


def load_indicators(path: str | Path = INDICATORS_FILE, readme: str | Path | None = None,
                    definitions: str | Path | None = None, units: str | Path | None = None) -> pd.DataFrame:
    """The district indicators (data/raw/district_indicators.csv; real data, one row per published value or
    per indicator searched and not found), checked: the columns of `INDICATOR_COLUMNS`; an indicator of the
    definitions file (by default indicator_definitions.csv beside the file, else data/raw's; the same for
    indicator_units.csv) with its theme; a codebook district.
    A value row has a finite number as value, a unit of the units file, a qualifier of `QUALIFIERS` or
    none (the year may be empty: undated), a source id listed in `readme` and a grade no stronger than its source's, and no
    `searched` note. An absent row has no value, unit, qualifier, source or grade, and a `searched` note
    saying what was searched. Returns the table with text columns ("" when empty) and `value` a float
    (NaN on absent rows)."""
    path = Path(path)
    table = _facts_table(path, INDICATOR_COLUMNS)
    def beside(default: Path) -> Path:  # the file beside the indicators file, else data/raw's
        return path.parent / default.name if (path.parent / default.name).is_file() else default
    defs = load_indicator_definitions(definitions or beside(DEFINITIONS))
    unit_names = set(load_indicator_units(units or beside(UNITS_FILE))["unit_en"])
    theme_of = dict(zip(defs["indicator"], defs["theme"]))
    value = pd.to_numeric(table["value"].where(table["value"].str.strip() != ""), errors="coerce")
    absent = table["value"].str.strip() == ""
    finite = value.map(lambda v: v == v and abs(v) != float("inf"))
    has = table[["unit", "qualifier", "source_id", "grade"]] != ""
    readme = _readme_for(path, readme)
    known = documented_sources(readme)
    _check_facts(path, table, [
        ("indicator", ~table["indicator"].isin(list(theme_of)), f"must be an indicator of {DEFINITIONS.name}"),
        ("theme", table["indicator"].isin(list(theme_of)) & (table["theme"] != table["indicator"].map(theme_of)),
         "must be the indicator's theme"),
        _district_rule(table, ()),
        ("value", ~absent & ~finite, "must be a finite number, or empty on an absent row"),
        ("unit", ~absent & ~table["unit"].isin(unit_names), f"must be a unit of {UNITS_FILE.name}"),
        ("qualifier", ~(table["qualifier"].isin(QUALIFIERS) | (table["qualifier"] == "")),
         f"must be one of {', '.join(QUALIFIERS)} or empty"),
        ("source_id", ~absent & ~table["source_id"].isin(known), f"must be a source id listed in {readme}"),
        ("grade", ~absent & ~pd.Series(_grades_ok(table, readme), index=table.index),
         f"must be one of {', '.join(GRADES)}, no stronger than the source's grade in {readme}"),
        ("searched", absent & (table["searched"].str.strip() == ""), "an absent row must say what was searched"),
        ("searched", ~absent & (table["searched"] != ""), "must be empty on a value row"),
        ("(absent)", absent & has[["unit", "qualifier", "source_id", "grade"]].any(axis=1),
         "an absent row has no unit, qualifier, source or grade"),
        ("(all)", table.duplicated(), "repeats an earlier row"),
    ])
    table["value"] = value
    return table


def _grades_ok(table: pd.DataFrame, readme: Path) -> list[bool]:
    graded = source_grades(readme)
    rank = {g: i for i, g in enumerate(GRADES)}
    # an unknown source is the source rule's to report, once
    return [g in rank and (s not in graded or rank[g] >= rank[graded[s]])
            for s, g in zip(table["source_id"], table["grade"])]


def load_relations(path: str | Path = RELATIONS, readme: str | Path | None = None) -> pd.DataFrame:
    """Who runs which plant, sits on which committee, signed which agreement (data/raw/district_relations.csv;
    real data, each row with its source), checked: the columns of `RELATION_COLUMNS`; a codebook district or
    ``all``; actor and target given; a relation of `RELATIONS_KINDS`; a documented source id. All text."""
    table = _facts_table(path, RELATION_COLUMNS)
    _check_facts(path, table, [
        _district_rule(table, ("all",)),
        *_required(table, ["actor", "target"]),
        _allowed(table, "relation", RELATIONS_KINDS),
        _source_rule(table, _readme_for(path, readme)),
        ("(all)", table.duplicated(), "repeats an earlier row"),
    ])
    return table
