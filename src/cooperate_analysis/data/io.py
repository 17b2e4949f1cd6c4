"""Reading survey files in any supported format, and atomic writes."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
import tempfile
import zipfile
from collections import deque
from contextlib import contextmanager
from functools import partial
from io import BytesIO, StringIO
from itertools import compress, islice
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it into place only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def atomic_write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: str | Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet", ".dta", ".sav")
# A workbook larger than this is refused before it is loaded (a survey has a few thousand firms
# and some 40 columns; openpyxl needs about a minute and gigabytes for the largest allowed sheet).
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 20_000_000
# checked in the archive's directory before any XML is parsed: a small workbook can expand to
# gigabytes (a zip bomb), and openpyxl reads styles and shared strings whole
MAX_MEMBER_BYTES = 256 << 20  # uncompressed size of one part (a sheet of the largest allowed size is less)
MAX_WORKBOOK_BYTES = 512 << 20  # of all parts together
MAX_RATIO = 200  # uncompressed / compressed size of a part larger than RATIO_FROM
RATIO_FROM = 16 << 20


class SurveyFileError(Exception):
    """A survey file that cannot be read at all (format, encoding, corruption)."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")


def check_survey_path(path: str | Path) -> Path:
    """The survey path, if it names a readable regular file of a supported format; else SurveyFileError.

    Checked with stat before anything opens or hashes the file: a FIFO or a device would block or
    never end, a directory or a dangling link would fail deep inside a reader.
    """
    return check_input_path(path, SUPPORTED_SUFFIXES, "survey file")


def check_input_path(path: str | Path, suffixes: tuple[str, ...], what: str, error=SurveyFileError) -> Path:
    """`path` if it names a readable regular file with one of `suffixes`; else `error(path, message)`
    (the survey file, or a mapping file: see `check_survey_path`)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # follows links; never opens the file
    except FileNotFoundError:
        if path.is_symlink():
            raise error(path, f"symbolic link to {os.readlink(path)}, which does not exist") from None
        raise error(path, "file not found") from None
    except OSError as exc:  # permission on a folder of the path, a link loop, a file used as a folder
        raise error(path, f"cannot be accessed: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        raise error(path, f"is {kind}, not a {what}: give the path of a saved {what}")
    if not os.access(path, os.R_OK):
        raise error(path, "permission denied: the file cannot be read")
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise error(path, f"unsupported format {suffix or '(none)'}; supported: {', '.join(suffixes)}")
    return path


def read_survey(path: str | Path, delimiter: str = ",", decimal: str = ".", value_labels: bool = False):
    """Read a survey file into a DataFrame of raw cells, without interpreting codes.

    CSV cells are kept as text (parsing is the codebook validator's job); other formats keep
    their stored types. Stata and SPSS files are read as codes, not value labels, unless
    `value_labels` (a mapping step then matches the labels to the codebook's codes). A CSV file
    is comma-separated with a decimal point unless a mapping file says otherwise (`delimiter`,
    `decimal`: a number written '12,5' is then read as 12.5). What a reader
    would fill in or drop silently is an error instead: CSV rows with more or fewer fields than
    the header, spreadsheet formulas without a saved value, a spreadsheet too large to load.
    """
    import pandas as pd

    from .validate import SurveyValidationError

    path = check_survey_path(path)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise SurveyFileError(path, "file is empty")
    try:
        if suffix == ".csv":
            return _read_csv(path, delimiter, decimal)
        if suffix == ".xlsx":
            return _read_xlsx(path)
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            # a survey written with its firm ids as the index keeps them as a column
            return frame.reset_index() if any(n is not None for n in frame.index.names) else frame
        if suffix == ".dta":
            return pd.read_stata(path, convert_categoricals=value_labels, convert_missing=False)
        import pyreadstat

        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=value_labels)
        return frame
    except (SurveyFileError, SurveyValidationError):
        raise
    except pd.errors.EmptyDataError as exc:
        raise SurveyFileError(path, "file has no header and no data") from exc
    except Exception as exc:  # every reader raises its own types; report them uniformly
        raise SurveyFileError(path, f"cannot be read as {suffix[1:]}: {type(exc).__name__}: {exc}") from exc


# --------------------------------------------------------------------------- CSV
def _read_csv(path: Path, delimiter: str = ",", decimal: str = "."):
    """A CSV file as text cells, once it is known to be UTF-8 text whose rows all fit its header."""
    import pandas as pd

    data = path.read_bytes()  # read once: checked, decoded and parsed from memory
    _check_text(path, data)
    text = _decode(path, data)
    last_row, header = _check_fields(path, text, delimiter)
    try:
        frame = pd.read_csv(BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=delimiter)
        if decimal != ".":  # only cells that are a number with a decimal comma: '1.234,5' stays an error
            frame = frame.apply(lambda col: col.where(~col.str.fullmatch(r"\s*[-+]?[0-9]+,[0-9]+\s*"),
                                                      col.str.replace(",", ".", regex=False)))
        return frame
    except pd.errors.ParserError as exc:  # the quote opened in the last field of a full-width row
        if "EOF inside string" not in str(exc):
            raise
        _raise_rows(path, [_unclosed_quote(header[-1], last_row)])


def _unclosed_quote(column: str, row: int) -> tuple:
    return (column, (row,), "unclosed_quote",
            "a value opens a double quote that is never closed, so the rest of the file was read into this "
            "cell: delete the stray quote, or copy the file again if it was cut short")


def _check_text(path: Path, data: bytes) -> None:
    """A CSV must be text: name UTF-16/UTF-32 as such, reject other binary content (NUL bytes)."""
    wide = _wide_encoding(data[:4096])
    if wide:
        raise SurveyFileError(path, f"the file is {wide} encoded: save it as UTF-8 "
                                    "(in Excel: 'CSV UTF-8 (comma delimited)')")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SurveyFileError(path, f"binary content, not CSV text (a NUL byte on line {_line(data, nul)}; "
                                    "is it another format renamed to .csv?)")


def _line(text: bytes | str, at: int) -> int:
    """1-based line number of position `at`."""
    return text.count(b"\n" if isinstance(text, bytes) else "\n", 0, at) + 1


def _wide_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes start with that byte-order mark or look like UTF-16 text
    without one (every other byte NUL, as ASCII is in UTF-16); None otherwise."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if head.startswith(bom):
            return name
    even, odd = head[0::2], head[1::2]
    if len(odd) >= 2:
        for zeros, letters in ((odd, even), (even, odd)):
            if zeros.count(0) >= 0.9 * len(zeros) and letters.count(0) <= 0.1 * len(letters):
                return "UTF-16"
    return None


def _decode(path: Path, data: bytes) -> str:
    """The file's text (UTF-8, with or without a byte-order mark); a BOM inside the text is an error."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start + bom
        raise SurveyFileError(path, f"not valid UTF-8 text (line {_line(data, at)}, byte {at}): "
                                    "save the file as UTF-8") from None
    inner = text.find("\ufeff")
    if inner >= 0:
        raise SurveyFileError(path, f"a byte-order mark (an invisible U+FEFF character) inside the file, on line "
                                    f"{_line(text, inner)}: were two CSV files joined? Remove it, "
                                    "with the repeated header line if there is one")
    return text


def _records(text: str, delimiter: str = ","):
    return csv.reader(StringIO(text, newline=""), delimiter=delimiter)


def _check_fields(path: Path, text: str, delimiter: str = ",") -> tuple[int, list[str]]:
    """Check that every data row has as many fields as the header; return the last row's number
    and the header.

    The csv module counts the fields of each record in C (quoted commas and line breaks are part
    of a value, as for pandas). Rows are numbered like the validator's: 1 = first data row, blank
    lines (which pandas skips) not counted. The delimiter is checked first: a semicolon file is
    not a file of ragged rows.
    """
    import numpy as np

    from .validate import listed

    records = partial(_records, delimiter=delimiter)
    lengths = np.fromiter(map(len, records(text)), dtype=np.int64)
    blank = lengths == 0
    single = np.flatnonzero(lengths == 1)
    if single.size:  # a line of spaces is one field for csv, a blank line for pandas
        values = [r[0] for r in compress(records(text), lengths == 1)]
        blank[single[[v != "" and not v.strip() for v in values]]] = True
    filled = np.flatnonzero(~blank)
    if filled.size == 0:
        return 0, []
    first = int(filled[0])
    header = next(islice(records(text), first, None))
    if len(header) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), (",", "commas")):
            if sep in header[0] and sep != delimiter:
                if delimiter == ",":
                    raise SurveyFileError(path, f"columns are separated by {name}, not commas: save it as "
                                                "comma-separated CSV (UTF-8, decimal point), or give a mapping "
                                                f"file with csv: {{delimiter: {sep!r}}} (map) (python -m "
                                                "cooperate_analysis map drafts one)")
                raise SurveyFileError(path, f"columns are separated by {name}, not {delimiter!r} as the "
                                            "mapping file's csv: delimiter says")
    if header[0].strip().lower().startswith("sep="):
        raise SurveyFileError(path, f"the first line {','.join(header).strip()!r} is a spreadsheet's delimiter hint, "
                                    "not the header: delete that line")
    data = ~blank
    data[: first + 1] = False
    row = np.cumsum(~blank) - 1  # data-row number of each record (the header is row 0)
    last = int(filled[-1])
    width = len(header)
    problems = []
    if last > first and lengths[last] < width:  # the file ends inside a row
        data[last] = False
        record = deque(records(text), maxlen=1)[0]
        if re.search(r"[\r\n]", record[-1]) and not text.rstrip("\r\n").endswith('"'):
            problems.append(_unclosed_quote(header[len(record) - 1], int(row[last])))
        else:
            problems.append((None, (int(row[last]),), "truncated",
                             f"the last row has {lengths[last]} of the header's {width} fields: the file looks "
                             "cut short (an incomplete copy or download?); copy or export it again"))
    rows = int(row[last])
    for wrong, hint, every_hint in (
            (data & (lengths > width), "a comma inside a value that is not in double quotes? Quote the value or "
             "delete the extra cells", "a comma at the end of every line, or a name missing from the header?"),
            (data & (lengths < width), "cells are missing, or the row is broken across lines",
             "names in the header that the rows do not have?")):
        if wrong.any():
            counts = listed(np.unique(lengths[wrong]).tolist())
            every = wrong.sum() == rows and rows > 1
            if every and width == 1:
                every_hint = "is the first line a title above the header? Delete it"
            problems.append((None, tuple(row[wrong].tolist()), "field_count",
                             f"{'every data row has ' if every else ''}{counts} fields where the header has "
                             f"{width}: {every_hint if every else hint}"))
    if problems:
        _raise_rows(path, problems)
    return rows, header


def _raise_rows(path: Path, problems: list[tuple]) -> None:
    """Raise the validator's error for (column, rows, rule, detail) problems of this file."""
    from .validate import SurveyValidationError, Violation

    raise SurveyValidationError([Violation(str(path), *p) for p in problems],
                                heading="the file cannot be read as it is")


# --------------------------------------------------------------------------- xlsx
_TAGS = {name: re.compile(rb"<(?:\w+:)?" + name + rb"[\s>/]") for name in (b"row", b"c", b"f")}
_PERCENT_FORMATS = {9, 10}  # the built-in number formats '0%' and '0.00%'


def _read_xlsx(path: Path):
    """The first sheet of a workbook as cells (stored types, formulas as their saved values).

    Refused before loading: an encrypted or old binary workbook, a sheet beyond the size limits
    (declared dimension, then the rows and cells actually stored), and survey columns on more
    sheets than the first (only the first is read). Refused after: formula cells with no saved
    value, which would otherwise read as empty, and numbers shown as percentages (the sheet
    shows 25% where the cell holds 0.25).
    """
    import openpyxl
    import pandas as pd

    with open(path, "rb") as fh:
        if fh.read(4) == b"\xd0\xcf\x11\xe0":
            raise SurveyFileError(path, "password-protected workbook or old binary .xls: "
                                        "save it as an unprotected .xlsx")
    # bounded before openpyxl parses anything: the archive's declared sizes, the first sheet's
    # declared dimension, then the rows and cells its XML holds (streamed, stopping at the limits)
    has_formulas = None
    with zipfile.ZipFile(path) as archive:
        _check_archive(path, archive)
        first = _first_sheet(archive)
        if first is not None:
            member, title = first
            rows, columns = _declared_dimension(archive, member)
            _check_size(path, title, rows, columns, "declares")
            has_formulas = _scan_sheet(path, archive, member, title)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    with zipfile.ZipFile(path) as archive, pd.ExcelFile(book, engine="openpyxl") as workbook:
        sheet = book.worksheets[0]
        _check_size(path, sheet.title, sheet.max_row or 0, sheet.max_column or 0, "declares")
        member = sheet._worksheet_path  # openpyxl's name of the sheet's XML inside the archive
        if first is None or member != first[0]:  # openpyxl found another first sheet: scan that one
            has_formulas = _scan_sheet(path, archive, member, sheet.title)
        _check_other_sheets(path, book)
        frame = pd.read_excel(workbook, sheet_name=0, dtype=object)
        columns = [str(c) for c in frame.columns]
        problems = _formula_problems(archive, member, columns) if has_formulas else []
        percent = _percent_styles(archive)
        problems += _percent_problems(archive, member, percent, columns) if percent else []
        if problems:
            _raise_rows(path, problems)
    return frame


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts would expand beyond MAX_MEMBER_BYTES each or MAX_WORKBOOK_BYTES
    together, or compress more than MAX_RATIO times (a zip bomb), from the sizes the archive's
    directory declares (zipfile never reads more than a part declares)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size > RATIO_FROM and ratio > MAX_RATIO):
            raise SurveyFileError(path, f"part {_shown_name(info.filename)} of the workbook expands to "
                                        f"{info.file_size:,} bytes ({ratio:,.0f} times its stored size), more than a "
                                        f"survey file may have ({MAX_MEMBER_BYTES:,} bytes; a zip bomb?): "
                                        "save the survey as CSV")
    if total > MAX_WORKBOOK_BYTES:
        raise SurveyFileError(path, f"the workbook expands to {total:,} bytes, more than a survey file may have "
                                    f"({MAX_WORKBOOK_BYTES:,}): save the survey as CSV")


def _shown_name(name: str) -> str:
    text = repr(name)
    return text if len(text) <= 80 else text[:79] + "…'"


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """(archive member, title) of the workbook's first sheet, from xl/workbook.xml and its relations
    (sizes already bounded by `_check_archive`); None when they cannot be read (openpyxl then reports)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = next((el for el in book.iter() if el.tag.rpartition("}")[2] == "sheet"), None)
    if sheet is None:
        return None
    rid = next((v for k, v in sheet.attrib.items() if k.rpartition("}")[2] == "id"), None)
    target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rid), None)
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = []
    for part in member.split("/"):  # resolve '..' as openpyxl does
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    member = "/".join(parts)
    return (member, sheet.get("name", "")) if member in archive.namelist() else None


def _declared_dimension(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(rows, columns) of the <dimension ref="A1:AO93"/> at the start of a sheet's XML ((0, 0) without one)."""
    from openpyxl.utils.cell import range_boundaries

    with archive.open(member) as xml:
        head = xml.read(1 << 16)
    found = re.search(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"', head)
    if not found:
        return 0, 0
    try:
        min_col, min_row, max_col, max_row = range_boundaries(found.group(1).decode())
    except (ValueError, TypeError):
        return 0, 0
    return max_row or 0, max_col or 0


def _check_size(path: Path, title: str, rows: int, columns: int, how: str) -> None:
    if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS:
        raise SurveyFileError(path, f"sheet '{title}' {how} {rows:,} rows and {columns:,} columns, more than a "
                                    f"survey file may have ({MAX_SHEET_ROWS:,} rows, {MAX_SHEET_COLUMNS:,} columns): "
                                    "delete empty formatted rows and columns, or save the survey as CSV")


def _xml_blocks(archive: zipfile.ZipFile, member: str, chunk_size: int = 1 << 22) -> Iterator[bytes]:
    """The member's bytes in blocks of about `chunk_size`, each cut before a '<': no tag is split."""
    carry = b""
    with archive.open(member) as xml:
        while chunk := xml.read(chunk_size):
            buf = carry + chunk
            cut = max(buf.rfind(b"<"), 0)
            carry = buf[cut:]
            yield buf[:cut]
    yield carry


def _scan_sheet(path: Path, archive: zipfile.ZipFile, member: str, title: str, chunk_size: int = 1 << 22) -> bool:
    """Count the rows and cells the sheet's XML holds, streaming and stopping at the limits (the
    declared dimension may be missing or wrong); return whether it holds any formula."""
    counts = dict.fromkeys(_TAGS, 0)
    for block in _xml_blocks(archive, member, chunk_size):
        for name, tag in _TAGS.items():
            counts[name] += len(tag.findall(block))
        over = (f"{MAX_SHEET_ROWS:,} rows" if counts[b"row"] > MAX_SHEET_ROWS
                else f"{MAX_SHEET_CELLS:,} cells" if counts[b"c"] > MAX_SHEET_CELLS else "")
        if over:
            raise SurveyFileError(path, f"sheet '{title}' holds more than {over}, more than a survey file may "
                                        "have: delete empty formatted rows and columns, or save the survey as CSV")
    return counts[b"f"] > 0


def _check_other_sheets(path: Path, book) -> None:
    """Only the first sheet is read: refuse a workbook whose other sheets hold the same columns
    (a survey split by district over several sheets would otherwise lose all but the first)."""
    def first_row(sheet) -> set[str]:
        row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        return {str(v).strip() for v in row if v is not None and str(v).strip()}

    header = first_row(book.worksheets[0])
    also = [s.title for s in book.worksheets[1:] if len(header) >= 2 and len(first_row(s) & header) * 2 >= len(header)]
    if also:
        names, many = ", ".join(f"'{t}'" for t in also), len(also) > 1
        raise SurveyFileError(path, f"sheet{'s' if many else ''} {names} also hold{'' if many else 's'} survey "
                                    f"columns, but only the first sheet ('{book.worksheets[0].title}') is read: "
                                    "put all firms on the first sheet, or delete the other survey sheets")


def _by_column(rule: str, cells: list[tuple[str, int, int]], columns: list[str], says: str) -> list[tuple]:
    """(column, rows, rule, detail) problems for (reference, sheet row, sheet column) cells, one per
    column. pandas reads sheet row 1 as the header, so sheet row r is data row r - 1."""
    from .validate import listed

    groups: dict[str, tuple[list[str], list[int]]] = {}
    for ref, row, column in cells:
        name = "" if row == 1 else columns[column - 1] if column <= len(columns) else f"Unnamed: {column - 1}"
        refs, rows = groups.setdefault(name, ([], []))
        refs.append(ref)
        rows.append(row - 1)
    return [(name or None, tuple(rows) if name else (), rule,
             f"{'' if name else 'header '}cell{'s' if len(refs) > 1 else ''} {listed(refs)} "
             + says.format(s="" if len(refs) > 1 else "s"))
            for name, (refs, rows) in groups.items()]


def _formula_problems(archive: zipfile.ZipFile, member: str, columns: list[str]) -> list[tuple]:
    """Formula cells without a saved result, which pandas reads as empty.

    A file written by a program that does not calculate (a script, openpyxl) stores formulas
    without their values until a spreadsheet program opens and saves it. A text result may be
    saved as an empty string; any other empty saved value is no value.
    """
    from openpyxl.utils.cell import (
        column_index_from_string,
        coordinate_from_string,
        get_column_letter,
    )

    cells = []
    row = column = 0
    with archive.open(member) as xml:
        for event, cell in ElementTree.iterparse(xml, events=("start", "end")):
            tag = cell.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":  # positions may be left out: then they follow the previous ones
                    row, column = int(cell.get("r") or row + 1), 0
                continue
            if tag == "row":
                cell.clear()
            elif tag == "c":
                ref = cell.get("r")
                if ref:
                    letters, row = coordinate_from_string(ref)
                    column = column_index_from_string(letters)
                else:
                    column += 1
                parts = {child.tag.rpartition("}")[2]: child for child in cell}
                value = parts.get("v")
                if "f" in parts and (value is None or (not value.text and cell.get("t") != "str")):
                    cells.append((ref or f"{get_column_letter(column)}{row}", row, column))
    return _by_column("formula", cells, columns, "hold{s} a formula with no saved value: open the file in a "
                      "spreadsheet program and save it, or paste the values in place of the formulas")


def _percent_styles(archive: zipfile.ZipFile) -> set[str]:
    """Indexes (as written in a cell's s attribute) of the cell styles that show numbers as percentages."""
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    local = {el: el.tag.rpartition("}")[2] for el in root.iter()}
    percent = set(_PERCENT_FORMATS) | {  # a '%' outside quoted text and escapes
        int(el.get("numFmtId")) for el, tag in local.items()
        if tag == "numFmt" and "%" in re.sub(r'"[^"]*"|\\.', "", el.get("formatCode", ""))}
    xfs = next((el for el in root if local[el] == "cellXfs"), [])
    return {str(i) for i, xf in enumerate(xfs) if int(xf.get("numFmtId", 0)) in percent}


def _percent_problems(archive: zipfile.ZipFile, member: str, styles: set[str], columns: list[str]) -> list[tuple]:
    """Number cells shown as percentages: the sheet shows 25% where the cell holds 0.25, and the
    codebook's values are as written. Found by a pattern for these styles only (no per-cell loop)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    styled = re.compile(rb'<(?:\w+:)?c\s([^>]*?\bs="(?:' + "|".join(sorted(styles)).encode() + rb')"[^>]*)>')
    cells = []
    for block in _xml_blocks(archive, member):
        for match in styled.finditer(block):
            attrs = match.group(1)
            ref = re.search(rb'\br="([A-Z]+[0-9]+)"', attrs)
            kind = re.search(rb'\bt="(\w+)"', attrs)
            empty = attrs.endswith(b"/") or block.startswith(b"</", match.end())  # <c .../> or <c ...></c>
            if empty or not ref or (kind and kind.group(1) != b"n"):
                continue  # an empty cell, a cell without position, or text
            letters, row = coordinate_from_string(ref.group(1).decode())
            cells.append((ref.group(1).decode(), row, column_index_from_string(letters)))
    return _by_column("percent_format", cells, columns, "hold{s} numbers shown as percentages (25% is stored as "
                      "0.25): format the cells as plain numbers and write the values as the codebook gives them "
                      "(25 for 25%)")
