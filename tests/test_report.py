"""Report presentation: banner, escaping, numbering, each report kind's captions, bilingual notebooks."""
import ast
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cooperate_analysis.data.codebook import LANGS
from cooperate_analysis.present import district, i18n, report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# notebook -> its report kind's package under present/ (as the index maps them)
REPORT_KINDS = {"district": "district", "cross_district": "cross_district", "specification_curve": "speccurve",
                "sustainability": "sustainability", "channels": "channels", "paper": "paper"}


def test_banner_only_for_synthetic_data_and_escaped():
    meta = {"synthetic": True, "source_name": "<script>alert(1)</script>.csv"}
    markup = report.banner(meta, "en")._repr_html_()
    assert "SYNTHETIC DATA" in markup and "<script>" not in markup and "&lt;script&gt;" in markup
    assert "DATI SINTETICI" in report.banner(meta, "it")._repr_html_()
    assert report.banner({"synthetic": False}, "en")._repr_html_() == ""


def test_tables_and_figures_are_numbered_and_data_text_escaped():
    rep = report.Report("it", captions=district.CAPTIONS)
    first = rep.table(pd.DataFrame({"a": ["<b>x</b>"]}), "missingness")._repr_html_()
    second = rep.table(pd.DataFrame({"a": [1.0]}), "firm_profile")._repr_html_()
    fig = rep.figure(plt.figure(), "likert_stacked")._repr_html_()
    assert "Tabella 1." in first and "Tabella 2." in second and "Figura 1." in fig
    assert "<b>x</b>" not in first and "&lt;b&gt;x&lt;/b&gt;" in first
    assert 'src="data:image/png;base64,' in fig


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="valid: en, it"):
        report.Report("fr", captions=district.CAPTIONS)


def _sources(nb: Path, package: Path | None) -> list[str]:
    cells = ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    files = [p.read_text(encoding="utf-8") for p in sorted(package.rglob("*.py"))] if package else []
    return cells + files


def _caption_keys(nb: Path, declared: set[str] = frozenset(), package: Path | None = None) -> set[str]:
    """The caption keys a report uses: the second argument of every `.table(..., key)` / `.figure(..., key)`
    call, and every string argument equal to a declared key passed to a helper that draws the table (e.g.
    `indicator_section(rows, district, "environment", rep, "sustainability_environment")`), in the notebook
    and in its report-kind package."""
    used = set()
    for source in _sources(nb, package):
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            if (isinstance(node.func, ast.Attribute) and node.func.attr in ("table", "figure") and len(node.args) > 1
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                used.add(node.args[1].value)
            used |= {a.value for a in [*node.args, *(k.value for k in node.keywords)]
                     if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value in declared}
    return used


@pytest.mark.parametrize("nb", [nb for nb in NOTEBOOKS if nb.stem in REPORT_KINDS], ids=lambda p: p.name)
def test_each_report_declares_exactly_the_captions_its_notebook_uses_translated(nb, monkeypatch):
    """Every caption key a notebook uses is declared by its report kind (`<kind>.CAPTIONS`), every
    declared caption is used, and each has its Italian translation in the catalogs."""
    import importlib

    try:
        kind = importlib.import_module(f"cooperate_analysis.present.{REPORT_KINDS[nb.stem]}")
    except ModuleNotFoundError:
        pytest.skip(f"no report package for {nb.name} yet")
    captions = kind.CAPTIONS
    used = _caption_keys(nb, set(captions), Path(kind.__file__).parent)
    assert used == set(captions), (used - set(captions), set(captions) - used)
    monkeypatch.setenv(i18n.STRICT_VARIABLE, "1")
    for key, caption in captions.items():
        assert i18n.Messages("it")(caption), key  # strict: raises when the caption is not in the catalogs


def test_a_report_refuses_a_caption_its_kind_does_not_declare():
    rep = report.Report("en", captions={"firm_profile": "Firm profile."})
    assert rep.caption("firm_profile") == "Firm profile."
    with pytest.raises(KeyError, match="no caption 'overlap'"):
        rep.caption("overlap")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_narrative_in_every_language_and_no_outputs(nb):
    """Narrative cells come in every language, as many of each; a notebook whose whole text is generated
    from the catalogs by its package (the paper: metadata cooperate.narrative = "generated") has none."""
    notebook = json.loads(nb.read_text())
    cells = notebook["cells"]
    tags = [t for c in cells for t in c.get("metadata", {}).get("tags", [])]
    counts = {lang: tags.count(f"lang-{lang}") for lang in LANGS}
    generated = notebook.get("metadata", {}).get("cooperate", {}).get("narrative") == "generated"
    assert len(set(counts.values())) == 1 and (counts["en"] == 0 if generated else counts["en"] > 0), counts
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")
    assert tags.count("parameters") == 1
    # nbformat 4.5 cell ids, distinct (without them every run prints nbformat's MissingIDFieldWarning)
    ids = [c.get("id") for c in cells]
    assert None not in ids and len(set(ids)) == len(ids)


def test_table_html_aligns_numbers_right_text_left_and_escapes():
    df = pd.DataFrame({"item": ["<i>x</i>", "y"], "n": [3, 4], "share": [0.12345, float("nan")],
                       "label": [None, "yes"]})
    markup = report.table_html(df, digits=2)
    assert '<td class="text">&lt;i&gt;x&lt;/i&gt;</td><td class="num">3</td><td class="num">0.12</td>' in markup
    assert '<td class="num">–</td>' in markup
    # each header aligned as its column; a missing cell does not make a text column numeric
    assert ('<th class="text">item</th><th class="num">n</th><th class="num">share</th>'
            '<th class="text">label</th>') in markup


def test_table_html_prints_numbers_in_the_report_language():
    df = pd.DataFrame({"item": ["x"], "n": [12500], "share": [1234.5678], "p": ["< 0,001"], "est": ["+0,12"],
                       "flag": [True]})
    it, en = report.table_html(df, digits=2, lang="it"), report.table_html(df, digits=2, lang="en")
    assert '<td class="num">12.500</td><td class="num">1.234,57</td>' in it
    assert '<td class="num">12,500</td><td class="num">1,234.57</td>' in en
    # numbers written as text by the table builders stay right-aligned, under a right-aligned header
    assert '<td class="num">&lt; 0,001</td><td class="num">+0,12</td><td class="text">True</td>' in it
    assert '<th class="num">p</th>' in it
    combined = pd.DataFrame({"b": ["0,12 [0,01; 0,30]"], "cell": ["0,76 (< 0,001)"], "n": ["1200 (400)"],
                             "label": ["log(1 + addetti)"]})
    assert ('<td class="num">0,12 [0,01; 0,30]</td><td class="num">0,76 (&lt; 0,001)</td>'
            '<td class="num">1200 (400)</td><td class="text">log(1 + addetti)</td>') in report.table_html(combined, lang="it")
    # a column is aligned as a whole: years with and without "circa" all left, blanks do not count
    mixed = report.table_html(pd.DataFrame({"year": ["2009 circa", "2012", None], "p": ["0,010", "", "< 0,001"]}), lang="it")
    assert ('<th class="text">year</th><th class="num">p</th>' in mixed
            and '<td class="text">2012</td><td class="num"></td>' in mixed and '<td class="text">–</td>' in mixed)
    # a builder may fix the decimals of a column (a percentage: one), whatever the table's digits
    shares = pd.DataFrame({"mean": [3.14159], "missing (%)": [0.0]})
    shares.attrs["digits"] = {"missing (%)": 1}
    assert '<td class="num">3,142</td><td class="num">0,0</td>' in report.table_html(shares, digits=3, lang="it")
    table = report.Report(["en", "it"], captions=district.CAPTIONS).table(df, "firm_profile", digits=1)
    assert "1.234,6" in table.by_lang["it"] and "1,234.6" in table.by_lang["en"]


def test_equation_is_typeset_offline_as_embedded_svg():
    markup = report.equation(r"\beta < 1")._repr_html_()
    assert 'src="data:image/svg+xml;base64,' in markup and 'alt="\\beta &lt; 1"' in markup
    assert markup == report.equation(r"\beta < 1")._repr_html_()  # deterministic bytes


def test_one_report_holds_every_language_with_shared_numbering():
    rep = report.Report(["en", "it"], captions=district.CAPTIONS)
    table = rep.table(lambda lang: pd.DataFrame({"x": [{"en": "yes", "it": "sì"}[lang]]}), "missingness")
    fig = rep.figure(lambda lang: plt.figure(), "likert_stacked")
    para = rep.paragraph(lambda lang: {"en": "<b>reading</b>", "it": "lettura"}[lang])
    assert set(table.by_lang) == {"en", "it"} and "Table 1." in table.by_lang["en"] and "Tabella 1." in table.by_lang["it"]
    assert "yes" in table.by_lang["en"] and "sì" in table.by_lang["it"] and "sì" not in table.by_lang["en"]
    assert "Figure 1." in fig.by_lang["en"] and "Figura 1." in fig.by_lang["it"]
    assert "&lt;b&gt;reading" in para.by_lang["en"]  # generated text is escaped in every language
    assert [c["number"] for c in rep.contents["en"]] == [c["number"] for c in rep.contents["it"]] == [1, 1]
    assert rep.contents["it"][0]["caption"] == "Mancate risposte per blocco del questionario."
    assert plt.get_fignums() == []  # every figure closed once embedded


def test_a_localized_display_emits_one_tagged_output_per_language(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    report.Localized({"en": "<p>a</p>", "it": "<p>b</p>"})._ipython_display_()
    assert shown == [({"text/html": "<p>a</p>"}, {"raw": True, "metadata": {"tags": ["lang-en"]}}),
                     ({"text/html": "<p>b</p>"}, {"raw": True, "metadata": {"tags": ["lang-it"]}})]


def test_rendering_keeps_the_outputs_and_narrative_of_one_language(tmp_path):
    import nbformat

    from cooperate_analysis.present.render import render_html

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("shown()")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": f"<p>output-{lang}</p>"},
                                           metadata={"tags": [f"lang-{lang}"]}) for lang in LANGS]
    nb.cells = [nbformat.v4.new_markdown_cell(f"narrative-{lang}", metadata={"tags": [f"lang-{lang}"]})
                for lang in LANGS] + [cell]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    prov = {"run": "r", "notebook": "n", "parameters": {}, "seed": 1, "git": {"commit": "c", "dirty": False},
            "wall_time_seconds": 1, "platform": "p",
            "data": {"source_name": "s", "source_sha256": "0", "synthetic": False, "rows": 1},
            "lock_sha256": "0", "python": "3", "packages": {}}
    for lang in LANGS:
        render_html(tmp_path / "nb.ipynb", tmp_path / f"{lang}.html", title="t", provenance=prov, lang=lang)
        page = (tmp_path / f"{lang}.html").read_text()
        assert f"output-{lang}" in page and f"narrative-{lang}" in page and f'<html lang="{lang}">' in page
        assert not any(f"output-{o}" in page or f"narrative-{o}" in page for o in LANGS if o != lang)
    # one exporter per language is kept by the process (render._exporter): rendering again, in the other order,
    # gives the same bytes (the provenance cell's id is fixed, not drawn at random)
    for lang in reversed(LANGS):
        render_html(tmp_path / "nb.ipynb", tmp_path / f"again-{lang}.html", title="t", provenance=prov, lang=lang)
        assert (tmp_path / f"again-{lang}.html").read_bytes() == (tmp_path / f"{lang}.html").read_bytes()
