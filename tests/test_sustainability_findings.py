"""The key findings of the district sustainability reports: every number they quote is the number the report's
tables print (the fact sheet, the environment and work-firms-markets tables, the CSR profile), for each district
and both languages; the counts of headline, absent and region-or-Italy-only indicators are those of the fact
sheet; an indicator without a published value is counted, never quoted with a number; the survey's share is
labelled synthetic, before its number, when the survey is; the Italian findings have no decimal point and no
English word; the notebook shows them after the banner, before the fact sheet, and fills them at its end."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cooperate_analysis.data import dataset, derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import phrases
from cooperate_analysis.present import sustainability as sust
from cooperate_analysis.present.i18n import messages
from cooperate_analysis.present.sustainability import indicators as ind
from cooperate_analysis.stats import measures

from .conftest import make_survey
from .test_publishable import decimal_points, english_words, visible_text
from .test_sustainability import ELIDED, INDICATORS, ROOT, ROWS
from .test_tables_locale import english_words as english_table_words

CB = load_codebook()
LANGS = ["en", "it"]
SYNTHETIC, REAL = {"synthetic": True}, {"synthetic": False}
NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")  # "2,856.6", "2.856,6", "2012"; not the 2 of "CO2" or "m3"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return derived.analysis_frame(make_survey(90, seed=7), CB)


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def grade_names(lang: str) -> dict[str, str]:
    """{grade mark as the fact sheet prints it: grade name as the findings word it} in `lang`."""
    _ = messages(lang)
    return {ind.grade_mark(g, lang): _(ind.GRADE_NAMES[g]) for g in ind.GRADES}


def sheet_cells(district: str, lang: str, rows=ROWS) -> list[dict]:
    """The fact sheet's rows as printed: indicator, value-and-year cell, source-and-grade cell."""
    table = sust.fact_sheet(rows, district, lang, CB)
    return [dict(zip(("indicator", "value", "perimeter", "source"), r[:4])) for r in table.itertuples(index=False)]


def unvalued(cell: dict, lang: str) -> bool:
    _ = messages(lang)
    return cell["value"] in (_("absent"), _("none for the district"))


# --- every number is the tables' number ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_headline_bullets_quote_the_fact_sheet(frame, district, lang):
    profile = measures.adoption_profile(frame, district, CB)
    found = sust.findings_sustainability(ROWS, profile, district, SYNTHETIC, lang, CB)
    assert 3 <= len(found) <= 5
    text = " ".join(found)
    marks = grade_names(lang)
    cells = sheet_cells(district, lang)
    valued = [c for c in cells if not unvalued(c, lang)]
    assert valued, district
    for c in valued:
        grade = marks[c["source"].rsplit(" · ", 1)[-1]]
        # the fact sheet prints "10,857 employees (c. 2024)"; the findings "10,857 employees (c. 2024, press)"
        assert c["value"].endswith(")") and f"{c['value'][:-1]}, {grade})" in text, (c, text)
    # no other number in the headline bullets than the fact sheet's values and years
    assert sorted(numbers(" ".join(found[:2]))) == sorted(n for c in valued for n in numbers(c["value"]))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_headline_bullets_quote_the_starred_values_of_the_indicator_tables(frame, district, lang):
    profile = measures.adoption_profile(frame, district, CB)
    found = sust.findings_sustainability(ROWS, profile, district, REAL, lang, CB)
    for theme, bullet in (("environment", found[0]), ("social_economic", found[1])):
        table = sust.indicator_table(ROWS, district, theme, lang)
        starred = [r for r in table.itertuples(index=False) if str(r[1]).endswith(" *")]
        for r in starred:
            assert f"{r[1][:-2]} ({r[2]}, " in bullet, (r, bullet)  # value, then year as the table prints them
        assert len(re.findall(r"\(([^()]*), [^(),]+\)(?:;|\.$)", bullet)) == len(starred), bullet


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_the_counts_are_those_of_the_fact_sheet(frame, district, lang):
    _ = messages(lang)
    profile = measures.adoption_profile(frame, district, CB)
    found = sust.findings_sustainability(ROWS, profile, district, REAL, lang, CB)
    cells = sheet_cells(district, lang)
    absent = sum(c["value"] == _("absent") for c in cells)
    wider = sum(c["value"] == _("none for the district") for c in cells)
    headline = len(cells) - absent - wider
    expected = [headline, len(cells)] + ([absent] if absent else []) + ([wider] if wider else [])
    assert sorted(numbers(found[2])) == sorted(fmt.integer(n, lang) for n in expected), found[2]
    assert sust.coverage(sust.fact_sheet_rows(ROWS, district).to_dict("records")) == \
        {"indicators": len(cells), "headline": headline, "absent": absent, "wider": wider}
    # the district paragraph under the heading says the same counts
    paragraph = sust.district_paragraph(ROWS, dataset.load_published(ROOT / "data/raw/published_figures.csv"),
                                        dataset.load_milestones(ROOT / "data/raw/district_milestones.csv"),
                                        district, lang, CB)
    assert _.ngettext("{n} indicator was searched for and not found.",
                      "{n} indicators were searched for and not found.", absent) in paragraph


@pytest.mark.parametrize("meta", [SYNTHETIC, REAL], ids=["synthetic", "real"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_the_survey_bullet_quotes_the_profile_table(frame, district, lang, meta):
    _ = messages(lang)
    profile = measures.adoption_profile(frame, district, CB)
    bullet = sust.findings_sustainability(ROWS, profile, district, meta, lang, CB)[-1]
    table = sust.profile_table(profile, lang, CB)
    row = table[table.iloc[:, 1] == CB.label("cert_iso14001", lang)].iloc[0]
    shares = [str(row[c]) for c in table.columns[2:]]
    assert len(shares) == len(CB.district_ids) + 1
    for share in shares:
        assert share in bullet, (share, bullet)
    assert bullet.index(shares[0]) < min(bullet.index(s) for s in shares[1:])  # the district first
    n = re.search(r"n = (\S+)$", table.columns[2]).group(1)  # the district's firms, as the table's header prints them
    allowed = {x for s in shares for x in numbers(s)} | {n, "14001", "95"}
    assert set(numbers(bullet)) <= allowed, set(numbers(bullet)) - allowed
    assert numbers(bullet)[0] == n  # the firms first, then the shares


# --- synthetic data -------------------------------------------------------------------------------------------

SYNTHETIC_WORDS = {"en": "synthetic data, not a finding about the real district",
                   "it": "dati sintetici, non un risultato sul distretto reale"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_with_synthetic_data_the_survey_bullet_says_so_before_its_numbers(frame, district, lang):
    profile = measures.adoption_profile(frame, district, CB)
    synthetic = sust.findings_sustainability(ROWS, profile, district, SYNTHETIC, lang, CB)
    real = sust.findings_sustainability(ROWS, profile, district, REAL, lang, CB)
    bullet = synthetic[-1]
    assert SYNTHETIC_WORDS[lang] in bullet
    assert bullet.index(SYNTHETIC_WORDS[lang]) < bullet.index("%")  # the label before any share
    assert messages(lang)("The survey shares come from synthetic microdata and illustrate the method; the published "
                          "figures are real.") in bullet
    assert not re.search("synthetic|sintetic", " ".join(real), re.I)
    assert not re.search("synthetic|sintetic", " ".join(synthetic[:-1]), re.I)  # published values are real
    assert synthetic[:-1] == real[:-1]


def test_no_survey_bullet_when_no_firm_of_the_district_answered(frame):
    district = CB.district_ids[0]
    profile = measures.adoption_profile(frame, district, CB)
    mine = (profile["group"] == district) & (profile["item"] == "cert_iso14001")
    profile.loc[mine, ["k", "n"]] = 0
    profile.loc[mine, ["share", "ci_low", "ci_high"]] = float("nan")
    found = sust.findings_sustainability(ROWS, profile, district, SYNTHETIC, "en", CB)
    assert len(found) == 3 and "ISO 14001" not in " ".join(found)


@pytest.mark.parametrize("lang,words", [("en", "Firm survey, 1 firm of the district; ISO 14001 certification: "),
                                        ("it", "Indagine sulle imprese, l'unica impresa del distretto (1); "
                                               "certificazione ISO 14001: ")])
def test_one_answering_firm_takes_the_singular(frame, lang, words):
    district = CB.district_ids[1]
    mine = frame[frame["district"] == district]
    small = pd.concat([frame[frame["district"] != district], mine[mine["cert_iso14001"] == 1].iloc[:1]])
    profile = measures.adoption_profile(small, district, CB)
    real = sust.findings_sustainability(ROWS, profile, district, REAL, lang, CB)[-1]
    assert real.startswith(words)
    # one firm's answer is not published with real data, and is marked with synthetic data
    own = fmt.percent(1.0, 1, lang)
    assert not real[len(words):].startswith(own)
    synthetic = sust.findings_sustainability(ROWS, profile, district, SYNTHETIC, lang, CB)[-1]
    assert f"({fmt.integer(1, lang)}); " in synthetic or f"{fmt.integer(1, lang)} firm of" in synthetic
    assert re.search(re.escape(own) + r" \[[^\]]+\]\u00a0\u2020", synthetic), synthetic


# --- no number for an indicator without a published value -----------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_an_indicator_without_a_value_is_never_quoted(frame, district, lang):
    profile = measures.adoption_profile(frame, district, CB)
    text = " ".join(sust.findings_sustainability(ROWS, profile, district, SYNTHETIC, lang, CB)).lower()
    for c in sheet_cells(district, lang):
        if unvalued(c, lang):
            assert c["indicator"].lower() not in text, c


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("district", CB.district_ids)
def test_a_headline_whose_values_are_removed_becomes_absent_and_loses_its_number(frame, district, lang):
    """The data change, the findings follow: the district's first headline indicator loses its values (as if no
    source gave them); it is no longer quoted, its number is gone and the absent count grows by one."""
    _ = messages(lang)
    profile = measures.adoption_profile(frame, district, CB)
    indicator, chosen = next(iter(sust.headlines(ROWS, district).items()))
    data = INDICATORS.copy()
    data.loc[(data["district"] == district) & (data["indicator"] == indicator), "value"] = float("nan")
    rows = sust.prepare(data)
    before = sust.findings_sustainability(ROWS, profile, district, REAL, lang, CB)
    after = sust.findings_sustainability(rows, profile, district, REAL, lang, CB)
    value = ind.value_text(chosen["value"], chosen["unit"], chosen["qualifier"], lang)
    assert value in " ".join(before) and value not in " ".join(after)
    label = ind.indicator_label(indicator, lang)
    assert [c["value"] for c in sheet_cells(district, lang, rows) if c["indicator"] == label] == [_("absent")]
    old, new = (sust.coverage(sust.fact_sheet_rows(r, district).to_dict("records")) for r in (ROWS, rows))
    assert new["absent"] == old["absent"] + 1 and new["headline"] == old["headline"] - 1
    assert fmt.integer(new["absent"], lang) in numbers(after[2])


# --- Italian ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("meta", [SYNTHETIC, REAL], ids=["synthetic", "real"])
@pytest.mark.parametrize("district", CB.district_ids)
def test_italian_findings_have_no_decimal_point_and_no_english(frame, district, meta):
    profile = measures.adoption_profile(frame, district, CB)
    found = sust.findings_sustainability(ROWS, profile, district, meta, "it", CB)
    block = phrases.findings_html(found, "it")
    assert 'class="key-findings"' in block and "<h2>Sintesi</h2>" in block
    text = visible_text(block)
    assert len(re.findall(r"\d,\d", text)) >= 4  # the numbers are there, with decimal commas
    assert not decimal_points(text), decimal_points(text)
    assert not english_words(text), english_words(text)
    assert not english_table_words(ELIDED.sub("", text)), english_table_words(ELIDED.sub("", text))
    english = " ".join(sust.findings_sustainability(ROWS, profile, district, meta, "en", CB))
    assert re.search(r"\d\.\d", english) and not re.search(r"\d,\d(?!\d\d)", english)  # the English source differs


# --- the notebook -------------------------------------------------------------------------------------------------

def test_the_notebook_shows_the_findings_after_the_banner_and_fills_them_at_the_end():
    cells = json.loads((ROOT / "notebooks/sustainability.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    slot = next(i for i, s in enumerate(sources) if 'rep.slot("findings")' in s)
    banner = next(i for i, s in enumerate(sources) if "rep.banner(meta)" in s)
    glance = sources.index("## The district at a glance")
    sheet = next(i for i, s in enumerate(sources) if "fact_sheet(" in s)
    fill = next(i for i, s in enumerate(sources) if "findings.fill(" in s)
    profile = next(i for i, s in enumerate(sources) if "profile = measures.adoption_profile" in s)
    assert banner <= slot < glance < sheet < profile < fill
    assert sources[slot].index("rep.slot") < sources[slot].rfind("findings)")  # displayed after it is made
    assert "findings_sustainability(" in sources[fill] and "phrases.findings_html(" in sources[fill]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
    assert len({c["id"] for c in cells}) == len(cells)
