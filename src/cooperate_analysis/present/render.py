"""Rendering an executed notebook to a self-contained HTML report without code."""
from __future__ import annotations

import html
import re
from pathlib import Path

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
TEMPLATES = Path(__file__).resolve().parent / "templates"


FOOTER_TITLE = {"en": "Provenance", "it": "Provenienza"}
TOC_TITLE = {"en": "Contents", "it": "Indice"}
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def add_toc(page: str, lang: str = "en") -> str:
    """Insert a table of contents of the section headings before the first section."""
    sections = _H2.findall(page)
    if not sections:
        return page
    items = "".join(f'<li><a href="#{anchor}">{title.strip()}</a></li>' for anchor, title in sections)
    nav = f'<nav class="toc" aria-label="{TOC_TITLE[lang]}"><strong>{TOC_TITLE[lang]}</strong><ol>{items}</ol></nav>'
    first = page.index(f'<h2 id="{sections[0][0]}"')
    cell_start = page.rfind('<div class="jp-Cell', 0, first)
    return page[:cell_start] + nav + page[cell_start:]


def provenance_markup(prov: dict, lang: str = "en") -> str:
    """The provenance footer as an escaped HTML table (row names stay in English, as in the JSON)."""
    git = prov["git"]
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[git["dirty"]]
    rows = [
        ("Git commit", f"{git['commit']}{dirty}"),
        ("Notebook", prov["notebook"]),
        ("Parameters", ", ".join(f"{k}={v!r}" for k, v in sorted(prov["parameters"].items()))),
        ("Seed", prov.get("seed")),
        ("Data", f"{prov['data']['source_name']} ({prov['data']['rows']} firms, "
                 f"{'synthetic' if prov['data']['synthetic'] else 'user-supplied'})"),
        ("Data SHA-256", prov["data"]["source_sha256"]),
        ("Lock file SHA-256", prov["lock_sha256"]),
        ("Python", f"{prov['python']} on {prov['platform']}"),
        ("Packages", ", ".join(f"{k} {v}" for k, v in prov["packages"].items())),
        ("Run wall time", f"{prov['wall_time_seconds']} s"),
    ]
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return (f'<section class="provenance"><h2 id="provenance">{FOOTER_TITLE[lang]}<a class="anchor-link" href="#provenance"></a></h2>'
            f'<table class="provenance-table">{body}</table></section>')


def render_html(executed: Path, target: Path, title: str, provenance: dict, lang: str = "en") -> None:
    """Render `executed` to `target` with code hidden and the provenance footer appended.

    Markdown cells and code-cell outputs tagged `lang-<xx>` are in language xx: only those of `lang`
    are kept, so one executed notebook renders as a report in each of its languages.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from ..data.codebook import LANGS

    other_languages = {f"lang-{code}" for code in LANGS if code != lang}
    nb = nbformat.read(executed, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(provenance_markup(provenance, lang)))
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="compendium",
                            language_code=lang, exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    # narrative cells and the outputs of code cells are tagged by language: keep one language
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS | other_languages,
                                                         remove_single_output_tags=other_languages), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    target.write_text(add_toc(body, lang), encoding="utf-8")
