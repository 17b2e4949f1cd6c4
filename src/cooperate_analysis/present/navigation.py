"""Links between the reports: the navigation bar at the top of each report.

A report links to the index of its language, to the same report in its other languages and to its
related reports. Relations come from the runs' parameters, never from their names: a run about one
group (parameter `district`, or `group` of the specification curve: a district or `pooled`) is
related to the other runs about the same group and to the runs about no single group (the
comparison across districts); a run about no single group is related to every other run. So a
district report links its specification curve and the cross-district report, the pooled curve
links the cross-district report, and the cross-district report links them all.

Links are relative (the reports sit side by side in reports/), text is escaped. In print the
links of a PDF would point to the build machine's folders, so the printed bar names the companion
PDF files instead of linking them.
"""
from __future__ import annotations

import html

from ..data.codebook import LANGS
from .i18n import messages

def twin_label(code: str, lang: str) -> str:
    """The link text, in `lang`, to the same page in language `code` ("Italian version" / "Versione italiana")."""
    _ = messages(lang)
    if code == "it":
        return _("Italian version")
    if code == "en":
        return _("English version")
    raise ValueError(f"no link text for language {code!r}")


NAV_CSS = """nav.report-nav { font-size: 0.8rem; line-height: 1.5; color: #444; border-bottom: 1px solid #ddd;
  padding: 0.2rem 0 0.45rem; margin: 0 0 0.8rem; }
nav.report-nav a { color: #1a4f8b; text-decoration: none; }
nav.report-nav a:hover, nav.report-nav a:focus { text-decoration: underline; }
nav.report-nav .nav-sep { color: #999; padding: 0 0.35em; }
nav.report-nav .nav-print { display: none; }
@media print {
  nav.report-nav { font-size: 7.5pt; }
  nav.report-nav .nav-screen { display: none; }
  nav.report-nav .nav-print { display: inline; }
}
"""

SEP = '<span class="nav-sep" aria-hidden="true">·</span>'


def page_name(stem: str, lang: str) -> str:
    """The file name of page `stem` in `lang`: `stem.html` in the default language, `stem-<lang>.html`
    in the others (as the reports: district-x.html, district-x-it.html)."""
    return f"{stem}.html" if lang == LANGS[0] else f"{stem}-{lang}.html"


def index_name(lang: str) -> str:
    """The index of the reports in `lang`: index.html, index-it.html."""
    return page_name("index", lang)


def scope(run) -> str | None:
    """The group a run is about (a district id or 'pooled'), None for a run about no single group."""
    return run.parameters.get("district") or run.parameters.get("group") or None


def related(run, runs, available=None) -> list:
    """The runs related to `run`, in configuration order: the same group first, then the runs
    about no single group (or, for those, every other run). `available` (run names, None: all)
    keeps only the runs whose reports the build makes, so no link points to a report that is not there."""
    mine = scope(run)
    same, other = [], []
    for candidate in runs:
        if candidate.name == run.name or (available is not None and candidate.name not in available):
            continue
        theirs = scope(candidate)
        if mine is None or theirs is None or theirs == mine:
            (same if theirs == mine else other).append(candidate)
    return same + other


def _in(run, lang: str) -> str:
    """The language of `run`'s report to link from a report in `lang`: `lang` if it has one."""
    return lang if lang in run.languages else run.languages[0]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _a(href: str, text: str, lang: str | None = None, rel: str | None = None) -> str:
    extra = (f' hreflang="{lang}"' if lang else "") + (f' rel="{rel}"' if rel else "")
    return f'<a href="{html.escape(href)}"{extra}>{html.escape(text)}</a>'


def nav_markup(run, runs, lang: str, available=None) -> str:
    """The navigation bar of `run`'s report in `lang` (HTML): index, other languages, related reports."""
    _ = messages(lang)
    twins = [code for code in run.languages if code != lang]
    links = [_a(index_name(lang), _("Index of the reports"), rel="index")]
    links += [_a(run.html(code).name, twin_label(code, lang), code, "alternate") for code in twins]
    # Translators: the printed navigation bar names files, not links: "index: index-it.html"
    printed = [_("index: {file}", file=index_name(lang))]
    # Translators: the same report in another language, as a file ("Italian version: district-x-it.pdf")
    printed += [_("{language}: {file}", language=_lower(twin_label(code, lang)), file=run.pdf(code).name)
                for code in twins]
    others = related(run, runs, available)
    screen = SEP.join(links)
    if others:
        linked = ", ".join(_a(o.html(_in(o, lang)).name, o.title_in(_in(o, lang))) for o in others)
        # the message is escaped before its placeholder receives the links' markup
        screen += SEP + html.escape(_("Related reports: {reports}")).format(reports=linked)
        printed.append(_("related reports: {files}", files=", ".join(o.pdf(_in(o, lang)).name for o in others)))
    aria = html.escape(_("Report navigation"))
    files = html.escape(_("Companion files: {files}", files="; ".join(printed)))
    return (f'<nav class="report-nav" aria-label="{aria}">'
            f'<span class="nav-screen">{screen}</span>'
            f'<span class="nav-print">{files}</span></nav>')


def navigation(runs, available=None) -> dict[str, dict[str, str]]:
    """The navigation bar of every run's report, by run name and language."""
    return {run.name: {lang: nav_markup(run, runs, lang, available) for lang in run.languages} for run in runs}
