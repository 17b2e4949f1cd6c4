"""The bibliography (present/references.json) and its rendering: every cited work is listed, anchors,
DOIs, in-text citations and markers, published-figure sources, and a report's references list holding
exactly the works it cites."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.present import bibliography as bib

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"\[((?:-?@[A-Za-z][A-Za-z0-9_-]*)(?:\s*;\s*-?@[A-Za-z][A-Za-z0-9_-]*)*)\]")
ALL_KEYS = sorted(bib.load())


def _ids(markup: str) -> list[str]:
    return re.findall(r'id="ref-([^"]+)"', markup)


def test_every_work_has_type_title_and_a_unique_id():
    raw = json.loads((ROOT / "src/cooperate_analysis/present/references.json").read_text(encoding="utf-8"))
    assert len(raw) == len(bib.load()) >= 40
    assert all(item["type"] and item["title"] for item in raw)


def test_dois_are_well_formed_and_rendered_as_doi_links():
    with_doi = [k for k, item in bib.load().items() if "DOI" in item]
    assert len(with_doi) >= 25
    for key in with_doi:
        doi = bib.work(key)["DOI"]
        assert re.fullmatch(r"10\.\d{4,9}/[^\s\"<>]+", doi), (key, doi)
        assert not doi.lower().startswith(("http", "doi:")), key
        for lang in bib.LANGS:
            assert f'href="https://doi.org/{doi}"' in bib.reference(key, lang)


def test_a_malformed_doi_or_a_repeated_id_is_refused():
    good = {"id": "a2020", "type": "book", "title": "T"}
    assert list(bib.parse(json.dumps([good]))) == ["a2020"]
    with pytest.raises(ValueError, match="malformed DOI"):
        bib.parse(json.dumps([good | {"DOI": "https://doi.org/10.1/x"}]))
    with pytest.raises(ValueError, match="repeated"):
        bib.parse(json.dumps([good, good]))
    with pytest.raises(ValueError, match="source id"):
        bib.parse(json.dumps([good | {"custom": {"source_id": "D1"}},
                              good | {"id": "b2020", "custom": {"source_id": "D1"}}]))


@pytest.mark.parametrize("lang", bib.LANGS)
def test_every_rendered_reference_has_its_anchor_once(lang):
    section = bib.references(ALL_KEYS, lang)
    assert sorted(_ids(section)) == ALL_KEYS
    assert f'<h2 id="references">{bib.TITLE[lang]}<a class="anchor-link" href="#references"></a></h2>' in section
    for key in ALL_KEYS:
        entry = bib.reference(key, lang)
        assert entry.startswith(f'<p class="csl-entry" id="ref-{key}" style="') and entry.endswith("</p>")
        assert "None" not in entry and "{" not in entry


def test_italian_references_use_italian_conventions():
    en, it = bib.reference("battaglia2014", "en"), bib.reference("battaglia2014", "it")
    assert "Iraldo, F., &amp; Frey, M. (2014)" in en
    assert "Iraldo, F. e Frey, M. (2014)" in it and "&amp;" not in it.split("(2014)")[0]
    assert "(n.d.)" in bib.reference("pmi_cooperate", "en") and "(s.d.)" in bib.reference("pmi_cooperate", "it")
    assert "(2nd ed.)" in bib.reference("cohen1988", "en") and "(2a ed.)" in bib.reference("cohen1988", "it")
    assert "26 giugno" in bib.reference("leathernet2007", "it") and "June 26" in bib.reference("leathernet2007", "en")
    assert "Commissione europea" in bib.reference("eu2003", "it")


def test_editors_and_accessed_dates_in_both_languages(monkeypatch):
    chapter = {"id": "doe2001", "type": "chapter", "author": [{"family": "Doe", "given": "J."}],
               "editor": [{"family": "Roe", "given": "R."}, {"family": "Poe", "given": "P."}],
               "issued": {"date-parts": [[2001]]}, "title": "A chapter", "container-title": "A book",
               "page": "1–10", "publisher": "Press"}
    page = {"id": "site", "type": "webpage", "author": [{"literal": "Agency"}], "title": "A page",
            "URL": "https://example.org/a?b=1&c=2", "accessed": {"date-parts": [[2024, 3, 5]]}}
    works = bib.parse(json.dumps([chapter, page]))
    monkeypatch.setattr(bib, "load", lambda: works)
    bib._suffixes.cache_clear()
    try:
        assert "In R. Roe &amp; P. Poe (Eds.), <em>A book</em> (pp. 1–10)." in bib.reference("doe2001", "en")
        assert "In R. Roe e P. Poe (a cura di), <em>A book</em> (pp. 1–10)." in bib.reference("doe2001", "it")
        assert "Retrieved March 5, 2024, from" in bib.reference("site", "en")
        assert "Consultato il 5 marzo 2024," in bib.reference("site", "it")
        assert 'href="https://example.org/a?b=1&amp;c=2"' in bib.reference("site", "en")
    finally:
        bib._suffixes.cache_clear()


def test_in_text_labels_identify_one_work_each():
    for lang in bib.LANGS:
        labels = [bib.label(k, lang) for k in ALL_KEYS]
        assert len(set(labels)) == len(labels), [x for x in labels if labels.count(x) > 1]
    assert {bib.year_label("sole24ore2012_empoli"), bib.year_label("sole24ore2012_carta")} == {"2012a", "2012b"}


def test_cite_gives_linked_narrative_and_parenthetical_citations():
    assert bib.cite("battaglia2014") == '<a class="citation" href="#ref-battaglia2014">Battaglia et al. (2014)</a>'
    assert bib.cite("mckelvey1975", "en") .endswith(">McKelvey and Zavoina (1975)</a>")
    assert bib.cite("mckelvey1975", "it").endswith(">McKelvey e Zavoina (1975)</a>")
    both = bib.cite(["holm1979", "benjamini1995"], "en", narrative=False)
    assert both == ('(<a class="citation" href="#ref-holm1979">Holm, 1979</a>; '
                    '<a class="citation" href="#ref-benjamini1995">Benjamini &amp; Hochberg, 1995</a>)')
    with pytest.raises(KeyError, match="nobody2000"):
        bib.cite("nobody2000")


def test_markers_become_links_outside_tags_only():
    text = ('As in @battaglia2014, the tests [@holm1979; @benjamini1995] follow. Mail a@b.org; '
            '<img alt="[@holm1979]" src="x"/> <a href="#x">@holm1979</a> <style>@media print {}</style>')
    out = bib.cite_markers(text, "it")
    assert out.startswith('As in <a class="citation" href="#ref-battaglia2014">Battaglia et al. (2014)</a>, the tests (')
    assert "Benjamini e Hochberg, 1995</a>)" in out
    assert "a@b.org" in out and 'alt="[@holm1979]"' in out and '<a href="#x">@holm1979</a>' in out
    assert "@media print" in out
    with pytest.raises(KeyError, match="holm1997"):
        bib.cite_markers("[@holm1997]", "en")


def test_every_marker_in_the_package_and_notebooks_names_a_work():
    files = [*(ROOT / "src/cooperate_analysis").rglob("*.py"), *(ROOT / "src/cooperate_analysis").rglob("*.yaml"),
             *(ROOT / "notebooks").glob("*.ipynb")]
    found = set()
    for path in files:
        for group in MARKER.findall(path.read_text(encoding="utf-8")):
            found |= {k.strip().lstrip("-@") for k in group.split(";")}
    assert found, "no citation marker found: the methods section at least uses them"
    assert found <= set(bib.load()), sorted(found - set(bib.load()))


def test_every_published_figure_source_resolves_to_a_full_citation():
    figures = pd.read_csv(ROOT / "data/raw/published_figures.csv")
    frame = pd.read_csv(ROOT / "data/raw/population_frame.csv")
    ids = set(figures["source_id"]) | set(re.findall(r"\b([DS]\d{1,2})\b", " ".join(frame["source"])))
    for source in sorted(ids):
        key = bib.source_key(source)
        for lang in bib.LANGS:
            assert f'href="#ref-{key}"' in bib.source_citation(source, lang)
            assert bib.source_citation(source, lang, link=False) == bib.label(key, lang)
        assert bib.cite_markers(bib.source_marker(source)) == bib.cite(key)
    assert bib.source_citation("S8", "en", link=False) == "Battaglia et al. (2014)"
    with pytest.raises(KeyError, match="D99"):
        bib.source_key("D99")


@pytest.mark.parametrize("seed", range(20))
def test_a_reports_references_hold_exactly_the_cited_works(seed):
    rng = random.Random(seed)
    cited = rng.sample(ALL_KEYS, rng.randint(1, 12))
    lang = rng.choice(bib.LANGS)
    parts = []
    for key in cited:
        parts.append(rng.choice([f"text [@{key}] more", f"by @{key}.", bib.cite(key, lang)]))
    page = bib.cite_markers("<p>" + " ".join(parts) + "</p>", lang)
    assert bib.cited_keys(page) == list(dict.fromkeys(cited))
    section = bib.references_for(page, lang)
    assert sorted(_ids(section)) == sorted(set(cited))
    entries = re.findall(r'<p class="csl-entry" id="ref-([^"]+)"', section)
    assert entries == sorted(set(cited), key=lambda k: bib._sort_key(k, lang))  # APA order, each once


def test_no_citation_no_references_section_and_unknown_links_are_errors():
    assert bib.references_for("<p>no citations here</p>") == ""
    with pytest.raises(KeyError, match="ghost"):
        bib.cited_keys('<a href="#ref-ghost">x</a>')


def test_data_readme_lists_every_source_with_its_bibliography_key():
    readme = (ROOT / "data/raw/README.md").read_text(encoding="utf-8").split("## Sources of the published figures")[1]
    rows = dict(re.findall(r"^\| ([DS]\d{1,2}) \| .+ \| `([^`]+)` \|$", readme, re.M))
    assert rows == bib.source_keys()


def test_add_references_links_a_page_and_inserts_the_section_before_the_provenance():
    page = ('<html><body><h2 id="x">X<a class="anchor-link" href="#x"></a></h2><p>As @battaglia2014 and '
            '[@holm1979]; a file [@not_a_key].csv</p><table><td>@ecodistretti2009</td></table>'
            '<section class="provenance"><h2 id="provenance">Provenance</h2></section></body></html>')
    out = bib.add_references(page, "it")
    assert out.index('<section class="references"') < out.index('<section class="provenance"')
    assert sorted(re.findall(r'id="ref-([^"]+)"', out)) == ["battaglia2014", "ecodistretti2009", "holm1979"]
    assert "[@not_a_key].csv" in out and "Riferimenti bibliografici" in out
    with pytest.raises(KeyError):
        bib.cite_markers("[@not_a_key]", "en")
    bare = bib.add_references("<body><p>nothing cited</p></body>", "en")
    assert bare == "<body><p>nothing cited</p></body>"
    no_provenance = bib.add_references("<body><p>[@holm1979]</p></body>", "en")
    assert no_provenance.endswith("</section></body>")
