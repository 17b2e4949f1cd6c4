"""Validation of a raw survey table against the codebook.

`validate_survey` either returns a typed DataFrame (codes parsed, missing codes turned into
missing values) or raises `SurveyValidationError` listing every violation with the file,
column, rows and rule. Rows are numbered as data rows, 1 = first row below the header.

Version-1 columns (codebook `since: 1`) are required. Columns introduced later (`since: 2`) may be
absent, singly or as whole blocks: they are added as all-missing columns of their type, so the typed
frame always has every codebook column (`coverage` says which were absent). Two cross-column rules
are checked in the same pass as the cell rules, where both columns are present:
`consistent` (cst_<cert> == 1, "held", exactly when cert_<cert> == 1, where both are answered) and
`at_most` (wf_home_workers <= employees: employees include home-workers).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codebook import Codebook, Variable, load_codebook

MAX_ROWS_SHOWN = 5  # rows, columns, cells or values named in one message
WHOLE_NUMBER_TYPES = ("integer", "likert", "binary", "category")
# '1.000', '12.500', '1.234.567': digits grouped in threes by points, as Italian writes thousands
THOUSANDS = r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+"
UNNAMED = r"Unnamed: \d+"  # pandas' name for a column whose header cell is empty
# heaping: a typical code for "no answer" inside a numeric column's range, held by at least
# HEAPING_MIN_FIRMS firms and at least HEAPING_RATIO times as many as the average of the four values
# around it (v-2, v-1, v+1, v+2, those inside the range), is named in a warning: 99 firms aged 99
HEAPING_CODES = (-1, 9, 99, 999, 9999)
HEAPING_MIN_FIRMS = 5
HEAPING_RATIO = 3
# the rules a mapping file can fix (a renamed or ignored column, a recoded value, a code for no answer)
MAPPABLE_RULES = ("unknown_column", "missing_column", "type", "range", "allowed_values", "binary")


@dataclass(frozen=True)
class Violation:
    """One broken rule: which file, column and rows, and what was found."""

    file: str
    column: str | None
    rows: tuple[int, ...]
    rule: str
    detail: str

    def __str__(self) -> str:
        where = f"column '{self.column}'" if self.column else "file"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" and {len(self.rows) - MAX_ROWS_SHOWN:,} more" if len(self.rows) > MAX_ROWS_SHOWN else ""
            where += f", row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        return f"{self.file}: {where}: [{self.rule}] {self.detail}"


class SurveyValidationError(Exception):
    """The survey breaks one or more codebook rules (or, with another heading, the reader's rules
    for rows and cells)."""

    def __init__(self, violations: list[Violation], heading: str = "survey does not follow the codebook",
                 footer: str = ""):
        self.violations = violations
        # with a footer (`map_hint`: the `map` command, put in the heading line), the problems a mapping can fix are marked "(map)"
        lines = "\n".join(f"  - {v}" + (" (map)" if footer and v.rule in MAPPABLE_RULES else "") for v in violations)
        super().__init__(f"{heading} ({len(violations)} problem{'s' if len(violations) != 1 else ''}"
                         f"{'; ' + footer if footer else ''}):\n{lines}")


def listed(items: list) -> str:
    """The first MAX_ROWS_SHOWN items joined by commas, and how many more there are."""
    more = f" and {len(items) - MAX_ROWS_SHOWN:,} more" if len(items) > MAX_ROWS_SHOWN else ""
    return ", ".join(str(i) for i in items[:MAX_ROWS_SHOWN]) + more


def _rows(mask: pd.Series | np.ndarray) -> tuple[int, ...]:
    """1-based data-row numbers where mask is true (Python ints, built in C: no per-row Python loop)."""
    return tuple((np.flatnonzero(np.asarray(mask, dtype=bool)) + 1).tolist())


def _as_text(col: pd.Series) -> pd.Series:
    """Cells as stripped text; missing cells as empty strings."""
    text = col.astype("string").str.strip()
    return text.fillna("")


def _examples(values: pd.Series, fmt: str | None = None) -> str:
    """The first three distinct values, as text (formatted with `fmt` for numbers), quoted.

    Vectorised: a file with a million bad cells must not be iterated in Python. Numbers are
    de-duplicated on their exact bits before formatting (equal bits, equal text), texts after.
    """
    if fmt is not None:
        bits = pd.Series(values.to_numpy(dtype="float64").view("int64"))
        values = values[~bits.duplicated().to_numpy()].map(fmt.format)
    text = values.astype(str)
    uniq = text[~text.duplicated().to_numpy()].head(3)
    return ", ".join(repr(u) for u in uniq)


def _stored_as_text(col: pd.Series) -> pd.Series:
    """True for cells stored as text (every CSV cell, a spreadsheet's text cells), not as numbers."""
    if isinstance(col.dtype, pd.StringDtype):
        return pd.Series(True, index=col.index)
    if col.dtype == object:
        return col.map(type).eq(str)
    return pd.Series(False, index=col.index)


def _parse_numeric(var: Variable, col: pd.Series, file: str, out: list[Violation]) -> tuple[np.ndarray, np.ndarray]:
    """Parse a numeric column, reporting unparsable and missing-code cells: (numbers as float64, NaN for
    missing; which cells are empty).

    In a whole-number column, text such as '1.000' is an error, never the number 1: a point
    before three digits is how Italian writes thousands. A real number ('12.500' in a
    percentage) is read as written. The masks are numpy arrays (a column of a small survey costs a
    few pandas calls, not one per rule); the cells are parsed by pandas, column by column.
    """
    text = _as_text(col)
    cells = text.to_numpy(dtype=object)
    empty = cells == ""
    grouped = np.zeros(len(cells), dtype=bool)
    if var.type in WHOLE_NUMBER_TYPES:
        points = np.strings.find(cells.astype(np.dtypes.StringDType()), ".") >= 0  # variable width: no padding
        candidate = _stored_as_text(col).to_numpy(dtype=bool) & points
        if candidate.any():
            grouped = candidate & text.str.fullmatch(THOUSANDS).to_numpy(dtype=bool)
        if grouped.any():
            out.append(Violation(file, var.name, _rows(grouped), "thousands_separator",
                                 f"expected a whole number, found {_examples(text[grouped])}: a point before three "
                                 "digits looks like an Italian thousands separator ('1.000' = one thousand, not 1): "
                                 "write whole numbers with digits only, e.g. 1000"))
    skipped = empty | grouped
    numbers = pd.to_numeric(text.where(~skipped) if skipped.any() else text, errors="coerce")
    numbers = numbers.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~skipped & np.isnan(numbers)
    if bad.any():
        found = text[bad]
        if found.str.fullmatch(THOUSANDS + r"(?:,[0-9]+)?").any():  # '1.234.567' or '1.234,5' in a number column
            hint = " (Italian number format? write numbers without thousands separators, with a decimal point)"
        elif var.type in WHOLE_NUMBER_TYPES and found.str.fullmatch(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+").any():
            hint = " (thousands separator? write whole numbers with digits only, e.g. 1000)"
        elif found.str.fullmatch(r"-?\d+,\d+").any():
            hint = " (decimal comma? use a decimal point)"
        else:
            hint = ""
        out.append(Violation(file, var.name, _rows(bad), "type",
                             f"expected a number, found {_examples(found)}{hint}"))
    if var.missing_codes:
        numbers[np.isin(numbers, [float(c) for c in var.missing_codes])] = np.nan
    return numbers, empty


def _check_variable(var: Variable, col: pd.Series, file: str, out: list[Violation]) -> pd.Series:
    if var.type == "id":
        text = _as_text(col)
        missing = text == ""
        if missing.any():
            out.append(Violation(file, var.name, _rows(missing), "required", "firm id is empty"))
        if var.pattern:
            malformed = ~missing & ~text.str.fullmatch(var.pattern)
            if malformed.any():
                out.append(Violation(file, var.name, _rows(malformed), "pattern",
                                     f"ids may hold only letters, digits and . _ / - (no spaces, markup or "
                                     f"formulas); found {_examples(text[malformed])}"))
        dup = text.duplicated(keep=False) & ~missing
        if dup.any():
            out.append(Violation(file, var.name, _rows(dup), "unique",
                                 f"firm ids must be unique; repeated: {_examples(text[dup])}"))
        return text.astype("string")

    if var.type == "category" and not all(isinstance(v, (int, float)) for v in var.values):
        text = _as_text(col)
        missing = text == ""
        allowed = [str(v) for v in var.values]
        bad = ~missing & ~text.isin(allowed)
        if bad.any():
            found = list(text[bad].drop_duplicates().head(3))
            hints = [difflib.get_close_matches(f, allowed, n=1) for f in found]
            hint = "; ".join(f"{f!r} -> did you mean {h[0]!r}?" for f, h in zip(found, hints) if h)
            out.append(Violation(file, var.name, _rows(bad), "allowed_values",
                                 f"must be one of {', '.join(allowed)}; found {_examples(text[bad])}"
                                 + (f" ({hint})" if hint else "")))
        if var.required and missing.any():
            out.append(Violation(file, var.name, _rows(missing), "required", "value is empty"))
        return text.mask(missing).astype("string")

    reported = len(out)
    numbers, empty = _parse_numeric(var, col, file, out)
    present = ~np.isnan(numbers)
    if var.required and empty.any():
        out.append(Violation(file, var.name, _rows(empty), "required", "value is empty"))
    if var.type in ("integer", "likert", "binary", "category"):
        fractional = present & (numbers != np.floor(numbers))
        if fractional.any():
            out.append(Violation(file, var.name, _rows(fractional), "integer",
                                 f"expected a whole number, found {_examples(pd.Series(numbers[fractional]))}"))
    if var.type == "binary":
        allowed, rule = [0.0, 1.0], "binary"
    elif var.type == "category":
        allowed, rule = [float(v) for v in var.values], "allowed_values"
    else:
        allowed, rule = None, "range"
    if allowed is not None:
        bad = present & ~np.isin(numbers, allowed)
        codes = f"; missing codes: {', '.join(map(str, var.missing_codes))}" if var.missing_codes else ""
        if bad.any():
            out.append(Violation(file, var.name, _rows(bad), rule,
                                 f"must be one of {', '.join(f'{a:g}' for a in allowed)}{codes}; "
                                 f"found {_examples(pd.Series(numbers[bad]), '{:g}')}"))
    else:
        bad = present & ((numbers < var.min) | (numbers > var.max))
        if bad.any():
            codes = f" (missing codes: {', '.join(map(str, var.missing_codes))})" if var.missing_codes else ""
            out.append(Violation(file, var.name, _rows(bad), rule,
                                 f"must be between {var.min:g} and {var.max:g}{codes}; "
                                 f"found {_examples(pd.Series(numbers[bad]), '{:g}')}"))
    numbers = pd.Series(numbers, name=col.name)
    if var.type == "number" or len(out) > reported:  # values that broke a rule are not cast
        return numbers
    return numbers.round().astype("Int64")


def _header_row(raw: pd.DataFrame, names: list[str]) -> int | None:
    """1-based data row that looks like the real header (most cells are codebook names), if any."""
    for i in range(min(len(raw), 10)):
        cells = {str(v).strip() for v in raw.iloc[i].tolist()}
        if len(cells & set(names)) >= len(names) // 2:
            return i + 1
    return None


def _repeated_header(raw: pd.DataFrame, id_name: str, names: list[str]) -> tuple[int, ...]:
    """Data rows that repeat the header line (two files joined): the id cell holds the id column's
    name and at least half of the codebook columns hold their own names. Only rows whose id cell
    is the name are compared cell by cell."""
    if id_name not in raw.columns or len(names) == 0:
        return ()
    candidate = (_as_text(raw[id_name]).str.lstrip("\ufeff") == id_name).to_numpy()
    if not candidate.any():
        return ()
    rows = raw.loc[candidate, names].astype("string").apply(lambda col: col.str.strip().str.lstrip("\ufeff"))
    repeats = (rows == pd.Series(names, index=names)).sum(axis=1).to_numpy() * 2 >= len(names)
    return tuple((np.flatnonzero(candidate)[repeats] + 1).tolist())


def _unmangled(columns: list[str]) -> tuple[list[str], list[str]]:
    """Column names with pandas' '.1' suffixes of repeated names undone, and the repeated names."""
    present = set(columns)  # sets and counts, not list scans: a wide file must not cost columns^2
    mangled = {c: m.group(1) for c in columns if (m := re.fullmatch(r"(.+)\.(\d+)", c)) and m.group(1) in present}
    columns = [mangled.get(c, c) for c in columns]
    return columns, sorted(c for c, k in Counter(columns).items() if k > 1)


def _column_problems(file: str, columns: list[str], names: list[str],
                     required: list[str] | None = None) -> list[Violation]:
    """Duplicate, missing (among `required`, by default every name) and unknown columns: one line
    each, or one line per kind when there are more than MAX_ROWS_SHOWN (a file with thousands of
    columns gets a message of a few lines)."""
    columns, dups = _unmangled(columns)
    known, present = set(names), set(columns)
    missing = [n for n in (names if required is None else required) if n not in present]
    unknown = list(dict.fromkeys(c for c in columns if c not in known and c not in dups))
    out = []
    for found, rule, one, many in (
            (dups, "duplicate_column", "column appears more than once", "columns appear more than once"),
            (missing, "missing_column", "column required by the codebook is absent",
             "columns required by the codebook are absent"),
            (unknown, "unknown_column", "not in the codebook", "columns are not in the codebook")):
        if len(found) > MAX_ROWS_SHOWN:
            out.append(Violation(file, None, (), rule, f"{len(found):,} {many}: {listed([repr(c) for c in found])}"))
            continue
        for c in found:
            close = difflib.get_close_matches(c, names, n=1) if rule == "unknown_column" else []
            out.append(Violation(file, c, (), rule, one + (f" (did you mean '{close[0]}'?)" if close else "")))
    return out


def map_hint(file: str, mapping: str | None = None) -> str:
    """What a mapping file can fix, for the heading of a list of problems: the command that drafts
    one (the file name quoted for the shell), or, when a mapping was applied, the file to edit."""
    from .quoting import shell_quote

    if mapping:
        return (f"those marked (map) can be fixed in the mapping file {mapping}: rename or ignore columns, recode "
                "values, list codes for no answer under missing; data/raw/README.md, \"Using your own survey\"")
    return ("a mapping file can fix those marked (map) without touching the file; draft one with: "
            f"python -m cooperate_analysis map {shell_quote(file)} --out mapping.yml")


def _raise(out: list[Violation], file: str, mapping: str | None) -> None:
    """Raise SurveyValidationError for `out`; the problems a mapping can fix say so, and the message
    ends with the `map` command (`map_hint`)."""
    fixable = any(v.rule in MAPPABLE_RULES for v in out)
    raise SurveyValidationError(out, footer=map_hint(file, mapping) if fixable else "")


def validate_survey(raw: pd.DataFrame, file: str, cb: Codebook | None = None, mapping: str | None = None
                    ) -> pd.DataFrame:
    """Check a raw survey table against the codebook; return it typed, in codebook order.

    Columns whose header cell is empty are dropped when they hold nothing (a spreadsheet's
    trailing empty columns) and are an error when they hold values. Problems that a mapping file can
    fix (`MAPPABLE_RULES`) are marked "(map)" and the message names the `map` command (or, with
    `mapping`, the mapping file that was applied).
    """
    cb = cb or load_codebook()
    out: list[Violation] = []
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    if len(raw) and not set(cb.names) & set(columns):
        header_row = _header_row(raw, cb.names)
        if header_row:
            raise SurveyValidationError([Violation(
                file, None, (header_row,), "header_row",
                f"the codebook's column names are on data row {header_row}, not on the first line: remove the "
                "title or merged rows above the header")])
    unnamed = [i for i, c in enumerate(columns) if re.fullmatch(UNNAMED, c)]
    if unnamed:
        filled = pd.DataFrame({i: _as_text(raw.iloc[:, i]) != "" for i in unnamed})
        holding = [i for i in unnamed if filled[i].any()]
        if holding:
            many = len(holding) > 1
            out.append(Violation(file, None, _rows(filled[holding].any(axis=1)), "unnamed_column",
                                 f"column{'s' if many else ''} {listed([i + 1 for i in holding])} "
                                 f"{'have' if many else 'has'} no name in the header line but "
                                 f"hold{'' if many else 's'} values: write the codebook name in the header, "
                                 "or delete the column"))
        keep = sorted(set(range(len(columns))) - set(unnamed))
        raw, columns = raw.iloc[:, keep], [columns[i] for i in keep]
    out += _column_problems(file, columns, cb.names, [v.name for v in cb.variables if v.since == 1])
    if len(raw) == 0:
        out.append(Violation(file, None, (), "empty", "the file has a header but no data rows"))
    elif not out:
        id_name = next(v.name for v in cb.variables if v.type == "id")
        repeated = _repeated_header(raw, id_name, [n for n in cb.names if n in set(columns)])
        if repeated:
            out.append(Violation(file, None, repeated, "header_repeated",
                                 "the header line is repeated inside the data (were two files joined?): "
                                 "delete the repeated header line"))
    if out and (len(raw) == 0 or any(v.rule == "header_repeated" for v in out)):
        _raise(out, file, mapping)

    # one pass: the cells of every codebook column that is present once are checked even when
    # columns are missing, unknown or repeated, so that one round of fixes is enough
    repeated = set(_unmangled(columns)[1])
    typed = {var.name: _check_variable(var, raw[var.name].reset_index(drop=True), file, out)
             for var in cb.variables if var.name in raw.columns and var.name not in repeated}
    _check_cross_rules(typed, file, cb, out)
    if out:
        _raise(out, file, mapping)
    return pd.DataFrame({var.name: typed[var.name] if var.name in typed else _all_missing(var, len(raw))
                         for var in cb.variables if var.name in typed or var.since > 1})


def _all_missing(var: Variable, n: int) -> pd.Series:
    """An absent optional column: every cell missing, with the dtype a present column would have."""
    if var.type == "id" or (var.type == "category" and not all(isinstance(v, (int, float)) for v in var.values)):
        return pd.Series(pd.NA, index=range(n), dtype="string")
    if var.type == "number":
        return pd.Series(np.nan, index=range(n), dtype="float64")
    return pd.Series(pd.NA, index=range(n), dtype="Int64")


def _check_cross_rules(typed: dict[str, pd.Series], file: str, cb: Codebook, out: list[Violation]) -> None:
    """The codebook's cross-column rules, on the columns present (a rule with an absent column is
    skipped), over the cells that passed their own column's rules (a cell already reported is not
    compared)."""
    flagged: dict[str, list[int]] = {}
    for v in out:
        if v.column is not None:
            flagged.setdefault(v.column, []).extend(r - 1 for r in v.rows)

    def clean(name: str) -> pd.Series:
        x = typed[name].astype("float64").copy()
        if name in flagged:
            x.iloc[[r for r in flagged[name] if r < len(x)]] = np.nan
        return x

    for status, held in cb.cert_status_items().items():
        if status in typed and held in typed:
            s, h = clean(status), clean(held)
            bad = s.notna() & h.notna() & ((s == 1) != (h == 1))
            if bad.any():
                out.append(Violation(file, f"{status}, {held}", _rows(bad), "consistent",
                                     f"{status} must be 1 (held) exactly when {held} is 1; found "
                                     + _examples(pd.Series([f"{status} = {a:g}, {held} = {b:g}" for a, b in
                                                            zip(s[bad].head(20), h[bad].head(20))]))))
    if "wf_home_workers" in typed and "employees" in typed:
        home, employees = clean("wf_home_workers"), clean("employees")
        bad = home.notna() & employees.notna() & (home > employees)
        if bad.any():
            out.append(Violation(file, "wf_home_workers, employees", _rows(bad), "at_most",
                                 "wf_home_workers must be at most employees (employees include home-workers); found "
                                 + _examples(pd.Series([f"{a:g} > {b:g}" for a, b in
                                                        zip(home[bad].head(20), employees[bad].head(20))]))))


def coverage(columns, cb: Codebook | None = None) -> dict:
    """Which codebook columns a survey's header lacks: ``absent_columns`` (codebook order),
    ``absent_blocks`` (blocks with every column absent) and ``survey_version``: "1" when every
    version-2 column is absent, "2" when all are present, "partial" otherwise."""
    cb = cb or load_codebook()
    present = {str(c).strip() for c in columns}
    absent = [n for n in cb.names if n not in present]
    later = [v.name for v in cb.variables if v.since > 1]
    missing_later = [n for n in later if n not in present]
    version = "1" if later and len(missing_later) == len(later) else "2" if not missing_later else "partial"
    return {"absent_columns": absent,
            "absent_blocks": [b for b in cb.blocks if cb.block(b) and all(n not in present for n in cb.block(b))],
            "survey_version": version}


def heaped_values(numbers: pd.Series, var: Variable) -> list[tuple[float, int]]:
    """[(value, count)] of the `HEAPING_CODES` inside the range of numeric `var` (and not among its own
    missing codes) that at least HEAPING_MIN_FIRMS firms give and at least HEAPING_RATIO times as many
    as the average of v-2, v-1, v+1 and v+2 (the ones inside the range): a value a questionnaire
    used for "no answer" (99 years, 99 %), not an answer. Vectorised counts; no loop over rows."""
    if var.type not in ("integer", "number"):
        return []
    numbers = pd.to_numeric(numbers, errors="coerce").astype("float64")
    counts = numbers[numbers.notna()].value_counts()
    found = []
    for code in HEAPING_CODES:
        if not var.min <= code <= var.max or code in (var.missing_codes or ()):
            continue
        n = int(counts.get(float(code), 0))
        around = [int(counts.get(float(code + d), 0)) for d in (-2, -1, 1, 2) if var.min <= code + d <= var.max]
        if n >= HEAPING_MIN_FIRMS and n >= HEAPING_RATIO * (sum(around) / max(len(around), 1)):
            found.append((float(code), n))
    return found


def heaping_warnings(typed: pd.DataFrame, file: str, cb: Codebook | None = None, mapping: str | None = None
                     ) -> list[str]:
    """One line per heaped "no answer" code of a validated survey (`heaped_values`): the file, the
    column, the value and the number of firms, and how a mapping reads it as no answer."""
    from .quoting import shell_quote

    cb = cb or load_codebook()
    lines = []
    for var in cb.variables:
        if var.name not in typed.columns:
            continue
        for value, n in heaped_values(typed[var.name], var):
            where = (f"the mapping file {mapping}" if mapping else
                     f"a mapping file (python -m cooperate_analysis map {shell_quote(file)} drafts one)")
            lines.append(f"warning: {file}: column '{var.name}': {n} firms have the value {value:g}, a typical code "
                         f"for no answer ({HEAPING_RATIO} or more times as many as the values around it): if it means "
                         f"no answer, list it in {where} as missing: {{{var.name}: [{value:g}]}}")
    return lines
