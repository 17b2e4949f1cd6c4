"""The "Data and methods" section: built from the metadata, the codebook and the population frame;
every citation linked to a work of the bibliography; an Italian text without decimal points, English
words or "CSR"."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.population import population_frame
from cooperate_analysis.present import bibliography as bib
from cooperate_analysis.present import methods
from cooperate_analysis.present.i18n import messages

CB = load_codebook()
META = {"synthetic": True, "synthetic_rows": 92, "rows": 92, "source_name": "survey_synthetic.csv",
        "rows_by_district": {"capannori_paper": 28, "empolese_valdelsa_clothing": 34, "santa_croce_tanning": 30}}
CASES = [("district", "capannori_paper"), ("district", "santa_croce_tanning"), ("cross-district", None),
         ("speccurve", None), ("speccurve", "empolese_valdelsa_clothing")]
# words an English sentence cannot do without and an Italian one never uses (acronyms such as OLS, HC3,
# KR-20 and software names are the same in both languages; titles of works are in the references, not here)
ENGLISH = {"the", "and", "of", "with", "for", "from", "by", "is", "are", "was", "were", "not", "which", "each",
           "firms", "firm", "sample", "weights", "survey", "surveyed", "data", "score", "scores", "index",
           "items", "district", "districts", "project", "questionnaire", "practices", "population", "weighted",
           "imputation", "multiple", "robustness", "power", "errors", "error", "estimates", "focus", "group",
           "stakeholder", "stakeholders", "partner", "among", "programme", "export", "odds", "propensity",
           "matching", "predictive", "mean", "means", "degrees", "freedom", "interval", "intervals", "assumed",
           "published", "synthetic", "report", "trainees", "home-workers", "awareness", "training", "yes"}


def _text(markup: str) -> str:
    """The visible text of a section, entities decoded."""
    import html as _html

    return _html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"</(p|h2)>", " ", markup)))


def _section(kind, district, lang, **kw):
    return methods.section(kind, lang, META, district=district, cb=CB, **kw)


@pytest.mark.parametrize("kind,district", CASES)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_section_links_every_citation_to_a_listed_work(kind, district, lang):
    markup = _section(kind, district, lang, n_specs=4704 if kind == "speccurve" else None)
    assert markup.startswith('<section class="data-methods"><h2 id="data-and-methods">')
    assert messages(lang)(methods.TITLE) in markup
    text = _text(markup)
    # no marker or slot left (an interval such as the trimming band "[0.1, 0.9]" is text, not a marker)
    assert "@" not in text and "{" not in text and "}" not in text
    assert not re.search(r"\[(?![\d.,;\s−-]+\])", text), text
    keys = bib.cited_keys(markup)  # raises on a key the bibliography lacks
    assert {"vaasa_cooperate", "battaglia2014", "eu2003", "lumley2010"} <= set(keys)
    references = bib.references_for(markup, lang)
    assert sorted(re.findall(r'id="ref-([^"]+)"', references)) == sorted(keys)  # exactly the cited works


@pytest.mark.parametrize("kind,district", CASES)
def test_estimators_cited_match_the_kind_of_report(kind, district):
    keys = set(bib.cited_keys(_section(kind, district, "en")))
    if kind == "speccurve":
        assert {"simonsohn2020", "mckelvey1975", "steegen2016"} <= keys
        assert "holm1979" not in keys and "brant1990" not in keys
    else:
        assert {"holm1979", "long2000", "mackinnon1985", "brant1990", "barnard1999", "rubin1987",
                "vanbuuren2018", "cohen1988"} <= keys
        assert "simonsohn2020" not in keys
    if kind == "cross-district":
        assert {"hu1999", "fornell1981", "podsakoff2003", "abadie2023", "rosenbaum1983", "robins1994",
                "austin2009"} <= keys
    if kind == "district":
        assert {"cronbach1951", "kuder1937", "feldt1987", "mann1947", "benjamini1995"} <= keys
        assert "hu1999" not in keys and "austin2009" not in keys
    without_balance = set(bib.cited_keys(methods.section("cross-district", "en", META, cb=CB, balance=False)))
    assert "austin2009" not in without_balance


@pytest.mark.parametrize("kind,district", CASES)
def test_italian_section_is_italian(kind, district):
    text = _text(_section(kind, district, "it", n_specs=4704 if kind == "speccurve" else None))
    assert not re.search(r"\d\.(\d{1,2}|\d{4,})\b", text), "decimal point in an Italian number"
    assert not re.search(r"\d,\d{3}\b", text), "English thousands separator"
    assert "CSR" not in text and "RSI" in text
    words = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ'-]+", text)}
    assert not words & ENGLISH, sorted(words & ENGLISH)
    assert "Dati e metodi" in text and "s.d." in text and " e " in text


@pytest.mark.parametrize("lang", ["en", "it"])
def test_numbers_use_the_language_separators(lang):
    text = _text(_section("speccurve", None, lang, n_specs=12345))
    assert ("12,345 specifications" if lang == "en" else "12.345 specificazioni") in text
    frame = _text(_section("cross-district", None, lang))
    assert ("2,500 firms" if lang == "en" else "2.500 imprese") in frame  # CLDR groups Italian four-digit numbers


def test_sample_paragraph_follows_the_metadata():
    synthetic = _text(_section("district", "capannori_paper", "en"))
    assert "is synthetic: 92 firms" in synthetic and "Capannori paper district, 28" in synthetic
    assert "analyses the 28 firms of the Capannori paper district" in synthetic
    mixed = _text(methods.section("cross-district", "en", META | {"synthetic_rows": 40}, cb=CB))
    assert "Only 40 of its 92 firms carry the generator's identifiers" in mixed
    user = META | {"synthetic": False, "synthetic_rows": 0, "source_name": "<b>my&survey</b>.sav", "rows": 50,
                   "rows_by_district": {"capannori_paper": 20, "santa_croce_tanning": 30}}
    markup = methods.section("cross-district", "it", user, cb=CB)
    assert "&lt;b&gt;my&amp;survey&lt;/b&gt;.sav" in markup and "<b>my" not in markup
    text = _text(markup)
    assert "fornita dall'utente" in text and "50 imprese" in text and "sintetica" not in text
    assert "Empolese" not in text.split("Campione.")[1].split("Popolazione")[0]  # a district without firms


def test_population_paragraph_is_read_from_the_frame():
    frame = population_frame()
    text = _text(methods.section("cross-district", "en", META, cb=CB, frame=frame))
    for district, total in frame.groupby("district")["N"].sum().items():
        assert f"{int(total):,} firms" in text
    markup = methods.section("district", "en", META, district="santa_croce_tanning", cb=CB, frame=frame)
    assert "935 firms, published" in _text(markup) and 'href="#ref-leathernet2007"' in markup
    assert "ecodistretti2009" not in markup  # only the report's district
    edited = frame.copy()
    edited.loc[edited["district"] == "capannori_paper", "N"] = [100, 50, 50, 7]
    edited["source"] = "N_d: counted [published: D2]"
    text = _text(methods.section("district", "en", META, district="capannori_paper", cb=CB, frame=edited))
    assert "207 firms, published (Tissue Agorà, 2015)" in text
    assert "250 or more employees" not in text and "assumption of the synthetic generator" not in text
    assumed = frame.copy()
    text = _text(methods.section("district", "it", META, district="empolese_valdelsa_clothing", cb=CB, frame=assumed))
    assert "2.500 imprese, valore ipotizzato a partire da Il Sole 24 Ore (2012a)" in text


def test_questionnaire_paragraph_counts_the_codebook():
    text = _text(_section("district", "capannori_paper", "en"))
    assert f"{len(CB.practices())} yes/no practices in {len(CB.csr_dimensions)} dimensions" in text
    assert f"{len(CB.outcome_items())} items" in text and CB.likert_labels[5]["en"] in text
    for dim in CB.csr_dimensions:
        assert CB.label(dim, "en") in text
    it = _text(_section("district", "capannori_paper", "it"))
    for scale in CB.outcome_scales:
        assert CB.label(scale, "it") in it


def test_an_unknown_kind_or_language_is_an_error():
    with pytest.raises(ValueError, match="kind"):
        methods.section("index", "en", META, cb=CB)
    with pytest.raises(ValueError, match="language"):
        methods.section("district", "fr", META, district="capannori_paper", cb=CB)
