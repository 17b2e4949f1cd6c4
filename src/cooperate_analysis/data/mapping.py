"""The mapping step: a YAML mapping file turns a real survey export into the codebook's shape.

A survey exported by a real project rarely has the codebook's column names and codes. A mapping
file says how to read it; it is applied between reading the file and validating it, so the
validator still checks every cell. Every key is optional::

    version: 1
    csv: {delimiter: ";", decimal: ","}   # reading options for a CSV file (default "," and ".")
    rename:                               # survey column -> codebook variable
      Distretto: district
      Addetti: employees
    ignore: [note, timestamp]             # columns that are not survey variables: dropped, with a note
    missing_codes: ["NS", "n.d."]         # read as missing in every column but the firm id
    missing:                              # per codebook variable: more codes read as missing
      firm_age: [99]
    recode:                               # per codebook variable: value in the file -> codebook value
      out_reputation: {buona: 4}
    districts:                            # district as written in the file -> codebook district id
      Capannori: capannori_paper
    value_labels: true                    # use the value labels of a .sav or .dta file (default)

Keys of `missing`, `recode` are codebook variable names (after renaming). Values are compared
as text, ignoring case, accents and repeated spaces, and numbers by value (1, "1" and 1.0 are
the same). Without any entry, text cells that are one of the codebook's own labels become their
code: Likert answers ("invariata", "much better"), districts (id, English or Italian label),
turnover classes ("2-10 M EUR") and yes/no answers (yes, no, sì, si, true, false, vero, falso).
The order is: rename, ignore, missing codes, recodes and district aliases, then labels.

Everything in the mapping is checked before it is used; a problem is one line naming the
mapping file and the key (`MappingError`, a `SurveyFileError`). `draft_mapping` writes a first
mapping for a file (`python -m cooperate_analysis map FILE`).
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .codebook import Codebook, Variable, load_codebook
from .io import SurveyFileError, check_input_path, read_survey

MAPPING_SUFFIXES = (".yml", ".yaml")
KEYS = ("version", "csv", "rename", "ignore", "missing_codes", "missing", "recode", "districts", "value_labels")
# yes/no answers of a binary item, in English and Italian (the codebook's binaries are 0 = no, 1 = yes)
BINARY_LABELS = {"yes": 1, "si": 1, "true": 1, "vero": 1, "no": 0, "false": 0, "falso": 0}
# codes that surveys use for "no answer"; the drafter proposes them where they cannot be values
TYPICAL_MISSING = (-99, -9, -1, 8, 9, 88, 98, 99, 888, 998, 999, 9999)
MISSING_WORDS = ("ns", "n.s.", "nd", "n.d.", "n/d", "na", "n/a", "nr", "n.r.", "non so", "non risponde",
                 "don't know", "dont know", "no answer", "missing", "-", ".", "?")


class MappingError(SurveyFileError):
    """A mapping file that cannot be used: one line per problem, naming the file and the key."""

    def __init__(self, path: str | Path, problems: list[tuple[str, str]] | str):
        if isinstance(problems, str):
            problems = [("", problems)]
        self.problems = problems
        super().__init__(path, f"\n{path}: ".join(f"{key}: {msg}" if key else msg for key, msg in problems))


@dataclass(frozen=True)
class Mapping:
    """A checked mapping file (see the module docstring)."""

    path: str
    delimiter: str = ","
    decimal: str = "."
    rename: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    missing_codes: tuple[str, ...] = ()  # folded keys
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recode: dict[str, dict[str, Any]] = field(default_factory=dict)  # variable -> {folded key: value}
    value_labels: bool = True


# --------------------------------------------------------------------------- text keys
def fold(text: str) -> str:
    """A label as compared: no accents, lower case, one space between words, typographic quotes plain."""
    text = unicodedata.normalize("NFKD", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _key(value: Any) -> str:
    """The text key of one value (a mapping file's entry): whole numbers without decimals."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)) and float(value).is_integer():
        return str(int(value))
    try:
        number = float(str(value).strip())
        if np.isfinite(number) and number.is_integer() and re.fullmatch(r"\s*[-+]?[0-9.]+\s*", str(value)):
            return str(int(number))
    except ValueError:
        pass
    return fold(value)


def keys(col: pd.Series) -> pd.Series:
    """The text keys of a column's cells, vectorised: folded text, whole numbers as digits ('3.0' -> '3');
    empty or missing cells as ''."""
    text = col.astype("string").fillna("")
    folded = (text.str.normalize("NFKD").str.replace("[\u2018\u2019]", "'", regex=True)
              .str.replace(r"[\u0300-\u036f]", "", regex=True).str.casefold()
              .str.replace(r"\s+", " ", regex=True).str.strip())
    numbers = pd.to_numeric(folded.where(folded.str.fullmatch(r"[-+]?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?")),
                            errors="coerce").astype("float64")
    whole = numbers.notna() & np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() < 1e15)
    if whole.any():
        folded = folded.mask(whole, numbers[whole].astype("int64").astype("string"))
    return folded.fillna("")


# --------------------------------------------------------------------------- codebook labels
def allowed_values(var: Variable, cb: Codebook) -> list[Any] | None:
    """The values a coded variable may take (None for ids and free numbers)."""
    if var.type == "binary":
        return [0, 1]
    if var.type == "likert":
        return list(range(int(var.min), int(var.max) + 1))
    if var.type == "category":
        return list(var.values)
    return None


def label_index(var: Variable, cb: Codebook) -> dict[str, Any]:
    """{folded label: codebook value} of the codebook's own labels for a coded variable."""
    index: dict[str, Any] = {}
    if var.type == "likert" or var.answer_scale is not None:  # its answer scale (version 2), else likert_labels
        scale = cb.answer_scales.get(var.answer_scale, cb.likert_labels) if var.answer_scale else cb.likert_labels
        codes = range(int(var.min), int(var.max) + 1) if var.type == "likert" else [int(v) for v in var.values]
        for code, labels in scale.items():
            if int(code) in codes:
                index.update({fold(labels[lang]): int(code) for lang in ("en", "it")})
    elif var.type == "binary":
        index.update(BINARY_LABELS)
    elif var.name == "district":
        for did, spec in cb.districts.items():
            index.update({fold(did): did, fold(spec["en"]): did, fold(spec["it"]): did})
    if var.value_labels:
        index.update({fold(label): code for code, label in var.value_labels.items()})
    return index


# --------------------------------------------------------------------------- loading
def check_mapping_path(path: str | Path) -> Path:
    """The mapping path, if it names a readable regular .yml/.yaml file; else MappingError."""
    return check_input_path(path, MAPPING_SUFFIXES, "mapping file", error=MappingError)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not (isinstance(value, float) and not np.isfinite(value))


def _target_problem(var: Variable, value: Any, cb: Codebook) -> str:
    """Why `value` cannot be a value of `var` ('' when it can)."""
    allowed = allowed_values(var, cb)
    if var.type == "id":
        return f"{var.name} is the firm id: its values are not recoded"
    if allowed is None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and var.min <= value <= var.max
        return "" if ok else f"must be a number between {var.min:g} and {var.max:g}"
    if value in allowed and not isinstance(value, bool):
        return ""
    return f"must be one of {', '.join(map(str, allowed))}"


def load_mapping(path: str | Path, cb: Codebook | None = None) -> Mapping:
    """Read and check a mapping file; every problem is one line naming the file and the key."""
    cb = cb or load_codebook()
    path = check_mapping_path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise MappingError(path, "not UTF-8 text: save the mapping file as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MappingError(path, f"not valid YAML: {where}{what}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise MappingError(path, f"must be a YAML mapping of keys ({', '.join(KEYS)}), not a {type(raw).__name__}")
    problems: list[tuple[str, str]] = []
    names = set(cb.names)

    def variable(key: str, name: Any) -> Variable | None:
        if name in names:
            return cb[name]
        close = difflib.get_close_matches(str(name), cb.names, n=1)
        problems.append((key, f"{name!r} is not a codebook variable"
                              + (f" (did you mean '{close[0]}'?)" if close else "")))
        return None

    def table(key: str) -> dict:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            problems.append((key, f"must be a mapping (key: value lines), not a {type(value).__name__}"))
            return {}
        return value

    def codes(key: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        value = value if isinstance(value, list) else [value]
        bad = [v for v in value if not _scalar(v)]
        if bad:
            problems.append((key, f"missing codes must be numbers or texts; found {bad[0]!r}"))
        return tuple(_key(v) for v in value if _scalar(v))

    for key in raw:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            problems.append((str(key), "unknown key" + (f" (did you mean '{close[0]}'?)" if close else "")
                             + f"; the keys are {', '.join(KEYS)}"))
    if raw.get("version", 1) != 1:
        problems.append(("version", f"{raw['version']!r}: only version 1 exists"))
    csv_opts = table("csv")
    delimiter, decimal = csv_opts.get("delimiter", ","), csv_opts.get("decimal", ".")
    for k in csv_opts:
        if k not in ("delimiter", "decimal"):
            problems.append((f"csv.{k}", "unknown key; the keys are delimiter, decimal"))
    if delimiter not in (",", ";", "\t", "|"):
        problems.append(("csv.delimiter", f"{delimiter!r}: must be one of ',', ';', '\\t', '|'"))
    if decimal not in (".", ","):
        problems.append(("csv.decimal", f"{decimal!r}: must be '.' or ','"))
    if delimiter == "," and decimal == ",":
        problems.append(("csv.decimal", "',' needs another delimiter than ',' (e.g. delimiter: \";\")"))
    rename: dict[str, str] = {}
    for source, target in table("rename").items():
        if variable(f"rename.{source}", target) is None:
            continue
        if target in rename.values():
            first = next(s for s, t in rename.items() if t == target)
            problems.append((f"rename.{source}", f"{target!r} is already the new name of {first!r}"))
        rename[str(source)] = target
    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(c, (str, int)) for c in ignore):
        problems.append(("ignore", "must be a list of column names"))
        ignore = []
    for c in ignore:
        if str(c) in rename:
            problems.append((f"ignore.{c}", "is also renamed under rename: keep one of the two"))
    missing_codes = codes("missing_codes", raw.get("missing_codes"))
    missing = {}
    for name, value in table("missing").items():
        var = variable(f"missing.{name}", name)
        if var is not None and var.type == "id":
            problems.append((f"missing.{name}", "the firm id has no missing codes: it is never missing"))
        elif var is not None:
            missing[name] = codes(f"missing.{name}", value)
    recode: dict[str, dict[str, Any]] = {}
    for name, pairs in table("recode").items():
        var = variable(f"recode.{name}", name)
        if var is None:
            continue
        if not isinstance(pairs, dict):
            problems.append((f"recode.{name}", "must be a mapping of 'value in the file: codebook value'"))
            continue
        for source, target in pairs.items():
            problem = _target_problem(var, target, cb)
            if problem:
                problems.append((f"recode.{name}.{source}", f"{target!r}: {problem}"))
            recode.setdefault(name, {})[_key(source)] = target
    for alias, target in table("districts").items():
        if target not in cb.districts:
            close = difflib.get_close_matches(str(target), cb.district_ids, n=1)
            problems.append((f"districts.{alias}", f"{target!r} is not a district id of the codebook"
                                                   + (f" (did you mean '{close[0]}'?)" if close else "")))
        recode.setdefault("district", {})[_key(alias)] = target
    value_labels = raw.get("value_labels", True)
    if not isinstance(value_labels, bool):
        problems.append(("value_labels", f"{value_labels!r}: must be true or false"))
    if problems:
        raise MappingError(path, problems)
    return Mapping(str(path), delimiter, decimal, rename, tuple(str(c) for c in ignore), missing_codes,
                   missing, recode, bool(value_labels))


# --------------------------------------------------------------------------- applying
def apply_mapping(raw: pd.DataFrame, mapping: Mapping, file: str,
                  cb: Codebook | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The survey table in the codebook's shape, and notes for the user (columns ignored).

    Renames and ignored columns that name no column of the file are errors: a mapping written
    for another file must not be applied silently. Cell values are only replaced, column by
    column with vectorised lookups; what remains wrong is left for the validator to name.
    """
    cb = cb or load_codebook()
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    present = set(columns)
    absent = [(f"rename.{c}", f"no column {c!r} in {file}") for c in mapping.rename if c not in present]
    absent += [(f"ignore.{c}", f"no column {c!r} in {file}") for c in mapping.ignore if c not in present]
    if absent:
        raise MappingError(mapping.path, absent)
    notes = []
    if mapping.ignore:
        notes.append(f"note: {file}: {len(mapping.ignore)} column{'s' if len(mapping.ignore) > 1 else ''} "
                     f"ignored as {mapping.path} says: {', '.join(repr(c) for c in mapping.ignore)}")
    frame = raw.drop(columns=list(mapping.ignore)).rename(columns=mapping.rename)
    out = {}
    for position, name in enumerate(frame.columns):
        col = frame.iloc[:, position]
        var = cb[name] if name in cb.names else None
        if var is None or var.type == "id":
            out[position] = col
            continue
        out[position] = _map_column(col, var, mapping, cb)
    mapped = pd.DataFrame(out)
    mapped.columns = frame.columns
    return mapped, notes


def _map_column(col: pd.Series, var: Variable, mapping: Mapping, cb: Codebook) -> pd.Series:
    k = keys(col)
    codes = set(mapping.missing_codes) | set(mapping.missing.get(var.name, ()))
    changed = pd.Series(False, index=col.index)
    result = col.astype(object)
    if codes:
        gone = k.isin(codes) & (k != "")
        result = result.mask(gone, None)
        changed |= gone
    lookup = dict(label_index(var, cb))
    lookup.update(mapping.recode.get(var.name, {}))  # the mapping's own recodes win over labels
    if lookup:
        # labels are text, so a number already stored as a code is changed only by an explicit recode
        hit = k.map(lookup).where(~changed)
        found = hit.notna()
        if found.any():
            result = result.mask(found, hit)
            changed |= found
    if not changed.any():
        return col
    return result


def read_mapped(source: str | Path, mapping: Mapping | None, cb: Codebook | None = None
                ) -> tuple[pd.DataFrame, list[str]]:
    """Read a survey file as the mapping says and put it in the codebook's shape (unchanged without one)."""
    if mapping is None:
        return read_survey(source), []
    raw = read_survey(source, delimiter=mapping.delimiter, decimal=mapping.decimal,
                      value_labels=mapping.value_labels)
    return apply_mapping(raw, mapping, str(source), cb)


# --------------------------------------------------------------------------- drafting
def _yaml(value: Any) -> str:
    """One YAML scalar or flow collection, on one line."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip().removesuffix(
        "\n...").removesuffix("...").strip()


def _csv_options(path: Path) -> dict[str, str]:
    """Delimiter and decimal mark of a CSV export: a comma file needs none; otherwise the most
    frequent of ; tab | in the header line, and a decimal comma if numbers are written that way."""
    text = path.read_bytes()[: 1 << 20].decode("utf-8-sig", errors="replace")
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    options = {} if delimiter == "," else {"delimiter": delimiter}
    if delimiter != ",":
        cells = re.split(r"[\r\n" + re.escape(delimiter) + r"]", text)
        comma = sum(bool(re.fullmatch(r"\s*[-+]?[0-9]+,[0-9]+\s*", c)) for c in cells)
        point = sum(bool(re.fullmatch(r"\s*[-+]?[0-9]+\.[0-9]+\s*", c)) for c in cells)
        if comma and not point:
            options["decimal"] = ","
    return options


def _column_labels(path: Path) -> dict[str, str]:
    """Variable labels stored in a .sav or .dta file ({} for other formats)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".sav":
            import pyreadstat

            _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
            return {k: v for k, v in meta.column_names_to_labels.items() if v}
        if suffix == ".dta":
            with pd.io.stata.StataReader(path) as reader:
                return {k: v for k, v in reader.variable_labels().items() if v}
    except Exception:  # the reader itself reports an unreadable file
        return {}
    return {}


def _name_texts(var: Variable) -> list[tuple[str, str]]:
    return [(fold(var.name.replace("_", " ")), "name"), (fold(var.labels["en"]), "English label"),
            (fold(var.labels["it"]), "Italian label")]


def _match_headers(columns: list[str], labels: dict[str, str], cb: Codebook) -> dict[str, tuple[str, str]]:
    """{column: (variable, how)}: by name, then by English/Italian label (of the header or of the
    file's variable label), then by similarity (difflib ratio >= 0.8); one column per variable."""
    def plain(text: str) -> str:
        return fold(re.sub(r"[_.\-]+", " ", text))

    targets = []  # the codebook's names and labels, each with its matcher (difflib caches the second text)
    for var in cb.variables:
        for theirs, what in _name_texts(var):
            theirs = plain(theirs)
            targets.append((var.name, theirs, what, difflib.SequenceMatcher(None, "", theirs)))
    scored = []
    for c in columns:
        texts = [(plain(c), "header")] + ([(plain(labels[c]), "variable label")] if c in labels else [])
        for mine, how in texts:
            for name, theirs, what, matcher in targets:
                if mine == theirs:
                    score, why = (1.0 if what == "name" else 0.99), f"{how} = {what}"
                else:
                    matcher.set_seq1(mine)
                    if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                        continue
                    score = matcher.ratio()
                    why = f"{how} similar to the {what} ({score:.0%}): check it"
                if score >= 0.8:
                    scored.append((score, c, name, why))
    matched: dict[str, tuple[str, str]] = {}
    taken = set()
    for score, c, name, why in sorted(scored, key=lambda s: -s[0]):
        if c not in matched and name not in taken:
            matched[c] = (name, why)
            taken.add(name)
    return matched


def _propose_values(col: pd.Series, var: Variable, cb: Codebook, stored: dict[str, Any]
                    ) -> tuple[dict[str, Any], list[Any], list[str], list[Any]]:
    """(recodes, missing codes, values not matched, possible missing codes inside the range) for
    one column; `stored` maps a value label found in the file to its stored code."""
    k = keys(col)
    distinct = pd.Series(col.astype("string").fillna("").str.strip().to_numpy(), index=k.to_numpy())
    distinct = distinct[~distinct.index.duplicated()]
    distinct = distinct[distinct.index != ""]
    index = label_index(var, cb)
    allowed = allowed_values(var, cb)
    allowed_keys = {_key(a) for a in allowed} if allowed is not None else set()
    recode, missing, unmatched, maybe = {}, [], [], []
    choices = {**index, **{fold(v): v for v in cb.district_ids}} if var.name == "district" else index
    for key, shown in distinct.items():
        number = pd.to_numeric(pd.Series([key]), errors="coerce").iloc[0]
        if key in index or key in allowed_keys:
            continue
        if pd.notna(number):
            if allowed is None and var.min <= number <= var.max:
                if number in TYPICAL_MISSING and number >= 98:
                    maybe.append(int(number))
                continue
            if number in TYPICAL_MISSING:
                missing.append(int(number))
            else:
                unmatched.append(shown)
            continue
        if key in MISSING_WORDS:
            missing.append(shown)
            continue
        if key in stored and _key(stored[key]) in allowed_keys:  # a value label whose code is a codebook code
            code = stored[key]
            recode[shown] = int(code) if float(code).is_integer() else code
            continue
        if var.name == "district":
            inside = [did for label, did in choices.items() if key in label or label in key]
            if len(set(inside)) == 1:
                recode[shown] = inside[0]
                continue
        close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
        if close:
            recode[shown] = choices[close[0]]
        else:
            unmatched.append(shown)
    return recode, missing, unmatched, maybe


def _stored_codes(path: Path) -> dict[str, dict[str, Any]]:
    """{column: {folded value label: stored code}} of a .sav or .dta file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".sav":
            import pyreadstat

            _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
            return {c: {fold(label): code for code, label in labels.items()}
                    for c, labels in meta.variable_value_labels.items()}
        if suffix == ".dta":
            with pd.io.stata.StataReader(path) as reader:
                sets = reader.value_labels()
                names = reader._lbllist  # the value-label set of each variable, by position
                columns = reader._varlist
            return {c: {fold(label): code for code, label in sets[s].items()}
                    for c, s in zip(columns, names) if s in sets}
    except Exception:
        return {}
    return {}


def draft_mapping(source: str | Path, cb: Codebook | None = None) -> str:
    """A first mapping file for `source`, as YAML text with comments, for the user to check and edit."""
    cb = cb or load_codebook()
    source = Path(source)
    options = _csv_options(source) if source.suffix.lower() == ".csv" else {}
    raw = read_survey(source, delimiter=options.get("delimiter", ","), decimal=options.get("decimal", "."),
                      value_labels=True)
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    matched = _match_headers(columns, _column_labels(source), cb)
    stored = _stored_codes(source)
    unmatched_columns = [c for c in columns if c not in matched and not re.fullmatch(r"Unnamed: \d+", c)]
    absent = [v for v in cb.names if v not in {name for name, _ in matched.values()}]
    lines = [f"# Mapping for {source.name}, drafted by `python -m cooperate_analysis map`.",
             "# Check every entry (similar names and proposed recodes are guesses), edit, then run",
             f"#   python -m cooperate_analysis validate {source.name} --mapping THIS_FILE",
             "# Keys are explained in data/raw/README.md (\"Using your own survey\").",
             "version: 1"]
    if options:
        lines.append("csv: {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in options.items()) + "}")
    renames = [(c, name, why) for c, (name, why) in matched.items() if c != name]
    lines.append("rename:" + ("" if renames else " {}  # every matched column already has its codebook name"))
    lines += [f"  {_yaml(c)}: {name}  # {why}" for c, name, why in renames]
    lines.append("ignore:" + ("" if unmatched_columns else " []"))
    lines += [f"  - {_yaml(c)}  # not matched to a codebook variable: move it to rename if it is one"
              for c in unmatched_columns]
    required = [v for v in absent if cb[v].since == 1]
    optional = [v for v in absent if cb[v].since > 1]
    if required:
        lines.append(f"# codebook variables with no column in the file: {', '.join(required)}")
    if optional:
        blocks = [b for b in cb.blocks if cb.block(b) and all(n in optional for n in cb.block(b))]
        singles = [v for v in optional if cb[v].block not in blocks]
        lines.append("# optional (codebook version 2) variables with no column in the file, read as missing: "
                     + "; ".join([*(f"block {b}" for b in blocks), *singles]))
    lines.append("missing_codes: []  # codes read as missing in every column but the firm id")
    recodes, missing, hints, unmatched_values = {}, {}, [], {}
    for c, (name, _) in matched.items():
        var = cb[name]
        if var.type == "id":
            continue
        recode, miss, unmatched, maybe = _propose_values(raw[c], var, cb, stored.get(c, {}))
        if recode:
            recodes[name] = recode
        if miss:
            missing[name] = sorted(set(miss), key=str)
        if unmatched:
            unmatched_values[name] = unmatched
        if maybe:
            hints.append((name, sorted(set(maybe))))
    found_codes = {_key(m) for codes in missing.values() for m in codes}
    lines.append("missing:" + ("" if missing or hints else " {}"))
    for name, codes in missing.items():
        lines.append(f"  {name}: {_yaml(codes)}  # outside the codebook's values: read as no answer")
    for name, maybe in hints:
        also = [m for m in maybe if _key(m) in found_codes]
        codes = also or [m for m in maybe if m >= 999]
        if codes:
            why = "is a missing code in other columns of this file" if also else "often means no answer"
            lines.append(f"  # {name}: {_yaml(codes)}  # a possible value of {name}, but {why}: "
                         "delete the first '#' if it means no answer here")
    districts = recodes.pop("district", {})
    lines.append("recode:" + ("" if recodes else " {}"))
    for name, recode in recodes.items():
        lines.append(f"  {name}: {_yaml(recode)}")
    lines.append("districts:" + ("" if districts else " {}"))
    lines += [f"  {_yaml(alias)}: {did}" for alias, did in districts.items()]
    for name, values in unmatched_values.items():
        lines.append(f"# {name}: values not matched to the codebook: {', '.join(map(repr, values[:10]))}"
                     + (f" and {len(values) - 10} more" if len(values) > 10 else "")
                     + " (add them under recode, or under missing if they mean no answer)")
    return "\n".join(lines) + "\n"
