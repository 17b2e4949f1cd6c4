"""The compendium's bibliography: every work a report cites, rendered as linked in-text citations
and an APA-style references section, in English and Italian.

The works live in `references.json` beside this module (CSL-JSON: one object per work with `id`,
`type`, `author`, `issued`, `title`, `container-title`, `volume`, `issue`, `page`, `DOI`, `URL`...).
Extensions kept in CSL's `custom` object: `source_id` (the id of a published-figure source in
data/raw/published_figures.csv, e.g. "D1", "S8"), `short_author` ({en, it}: the author part of an
in-text citation when the authors are institutions or unknown), and Italian variants `title_it`,
`container_title_it`, `author_it`, `note_it` for text that is ours rather than the work's (a
description in square brackets, an institution's name).

Citations in generated text are markers, as in Pandoc: "[@battaglia2014]" gives "(Battaglia et
al., 2014)", "[@holm1979; @benjamini1995]" two works in one parenthesis, and "@battaglia2014"
(a known key after a space) gives "Battaglia et al. (2014)". `cite_markers` replaces them in
already-escaped HTML with links to the entries (`href="#ref-<key>"`); `references_for` scans a
rendered report for those links and returns the references section of exactly the cited works.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources

LANGS = ("en", "it")
TITLE = {"en": "References", "it": "Riferimenti bibliografici"}
SECTION_ID = "references"
NO_DATE = {"en": "n.d.", "it": "s.d."}
AND = {"en": "&", "it": "e"}  # between the last two authors of an entry and of a parenthetical citation
AND_NARRATIVE = {"en": "and", "it": "e"}
ET_AL = "et al."
EDITED = {"en": ("Ed.", "Eds."), "it": ("a cura di", "a cura di")}
EDITION = {"en": "{n}{suffix} ed.", "it": "{n}a ed."}
IN = {"en": "In", "it": "In"}
PAGES = {"en": "pp.", "it": "pp."}
RETRIEVED = {"en": "Retrieved {date}, from", "it": "Consultato il {date},"}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"],
}
ENTRY_STYLE = "padding-left:2em;text-indent:-2em;break-inside:avoid"  # APA hanging indent; never split in print
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
KEY_PATTERN = r"[A-Za-z][A-Za-z0-9_-]*"
_BRACKETED = re.compile(r"\[((?:-?@" + KEY_PATTERN + r")(?:\s*;\s*-?@" + KEY_PATTERN + r")*)\]")
_NARRATIVE = re.compile(r"(?<![\w@/.\[-])@(" + KEY_PATTERN + r")")
_TAG = re.compile(r"(<[^>]*>)")
_LINK = re.compile(r'href="#ref-(' + KEY_PATTERN + r')"')


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


# --- names and years ---------------------------------------------------------------------------------

def _custom(item: dict, name: str, lang: str):
    """An Italian variant `<name>_it` of the custom object when `lang` is Italian, else None."""
    return item.get("custom", {}).get(f"{name}_it") if lang == "it" else None


def _field(item: dict, name: str, lang: str) -> str | None:
    return _custom(item, name.replace("-", "_"), lang) or item.get(name)


def _authors(item: dict, lang: str) -> list[dict]:
    authors = item.get("author", [])
    translated = _custom(item, "author", lang)
    if translated and authors:
        return [{"literal": translated}, *authors[1:]]
    return authors


def _family(person: dict) -> str:
    return person.get("literal") or person.get("family", "")


def _year(item: dict) -> int | None:
    parts = item.get("issued", {}).get("date-parts", [[]])
    return int(parts[0][0]) if parts and parts[0] else None


def _short_author(item: dict, lang: str, narrative: bool) -> str:
    short = item.get("custom", {}).get("short_author")
    if short:
        return short[lang]
    names = [_family(p) for p in _authors(item, lang)]
    if not names:
        words = item["title"].split()
        return " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} {(AND_NARRATIVE if narrative else AND)[lang]} {names[1]}"
    return f"{names[0]} {ET_AL}"


@lru_cache(maxsize=1)
def _suffixes() -> dict[str, str]:
    """Year suffixes (2012a, 2012b; n.d.-a) for works with the same short author and year, ordered by title,
    computed over the whole bibliography so that a work's label is the same in every report."""
    groups: dict[tuple, list[str]] = {}
    for key, item in load().items():
        groups.setdefault((_short_author(item, "en", False), _year(item)), []).append(key)
    suffixes = {}
    for keys in groups.values():
        if len(keys) > 1:
            for i, key in enumerate(sorted(keys, key=lambda k: load()[k]["title"].lower())):
                suffixes[key] = "abcdefghijklmnopqrstuvwxyz"[i]
    return suffixes


def year_label(key: str, lang: str = "en") -> str:
    """The year of a work as cited: "2014", "2012a", "n.d." ("s.d." in Italian), "n.d.-b"."""
    _check(lang)
    year, suffix = _year(work(key)), _suffixes().get(key, "")
    if year is None:
        return NO_DATE[lang] + (f"-{suffix}" if suffix else "")
    return f"{year}{suffix}"


def label(key: str, lang: str = "en", narrative: bool = True) -> str:
    """The plain-text citation of one work: "Battaglia et al. (2014)" or, not narrative,
    "Battaglia et al., 2014" (to be put in parentheses)."""
    _check(lang)
    author = _short_author(work(key), lang, narrative)
    return f"{author} ({year_label(key, lang)})" if narrative else f"{author}, {year_label(key, lang)}"


def _link(key: str, text: str) -> str:
    return f'<a class="citation" href="#ref-{key}">{html.escape(text)}</a>'


def cite(keys: str | list[str] | tuple[str, ...], lang: str = "en", narrative: bool = True) -> str:
    """Linked in-text citation markup: narrative `<a href="#ref-battaglia2014">Battaglia et al. (2014)</a>`,
    or parenthetical "(Holm, 1979; Benjamini & Hochberg, 1995)" with each work linked."""
    _check(lang)
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ValueError("cite: no key given")
    if narrative:
        return ", ".join(_link(k, label(k, lang, True)) for k in keys)
    return "(" + "; ".join(_link(k, label(k, lang, False)) for k in keys) + ")"


def cite_markers(markup: str, lang: str = "en", strict: bool = True) -> str:
    """Replace the citation markers of already-escaped HTML text by linked citations.

    "[@holm1979]" and "[@holm1979; @benjamini1995]" become parenthetical citations; "@holm1979" (a key of
    the bibliography, after a space or at the start) a narrative one. Text inside tags (attributes such as an image's alt text)
    is left alone. A bracketed marker naming a key the bibliography lacks is an error (KeyError), so a
    typo cannot reach a report; with `strict` False it is left as it is (for a whole rendered page, where
    text from data, e.g. a file name, might look like a marker; the tests check every marker the package
    and notebooks write). A bare "@word" that is no key is always left as it is (e.g. an e-mail address).
    """
    _check(lang)

    def bracketed(match: re.Match) -> str:
        keys = [k.strip().lstrip("-").lstrip("@") for k in match.group(1).split(";")]
        missing = [k for k in keys if k not in load()]
        if missing:
            if strict:
                work(missing[0])
            return match.group(0)
        return cite(keys, lang, narrative=False)

    def narrative(match: re.Match) -> str:
        key = match.group(1)
        return cite(key, lang) if key in load() else match.group(0)

    parts = _TAG.split(markup)
    skip = None  # inside a link, a script or a style element: no citation there
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            opening = re.match(r"<(a|script|style)[\s>]", part, re.I)
            if opening and skip is None:
                skip = opening.group(1).lower()
            elif skip and re.match(rf"</{skip}\s*>", part, re.I):
                skip = None
            continue
        if skip is None and "@" in part:
            parts[i] = _NARRATIVE.sub(narrative, _BRACKETED.sub(bracketed, part))
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

def _initials_name(person: dict) -> str:
    if "literal" in person:
        return person["literal"]
    given = person.get("given", "")
    return f"{person['family']}, {given}" if given else person["family"]


def _name_list(people: list[dict], lang: str) -> str:
    names = [_initials_name(p) for p in people]
    if len(names) == 1:
        return names[0]
    if lang == "it":  # Italian: no comma before "e"
        return ", ".join(names[:-1]) + f" {AND[lang]} " + names[-1]
    return ", ".join(names[:-1]) + f", {AND[lang]} " + names[-1]


def _editors(people: list[dict], lang: str) -> str:
    names = [f"{p.get('given', '')} {p['family']}".strip() if "family" in p else p["literal"] for p in people]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {AND[lang]} " + names[-1]
    return f"{joined} ({EDITED[lang][len(names) > 1]})"


def _date(parts: list[int], lang: str) -> str:
    year, month, day = (list(parts) + [None, None])[:3]
    if month is None:
        return str(year)
    month_name = MONTHS[lang][month - 1]
    if lang == "it":
        return f"{year}, {day} {month_name}" if day else f"{year}, {month_name}"
    return f"{year}, {month_name} {day}" if day else f"{year}, {month_name}"


def _accessed(parts: list[int], lang: str) -> str:
    year, month, day = (list(parts) + [None, None])[:3]
    if lang == "it":
        return f"{day} {MONTHS[lang][month - 1]} {year}"
    return f"{MONTHS[lang][month - 1]} {day}, {year}"


def _edition(value: str, lang: str) -> str:
    if not str(value).isdigit():
        return f"{value} ed." if lang == "en" else f"{value} ed."
    n = int(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return EDITION[lang].format(n=n, suffix=suffix)


def _sentence(text: str) -> str:
    """`text` ending with one period (not after "?" "!" or a closing bracket that follows a period)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _url_link(url: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'


def reference(key: str, lang: str = "en") -> str:
    """One entry of the references section, APA-style, as escaped HTML with the anchor id="ref-<key>"."""
    _check(lang)
    item = work(key)
    esc = html.escape
    kind = item["type"]
    title = _field(item, "title", lang)
    container = _field(item, "container-title", lang)
    authors = _authors(item, lang)
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    suffix = _suffixes().get(key, "")
    if not issued:
        when = NO_DATE[lang] + (f"-{suffix}" if suffix else "")
    elif kind in ("article-newspaper", "article-magazine", "post-weblog", "webpage") and len(issued) > 1:
        when = _date(issued, lang).replace(str(issued[0]), f"{issued[0]}{suffix}", 1)
    else:
        when = f"{issued[0]}{suffix}"
    names = _name_list(authors, lang) if authors else ""
    head = f"{esc(_sentence(names))} ({esc(when)}). " if authors else ""
    standalone = kind in ("book", "report", "webpage", "post-weblog", "legislation", "thesis")
    edition = f" ({esc(_edition(item['edition'], lang))})" if item.get("edition") else ""
    if standalone and not title.startswith("["):  # APA: a description in square brackets is not italic
        body = f"<em>{esc(title)}</em>{edition}"
        body = body + "." if not body.endswith(("?</em>", "!</em>")) else body
    else:
        body = esc(title) if title.endswith(("?", "!")) else esc(title) + "."
    if not authors:  # APA: a work without author starts with its title, then the date
        body = f"{body} ({esc(when)})."
    tail = ""
    if kind == "article-journal" or (kind in ("article-newspaper", "article-magazine") and container):
        tail = f" <em>{esc(container)}</em>" if container else ""
        if item.get("volume"):
            tail += f", <em>{esc(item['volume'])}</em>"
            if item.get("issue"):
                tail += f"({esc(item['issue'])})"
        if item.get("page"):
            tail += f", {esc(item['page'])}"
        tail = _sentence(tail) if tail else ""
    elif kind in ("chapter", "paper-conference"):
        editors = f"{esc(_editors(item['editor'], lang))}, " if item.get("editor") else ""
        pages = f" ({PAGES[lang]} {esc(item['page'])})" if item.get("page") else ""
        tail = f" {IN[lang]} {editors}<em>{esc(container)}</em>{pages}." if container else ""
    elif kind == "legislation":
        where = f" <em>{esc(container)}</em>" if container else ""
        if item.get("volume"):
            where += f", {esc(item['volume'])}"
        if item.get("page"):
            where += f", {esc(item['page'])}"
        tail = _sentence(where) if where else ""
    elif container:
        tail = f" {esc(container)}."
    if item.get("publisher"):
        tail += f" {esc(item['publisher'])}."
    note = _field(item, "note", lang)
    if note:
        tail += f" {esc(_sentence(note))}"
    if item.get("DOI"):
        tail += " " + _url_link(f"https://doi.org/{item['DOI']}")
    elif item.get("URL"):
        accessed = item.get("accessed", {}).get("date-parts", [[]])[0]
        if accessed:
            tail += " " + esc(RETRIEVED[lang].format(date=_accessed(accessed, lang)))
        tail += " " + _url_link(item["URL"])
    return f'<p class="csl-entry" id="ref-{key}" style="{ENTRY_STYLE}">{head}{body}{tail}</p>'


def _sort_key(key: str, lang: str = "en") -> tuple:
    item = load()[key]
    authors = _authors(item, lang)
    first = _family(authors[0]) if authors else _field(item, "title", lang).lstrip("[")
    year = _year(item)
    return (first.lower(), [_family(a).lower() for a in authors], year is not None, year or 0,
            _suffixes().get(key, ""))


def references(keys, lang: str = "en", heading_level: int = 2) -> str:
    """The references section for `keys` (each once, in APA order: first author, then year), with a
    heading "References" / "Riferimenti bibliografici" that the report's table of contents picks up."""
    _check(lang)
    keys = list(dict.fromkeys(keys))
    for k in keys:
        work(k)
    entries = "".join(reference(k, lang) for k in sorted(keys, key=lambda k: _sort_key(k, lang)))
    h = f"h{heading_level}"
    return (f'<section class="references" id="{SECTION_ID}-section">'
            f'<{h} id="{SECTION_ID}">{TITLE[lang]}<a class="anchor-link" href="#{SECTION_ID}"></a></{h}>'
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
    else at the end. A page that cites nothing is returned with its markers linked and no section."""
    page = cite_markers(page, lang, strict=False)
    section = references_for(page, lang)
    if not section:
        return page
    for anchor in (before, "</body>"):
        at = page.find(anchor) if anchor else -1
        if at >= 0:
            return page[:at] + section + page[at:]
    return page + section
