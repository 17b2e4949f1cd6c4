"""The reports as a reader sees them: headless Chromium screenshots and console, PDF pages.

Skipped where Chromium or poppler are not installed; CI installs both (.ci/run).
"""
from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from cooperate_analysis.present.pdf import pdf_engine

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(pdf_engine() is None or shutil.which("pdftoppm") is None,
                                 reason="needs headless Chromium and poppler-utils")]


@pytest.fixture
def built(default_build) -> Path:
    return default_build / "reports"


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([pdf_engine(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)


def not_blank(png: bytes) -> bool:
    image = Image.open(io.BytesIO(png)).convert("L")
    low, high = image.getextrema()
    return high - low > 100


@pytest.mark.parametrize("name", ["district-santa_croce_tanning", "cross-district-it", "index"])
def test_page_renders_without_console_errors(built, tmp_path, name):
    page = built / f"{name}.html"
    shot = tmp_path / "shot.png"
    done = chromium("--enable-logging=stderr", "--v=0", "--window-size=1100,1600", f"--screenshot={shot}",
                    page.as_uri())
    assert not_blank(shot.read_bytes())
    console = [ln for ln in done.stderr.splitlines() if "CONSOLE" in ln and "ERROR" in ln.upper()]
    assert console == []
    # nothing fetched from the network: no remote src, no remote stylesheet or font (the references' DOI
    # links are plain hyperlinks, followed only when a reader clicks them)
    text = page.read_text()
    assert not re.search(r'src="https?://', text)
    assert not re.search(r'<link\b[^>]*href="https?://', text)


@pytest.mark.parametrize("name", ["district-capannori_paper", "cross-district"])
def test_every_image_is_embedded_and_decodes(built, name):
    html = (built / f"{name}.html").read_text()
    sources = re.findall(r'<img[^>]*src="([^"]+)"', html)
    assert len(sources) >= 1
    for src in sources:
        kind, payload = src.split(",", 1)
        data = base64.b64decode(payload)
        if kind == "data:image/svg+xml;base64":  # equations, typeset offline
            assert ElementTree.fromstring(data).tag.endswith("svg")
        else:
            assert kind == "data:image/png;base64"
            Image.open(io.BytesIO(data)).verify()


@pytest.mark.parametrize("name", ["district-empolese_valdelsa_clothing", "cross-district-it"])
def test_pdf_has_pages_with_figures(built, tmp_path, name):
    pdf = built / f"{name}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    figures = len(re.findall(r'<img [^>]*src="data:image/png', (built / f"{name}.html").read_text()))
    assert len(images.splitlines()) - 2 == figures >= 1  # two header lines, then one line per figure
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    assert not_blank(next(tmp_path.glob("p*.png")).read_bytes())
