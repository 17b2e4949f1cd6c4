"""Printing HTML reports to PDF with one headless Chromium for the whole build.

`Browser` starts Chromium once, listening on the loopback interface only, and `print_pdf` prints a
page in a new tab of it over the DevTools protocol (Page.printToPDF). The build starts one browser
and hands its address to its worker processes (`ENDPOINT_VARIABLE`), so a build of many reports
pays Chromium's start-up once; `print_pdf` without an address starts a browser for that one page.
"""
from __future__ import annotations

import base64
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


def _print_with(endpoint: str, html_file: Path, target: Path) -> None:
    session = _Session(endpoint)
    tab = None
    try:
        tab = session.call("Target.createTarget", url="about:blank")["targetId"]
        session.session = session.call("Target.attachToTarget", targetId=tab, flatten=True)["sessionId"]
        session.call("Page.enable")
        session.call("Page.navigate", url=html_file.resolve().as_uri())
        session.wait_for("Page.loadEventFired")
        session.call("Runtime.evaluate", expression="document.fonts.ready.then(() => true)", awaitPromise=True)
        pdf = session.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True,
                           displayHeaderFooter=False)
        target.write_bytes(base64.b64decode(pdf["data"]))
    finally:
        if tab is not None:
            try:
                session.session = None
                session.call("Target.closeTarget", targetId=tab)
            except Exception:  # the page is printed; a tab that will not close dies with the browser
                pass
        session.close()


def print_pdf(html_file: Path, target: Path, engine: str | None = None) -> None:
    """Print `html_file` to `target` (no header or footer, backgrounds kept, no network).

    Uses the build's browser when `ENDPOINT_VARIABLE` names one, else starts one for this page.
    """
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    try:
        if endpoint:
            _print_with(endpoint, html_file, target)
        else:
            with browser(engine or pdf_engine() or "chromium") as own:
                _print_with(own.endpoint, html_file, target)
    except PdfError:
        raise
    except Exception as exc:  # connection and protocol errors of any kind
        raise PdfError(f"PDF printing of {html_file} failed: {type(exc).__name__}: {exc}") from exc
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"PDF printing of {html_file} gave no file")
