"""A report slot: displayed early, filled later, rendered in place (the key findings open a report)."""
import nbformat
from nbclient import NotebookClient

from cooperate_analysis.present.render import render_html


def test_a_slot_filled_at_the_end_shows_its_content_where_it_was_displayed(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from cooperate_analysis.present import district, report\n"
                                  "rep = report.Report(['en', 'it'], captions=district.CAPTIONS)\n"
                                  "slot = rep.slot('findings')\nslot"),
        nbformat.v4.new_code_cell("rep.table(lambda lang: __import__('pandas').DataFrame({'x': [1.5]}), 'power')"),
        nbformat.v4.new_code_cell("slot.fill(rep.paragraph(lambda lang: {'en': 'Found A.', 'it': 'Trovato A.'}[lang]))"),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    first = nb.cells[0].outputs
    assert [o["metadata"]["tags"] for o in first] == [["lang-en"], ["lang-it"]]
    assert "Found A." in first[0]["data"]["text/html"] and "Trovato A." in first[1]["data"]["text/html"]
    executed = tmp_path / "run.ipynb"
    nbformat.write(nb, executed)
    prov = {"git": {"commit": "abc", "dirty": False}, "notebook": "n.ipynb", "parameters": {}, "seed": 1,
            "data": {"source_name": "s.csv", "rows": 3, "synthetic": True, "source_sha256": "0"},
            "lock_sha256": "0", "python": "3", "platform": "linux", "packages": {}, "wall_time_seconds": 1.0}
    for lang, text, other in (("en", "Found A.", "Trovato A."), ("it", "Trovato A.", "Found A.")):
        page = tmp_path / f"{lang}.html"
        render_html(executed, page, "t", prov, lang)
        html = page.read_text(encoding="utf-8")
        assert text in html and other not in html
        assert html.index(text) < html.index('id="table-1"')  # before the first table
