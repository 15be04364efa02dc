"""Instants and stored values of the reports: `as_of` in the region's time zone, timestamps in one form
whichever database wrote them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from ai_register.audit.chain import format_timestamp
from ai_register.extensions import db

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")


def region_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Stockholm"))


def as_of_instant(value: date | datetime) -> datetime:
    """A date means the end of that day in the region's time zone; a naive datetime is UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    next_day = datetime.combine(value + timedelta(days=1), time.min, tzinfo=region_zone())
    return (next_day - timedelta(microseconds=1)).astimezone(UTC)


def db_instant(moment: datetime) -> datetime:
    """The value to compare with stored timestamps: SQLite keeps naive UTC, PostgreSQL aware."""
    moment = moment.astimezone(UTC)
    if db.session.get_bind().dialect.name == "sqlite":
        return moment.replace(tzinfo=None)
    return moment


def parse_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def normalise(value: Any) -> Any:
    """Stored timestamps in one form (ISO 8601 UTC with `Z`), whichever database wrote them."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and "T" in value and _ISO_DATETIME.match(value):
        return format_timestamp(parse_instant(value))
    return value
