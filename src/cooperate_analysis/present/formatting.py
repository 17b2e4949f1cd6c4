"""The one locale-aware formatter of the reports: numbers, percentages, dates and ranges (Babel).

Separators, grouping, percent patterns, month names, lists and date intervals come from the CLDR
locale data that Babel carries: ``en_GB`` for English ("1,234.5"; "1 January 2010") and ``it_IT``
for Italian ("1.234,5"; CLDR groups from four digits, so "7.928 addetti" and "10.942 addetti" are
set alike). Every number a report shows (tables, figure ticks and annotations, prose) goes through
these functions, so the Italian edition never shows a decimal point.

What Babel does not do, and this module adds, in one place:

- a true minus sign (U+2212) in both languages, where CLDR's Italian and English data have the
  hyphen-minus; never "-0.00";
- p-values with three decimals and "< 0.001" below 0.001 (APA 7, R's ``format.pval``);
- confidence intervals "[low, high]" in English and "[low; high]" in Italian (the comma is the
  decimal separator there);
- the first day of a month as "1°" in Italian dates ("1° gennaio 2010"), as Italian usage writes it;
- year ranges with an unspaced en dash ("2010–2012"), month and date ranges by CLDR's interval
  patterns (spaced en dash: "novembre 2008 – aprile 2010");
- a missing value as an en dash.
"""
from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache

MISSING = "–"
MINUS = "\N{MINUS SIGN}"
LANGS = ("en", "it")
LOCALES = {"en": "en_GB", "it": "it_IT"}
_INTERVAL_SEPARATOR = {"en": ", ", "it": "; "}


def _check(lang: str) -> None:
    if lang not in LOCALES:
        raise ValueError(f"language {lang!r} is not supported; supported: {', '.join(LANGS)}")


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale

    _check(lang)
    return Locale.parse(LOCALES[lang])


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


@lru_cache(maxsize=1 << 16)
def _decimal(magnitude: float, digits: int, lang: str, grouping: bool) -> str:
    """Babel's `format_decimal` of a rounded, non-negative number with `digits` decimals (CLDR separators),
    as it computes it (its pattern parsed, then applied), the pattern parsed once. Kept for the numbers
    already formatted: a report and its readings format the same numbers many times, at 60 us each."""
    from babel.numbers import parse_pattern

    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    return parse_pattern(pattern).apply(magnitude, _locale(lang), decimal_quantization=True, group_separator=grouping,
                                        numbering_system="latn")


def number(value, digits: int = 2, lang: str = "en", sign: bool = False, grouping: bool = True) -> str:
    """`value` rounded to `digits` decimals with the separators of `lang` (CLDR); "+" before positive
    numbers when `sign`; a true minus sign before negative ones; thousands grouped when `grouping`."""
    _check(lang)
    if _missing(value):
        return MISSING
    value = round(float(value), digits)
    if value == 0:
        value = 0.0  # no "-0.00"
    text = _decimal(abs(value), digits, lang, bool(grouping))
    if value < 0:
        return MINUS + text
    return "+" + text if sign else text


def integer(value, lang: str = "en") -> str:
    """A count, with the thousands separator of `lang`."""
    return number(value, 0, lang)


def year(value) -> str:
    """A year as a plain four-digit number in every language ("2010", never "2.010")."""
    return MISSING if _missing(value) else str(int(float(value)))


def percent(share, digits: int = 1, lang: str = "en") -> str:
    """A share (0-1) as a percentage: "12.5%" / "12,5%" (CLDR's percent sign placement)."""
    from babel.numbers import format_percent

    if _missing(share):
        return MISSING
    value = round(100 * float(share), digits) / 100
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    text = format_percent(abs(value), format=pattern, locale=_locale(lang), decimal_quantization=True)
    return MINUS + text if value < 0 else text


def pvalue(p, lang: str = "en", digits: int = 3) -> str:
    """A p-value: three decimals, "< 0.001" below 0.001 ("< 0,001" in Italian), never "0.000"."""
    _check(lang)
    if _missing(p):
        return MISSING
    p = float(p)
    floor = 10.0 ** -digits
    if p < floor:
        return "< " + number(floor, digits, lang)
    return number(min(p, 1.0), digits, lang)


def interval(low, high, digits: int = 2, lang: str = "en") -> str:
    """A confidence interval: "[0.12, 0.45]" / "[0,12; 0,45]"."""
    _check(lang)
    if _missing(low) or _missing(high):
        return MISSING
    return f"[{number(low, digits, lang)}{_INTERVAL_SEPARATOR[lang]}{number(high, digits, lang)}]"


def date(value, lang: str = "en", precision: str = "day") -> str:
    """A date in words: "1 January 2010" / "1° gennaio 2010"; `precision` "month" gives "January 2010"
    / "gennaio 2010", "year" the year alone. `value`: a date, or an ISO text ("2010", "2010-01",
    "2010-01-01")."""
    from babel.dates import format_date, format_skeleton

    _check(lang)
    when, precision = _as_date(value, precision)
    if when is None:
        return MISSING
    if precision == "year":
        return str(when.year)
    if precision == "month":
        return format_skeleton("yMMMM", when, locale=_locale(lang))
    text = format_date(when, format="long", locale=_locale(lang))
    if lang == "it" and when.day == 1:
        text = "1°" + text[1:]
    return text


def _as_date(value, precision: str) -> tuple[_dt.date | None, str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, precision
    if isinstance(value, _dt.datetime):
        return value.date(), precision
    if isinstance(value, _dt.date):
        return value, precision
    text = str(value).strip()
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return _dt.date(int(float(parts[0])), 1, 1), "year"
        if len(parts) == 2:
            return _dt.date(int(parts[0]), int(parts[1]), 1), "month" if precision == "day" else precision
        return _dt.date(int(parts[0]), int(parts[1]), int(parts[2])), precision
    except ValueError:
        return None, precision


def date_range(start, end, lang: str = "en") -> str:
    """A range of dates by CLDR's interval patterns: "2010–2012"; "November 2008 – April 2010" /
    "novembre 2008 – aprile 2010"; "1–30 September 2017". Both ends at the precision of the coarser."""
    from babel.dates import format_interval

    _check(lang)
    first, p1 = _as_date(start, "day")
    last, p2 = _as_date(end, "day")
    if first is None or last is None:
        return MISSING
    order = ["year", "month", "day"]
    precision = order[min(order.index(p1), order.index(p2))]
    if precision == "year":
        return year_range(first.year, last.year)
    skeleton = {"month": "yMMMM", "day": "yMMMMd"}[precision]
    text = format_interval(first, last, skeleton, locale=_locale(lang))
    return text.replace("\u2009", " ")


def year_range(first, last) -> str:
    """Two years joined by an unspaced en dash ("2010–2012"); one year when both are the same."""
    if _missing(first) or _missing(last):
        return MISSING
    first, last = int(float(first)), int(float(last))
    return str(first) if first == last else f"{first}–{last}"


def join(items, lang: str = "en", style: str = "standard") -> str:
    """A list in words: "a, b and c" / "a, b e c" (CLDR list patterns; `style` "or" for "a, b or c")."""
    from babel.lists import format_list

    items = [str(i) for i in items if i]
    if not items:
        return ""
    return format_list(items, style=style, locale=_locale(lang))


def is_number_text(text: str) -> bool:
    """Whether `text` is a number as these functions print it (for right-aligning table cells)."""
    stripped = text.strip().removeprefix("< ").removesuffix("%").lstrip("+-" + MINUS)
    return stripped == MISSING or (bool(stripped) and all(c.isdigit() or c in ".," for c in stripped)
                                   and stripped[0].isdigit())


def parse_number(text: str, lang: str = "en") -> float:
    """The number a formatted text shows (the inverse of `number`/`percent`, for tests and readers of
    the built reports): "−1.234,5" in Italian -> -1234.5."""
    from babel.numbers import parse_decimal

    clean = text.strip().removesuffix("%").replace(MINUS, "-").lstrip("+")
    return float(parse_decimal(clean, locale=_locale(lang), strict=False))


class TickFormatter:
    """A matplotlib tick formatter that prints tick values with the separators of `lang`.

    It wraps matplotlib's own ScalarFormatter (which chooses the number of decimals for the tick
    spacing) and only swaps the separators, so ticks read "0,25" in Italian, with a true minus sign.
    """

    def __new__(cls, lang: str = "en", digits: int | None = None, percent_axis: bool = False):
        from babel.numbers import get_decimal_symbol
        from matplotlib.ticker import FuncFormatter, ScalarFormatter

        _check(lang)
        if digits is not None:
            return FuncFormatter(lambda x, _pos: (percent(x, digits, lang) if percent_axis
                                                  else number(x, digits, lang)))
        base = ScalarFormatter(useOffset=False)
        decimal = get_decimal_symbol(_locale(lang))

        class _Localized(type(base)):
            def __call__(self, x, pos=None):
                text = super().__call__(x, pos).replace(MINUS, "-")
                return text.replace(".", decimal).replace("-", MINUS)

        return _Localized(useOffset=False)


def localize_axes(fig, lang: str = "en") -> None:
    """Give every numeric axis of `fig` tick labels with the separators of `lang` (categorical axes,
    whose ticks are text, are left alone)."""
    from matplotlib.ticker import ScalarFormatter

    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(TickFormatter(lang))
