"""Reading survey files in any supported format, and atomic writes."""
from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
    import stat

    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise SurveyFileError(path, f"symbolic link to {os.readlink(path)}, which does not exist") from None
        raise SurveyFileError(path, "file not found") from None
    except OSError as exc:
        raise SurveyFileError(path, f"cannot be accessed: {exc.strerror}") from None
    kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "")
    if kind:
        raise SurveyFileError(path, f"is {kind}, not a survey file")
    if not os.access(path, os.R_OK):
        raise SurveyFileError(path, "permission denied: the file cannot be read")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SurveyFileError(path, f"unsupported format {suffix or '(none)'}; "
                                    f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    return path


def read_survey(path: str | Path):
    """Read a survey file into a DataFrame of raw cells, without interpreting codes.

    CSV cells are kept as text (parsing is the codebook validator's job); other formats keep
    their stored types. Stata and SPSS files are read as codes, not value labels.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise SurveyFileError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SurveyFileError(path, f"unsupported format {suffix or '(none)'}; "
                                    f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if path.stat().st_size == 0:
        raise SurveyFileError(path, "file is empty")
    if suffix == ".csv":
        _check_text(path)
    if suffix == ".xlsx" and _head(path, 4) == b"\xd0\xcf\x11\xe0":
        raise SurveyFileError(path, "password-protected workbook or old binary .xls: save it as an unprotected .xlsx")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            _check_delimiter(path, frame)
            return frame
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=object, engine="openpyxl")
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".dta":
            return pd.read_stata(path, convert_categoricals=False, convert_missing=False)
        import pyreadstat

        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
        return frame
    except SurveyFileError:
        raise
    except UnicodeDecodeError as exc:
        raise SurveyFileError(path, f"not valid UTF-8 text (byte {exc.start}): save the file as UTF-8") from exc
    except pd.errors.EmptyDataError as exc:
        raise SurveyFileError(path, "file has no header and no data") from exc
    except Exception as exc:  # every reader raises its own types; report them uniformly
        raise SurveyFileError(path, f"cannot be read as {suffix[1:]}: {type(exc).__name__}: {exc}") from exc


def _head(path: Path, size: int) -> bytes:
    """The first `size` bytes of a file (never the whole file: surveys can be large)."""
    with open(path, "rb") as fh:
        return fh.read(size)


def _check_text(path: Path) -> None:
    """A CSV must be text: reject binary content (NUL bytes) before parsing."""
    if b"\x00" in _head(path, 8192):
        raise SurveyFileError(path, "binary content, not CSV text (is it another format renamed to .csv?)")


def _check_delimiter(path: Path, frame) -> None:
    """One column whose name holds ';' or a tab means the file uses another delimiter."""
    if frame.shape[1] == 1:
        header = str(frame.columns[0])
        for sep, name in ((";", "semicolons"), ("\t", "tabs")):
            if sep in header:
                raise SurveyFileError(path, f"columns are separated by {name}, not commas: save it as "
                                            "comma-separated CSV (UTF-8, decimal point)")
