"""Moments and days are written directly (formats._register_moment, formats._iso_day), not through Babel's
pattern formatter: the same text, in both languages, around the region's clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import flask_babel
from babel.dates import format_date as babel_date
from flask_babel import force_locale

from ai_register.formats import DATE_PATTERN, DATETIME_PATTERN, day, moment

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # clocks forward
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # clocks back
    datetime(2026, 12, 31, 23, 5, 7, 999999, tzinfo=UTC),  # a new year in Stockholm, not in UTC
    datetime(2026, 6, 1, 8, 3, tzinfo=timezone(timedelta(hours=-5))),  # another zone's moment
    datetime(2026, 1, 2, 3, 4, 5),  # naive: UTC, as Flask-Babel takes it
    datetime(999, 5, 6, 7, 8, tzinfo=UTC), datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
]


def test_moments_and_days_read_as_babel_writes_them(app):
    with app.test_request_context():
        for lang in ("sv", "en"):
            with force_locale(lang):
                for value in MOMENTS + [datetime(2026, 7, 1, tzinfo=UTC) + timedelta(minutes=397 * n)
                                        for n in range(200)]:
                    assert moment(value) == flask_babel.format_datetime(value, DATETIME_PATTERN), value
                    assert moment(value.isoformat()) == moment(value)
                assert moment("2026-12-07T05:55:43.370008+00:00") == "2026-12-07 06:55"
                for value in (date(2026, 12, 6), date(1, 1, 1), date(999, 2, 3), date(9999, 12, 31)):
                    assert day(value) == babel_date(value, DATE_PATTERN, locale=lang), value
                assert day("2026-12-06") == "2026-12-06"
    assert day(date(2026, 1, 9), "en") == "2026-01-09"  # outside a request too
