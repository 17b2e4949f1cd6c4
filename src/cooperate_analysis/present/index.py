"""`reports/index.html`: the landing page with key figures and links in every language."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..data.io import atomic_write_text
from .report import banner as report_banner

LANG_NAMES = {"en": "English", "it": "Italiano"}


def _link(path: Path, text: str) -> str:
    return f'<a href="{html.escape(path.name)}">{html.escape(text)}</a>'


def _files(run, lang: str, state: "PageState") -> str:
    if run.name in state.no_data:
        return f'<span class="missing">{html.escape(state.no_data[run.name])}</span>'
    if run.name not in state.current:
        what = "being built" if state.status == "building" else "not built (see the build log and reports/failed/)"
        return f'<span class="missing">{what}</span>'
    links = [_link(run.html(lang), "HTML")] + ([_link(run.pdf(lang), "PDF")] if run.pdf(lang).is_file() else [])
    links += [_link(run.executed, "notebook"), f'<a href="results/{html.escape(run.results(lang).name)}">results</a>']
    return " · ".join(links)


def _figure(values: dict, name: str, digits: int = 2) -> str:
    value = values.get(name)
    return "–" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else html.escape(str(value))


@dataclass
class PageState:
    """What the index may name: the data the processed survey holds (None: not known yet) and the runs
    whose outputs are current for that data; the others are shown as being built, not built or without data."""

    data_meta: dict | None
    current: set[str] = field(default_factory=set)
    no_data: dict[str, str] = field(default_factory=dict)  # run name -> why it has no report
    missing_districts: list[str] = field(default_factory=list)  # district labels without firms
    status: str = "complete"  # complete | building | interrupted


STATUS_NOTE = {
    "building": "A build is in progress: reports not listed as built are being rebuilt.",
    "interrupted": "The last build was interrupted: reports not listed as built are missing; "
                   "run <code>make reports</code> again to finish it.",
}


def write_index(runs, state: PageState, target: Path = Path("reports/index.html")) -> None:
    """One row per report (district, cross-district, specification curve) with key figures and a link per language.

    The page names only what the folder holds: the data of the processed survey and the runs in
    `state.current`. It is rewritten at each step of a build, so an interrupted or killed build
    leaves a page that is true of what is there.
    """
    langs = [code for code in LANG_NAMES if any(code in run.languages for run in runs)]
    rows = []
    for run in runs:
        first = run.languages[0]
        values = (json.loads(run.results(first).read_text(encoding="utf-8"))["values"]
                  if run.name in state.current else {})
        innovation = next((k for k in ("ols.score_innovation.csr_overall.estimate",
                                       "ols_pooled.score_innovation.csr_overall.estimate") if k in values), "")
        cells = [html.escape(run.title_in("en")), _figure(values, "n_firms"), _figure(values, "csr_index.overall.mean"),
                 _figure(values, innovation)]
        cells += [_files(run, code, state) if code in run.languages else "" for code in langs]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    meta = state.data_meta
    note = STATUS_NOTE.get(state.status, "")
    if meta is None:
        data = "<p>Data: being validated; no report is listed until the build has checked its data.</p>"
        rows = []
    else:
        data = (f"<p>Data: {html.escape(meta['source_name'])} ({meta['rows']} firms), SHA-256 "
                f"<code>{html.escape(meta['source_sha256'])}</code>. How each table and figure is produced: "
                '<a href="replication.md">replication.md</a>.</p>')
        if state.missing_districts:
            data += ("<p class=\"missing\">No data for: " + html.escape("; ".join(state.missing_districts))
                     + ". The survey has no firms of this district, so its reports were not built.</p>")
    banner = report_banner(meta, "en")._repr_html_() if meta else ""
    lang_heads = "".join(f"<th>{LANG_NAMES[code]}</th>" for code in langs)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>COOPERATE compendium: reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:72em;margin:2em auto;padding:0 1em;line-height:1.5}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ccc;padding:.45em .8em;text-align:left;vertical-align:top}}
.missing{{color:#b00020}}.status{{border-left:4px solid #b36b00;padding:.3em .8em;background:#fff4e0}}</style>
</head><body>
<h1>CSR adoption and competitiveness in three Tuscan industrial districts</h1>
{f'<p class="status" id="build-status">{note}</p>' if note else ''}
<p>Reports of the COOPERATE research compendium: one per district and one across districts, and a
specification curve for each district and pooled, in English and Italian. Key figures: firms analysed, mean overall CSR index (0-1), and the OLS coefficient of the CSR index
on the innovation score (HC3; district reports with controls, cross-district with district fixed effects).</p>
{banner}
{data}
<table><thead><tr><th>Report</th><th>Firms</th><th>Mean CSR index</th><th>CSR &rarr; innovation</th>{lang_heads}</tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
    atomic_write_text(target, page)
