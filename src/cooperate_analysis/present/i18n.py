"""Report prose from gettext catalogs: English source, Italian translation (Babel).

Every sentence, label, caption, table header and reason a report prints is a *message*: a whole
sentence in English with named placeholders (``{district}``, ``{n}``), looked up in the Italian
catalog for the Italian edition. Sentences with a count use plural forms, so "1 impresa" and
"2 imprese" cannot go wrong::

    _ = i18n.messages(lang)
    _("Firms in {district}", district=name)
    _.ngettext("{n} firm answered", "{n} firms answered", count)      # {n} filled with the count
    _.pgettext("table header", "Share")                                 # a short word with a context
    HEADER = N_("Share")  # a module-level message: marked for extraction, translated where used: _(HEADER)

The catalogs are ``src/cooperate_analysis/locale/it/LC_MESSAGES/<catalog>.po``: one per report kind
(``present/<kind>/`` -> ``<kind>.po``) and ``common.po`` for the shared modules. A translator or
editor edits the ``.po`` file (Poedit, Weblate) and rebuilds; ``make catalogs`` extracts new messages
from the code into the catalogs (``runner/catalogs.py``), and the tests fail while a message is
untranslated, fuzzy, obsolete or has a placeholder its translation lacks. The ``.po`` files are
compiled by Babel when first used, in memory, so no compiled ``.mo`` can fall out of step.

Placeholders use Python's brace syntax and are filled after translation; numbers are formatted by
`formatting` before they are passed in (the count of ``ngettext`` is formatted here).
"""
from __future__ import annotations

import io
import os
import string
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "it")
STRICT_VARIABLE = "COOPERATE_STRICT_I18N"  # "1": a message missing from a catalog is an error (tests, CI)
SOURCE_LANG = "en"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN_DIR = "LC_MESSAGES"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a message marked, not translated
    """Mark `message` for extraction where it cannot be translated yet (module-level constants)."""
    return message


def catalog_files(lang: str) -> list[Path]:
    """The `.po` catalogs of `lang` (none for the English source)."""
    return sorted((LOCALE_DIR / lang / DOMAIN_DIR).glob("*.po"))


@lru_cache(maxsize=None)
def translations(lang: str):
    """The merged translations of every catalog of `lang`, compiled from the `.po` files by Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported; supported: {', '.join(LANGS)}")
    merged = None
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=path.stem)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        part = Translations(buffer, domain=path.stem)
        merged = part if merged is None else merged.merge(part)
    if merged is None:
        return NullTranslations()
    return merged


def placeholders(message: str) -> set[str]:
    """The named placeholders of a message ("{n} firms in {district}" -> {"n", "district"})."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(message)
            if name is not None and name != ""}


def _fill(text: str, values: dict) -> str:
    return text.format(**values) if values else text


class UntranslatedMessage(KeyError):
    """A message the code asks for is not in the language's catalogs (strict mode only)."""


class Messages:
    """The messages of one language: call it for a message, `ngettext` for a count, `pgettext` for a
    message with a context (a short word whose translation depends on where it stands).

    With COOPERATE_STRICT_I18N=1 (the tests and CI set it) a message that is not in the catalogs of a
    translated language raises `UntranslatedMessage`, so text that Babel could not extract (a message
    built at run time, or asked for other than through `_`, `ngettext`, `pgettext` or `N_`) cannot
    slip into an Italian report in English."""

    def __init__(self, lang: str):
        self.lang = lang
        self._t = translations(lang)
        self._catalog = getattr(self._t, "_catalog", None)

    def _require(self, key) -> None:
        if self.lang == SOURCE_LANG or os.environ.get(STRICT_VARIABLE) != "1" or self._catalog is None:
            return
        if key not in self._catalog:
            raise UntranslatedMessage(f"no {self.lang} translation of {key!r}: mark it for extraction and run "
                                      "`make catalogs`")

    def __call__(self, message: str, **values) -> str:
        self._require(message)
        return _fill(self._t.gettext(message), values)

    def gettext(self, message: str, **values) -> str:
        return self(message, **values)

    def ngettext(self, singular: str, plural: str, count, **values) -> str:
        self._require((singular, 0))
        count_int = int(count)
        if "n" not in values:
            from .formatting import integer

            values = {**values, "n": integer(count_int, self.lang)}
        return _fill(self._t.ngettext(singular, plural, count_int), values)

    def pgettext(self, context: str, message: str, **values) -> str:
        self._require(f"{context}\x04{message}")
        return _fill(self._t.pgettext(context, message), values)

    def npgettext(self, context: str, singular: str, plural: str, count, **values) -> str:
        self._require((f"{context}\x04{singular}", 0))
        count_int = int(count)
        if "n" not in values:
            from .formatting import integer

            values = {**values, "n": integer(count_int, self.lang)}
        return _fill(self._t.npgettext(context, singular, plural, count_int), values)


@lru_cache(maxsize=None)
def messages(lang: str) -> Messages:
    """The messages of `lang` ("en": the English source as written; "it": the Italian catalogs)."""
    return Messages(lang)
