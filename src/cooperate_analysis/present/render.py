"""Rendering an executed notebook to a self-contained HTML report without code."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

from . import bibliography
from .i18n import N_, messages

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
TEMPLATES = Path(__file__).resolve().parent / "templates"


FOOTER_TITLE = N_("Provenance")
TOC_TITLE = N_("Contents")
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def add_toc(page: str, lang: str = "en") -> str:
    """Insert a table of contents of the section headings before the first section."""
    sections = _H2.findall(page)
    if not sections:
        return page
    items = "".join(f'<li><a href="#{anchor}">{title.strip()}</a></li>' for anchor, title in sections)
    title = messages(lang)(TOC_TITLE)
    nav = f'<nav class="toc" aria-label="{title}"><strong>{title}</strong><ol>{items}</ol></nav>'
    first = page.index(f'<h2 id="{sections[0][0]}"')
    cell_start = page.rfind('<div class="jp-Cell', 0, first)
    return page[:cell_start] + nav + page[cell_start:]


def provenance_markup(prov: dict, lang: str = "en") -> str:
    """The provenance footer as one escaped HTML section (kept whole in print), its row names and
    numbers in the report's language; values (commit, parameters, hashes) as recorded."""
    from .formatting import number

    _ = messages(lang)
    git = prov["git"]
    data = prov["data"]
    wall = prov.get("wall_time_seconds")
    none = _.pgettext("provenance", "none")
    data_text = (_.ngettext("{source} ({n} firm, synthetic)", "{source} ({n} firms, synthetic)", data["rows"],
                            source=data["source_name"]) if data["synthetic"] else
                 _.ngettext("{source} ({n} firm, user-supplied)", "{source} ({n} firms, user-supplied)",
                            data["rows"], source=data["source_name"]))
    rows = [
        (_("Git commit"), _("{commit} (uncommitted changes)", commit=git["commit"]) if git["dirty"] else git["commit"]),
        (_("Notebook"), prov["notebook"]),
        (_("Parameters"), ", ".join(f"{k}={v!r}" for k, v in sorted(prov["parameters"].items())) or none),
        (_("Seed"), "–" if prov.get("seed") is None else str(prov["seed"])),  # an identifier: not grouped
        (_("Data"), data_text),
        (_("Data SHA-256"), data["source_sha256"]),
        (_("Lock file SHA-256 (requirements.lock)"), prov["lock_sha256"]),
        (_("Python"), _("{python} on {platform}", python=prov["python"], platform=prov["platform"])),
        (_("Packages"), ", ".join(f"{k} {v}" for k, v in prov["packages"].items()) or none),
        (_("Run wall time"), "–" if wall is None else _("{seconds} s", seconds=number(wall, 1, lang))),
    ]
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return (f'<section class="provenance"><h2 id="provenance">{_(FOOTER_TITLE)}<a class="anchor-link" href="#provenance"></a></h2>'
            f'<table class="provenance-table">{body}</table></section>')


def add_navigation(page: str, nav: str) -> str:
    """Put the navigation bar `nav` at the top of the report's main column and its style in the head."""
    from .navigation import NAV_CSS

    if not nav:
        return page
    page = page.replace("</head>", f"<style>\n{NAV_CSS}</style>\n</head>", 1)
    for opening in ("<main>", "<body"):
        at = page.find(opening)
        if at >= 0:
            end = page.index(">", at) + 1
            return page[:end] + "\n" + nav + page[end:]
    return nav + page


@lru_cache(maxsize=None)
def _exporter(lang: str):
    """The HTML exporter of reports in `lang`, made once per process and reused, as `jupyter nbconvert` reuses
    one for many notebooks: a new exporter compiled its eleven Jinja templates again for every report (a third
    of the time of rendering one)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from ..data.codebook import LANGS

    other_languages = {f"lang-{code}" for code in LANGS if code != lang}
    # optimistic_validation: the notebook is validated once, after the last preprocessor, not after each of them
    # (a seventh of the time of rendering a report); an invalid notebook is still refused
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="compendium",
                            language_code=lang, exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, optimistic_validation=True)
    # narrative cells and the outputs of code cells are tagged by language: keep one language
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS | other_languages,
                                                         remove_single_output_tags=other_languages), enabled=True)
    return exporter


def render_html(executed: Path, target: Path, title: str, provenance: dict, lang: str = "en", nav: str = "") -> None:
    """Render `executed` to `target` with code hidden, the navigation bar `nav` (HTML, see
    `navigation.nav_markup`) on top and the provenance footer appended.

    Markdown cells and code-cell outputs tagged `lang-<xx>` are in language xx: only those of `lang`
    are kept, so one executed notebook renders as a report in each of its languages.
    """
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    # a fixed cell id (nbformat would draw a random one): the same notebook renders to the same bytes
    nb.cells.append(nbformat.v4.new_markdown_cell(provenance_markup(provenance, lang), id="provenance"))
    body, _ = _exporter(lang).from_notebook_node(nb, resources={"metadata": {"name": title}})
    # citation markers linked and the references of exactly the cited works listed before the provenance
    # block, then the contents (which list the references too) and the navigation bar
    body = bibliography.add_references(body, lang)
    target.write_text(add_navigation(add_toc(body, lang), nav), encoding="utf-8")
