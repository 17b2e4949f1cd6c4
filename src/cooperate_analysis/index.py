"""`reports/index.html`: the landing page linking every report of the last build."""
from __future__ import annotations

import html
import json
from pathlib import Path

from .io import atomic_write_text


def _link(path: Path, text: str) -> str:
    return f'<a href="{html.escape(path.name)}">{html.escape(text)}</a>'


def write_index(runs, data_meta: dict, target: Path = Path("reports/index.html")) -> None:
    """Write the index from the runs whose reports are current (key file present)."""
    rows = []
    for run in runs:
        if run.key_file.is_file() and run.html.is_file():
            values = json.loads(run.results.read_text(encoding="utf-8"))["values"]
            n = values.get("n_firms", "")
            files = [_link(run.html, "HTML")] + ([_link(run.pdf, "PDF")] if run.pdf.is_file() else [])
            links = " · ".join([*files, _link(run.executed, "notebook"),
                                f'<a href="results/{html.escape(run.results.name)}">results</a>'])
            status = "current"
        else:
            n, links, status = "", "", "not built (see the build log and reports/failed/)"
        rows.append(f"<tr><td>{html.escape(run.title)}</td><td>{html.escape(str(n))}</td>"
                    f"<td>{links}</td><td>{html.escape(status)}</td></tr>")
    banner = ""
    if data_meta.get("synthetic"):
        banner = ('<div class="synthetic-banner" role="alert" style="border:3px solid #b00020;'
                  'background:#fde8ec;padding:0.8em 1em"><strong>SYNTHETIC DATA.</strong> These reports '
                  'are built on synthetic microdata; their numbers are not findings about the real districts.'
                  '</div>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>COOPERATE compendium: reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ccc;padding:.4em .8em;text-align:left}}</style>
</head><body>
<h1>CSR adoption and competitiveness in three Tuscan industrial districts</h1>
{banner}
<p>Data: {html.escape(data_meta['source_name'])} ({data_meta['rows']} firms),
SHA-256 <code>{html.escape(data_meta['source_sha256'])}</code>.</p>
<table><thead><tr><th>Report</th><th>Firms</th><th>Files</th><th>Status</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
    atomic_write_text(target, page)
