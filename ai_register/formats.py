"""Numbers, money and dates as the reader writes them, and the one parse of typed money and decimals.

Every page (the Jinja filters `number`, `money`, `day`, `moment`) and the printed reports show values
through the functions here, in the current Flask-Babel locale: Swedish "120 000,50 kr" (decimal comma,
non-breaking space between thousands), English "120,000.50 SEK". Dates stay ISO (2026-12-06), the form
Swedish writes them and one nobody misreads.

`parse_decimal` is the server's one reading of a typed amount or decimal, whatever the browser did:
it accepts the Swedish ("120 000,50", "120000,50") and the English form ("120,000.50", "120000.50")
and refuses what could be read two ways ("1,234" is 1234 in English and 1.234 in Swedish) or is no
number at all, with a reason the web form shows beside the field.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import get_decimal_symbol, get_group_symbol, parse_pattern
from flask import has_app_context
from flask_babel import force_locale, gettext
from flask_babel import format_date as _flask_date
from flask_babel import get_locale as _flask_locale
from flask_babel import get_timezone as _flask_timezone

NONE = "–"
DATE_PATTERN = "yyyy-MM-dd"
DATETIME_PATTERN = "yyyy-MM-dd HH:mm"
DEFAULT_LOCALE = "sv"
FLOAT_PLACES = Decimal("0.01")  # a computed float (payback years) is shown to two decimals


def current_locale() -> Locale:
    """The request's (or `force_locale`'s) locale; Swedish outside the application."""
    locale = _flask_locale() if has_app_context() else None
    return locale or Locale.parse(DEFAULT_LOCALE)


def _locale(locale) -> Locale:
    if locale is None:
        return current_locale()
    return locale if isinstance(locale, Locale) else Locale.parse(str(locale))


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(str(value)).quantize(FLOAT_PLACES).normalize()
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> Decimal:
    """42.000000 → 42 and 1.2E+2 → 120: the digits a person writes, no trailing zeros."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def number(value, locale=None) -> str:
    """A stored or computed number in the reader's form ("1 234,5"); no value is "–"."""
    if value is None or value == "":
        return NONE
    parsed = _decimal(value)
    if parsed is None:
        return str(value)
    plain, loc = _plain(parsed), _locale(locale)
    if plain == plain.to_integral() and not plain.is_signed() and (form := _whole_form(loc, None)) is not None:
        return _whole(int(plain), *form)
    return _babel_decimal(plain, locale=loc, decimal_quantization=False)


def money(value, currency: str | None = "SEK", locale=None) -> str:
    """An amount with its currency ("120 000,50 kr", "120,000.50 SEK"); whole amounts without ",00"."""
    if value is None or value == "":
        return NONE
    parsed = _decimal(value)
    if parsed is None:
        return str(value)
    loc = _locale(locale)
    if not currency:
        return number(parsed, loc)
    if parsed == parsed.to_integral():
        if not parsed.is_signed() and (form := _whole_form(loc, currency)) is not None:
            return _whole(int(parsed), *form)
        return _babel_currency(parsed, currency, format=WHOLE_MONEY, locale=loc, currency_digits=False)
    return _babel_currency(parsed, currency, format=MONEY, locale=loc, currency_digits=False)


# Parsed once: babel parses a pattern given as text on every call (two thirds of an amount's formatting time;
# a portfolio page formats dozens).
WHOLE_MONEY, MONEY = parse_pattern("#,##0\u00a0¤"), parse_pattern("#,##0.00\u00a0¤")

# A whole number (or amount of a currency) in a language, as Babel writes it (`number`; `money` with WHOLE_MONEY),
# found once per process: the group separator and the text before and after the digits (None when Babel's form
# is not that: then Babel writes each one). A page of 50 portfolio rows writes some hundred amounts and an audit
# page some hundred numbers, each 20-30 µs in Babel.
_WHOLE_FORMS: dict[tuple[str, str | None], tuple[str, str, str] | None] = {}
_WHOLE_SAMPLES = (0, 7, 12, 123, 1234, 12345, 123456, 1234567, 987654321012)


def _babel_whole(amount: int, loc: Locale, currency: str | None) -> str:
    if currency is None:
        return _babel_decimal(Decimal(amount), locale=loc, decimal_quantization=False)
    return _babel_currency(Decimal(amount), currency, format=WHOLE_MONEY, locale=loc, currency_digits=False)


def _whole_form(loc: Locale, currency: str | None) -> tuple[str, str, str] | None:
    key = (str(loc), currency)
    if key in _WHOLE_FORMS:
        return _WHOLE_FORMS[key]
    written, group = _babel_whole(1234567, loc, currency), get_group_symbol(loc)
    digits = f"1{group}234{group}567"
    at = written.find(digits)
    form = None if at < 0 else (group, written[:at], written[at + len(digits):])
    if form is not None and any(_whole(n, *form) != _babel_whole(n, loc, currency) for n in _WHOLE_SAMPLES):
        form = None
    _WHOLE_FORMS[key] = form
    return form


def _whole(amount: int, group: str, before: str, after: str) -> str:
    return f"{before}{amount:,}{after}" if group == "," else f"{before}{f'{amount:,}'.replace(',', group)}{after}"


def day(value, locale=None) -> str:
    """A date (or the day of a timestamp) as 2026-12-06."""
    if value is None or value == "":
        return NONE
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime) and has_app_context():
        return _flask_date(value, DATE_PATTERN)  # the day in the register's time zone
    if type(value) is date:
        return _iso_day(value)
    return _babel_date(value, DATE_PATTERN, locale=_locale(locale))


# DATE_PATTERN and DATETIME_PATTERN have only digits (Babel writes the same ASCII digits in every locale the
# register speaks), so a page's dates are written directly: Babel parses and walks the pattern on every call,
# and an audit page shows some hundred moments (tests/i18n/test_numbers.py holds both ways equal).
def _iso_day(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _register_moment(value: datetime) -> str:
    """The moment in the register's time zone as DATETIME_PATTERN writes it (a naive value is UTC, as
    Flask-Babel takes it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    zone = _flask_timezone()
    value = value.astimezone(zone)
    if hasattr(zone, "normalize"):  # pytz
        value = zone.normalize(value)
    return f"{_iso_day(value)} {value.hour:02d}:{value.minute:02d}"


def moment(value, locale=None) -> str:
    """A timestamp as 2026-12-06 14:05 in the register's time zone."""
    if value is None or value == "":
        return NONE
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return day(value, locale)
    if has_app_context():
        return _register_moment(value)  # as _flask_datetime(value, DATETIME_PATTERN) writes it
    return _babel_datetime(value, DATETIME_PATTERN, locale=_locale(locale))


def country(code, locale=None) -> str:
    """An ISO 3166-1 alpha-2 code as the country's name in the reader's language (Babel's CLDR territory
    names, not catalog texts: "Sverige", "USA"); an unknown code as it is."""
    if not code:
        return NONE
    return _locale(locale).territories.get(str(code).upper(), str(code))


def countries(codes, locale=None) -> str:
    """Several countries, in the order given: "Sverige, USA"."""
    return ", ".join(country(code, locale) for code in codes or [])


# --------------------------------------------------------------------------- catalog messages

LANGUAGES = ("sv", "en")


def translated(message, lang: str) -> str:
    """A catalog message (or a lazy one) in `lang`; the message itself outside the application."""
    if not has_app_context():
        return str(message)
    current = _flask_locale()
    if current is not None and current.language == lang:
        return gettext(message) if isinstance(message, str) else str(message)
    with force_locale(lang):
        return gettext(message) if isinstance(message, str) else str(message)


def both(message) -> dict[str, str]:
    """The {"sv": …, "en": …} pair of a catalog message, for JSON that carries both languages."""
    return {lang: translated(message, lang) for lang in LANGUAGES}


# --------------------------------------------------------------------------- parse


class NumberNotRead(ValueError):
    """A typed number the register cannot read unambiguously; `reason` is "ambiguous" or "malformed"."""

    def __init__(self, text: str, reason: str):
        super().__init__(f"{reason}: {text!r}")
        self.text = text
        self.reason = reason


# Spaces people and browsers put between thousands: space, no-break space, narrow no-break, thin space.
_SPACES = " \u00a0\u202f\u2009"
_SIGN = re.compile(r"^([+\-\u2212]?)(.*)$", re.S)
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def parse_decimal(text: str) -> Decimal:
    """Read "120 000,50", "120000,50", "120,000.50", "120000.50", "-1,5", "0.125" as a Decimal.

    Thousands are grouped by spaces (Swedish) or commas (English, with a decimal point); the decimal
    separator is a comma or a point. Refused (NumberNotRead): "1,234" and "1.234" (thousands or
    decimals?), dots as thousands ("1.234.567"), groups of other than three digits, letters, exponents.
    """
    raw = "" if text is None else str(text)
    stripped = raw.strip(_SPACES + "\t\r\n")
    sign, body = _SIGN.match(stripped).groups()
    if not body or not re.fullmatch(r"[0-9.," + _SPACES + "]+", body):
        raise NumberNotRead(raw, "malformed")
    if "." in body and "," in body:
        # English: commas between thousands, a point before the decimals.
        whole, _, fraction = body.rpartition(".")
        if "," in fraction or not _COMMA_GROUPED.match(whole):
            raise NumberNotRead(raw, "malformed")
        whole = whole.replace(",", "")
    else:
        separators = body.count(".") + body.count(",")
        if separators > 1:
            if body.count(",") > 1 and _COMMA_GROUPED.match(body):
                whole, fraction = body.replace(",", ""), ""  # 1,234,567
            else:
                raise NumberNotRead(raw, "malformed")
        elif separators == 1:
            mark = "." if "." in body else ","
            whole, _, fraction = body.partition(mark)
            has_spaces = any(s in whole for s in _SPACES)
            if not fraction or any(s in fraction for s in _SPACES):
                raise NumberNotRead(raw, "malformed")
            if (not has_spaces and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"):
                # "1,234" / "120.000": a thousands group in one language, decimals in the other.
                raise NumberNotRead(raw, "ambiguous")
        else:
            whole, fraction = body, ""
        if any(s in whole for s in _SPACES):
            if not _SPACE_GROUPED.match(whole):
                raise NumberNotRead(raw, "malformed")
            for space in _SPACES:
                whole = whole.replace(space, "")
    if not whole and fraction:
        whole = "0"  # ",5" and ".5"
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise NumberNotRead(raw, "malformed")
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    return -value if sign in ("-", "\u2212") else value


def input_text(value, locale=None) -> str:
    """A stored decimal as an edit form shows it: the reader's decimal mark, no thousands separator
    ("120000,5"), and "1,2340" rather than "1,234", so what the form shows `parse_decimal` reads back."""
    if value is None or value == "":
        return ""
    parsed = _decimal(value)
    if parsed is None:
        return str(value)
    written = format(_plain(parsed), "f")
    whole, _, fraction = written.lstrip("-").partition(".")
    if len(fraction) == 3 and whole != "0":
        written += "0"
    return written.replace(".", get_decimal_symbol(_locale(locale)))


# --------------------------------------------------------------------------- codes and catalog messages as words


def lang() -> str:
    return "en" if str(_flask_locale()) == "en" else "sv"


def catalog_text(message: str | None) -> str:
    """A text a pure module stored in English (a catalog message marked `N_`) in the reader's language;
    a stored text the catalog does not know (an older wording) as it is."""
    return gettext(message) if message else ""


def joined_text(text: str | None, separator: str = "; ") -> str:
    """Several catalog messages a pure module joined ("if the region is a deployer only …; if the system
    is high-risk …", "AI Act Art 27; AI Act Art 49(3)"), each in the reader's language."""
    if not text:
        return ""
    return separator.join(catalog_text(part) for part in text.split(separator))


def lookup(table: dict, code) -> str:
    """A code's label from `table`; a code the table does not know as it is."""
    value = table.get(code)
    return str(value) if value is not None else (str(code) if code is not None else "")
