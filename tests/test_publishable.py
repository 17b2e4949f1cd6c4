"""What a reader of the built reports relies on (issue 15): findings before the first table, no p-value
printed as 0.000, and Italian reports without a decimal point or an English label.

The checks read the rendered HTML as a reader sees it: the references (original titles, DOIs) and the
provenance block (versions, hashes) are left out, as are tags and their attributes. Each check is
shown to fail on a page made the old way.
"""
import html
import re
import subprocess

import pytest

SKIPPED_SECTIONS = re.compile(r'<(section) class="(?:references|provenance)".*?</\1>|<(style|script)\b.*?</\2>|'
                              r'<nav class="report-nav".*?</nav>', re.S)
ITALIAN_GROUPED = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")  # 12.345: the Italian thousands separator
DECIMAL_POINT = re.compile(r"\d\.\d")
ENGLISH = ["Table", "Figure", "Key findings", "Contents", "Provenance", "firms", "employees", "Number of",
           "score", "Innovation", "pooled", "Pooled", "CSR", "confidence", "estimate", "weighted", "significant",
           "certification", "more than", "Yes", "No ", "All districts", "Market", "Sample", "References",
           "Reading", "Data and methods", "in brackets", "adjusted", "True", "False"]
P_HEADER = re.compile(r"^(p\b|p \(|p corretto|p-value|Brant|Holm)", re.I)


def visible_text(page: str) -> str:
    """The text a reader sees, without the references, the provenance block, the navigation bar (file
    names) and markup."""
    body = SKIPPED_SECTIONS.sub(" ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# "2.1  RSI e competitività": a heading's number (a decimal would have a comma in Italian, and no capital after it)
SECTION_NUMBER = re.compile(r"(?<![\d.,])\d+(?:\.\d+)+(?=[\s\u2003]+[A-ZÀ-Ý])")


QUOTED = re.compile(r"«[^«»]*»")  # a search query or a title quoted verbatim (e.g. «D2.4 consumi energia»)


def decimal_points(text: str) -> list[str]:
    """Numbers with a decimal point (Italian thousands groups such as 12.345, the numbers of section headings
    such as "2.1" and text quoted verbatim in «guillemets» excepted)."""
    text = SECTION_NUMBER.sub("N", ITALIAN_GROUPED.sub("N", QUOTED.sub("«»", text)))
    return [text[max(0, m.start() - 20):m.end() + 20] for m in DECIMAL_POINT.finditer(text)]


def english_words(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def zero_p_values(page: str) -> list[str]:
    """Cells of p-value columns, and p-values in prose, printed as 0.000 / 0,000."""
    found = [m.group(0) for m in re.finditer(r"\bp(?: corretto(?: con Holm)?| \(\w+\)|-value)?\s*[=<]?\s*0[.,]000\b",
                                             visible_text(page))]
    for table in re.findall(r"<table class=\"report-table\">.*?</table>", page, re.S):
        headers = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
            for header, cell in zip(headers, re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)):
                if P_HEADER.match(header) and re.fullmatch(r"\s*0[.,]000\s*", html.unescape(cell)):
                    found.append(f"{header}: {cell}")
    return found


def findings_first(page: str) -> bool:
    """The findings come before the first table: a report's key findings (a sustainability report's too,
    before its fact sheet) or the paper's abstract (which carries its numbers)."""
    found = [i for i in (page.find('class="key-findings"'), page.find('class="abstract"')) if i != -1]
    table = page.find('id="table-1"')
    return bool(found) and (table == -1 or min(found) < table)


# --- the checks catch what they look for ----------------------------------------------------------------
OLD_ITALIAN = ('<h2>Lettura</h2><p>La stima +0.82 è sotto 0,05.</p><table class="report-table"><thead><tr>'
               '<th>Voce</th><th>p</th></tr></thead><tbody><tr><td>Number of firms</td><td>0.000</td></tr></tbody>'
               '</table><section class="references"><p>doi 10.1093/x, vol. 3.2</p></section>')


def test_the_checks_fail_on_a_page_made_the_old_way():
    text = visible_text(OLD_ITALIAN)
    assert decimal_points(text) and "10.1093" not in text
    assert english_words(text) == ["firms", "Number of"]
    assert zero_p_values(OLD_ITALIAN) == ["p: 0.000"]
    assert zero_p_values("<p>p = 0,000 nel testo</p>") == ["p = 0,000"]
    assert not findings_first('<table id="table-1"></table><section class="key-findings"></section>')


def test_the_checks_pass_italian_grouping_and_findings_first():
    page = ('<section class="key-findings"><ul><li>12.345 imprese; stima +0,82; p &lt; 0,001</li></ul></section>'
            '<figure id="table-1"></figure>')
    assert not decimal_points(visible_text(page)) and not english_words(visible_text(page))
    assert not zero_p_values(page) and findings_first(page)


# --- the built reports ----------------------------------------------------------------------------------
def reports(project, lang=None):
    pages = sorted(p for p in (project / "reports").glob("*.html")
                   if not p.name.startswith(("index", "replication")))
    return [p for p in pages if lang is None or p.stem.endswith("-it") == (lang == "it")]


@pytest.mark.slow
def test_every_built_report_opens_with_its_findings_and_prints_no_zero_p_value(default_build):
    pages = reports(default_build)
    assert len(pages) == 26  # 13 runs (12 reports and the paper) in two languages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert findings_first(text), page.name
        assert zero_p_values(text) == [], page.name
        assert 'class="references"' in text and 'href="#ref-' in text, page.name


@pytest.mark.slow
def test_italian_reports_have_no_decimal_point_and_no_english_label(default_build):
    pages = reports(default_build, "it")
    assert len(pages) == 13
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="it"' in text, page.name
        visible = visible_text(text)
        assert len(re.findall(r"\d,\d", visible)) > 50, page.name  # the numbers are there, with commas
        assert decimal_points(visible) == [], page.name
        assert english_words(visible) == [], page.name


@pytest.mark.slow
def test_italian_pdfs_have_no_decimal_point_before_their_references(default_build):
    for page in reports(default_build, "it"):
        pdf = page.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        body = text.split("Riferimenti bibliografici")[0]
        body = re.sub(r"File collegati:.*?\n\s*\n", "", body, flags=re.S)  # the printed navigation line
        assert decimal_points(body) == [], pdf.name
