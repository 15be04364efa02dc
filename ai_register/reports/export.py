"""JSON and CSV renderings of reports, written piece by piece so a large report never sits whole in
memory: the report head is one JSON object, the audit events follow one at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ai_register.reports.events import event_json
from ai_register.reports.portfolio_report import PORTFOLIO_COLUMNS


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def iter_report_json(report: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The report object with `audit_events` as its last member, streamed event by event."""
    head = _dumps(dict(report))
    yield head[:-1] + (',"audit_events":[' if len(report) else '"audit_events":[')
    first = True
    for event in events:
        yield ("" if first else ",") + _dumps(event_json(event))
        first = False
    yield "]}"


def iter_portfolio_json(head: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The portfolio report object: `head`'s members, then `items` row by row and their `total` (the rows
    are read in batches as they are written, so the whole register never sits in memory)."""
    text = _dumps(dict(head))
    yield text[:-1] + (',"items":[' if len(head) else '"items":[')
    total = 0
    for row in rows:
        yield ("," if total else "") + _dumps({column: row[column] for column in PORTFOLIO_COLUMNS})
        total += 1
    yield f'],"total":{total}}}'


def iter_events_jsonl(events: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """One event per line with every chain field, exactly as hashed (see tools/verify_bundle.py)."""
    for event in events:
        yield (json.dumps(event_json(event), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
               + "\n").encode("utf-8")


def portfolio_csv_row(row: Mapping[str, Any], columns: Iterable[str] = PORTFOLIO_COLUMNS) -> list[str]:
    values = []
    for column in columns:
        value = row.get(column)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        values.append("" if value is None else csv_safe(str(value)))
    return values


def csv_safe(text: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; such text gets a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def iter_csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> Iterator[str]:
    """CSV with a byte-order mark, so spreadsheet programs read å, ä and ö right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(list(row))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
