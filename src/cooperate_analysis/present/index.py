"""The index of the reports, one page per language: `reports/index.html` (English) and
`reports/index-it.html` (Italian), each linking to the other.

A page carries the build date, the data, a headline figure (the confirmatory coefficients of the CSR
index on the three scores by district, with 95% intervals, read from the district runs' results
files), one findings sentence per report and the state of each report today (current, being built,
no data, failed). It names only what the folder holds and is rewritten at each step of a build.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..data.io import atomic_write_text
from . import formatting as fmt
from .navigation import NAV_TEXT, index_name, page_name
from .i18n import messages
from .report import BANNER_MIXED

LANG_NAMES = {"en": "English", "it": "Italiano"}
MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"],
          "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                 "ottobre", "novembre", "dicembre"]}

TEXT = {
    "en": {
        "title": "CSR adoption and competitiveness in three Tuscan industrial districts",
        "page_title": "COOPERATE compendium: reports",
        "intro": "Reports of the COOPERATE research compendium: one per district and one across districts, "
                 "a specification curve for each district and pooled, a sustainability report for each "
                 "district, and one on CSR adoption and its channels (intermediary institutions, networks, local "
                 "cooperation) for the three districts together and each district.",
        "built": "Reports built on {date} (UTC).",
        "no_build": "No report has been built yet.",
        "data": "Data: {source} ({rows} firms), SHA-256 <code>{sha}</code>.",
        "data_pending": "Data: being validated; no report is listed until the build has checked its data.",
        "replication": "How each table and figure is produced and rebuilt: {link}.",
        "replication_link": "replication list",
        "missing": "No data for: {districts}. The survey has no firms of this district, so its reports were not built.",
        "figure_head": "Headline: the CSR index and the three performance scores",
        "figure_caption": "Confirmatory estimates: OLS coefficient of the CSR index (0-1) on each performance score "
                          "(1-5), by district, with controls for size, export share and firm age, HC3 standard "
                          "errors and 95% confidence intervals (t with n − k degrees of freedom). Filled markers: "
                          "Holm-adjusted p < 0.05 over the three scores of the district. A coefficient is the "
                          "difference in the score between a firm with no CSR practice and one with all of them; "
                          "these are associations, not effects.",
        "figure_none": "The headline figure appears when a district report has been built.",
        "xlabel": "Coefficient of the CSR index (points on the 1-5 scale)",
        "significant": "Holm p < 0.05", "not_significant": "Holm p ≥ 0.05",
        "not_estimable": "not estimable with these data",
        "reports_head": "Reports",
        "cols": ("Report", "State", "Findings", "Files"),
        "state": {"current": "current", "building": "being built",
                  "failed": "failed: not built (see the build log and reports/failed/)",
                  "not_built": "not built (see the build log and reports/failed/)"},
        "files": {"html": "HTML", "pdf": "PDF", "notebook": "notebook", "results": "results"},
        "status": {"building": "A build is in progress: reports not listed as current are being rebuilt.",
                   "interrupted": "The last build was interrupted: reports not listed as current are missing; "
                                  "run <code>make reports</code> again to finish it."},
        "no_data": "no data: the survey has no firms of {district}",
        "no_data_cross": "not built: a comparison across districts needs firms of two districts",
        "no_data_any": "no data for this report",
    },
    "it": {
        "title": "Adozione della RSI e competitività in tre distretti industriali toscani",
        "page_title": "Compendio COOPERATE: rapporti",
        "intro": "Rapporti del compendio di ricerca COOPERATE: uno per distretto e uno di confronto tra i "
                 "distretti, una curva delle specificazioni per ciascun distretto e per i tre distretti insieme, un "
                 "rapporto di sostenibilità per ciascun distretto e uno sull'adozione della RSI e i suoi canali "
                 "(istituzioni intermedie, reti, cooperazione locale) per i tre distretti insieme e per ciascun "
                 "distretto.",
        "built": "Rapporti prodotti il {date} (UTC).",
        "no_build": "Nessun rapporto è ancora stato prodotto.",
        "data": "Dati: {source} ({rows} imprese), SHA-256 <code>{sha}</code>.",
        "data_pending": "Dati: in verifica; nessun rapporto è elencato finché la compilazione non ha controllato i dati.",
        "replication": "Come si produce e si ricostruisce ogni tabella e figura: {link}.",
        "replication_link": "elenco per la replica",
        "missing": "Nessun dato per: {districts}. L'indagine non ha imprese di questo distretto, quindi i suoi "
                   "rapporti non sono stati prodotti.",
        "figure_head": "In sintesi: l'indice di RSI e i tre punteggi di performance",
        "figure_caption": "Stime confermative: coefficiente OLS dell'indice di RSI (0-1) su ciascun punteggio di "
                          "performance (1-5), per distretto, a parità di dimensione, quota di export ed età "
                          "dell'impresa, con errori standard HC3 e intervalli di confidenza al 95% (t con n − k "
                          "gradi di libertà). Marcatori pieni: p corretto con il metodo di Holm < 0,05 sui tre "
                          "punteggi del distretto. Un coefficiente è la differenza di punteggio tra un'impresa "
                          "senza alcuna pratica di RSI e una che le adotta tutte; sono associazioni, non effetti.",
        "figure_none": "La figura di sintesi compare quando è stato prodotto il rapporto di un distretto.",
        "xlabel": "Coefficiente dell'indice di RSI (punti sulla scala 1-5)",
        "significant": "p di Holm < 0,05", "not_significant": "p di Holm ≥ 0,05",
        "not_estimable": "non stimabile con questi dati",
        "reports_head": "Rapporti",
        "cols": ("Rapporto", "Stato", "Risultati", "File"),
        "state": {"current": "aggiornato", "building": "in preparazione",
                  "failed": "non riuscito: non prodotto (si vedano il registro della compilazione e reports/failed/)",
                  "not_built": "non prodotto (si vedano il registro della compilazione e reports/failed/)"},
        "files": {"html": "HTML", "pdf": "PDF", "notebook": "notebook eseguito", "results": "risultati"},
        "status": {"building": "È in corso una compilazione: i rapporti non indicati come aggiornati sono in "
                               "preparazione.",
                   "interrupted": "L'ultima compilazione è stata interrotta: i rapporti non indicati come aggiornati "
                                  "mancano; eseguire di nuovo <code>make reports</code> per completarla."},
        "no_data": "nessun dato: l'indagine non ha imprese del {district}",
        "no_data_cross": "non prodotto: un confronto tra distretti richiede imprese di almeno due distretti",
        "no_data_any": "nessun dato per questo rapporto",
    },
}


@dataclass
class PageState:
    """What the index may name: the data the processed survey holds (None: not known yet) and the runs
    whose outputs are current for that data; the others are shown as being built, not built or without data."""

    data_meta: dict | None
    current: set[str] = field(default_factory=set)
    no_data: dict[str, str] = field(default_factory=dict)  # run name -> why it has no report (English)
    missing_districts: list[str] = field(default_factory=list)  # district labels without firms (English)
    status: str = "complete"  # complete | building | interrupted


# --------------------------------------------------------------------------- small helpers
def _codebook():
    from ..data.codebook import load_codebook

    return load_codebook()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _values(run, state: PageState) -> dict:
    if run.name not in state.current:
        return {}
    try:
        return json.loads(run.results(run.languages[0]).read_text(encoding="utf-8"))["values"]
    except (OSError, ValueError, KeyError):
        return {}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date(seconds: float, lang: str) -> str:
    t = time.gmtime(seconds)
    day = f"{t.tm_mday}°" if lang == "it" and t.tm_mday == 1 else str(t.tm_mday)  # "il 1° dicembre"
    return f"{day} {MONTHS[lang][t.tm_mon - 1]} {t.tm_year} {'at' if lang == 'en' else 'alle'} {t.tm_hour:02d}:{t.tm_min:02d}"


def build_time(runs, state: PageState) -> float | None:
    """When the current reports were built: the newest of their HTML files (None: none is current)."""
    times = [run.html(lang).stat().st_mtime for run in runs if run.name in state.current
             for lang in run.languages if run.html(lang).is_file()]
    return max(times) if times else None


def page_state(run, state: PageState) -> str:
    """current | no_data | building | failed | not_built: what the index can say of `run`'s report today."""
    if run.name in state.no_data:
        return "no_data"
    if run.name in state.current:
        return "current"
    if state.status == "building":
        return "building"
    return "failed" if (run.executed.parent / "failed" / f"{run.name}.ipynb").is_file() else "not_built"


def no_data_reason(run, state: PageState, lang: str, cb=None) -> str:
    """Why `run` has no report, in `lang` (English: the build's own reason)."""
    if lang == "en":
        return state.no_data[run.name]
    t = TEXT[lang]
    one = run.parameters.get("district") or run.parameters.get("group")
    cb = cb or _codebook()
    if one and one != "pooled" and one in cb.districts:
        return t["no_data"].format(district=_lower_first(cb.label(one, lang)))
    if not one:
        return t["no_data_cross"]
    return t["no_data_any"]


def missing_districts(state: PageState, lang: str, cb=None) -> list[str]:
    """The districts without firms, labelled in `lang`."""
    if lang == "en" or not state.missing_districts:
        return list(state.missing_districts)
    rows = (state.data_meta or {}).get("rows_by_district")
    cb = cb or _codebook()
    if rows:
        return [cb.label(d, lang) for d, n in rows.items() if n == 0]
    english = {cb.label(d, "en"): cb.label(d, lang) for d in cb.districts}
    return [english.get(label, label) for label in state.missing_districts]


# --------------------------------------------------------------------------- findings sentences
def _scales(cb) -> list[str]:
    return list(cb.outcome_scales)


def findings_sentence(run, values: dict, lang: str, cb=None) -> str:
    """One sentence of findings for `run`'s report from its results (`narrative.index_sentence`): the
    confirmatory estimates with their 95% CIs and how many survive Holm's adjustment, or the
    specification curve's median and joint tests. '' when the results hold neither."""
    from .narrative import index_sentence

    if not values:
        return ""
    return index_sentence({"values": values, "parameters": dict(run.parameters)}, lang=lang, cb=cb or _codebook())


def _cached_sentences(runs, state: PageState, lang: str, folder: Path, cb) -> dict[str, str]:
    """`findings_sentence` of every current run, computed again only for a run whose results, the
    narrative's code or the codebook changed: the narrative imports the statistics stack (seconds), and
    the index is rewritten at every step of a build, a no-op build included."""
    here = Path(__file__).resolve().parent
    code = hashlib.sha256(b"".join(path.read_bytes() for path in (
        here / "narrative.py", here / "formatting.py", Path(__file__).resolve(),
        here.parent / "data" / "codebook.yaml"))).hexdigest()
    cache = folder / ".build" / f"findings-{lang}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    out, fresh = {}, {}
    for run in runs:
        values = _values(run, state)
        if not values:
            continue
        key = hashlib.sha256(json.dumps([code, values, run.parameters], sort_keys=True, default=str).encode()).hexdigest()
        entry = cached.get(run.name)
        sentence = entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == key \
            else findings_sentence(run, values, lang, cb)
        out[run.name], fresh[run.name] = sentence, [key, sentence]
    if fresh != cached:
        atomic_write_text(cache, json.dumps(fresh, ensure_ascii=False, sort_keys=True))
    return out


# --------------------------------------------------------------------------- headline figure
def headline_rows(runs, state: PageState, cb=None) -> list[dict]:
    """The confirmatory CSR coefficients of every current district report: one row per district and
    score with estimate, 95% interval and Holm p (estimate None when not estimable)."""
    cb = cb or _codebook()
    rows = []
    for run in runs:
        district = run.parameters.get("district")
        values = _values(run, state) if district else {}
        if not any(k.startswith("ols.score_") for k in values):
            continue
        for scale in _scales(cb):
            key = f"ols.score_{scale}.csr_overall"
            est = values.get(f"{key}.estimate")
            ok = _number(est) and _number(values.get(f"{key}.ci_low")) and _number(values.get(f"{key}.ci_high"))
            rows.append({"district": district, "scale": scale, "estimate": est if ok else None,
                         "ci_low": values.get(f"{key}.ci_low") if ok else None,
                         "ci_high": values.get(f"{key}.ci_high") if ok else None,
                         "p_holm": values.get(f"holm.score_{scale}.p_adj")})
    return rows


def headline_svg(rows: list[dict], lang: str, cb=None) -> str:
    """The headline figure as inline SVG: one panel per score, one row per district, the estimate with
    its 95% interval (element ids `ci-<district>-<scale>` and `est-<district>-<scale>`), zero marked."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cb = cb or _codebook()
    t = TEXT[lang]
    districts = list(dict.fromkeys(r["district"] for r in rows))
    scales = list(dict.fromkeys(r["scale"] for r in rows))
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cooperate-index", "font.size": 10,
                         "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False}):
        fig, axes = plt.subplots(1, len(scales), figsize=(9.5, 1.2 + 0.62 * len(districts)), sharex=True,
                                 sharey=True, squeeze=False)
        axes = axes[0]
        ys = {d: len(districts) - 1 - i for i, d in enumerate(districts)}
        for ax, scale in zip(axes, scales):
            ax.axvline(0, color="#888", lw=0.8, ls="--", zorder=1)
            for r in (r for r in rows if r["scale"] == scale):
                y, ident = ys[r["district"]], f"{r['district']}-{scale}"
                if r["estimate"] is None:
                    ax.text(0, y, t["not_estimable"], ha="center", va="center", fontsize=8, color="#666",
                            gid=f"ne-{ident}")
                    continue
                significant = _number(r["p_holm"]) and r["p_holm"] < 0.05
                ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="#1f4e79", lw=2, solid_capstyle="butt",
                        gid=f"ci-{ident}", zorder=2)
                ax.plot([r["estimate"]], [y], marker="o", ms=7, color="#1f4e79", zorder=3,
                        markerfacecolor="#1f4e79" if significant else "white", gid=f"est-{ident}")
            ax.set_title(textwrap.fill(cb.label(scale, lang), 28), fontsize=10)
            ax.set_yticks(list(ys.values()), [textwrap.fill(cb.label(d, lang), 26) for d in ys])
            ax.set_ylim(-0.6, len(districts) - 0.4)
            ax.grid(axis="x", color="#eee", lw=0.6)
        axes[len(axes) // 2].set_xlabel(t["xlabel"], fontsize=10)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", color="#1f4e79", markerfacecolor=face, lw=0, label=label)
                   for face, label in (("#1f4e79", t["significant"]), ("white", t["not_significant"]))]
        fig.legend(handles=handles, loc="upper right", ncol=2, frameon=False, fontsize=9,
                   bbox_to_anchor=(1.0, 1.02))
        fmt.localize_axes(fig, lang)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                 r'<svg\1 width="100%" role="img" aria-labelledby="headline-caption"', svg, count=1)
    return svg


def _cached_svg(rows: list[dict], lang: str, folder: Path) -> str:
    """`headline_svg`, drawn only when its numbers or this module changed (matplotlib costs a second,
    and the index is rewritten at every step of a build)."""
    key = hashlib.sha256(json.dumps([rows, lang], sort_keys=True).encode()
                         + Path(__file__).read_bytes()).hexdigest()
    cache = folder / ".build" / f"headline-{lang}.svg"
    try:
        head, _, svg = cache.read_text(encoding="utf-8").partition("\n")
        if head == key:
            return svg
    except OSError:
        pass
    svg = headline_svg(rows, lang)
    atomic_write_text(cache, f"{key}\n{svg}")
    return svg


# --------------------------------------------------------------------------- the page
BANNER = {
    "en": ("SYNTHETIC DATA", "These reports are built on synthetic microdata generated by the compendium's "
           "documented data-generating process ({source}). Their numbers illustrate the analysis and are not "
           "findings about the real districts."),
    "it": ("DATI SINTETICI", "Questi rapporti usano microdati sintetici prodotti dal processo generativo documentato "
           "del compendio ({source}). I numeri illustrano l'analisi e non sono risultati sui distretti reali."),
}


def index_banner(meta: dict, lang: str) -> str:
    """The synthetic-data banner of the index ('' for real data), as the reports carry it."""
    if not meta.get("synthetic"):
        return ""
    title, body = BANNER[lang]
    synthetic, rows = meta.get("synthetic_rows", 0), meta.get("rows", 0)
    if 0 < synthetic < rows:
        body += " " + messages(lang)(BANNER_MIXED, synthetic=synthetic, rows=rows)
    return (f'<div class="synthetic-banner" role="alert"><strong>{title}.</strong> '
            f'{html.escape(body.format(source=meta.get("source_name", "")))}</div>')


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _files(run, lang: str) -> str:
    t = TEXT[lang]["files"]
    code = lang if lang in run.languages else run.languages[0]
    links = [_link(run.html(code).name, t["html"])]
    links += [_link(run.pdf(code).name, t["pdf"])] if run.pdf(code).is_file() else []
    links += [_link(run.executed.name, t["notebook"]), _link(f"results/{run.results(code).name}", t["results"])]
    return " · ".join(links)


STYLE = """body{font-family:system-ui,sans-serif;max-width:72em;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.45em .8em;text-align:left;vertical-align:top}
td.findings{font-size:.9em;max-width:40em}.missing{color:#b00020}.current{color:#1b5e20}
.status{border-left:4px solid #b36b00;padding:.3em .8em;background:#fff4e0}
.synthetic-banner{border:3px solid #b00020;border-radius:4px;background:#fde8ec;color:#5f0010;padding:.8em 1em;margin:.5em 0 1em;font-weight:500}
nav.lang{float:right;font-size:.9em}figure.headline{margin:1em 0 2em}figure.headline figcaption{font-size:.88em;color:#333;max-width:62em}
figure.headline svg{max-width:60em;height:auto}"""


def index_page(runs, state: PageState, lang: str, folder: Path = Path("reports"), cb=None) -> str:
    """The index in `lang` as an HTML page."""
    cb = cb or _codebook()
    t = TEXT[lang]
    langs = [code for code in LANG_NAMES if any(code in run.languages for run in runs)] or [lang]
    others = " · ".join(f'<a href="{index_name(code)}" hreflang="{code}" rel="alternate">'
                        f'{html.escape(NAV_TEXT[lang]["twin"][code])}</a>' for code in langs if code != lang)
    meta = state.data_meta
    note = t["status"].get(state.status, "")
    rows = []
    sentences = _cached_sentences(runs, state, lang, folder, cb) if meta is not None else {}
    if meta is not None:
        for run in runs:
            which = page_state(run, state)
            title = html.escape(run.title_in(lang))
            if which == "current":
                code = lang if lang in run.languages else run.languages[0]
                cells = [_link(run.html(code).name, run.title_in(lang)),
                         f'<span class="current">{t["state"]["current"]}</span>',
                         html.escape(sentences.get(run.name, "")), _files(run, lang)]
                cells[2] = f'<td class="findings">{cells[2]}</td>'
            else:
                text = no_data_reason(run, state, lang, cb) if which == "no_data" else t["state"][which]
                cells = [title, f'<span class="missing">{html.escape(text)}</span>', '<td class="findings"></td>', ""]
            rows.append("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>")
    if meta is None:
        data = f"<p>{t['data_pending']}</p>"
    else:
        data = "<p>" + t["data"].format(source=html.escape(meta["source_name"]), rows=fmt.integer(meta["rows"], lang),
                                        sha=html.escape(meta["source_sha256"]))
        replication = folder / page_name("replication", lang)
        if replication.is_file():
            data += " " + t["replication"].format(link=_link(replication.name, t["replication_link"]))
        data += "</p>"
        missing = missing_districts(state, lang, cb)
        if missing:
            data += f'<p class="missing">{html.escape(t["missing"].format(districts="; ".join(missing)))}</p>'
    built = build_time(runs, state) if meta is not None else None
    when = t["built"].format(date=_date(built, lang)) if built else t["no_build"]
    headline = headline_rows(runs, state, cb) if meta is not None else []
    if headline:
        figure = (f'<figure class="headline" id="headline">{_cached_svg(headline, lang, folder)}'
                  f'<figcaption id="headline-caption">{html.escape(t["figure_caption"])}</figcaption></figure>')
    else:
        figure = f"<p>{html.escape(t['figure_none'])}</p>"
    banner = index_banner(meta, lang) if meta else ""
    heads = "".join(f"<th>{c}</th>" for c in t["cols"])
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(t['page_title'])}</title>
<style>{STYLE}</style>
</head><body>
<nav class="lang">{others}</nav>
<h1>{html.escape(t['title'])}</h1>
{f'<p class="status" id="build-status">{note}</p>' if note else ''}
<p>{html.escape(t['intro'])} {html.escape(when)}</p>
{banner}
{data}
<h2>{html.escape(t['figure_head'])}</h2>
{figure}
<h2>{html.escape(t['reports_head'])}</h2>
<table><thead><tr>{heads}</tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""


def write_index(runs, state: PageState, target: Path = Path("reports/index.html")) -> None:
    """Write the index in every language of the runs: `target` (English) and `target`-<lang> beside it.

    The pages name only what the folder holds: the data of the processed survey and the runs in
    `state.current`. They are rewritten at each step of a build, so an interrupted or killed build
    leaves pages that are true of what is there.
    """
    cb = _codebook()
    langs = [code for code in LANG_NAMES if any(code in run.languages for run in runs)] or ["en"]
    if "en" not in langs:
        langs.insert(0, "en")
    for lang in langs:
        path = target if lang == "en" else target.with_name(f"{target.stem}-{lang}{target.suffix}")
        atomic_write_text(path, index_page(runs, state, lang, target.parent, cb))
