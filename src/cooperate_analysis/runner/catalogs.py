"""The message catalogs: extract the reports' messages from the code, update the `.po` files, check them.

`make catalogs` (``python -m cooperate_analysis catalogs``) reads every message the presentation
code marks (``_()``, ``_.ngettext()``, ``_.pgettext()``, ``_.npgettext()``, ``N_()``; see
`present.i18n`) with Babel's Python extractor, and updates each Italian catalog: new messages are
added untranslated for the translator, messages no longer in the code are dropped, and translations
of unchanged messages are kept. Each report kind has its catalog (``present/<kind>/`` ->
``locale/it/LC_MESSAGES/<kind>.po``); every other module of ``present/`` writes to ``common.po``.

`check()` lists what keeps a catalog from being complete: a message untranslated, fuzzy, obsolete
(in the catalog but no longer in the code) or missing (in the code but not in the catalog); a
translation whose placeholders differ from its message's; one message translated two ways in two
catalogs. The tests and ``catalogs --check`` fail on any of them.
"""
from __future__ import annotations

import io
from pathlib import Path

from ..present import i18n

PRESENT_DIR = Path(__file__).resolve().parents[1] / "present"
TARGET_LANGS = tuple(lang for lang in i18n.LANGS if lang != i18n.SOURCE_LANG)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
COMMENT_TAGS = ("Translators:",)
COMMON = "common"
PO_WIDTH = 100


def catalog_of(path: Path) -> str:
    """The catalog a source file's messages belong to: its report kind's, else the common one."""
    rel = path.resolve().relative_to(PRESENT_DIR)
    return rel.parts[0] if len(rel.parts) > 1 else COMMON


def source_files() -> list[Path]:
    return sorted(p for p in PRESENT_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def extract() -> dict[str, "object"]:
    """The message templates (Babel catalogs without translations), by catalog name."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    templates: dict[str, Catalog] = {}
    for path in source_files():
        name = catalog_of(path)
        template = templates.setdefault(name, Catalog(project="cooperate-analysis", domain=name,
                                                      fuzzy=False))
        rel = path.resolve().relative_to(PRESENT_DIR.parent)
        for lineno, message, comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
            flags = ("python-brace-format",) if _has_placeholders(message) else ()
            template.add(message, None, [(str(rel), lineno)], auto_comments=comments, context=context,
                         flags=flags)
    return templates


def _has_placeholders(message) -> bool:
    texts = message if isinstance(message, (tuple, list)) else (message,)
    return any(i18n.placeholders(t) for t in texts if t)


def _po_path(lang: str, name: str) -> Path:
    return i18n.LOCALE_DIR / lang / i18n.DOMAIN_DIR / f"{name}.po"


def _read(path: Path, lang: str, name: str):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=name)


def update(only: str | None = None) -> list[Path]:
    """Bring every catalog (or the catalog `only`) in step with the code (new messages untranslated,
    gone ones dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    written = []
    templates = extract()
    for lang in TARGET_LANGS:
        folder = i18n.LOCALE_DIR / lang / i18n.DOMAIN_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.po"):
            if stale.stem not in templates and only in (None, stale.stem):
                stale.unlink()
        for name, template in sorted(templates.items()):
            if only not in (None, name):
                continue
            path = _po_path(lang, name)
            catalog = _read(path, lang, name) if path.is_file() else Catalog(locale=lang, domain=name,
                                                                               fuzzy=False)
            created = catalog.creation_date
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalog.obsolete.clear()
            catalog.creation_date = created  # a header that changes only when the messages do
            catalog.project, catalog.version = "cooperate-analysis", "1"
            catalog.copyright_holder = "COOPERATE compendium contributors"
            catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = \
                "COOPERATE compendium contributors"
            catalog.header_comment = (f"# Italian messages of the COOPERATE compendium's reports: {name}.\n"
                                      "# Edit the msgstr lines (Poedit, Weblate or a text editor), then rebuild.\n"
                                      "# New messages come from the code with `make catalogs`.")
            catalog.fuzzy = False
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=PO_WIDTH, omit_header=False, sort_by_file=True,
                     include_previous=False, include_lineno=False)
            text = buffer.getvalue()
            if not path.is_file() or path.read_bytes() != text:
                tmp = path.with_suffix(".po.tmp")
                tmp.write_bytes(text)
                tmp.replace(path)
                written.append(path)
    i18n.translations.cache_clear()
    i18n.messages.cache_clear()
    return written


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def check(only: str | None = None) -> list[str]:
    """Every reason a catalog (or the catalog `only`) is not complete and in step with the code (empty
    when all is well)."""
    problems: list[str] = []
    templates = extract()
    for lang in TARGET_LANGS:
        seen: dict[tuple, tuple[str, object]] = {}
        names = {p.stem for p in i18n.catalog_files(lang)} | set(templates)
        for name in sorted(names):
            if only not in (None, name):
                continue
            path = _po_path(lang, name)
            where = f"locale/{lang}/{i18n.DOMAIN_DIR}/{name}.po"
            if name not in templates:
                problems.append(f"{where}: no code writes to this catalog (obsolete file)")
                continue
            if not path.is_file():
                problems.append(f"{where}: missing; run `make catalogs`")
                continue
            catalog = _read(path, lang, name)
            code = {_key(m) for m in templates[name] if m.id}
            have = {_key(m) for m in catalog if m.id}
            for key in sorted(code - have, key=str):
                problems.append(f"{where}: message not in the catalog (run `make catalogs`): {key[1]!r}")
            for key in sorted(have - code, key=str):
                problems.append(f"{where}: obsolete message (no longer in the code): {key[1]!r}")
            if catalog.obsolete:
                problems.append(f"{where}: {len(catalog.obsolete)} obsolete (#~) entries")
            for message in catalog:
                if not message.id:
                    continue
                label = message.id if isinstance(message.id, str) else message.id[0]
                if message.fuzzy:
                    problems.append(f"{where}: fuzzy translation of {label!r}")
                strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
                if not all(strings):
                    problems.append(f"{where}: untranslated: {label!r}")
                    continue
                ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
                wanted = set().union(*(i18n.placeholders(i) for i in ids))
                for index, s in enumerate(strings):
                    have = i18n.placeholders(s)
                    # the singular form of a plural message (Italian: n = 1 only) may leave out the count
                    # itself ("l'unico test"), as GNU msgfmt allows; every other placeholder must be kept
                    singular = len(ids) > 1 and index == 0 and have <= wanted and wanted - have <= {"n"}
                    if have != wanted and not singular:
                        problems.append(f"{where}: placeholders of {label!r} are {sorted(wanted)}, "
                                        f"its translation {s!r} has {sorted(have)}")
                key = _key(message)
                if key in seen and seen[key][1] != message.string:
                    problems.append(f"{where}: {label!r} is translated as {message.string!r} here and as "
                                    f"{seen[key][1]!r} in {seen[key][0]}.po")
                seen.setdefault(key, (name, message.string))
    return problems
