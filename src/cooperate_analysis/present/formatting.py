"""The one locale-aware number formatter of the reports.

English: decimal point, thousands comma ("1,234.5"); Italian: decimal comma, thousands point
("1.234,5"), as the Italian style guides (and Banca d'Italia, ISTAT) print them. Every number a
report shows (tables, figure ticks and annotations, prose) goes through these functions, so the
Italian edition never shows a decimal point.

Conventions (APA 7 and R's ``format.pval``): p-values print with three decimals and below 0.001 as
"< 0.001" (never "0.000"); intervals print as "[low, high]" in English and "[low; high]" in Italian
(the comma is the decimal separator there); a missing value prints as an en dash.
"""
from __future__ import annotations

import math
from numbers import Real

MISSING = "–"
LANGS = ("en", "it")
_SEPARATORS = {"en": (".", ","), "it": (",", ".")}  # (decimal, thousands)
_INTERVAL_SEPARATOR = {"en": ", ", "it": "; "}


def _check(lang: str) -> None:
    if lang not in _SEPARATORS:
        raise ValueError(f"language {lang!r} is not supported; supported: {', '.join(LANGS)}")


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value, digits: int = 2, lang: str = "en", sign: bool = False, grouping: bool = True) -> str:
    """`value` rounded to `digits` decimals with the separators of `lang`; "+" before positive numbers
    when `sign`; thousands grouped when `grouping` (only numbers of five or more integer digits in
    Italian, as Italian typesetting leaves four-digit numbers ungrouped: "2500", "12.500")."""
    _check(lang)
    if _missing(value):
        return MISSING
    value = float(value)
    text = f"{value:{'+' if sign else ''},.{digits}f}" if grouping else f"{value:{'+' if sign else ''}.{digits}f}"
    if text.lstrip("+-") == f"{0:.{digits}f}" and text.startswith("-"):
        text = text[1:] if not sign else "+" + text[1:]  # no "-0.00"
    if grouping and lang == "it":
        integer = text.lstrip("+-").split(".")[0]
        if len(integer.replace(",", "")) <= 4:
            text = text.replace(",", "")
    decimal, thousands = _SEPARATORS[lang]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def integer(value, lang: str = "en") -> str:
    """A count, with the thousands separator of `lang`."""
    return number(value, 0, lang)


def percent(share, digits: int = 1, lang: str = "en") -> str:
    """A share (0-1) as a percentage: "12.5%" / "12,5%"."""
    return MISSING if _missing(share) else number(100 * float(share), digits, lang) + "%"


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


def is_number_text(text: str) -> bool:
    """Whether `text` is a number as these functions print it (for right-aligning table cells)."""
    stripped = text.strip().removeprefix("< ").removesuffix("%").lstrip("+-−")
    return stripped == MISSING or (bool(stripped) and all(c.isdigit() or c in ".," for c in stripped)
                                   and stripped[0].isdigit())


class TickFormatter:
    """A matplotlib tick formatter that prints tick values with the separators of `lang`.

    It wraps matplotlib's own ScalarFormatter (which chooses the number of decimals for the tick
    spacing) and only swaps the separators, so ticks read "0,25" in Italian.
    """

    def __new__(cls, lang: str = "en", digits: int | None = None, percent_axis: bool = False):
        from matplotlib.ticker import FuncFormatter, ScalarFormatter

        _check(lang)
        if digits is not None:
            return FuncFormatter(lambda x, _pos: (percent(x, digits, lang) if percent_axis
                                                  else number(x, digits, lang)))
        base = ScalarFormatter(useOffset=False)

        class _Localized(type(base)):
            def __call__(self, x, pos=None):
                text = super().__call__(x, pos).replace("\N{MINUS SIGN}", "-")
                decimal, _ = _SEPARATORS[lang]
                return text.replace(".", decimal).replace("-", "\N{MINUS SIGN}")

        return _Localized(useOffset=False)


def localize_axes(fig, lang: str = "en") -> None:
    """Give every numeric axis of `fig` tick labels with the separators of `lang` (categorical axes,
    whose ticks are text, are left alone)."""
    from matplotlib.ticker import ScalarFormatter

    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(TickFormatter(lang))
