"""The district sustainability reports (issue 17): Wilson intervals against reference values, every
indicator row naming its source (published with a citation, survey, or absent), every published figure
shown as published_figures.csv gives it, Italian tables without a decimal point or English."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.data import derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.stats import measures

from .conftest import make_survey

CB = load_codebook()
Z = 1.959963984540054


def wilson_closed_form(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval written out (Newcombe 1998, method 3), independent of statsmodels."""
    p = k / n
    centre = (2 * n * p + z ** 2) / (2 * (n + z ** 2))
    half = z * math.sqrt(z ** 2 + 4 * n * p * (1 - p)) / (2 * (n + z ** 2))
    return centre - half, centre + half


# Newcombe (1998), Table I, method 3 (score interval without continuity correction), to 4 decimals
NEWCOMBE_1998 = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611),
                 (1, 29, 0.0061, 0.1718)]


@pytest.mark.parametrize("k,n,low,high", NEWCOMBE_1998)
def test_wilson_interval_matches_published_values(k, n, low, high):
    share, lo, hi = measures.wilson_interval(k, n)
    assert share[0] == pytest.approx(k / n)
    assert lo[0] == pytest.approx(low, abs=5e-5) and hi[0] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_matches_the_closed_formula_and_handles_edges():
    ks, ns = np.array([0, 1, 3, 14, 27, 28]), np.array([28, 28, 28, 28, 28, 28])
    share, low, high = measures.wilson_interval(ks, ns)
    for k, n, lo, hi in zip(ks, ns, low, high):
        ref = wilson_closed_form(int(k), int(n))
        assert lo == pytest.approx(max(ref[0], 0.0), abs=1e-12) and hi == pytest.approx(min(ref[1], 1.0), abs=1e-12)
    assert low[0] == 0 and high[0] > 0.1 and high[-1] == pytest.approx(1.0) and low[-1] < 0.9  # not degenerate
    _, low90, high90 = measures.wilson_interval(14, 28, level=0.90)
    assert low90[0] > low[3] and high90[0] < high[3]
    empty = measures.wilson_interval(0, 0)
    assert all(np.isnan(v[0]) for v in empty)
    with pytest.raises(ValueError):
        measures.wilson_interval(5, 3)


def test_dimension_adoption_is_missing_only_when_it_cannot_be_told():
    df = pd.DataFrame({"a": [1, 0, 0, np.nan, np.nan], "b": [np.nan, 0, 1, 0, np.nan]})
    got = measures.dimension_adoption(df, ["a", "b"])
    assert got.iloc[0] == 1 and got.iloc[1] == 0 and got.iloc[2] == 1
    assert np.isnan(got.iloc[3]) and np.isnan(got.iloc[4])


def test_adoption_profile_counts_every_group_and_intervals_cover_the_share():
    frame = derived.analysis_frame(make_survey(60, seed=4), CB)
    district = CB.district_ids[1]
    profile = measures.adoption_profile(frame, district, CB)
    assert list(dict.fromkeys(profile["group"])) == [district, CB.district_ids[0], CB.district_ids[2], "pooled"]
    firms = frame[frame["district"] == district]
    row = profile[(profile["group"] == district) & (profile["item"] == "cert_iso14001")].iloc[0]
    assert row["k"] == int((firms["cert_iso14001"] == 1).sum()) and row["n"] == int(firms["cert_iso14001"].notna().sum())
    pooled = profile[(profile["group"] == "pooled") & (profile["item"] == "workplace")].iloc[0]
    assert pooled["n"] == len(frame) and pooled["kind"] == "dimension"
    assert pooled["k"] == int((frame[CB.practices("workplace")] == 1).any(axis=1).sum())
    ok = profile["n"] > 0
    assert ((profile.loc[ok, "ci_low"] <= profile.loc[ok, "share"]) &
            (profile.loc[ok, "share"] <= profile.loc[ok, "ci_high"])).all()
    sums = profile[profile["group"] != "pooled"].groupby("item")[["k", "n"]].sum()
    pooled_counts = profile[profile["group"] == "pooled"].set_index("item")[["k", "n"]]
    assert sums.sort_index().equals(pooled_counts.sort_index())


# --- the report's tables, figure and texts on the real published data -----------------------------------
from pathlib import Path  # noqa: E402

from cooperate_analysis.data import dataset  # noqa: E402
from cooperate_analysis.present import bibliography, figures, methods, phrases, published, report  # noqa: E402
from cooperate_analysis.present import sustainability as sust  # noqa: E402
from cooperate_analysis.present import formatting as fmt  # noqa: E402
from cooperate_analysis.present.i18n import messages  # noqa: E402

from .test_tables_locale import english_words, table_text  # noqa: E402


def decimal_points(text: str) -> list[str]:
    """Numbers written with a decimal point; Italian four-digit grouping ("7.928", CLDR) is not one."""
    return [m for m in re.findall(r"\d+\.\d+", text) if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", m)]

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = dataset.load_published(ROOT / "data/raw/published_figures.csv")
RAW = pd.read_csv(ROOT / "data/raw/published_figures.csv", dtype=str, keep_default_na=False)
ELIDED = re.compile(r"\b(?:all|dall|dell|nell|sull)'", re.I)
SOURCE_PREFIX = {"en": ("Published: @", "Survey", "Absent: no source gives it"),
                 "it": ("Dato pubblicato: @", "Indagine", "Assente: nessuna fonte lo riporta")}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return derived.analysis_frame(make_survey(90, seed=7), CB)


def _indicators(frame, district):
    profile = measures.adoption_profile(frame, district, CB)
    rows = pd.concat([sust.sustainability_indicators(PUBLISHED, profile, district, s)
                      for s in sust.SUSTAINABILITY_SECTIONS], ignore_index=True)
    return profile, rows


def _number(text: str, lang: str) -> float:
    """The number a table cell starts with, read back in the separators of `lang`."""
    token = re.match(r"[-\u2212]?[\d.,]+", text).group()  # a true minus sign (U+2212) in both languages
    return fmt.parse_number(token, lang)


@pytest.mark.parametrize("district", CB.district_ids)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_indicator_row_names_its_source_or_is_marked_absent(frame, district, lang):
    _, rows = _indicators(frame, district)
    assert set(rows["kind"]) <= {"published", "survey", "absent"}
    assert {"published", "survey"} <= set(rows["kind"])
    for section in sust.SUSTAINABILITY_SECTIONS:
        part = rows[rows["section"] == section]
        table = sust.indicator_table(part, lang, synthetic=True, cb=CB)
        assert len(table) == len(part) and table.shape[1] <= 6
        published, survey, absent = SOURCE_PREFIX[lang]
        for kind, source, value in zip(part["kind"], table.iloc[:, -1], table.iloc[:, 2]):
            if kind == "published":
                assert source.startswith(published), source
                assert source.removeprefix(published[:-1]).lstrip("@") in bibliography.load()  # a work cited
            elif kind == "survey":
                assert source.startswith(survey) and value[0].isdigit(), (source, value)
            else:
                assert source == absent and value == "–"  # absent: never a value
        # an indicator looked for in published sources either has published rows or one absent row
        for indicator, look, _items in sust.SUSTAINABILITY_SECTIONS[section]:
            kinds = set(part.loc[part["indicator"] == indicator, "kind"])
            if look:
                assert ("published" in kinds) != ("absent" in kinds), (section, indicator, kinds)


@pytest.mark.parametrize("district", CB.district_ids)
def test_every_published_figure_shown_matches_published_figures_csv(frame, district):
    _, rows = _indicators(frame, district)
    shown = rows[rows["kind"] == "published"]
    assert len(shown) > 5
    for r in shown.itertuples():
        raw = RAW.iloc[int(r.row)]  # the row of the file, read as text
        assert raw["district"] in (district, "all") and raw["source_id"] == r.source_id
        assert raw["measure"] == r.item and raw["unit"] == r.unit and raw["year"] == (r.year if isinstance(r.year, str) else "")
        assert float(raw["value"]) == pytest.approx(r.value, rel=1e-12)
        assert raw["indicator"] == r.indicator or (r.indicator == "territory" and raw["measure"] in sust.TERRITORY_MEASURES)
        for lang in ("en", "it"):
            cell = sust.indicator_table(pd.DataFrame([r._asdict()]), lang, cb=CB).iloc[0]
            assert _number(cell.iloc[2], lang) == pytest.approx(float(raw["value"]), rel=1e-12), cell.iloc[2]
            assert cell.iloc[-1].endswith("@" + bibliography.source_key(raw["source_id"]))
    # every indicator row of the file about the district is shown, in file order within its indicator
    about = RAW[(RAW["indicator"] != "") & RAW["district"].isin([district, "all"])]
    assert set(about.index) == set(shown.loc[shown["indicator"] != "territory", "row"])


def test_survey_rows_are_the_profile_shares(frame):
    district = CB.district_ids[2]
    profile, rows = _indicators(frame, district)
    firms = frame[frame["district"] == district]
    survey = rows[rows["kind"] == "survey"].set_index("item")
    iso = survey.loc["cert_iso14001"]
    assert iso["k"] == int((firms["cert_iso14001"] == 1).sum()) and iso["n"] == int(firms["cert_iso14001"].notna().sum())
    share, low, high = measures.wilson_interval(iso["k"], iso["n"])
    assert iso["share"] == pytest.approx(share[0]) and iso["ci_low"] == pytest.approx(low[0])
    table = sust.indicator_table(rows[rows["item"] == "cert_iso14001"], "it", cb=CB)
    assert table.iloc[0, 2] == f"{measures_text(share[0])} [{measures_text(low[0])[:-1]}; {measures_text(high[0])[:-1]}]"


def measures_text(share: float) -> str:
    return f"{100 * share:.1f}%".replace(".", ",")


@pytest.mark.parametrize("district", CB.district_ids)
def test_italian_tables_have_no_decimal_point_and_no_english(frame, district):
    profile, rows = _indicators(frame, district)
    actors, milestones = dataset.load_actors(ROOT / "data/raw/district_actors.csv"), \
        dataset.load_milestones(ROOT / "data/raw/district_milestones.csv")
    built = {"profile": sust.profile_table(profile, "it", CB), "actors": sust.actors_table(actors, district, "it"),
             "milestones": sust.milestones_table(milestones, district, "it", CB)}
    built.update({s: sust.indicator_table(rows[rows["section"] == s], "it", cb=CB) for s in sust.SUSTAINABILITY_SECTIONS})
    for name, table in built.items():
        assert len(table), name
        text = ELIDED.sub("", " | ".join(table_text(table, "it", 1)))  # all'industria: Italian, not "all"
        assert not decimal_points(text), (name, decimal_points(text))
        assert not english_words(text), (name, english_words(text))
        assert table.shape[1] <= 6, name
    assert built["profile"].shape[1] == 6 and built["profile"].columns[-1].startswith("Tutti i distretti")


def test_every_published_measure_and_perimeter_shown_has_an_italian_name():
    rows = RAW[(RAW["indicator"] != "") & (RAW["district"] != "other")]
    untranslated = set()
    for text in [*rows["measure"], *rows["perimeter"]]:
        if text and published.published_label(text, "it") == text and english_words(text):
            untranslated.add(text)
    assert not untranslated, sorted(untranslated)
    assert sust.published_value(1272.7, "million EUR", "it") == "1.272,7 milioni di euro"
    assert sust.published_value(10857, "employees", "en") == "10,857 employees"
    assert sust.published_value(2008, "year", "it") == "2008"
    assert sust.published_value(27, "% (approx.)", "it") == "27% (circa)"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_profile_figure_is_readable_in_print_and_localized(frame, lang):
    figures.style()
    profile = measures.adoption_profile(frame, CB.district_ids[0], CB)
    fig = sust.csr_profile(profile, lang, CB)
    sizes = figures.print_sizes(fig)
    assert sizes and min(pt for _t, pt in sizes) >= figures.MIN_PRINT_PT
    assert figures.print_scale(fig) > 0.85
    texts = [t for t, _pt in sizes]
    assert not [t for t in texts if re.search(r"\d\.\d", t)] or lang == "en"
    pooled = {"en": "All districts", "it": "Tutti i distretti"}[lang]
    assert pooled in texts and CB.districts[CB.district_ids[0]]["short"][lang] in texts
    import matplotlib.pyplot as plt
    plt.close(fig)


@pytest.mark.parametrize("district", CB.district_ids)
def test_findings_cite_their_sources_and_read_as_italian(frame, district):
    profile, rows = _indicators(frame, district)
    for lang in ("en", "it"):
        sentences = sust.findings_sustainability(profile, rows, district, True, lang, CB)
        text = " ".join(sentences)
        linked = bibliography.cite_markers(phrases.findings_html(sentences, lang), lang)
        assert bibliography.cited_keys(linked)  # the published headline figures are cited, to works of the bibliography
        chosen = sust.headline_rows(rows[rows["section"] == "economic"])
        for indicator, r in chosen.items():
            assert sust.published_value(r["value"], r["unit"], lang) in text
            assert f"@{bibliography.source_key(r['source_id'])}" in text
        absent = rows.loc[rows["kind"] == "absent", "indicator"].unique()
        for indicator in absent:
            assert sust.indicator_name(indicator, lang).lower() in text.lower()
        if lang == "it":
            plain = ELIDED.sub("", re.sub(r"\[@[^\]]+\]", "", text))  # all'Associazione: Italian, not "all"
            assert not decimal_points(plain) and not english_words(plain), english_words(plain)
    assert sust.published_year_number("c.2010-2012") == 2010 and sust.published_year_number("") is None


def test_headline_figure_is_the_one_dated_closest_to_the_project():
    rows = pd.DataFrame({"section": "economic", "indicator": "firms", "kind": "published",
                         "item": ["a", "b", "c", "d"], "value": [1.0, 2.0, 3.0, 4.0],
                         "unit": ["firms", "firms (approx.)", "% of firms", "firms"],
                         "year": ["1999", "c.2009", "2007", ""], "perimeter": "", "source_id": "D1", "row": [0, 1, 2, 3]})
    assert sust.headline_rows(rows)["firms"]["item"] == "b"  # 2009 is closer than 1999; a share or no year is not


@pytest.mark.parametrize("lang", ["en", "it"])
def test_methods_section_for_the_sustainability_reports(lang):
    meta = {"synthetic": True, "synthetic_rows": 92, "rows": 92, "source_name": "survey_synthetic.csv",
            "rows_by_district": {"capannori_paper": 28, "empolese_valdelsa_clothing": 34, "santa_croce_tanning": 30}}
    markup = methods.section("sustainability", lang, meta, district="santa_croce_tanning", cb=CB)
    keys = bibliography.cited_keys(markup)
    assert "seabold2010" in keys and "vaasa_cooperate" in keys
    assert "lumley2010" not in keys and "holm1979" not in keys  # no weights and no tests in these reports
    assert "Wilson" in markup
    if lang == "it":
        text = re.sub(r"<[^>]+>", " ", markup)
        assert not re.search(r"\d\.\d", text.replace("published_figures.csv", ""))


def test_report_captions_exist_in_both_languages():
    keys = ["sustainability_territory", "sustainability_actors", "sustainability_economic", "sustainability_social",
            "sustainability_environmental", "sustainability_profile", "sustainability_profile_figure",
            "sustainability_milestones"]
    assert set(keys) == set(sust.CAPTIONS) and not set(keys) & set(report.captions())  # out of captions.yaml
    for key in keys:
        italian = messages("it")(sust.CAPTIONS[key])
        assert italian != sust.CAPTIONS[key]
        assert not english_words(italian.replace("data/raw/", "").replace(".csv", "")), key


def test_the_notebook_runs_on_a_small_survey_of_one_district_and_records_only_numbers_or_reasons(tmp_path, monkeypatch):
    """One district of 6 firms, nobody answering the EMAS question and none certified ISO 14001: the report's
    code runs, the other districts are simply absent from the benchmark, and every recorded value is a
    finite number or a reason ("not computable: ...")."""
    import json
    import sys

    from cooperate_analysis.data import synthetic

    sys.path.insert(0, str(ROOT))
    from bench.notebook_code import run_cells

    monkeypatch.chdir(ROOT)  # the notebook reads data/raw/ relative to the repository
    district = CB.district_ids[1]
    survey = synthetic.generate({district: 6}, seed=3)
    survey["cert_emas"] = np.nan
    survey["cert_iso14001"] = 0
    survey["cst_iso14001"] = survey["cst_iso14001"].mask(survey["cst_iso14001"] == 1, 3)  # status agrees: not held
    source = tmp_path / "survey.csv"
    survey.to_csv(source, index=False)
    processed = tmp_path / "survey.parquet"
    dataset.prepare_survey(source, processed)
    results = tmp_path / "results.json"
    run_cells(ROOT / "notebooks" / "sustainability.ipynb", {"district": district, "data_path": str(processed),
                                                           "results_path": str(results), "langs": ["en", "it"]})
    values = json.loads(results.read_text(encoding="utf-8"))["values"]
    assert values["n_firms"] == 6
    bad = {k: v for k, v in values.items() if v is None or (isinstance(v, float) and not math.isfinite(v))}
    assert not bad, bad
    assert values[f"profile.{district}.cert_emas.share"].startswith("not computable")
    assert values[f"profile.{district}.cert_iso14001.share"] == 0 and values[f"profile.{district}.cert_iso14001.ci_high"] > 0
    assert not any(k.startswith(f"profile.{CB.district_ids[0]}.") for k in values)  # no firms there: not in the benchmark
    assert any(k.startswith("published.economic.") for k in values)


def test_schemes_sentence_names_the_district_ems_certificates_with_their_sources():
    actors = dataset.load_actors(ROOT / "data/raw/district_actors.csv")
    milestones = dataset.load_milestones(ROOT / "data/raw/district_milestones.csv")
    for district in CB.district_ids:
        certificates = milestones[(milestones["district"] == district) & (milestones["kind"] == "certification")]
        for lang in ("en", "it"):
            text = sust.schemes_sentence(milestones, actors, district, lang)
            for _, r in certificates.iterrows():
                assert r[f"event_{lang}"] in text and f"[@{bibliography.source_key(r['source_id'])}]" in text
            if lang == "it":
                assert not english_words(ELIDED.sub("", re.sub(r"\[@[^\]]+\]", "", text)))
    empty = milestones.iloc[0:0]
    assert sust.schemes_sentence(empty, actors.iloc[0:0], CB.district_ids[0], "en").startswith("The sources we could")


def test_index_sentence_of_a_sustainability_report():
    values = {"n_firms": 28, "profile.capannori_paper.cert_iso14001.share": 0.5,
              "profile.capannori_paper.cert_iso14001.ci_low": 0.326, "profile.capannori_paper.cert_iso14001.ci_high": 0.674,
              "profile.pooled.cert_iso14001.share": 0.4, "profile.pooled.cert_iso14001.ci_low": 0.305,
              "profile.pooled.cert_iso14001.ci_high": 0.503, "published.economic.firms.row3": 133.0,
              "published.economic.employees.row4": 6000.0}
    it = sust.index_sentence_sustainability(values, "capannori_paper", "it")
    assert it == ("ISO 14001: 50,0% [32,6; 67,4] delle 28 imprese del distretto nell'indagine (insieme dei distretti "
                  "40,0% [30,5; 50,3]). 2 dati pubblicati riportati con anno, perimetro e fonte.")
    # the index reads it through the package's one entry point
    assert sust.index_sentence(values, {"district": "capannori_paper"}, "it", CB) == it
    assert "50.0% [32.6, 67.4]" in sust.index_sentence_sustainability(values, "capannori_paper", "en")
    values["profile.capannori_paper.cert_iso14001.share"] = "not computable: no firm answered"
    assert sust.index_sentence_sustainability(values, "capannori_paper", "en") == ""


# --- issue 26 wording: comparison words follow the numbers; dates and ranges; no template artefacts ---------

def _profile(shares: dict) -> pd.DataFrame:
    """A profile with the district's and the pooled shares of three dimensions (n = 30 everywhere)."""
    rows = []
    for (group, dim), share in shares.items():
        rows.append({"group": group, "item": dim, "k": round(30 * share), "n": 30, "share": share,
                     "ci_low": max(share - 0.1, 0), "ci_high": min(share + 0.1, 1)})
    return pd.DataFrame(rows)


def _percents(text: str, lang: str) -> list[float]:
    return [fmt.parse_number(m, lang) for m in re.findall(r"(\d+[.,]\d)%", text)]


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("own", [(0.741, 0.9, 0.5), (0.741, 0.95, 0.8), (0.2, 0.3, 0.1)])
def test_comparison_words_follow_the_numbers(lang, own):
    """'higher' / 'lower' ('superiore' / 'inferiore', 'supera', 'resta indietro') say what the two numbers they
    compare say: the Capannori summary once called 74.1% against 69.3% 'lower'."""
    dims = list(CB.csr_dimensions)[:3]
    pooled = (0.693, 0.7, 0.6)
    shares = {("capannori_paper", d): o for d, o in zip(dims, own)} | {("pooled", d): p for d, p in zip(dims, pooled)}
    profile = _profile(shares)
    by = profile.set_index(["group", "item"])
    sentence = sust.text._dimension_sentence(by, "capannori_paper", list(dims), lang, CB)
    higher, lower = {"en": ("higher", "lower"), "it": ("superiore", "inferiore")}[lang]
    # each clause "(own, higher than pooled)" / "(own against pooled)" read back: the word agrees with the numbers
    for clause in re.findall(r"\(([^()]*%[^()]*%[^()]*)\)", re.sub(r"\[[^\]]*\]", "", sentence)):
        a, b = _percents(clause, lang)
        if higher in clause:
            assert a > b, (clause, sentence)
        if lower in clause:
            assert a < b, (clause, sentence)
    head = sentence.split("(")[0]
    if all(o > p for o, p in zip(own, pooled)):
        assert higher in head and lower not in head, sentence
    elif all(o < p for o, p in zip(own, pooled)):
        assert lower in head and higher not in head, sentence


def test_capannori_summary_never_calls_a_larger_share_lower(frame):
    for district in CB.district_ids:
        profile, rows = _indicators(frame, district)
        for lang, (higher, lower) in {"en": ("higher", "lower"), "it": ("superiore", "inferiore")}.items():
            for sentence in sust.findings_sustainability(profile, rows, district, True, lang, CB):
                for clause in re.findall(r"\(([^()]*%[^()]*%[^()]*)\)", re.sub(r"\[[^\]]*\]", "", sentence)):
                    numbers = _percents(clause.split("[")[0] + clause.split("]")[-1], lang) \
                        if clause.count("[") >= 2 else _percents(clause, lang)
                    if len(numbers) >= 2 and higher in clause:
                        assert numbers[0] > numbers[-1], clause
                    if len(numbers) >= 2 and lower in clause:
                        assert numbers[0] < numbers[-1], clause


@pytest.mark.parametrize("start, end, en, it", [
    ("2010-01-01", "", "1 January 2010", "1° gennaio 2010"),
    ("2008-11", "2010-04", "November 2008 – April 2010", "novembre 2008 – aprile 2010"),
    ("2010", "2012", "2010–2012", "2010–2012"),
    ("2008-09-19", "2017-09-30", "19 September 2008 – 30 September 2017", "19 settembre 2008 – 30 settembre 2017"),
    ("c.2009", "", "c. 2009", "2009 circa"),
])
def test_periods_through_formatting(start, end, en, it):
    assert sust.period(start, end, "en") == en and sust.period(start, end, "it") == it


@pytest.mark.parametrize("district", CB.district_ids)
def test_no_template_artefacts_in_the_italian_tables_and_sentences(frame, district):
    profile, rows = _indicators(frame, district)
    actors, milestones = dataset.load_actors(ROOT / "data/raw/district_actors.csv"), \
        dataset.load_milestones(ROOT / "data/raw/district_milestones.csv")
    parts = [*sust.findings_sustainability(profile, rows, district, True, "it", CB),
             sust.reading_sustainability(1, True, "it", rows), sust.reading_sustainability(28, True, "it", rows),
             sust.actors_sentence(actors, district, "it"), sust.schemes_sentence(milestones, actors, district, "it"),
             sust.district_paragraph(district, "it", CB)]
    for table in (sust.milestones_table(milestones, district, "it", CB), sust.actors_table(actors, district, "it"),
                  *[sust.indicator_table(rows[rows["section"] == s], "it", cb=CB) for s in sust.SUSTAINABILITY_SECTIONS]):
        parts += [" ".join(map(str, table.columns)), " ".join(table.astype(str).to_numpy().ravel())]
    text = " ".join(parts)
    for artefact in ("(anno)", "/e)", "/a ", "impresa/e", "1 imprese", "Lo usa", "Lettura", "Provenienza",
                     "settore concia", "dice da dove viene", "1 gennaio"):
        assert artefact not in text, artefact
    assert not re.search(r"\b\d{4}-\d{4}\b", text)  # year ranges with an en dash
    assert "l'unica impresa (1)" in sust.reading_sustainability(1, True, "it")


def test_the_notebook_has_no_translated_prose_left_in_python():
    import json

    cells = json.loads((ROOT / "notebooks/sustainability.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "narrative." not in code and "tables." not in code and '"it":' not in code
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "Lettura" not in markdown and "dice da dove viene" not in markdown


def test_no_message_fixes_the_number_of_districts():
    from babel.messages.pofile import read_po

    with open(ROOT / "src/cooperate_analysis/locale/it/LC_MESSAGES/sustainability.po", "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strs):
            assert not re.search(r"\b(three|two|tre|due)\b", str(text), re.I), text
