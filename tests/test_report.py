"""Report presentation: banner, escaping, numbering, caption catalogue, bilingual notebooks."""
import ast
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cooperate_analysis.data.codebook import LANGS
from cooperate_analysis.present import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_banner_only_for_synthetic_data_and_escaped():
    meta = {"synthetic": True, "source_name": "<script>alert(1)</script>.csv"}
    markup = report.banner(meta, "en")._repr_html_()
    assert "SYNTHETIC DATA" in markup and "<script>" not in markup and "&lt;script&gt;" in markup
    assert "DATI SINTETICI" in report.banner(meta, "it")._repr_html_()
    assert report.banner({"synthetic": False}, "en")._repr_html_() == ""


def test_tables_and_figures_are_numbered_and_data_text_escaped():
    rep = report.Report("it")
    first = rep.table(pd.DataFrame({"a": ["<b>x</b>"]}), "missingness")._repr_html_()
    second = rep.table(pd.DataFrame({"a": [1.0]}), "firm_profile")._repr_html_()
    fig = rep.figure(plt.figure(), "adoption_bars")._repr_html_()
    assert "Tabella 1." in first and "Tabella 2." in second and "Figura 1." in fig
    assert "<b>x</b>" not in first and "&lt;b&gt;x&lt;/b&gt;" in first
    assert 'src="data:image/png;base64,' in fig


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="valid: en, it"):
        report.Report("fr")


def test_caption_catalogue_is_complete_and_every_key_is_used():
    catalogue = report.captions()
    assert all(set(LANGS) <= set(entry) for entry in catalogue.values())
    used = set()
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("table", "figure") and getattr(node.func.value, "id", "") == "rep"):
                    used.add(node.args[1].value)
    assert used == set(catalogue), (used - set(catalogue), set(catalogue) - used)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_narrative_in_every_language_and_no_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    tags = [t for c in cells for t in c.get("metadata", {}).get("tags", [])]
    counts = {lang: tags.count(f"lang-{lang}") for lang in LANGS}
    assert len(set(counts.values())) == 1 and counts["en"] > 0, counts
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")
    assert tags.count("parameters") == 1


def test_table_html_aligns_numbers_right_text_left_and_escapes():
    df = pd.DataFrame({"item": ["<i>x</i>", "y"], "n": [3, 4], "share": [0.12345, float("nan")],
                       "label": [None, "yes"]})
    markup = report.table_html(df, digits=2)
    assert '<td class="text">&lt;i&gt;x&lt;/i&gt;</td><td class="num">3</td><td class="num">0.12</td>' in markup
    assert '<td class="num">–</td>' in markup
    # each header aligned as its column; a missing cell does not make a text column numeric
    assert ('<th class="text">item</th><th class="num">n</th><th class="num">share</th>'
            '<th class="text">label</th>') in markup


def test_equation_is_typeset_offline_as_embedded_svg():
    markup = report.equation(r"\beta < 1")._repr_html_()
    assert 'src="data:image/svg+xml;base64,' in markup and 'alt="\\beta &lt; 1"' in markup
    assert markup == report.equation(r"\beta < 1")._repr_html_()  # deterministic bytes
