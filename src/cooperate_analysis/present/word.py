"""Word editions of a rendered report: the report's HTML converted by pandoc (the `pypandoc-binary` wheel,
no system install) into a .docx with real Word tables and the figures embedded.

What goes into the Word file is the report itself: the navigation bar, the contents list, style sheets,
scripts and the provenance block (a build record, not part of a manuscript) are left out; every table
and figure of the HTML is kept (`html_items` and `docx_items` count them, a test compares the two).
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_DROP = [re.compile(p, re.S | re.I) for p in (
    r"<script\b.*?</script>", r"<style\b.*?</style>", r"<nav\b.*?</nav>",
    r'<section class="provenance".*?</section>', r'<a class="anchor-link"[^>]*>.*?</a>')]
_TABLE = re.compile(r"<table\b", re.I)
_IMG = re.compile(r"<img\b", re.I)


def manuscript_html(page: str) -> str:
    """The parts of a rendered report that belong in its Word edition (see the module's docstring)."""
    for pattern in _DROP:
        page = pattern.sub("", page)
    return page


def html_items(page: str) -> tuple[int, int]:
    """(tables, images) of the manuscript part of a rendered report."""
    body = manuscript_html(page)
    return len(_TABLE.findall(body)), len(_IMG.findall(body))


def html_to_docx(source: Path, target: Path, lang: str = "en") -> None:
    """Convert the rendered report `source` into the Word file `target` (written to a temporary file in
    the same folder and renamed into place). Tables become Word tables, images are embedded."""
    import pypandoc

    body = manuscript_html(Path(source).read_text(encoding="utf-8"))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_html = tempfile.mkstemp(suffix=".html", dir=target.parent)
    os.close(fd)
    fd, tmp_docx = tempfile.mkstemp(suffix=".docx", dir=target.parent)
    os.close(fd)
    try:
        Path(tmp_html).write_text(body, encoding="utf-8")
        pypandoc.convert_file(tmp_html, "docx", format="html", outputfile=tmp_docx,
                              extra_args=[f"--metadata=lang:{'it-IT' if lang == 'it' else 'en-US'}"])
        os.chmod(tmp_docx, 0o644)
        os.replace(tmp_docx, target)
    finally:
        Path(tmp_html).unlink(missing_ok=True)
        Path(tmp_docx).unlink(missing_ok=True)


def docx_items(path: Path) -> tuple[int, int]:
    """(tables, embedded pictures) of a Word file, read with python-docx."""
    import docx

    document = docx.Document(str(path))
    pictures = sum(1 for shape in document.inline_shapes)
    return len(document.tables), pictures


def docx_text(path: Path) -> str:
    """The paragraphs and table cells of a Word file as text (for tests and checks)."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
