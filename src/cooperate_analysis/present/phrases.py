"""Shared prose helpers of every report: estimates, intervals, p-values, shares and lists as they stand
inside a sentence. Numbers go through `formatting` (Babel); words come from the message catalogs.

This module never imports a report kind's module; report kinds import it.
"""
from __future__ import annotations

import math

from . import formatting as fmt
from .i18n import N_, messages

ALPHA = 0.05


def finite(value) -> bool:
    """Whether `value` is a finite number."""
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def estimate(value, lang: str, digits: int = 2) -> str:
    """A signed estimate: "+0.82" / "+0,82" / "−0,12"."""
    return fmt.number(value, digits, lang, sign=True)


def interval(low, high, lang: str, digits: int = 2) -> str:
    """A 95% interval: "[0.12, 0.45]" / "[0,12; 0,45]"."""
    return fmt.interval(low, high, digits, lang)


def p_text(p, lang: str) -> str:
    """"= 0.123" or "< 0.001" (the operator included, so the text reads "p = 0.123" / "p < 0.001"); a p
    that rounds to 0.050 gets a fourth decimal ("0.0498", "0.0503"), so that a text never calls
    "p = 0.050" significant or not without showing on which side of 0.05 it lies."""
    text = fmt.pvalue(p, lang)
    if text == fmt.number(ALPHA, 3, lang):
        text = fmt.pvalue(p, lang, digits=4)
    return text if text.startswith("<") else f"= {text}"


def alpha(lang: str) -> str:
    return fmt.number(ALPHA, 2, lang)


def direction(low, high) -> str:
    """'pos' / 'neg' when the 95% interval excludes zero on that side, 'null' when it includes zero,
    'na' when it is missing or not finite (no verdict is read from a non-finite interval)."""
    if not (finite(low) and finite(high)):
        return "na"
    return "pos" if float(low) > 0 else "neg" if float(high) < 0 else "null"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def scale_name(outcome: str, lang: str, cb) -> str:
    """The name of a score inside a sentence: "innovation performance" / "performance di innovazione"."""
    return lower_first(cb.label(outcome.removeprefix("score_"), lang))


def scale_title(outcome: str, lang: str, cb) -> str:
    return cb.label(outcome.removeprefix("score_"), lang)


def join(parts, lang: str) -> str:
    """"a, b and c" / "a, b e c" (CLDR list patterns)."""
    return fmt.join([p for p in parts if p], lang)


def row(obj) -> dict:
    """A result row (pandas Series or mapping) as a plain dict."""
    return dict(obj.items()) if hasattr(obj, "items") else dict(obj)


def share_text(percent_value, lang: str = "en") -> str:
    """A share in percent for prose, never "0%" for a share that is not zero: one decimal from 1%,
    two below 1% ("0.49%"), "< 0.01%" below that; exactly zero prints "0%"."""
    if not finite(percent_value):
        return fmt.MISSING
    x = float(percent_value)
    if x == 0:
        return fmt.percent(0, 0, lang)
    if 0 < x < 0.01:
        return "< " + fmt.percent(0.0001, 2, lang)
    digits = 2 if x < 1 else 1
    if x < 100 and round(x, digits) >= 100:
        digits = 2
    return fmt.percent(x / 100, digits, lang)


def _sound(text: str) -> str:
    """How a percentage's first word sounds, for languages whose article depends on it (Italian "l'8%",
    "il 17%", "lo 0,49%"): 'zero', 'vowel' (8, 11, 80-89, 800..., 11.000...) or 'consonant'."""
    digits = "".join(c for c in text.split(",")[0].split(".")[0] if c.isdigit())
    if digits == "0":
        return "zero"
    if digits in ("1", "11") or digits.startswith("8") or (len(digits) in (5, 6) and digits.startswith("11")):
        return "vowel"
    return "consonant"


def share_phrase(percent_value, lang: str) -> str:
    """A share as it stands as the subject or object of a sentence: in Italian with its article ("lo
    0,49%", "l'8%", "il 17%", "meno dello 0,01%"), bare in English ("17%")."""
    _ = messages(lang)
    text = share_text(percent_value, lang)
    if text.startswith("< "):
        # Translators: a share below the smallest one printed, as it stands in a sentence ("meno dello {share}")
        return _.pgettext("share below a bound", "less than {share}", share=text[2:])
    sound = _sound(text)
    if sound == "zero":
        # Translators: a percentage read from zero ("0,49%"), as it stands in a sentence: with its article in Italian ("lo {share}")
        return _.pgettext("share read from zero", "{share}", share=text)
    if sound == "vowel":
        # Translators: a percentage read from a vowel sound ("8%", "11%", "80%"): with its article in Italian ("l'{share}")
        return _.pgettext("share read from a vowel", "{share}", share=text)
    # Translators: a percentage read from a consonant sound ("17%", "25%"): with its article in Italian ("il {share}")
    return _.pgettext("share read from a consonant", "{share}", share=text)


FINDINGS_HEADING = N_("Key findings")


def findings_html(sentences: list[str], lang: str = "en", level: int = 2) -> str:
    """The findings as an escaped HTML block: heading ("Key findings" / "Sintesi") and a list."""
    import html

    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    heading = html.escape(messages(lang)(FINDINGS_HEADING))
    return f'<section class="key-findings"><h{level}>{heading}</h{level}><ul>{items}</ul></section>'
