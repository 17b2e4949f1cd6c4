"""The locale-aware number formatter (present/formatting.py)."""
import math

import pytest

from cooperate_analysis.present import formatting as fmt


@pytest.mark.parametrize("value, digits, en, it", [
    (1234.5, 1, "1,234.5", "1.234,5"),  # CLDR groups Italian four-digit numbers too (one rule for all counts)
    (12345.678, 2, "12,345.68", "12.345,68"),
    (-0.82, 2, "\N{MINUS SIGN}0.82", "\N{MINUS SIGN}0,82"),  # a true minus sign in both languages
    (-0.0001, 2, "0.00", "0,00"),
    (0.25, 2, "0.25", "0,25"),
    (1_000_000, 0, "1,000,000", "1.000.000"),
    (math.nan, 2, "–", "–"),
    (None, 2, "–", "–"),
])
def test_number(value, digits, en, it):
    assert fmt.number(value, digits, "en") == en
    assert fmt.number(value, digits, "it") == it


def test_number_is_babels_format_decimal_of_the_rounded_magnitude():
    """The cached formatting (`formatting._decimal`) gives what `babel.numbers.format_decimal` gives, for
    random magnitudes, digits, languages and grouping, asked twice (the second time from the cache)."""
    import random

    from babel.numbers import format_decimal

    rng = random.Random(3)
    for _ in range(400):
        value = rng.choice([rng.uniform(-2, 2), rng.uniform(-1e7, 1e7), rng.randint(-5000, 5000) / 8])
        digits, lang, grouping = rng.randint(0, 4), rng.choice(["en", "it"]), rng.random() < 0.7
        rounded = round(value, digits) or 0.0
        pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits else "")
        expected = format_decimal(abs(rounded), format=pattern, locale=fmt.LOCALES[lang], decimal_quantization=True,
                                  group_separator=grouping)
        expected = ("\N{MINUS SIGN}" if rounded < 0 else "") + expected
        for _ in range(2):
            assert fmt.number(value, digits, lang, grouping=grouping) == expected, (value, digits, lang, grouping)


def test_pvalue_never_prints_zero():
    assert fmt.pvalue(0.0, "en") == "< 0.001"
    assert fmt.pvalue(0.00049, "it") == "< 0,001"
    assert fmt.pvalue(0.001, "en") == "0.001"
    assert fmt.pvalue(0.0234, "it") == "0,023"
    assert fmt.pvalue(1.0000001, "en") == "1.000"


def test_interval_and_percent():
    assert fmt.interval(-0.123, 0.5, 2, "en") == "[\N{MINUS SIGN}0.12, 0.50]"
    assert fmt.interval(-0.123, 0.5, 2, "it") == "[\N{MINUS SIGN}0,12; 0,50]"
    assert fmt.percent(0.4949, 2, "it") == "49,49%"
    assert fmt.number(0.82, 2, "en", sign=True) == "+0.82"


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="fr"):
        fmt.number(1.0, 2, "fr")


def test_number_text_is_recognised():
    for text in ["< 0,001", "1.234,5", "+0,82", "-1", "–", "12,5%"]:
        assert fmt.is_number_text(text), text
    for text in ["Capannori", "", "n.d.", "0.1 a"]:
        assert not fmt.is_number_text(text), text


def test_ticks_have_decimal_comma_in_italian():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([-0.5, 0.25], [0.1, 0.9])
    fmt.localize_axes(fig, "it")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    plt.close(fig)
    assert any("," in label for label in labels)
    assert not any("." in label for label in labels)
