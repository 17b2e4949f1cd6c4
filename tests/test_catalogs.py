"""The message catalogs (issue 22): complete, in step with the code, placeholders kept, plural forms
right, and no report text left in the Python of `present/` and `stats/`."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import i18n
from cooperate_analysis.runner import catalogs

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cooperate_analysis"
# Words that only Italian prose has (function words, frequent report nouns) and accented words.
ITALIAN = re.compile(r"(?i)\b(?:della|delle|dello|degli|dei|nella|nelle|negli|sono|anche|perché|però|imprese|"
                     r"impresa|distretto|distretti|rapporto|risultati|tabella|figura|indagine|campione|"
                     r"certificazione|certificazioni|intervallo|intervalli|meno|più|già|è|né)\b")


def test_every_catalog_is_complete_and_in_step_with_the_code():
    """Every message translated, none fuzzy or obsolete, every placeholder kept, one translation per
    message across catalogs, and every message the code asks for present (`make catalogs` fixes a
    missing one; the translator then fills it)."""
    problems = catalogs.check()
    assert problems == [], "\n".join(problems[:40]) + (f"\n... {len(problems) - 40} more" if len(problems) > 40 else "")


def test_check_finds_an_untranslated_message_and_a_lost_placeholder(tmp_path, monkeypatch):
    """The check above can fail: a catalog whose message is untranslated and one whose translation
    drops a placeholder are reported."""
    source = tmp_path / "present" / "demo"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text('from ..i18n import messages\n_ = messages("it")\n'
                                        'A = _("Firms in {district}", district="x")\nB = _("Untouched")\n')
    locale = tmp_path / "locale"
    monkeypatch.setattr(catalogs, "PRESENT_DIR", tmp_path / "present")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    catalogs.update()
    po = locale / "it" / "LC_MESSAGES" / "demo.po"
    text = po.read_text(encoding="utf-8").replace('msgid "Firms in {district}"\nmsgstr ""',
                                                  'msgid "Firms in {district}"\nmsgstr "Imprese"')
    po.write_text(text, encoding="utf-8")
    problems = "\n".join(catalogs.check())
    assert "untranslated: 'Untouched'" in problems
    assert "placeholders of 'Firms in {district}'" in problems


def test_a_singular_form_may_leave_out_the_count_but_nothing_else(tmp_path, monkeypatch):
    source = tmp_path / "present" / "demo"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text('from ..i18n import messages\n_ = messages("it")\n'
                                        'A = _.ngettext("{n} test of {family}", "{n} tests of {family}", 1, family="x")\n')
    monkeypatch.setattr(catalogs, "PRESENT_DIR", tmp_path / "present")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    catalogs.update()
    po = tmp_path / "locale" / "it" / "LC_MESSAGES" / "demo.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr[0] ""', 'msgstr[0] "l\'unico test di {family}"')
                  .replace('msgstr[1] ""', 'msgstr[1] "{n} test di {family}"'), encoding="utf-8")
    assert catalogs.check() == []
    po.write_text(text.replace('msgstr[0] ""', 'msgstr[0] "l\'unico test"')
                  .replace('msgstr[1] ""', 'msgstr[1] "{n} test di {family}"'), encoding="utf-8")
    assert any("placeholders" in p for p in catalogs.check())


def test_plural_forms_agree_with_the_count():
    _ = i18n.messages("it")
    one = _.ngettext("{source} ({n} firm, synthetic)", "{source} ({n} firms, synthetic)", 1, source="f.csv")
    many = _.ngettext("{source} ({n} firm, synthetic)", "{source} ({n} firms, synthetic)", 1234, source="f.csv")
    assert one == "f.csv (1 impresa, dati sintetici)"
    assert many == "f.csv (1.234 imprese, dati sintetici)"
    en = i18n.messages("en")
    assert en.ngettext("{source} ({n} firm, synthetic)", "{source} ({n} firms, synthetic)", 2,
                       source="f.csv") == "f.csv (2 firms, synthetic)"


def test_strict_mode_refuses_a_message_missing_from_the_catalog(monkeypatch):
    """Text Babel could not extract (built at run time) fails in the tests and CI instead of reaching an
    Italian report in English."""
    monkeypatch.setenv(i18n.STRICT_VARIABLE, "1")
    with pytest.raises(i18n.UntranslatedMessage, match="not a message of the catalogs"):
        i18n.Messages("it")("not a message of the catalogs")
    assert i18n.Messages("en")("not a message of the catalogs") == "not a message of the catalogs"
    monkeypatch.setenv(i18n.STRICT_VARIABLE, "0")
    assert i18n.Messages("it")("not a message of the catalogs") == "not a message of the catalogs"


def test_context_separates_words_that_translate_differently():
    assert i18n.messages("it").pgettext("caption", "Table") == "Tabella"
    assert i18n.messages("en").pgettext("caption", "Table") == "Table"


# Modules not yet moved to the catalogs. Issue 22 is done when this list is empty.
LEGACY: set[str] = {
    "stats/estimability.py",
}


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _holds_words(node: ast.AST) -> bool:
    """Whether an expression holds text (a word of three letters or more), not a locale code or a
    separator ("it_IT", "; ")."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            if re.search(r"[A-Za-zÀ-ÿ]{3,}", sub.value) and not re.fullmatch(r"[a-z]{2}_[A-Z]{2}", sub.value):
                return True
    return False


def report_text_literals(path: Path) -> list[str]:
    """String literals of `path` that are Italian prose, or a {"it": ...} dictionary of texts (docstrings
    and comments aside: they may quote examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstring_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "it" and _holds_words(value):
                    found.append(f"line {node.lineno}: a dictionary of texts by language")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if ITALIAN.search(node.value):
                found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return found


def _python_files() -> list[str]:
    files = [*sorted((PACKAGE / "present").rglob("*.py")), *sorted((PACKAGE / "stats").rglob("*.py"))]
    return [str(p.relative_to(PACKAGE)) for p in files if "__pycache__" not in p.parts]


@pytest.mark.parametrize("module", [m for m in _python_files() if m not in LEGACY])
def test_no_report_text_in_python(module):
    """Report prose lives in the catalogs: no Italian text and no per-language dictionary of texts in
    the Python of `present/` and `stats/` (the codebook keeps its labels as data)."""
    assert report_text_literals(PACKAGE / module) == []


def direct_message_calls(path: Path) -> list[int]:
    """Lines that ask for a message as messages(lang)("..."): Babel extracts only `_`, `ngettext`,
    `pgettext`, `npgettext` and `N_` calls, so such a message never reaches the catalog."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Call)
            and getattr(node.func.func, "id", getattr(node.func.func, "attr", "")) == "messages"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]


@pytest.mark.parametrize("module", _python_files())
def test_messages_are_asked_for_in_a_form_babel_extracts(module):
    assert direct_message_calls(PACKAGE / module) == []


def test_the_literal_scan_sees_italian_and_a_language_dictionary(tmp_path):
    demo = tmp_path / "demo.py"
    demo.write_text('"""Docstring: il 17% delle imprese."""\nA = {"en": "firms", "it": "imprese"}\n'
                    'B = "quota delle imprese"\nC = "share of firms"\n')
    found = report_text_literals(demo)
    assert any("dictionary of texts" in f for f in found) and any("quota delle imprese" in f for f in found)
    assert not any("Docstring" in f or "share of firms" in f for f in found)


def test_legacy_list_names_only_existing_modules():
    assert {m for m in LEGACY if not (PACKAGE / m).is_file()} == set()


# --- formatting: one rule per kind of number, date and range, from Babel's locale data -------------------

@pytest.mark.parametrize(("value", "digits", "lang", "text"), [
    (7928, 0, "it", "7.928"), (10942, 0, "it", "10.942"), (7928, 0, "en", "7,928"),
    (-0.123, 2, "en", "\N{MINUS SIGN}0.12"), (-0.123, 2, "it", "\N{MINUS SIGN}0,12"),
    (-0.001, 2, "it", "0,00"), (1234.5, 1, "it", "1.234,5"), (0.5, 2, "en", "0.50"),
])
def test_numbers_follow_the_locale_with_a_true_minus(value, digits, lang, text):
    assert fmt.number(value, digits, lang) == text


def test_dates_and_ranges_have_one_form_per_language():
    assert fmt.date("2010-01-01", "it") == "1° gennaio 2010"
    assert fmt.date("2017-09-30", "it") == "30 settembre 2017"
    assert fmt.date("2010-01-01", "en") == "1 January 2010"
    assert fmt.date("2008-11", "it") == "novembre 2008"
    assert fmt.date_range("2008-11", "2010-04", "it") == "novembre 2008 – aprile 2010"
    assert fmt.date_range(2010, 2012, "it") == fmt.year_range(2010, 2012) == "2010–2012"
    assert fmt.year(2010) == "2010"


def test_percent_pvalue_interval_and_lists():
    assert fmt.percent(0.125, 1, "it") == "12,5%"
    assert fmt.pvalue(0.0004, "it") == "< 0,001"
    assert fmt.interval(-0.12, 0.45, 2, "it") == "[\N{MINUS SIGN}0,12; 0,45]"
    assert fmt.join(["a", "b", "c"], "it") == "a, b e c"
    assert fmt.parse_number("\N{MINUS SIGN}1.234,5", "it") == pytest.approx(-1234.5)


# --- prose from the data, and no template artefacts --------------------------------------------------------

FIXED_COUNTS = re.compile(r"(?i)\b(?:three districts|all three|the three|tre distretti|tutti e tre|i tre)\b")


def test_no_message_fixes_the_number_of_districts():
    """Counts the data decide enter as placeholders: a survey with a fourth district must not read
    "three districts" anywhere (issue 22, item 6)."""
    from babel.messages.pofile import read_po

    found = []
    for path in i18n.catalog_files("it"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="it"):
                texts = [*(message.id if isinstance(message.id, (tuple, list)) else (message.id,)),
                         *(message.string if isinstance(message.string, (tuple, list)) else (message.string,))]
                found += [f"{path.name}: {t[:80]!r}" for t in texts if t and FIXED_COUNTS.search(t)]
    assert found == []


ARTEFACTS = re.compile(r"/e\)|\b\w+/[aeio]\b|\(anno\)|\(s\)\b|\bfirm\(s\)|\bdistrict\(s\)|"
                       r"\b1 (?:imprese|distretti|voci|certificazioni|firms|districts|items)\b|troppe poche")


def visible_text(markup: str) -> str:
    """The text a reader sees in an HTML page (tags, scripts, styles and data URIs removed), without the
    reference list and links, which quote titles and addresses verbatim."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r'(?is)<section class="references".*?</section>', " ", markup)
    markup = re.sub(r"https?://\S+", " ", markup)
    markup = re.sub(r"(?s)<[^>]+>", " ", markup)
    import html as _html

    return " ".join(_html.unescape(markup).split())


def test_artefact_scan_finds_the_known_ones():
    for bad in ("1 impresa/e con rete", "1 imprese nella risposta", "posseduto dal (anno) 2010", "2 firm(s) with",
                "3 distretto/i con imprese", "troppe poche imprese"):
        assert ARTEFACTS.search(bad), bad
    for good in ("1 impresa con rete", "11 imprese", "2 firms with", "input/output"):
        assert not ARTEFACTS.search(good), good


@pytest.mark.slow
def test_built_reports_have_no_template_artefacts(default_build):
    """Every built report, in both languages: no glued plural, no "(anno)", no count of 1 beside a
    plural noun, no fixed count of districts."""
    problems = []
    for page in sorted((default_build / "reports").glob("*.html")):
        text = visible_text(page.read_text(encoding="utf-8"))
        for pattern in (ARTEFACTS, FIXED_COUNTS):
            problems += [f"{page.name}: …{text[max(0, m.start() - 40):m.end() + 40]}…" for m in pattern.finditer(text)]
    assert problems == [], "\n".join(problems[:30])
