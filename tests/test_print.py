"""Print: A4 pages with a localized page-number footer, nothing wider than the text (no clipped table,
no printed scrollbar), every table header whole in the PDF text.

The first tests print small reports made here (fast); those marked `slow` read every PDF of the
default build (`default_build`)."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cooperate_analysis.present import pdf, render
from cooperate_analysis.present.report import table_html

pytestmark = pytest.mark.skipif(pdf.pdf_engine() is None or shutil.which("pdftotext") is None,
                                reason="needs headless Chromium and poppler-utils")

A4_POINTS = (595.28, 841.89)
PROVENANCE = {"git": {"commit": "0" * 40, "dirty": False}, "notebook": "notebooks/test.ipynb",
              "parameters": {"district": "x"}, "seed": 1,
              "data": {"source_name": "survey.csv", "rows": 10, "synthetic": True, "source_sha256": "a" * 64},
              "lock_sha256": "b" * 64, "python": "3.11", "platform": "Linux", "packages": {"pandas": "2"},
              "wall_time_seconds": 1.0}


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


class _Headers(HTMLParser):
    """The text of every <th> of the report tables (class report-table) of a page."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self._depth = 0  # inside a report table
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "report-table" in (dict(attrs).get("class") or ""):
            self._depth += 1
        elif tag == "th" and self._depth:
            self._th = []

    def handle_endtag(self, tag):
        if tag == "table" and self._depth:
            self._depth -= 1
        elif tag == "th" and self._th is not None:
            self.headers.append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data):
        if self._th is not None:
            self._th.append(data)


def table_headers(html_file: Path) -> list[str]:
    parser = _Headers()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return [h for h in parser.headers if h]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def missing_header_words(html_file: Path, pdf_file: Path) -> list[str]:
    """Words of table headers that the PDF's text does not hold whole (a clipped column, or a word
    broken inside)."""
    printed = set(_words(pdf_text(pdf_file)))
    return sorted({w for h in table_headers(html_file) for w in _words(h) if w not in printed})


def _report(tmp_path: Path, lang: str, blocks: list[str], title: str = "A report") -> Path:
    """A report rendered by the compendium's template from a notebook whose cells show `blocks`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}")]
    for block in blocks:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": block})]
        nb.cells.append(cell)
    executed = tmp_path / f"{lang}.ipynb"
    nbformat.write(nb, executed)
    html = tmp_path / f"{lang}.html"
    render.render_html(executed, html, title=title, provenance=PROVENANCE, lang=lang)
    return html


def _wide_table() -> str:
    columns = {f"CSR index: Marketplace and suppliers {i}": [0.123456, -0.5] for i in range(9)}
    columns["At least one CSR certification"] = [0.76, 0.1]
    frame = pd.DataFrame({"Outcome item": ["Product innovation", "Customer loyalty"], **columns})
    return f'<figure class="report-table-figure"><figcaption>Table 1.</figcaption>{table_html(frame)}</figure>'


@pytest.fixture(scope="module")
def shared_browser():
    with pdf.browser(pdf.pdf_engine()) as started:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(pdf.ENDPOINT_VARIABLE, started.endpoint)
            yield started


@pytest.mark.parametrize("lang, words", [("en", ("page", "of")), ("it", ("pagina", "di"))])
def test_pages_are_a4_with_a_localized_page_number_footer(tmp_path, shared_browser, lang, words):
    long_text = "<p>" + "Lorem ipsum dolor sit amet. " * 400 + "</p>"
    html = _report(tmp_path, lang, [long_text, long_text, _wide_table()], title="Footer title")
    assert f'<html lang="{lang}">' in html.read_text(encoding="utf-8")
    target = tmp_path / f"{lang}.pdf"
    pdf.print_pdf(html, target)
    sizes = page_sizes(target)
    assert len(sizes) >= 2
    for width, height in sizes:
        assert width == pytest.approx(A4_POINTS[0], abs=1) and height == pytest.approx(A4_POINTS[1], abs=1)
    text = pdf_text(target)
    page, of = words
    for number in range(1, len(sizes) + 1):
        assert f"{page} {number} {of} {len(sizes)}" in text
    assert "Footer title" in text


def test_a_table_wider_than_the_text_prints_whole(tmp_path, shared_browser):
    html = _report(tmp_path, "en", [_wide_table()])
    # laid out for print without the fitting step, the table is wider than the text column ...
    unfitted = pdf.print_overflow(html, fit=False)
    assert any(tag == "table" for tag, *_ in unfitted), unfitted
    # ... and after it (as print_pdf does) nothing is wider than its column
    assert pdf.print_overflow(html) == []
    target = tmp_path / "wide.pdf"
    pdf.print_pdf(html, target)
    assert missing_header_words(html, target) == []
    text = pdf_text(target)
    assert "0.760" in text and "certification" in text


def test_the_header_check_finds_a_clipped_column(tmp_path, shared_browser):
    """The PDF-text check fails when a column is cut off, as in a PDF printed without the print CSS."""
    html = _report(tmp_path, "en", [_wide_table()])
    page = html.read_text(encoding="utf-8")
    clipped = html.with_name("clipped.html")
    clipped.write_text(page.replace("</head>", "<style>@media print { body.jp-Notebook { width: 150mm; } "
                                    ".jp-OutputArea-output { overflow: hidden !important; } "
                                    "table.report-table { font-size: 12pt !important; zoom: 1 !important; "
                                    "white-space: nowrap; } }</style></head>"), encoding="utf-8")
    target = tmp_path / "clipped.pdf"
    pdf.print_pdf(clipped, target)
    assert "certification" in missing_header_words(clipped, target)


# --- the default build ---------------------------------------------------------------------------

def _built_reports(project: Path) -> list[Path]:
    return sorted(p for p in (project / "reports").glob("*.pdf"))


@pytest.mark.slow
def test_every_built_pdf_page_is_a4_and_numbered(default_build):
    reports = _built_reports(default_build)
    assert reports
    for report in reports:
        sizes = page_sizes(report)
        assert sizes, report.name
        bad = [s for s in sizes if abs(s[0] - A4_POINTS[0]) > 1 or abs(s[1] - A4_POINTS[1]) > 1]
        assert not bad, f"{report.name}: pages not A4: {bad[:3]}"
        page, of = ("pagina", "di") if report.stem.endswith("-it") else ("page", "of")
        text = pdf_text(report)
        for number in range(1, len(sizes) + 1):
            assert f"{page} {number} {of} {len(sizes)}" in text, f"{report.name}: no footer on page {number}"


@pytest.mark.slow
def test_every_built_table_header_is_whole_in_its_pdf(default_build):
    for report in _built_reports(default_build):
        html = report.with_suffix(".html")
        assert table_headers(html), html.name
        assert missing_header_words(html, report) == [], report.name


def image_ppi(path: Path) -> list[float]:
    """Pixels per printed inch of every raster image of a PDF (pdfimages -list)."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [float(line.split()[12]) for line in listing.splitlines()[2:] if line.split()[2:3] == ["image"]]


@pytest.mark.slow
def test_built_figures_print_their_smallest_text_at_7_pt_or_more(default_build):
    """A figure's text of s pt, saved at SAVE_DPI and printed at p pixels per inch, prints at
    s * SAVE_DPI / p pt: the smallest font of the figures must still reach 7 pt."""
    from cooperate_analysis.present import figures

    smallest = min(figures.FONT.values())
    seen = 0
    for report in _built_reports(default_build):
        for ppi in image_ppi(report):
            seen += 1
            assert smallest * figures.SAVE_DPI / ppi >= figures.MIN_PRINT_PT, (report.name, ppi)
    assert seen


@pytest.mark.slow
def test_nothing_in_a_built_report_is_wider_than_the_printed_text(default_build):
    with pdf.browser(pdf.pdf_engine()) as started, pytest.MonkeyPatch.context() as mp:
        mp.setenv(pdf.ENDPOINT_VARIABLE, started.endpoint)
        for report in _built_reports(default_build):
            assert pdf.print_overflow(report.with_suffix(".html")) == [], report.name
