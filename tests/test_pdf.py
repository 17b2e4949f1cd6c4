"""PDF printing: one headless Chromium serves every page of a build."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cooperate_analysis.present import pdf

pytestmark = pytest.mark.skipif(pdf.pdf_engine() is None or shutil.which("pdfinfo") is None,
                                reason="needs headless Chromium and poppler-utils")


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_one_browser_prints_many_pages_and_then_ends(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html><body>" + "".join(f"<p style='page-break-after:always'>page {i}</p>" for i in range(3))
                    + "</body></html>")
    with pdf.browser(pdf.pdf_engine()) as shared:
        assert shared.endpoint.startswith("ws://127.0.0.1:")  # loopback only
        monkeypatch.setenv(pdf.ENDPOINT_VARIABLE, shared.endpoint)
        for i in range(3):
            pdf.print_pdf(page, tmp_path / f"{i}.pdf")
        process = shared.process
    assert process.poll() is not None  # the browser is gone with the block
    assert [_pages(tmp_path / f"{i}.pdf") for i in range(3)] == [3, 3, 3]
    text = subprocess.run(["pdftotext", str(tmp_path / "0.pdf"), "-"], capture_output=True, text=True).stdout
    assert "page 2" in text


def test_without_a_shared_browser_a_page_starts_its_own(tmp_path, monkeypatch):
    monkeypatch.delenv(pdf.ENDPOINT_VARIABLE, raising=False)
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>alone</p></body></html>")
    pdf.print_pdf(page, tmp_path / "alone.pdf")
    assert _pages(tmp_path / "alone.pdf") == 1


def test_an_unreachable_browser_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(pdf.ENDPOINT_VARIABLE, "ws://127.0.0.1:9/devtools/browser/none")
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>")
    with pytest.raises(pdf.PdfError, match="PDF printing of .*page.html failed"):
        pdf.print_pdf(page, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_page_whose_browser_went_away_is_printed_again_in_a_browser_of_its_own(tmp_path, monkeypatch):
    """A lost DevTools connection mid-page (the browser died; seen once in CI) costs one more try in a new
    browser; a second loss is a clear error, with no file left."""
    from websocket import WebSocketConnectionClosedException

    page = tmp_path / "page.html"
    page.write_text("<html><body><p>again</p></body></html>")
    real, endpoints = pdf._print_with, []

    def lose_first(endpoint, html_file, target, session=None):
        endpoints.append(endpoint)
        if len(endpoints) == 1:
            raise WebSocketConnectionClosedException("Connection to remote host was lost.")
        return real(endpoint, html_file, target, session)

    with pdf.browser(pdf.pdf_engine()) as shared:
        monkeypatch.setenv(pdf.ENDPOINT_VARIABLE, shared.endpoint)
        monkeypatch.setattr(pdf, "_print_with", lose_first)
        pdf.print_pdf(page, tmp_path / "again.pdf")
    assert _pages(tmp_path / "again.pdf") == 1
    assert endpoints[0] == shared.endpoint and endpoints[1] != shared.endpoint  # a new browser the second time

    def always_lost(endpoint, html_file, target, session=None):
        raise WebSocketConnectionClosedException("Connection to remote host was lost.")

    monkeypatch.setattr(pdf, "_print_with", always_lost)
    monkeypatch.delenv(pdf.ENDPOINT_VARIABLE)
    with pytest.raises(pdf.PdfError, match="PDF printing of .*page.html failed: WebSocketConnectionClosedException"):
        pdf.print_pdf(page, tmp_path / "lost.pdf")
    assert not (tmp_path / "lost.pdf").exists()
