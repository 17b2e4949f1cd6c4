"""The district sustainability reports (issues 17 and 26): Wilson intervals against reference values; the fact
sheet's headline rule (every headline follows it, checked against an independent reading of the rule); every
indicator value shown with a source, a grade, a year and a perimeter; no secondary copy where the data hold
a primary; comparison words that follow the numbers; Italian without decimal points, English or template
artefacts; the notebook on a small survey."""
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



@pytest.mark.parametrize("seed", [4, 11])
def test_adoption_profile_equals_share_rows_of_each_part(seed):
    """The profile, counted at once, equals `share_rows` of each group's dimensions (`dimension_adoption`),
    practices and certifications, row for row, with blanks in the answers and a district without firms."""
    frame = derived.analysis_frame(make_survey(50, seed=seed), CB)
    rng = np.random.default_rng(seed)
    for column in CB.practices(None) + CB.certifications(None):
        frame.loc[rng.random(len(frame)) < 0.15, column] = np.nan
    frame = frame[frame["district"] != CB.district_ids[2]].reset_index(drop=True)
    district = CB.district_ids[1]
    parts = []
    for group in [district, CB.district_ids[0], "pooled"]:
        firms = frame if group == "pooled" else frame[frame["district"] == group]
        for dim, items in CB.practices_by_dimension().items():
            parts.append(measures.share_rows(firms, {dim: measures.dimension_adoption(firms, items)})
                         .assign(group=group, kind="dimension", dimension=dim))
            parts.append(measures.share_rows(firms, {i: i for i in items})
                         .assign(group=group, kind="practice", dimension=dim))
        parts.append(measures.share_rows(firms, {c: c for c in CB.certifications(None)})
                     .assign(group=group, kind="certification", dimension=""))
    expected = pd.concat(parts, ignore_index=True)[["group", "kind", "dimension", "item", "k", "n", "share",
                                                    "ci_low", "ci_high"]]
    pd.testing.assert_frame_equal(measures.adoption_profile(frame, district, CB), expected, rtol=1e-15)

# --- the report's tables and texts on the real data ----------------------------------------------------
from pathlib import Path  # noqa: E402

from cooperate_analysis.data import dataset, report_facts  # noqa: E402
from cooperate_analysis.present import bibliography, figures, methods  # noqa: E402
from cooperate_analysis.present import sustainability as sust  # noqa: E402
from cooperate_analysis.present import formatting as fmt  # noqa: E402
from cooperate_analysis.present.i18n import messages  # noqa: E402
from cooperate_analysis.present.sustainability import indicators as ind  # noqa: E402

from .test_tables_locale import english_words, table_text  # noqa: E402


def decimal_points(text: str) -> list[str]:
    """Numbers written with a decimal point; Italian four-digit grouping ("7.928", CLDR) is not one."""
    return [m for m in re.findall(r"\d+\.\d+", text) if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", m)]


ROOT = Path(__file__).resolve().parents[1]
INDICATORS = dataset.load_indicators(ROOT / "data/raw/district_indicators.csv")
ROWS = sust.prepare(INDICATORS)
PUBLISHED = dataset.load_published(ROOT / "data/raw/published_figures.csv")
ACTORS = dataset.load_actors(ROOT / "data/raw/district_actors.csv")
MILESTONES = dataset.load_milestones(ROOT / "data/raw/district_milestones.csv")
RELATIONS = dataset.load_relations(ROOT / "data/raw/district_relations.csv")
RECOMMENDATIONS = report_facts.load_recommendations(ROOT / "data/raw/cooperate_recommendations.csv")
GRADES_OF = dataset.source_grades(ROOT / "data/raw/README.md")
ELIDED = re.compile(r"\b(?:all|dall|dell|nell|sull)'", re.I)
CITED = re.compile(r"\[@[^\]]+\]|@[A-Za-z][\w-]*")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return derived.analysis_frame(make_survey(90, seed=7), CB)


def _shown(district: str) -> pd.DataFrame:
    """Every value row the report shows: headlines, the core tables' rows and the appendix's."""
    parts = [sust.shown_rows(ROWS, district, theme) for theme in ("environment", "social_economic")]
    over = sust.passed_over(ROWS, district)
    parts.append(ROWS[ROWS["row"].isin(over["row"])] if len(over) else ROWS.iloc[0:0])
    return pd.concat(parts).drop_duplicates("row")


# --- the headline rule --------------------------------------------------------------------------------

def _beats(a, b) -> bool:
    """Independent reading of the stated rule: does candidate a beat candidate b? Dated beats undated, the
    later year beats the earlier, then the stronger grade."""
    ya, yb = ind.period_end(a["year"]), ind.period_end(b["year"])
    if (ya is None) != (yb is None):
        return ya is not None
    if ya != yb:
        return ya > yb
    return dataset.GRADES.index(a["grade"]) < dataset.GRADES.index(b["grade"])


@pytest.mark.parametrize("district", CB.district_ids)
def test_every_headline_follows_the_stated_rule(district):
    chosen = sust.headlines(ROWS, district)
    assert chosen
    mine = ROWS[ROWS["district"] == district]
    for indicator, part in mine.groupby("indicator"):
        eligible = [r for r in part.to_dict("records") if r["value"] == r["value"]
                    and ind.perimeter_kind(r["perimeter"]) == "district" and ind.whole_year(r["year"])
                    and not r["excluded"] and not r["superseded"]]
        if not eligible:
            assert indicator not in chosen
            continue
        best = chosen[indicator]
        assert best["perimeter_kind"] == "district" and ind.whole_year(best["year"]) and not best["excluded"]
        assert not any(_beats(r, best) for r in eligible if r["row"] != best["row"]), (district, indicator)


def _rows(records):
    table = pd.DataFrame([{"indicator": "employees", "theme": "social", "district": "capannori_paper", "year": "",
                           "perimeter": "district", "value": 1.0, "unit": "employees", "qualifier": "", "source_id": "D1",
                           "grade": "PR", "section": "", "note": "", "searched": ""} | r for r in records])
    return sust.prepare(table, report_facts.load_exclusions(ROOT / "data/raw/headline_exclusions.csv"))


def test_the_rule_on_constructed_cases():
    # the most recent wins over a stronger older source
    rows = _rows([{"year": "2010", "grade": "PB", "value": 1.0}, {"year": "c.2015", "grade": "PR", "value": 2.0}])
    assert sust.headline(rows)["value"] == 2.0
    # same year: the stronger source
    rows = _rows([{"year": "2015", "grade": "PR", "value": 1.0}, {"year": "2015", "grade": "DB", "value": 2.0}])
    assert sust.headline(rows)["value"] == 2.0
    # undated only when nothing is dated; a plant, part of a year or the region is never the headline
    rows = _rows([{"year": "", "grade": "OS", "value": 1.0}, {"year": "1999", "grade": "SC", "value": 2.0},
                  {"year": "2023 H1", "value": 3.0}, {"year": "2020", "perimeter": "Aquarno central plant (excess sludge)",
                                                       "value": 4.0},
                  {"year": "2021", "perimeter": "tanning industry, Italy (all districts)", "value": 5.0}])
    assert sust.headline(rows)["value"] == 2.0
    assert sust.headline(_rows([{"year": "", "grade": "DB", "value": 7.0}]))["value"] == 7.0
    assert sust.headline(_rows([{"year": "2020", "perimeter": "Aquarno central plant (excess sludge)"}])) is None
    # a value the exclusions file calls a misprint is not a headline
    assert sust.headline(_rows([{"indicator": "pulper_rejects", "theme": "environment", "unit": "t/yr", "value": 120.0,
                                 "source_id": "D49"}])) is None
    assert ind.period_end("1980s") == 1989 and ind.period_end("2016-2020") == 2020 and ind.period_end("") is None



def test_headlines_equal_the_rule_applied_to_each_indicator():
    """`headlines`, chosen in one sort, equals `headline` of each indicator's rows (the same row, every field),
    in the definitions' order, on the published rows and on rows where some indicators have only undated
    values, ties of year and grade, and no eligible value."""
    extra = _rows([{"year": "", "grade": "OS", "value": 1.0}, {"year": "", "grade": "DB", "value": 2.0},
                   {"indicator": "pulper_rejects", "theme": "environment", "unit": "t/yr", "value": 120.0,
                    "source_id": "D49"},
                   {"indicator": "sludge", "theme": "environment", "unit": "t/yr", "year": "2015", "value": 5.0},
                   {"indicator": "sludge", "theme": "environment", "unit": "t/yr", "year": "2015", "value": 6.0},
                   {"indicator": "sludge", "theme": "environment", "unit": "t/yr", "year": "", "value": 7.0}])
    for rows in (ROWS, extra):
        for district in dict.fromkeys(rows["district"]):
            mine = rows[rows["district"] == district].sort_values(["order", "row"])
            expected = {i: sust.headline(part) for i, part in mine.groupby("indicator", sort=False)}
            expected = {i: r for i, r in expected.items() if r is not None}
            got = sust.headlines(rows, district)
            assert list(got) == list(expected)
            for indicator, row in expected.items():
                pd.testing.assert_series_equal(got[indicator], row)

def test_the_rule_is_stated_in_the_report_in_both_languages():
    for lang, words in {"en": ("most recent", "most official", "district as a whole"),
                        "it": ("più recente", "più autorevole", "intero distretto")}.items():
        text = sust.rule_text(lang)
        assert all(w in text for w in words), text
        assert all(sust.grade_mark(g, lang) in sust.grade_legend(lang) for g in dataset.GRADES)


# --- sources, grades, secondary copies ----------------------------------------------------------------

@pytest.mark.parametrize("district", CB.district_ids)
def test_every_indicator_row_shown_has_a_source_with_a_grade(district):
    shown = _shown(district)
    assert len(shown) >= 3
    rank = {g: i for i, g in enumerate(dataset.GRADES)}
    for r in shown.to_dict("records"):
        assert r["source_id"] in GRADES_OF and r["grade"] in rank, r
        assert rank[r["grade"]] >= rank[GRADES_OF[r["source_id"]]]  # never stronger than the source
        assert r["source_id"] in bibliography.source_keys(), r["source_id"]
    for lang in ("en", "it"):
        marks = {sust.grade_mark(g, lang) for g in dataset.GRADES}
        for theme in ("environment", "social_economic"):
            table = sust.indicator_table(ROWS, district, theme, lang)
            assert len(table) == len(sust.shown_rows(ROWS, district, theme))
            assert all(c.startswith("@") for c in table.iloc[:, 4]) and set(table.iloc[:, 5]) <= marks
            assert all(c.strip() not in ("", fmt.MISSING) for c in table.iloc[:, 2])  # a year, or '–' only if undated
        sheet = sust.fact_sheet(ROWS, district, lang, CB)
        kinds = sust.fact_sheet_rows(ROWS, district)["kind"].tolist()
        for kind, source in zip(kinds, sheet.iloc[:, 3]):
            if kind == "headline":
                marker, _dot, mark = source.partition(" · ")
                assert marker.startswith("@") and mark in marks, source
        appendix = sust.passed_over_table(ROWS, district, lang)
        assert all(c.startswith("@") for c in appendix.iloc[:, 3]) and set(appendix.iloc[:, 4]) <= marks


@pytest.mark.parametrize("district", CB.district_ids)
def test_no_secondary_copy_where_the_data_record_a_primary(district):
    shown = _shown(district)
    for r in shown[shown["grade"] == "SC"].to_dict("records"):
        same = INDICATORS[(INDICATORS["district"] == r["district"]) & (INDICATORS["indicator"] == r["indicator"])
                          & (INDICATORS["unit"] == r["unit"]) & (INDICATORS["year"] == r["year"])
                          & (INDICATORS["value"] == r["value"]) & (INDICATORS["grade"] != "SC")]
        assert same.empty, (r, same)
    # a secondary copy beside the same figure from the press: only the press row is shown or chosen
    rows = _rows([{"year": "2015", "grade": "SC", "source_id": "D6", "value": 10857.0},
                  {"year": "2015", "grade": "PR", "source_id": "D50", "value": 10857.0}])
    assert sust.headline(rows)["source_id"] == "D50"
    assert rows.loc[rows["source_id"] == "D6", "superseded"].all()


# --- the fact sheet ------------------------------------------------------------------------------------

@pytest.mark.parametrize("district", CB.district_ids)
def test_the_fact_sheet_holds_water_energy_waste_and_employment(district):
    sheet = sust.fact_sheet_rows(ROWS, district)
    for group in sust.REQUIRED_GROUPS:
        part = sheet[sheet["group"] == group]
        assert len(part), (district, group)
        assert set(part["kind"]) <= {"headline", "absent", "wider"}
    absent = sheet[sheet["kind"] == "absent"]
    searched = sust.searched_table(ROWS, district, "it")
    for name in (ind.indicator_label(i, "it") for i in absent["indicator"]):
        cells = searched.loc[searched.iloc[:, 0] == name].iloc[:, 2]
        assert len(cells) and all(c.startswith("ricerche: «") for c in cells), (district, name)
    for lang in ("en", "it"):  # every headline carries year, perimeter and source in the table
        table = sust.fact_sheet(ROWS, district, lang, CB)
        assert len(table) == len(sheet) and table.shape[1] == 6
        heads = table[(sheet["kind"] == "headline").to_numpy()]
        years = [ind.year_text(y, lang) if ind.period_end(y) else {"en": "undated", "it": "senza data"}[lang]
                 for y in sheet.loc[sheet["kind"] == "headline", "year"]]
        assert all(v.endswith(f"({y})") for v, y in zip(heads.iloc[:, 1], years)), heads.iloc[:, 1]
        assert all(p != fmt.MISSING for p in heads.iloc[:, 2])


def test_fact_sheet_headlines_of_the_three_districts():
    """The values the rule picks on today's data (read from district_indicators.csv by hand)."""
    got = {d: {i: (r["value"], r["source_id"]) for i, r in sust.headlines(ROWS, d).items()} for d in CB.district_ids}
    assert got["santa_croce_tanning"]["employees"] == (6000.0, "D44")
    assert got["santa_croce_tanning"]["exports"] == (991.0, "D17")  # not the first half of 2023
    assert got["santa_croce_tanning"]["sludge"] == (70000.0, "D43")  # the district, not the Aquarno plant
    assert got["capannori_paper"]["employees"] == (10857.0, "D50")
    assert got["capannori_paper"]["electricity_use"] == (1.6, "D5")
    assert "pulper_rejects" not in got["capannori_paper"]  # a misprint
    assert got["empolese_valdelsa_clothing"]["exports"] == (2856.6, "D13")


def test_trend_and_comparisons_keep_to_the_same_unit_and_kind_of_perimeter():
    chosen = sust.headlines(ROWS, "capannori_paper")
    series = sust.trend(ROWS, chosen["turnover"])
    assert list(series["unit"].unique()) == ["million EUR"] and list(series["value"]) == [3850.0, 5900.0]
    assert not sust.comparisons(ROWS, "capannori_paper", "turnover", "million EUR")  # Santa Croce: billion EUR
    found = sust.comparisons(ROWS, "santa_croce_tanning", "injuries_share", None)
    assert [c.where for c in found] == ["region"]
    text = sust.fact_sheet(ROWS, "empolese_valdelsa_clothing", "it", CB)
    exports = text[text.iloc[:, 0] == "Esportazioni"].iloc[0]
    assert exports.iloc[4] == "2018: 995,8; 2019: 1.784,3; 2021: 2.545,2; 2022: 2.856,6 (perimetri diversi)"


# --- comparison words ---------------------------------------------------------------------------------

def _percents(text: str, lang: str) -> list[float]:
    return [fmt.parse_number(m, lang) for m in re.findall(r"(\d+[.,]\d)%", text)]


def _first_number(text: str, lang: str) -> float:
    return fmt.parse_number(re.search(r"[\d.,]*\d", text).group(), lang)


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("district", CB.district_ids)
def test_standing_words_follow_the_numbers(district, lang):
    higher, lower = {"en": ("higher than", "lower than"), "it": ("superiore a", "inferiore a")}[lang]
    sentences = sust.standing(ROWS, district, lang, CB)
    compared = 0
    for sentence in sentences[:-1]:
        _name, _colon, rest = sentence.partition(": ")
        own_text, _comma, clauses = rest.partition(", ")
        own = _first_number(own_text, lang)
        for clause in clauses.rstrip(".").split("; "):
            other = _first_number(clause.split(", ", 1)[1], lang)
            compared += 1
            if clause.startswith(higher):
                assert own > other, sentence
            elif clause.startswith(lower):
                assert own < other, sentence
    assert compared >= 2
    assert sentences[-1]  # the lag statement


def test_a_lag_is_said_only_of_a_comparable_rate():
    rows = _rows([{"indicator": "injuries_share", "unit": "%", "year": "2020", "value": 30.0},
                  {"indicator": "injuries_share", "unit": "%", "year": "2020", "value": 20.0,
                   "district": "santa_croce_tanning"},
                  {"indicator": "employees", "year": "2020", "value": 10.0},
                  {"indicator": "employees", "year": "2020", "value": 50.0, "district": "santa_croce_tanning"}])
    lags = sust.lags(rows, "capannori_paper")
    assert [(h["indicator"], c.where) for h, c in lags] == [("injuries_share", "santa_croce_tanning")]
    assert not sust.lags(rows, "santa_croce_tanning")
    assert not sust.lags(ROWS, "capannori_paper")  # today's data hold totals only


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("own", [(0.741, 0.9, 0.5), (0.741, 0.95, 0.8), (0.2, 0.3, 0.1)])
def test_comparison_words_follow_the_numbers(lang, own):
    """'higher' / 'lower' ('superiore' / 'inferiore') say what the two numbers they compare say: the Capannori
    summary once called 74.1% against 69.3% 'lower'."""
    dims = list(CB.csr_dimensions)[:3]
    pooled = (0.693, 0.7, 0.6)
    rows = [{"group": g, "item": d, "k": round(30 * s), "n": 30, "share": s, "ci_low": max(s - 0.1, 0),
             "ci_high": min(s + 0.1, 1)} for g, shares in (("capannori_paper", own), ("pooled", pooled))
            for d, s in zip(dims, shares)]
    by = pd.DataFrame(rows).set_index(["group", "item"])
    sentence = sust.text._dimension_sentence(by, "capannori_paper", list(dims), lang, CB)
    higher, lower = {"en": ("higher", "lower"), "it": ("superiore", "inferiore")}[lang]
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


def test_survey_findings_never_call_a_larger_share_lower(frame):
    for district in CB.district_ids:
        profile = measures.adoption_profile(frame, district, CB)
        for lang, (higher, lower) in {"en": ("higher", "lower"), "it": ("superiore", "inferiore")}.items():
            for sentence in sust.survey_findings(profile, district, True, lang, CB):
                for clause in re.findall(r"\(([^()]*%[^()]*%[^()]*)\)", re.sub(r"\[[^\]]*\]", "", sentence)):
                    numbers = _percents(re.sub(r"\[[^\]]*\]", "", clause), lang)
                    if len(numbers) >= 2 and higher in clause:
                        assert numbers[0] > numbers[-1], clause
                    if len(numbers) >= 2 and lower in clause:
                        assert numbers[0] < numbers[-1], clause


# --- what the district can do -----------------------------------------------------------------------------

def test_planned_certifications_and_barriers_come_from_the_survey(frame):
    district = CB.district_ids[0]
    firms = frame[frame["district"] == district]
    text = sust.planned(firms, True, "en", CB)
    best = max(CB.certifications(None), key=lambda c: measures.certification_status(firms, c).iloc[1]["share"])
    status = measures.certification_status(firms, best).set_index("status").loc["planned"]
    assert text.startswith("Certifications the district's firms plan (survey): " + CB.label(best, "en"))
    assert re.search(rf"{int(status['k'])} firms? of {int(status['n'])}", text) and text.endswith("(synthetic data)")
    barriers = sust.barriers(firms, False, "it", CB)
    assert barriers.startswith("Ostacoli") and "dati sintetici" not in barriers
    assert sust.planned(firms.iloc[0:0], True, "en", CB) is None


@pytest.mark.parametrize("lang", ["en", "it"])
def test_recommendations_come_from_their_sources(lang):
    items = sust.recommended(RECOMMENDATIONS, lang)
    assert len(items) == len(RECOMMENDATIONS)
    for item, source in zip(items, RECOMMENDATIONS["source_id"]):
        assert item.endswith(f"[@{bibliography.source_key(source)}].")
    assert set(RECOMMENDATIONS["source_id"]) <= dataset.documented_sources(ROOT / "data/raw/README.md")


def test_the_section_what_the_district_can_do(frame):
    district = CB.district_ids[2]
    firms = frame[frame["district"] == district]
    markup = sust.actions_html(ROWS, firms, RECOMMENDATIONS, district, True, "it", CB)
    assert markup.count("<ul>") == 3 and "Dove si colloca il distretto" in markup
    assert "nessuno indica un ritardo" in markup and "(dati sintetici)" in markup


# --- actors, relations, milestones ----------------------------------------------------------------------

@pytest.mark.parametrize("district", CB.district_ids)
def test_actor_map_drops_columns_unknown_for_every_row(district):
    for lang in ("en", "it"):
        actors = sust.actors_table(ACTORS, district, lang)
        relations = sust.relations_table(RELATIONS, district, lang)
        for table in (actors, relations):
            for column in table.columns:
                assert not all(str(v).strip() in ("", "–") for v in table[column]), (district, column)
        mine = ACTORS[ACTORS["district"].isin([district, "all"])]
        assert (len(actors.columns) == 5) == (mine["working_group"].isin(["yes", "no"]).any())
        assert len(relations) == len(RELATIONS[RELATIONS["district"].isin([district, "all"])])
    italian = sust.relations_table(RELATIONS, "santa_croce_tanning", "it")
    assert "gestisce" in set(italian.iloc[:, 1]) and "depuratore centralizzato Aquarno (Santa Croce sull'Arno)" in \
        set(italian.iloc[:, 2])


def test_every_perimeter_and_target_has_both_names():
    report_facts.check(INDICATORS, RELATIONS)
    labels = report_facts.load_labels(ROOT / "data/raw/district_labels.csv")
    assert (labels["label_it"].str.strip() != "").all()


@pytest.mark.parametrize("start, end, en, it", [
    ("2010-01-01", "", "1 January 2010", "1° gennaio 2010"),
    ("2008-11", "2010-04", "November 2008 – April 2010", "novembre 2008 – aprile 2010"),
    ("2010", "2012", "2010–2012", "2010–2012"),
    ("2008-09-19", "2017-09-30", "19 September 2008 – 30 September 2017", "19 settembre 2008 – 30 settembre 2017"),
    ("c.2009", "", "c. 2009", "2009 circa"),
])
def test_periods_through_formatting(start, end, en, it):
    assert sust.period(start, end, "en") == en and sust.period(start, end, "it") == it


def test_milestone_texts_have_no_hyphen_ranges():
    for text in [*MILESTONES["event_en"], *MILESTONES["event_it"]]:
        assert " - " not in text and not re.search(r"\b\d{4}-\d{4}\b", text), text
        assert "posseduto" not in text


# --- Italian --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("district", CB.district_ids)
def test_italian_tables_have_no_decimal_point_and_no_english(frame, district):
    profile = measures.adoption_profile(frame, district, CB)
    built = {"profile": sust.profile_table(profile, "it", CB), "actors": sust.actors_table(ACTORS, district, "it"),
             "relations": sust.relations_table(RELATIONS, district, "it"),
             "milestones": sust.milestones_table(MILESTONES, district, "it", CB),
             "sheet": sust.fact_sheet(ROWS, district, "it", CB), "passed": sust.passed_over_table(ROWS, district, "it"),
             "environment": sust.indicator_table(ROWS, district, "environment", "it"),
             "social": sust.indicator_table(ROWS, district, "social_economic", "it"),
             "searched": sust.searched_table(ROWS, district, "it")}
    for name, table in built.items():
        if not len(table):
            continue
        text = " | ".join(table_text(table, "it", 1))
        text = ELIDED.sub("", re.sub(r"«[^»]*»|@[\w-]+", "", text))  # the queries are quoted as typed
        assert not decimal_points(text), (name, decimal_points(text))
        assert not english_words(text), (name, english_words(text))
    assert built["profile"].columns[-1].startswith("Tutti i distretti")


@pytest.mark.parametrize("district", CB.district_ids)
def test_no_template_artefacts_in_the_italian_report(frame, district):
    profile = measures.adoption_profile(frame, district, CB)
    firms = frame[frame["district"] == district]
    parts = [*sust.survey_findings(profile, district, True, "it", CB),
             sust.reading_sustainability(1, True, "it"), sust.reading_sustainability(28, True, "it"),
             sust.actors_sentence(ACTORS, district, "it"), sust.schemes_sentence(MILESTONES, ACTORS, district, "it"),
             sust.district_paragraph(ROWS, PUBLISHED, MILESTONES, district, "it", CB),
             sust.actions_html(ROWS, firms, RECOMMENDATIONS, district, True, "it", CB)]
    for table in (sust.milestones_table(MILESTONES, district, "it", CB), sust.actors_table(ACTORS, district, "it"),
                  sust.fact_sheet(ROWS, district, "it", CB), sust.relations_table(RELATIONS, district, "it")):
        parts += [" ".join(map(str, table.columns)), " ".join(table.astype(str).to_numpy().ravel())]
    text = " ".join(parts)
    assert not re.search(r"(?<![\d.,])1 imprese", text)
    for artefact in ("(anno)", "/e)", "/a ", "impresa/e", "Lo usa", "Lettura", "Provenienza",
                     "settore concia", "dice da dove viene", "1 gennaio", "posseduto", "(–)", "addetti addetti"):
        assert artefact not in text, artefact
    assert not re.search(r"\b\d{4}-\d{4}\b", text)  # year ranges with an en dash
    assert "l'unica impresa (1)" in sust.reading_sustainability(1, True, "it")
    plain = ELIDED.sub("", CITED.sub("", " ".join(parts[:6])))
    assert not decimal_points(plain) and not english_words(plain), english_words(plain)


def test_district_paragraph_names_the_ranking_and_the_current_emas_status():
    for district, rank in (("capannori_paper", "2° posto su 100"), ("santa_croce_tanning", "3° posto su 100")):
        text = sust.district_paragraph(ROWS, PUBLISHED, MILESTONES, district, "it", CB)
        assert rank in text and "18 novembre 2025" in text and "[@gonews2025_emas]." in text
    text = sust.district_paragraph(ROWS, PUBLISHED, MILESTONES, "santa_croce_tanning", "it", CB)
    assert "EMAS di distretto in vigore dal 2010" in text and "6.000 addetti (2019) [@allacarica2019_cuoio]" in text


# --- figure, methods, captions, notebook, index ----------------------------------------------------------

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


@pytest.mark.parametrize("lang", ["en", "it"])
def test_methods_section_for_the_sustainability_reports(lang):
    meta = {"synthetic": True, "synthetic_rows": 92, "rows": 92, "source_name": "survey_synthetic.csv",
            "rows_by_district": {"capannori_paper": 28, "empolese_valdelsa_clothing": 34, "santa_croce_tanning": 30}}
    markup = methods.section("sustainability", lang, meta, district="santa_croce_tanning", cb=CB)
    keys = bibliography.cited_keys(markup)
    assert "seabold2010" in keys and "vaasa_cooperate" in keys
    assert "lumley2010" not in keys and "holm1979" not in keys  # no weights and no tests in these reports
    assert "Wilson" in markup


def test_report_captions_exist_in_both_languages():
    import json

    cells = json.loads((ROOT / "notebooks/sustainability.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    used = set(re.findall(r'"(sustainability_[a-z_]+)"\)', code))
    assert "sustainability_environment" in used and "sustainability_social_economic" in used
    assert used == set(sust.CAPTIONS)
    for key in sust.CAPTIONS:
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
    headlines = {k.removeprefix("headline."): v for k, v in values.items() if k.startswith("headline.")}
    assert headlines == {i: r["value"] for i, r in sust.headlines(ROWS, district).items()}


def test_index_sentence_of_a_sustainability_report():
    values = {"n_firms": 28, "profile.capannori_paper.cert_iso14001.share": 0.5,
              "profile.capannori_paper.cert_iso14001.n": 26,  # the share's base: the firms that answered, not n_firms
              "profile.capannori_paper.cert_iso14001.ci_low": 0.326, "profile.capannori_paper.cert_iso14001.ci_high": 0.674,
              "profile.pooled.cert_iso14001.share": 0.4, "profile.pooled.cert_iso14001.ci_low": 0.305,
              "profile.pooled.cert_iso14001.ci_high": 0.503, "headline.firms": 332.0, "headline.employees": 10857.0,
              "indicator.firms.row51": 133.0}
    it = sust.index_sentence_sustainability(values, "capannori_paper", "it")
    assert it == ("ISO 14001: 50,0% [32,6; 67,4] delle 26 imprese del distretto che hanno risposto (insieme dei "
                  "distretti 40,0% [30,5; 50,3]). 2 indicatori pubblicati con valore di riferimento, anno, perimetro e "
                  "fonte.")
    assert sust.index_sentence(values, {"district": "capannori_paper"}, "it", CB) == it
    assert "50.0% [32.6, 67.4]" in sust.index_sentence_sustainability(values, "capannori_paper", "en")
    values["profile.capannori_paper.cert_iso14001.share"] = "not computable: no firm answered"
    assert sust.index_sentence_sustainability(values, "capannori_paper", "en") == ""


def test_the_notebook_has_no_translated_prose_left_in_python():
    import json

    cells = json.loads((ROOT / "notebooks/sustainability.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "narrative." not in code and "tables." not in code and '"it":' not in code
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "Lettura" not in markdown and "dice da dove viene" not in markdown
    first = [c for c in cells if c["cell_type"] == "code"][2:5]  # the fact sheet comes first
    assert "fact_sheet" in "".join("".join(c["source"]) for c in first)


def test_no_message_fixes_the_number_of_districts():
    from babel.messages.pofile import read_po

    with open(ROOT / "src/cooperate_analysis/locale/it/LC_MESSAGES/sustainability.po", "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strs):
            assert not re.search(r"\b(three|two|tre|due)\b", str(text), re.I), text
