"""The published figures as every report shows them (present/published.py): measures and perimeters
named in each language from data/raw/published_measures.csv (data, not code), units, qualifiers, years
and sources."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.data import dataset
from cooperate_analysis.present import bibliography, published, report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_every_measure_and_perimeter_of_published_figures_has_both_labels():
    figures = dataset.load_published(ROOT / "data/raw/published_figures.csv")
    labels = dataset.load_published_labels(ROOT / "data/raw/published_measures.csv")
    for field in ("measure", "perimeter"):
        named = labels[labels["field"] == field]
        complete = set(named.loc[(named["label_en"].str.strip() != "") & (named["label_it"].str.strip() != ""), "text"])
        used = {x for x in figures[field] if isinstance(x, str) and x.strip()}
        assert used <= complete, f"{field}s of published_figures.csv without an English and an Italian name in " \
                                 f"data/raw/published_measures.csv: {sorted(used - complete)}"
    assert not labels.duplicated(["field", "text"]).any(), labels[labels.duplicated(["field", "text"])]


def test_an_unknown_measure_shows_its_english_text():
    assert published.published_label("Tonnes of sludge recovered (new row)", "it") == "Tonnes of sludge recovered (new row)"
    assert published.published_label("Number of firms", "it", "measure") == "Numero di imprese"
    assert published.published_label("", "it") == "–"


def test_the_names_are_read_from_the_data_file(tmp_path, monkeypatch):
    (tmp_path / "data/raw").mkdir(parents=True)
    (tmp_path / "data/raw/published_measures.csv").write_text(
        "field,text,label_en,label_it\nmeasure,Number of firms,Number of firms,Imprese (dal file)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    published._labels.cache_clear()
    try:
        assert published.published_label("Number of firms", "it") == "Imprese (dal file)"
    finally:
        published._labels.cache_clear()


def test_a_broken_labels_file_is_refused(tmp_path):
    path = tmp_path / "published_measures.csv"
    path.write_text("field,text,label_it\nmeasure,A,B\n", encoding="utf-8")
    with pytest.raises(dataset.FactsError, match="columns must be"):
        dataset.load_published_labels(path)
    path.write_text("field,text,label_en,label_it\nunit,A,A,B\n", encoding="utf-8")
    with pytest.raises(dataset.FactsError, match="rows 1"):
        dataset.load_published_labels(path)


def test_units_years_and_sources():
    assert published.published_unit("employees (more than)", "it") == "addetti (più di)"
    assert published.published_unit("million EUR (more than)", "it") == "milioni di euro (più di)"
    assert published.published_year("past (c.1990s)", "it") == "in passato (anni '90 circa)"
    assert published.published_year("c.2010-2012", "it") == "2010–2012 circa"
    assert published.published_year("c.2010-2012", "en") == "c. 2010–2012"
    assert published.published_year("2009 (inferred)", "it") == "2009 (dedotto)"
    assert published.published_source("X99", "en") == "X99"  # a source without a bibliography entry keeps its id


def test_published_figures_table_in_italian_with_linked_sources():
    figures = dataset.load_published(ROOT / "data/raw/published_figures.csv")
    shown = figures[figures["measure"].str.contains(published.PUBLISHED_MEASURES)]
    assert set(shown["measure"]) <= set(published.published_it())
    table = published.published_figures(figures, "capannori_paper", "it", sources="citation")
    assert table["Fonte"].iloc[0] == "Ecodistretti (2009)"  # D1, cited by author and year
    marked = published.published_figures(figures, "capannori_paper", "it")  # markers by default ...
    assert marked["Fonte"].iloc[0] == "@ecodistretti2009"
    page = bibliography.add_references(f"<body>{report.table_html(marked, 0, lang='it')}</body>", "it")
    assert '<a class="citation" href="#ref-ecodistretti2009">Ecodistretti (2009)</a></td>' in page  # ... linked
    assert 'id="ref-ecodistretti2009"' in page and "@" not in re.sub(r"<[^>]+>", "", page.split("<section")[0])
    assert published.published_figures(figures, "capannori_paper", "en", sources="id")["Source"].iloc[0] == "D1"
    english = published.published_figures(figures, "capannori_paper", "en")
    assert not english["Measure"].str.contains("Numero|Addetti").any()
    assert isinstance(english, pd.DataFrame) and list(english.columns) == ["Measure", "Value", "Unit", "Year",
                                                                            "Perimeter", "Source"]
