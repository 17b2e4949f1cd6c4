"""Navigation between the reports: the bar of each report, the index in both languages, the rendered
replication list. Unit tests on small fake runs for the link logic; one end-to-end test follows every
link of the default build to an existing file and anchor."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from itertools import permutations
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cooperate_analysis.runner import replication
from cooperate_analysis.runner.runs import Run
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import index, navigation, render

CB = load_codebook()
DISTRICTS = list(CB.district_ids)
SCALES = list(CB.outcome_scales)


# --------------------------------------------------------------------------- helpers
class _Page(HTMLParser):
    """The links, anchors (id and name attributes) and visible text of a page; hidden parts (style,
    script) are left out of the text, and with `skip_code` so is code (function names and commands,
    which are not prose in any language)."""

    def __init__(self, skip_code: bool = False):
        super().__init__(convert_charrefs=True)
        self.skip_code = skip_code
        self.links, self.ids, self.text, self._skip = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag in ("style", "script") or (tag == "code" and self.skip_code):
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(path: Path, skip_code: bool = False) -> _Page:
    page = _Page(skip_code)
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(pages: list[Path]) -> list[str]:
    """Every relative link of `pages` that does not reach an existing file, or an anchor of it."""
    parsed, problems = {}, []

    def get(path: Path) -> _Page:
        key = path.resolve()
        if key not in parsed:
            parsed[key] = parse(path)
        return parsed[key]

    for page in pages:
        for href in get(page).links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            if parts.scheme or href.startswith("/") or parts.netloc:
                problems.append(f"{page.name}: {href} is not a relative link")
                continue
            target = page if not parts.path else page.parent / unquote(parts.path)
            if not target.is_file():
                problems.append(f"{page.name}: {href} -> no such file")
            elif parts.fragment and target.suffix == ".html" and not {parts.fragment, unquote(parts.fragment)} & get(target).ids:
                # a browser tries the fragment as written, then percent-decoded (nbconvert's heading ids are encoded)
                problems.append(f"{page.name}: {href} -> no anchor {parts.fragment!r}")
    return problems


# labels of the English index and replication pages that must not be left in the Italian ones
ENGLISH = ["Report", "State", "Findings", "Files", "current", "firms", "Data:", "Holm p", "association",
           "Association", "CI", "not estimable", "built", "Index", "Italian", "English version", "Innovation",
           "Market", "Coefficient", "specifications", "Median", "being", "failed", "results", "points", "Table",
           "Figure", "Caption", "Parameters", "Wall time", "Runs", "rebuild", "How to"]
DECIMAL_POINT = r"\d\.(?!\d{3}(?!\d))\d"  # a point not followed by a group of three digits (thousands)


def english_left(text: str) -> list[str]:
    """The English labels in `text` (whole words; paths such as reports/failed/ do not count)."""
    return [word for word in ENGLISH if re.search(rf"(?<![\w/-]){re.escape(word)}(?![\w/-])", text)]


def fake_runs(languages=("en", "it")) -> list[Run]:
    """Runs shaped as the pipeline's, with names that say nothing of their relations."""
    def run(name, notebook, **params):
        return Run(name=name, notebook=Path(f"notebooks/{notebook}.ipynb"), parameters=params, languages=languages,
                   title={lang: f"{name} <{lang}> & co" for lang in languages})

    curve = "specification_curve"
    return [run("alpha", "district", district=DISTRICTS[0]), run("beta", "district", district=DISTRICTS[1]),
            run("gamma", "district", district=DISTRICTS[2]), run("zeta", "cross_district"),
            run("curve1", curve, group=DISTRICTS[0], n_boot=100), run("curve2", curve, group=DISTRICTS[1], n_boot=100),
            run("curve3", curve, group=DISTRICTS[2], n_boot=100), run("curvep", curve, group="pooled", n_boot=100)]


def _names(runs) -> set[str]:
    return {run.name for run in runs}


# --------------------------------------------------------------------------- relations
def test_relations_follow_the_parameters_not_the_names():
    runs = {run.name: run for run in fake_runs()}
    related = {name: _names(navigation.related(run, runs.values())) for name, run in runs.items()}
    assert related["alpha"] == {"curve1", "zeta"}  # district <-> its curve <-> cross-district
    assert related["curve1"] == {"alpha", "zeta"}
    assert related["curvep"] == {"zeta"}  # pooled curve <-> cross-district
    assert related["zeta"] == set(runs) - {"zeta"}  # cross-district: every other report
    assert "beta" not in related["alpha"] and "curve2" not in related["alpha"] and "curvep" not in related["alpha"]
    for a, b in permutations(runs, 2):  # symmetric
        assert (b in related[a]) == (a in related[b]), (a, b)
    # the same group first, then the reports about no single group
    assert [r.name for r in navigation.related(runs["alpha"], runs.values())] == ["curve1", "zeta"]


def test_relations_leave_out_reports_the_data_do_not_support():
    runs = fake_runs()
    available = _names(runs) - {"alpha", "curve1"}
    assert _names(navigation.related(runs[3], runs, available)) == available - {"zeta"}
    assert _names(navigation.related(runs[0], runs, available)) == {"zeta"}


def _write_report_files(runs, folder: Path) -> None:
    for run in runs:
        for lang in run.languages:
            (folder / run.html(lang).name).write_text(f'<html lang="{lang}"><body id="top"></body></html>')
            (folder / run.pdf(lang).name).write_bytes(b"%PDF")
    for lang in ("en", "it"):
        (folder / navigation.index_name(lang)).write_text("<html></html>")


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_link_of_a_navigation_bar_resolves_and_its_text_is_escaped(tmp_path, lang):
    runs = fake_runs()
    _write_report_files(runs, tmp_path)
    for run in runs:
        bar = navigation.nav_markup(run, runs, lang)
        page = tmp_path / f"page-{run.name}.html"
        page.write_text(f"<html><body>{bar}</body></html>")
        parsed = parse(page)
        assert not broken_links([page])
        hrefs = parsed.links
        assert hrefs[0] == navigation.index_name(lang)
        other = "it" if lang == "en" else "en"
        assert run.html(other).name in hrefs  # the twin in the other language
        assert set(hrefs[2:]) == {r.html(lang).name for r in navigation.related(run, runs)}
        assert "<" + lang + ">" not in bar and f"&lt;{lang}&gt; &amp; co" in bar  # titles escaped
        assert navigation.twin_label(other, lang) in "".join(parsed.text)
        printed = bar.split('class="nav-print">')[1]
        assert run.pdf(other).name in printed and "href" not in printed  # print: file names, no links


def test_a_link_to_a_missing_report_is_found_broken(tmp_path):
    """The link check itself fails where it should."""
    runs = fake_runs()
    _write_report_files(runs, tmp_path)
    (tmp_path / runs[4].html("it").name).unlink()
    page = tmp_path / "p.html"
    page.write_text(f"<html><body>{navigation.nav_markup(runs[0], runs, 'it')}"
                    '<a href="alpha.html#nowhere">x</a><a href="/abs.html">y</a></body></html>')
    problems = broken_links([page])
    assert any("curve1-it.html -> no such file" in p for p in problems)
    assert any("no anchor 'nowhere'" in p for p in problems)
    assert any("not a relative link" in p for p in problems)


def test_render_puts_the_bar_on_top_of_the_report():
    page = '<html><head><title>t</title></head><body class="x"><main><h1>Report</h1></main></body></html>'
    out = render.add_navigation(page, '<nav class="report-nav">N</nav>')
    assert out.index('<nav class="report-nav">') < out.index("<h1>") and "nav.report-nav" in out.split("</head>")[0]
    assert render.add_navigation(page, "") == page


# --------------------------------------------------------------------------- provenance
def _prov():
    return {"run": "r", "notebook": "notebooks/district.ipynb", "parameters": {"district": "x", "seed": 7},
            "seed": 20070101, "git": {"commit": "abc", "dirty": True}, "wall_time_seconds": 1234.5,
            "platform": "Linux x86_64", "python": "3.11.7",
            "data": {"source_name": "s.csv", "source_sha256": "0" * 64, "synthetic": True, "rows": 12500},
            "lock_sha256": "1" * 64, "packages": {"numpy": "2.4.6"}}


def test_italian_provenance_has_no_english_label_and_decimal_commas():
    it = parse_markup(render.provenance_markup(_prov(), "it"))
    en = parse_markup(render.provenance_markup(_prov(), "en"))
    labels_it = re.findall(r"<th>(.*?)</th>", render.provenance_markup(_prov(), "it"))
    labels_en = re.findall(r"<th>(.*?)</th>", render.provenance_markup(_prov(), "en"))
    english = set(labels_en) - set(labels_it)
    assert labels_it[:5] == ["Commit git", "Notebook", "Parametri", "Seme", "Dati"]
    assert labels_it[-1] == "Tempo di esecuzione"
    left = [w for w in english if w.strip() and re.search(rf"(?<!\w){re.escape(w.strip())}(?!\w)", it)]
    assert not left, f"English left in the Italian provenance: {left}"
    assert [w for w in english if w.strip() and re.search(rf"(?<!\w){re.escape(w.strip())}(?!\w)", en)]
    assert "1.234,5 s" in it and "12.500 imprese, dati sintetici" in it and "modifiche non registrate" in it
    assert "20070101" in it  # a seed is an identifier, never grouped
    assert "1,234.5 s" in en and "12,500 firms, synthetic" in en
    assert render.provenance_markup(_prov(), "it").count('<section class="provenance">') == 1
    user = {**_prov(), "data": {**_prov()["data"], "synthetic": False}}
    assert "forniti dall'utente" in parse_markup(render.provenance_markup(user, "it"))


def parse_markup(markup: str) -> str:
    page = _Page()
    page.feed(markup)
    return " ".join(page.text)


# --------------------------------------------------------------------------- index and replication pages
HALF = 0.15  # half-width of the fake intervals


def _values_district(i: int) -> dict:
    values = {"n_firms": 30 + i, "csr_index.overall.mean": 0.4}
    for j, scale in enumerate(SCALES):
        key = f"ols.score_{scale}.csr_overall"
        est = 0.05 * (i + 1) + 0.1 * j  # small numbers: the figure's ticks carry decimals
        values.update({f"{key}.estimate": est, f"{key}.ci_low": est - HALF, f"{key}.ci_high": est + HALF,
                       f"{key}.p_value": 0.01 * (j + 1), f"holm.score_{scale}.p_adj": 0.03 * (j + 1),
                       f"ols.score_{scale}.n": 28 + i})
    return values


def _write_results(run: Run, values: dict, n_items: int = 2) -> None:
    for lang in run.languages:
        contents = [{"kind": kind, "number": k, "key": f"k{k}",
                     "caption": f"{'Tabella' if lang == 'it' else 'Table'} <{k}> & caption"}
                    for k in range(1, n_items + 1) for kind in ("table", "figure")]
        for path, doc in ((run.results(lang), {"values": values, "contents": contents}),
                          (run.provenance(lang), {"parameters": {**run.parameters, "lang": lang},
                                                  "wall_time_seconds": 12.5})):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc))
        anchors = "".join(f'<figure id="{c["kind"]}-{c["number"]}"></figure>' for c in contents)
        run.html(lang).write_text(f'<html lang="{lang}"><body>{anchors}</body></html>')
        run.pdf(lang).write_bytes(b"%PDF")
    run.executed.write_text("{}")


@pytest.fixture
def fake_build(tmp_path, monkeypatch):
    """A reports/ folder of fake runs: the three districts (the third not estimable on one score),
    the cross-district comparison, four curves (one failed, one without data)."""
    monkeypatch.chdir(tmp_path)
    Path("reports").mkdir()
    runs = fake_runs()
    for i, run in enumerate(runs[:3]):
        values = _values_district(i)
        if i == 2:
            values[f"ols.score_{SCALES[2]}.csr_overall.estimate"] = "not estimable: 3 firms"
        _write_results(run, values)
    cross = {"n_firms": 92, **{k.replace("ols.", "ols_pooled.", 1): v for k, v in _values_district(0).items()
                               if k.startswith("ols.") or k.startswith("holm.")}}
    _write_results(runs[3], cross)
    curve = {"median_estimate": 0.0874, "n_specs": 4704, "n_estimable": 4700,
             **{f"joint.{s}.median.p_value": p for s, p in zip(SCALES, (0.0, 0.0123, 0.76))}}
    _write_results(runs[4], curve)
    _write_results(runs[7], curve)
    Path("reports/failed").mkdir()
    Path("reports/failed/curve2.ipynb").write_text("{}")
    meta = {"source_name": "s<x>.csv", "rows": 12500, "source_sha256": "a" * 64, "synthetic": True,
            "rows_by_district": {DISTRICTS[0]: 10, DISTRICTS[1]: 10, DISTRICTS[2]: 0}}
    state = index.PageState(data_meta=meta, current={"alpha", "beta", "gamma", "zeta", "curve1", "curvep"},
                            no_data={"curve3": "no data: the survey has no firms of X"},
                            missing_districts=[CB.label(DISTRICTS[2], "en")])
    replication.write_replication(runs, state.current, meta)
    index.write_index(runs, state)
    return runs, state


def test_index_in_both_languages_links_only_to_what_is_there(fake_build):
    reports = Path("reports")
    pages = [reports / name for name in ("index.html", "index-it.html", "replication.html", "replication-it.html")]
    assert all(page.is_file() for page in pages)
    assert not broken_links(pages)
    en, it = parse(pages[0]), parse(pages[1])
    assert "index-it.html" in en.links and "index.html" in it.links
    assert "replication.html" in en.links and "replication-it.html" in it.links
    assert not any(link.endswith(".md") for link in en.links + it.links)  # no raw Markdown
    assert "alpha-it.html" in it.links and "alpha.html" not in it.links  # reports in the page's language
    for name in ("curve2", "curve3"):  # failed, no data: named, not linked
        assert not any(link.startswith(name) for link in en.links + it.links)
    text_en, text_it = " ".join(en.text), " ".join(it.text)
    assert "failed" in text_en and "non riuscito" in text_it
    assert "no data: the survey has no firms of X" in text_en and "nessun dato" in text_it
    assert "SYNTHETIC DATA" in text_en and "DATI SINTETICI" in text_it
    assert re.search(r"Reports built on \d{1,2} [A-Z][a-z]+ \d{4}", text_en)
    assert re.search(r"Rapporti prodotti il \d{1,2}°? [a-z]+ \d{4}", text_it)
    assert "<x>" not in pages[0].read_text()  # the data's name is escaped


def test_the_italian_index_has_no_english_label_and_no_decimal_point(fake_build):
    text = " ".join(parse(Path("reports/index-it.html")).text)
    assert not english_left(text), f"English in the Italian index: {english_left(text)}"
    assert not re.findall(DECIMAL_POINT, text), "decimal point in the Italian index"
    assert english_left(" ".join(parse(Path("reports/index.html")).text))  # the check can fail
    assert "12.500 imprese" in text and "IC 95%" in text and "Holm" in text
    english_text = " ".join(parse(Path("reports/index.html")).text)
    assert re.search(DECIMAL_POINT, english_text) and "Holm p" in english_text  # the check can fail


def test_findings_sentences_carry_estimates_and_intervals_without_causal_arrow(fake_build):
    runs, state = fake_build
    values = _values_district(0)
    for lang in ("en", "it"):
        sentence = index.findings_sentence(runs[0], values, lang, CB)
        assert "→" not in sentence and "->" not in sentence and "Holm" in sentence
        for scale in SCALES:
            est = values[f"ols.score_{scale}.csr_overall.estimate"]
            assert fmt.number(est, 2, lang, sign=True) in sentence
            assert fmt.interval(est - HALF, est + HALF, 2, lang) in sentence
        page = " ".join(parse(Path("reports", navigation.index_name(lang))).text)
        assert sentence in page  # the index shows it
    curve = index.findings_sentence(runs[4], {"median_estimate": 0.1, "n_specs": 4704, "n_estimable": 4704,
                                              f"joint.{SCALES[0]}.median.p_value": 0.0}, "it", CB)
    assert "4.704" in curve and "< 0,010" in curve  # p = 0 of n_boot = 100 draws: below 1/100
    assert index.findings_sentence(runs[0], {}, "en", CB) == ""


def test_headline_figure_has_an_interval_per_district_and_score(fake_build):
    for name, lang in (("index.html", "en"), ("index-it.html", "it")):
        page = Path("reports", name).read_text(encoding="utf-8")
        svg = page[page.index("<svg"):page.index("</svg>")]
        for i, district in enumerate(DISTRICTS):
            for j, scale in enumerate(SCALES):
                estimable = not (i == 2 and j == 2)
                assert (f'id="ci-{district}-{scale}"' in svg) == estimable, (district, scale)
                assert (f'id="est-{district}-{scale}"' in svg) == estimable
                assert (f'id="ne-{district}-{scale}"' in svg) != estimable
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg) or re.findall(r">([^<>]+)</text>", svg)
        joined = " ".join(labels)
        assert all(CB.label(scale, lang).split()[0] in joined for scale in SCALES)
        ticks = [t for t in labels if re.fullmatch(r"[−-]?\d+([.,]\d+)?", t.strip())]
        assert ticks, "no numeric tick labels found in the SVG"
        assert any(("," if lang == "it" else ".") in t for t in ticks), ticks  # decimals in the language
        assert not any(("." if lang == "it" else ",") in t for t in ticks), ticks
    rows = index.headline_rows(fake_build[0], fake_build[1], CB)
    assert len(rows) == len(DISTRICTS) * len(SCALES)
    assert all(r["ci_low"] < r["estimate"] < r["ci_high"] for r in rows if r["estimate"] is not None)


def test_replication_page_links_every_table_and_figure_and_names_the_command(fake_build):
    runs, state = fake_build
    for lang, word in (("en", "Table"), ("it", "Tabella")):
        path = Path("reports") / navigation.page_name("replication", lang)
        page = parse(path)
        for run in runs:
            if run.name not in state.current:
                continue
            report = run.html(lang).name
            for kind in ("table", "figure"):
                for k in (1, 2):
                    assert f"{report}#{kind}-{k}" in page.links
        text = " ".join(page.text)
        assert "make reports" in text and "DATA=" in text and f"{word} <1> & caption" in text
        assert lang == "en" or not english_left(text), english_left(text)
        assert navigation.index_name(lang) in page.links
    assert "| alpha |" in Path("reports/replication.md").read_text()


def test_the_index_before_the_data_are_known_lists_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runs = fake_runs()
    index.write_index(runs, index.PageState(data_meta=None, status="building"))
    for name in ("index.html", "index-it.html"):
        page = Path("reports", name).read_text()
        assert "<tbody></tbody>" in page and "<svg" not in page
    assert "È in corso una compilazione" in Path("reports/index-it.html").read_text()


# --------------------------------------------------------------------------- the default build
@pytest.mark.slow
def test_every_link_of_the_built_reports_indexes_and_replication_pages_resolves(default_build):
    reports = default_build / "reports"
    pages = sorted(reports.glob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "index-it.html", "replication.html", "replication-it.html"} <= names
    assert not broken_links(pages)
    from cooperate_analysis.runner.runs import load_runs

    runs = load_runs(default_build / "pipeline.yml")
    for run in runs:
        for lang in run.languages:
            page = parse(reports / run.html(lang).name)
            other = "it" if lang == "en" else "en"
            assert navigation.index_name(lang) in page.links and run.html(other).name in page.links
            assert {r.html(lang).name for r in navigation.related(run, runs)} <= set(page.links)
            rep = parse(reports / navigation.page_name("replication", lang))
            contents = json.loads((reports / "results" / run.results(lang).name).read_text())["contents"]
            assert contents and all(f"{run.html(lang).name}#{c['kind']}-{c['number']}" in rep.links for c in contents)
    for name in ("index-it.html", "replication-it.html"):
        text = " ".join(parse(reports / name, skip_code=True).text)
        assert not english_left(text) and not re.findall(DECIMAL_POINT, text), name
    index_it = (reports / "index-it.html").read_text(encoding="utf-8")
    for district in DISTRICTS:
        for scale in SCALES:
            assert f'id="ci-{district}-{scale}"' in index_it
    for run in runs:
        html_it = (reports / run.html("it").name).read_text(encoding="utf-8")
        section = html_it[html_it.index('<section class="provenance">'):]
        section = section[:section.index("</section>")]
        english = (set(re.findall(r"<th>(.*?)</th>", render.provenance_markup(_prov(), "en")))
                   - set(re.findall(r"<th>(.*?)</th>", render.provenance_markup(_prov(), "it"))))
        labels = re.findall(r"<th>(.*?)</th>", section)
        assert labels and not set(labels) & english, f"{run.name}: English in the Italian provenance"
