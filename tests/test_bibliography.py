"""The bibliography (present/references.json) and its rendering by pandoc's citeproc in APA 7th: every
cited work is listed, anchors, DOIs, in-text citations and markers, published-figure sources, a report's
references list holding exactly the works it cites, and the processor's runs (one per page, cached)."""
from __future__ import annotations

import html
import json
import random
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.present import bibliography as bib
from cooperate_analysis.present.i18n import messages

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
    title = messages(lang)(bib.TITLE)
    assert title == {"en": "References", "it": "Riferimenti bibliografici"}[lang]
    assert f'<h2 id="references">{title}<a class="anchor-link" href="#references"></a></h2>' in section
    for key in ALL_KEYS:
        entry = bib.reference(key, lang)
        assert entry.startswith(f'<p class="csl-entry" id="ref-{key}" style="') and entry.endswith("</p>")
        assert "None" not in entry and "{" not in entry


def test_italian_references_use_the_it_locale_and_the_italian_variants():
    en, it = bib.reference("battaglia2014", "en"), bib.reference("battaglia2014", "it")
    assert "Iraldo, F., &amp; Frey, M. (2014)" in en and "Iraldo, F., &amp; Frey, M. (2014)" in it  # APA's "&"
    assert "(n.d.)" in bib.reference("pmi_cooperate", "en") and "(s.d.)" in bib.reference("pmi_cooperate", "it")
    assert "(2nd ed.)" in bib.reference("cohen1988", "en") and "(2ª ed.)" in bib.reference("cohen1988", "it")
    assert "(2007, 26 giugno)" in bib.reference("leathernet2007", "it")
    assert "(2007, June 26)" in bib.reference("leathernet2007", "en")
    assert "Raccomandazione della Commissione" in bib.reference("eu2003", "it")  # title_it
    assert "Progetto COSMIC. (2009)" in bib.reference("cosmic_final_report", "it")  # author_it
    assert "(documento 24771117)" in bib.reference("asev_imagine_analisi", "it")  # container_title_it
    assert "Cita Regione Toscana (1999)" in bib.reference("dok123_conciario", "it")  # note_it, after the entry
    assert "Cites Regione Toscana (1999)" in bib.reference("dok123_conciario", "en")


@pytest.mark.parametrize("lang", bib.LANGS)
def test_entries_print_doi_or_url_as_links_and_never_our_custom_fields(lang):
    for key, item in bib.load().items():
        entry = bib.reference(key, lang)
        if "DOI" in item:
            assert f'href="https://doi.org/{html.escape(item["DOI"])}"' in entry, key
        elif "URL" in item:
            assert f'<a href="{html.escape(item["URL"])}">' in entry, key
        custom = item.get("custom", {})
        assert custom.get("confirmed", "\0") not in entry and "search/pages" not in entry, key
        assert "source_id" not in entry and (custom.get("source_id") is None or f"[{custom['source_id']}]" not in entry)
        if "accessed" not in item:  # APA 7: "Retrieved" only with a retrieval date (STYLE_PATCHES)
            assert not re.search(r"\b(Retrieved|Recuperato)\b", entry), (key, entry)


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    return re.sub(r"[^a-z0-9]", "", text)


@pytest.mark.parametrize("lang", bib.LANGS)
def test_reference_list_is_in_apa_order(lang):
    """Alphabetical by first author (or, without one, by title), then by year: citeproc's sort of apa.csl."""
    order = bib.order(lang)
    assert sorted(order) == ALL_KEYS
    firsts = []
    for key in order:
        text = re.sub(r"<[^>]+>", "", bib.reference(key, lang))
        firsts.append(_folded(re.split(r"[.,(]", html.unescape(text).lstrip("["), maxsplit=1)[0]))
    assert firsts == sorted(firsts), [(k, f) for k, f in zip(order, firsts)]
    years = {k: bib.year_label(k, lang) for k in order}
    assert order.index("battaglia2010") < order.index("battaglia2014")  # same first author: by ... then year
    assert order.index("sole24ore2012_empoli") < order.index("sole24ore2012_carta")  # 2012a before 2012b
    assert (years["sole24ore2012_empoli"], years["sole24ore2012_carta"]) == ("2012a", "2012b")


def test_editors_and_accessed_dates_in_both_languages(monkeypatch):
    chapter = {"id": "doe2001", "type": "chapter", "author": [{"family": "Doe", "given": "J."}],
               "editor": [{"family": "Roe", "given": "R."}, {"family": "Poe", "given": "P."}],
               "issued": {"date-parts": [[2001]]}, "title": "A chapter", "container-title": "A book",
               "page": "1–10", "publisher": "Press"}
    page = {"id": "site", "type": "webpage", "author": [{"literal": "Agency"}], "title": "A page",
            "URL": "https://example.org/a?b=1&c=2", "accessed": {"date-parts": [[2024, 3, 5]]}}
    works = bib.parse(json.dumps([chapter, page]))
    monkeypatch.setattr(bib, "load", lambda: works)
    try:
        assert "In R. Roe &amp; P. Poe (Eds.), <em>A book</em> (pp. 1–10). Press." in bib.reference("doe2001", "en")
        assert "In R. Roe &amp; P. Poe (a c. di), <em>A book</em> (pp. 1–10). Press." in bib.reference("doe2001", "it")
        assert "Retrieved March 5, 2024, from <a" in bib.reference("site", "en")
        assert "Recuperato 5 marzo 2024, da <a" in bib.reference("site", "it")
        assert 'href="https://example.org/a?b=1&amp;c=2"' in bib.reference("site", "en")
        assert bib.order("en") == ["site", "doe2001"]  # "Agency" before "Doe"
    finally:
        bib._memo.clear()


def test_in_text_labels_identify_one_work_each():
    for lang in bib.LANGS:
        labels = [bib.label(k, lang) for k in ALL_KEYS]
        assert len(set(labels)) == len(labels), [x for x in labels if labels.count(x) > 1]
    assert {bib.year_label("sole24ore2012_empoli"), bib.year_label("sole24ore2012_carta")} == {"2012a", "2012b"}


def test_cite_gives_linked_narrative_and_parenthetical_citations():
    assert bib.cite("battaglia2014") == '<a class="citation" href="#ref-battaglia2014">Battaglia et al. (2014)</a>'
    assert bib.cite("holm1979") == '<a class="citation" href="#ref-holm1979">Holm (1979)</a>'
    assert bib.cite("holm1979", narrative=False) == '(<a class="citation" href="#ref-holm1979">Holm, 1979</a>)'
    for lang in bib.LANGS:
        assert bib.cite("mckelvey1975", lang).endswith(">McKelvey &amp; Zavoina (1975)</a>")
        assert bib.label("seabold2010", lang, narrative=False) == "Seabold & Perktold, 2010"
    both = bib.cite(["holm1979", "benjamini1995"], "en", narrative=False)
    assert both == ('(<a class="citation" href="#ref-benjamini1995">Benjamini &amp; Hochberg, 1995</a>; '
                    '<a class="citation" href="#ref-holm1979">Holm, 1979</a>)')  # APA: alphabetical in a group
    # a short author of the data (custom.short_author) is linked with its year, inside a group too
    mixed = bib.cite(["holm1979", "cooperate_final_report", "asev_osservatorio2008"], "en", narrative=False)
    assert ('<a class="citation" href="#ref-cooperate_final_report">Sant’Anna &amp; ASEV, n.d.</a>' in mixed
            and '<a class="citation" href="#ref-asev_osservatorio2008">ASEV, 2008</a>' in mixed), mixed
    assert bib.label("eu2003", "it", narrative=False) == "Commissione europea, 2003"  # a legal work's short title
    # a work without author is cited by its short title (APA), which citeproc tells apart from a like one
    assert bib.label("vaasa_cooperate", "it", narrative=False) == "«Articolo di convegno su COOPERATE», s.d."
    assert {bib.label("dok123_cartario", "it"), bib.label("dok123_conciario", "it")} == {"123dok (s.d.-a)",
                                                                                         "123dok (s.d.-b)"}
    with pytest.raises(KeyError, match="nobody2000"):
        bib.cite("nobody2000")


def test_markers_become_links_outside_tags_only():
    text = ('As in @battaglia2014, the tests [@holm1979; @benjamini1995] follow. Mail a@b.org; '
            '<img alt="[@holm1979]" src="x"/> <a href="#x">@holm1979</a> <style>@media print {}</style>')
    out = bib.cite_markers(text, "it")
    assert out.startswith('As in <a class="citation" href="#ref-battaglia2014">Battaglia et al. (2014)</a>, the tests (')
    assert "Benjamini &amp; Hochberg, 1995</a>; " in out and ">Holm, 1979</a>) follow" in out
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
    assert entries == [k for k in bib.order(lang) if k in set(cited)]  # APA order, each once


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


def test_the_style_is_the_csl_projects_apa_7th_and_pandoc_comes_from_the_wheel():
    text = bib.style_path().read_text(encoding="utf-8")
    assert "<id>http://www.zotero.org/styles/apa</id>" in text and "APA Style 7th edition" in text
    assert 'href="http://www.zotero.org/styles/apa" rel="self"' in text
    for lang in bib.LANGS:  # each patch applied where it is meant to, and only there
        patched = bib.style(lang)
        for old, new, langs in bib.STYLE_PATCHES:
            assert (new in patched) == (lang in langs) and bib.style_path().read_text(encoding="utf-8").count(old) == 1
    executable, version = bib.pandoc()
    assert "site-packages" in executable.replace("\\", "/") and version


def test_a_page_is_rendered_in_one_pandoc_run_and_then_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(bib.CACHE_VARIABLE, str(tmp_path))
    monkeypatch.setattr(bib, "_states", {})
    runs = len(bib.RUNS)
    page = ("<body><p>As @battaglia2014 and [@holm1979; @benjamini1995], [@fornell1981; @hu1999] and "
            "[-@cohen1988].</p></body>")
    first = bib.add_references(page, "en")
    assert len(bib.RUNS) == runs + 1  # every group and the entries of one page in a single run
    assert list(tmp_path.glob("en-*.json"))
    monkeypatch.setattr(bib, "_states", {})  # a new process: the cache file answers
    assert bib.add_references(page, "en") == first and len(bib.RUNS) == runs + 1
    assert "(<a class=\"citation\" href=\"#ref-cohen1988\">1988</a>)" in first
    # a page that cites nothing never starts pandoc
    monkeypatch.setattr(bib, "_states", {})
    assert bib.add_references("<body><p>nothing cited, a@b.org</p></body>", "it").count("<section") == 0
    assert len(bib.RUNS) == runs + 1


def test_prepare_fills_the_cache_so_that_a_notebooks_methods_section_runs_no_pandoc(tmp_path, monkeypatch):
    """What the build renders while it checks the data (`prepare`, one run per language) is what a notebook
    starting with an empty memory finds in the file: its methods section then starts no pandoc; the
    catalogs' groups are among it; a second `prepare` has nothing left to do; an in-memory cache is
    not prepared."""
    from cooperate_analysis.present import methods

    groups = bib.catalog_groups()
    assert ("p", ("mackinnon1985", "long2000")) in groups and all(g[0] in ("p", "y") for g in groups)
    assert all(key.lstrip("-") in bib.load() for _, keys in groups for key in keys)
    monkeypatch.setenv(bib.CACHE_VARIABLE, "")
    monkeypatch.setattr(bib, "_states", {})
    runs = len(bib.RUNS)
    bib.prepare()
    assert len(bib.RUNS) == runs and not bib._states  # in memory only: each process renders its own
    monkeypatch.setenv(bib.CACHE_VARIABLE, str(tmp_path))
    bib.prepare()
    assert len(bib.RUNS) == runs + len(bib.LANGS)
    monkeypatch.setattr(bib, "_states", {})  # a new process (a notebook's kernel)
    bib.prepare()
    meta = {"rows": 92, "synthetic": True, "rows_by_district": {}}
    for lang in bib.LANGS:
        section = methods.section("speccurve", lang, meta, n_specs=4704)
        assert 'href="#ref-simonsohn2020"' in section
    assert len(bib.RUNS) == runs + len(bib.LANGS)


def test_a_methods_section_renders_its_citations_in_one_pandoc_run(tmp_path, monkeypatch):
    from cooperate_analysis.present import methods

    monkeypatch.setenv(bib.CACHE_VARIABLE, str(tmp_path))
    monkeypatch.setattr(bib, "_states", {})
    runs = len(bib.RUNS)
    section = methods.section("speccurve", "en", {"rows": 92, "synthetic": True, "rows_by_district": {}}, n_specs=4704)
    assert len(bib.RUNS) == runs + 1 and section.count("<p><strong>") >= 3


def test_a_build_whose_citations_cannot_be_prepared_notes_it_and_goes_on(monkeypatch, capsys):
    """The build's thread that prepares the citations (`pipeline._prepare_citations`) never raises: a failing
    pandoc is noted, and the notebook that needs a citation reports the failure as its own."""
    from cooperate_analysis.runner import pipeline

    def fail() -> None:
        raise RuntimeError("pandoc --citeproc failed (1): no such style")

    monkeypatch.setattr(bib, "prepare", fail)
    pipeline._prepare_citations()
    assert "note   citations not prepared ahead: RuntimeError: pandoc --citeproc failed (1)" in capsys.readouterr().out
