"""Printing HTML reports to PDF with one headless Chromium for the whole build.

`Browser` starts Chromium once, listening on the loopback interface only, and `print_pdf` prints a
page in a new tab of it over the DevTools protocol (Page.printToPDF). The build starts one browser
and hands its address to its worker processes (`ENDPOINT_VARIABLE`), so a build of many reports
pays Chromium's start-up once; `print_pdf` without an address starts a browser for that one page.
"""
from __future__ import annotations

import base64
import html
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .i18n import LANGS, N_, messages

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
ENDPOINT_VARIABLE = "COOPERATE_CHROMIUM_ENDPOINT"  # ws:// address of the build's browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"]
TIMEOUT = 120  # seconds for one page


class PdfError(RuntimeError):
    """Chromium could not start or print a page."""


def pdf_engine() -> str | None:
    """Path of a headless Chromium for HTML -> PDF, or None if none is installed."""
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


class Browser:
    """A headless Chromium listening for DevTools connections on 127.0.0.1; `close` ends it."""

    def __init__(self, engine: str):
        self.profile = tempfile.mkdtemp(prefix="cooperate-chromium-")
        self.process = subprocess.Popen([engine, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.endpoint = self._endpoint()

    def _endpoint(self) -> str:
        """The browser's ws:// address, which Chromium prints on stderr once it listens."""
        deadline, seen = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                return found.group(1)
        self.close()
        raise PdfError("headless Chromium did not start: " + "".join(seen)[-500:].strip())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@contextmanager
def browser(engine: str) -> Iterator[Browser]:
    """A browser for the duration of the block."""
    started = Browser(engine)
    try:
        yield started
    finally:
        started.close()


class _Session:
    """A DevTools connection to the browser, with commands addressed to one tab's session."""

    def __init__(self, endpoint: str):
        import websocket

        self.ws = websocket.create_connection(endpoint, timeout=TIMEOUT, suppress_origin=True)
        self.ids = itertools.count(1)
        self.session: str | None = None
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        message = {"id": next(self.ids), "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise PdfError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("method") == event:
                return

    def close(self) -> None:
        self.ws.close()


# A4 in inches (Page.printToPDF's unit); the CSS @page rule of the reports says the same and wins
A4_INCHES = (210 / 25.4, 297 / 25.4)
MARGIN_MM = {"top": 15, "bottom": 18, "left": 18, "right": 18}  # as compendium.css's @page rule
# Translators: the PDF footer; the browser fills the page number and the number of pages
PAGE_WORDS = N_("page {page} of {pages}")
_FOOTER_STYLE = ("font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7.5pt; color: #555; width: 100%; "
                 "margin: 0 18mm; display: flex; justify-content: space-between; gap: 8mm;")


def footer_template(lang: str = "en") -> str:
    """Chromium's footer markup: the report title (cut with an ellipsis when long) on the left and
    "page X of Y" ("pagina X di Y" in Italian) on the right."""
    words = html.escape(messages(lang if lang in LANGS else "en")(PAGE_WORDS)).format(
        page='<span class="pageNumber"></span>', pages='<span class="totalPages"></span>')
    return (f'<div style="{_FOOTER_STYLE}"><span class="title" style="overflow: hidden; white-space: nowrap; '
            f'text-overflow: ellipsis; min-width: 0"></span><span style="white-space: nowrap">{words}</span></div>')


# In print layout, give every table wider than its column the smaller print type (class print-fit),
# then let its numbers wrap (print-wrap); a table, image or equation still too wide is scaled down
# (CSS zoom) to the column width, never clipped.
# Returns, for each adjusted element, [tag, index, natural width, column width].
FIT_SCRIPT = """(() => {
  const adjusted = [];
  const boxes = [...document.querySelectorAll('table, img, svg, pre, .equation')];
  boxes.forEach((el, i) => {
    const column = el.closest('figure, .jp-OutputArea-output, .jp-RenderedHTMLCommon, main, body');
    const width = () => Math.max(el.scrollWidth, el.getBoundingClientRect().width);
    const room = column.clientWidth;
    const natural = width();
    if (natural <= room + 0.5) return;
    if (el.tagName === 'TABLE') {
      el.classList.add('print-fit');
      if (width() > room + 0.5) el.classList.add('print-wrap');
      if (width() > room + 0.5) el.style.zoom = String(Math.floor(1000 * room / width()) / 1000);
    } else {
      el.style.maxWidth = '100%';
      if (width() > room + 0.5) el.style.zoom = String(Math.floor(1000 * room / width()) / 1000);
    }
    adjusted.push([el.tagName.toLowerCase(), i, natural, room]);
  });
  return JSON.stringify(adjusted);
})()"""

# Under print media at the A4 text width: elements whose content is wider than their column (a table,
# image or scroll box that would be clipped or scrolled), as [tag, text, scrollWidth, clientWidth].
OVERFLOW_SCRIPT = """(() => {
  const found = [];
  for (const el of document.querySelectorAll('table, img, pre, figure, .jp-OutputArea-output, section')) {
    const column = el.parentElement.closest('figure, .jp-OutputArea-output, .jp-RenderedHTMLCommon, main, body');
    const zoom = parseFloat(getComputedStyle(el).zoom || '1') || 1;
    const own = Math.max(el.scrollWidth, el.getBoundingClientRect().width);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      found.push([el.tagName.toLowerCase(), (el.innerText || el.alt || '').slice(0, 60), el.scrollWidth, el.clientWidth]);
    else if (column && el.getBoundingClientRect().right > column.getBoundingClientRect().right + 1)
      found.push([el.tagName.toLowerCase(), (el.innerText || el.alt || '').slice(0, 60), own, column.clientWidth]);
  }
  return JSON.stringify(found);
})()"""


def _text_width_px() -> int:
    """The A4 text width in CSS pixels (96 per inch)."""
    return round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)


def _open(session: _Session, html_file: Path, print_media: bool) -> None:
    session.call("Page.enable")
    if print_media:  # lay the page out as it prints: print CSS at the A4 text width
        session.call("Emulation.setEmulatedMedia", media="print")
        session.call("Emulation.setDeviceMetricsOverride", width=_text_width_px(), height=1100,
                     deviceScaleFactor=1, mobile=False)
    session.call("Page.navigate", url=html_file.resolve().as_uri())
    session.wait_for("Page.loadEventFired")
    session.call("Runtime.evaluate", expression="document.fonts.ready.then(() => true)", awaitPromise=True)


def _evaluate(session: _Session, expression: str):
    return session.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


@contextmanager
def _tab(endpoint: str) -> Iterator[_Session]:
    session = _Session(endpoint)
    tab = None
    try:
        tab = session.call("Target.createTarget", url="about:blank")["targetId"]
        session.session = session.call("Target.attachToTarget", targetId=tab, flatten=True)["sessionId"]
        yield session
    finally:
        if tab is not None:
            try:
                session.session = None
                session.call("Target.closeTarget", targetId=tab)
            except Exception:  # the work is done; a tab that will not close dies with the browser
                pass
        session.close()


def _print_with(endpoint: str, html_file: Path, target: Path, session: _Session | None = None) -> None:
    if session is None:
        with _tab(endpoint) as own:
            return _print_with(endpoint, html_file, target, own)
    session.events.clear()  # a reused tab: wait for this page's load event, not an earlier page's
    _open(session, html_file, print_media=True)
    _evaluate(session, FIT_SCRIPT)  # at the print layout's width, before printing
    lang = (_evaluate(session, "document.documentElement.lang") or "en").split("-")[0].lower()
    session.call("Emulation.clearDeviceMetricsOverride")
    session.call("Emulation.setEmulatedMedia", media="")
    width, height = A4_INCHES
    pdf = session.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True,
                       paperWidth=width, paperHeight=height,
                       **{f"margin{side.title()}": mm / 25.4 for side, mm in MARGIN_MM.items()},
                       displayHeaderFooter=True, headerTemplate="<span></span>",
                       footerTemplate=footer_template(lang), generateDocumentOutline=True)
    target.write_bytes(base64.b64decode(pdf["data"]))


def print_overflow(html_file: Path, engine: str | None = None, fit: bool = True) -> list[list]:
    """The elements of `html_file` wider than their column when laid out for print at the A4 text
    width (after the same fitting as `print_pdf` when `fit`): [tag, text, width, column width] each.
    An empty list means nothing would be clipped or scrolled in the PDF."""
    def check(endpoint: str) -> list[list]:
        with _tab(endpoint) as session:
            _open(session, html_file, print_media=True)
            if fit:
                _evaluate(session, FIT_SCRIPT)
            return json.loads(_evaluate(session, OVERFLOW_SCRIPT))

    return _in_a_browser(check, engine)


def _in_own_browser(work, engine: str | None):
    """`work(endpoint)` in a browser started for it (`engine`, else the one found)."""
    with browser(engine or pdf_engine() or "chromium") as own:
        return work(own.endpoint)


def _in_a_browser(work, engine: str | None):
    """`work(endpoint)` in the build's browser when `ENDPOINT_VARIABLE` names one, else in its own."""
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    return work(endpoint) if endpoint else _in_own_browser(work, engine)


def print_pdf(html_file: Path, target: Path, engine: str | None = None) -> None:
    """Print `html_file` to `target` on A4 with a footer (title, "page X of Y" in the page's
    language), backgrounds kept, no network; tables wider than the text get smaller type first.

    Uses the build's browser when `ENDPOINT_VARIABLE` names one, else starts one for this page. A page
    whose browser went away while printing it is printed once more in a browser of its own.
    """
    from websocket import WebSocketConnectionClosedException

    def work(endpoint: str) -> None:
        _print_with(endpoint, html_file, target)

    try:
        try:
            _in_a_browser(work, engine)
        except (WebSocketConnectionClosedException, ConnectionResetError):
            # the browser went away mid-page (seen once in CI, under load: "Connection to remote host was
            # lost"): the page is printed once more in a browser of its own; a second loss is reported
            _in_own_browser(work, engine)
    except PdfError:
        raise
    except Exception as exc:  # connection and protocol errors of any kind
        raise PdfError(f"PDF printing of {html_file} failed: {type(exc).__name__}: {exc}") from exc
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"PDF printing of {html_file} gave no file")


def print_many(pages: list[tuple[Path, Path]], endpoint: str, tabs: int = 2) -> None:
    """Print many (html file, pdf target) pairs with the browser at `endpoint`, `tabs` tabs at a time, each
    tab reused for page after page (a firm report costs a navigation and a print, not a new tab). Each
    PDF is written to a temporary name and renamed into place."""
    from concurrent.futures import ThreadPoolExecutor

    def work(share: list[tuple[Path, Path]]) -> None:
        with _tab(endpoint) as session:
            for html_file, target in share:
                tmp = target.with_name(f".{target.name}.tmp")
                _print_with(endpoint, html_file, tmp, session)
                tmp.replace(target)

    shares = [pages[i::tabs] for i in range(max(1, tabs))]
    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        for done in [pool.submit(work, share) for share in shares if share]:
            done.result()
