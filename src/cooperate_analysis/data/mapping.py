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

import csv
import difflib
import io
import json
import math
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
from .quoting import shell_quote  # noqa: F401  (re-exported: the CLI quotes with it)
from .validate import listed

MAPPING_SUFFIXES = (".yml", ".yaml")
KEYS = ("version", "csv", "rename", "ignore", "missing_codes", "missing", "recode", "districts", "value_labels")
# yes/no answers of a binary item, in English and Italian (the codebook's binaries are 0 = no, 1 = yes)
BINARY_LABELS = {"yes": 1, "si": 1, "true": 1, "vero": 1, "no": 0, "false": 0, "falso": 0}
# codes that surveys use for "no answer"; the drafter proposes them where they cannot be values
TYPICAL_MISSING = (-99, -9, -1, 8, 9, 88, 98, 99, 888, 998, 999, 9999)


class MappingError(SurveyFileError):
    """A mapping file that cannot be used: one line per problem, naming the file and the key."""

    def __init__(self, path: str | Path, problems: list[tuple[str, str]] | str):
        if isinstance(problems, str):
            problems = [("", problems)]
        if len(problems) > MAX_PROBLEMS:  # a message of a few lines, whatever the file holds
            problems = [*problems[:MAX_PROBLEMS], ("", f"and {len(problems) - MAX_PROBLEMS:,} more problems")]
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


_QUOTES = re.compile("[\u2018\u2019]")
_MARKS = re.compile(r"[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[-+]?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?")


def cell_key(text: str) -> str:
    """The text key of one cell as text: folded (NFKD, typographic quotes plain, accents dropped, case
    folded, one space between words, stripped), and a whole number below 1e15 as its digits ('3.0' -> '3')."""
    folded = _SPACES.sub(" ", _MARKS.sub("", _QUOTES.sub("'", unicodedata.normalize("NFKD", text))).casefold()).strip()
    if _NUMBER.fullmatch(folded):
        number = float(folded)
        if math.isfinite(number) and number == math.floor(number) and abs(number) < 1e15:
            return str(int(number))
    return folded


def keys(col: pd.Series) -> pd.Series:
    """The text keys of a column's cells (`cell_key` of each cell as text); empty or missing cells as ''.
    Each distinct cell is keyed once: a survey column holds few distinct answers."""
    codes, distinct = pd.factorize(col.astype("string"), use_na_sentinel=True)
    table = np.array([cell_key(text) for text in distinct] + [""], dtype=object)  # code -1 (missing) -> ''
    return pd.Series(table[codes], index=col.index, dtype="string")


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
MAX_MAPPING_BYTES = 1 << 20  # a mapping file is a few kB; a larger one is refused before it is parsed
MAX_DEPTH = 8  # the deepest a mapping file nests is recode: {variable: {value: code}}, depth 3
MAX_SHOWN = 80  # characters of a value quoted in a message
MAX_PROBLEMS = 20  # lines of one MappingError
_INT, _BOOL, _TIMESTAMP = "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"


def check_mapping_path(path: str | Path) -> Path:
    """The mapping path, if it names a readable regular .yml/.yaml file; else MappingError."""
    return check_input_path(path, MAPPING_SUFFIXES, "mapping file", error=MappingError)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not (isinstance(value, float) and not np.isfinite(value))


def _kind(value: Any) -> str:
    return {dict: "mapping (key: value lines)", list: "list"}.get(type(value), type(value).__name__)


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """`value` quoted for a message (repr: control characters escaped), cut to `limit` characters; a
    list or mapping is named by its kind, never printed."""
    if isinstance(value, (dict, list, tuple, set)):
        return f"a {_kind(value)}"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…' ({len(str(value)):,} characters)"


def _part(value: Any, limit: int = 40) -> str:
    """A key of a mapping file as written in a message's key path: control characters escaped, cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _MappingLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stricter: a repeated key, an alias (*name) or nesting deeper than
    MAX_DEPTH is an error (an alias tree expands a small file to gigabytes, deep nesting exhausts
    the stack, a repeated key silently replaces the first). Scalars follow YAML 1.2's core schema:
    only true/false are booleans (`no`, `si`, `on` stay text), integers are decimal ('010' is 10,
    not octal 8; '1:30' is text, not 90), dates stay text."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a mapping file: write the values out",
                self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not (_scalar(key) or key is None):
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be a single text or number, not {shown(key)}", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {shown(key)} is repeated (first on line {seen[key] + 1}): the second "
                                "would silently replace the first; keep one", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_decimal_int(self, node):
        return int(self.construct_scalar(node))


_MappingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_MappingLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_MappingLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_MappingLoader.add_constructor(_INT, _MappingLoader.construct_decimal_int)


def parse_mapping_text(text: str, path: str | Path = "mapping") -> Any:
    """The YAML document of a mapping file, read by `_MappingLoader`; MappingError (one line) otherwise."""
    try:
        return yaml.load(text, Loader=_MappingLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MappingError(path, f"not valid YAML: {where}{_part(what, 300)}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. '!!int x', '!!float 1e'
        raise MappingError(path, f"not valid YAML: {type(exc).__name__}: {_part(exc, 200)}") from None


def _target_problem(var: Variable, value: Any, cb: Codebook) -> str:
    """Why `value` cannot be a value of `var` ('' when it can)."""
    allowed = allowed_values(var, cb)
    if var.type == "id":
        return f"{var.name} is the firm id: its values are not recoded"
    if not _scalar(value):
        return f"must be a single value, not {shown(value)}"
    if allowed is None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and var.min <= value <= var.max
        return "" if ok else f"must be a number between {var.min:g} and {var.max:g}"
    if value in allowed and not isinstance(value, bool):
        return ""
    return f"must be one of {', '.join(map(str, allowed))}"


def is_valid_value(var: Variable, key: str, cb: Codebook) -> bool:
    """True when a cell whose text key is `key` is a possible answer of `var` (a code of a coded
    variable, a number in the range of a numeric one): such a value is never a missing code for the
    whole file."""
    allowed = allowed_values(var, cb)
    if allowed is not None:
        return key in {_key(a) for a in allowed}
    try:
        number = float(key)
    except ValueError:
        return False
    if not np.isfinite(number) or (var.type != "number" and not number.is_integer()):
        return False
    return var.min <= number <= var.max


def load_mapping(path: str | Path, cb: Codebook | None = None) -> Mapping:
    """Read and check a mapping file; every problem is one line naming the file and the key."""
    cb = cb or load_codebook()
    path = check_mapping_path(path)
    size = path.stat().st_size
    if size > MAX_MAPPING_BYTES:
        raise MappingError(path, f"{size:,} bytes, more than a mapping file may have ({MAX_MAPPING_BYTES:,}): "
                                 "is it the right file?")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MappingError(path, "not UTF-8 text: save the mapping file as UTF-8") from None
    return check_mapping(parse_mapping_text(text, path), path, cb)


def check_mapping(raw: Any, path: str | Path, cb: Codebook | None = None) -> Mapping:
    """A `Mapping` from the parsed YAML `raw`, once every key and value has the type and meaning the
    mapping format allows (see the module docstring); MappingError naming every problem otherwise."""
    cb = cb or load_codebook()
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise MappingError(path, f"must be a YAML mapping of keys ({', '.join(KEYS)}), not a {_kind(raw)}")
    problems: list[tuple[str, str]] = []
    names = set(cb.names)

    def variable(key: str, name: Any) -> Variable | None:
        if isinstance(name, str) and name in names:
            return cb[name]
        close = difflib.get_close_matches(str(name)[:100], cb.names, n=1) if _scalar(name) else []
        problems.append((key, f"{shown(name)} is not a codebook variable"
                              + (f" (did you mean '{close[0]}'?)" if close else "")))
        return None

    def table(key: str, what: str) -> dict:
        value = raw.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            problems.append((key, f"must be a mapping ({what}), not a {_kind(value)}"))
            return {}
        return value

    def codes(key: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, dict):
            problems.append((key, f"must be a list of codes (e.g. [99, \"NS\"]), not a {_kind(value)}"))
            return ()
        value = value if isinstance(value, list) else [value]
        bad = [v for v in value if not _scalar(v)]
        if bad:
            problems.append((key, f"missing codes must be numbers or texts; found {shown(bad[0])}"))
        return tuple(_key(v) for v in value if _scalar(v))

    for key in raw:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key)[:100], KEYS, n=1)
            problems.append((_part(key), "unknown key" + (f" (did you mean '{close[0]}'?)" if close else "")
                             + f"; the keys are {', '.join(KEYS)}"))
    version = raw.get("version", 1)
    if type(version) is not int or version != 1:
        problems.append(("version", f"{shown(version)}: only version 1 exists"))
    csv_opts = table("csv", "delimiter: and decimal:")
    delimiter, decimal = csv_opts.get("delimiter", ","), csv_opts.get("decimal", ".")
    for k in csv_opts:
        if k not in ("delimiter", "decimal"):
            problems.append((f"csv.{_part(k)}", "unknown key; the keys are delimiter, decimal"))
    if delimiter not in (",", ";", "\t", "|"):
        problems.append(("csv.delimiter", f"{shown(delimiter)}: must be one of ',', ';', '\\t', '|'"))
    if decimal not in (".", ","):
        problems.append(("csv.decimal", f"{shown(decimal)}: must be '.' or ','"))
    rename: dict[str, str] = {}
    for source, target in table("rename", "column in the file: codebook variable").items():
        if variable(f"rename.{_part(source)}", target) is None:
            continue
        if target in rename.values():
            first = next(s for s, t in rename.items() if t == target)
            problems.append((f"rename.{_part(source)}", f"{target!r} is already the new name of {shown(first)}"))
        rename[str(source)] = target
    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in ignore):
        problems.append(("ignore", "must be a list of column names"
                                   + (f", not a {_kind(ignore)}" if not isinstance(ignore, list) else "")))
        ignore = []
    for c in ignore:
        if str(c) in rename:
            problems.append((f"ignore.{_part(c)}", "is also renamed under rename: keep one of the two"))
    missing_codes = codes("missing_codes", raw.get("missing_codes"))
    missing = {}
    for name, value in table("missing", "codebook variable: [codes]").items():
        var = variable(f"missing.{_part(name)}", name)
        if var is not None and var.type == "id":
            problems.append((f"missing.{name}", "the firm id has no missing codes: it is never missing"))
        elif var is not None:
            missing[name] = codes(f"missing.{name}", value)
    recode: dict[str, dict[str, Any]] = {}
    district_entries: list[tuple[str, Any, Any]] = []  # (key path, value in the file, district id)
    for name, pairs in table("recode", "codebook variable: {value in the file: codebook value}").items():
        var = variable(f"recode.{_part(name)}", name)
        if var is None:
            continue
        if not isinstance(pairs, dict):
            problems.append((f"recode.{name}", "must be a mapping of 'value in the file: codebook value', "
                                               f"not a {_kind(pairs)}"))
            continue
        for source, target in pairs.items():
            problem = _target_problem(var, target, cb)
            if problem:
                problems.append((f"recode.{name}.{_part(source)}", f"{shown(target)}: {problem}"
                                 if _scalar(target) else problem))
                continue
            if name == "district":
                district_entries.append((f"recode.district.{_part(source)}", source, target))
            recode.setdefault(name, {})[_key(source)] = target
    for alias, target in table("districts", "district as written in the file: district id").items():
        if not isinstance(target, str) or target not in cb.districts:
            close = difflib.get_close_matches(str(target)[:100], cb.district_ids, n=1) if _scalar(target) else []
            problems.append((f"districts.{_part(alias)}", f"{shown(target)} is not a district id of the codebook"
                                                          + (f" (did you mean '{close[0]}'?)" if close else "")))
            continue
        district_entries.append((f"districts.{_part(alias)}", alias, target))
        recode.setdefault("district", {})[_key(alias)] = target
    problems += _district_problems(district_entries, cb)
    value_labels = raw.get("value_labels", True)
    if not isinstance(value_labels, bool):
        problems.append(("value_labels", f"{shown(value_labels)}: must be true or false"))
    if problems:
        raise MappingError(path, problems)
    return Mapping(str(path), delimiter, decimal, rename, tuple(str(c) for c in ignore), missing_codes,
                   missing, recode, bool(value_labels))


def _district_problems(entries: list[tuple[str, Any, Any]], cb: Codebook) -> list[tuple[str, str]]:
    """District aliases that would merge districts: one value of the file given two districts, two
    values of the file given one district, or one district's id or label given another district."""
    problems = []
    labels = label_index(cb["district"], cb)
    by_key: dict[str, tuple[str, Any, Any]] = {}
    by_district: dict[str, tuple[str, Any]] = {}
    for where, alias, target in entries:
        key = _key(alias)
        own = labels.get(key)
        if own == target:  # the district's own id or label: the codebook maps it already
            continue
        if own is not None:
            problems.append((where, f"{shown(alias)} names the district {own}: it cannot become {target} "
                                    "(that would put one district's firms in another)"))
            continue
        if key in by_key:
            first_where, first_alias, first_target = by_key[key]
            if first_target != target:
                problems.append((where, f"{shown(alias)} is given {target} here and {first_target} under "
                                        f"{first_where}: keep one"))
            continue
        by_key[key] = (where, alias, target)
        if target in by_district:
            first_where, first_alias = by_district[target]
            problems.append((where, f"{shown(alias)} and {shown(first_alias)} ({first_where}) would both become "
                                    f"{target}: two values of the file in one district; if the file really "
                                    "writes one district two ways, keep one alias and correct the other value"))
            continue
        by_district[target] = (where, alias)
    return problems


# --------------------------------------------------------------------------- applying
def apply_mapping(raw: pd.DataFrame, mapping: Mapping, file: str,
                  cb: Codebook | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The survey table in the codebook's shape, and notes for the user (columns ignored).

    Renames and ignored columns that name no column of the file are errors: a mapping written
    for another file must not be applied silently. So is a code of `missing_codes` (read as no
    answer in every column) that is a possible answer of a column of the file (0 in a yes/no item,
    99 as an export share): it would turn real answers into no answer, so it must be listed per
    column under `missing`. Cell values are only replaced, column by column with vectorised
    lookups; what remains wrong is left for the validator to name.
    """
    cb = cb or load_codebook()
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    present = set(columns)
    absent = [(f"rename.{_part(c)}", f"no column {shown(c)} in {file}") for c in mapping.rename if c not in present]
    absent += [(f"ignore.{_part(c)}", f"no column {shown(c)} in {file}") for c in mapping.ignore if c not in present]
    if absent:
        raise MappingError(mapping.path, absent)
    notes = []
    if mapping.ignore:
        notes.append(f"note: {file}: {len(mapping.ignore)} column{'s' if len(mapping.ignore) > 1 else ''} "
                     f"ignored as {mapping.path} says: {', '.join(shown(c, 40) for c in mapping.ignore[:10])}"
                     + (f" and {len(mapping.ignore) - 10} more" if len(mapping.ignore) > 10 else ""))
    frame = raw.drop(columns=list(mapping.ignore)).rename(columns=mapping.rename)
    variables = [cb[n] for n in dict.fromkeys(frame.columns) if n in cb.names and cb[n].type != "id"]
    problems = []
    for code in mapping.missing_codes:
        real = [v.name for v in variables if is_valid_value(v, code, cb) and code not in mapping.missing.get(v.name, ())]
        if real:
            said = code if re.fullmatch(r"-?[0-9.]+", code) else shown(code)
            problems.append(("missing_codes", f"{said} is a possible answer of {listed(real)}: read as no answer "
                                              "in every column, it would erase real answers there; list it under "
                                              f"missing for each column where it means no answer (e.g. missing: "
                                              f"{{{real[0]}: [{code}]}})"))
    if problems:
        raise MappingError(mapping.path, problems)
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


def label_sets(path: Path) -> dict[str, dict[Any, str]]:
    """{column: {stored code: value label}} of a .sav or .dta file ({} for other formats or when the
    file's metadata cannot be read: the reader then reports the file)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".sav":
            import pyreadstat

            _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
            return {c: dict(labels) for c, labels in meta.variable_value_labels.items()}
        if suffix == ".dta":
            with pd.io.stata.StataReader(path) as reader:
                sets = reader.value_labels()
                names = reader._lbllist  # the value-label set of each variable, by position
                columns = reader._varlist
            return {c: dict(sets[s]) for c, s in zip(columns, names) if s in sets}
    except Exception:  # noqa: BLE001 - the reader itself reports an unreadable file
        return {}
    return {}


def _code(value: Any) -> Any:
    """A stored code as written in a message: 2.0 -> 2."""
    try:
        return int(value) if float(value).is_integer() else value
    except (TypeError, ValueError):
        return value


def label_problems(path: Path, mapping: Mapping | None, cb: Codebook | None = None) -> list[tuple[str, str]]:
    """Value labels of a .sav/.dta file that would merge answers if the file were read as labels:
    two codes of one column with the same label (unless it means no answer), or two codes of the
    district column whose labels (or the mapping's aliases for them) name one district."""
    cb = cb or load_codebook()
    sets = label_sets(path)
    renamed = mapping.rename if mapping else {}
    district_column = next((s for s, t in renamed.items() if t == "district"), "district")
    lookup = {**label_index(cb["district"], cb), **(mapping.recode.get("district", {}) if mapping else {})}
    problems = []
    for column, labels in sets.items():
        by_label: dict[str, list] = {}
        for code, label in labels.items():
            by_label.setdefault(fold(label), []).append(_code(code))
        for label, codes in by_label.items():
            if len(codes) > 1 and not means_no_answer(label):
                problems.append(("value_labels", f"column {shown(column, 40)}: codes {listed(codes)} carry the same "
                                                 f"label {shown(label)}, so read as labels they would become one "
                                                 "answer: set value_labels: false and recode the codes instead"))
        if str(column) == district_column:
            by_district: dict[str, list] = {}
            for code, label in labels.items():
                target = lookup.get(_key(label))
                if target is not None:
                    by_district.setdefault(target, []).append((_code(code), label))
            for did, pairs in by_district.items():
                if len(pairs) > 1 and len({fold(label) for _, label in pairs}) > 1:
                    problems.append(("value_labels", f"column {shown(column, 40)}: codes "
                                                     f"{listed([c for c, _ in pairs])} (labels "
                                                     f"{listed([shown(lab, 60) for _, lab in pairs])}) all become "
                                                     f"{did}: two districts of the file in one; set value_labels: "
                                                     "false and recode the codes instead"))
    return problems


def read_mapped(source: str | Path, mapping: Mapping | None, cb: Codebook | None = None
                ) -> tuple[pd.DataFrame, list[str]]:
    """Read a survey file as the mapping says and put it in the codebook's shape (unchanged without one)."""
    if mapping is None:
        return read_survey(source), []
    if mapping.value_labels and Path(source).suffix.lower() in (".sav", ".dta"):
        problems = label_problems(Path(source), mapping, cb)
        if problems:
            raise MappingError(mapping.path, problems)
    raw = read_survey(source, delimiter=mapping.delimiter, decimal=mapping.decimal,
                      value_labels=mapping.value_labels)
    return apply_mapping(raw, mapping, str(source), cb)


# --------------------------------------------------------------------------- drafting
DRAFT_MARKER = "# cooperate-analysis draft mapping"
# what a value label or a cell says for "no answer", in English and Italian (compared folded); a
# label made of several of them ("non sa/non risponde", "DK/NA") means no answer too
NO_ANSWER_PHRASES = frozenset({
    "ns", "n.s.", "nd", "n.d.", "na", "n.a.", "n/a", "nr", "n.r.", "dk", "n/d", "-", ".", "?", "non sa", "non so",
    "non risponde", "non ha risposto", "non ricorda", "non indicato", "non disponibile", "non applicabile",
    "rifiuta", "rifiutato", "rifiuto", "nessuna risposta", "mancante", "dato mancante", "preferisce non rispondere",
    "don't know", "dont know", "do not know", "refused", "refusal", "no answer", "not answered", "not applicable",
    "not available", "missing", "prefer not to say", "ns/nr", "dk/na", "nsnr"})


def means_no_answer(text: str) -> bool:
    """True for a folded text that says "no answer" ("non sa", "don't know", "n/a", "non sa/non
    risponde", "NS/NR", "rifiuta - non sa")."""
    text = fold(text)
    if text in NO_ANSWER_PHRASES:
        return True
    parts = [p.strip() for p in re.split(r"\s*(?:/|,|;|\s-\s|\bo\b|\bor\b|\be\b|\band\b)\s*", text) if p.strip()]
    return len(parts) > 1 and all(p in NO_ANSWER_PHRASES for p in parts)


def _escaped(text: str) -> str:
    """`text` with every character that is not printable (line breaks, tabs, U+2028, NUL, BOM...)
    written as an escape, so it cannot start a new line of a YAML file or a terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))


def _yaml(value: Any) -> str:
    """One YAML scalar or flow collection, on one line, whatever characters its texts hold."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, str) and not all(c.isprintable() for c in value):
        # a double-quoted YAML scalar, escaped as JSON is (YAML accepts JSON's escapes), non-printables as \\u
        return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                             for c in json.dumps(value, ensure_ascii=False)[1:-1]) + '"'
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    if "\n" in text:  # a plain scalar the dumper folded: write it double-quoted
        return json.dumps(value, ensure_ascii=False)
    return text


def _csv_cells(path: Path, delimiter: str, limit: int = 1 << 20) -> list[str]:
    """The cells of the first `limit` bytes of a CSV file, as the csv module reads them (quotes removed)."""
    text = path.read_bytes()[:limit].decode("utf-8-sig", errors="replace")
    try:
        return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
    except csv.Error:
        return []


def _csv_options(path: Path) -> dict[str, str]:
    """Delimiter and decimal mark of a CSV export: the most frequent of , ; tab | in the header
    line, and a decimal comma when numbers are written '12,5' (with a comma delimiter, such cells
    must be quoted to be read at all) and none with a decimal point. Cells like '1,000' (three
    digits after the comma) are not taken as decimals: they may be thousands."""
    text = path.read_bytes()[: 1 << 16].decode("utf-8-sig", errors="replace")
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    options = {} if delimiter == "," else {"delimiter": delimiter}
    cells = _csv_cells(path, delimiter)
    comma = [c for c in cells if re.fullmatch(r"\s*[-+]?[0-9]+,[0-9]+\s*", c)]
    point = sum(bool(re.fullmatch(r"\s*[-+]?[0-9]+\.[0-9]+\s*", c)) for c in cells)
    if comma and not point and any(len(c.strip().rpartition(",")[2]) != 3 for c in comma):
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
    except Exception:  # noqa: BLE001 - the reader itself reports an unreadable file
        return {}
    return {}


def _name_texts(var: Variable) -> list[tuple[str, str]]:
    return [(fold(var.name.replace("_", " ")), "name"), (fold(var.labels["en"]), "English label"),
            (fold(var.labels["it"]), "Italian label")]


# words that say nothing about which variable a header means
_STOP_WORDS = frozenset({"di", "del", "della", "dei", "delle", "dell", "degli", "e", "ed", "il", "la", "le", "lo", "l",
                         "i", "gli", "un", "una", "per", "in", "con", "da", "a", "al", "alla", "nel", "nell", "negli",
                         "of", "the", "and", "or", "a", "an", "in", "to", "for", "by", "n", "nr", "num", "numero"})


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w and w not in _STOP_WORDS]


def _label_words(var: Variable) -> dict[str, list[str]]:
    return {"name": _words(var.name), "English label": _words(var.labels["en"]),
            "Italian label": _words(var.labels["it"])}


def _same_word(a: str, b: str) -> bool:
    """Two words are the same for `_word_match`: equal, or the shorter, of at least 4 letters, begins the longer."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and long.startswith(short)


def _word_match(header: str | list[str], var: Variable, texts: dict[str, list[str]] | None = None
                ) -> tuple[float, str] | None:
    """(score, how) when every word of `header` begins a word of the variable's name or English or
    Italian label, or is begun by one ('addetti', 'quota_export', 'classe_fatturato', 'eta_impresa');
    words of at least 4 letters are compared by their first 4 or more letters, shorter ones whole. A
    header word with digits, or one that no label word shares, is no match. `header` may be given as
    its words (`_words`), `texts` as the variable's (`_label_words`)."""
    mine = _words(header) if isinstance(header, str) else header
    if not mine or any(re.search(r"[0-9]", w) for w in mine):
        return None
    texts = texts if texts is not None else _label_words(var)

    same = _same_word
    for w in mine:  # every header word must be shared by some word of the name or labels
        if not any(same(w, t) for words in texts.values() for t in words):
            return None
    # how well: the words of the label that the header covers, and whether it starts as a label does
    best = max(texts.items(), key=lambda kv: sum(any(same(w, t) for w in mine) for t in kv[1]) / max(len(kv[1]), 1))
    starts = any(words and same(mine[0], words[0]) for words in texts.values())
    covered = sum(any(same(w, t) for w in mine) for t in best[1]) / max(len(best[1]), 1)
    return 0.85 + 0.05 * starts + 0.04 * covered, f"its words are words of {var.name}'s name or labels: check it"


def _match_headers(columns: list[str], labels: dict[str, str], cb: Codebook) -> dict[str, tuple[str, str]]:
    """{column: (variable, how)}: by name, then by English/Italian label (of the header or of the
    file's variable label), then by similarity (difflib ratio >= 0.8), then by the words of the
    labels (`_word_match`); one column per variable, the best score first."""
    def plain(text: str) -> str:
        return fold(re.sub(r"[_.\-]+", " ", text))

    targets = []  # the codebook's names and labels, each with its matcher (difflib caches the second text)
    for var in cb.variables:
        for theirs, what in _name_texts(var):
            theirs = plain(theirs)
            targets.append((var.name, theirs, what, difflib.SequenceMatcher(None, "", theirs)))
    scored = []
    vocabulary = {var.name: (var, _label_words(var)) for var in cb.variables}
    shared: dict[str, set[str]] = {}

    def sharing(word: str) -> set[str]:
        """The variables with a word of their name or labels that is the same as `word` (`_same_word`)."""
        if word not in shared:
            shared[word] = {name for name, (_, texts) in vocabulary.items()
                            if any(_same_word(word, t) for label in texts.values() for t in label)}
        return shared[word]

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
            mine_words = _words(mine)
            # only the variables that share every header word can match it (each word's set computed once)
            candidates = set.intersection(*(sharing(w) for w in mine_words)) if mine_words else set()
            words = [(name, _word_match(mine_words, var, vocab)) for name, (var, vocab) in vocabulary.items()
                     if name in candidates]
            words = [(name, hit) for name, hit in words if hit]
            top = max((hit[0] for _, hit in words), default=0)
            best = [(name, hit) for name, hit in words if hit[0] == top]
            if len(best) == 1:  # a tie between variables is no match: the user names the column
                name, (score, why) = best[0]
                scored.append((min(score, 0.95), c, name, f"{how}: {why}"))
    matched: dict[str, tuple[str, str]] = {}
    taken = set()
    for score, c, name, why in sorted(scored, key=lambda s: -s[0]):
        if c not in matched and name not in taken:
            matched[c] = (name, why)
            taken.add(name)
    return matched


def heaped(col: pd.Series, var: Variable) -> list[tuple[float, int]]:
    """[(value, count)] of the typical "no answer" codes (validate.HEAPING_CODES) inside the range of
    a numeric column that the file holds far more often than the values around them (see
    `validate.heaped_values`)."""
    from .validate import heaped_values

    numbers = pd.to_numeric(col.astype("string").str.strip(), errors="coerce")
    return heaped_values(numbers, var)


def _propose_values(col: pd.Series, var: Variable, cb: Codebook, stored: dict[str, Any]
                    ) -> tuple[dict[str, Any], list[Any], list[str], list[tuple[Any, int]], list[str],
                               list[tuple[Any, int]]]:
    """(recodes, missing codes, values not matched, heaped typical missing codes inside the range with
    their counts, texts that mean no answer, typical codes >= 98 inside the range with their counts)
    for one column; `stored` maps a value label found in the file to its stored code."""
    k = keys(col)
    distinct = pd.Series(col.astype("string").fillna("").str.strip().to_numpy(), index=k.to_numpy())
    distinct = distinct[~distinct.index.duplicated()]
    distinct = distinct[distinct.index != ""]
    index = label_index(var, cb)
    allowed = allowed_values(var, cb)
    allowed_keys = {_key(a) for a in allowed} if allowed is not None else set()
    recode, missing, unmatched, words = {}, [], [], []
    maybe = heaped(col, var) if allowed is None else []
    in_range: list[tuple[float, int]] = []  # typical codes >= 98 inside the range (hinted if a code elsewhere)
    choices = {**index, **{fold(v): v for v in cb.district_ids}} if var.name == "district" else index
    numbers = pd.to_numeric(pd.Series(distinct.index, dtype=object), errors="coerce").to_numpy()
    for (key, shown_value), number in zip(distinct.items(), numbers):
        if key in index or key in allowed_keys:
            continue
        if pd.notna(number):
            if allowed is None and var.min <= number <= var.max:
                if number in TYPICAL_MISSING and number >= 98:
                    in_range.append((float(number), int((k == key).sum())))
                continue
            if number in TYPICAL_MISSING:
                missing.append(int(number))
            else:
                unmatched.append(shown_value)
            continue
        if means_no_answer(key):
            words.append(shown_value)
            continue
        if key in stored and _key(stored[key]) in allowed_keys:  # a value label whose code is a codebook code
            recode[shown_value] = _code(stored[key])
            continue
        if var.name == "district":
            inside = [did for label, did in choices.items() if key in label or label in key]
            if len(set(inside)) == 1:
                recode[shown_value] = inside[0]
                continue
        close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
        if close:
            recode[shown_value] = choices[close[0]]
        else:
            unmatched.append(shown_value)
    return recode, missing, unmatched, maybe, words, in_range


def draft_mapping(source: str | Path, cb: Codebook | None = None, out: str | Path | None = None,
                  _merged: list[tuple[str, str]] | None = None) -> str:
    """A first mapping file for `source`, as YAML text with comments, for the user to check and edit.

    Its first line is `DRAFT_MARKER`: `map --force` replaces only a file that starts so. Every file
    name and value is escaped where it is written (a YAML comment, a suggested command)."""
    cb = cb or load_codebook()
    source = Path(source)
    options = _csv_options(source) if source.suffix.lower() == ".csv" else {}
    suffix = source.suffix.lower()
    merged = _merged if _merged is not None else label_problems(source, None, cb) if suffix in (".sav", ".dta") else []
    use_labels = not merged
    raw = read_survey(source, delimiter=options.get("delimiter", ","), decimal=options.get("decimal", "."),
                      value_labels=use_labels)
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    matched = _match_headers(columns, _column_labels(source), cb)
    stored = {c: {fold(label): code for code, label in labels.items()}
              for c, labels in label_sets(source).items()} if use_labels else {}
    unmatched_columns = [c for c in columns if c not in matched and not re.fullmatch(r"Unnamed: \d+", c)]
    absent = [v for v in cb.names if v not in {name for name, _ in matched.values()}]
    command = (f"python -m cooperate_analysis validate {shell_quote(source)} --mapping "
               f"{shell_quote(out) if out is not None else 'THIS_FILE'}")
    lines = [f"{DRAFT_MARKER} (`map --force` may replace this file while this line comes first)",
             f"# Mapping for {_escaped(shown(source.name, 200))}, drafted by `python -m cooperate_analysis map`.",
             "# Check every entry (similar names and proposed recodes are guesses), edit, then run",
             f"#   {_escaped(command)}",
             "# Keys are explained in data/raw/README.md (\"Using your own survey\").",
             "version: 1"]
    if options:
        lines.append("csv: {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in options.items()) + "}"
                     + ("  # numbers written with a decimal comma ('12,5')" if options.get("decimal") == "," else ""))
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
    recodes, missing, hints, unmatched_values, words = {}, {}, [], {}, {}
    for c, (name, _) in matched.items():
        var = cb[name]
        if var.type == "id":
            continue
        recode, miss, unmatched, maybe, texts, inside = _propose_values(raw[c], var, cb, stored.get(c, {}))
        if recode:
            recodes[name] = recode
        if miss:
            missing[name] = sorted(set(miss), key=str)
        if unmatched:
            unmatched_values[name] = unmatched
        if maybe or inside:
            hints.append((name, maybe, inside))
        for text in texts:
            words.setdefault(fold(text), text)
    # texts that mean no answer are never an answer: one list for every column
    lines.append(f"missing_codes: {_yaml(list(words.values()))}"
                 + ("  # texts that mean no answer, in every column but the firm id" if words else
                    "  # codes read as missing in every column but the firm id"))
    lines.append("missing:" + ("" if missing or hints else " {}"))
    for name, codes in missing.items():
        lines.append(f"  {name}: {_yaml(codes)}  # outside the codebook's values: read as no answer")
    found_codes = {_key(m) for codes in missing.values() for m in codes}
    for name, maybe, inside in hints:
        heaps = dict(maybe)
        also = {v: n for v, n in inside if _key(v) in found_codes and v not in heaps}
        if not heaps and not also:
            continue
        codes = [_code(v) for v in sorted({*heaps, *also})]
        why = "; ".join([*(f"{n} firms have {_code(v)}, far more than the values around it" for v, n in heaps.items()),
                         *(f"{_code(v)} is a code for no answer in other columns of this file" for v in also)])
        lines.append(f"  # {name}: {_yaml(codes)}  # a possible value of {name}, but {why}: "
                     "delete the first '#' if it means no answer here")
    districts = recodes.pop("district", {})
    if use_labels and districts and suffix in (".sav", ".dta"):  # would the proposed aliases merge districts?
        column = next(c for c, (name, _) in matched.items() if name == "district")
        trial = Mapping("draft", rename={column: "district"},
                        recode={"district": {_key(a): d for a, d in districts.items()}})
        merging = label_problems(source, trial, cb)
        if merging:
            return draft_mapping(source, cb, out, _merged=merging)
    lines.append("recode:" + ("" if recodes else " {}"))
    for name, recode in recodes.items():
        lines.append(f"  {name}: {_yaml(recode)}")
    lines.append("districts:" + ("" if districts else " {}"))
    given: dict[str, Any] = {}
    for alias, did in districts.items():
        if did in given:  # two values of the file in one district: a guess the user must decide
            lines.append(f"  # {_yaml(alias)}: {did}  # also matched {did}, like {_escaped(shown(given[did], 40))}: "
                         "two values of the file in one district? check the file")
        else:
            given[did] = alias
            lines.append(f"  {_yaml(alias)}: {did}")
    for name, values in unmatched_values.items():
        lines.append(f"# {name}: values not matched to the codebook: "
                     f"{_escaped(', '.join(shown(v, 40) for v in values[:10]))}"
                     + (f" and {len(values) - 10} more" if len(values) > 10 else "")
                     + " (add them under recode, or under missing if they mean no answer)")
    if merged:
        lines.append("value_labels: false  # the file's value labels would merge answers (see below): codes are read")
        lines += [f"# {_escaped(msg)}" for _, msg in merged[:10]]
    return "\n".join(lines) + "\n"
