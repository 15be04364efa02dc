"""The one formatter of numbers, money and dates, and the one parse of typed money and decimals
(ai_register.formats): Swedish and English forms read back exactly, ambiguous or malformed text is
refused rather than guessed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_register import formats
from ai_register.formats import WHOLE_MONEY, NumberNotRead, day, input_text, money, number, parse_decimal

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("120 000,50", "120000.50"),  # Swedish, as people type it
        ("120\u00a0000,50", "120000.50"),  # Swedish, as the register shows it (no-break space)
        ("120\u202f000,50", "120000.50"),  # narrow no-break space
        ("120000,50", "120000.50"),
        ("120,000.50", "120000.50"),  # English
        ("120000.50", "120000.50"),
        ("1,234,567", "1234567"),
        ("1 234 567", "1234567"),
        ("1 234.5", "1234.5"),
        ("0,125", "0.125"),
        ("0.125", "0.125"),
        ("1234,567", "1234.567"),  # four digits before the mark: no thousands group
        ("1,2340", "1.2340"),
        ("-1,5", "-1.5"),
        ("\u22122", "-2"),  # the minus sign Swedish text uses
        ("  42 ", "42"),
        (",5", "0.5"),
    ],
)
def test_reads_swedish_and_english_forms(typed, value):
    assert parse_decimal(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["1,234", "1.234", "120,000", "120.000", "-999,999"])
def test_refuses_what_reads_two_ways(typed):
    with pytest.raises(NumberNotRead) as refused:
        parse_decimal(typed)
    assert refused.value.reason == "ambiguous"


@pytest.mark.parametrize(
    "typed",
    ["", " ", "abc", "1e5", "NaN", "Infinity", "1.234.567", "1.234,5", "12 00", "1 2345", "1,23,456",
     "1,234 567", "1 234,5 6", "1,5,6", "--1", "12kr", "1,234.5.6", "1.5,234"],
)
def test_refuses_what_is_no_number(typed):
    with pytest.raises(NumberNotRead) as refused:
        parse_decimal(typed)
    assert refused.value.reason == "malformed"


def test_shows_numbers_money_and_dates_in_the_readers_form():
    assert number(Decimal("120000.50"), "sv") == f"120{NBSP}000,5"
    assert number(Decimal("120000.50"), "en") == "120,000.5"
    assert number(Decimal("42.000000"), "sv") == "42"
    assert number(2.3333333, "sv") == "2,33"  # a computed float: two decimals
    assert number(None) == "–"
    assert money(Decimal("120000.50"), "SEK", "sv") == f"120{NBSP}000,50{NBSP}kr"
    assert money(Decimal("120000.50"), "SEK", "en") == f"120,000.50{NBSP}SEK"
    assert money(Decimal("530000.00"), "SEK", "sv") == f"530{NBSP}000{NBSP}kr"
    assert day(date(2026, 12, 6), "sv") == day("2026-12-06T10:00:00Z", "en") == "2026-12-06"
    assert input_text(Decimal("120000.50"), "sv") == "120000,5"
    assert input_text(Decimal("1.234"), "en") == "1.2340"  # "1.234" would be refused as ambiguous


decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False,
                       allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=decimals, lang=st.sampled_from(["sv", "en"]))
def test_what_an_edit_form_shows_reads_back_exactly(value, lang):
    assert parse_decimal(input_text(value, lang)) == value


@settings(max_examples=300, deadline=None)
@given(value=decimals, lang=st.sampled_from(["sv", "en"]))
def test_a_shown_number_reads_back_or_is_refused_never_misread(value, lang):
    shown = number(value, lang)
    try:
        read = parse_decimal(shown)
    except NumberNotRead as refused:
        assert refused.reason == "ambiguous", shown  # "1,234": the reader is asked, not guessed for
    else:
        assert read == value, shown


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=-10**12, max_value=10**12).filter(lambda c: c % 100),
       lang=st.sampled_from(["sv", "en"]))
def test_an_amount_with_oren_reads_back_in_both_languages(cents, lang):
    value = Decimal(cents).scaleb(-2)
    shown = money(value, "SEK", lang).replace(f"{NBSP}kr", "").replace(f"{NBSP}SEK", "")
    assert parse_decimal(shown) == value


@settings(max_examples=150, deadline=None)
@given(amount=st.one_of(st.integers(min_value=-10**13, max_value=10**13), st.sampled_from([0, 1, 999, 1000, 10**6])),
       lang=st.sampled_from(["sv", "en", "en_GB", "de", "fr", "es", "pl", "de_CH", "ar"]),
       currency=st.sampled_from(["SEK", "EUR", "USD", "NOK", "JPY", "CHF", "XYZ"]))
def test_a_whole_amount_or_number_is_written_as_babel_writes_it(amount, lang, currency):
    """Whole amounts and numbers are written from the form Babel gave once per language (and currency: a page
    writes a hundred); each reads exactly as Babel writes it, negative and -0 included (Babel writes those)."""
    for value in (Decimal(amount), Decimal(f"{amount}.00"), float(amount)):
        assert money(value, currency, lang) == format_currency(
            Decimal(amount), currency, format=WHOLE_MONEY, locale=lang, currency_digits=False), (value, lang)
    assert money(Decimal("-0"), currency, lang) == format_currency(
        Decimal("-0"), currency, format=WHOLE_MONEY, locale=lang, currency_digits=False)
    for value in (amount, Decimal(amount), Decimal(f"{amount}.000"), str(amount), float(amount)):
        assert number(value, lang) == format_decimal(Decimal(amount), locale=lang, decimal_quantization=False), (
            value, lang)


def test_the_registers_languages_write_whole_amounts_without_babel():
    """Swedish and English whole amounts come from the form found once (the speed a page of amounts relies on);
    a language whose amounts do not fit the form is left to Babel."""
    for lang in ("sv", "en"):
        assert formats._whole_form(Locale.parse(lang), "SEK") is not None
        assert formats._whole_form(Locale.parse(lang), None) is not None
    assert money(Decimal("530000"), "SEK", "sv") == f"530{NBSP}000{NBSP}kr"
    assert money(Decimal("530000"), "SEK", "en") == f"530,000{NBSP}SEK"
