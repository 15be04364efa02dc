"""The traceability report's audit-trail section: the chain's verification, the signed checkpoint and its
contradictions, and the events table (what changed, in words), laid out in chunks as the events are read."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import gettext
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from ai_register.audit import record_labels
from ai_register.audit.chain import format_timestamp
from ai_register.reports.labels import text
from ai_register.reports.pdf.blocks import Blocks, Plain, paragraph
from ai_register.reports.pdf.document import EVENT_CHUNK, FONT


def _short_hash(value: str | None, length: int = 12) -> str:
    return (value or "")[:length]


def _event_details(event: Mapping[str, Any], lang: str, names: Mapping[int, str] | None = None) -> str:
    """What changed, in words: changed fields by label with their values before and after (codes as
    labels), the other fields of the event, and the reason in the reader's language."""

    data = event.get("data") or {}
    entity = event.get("entity_type")
    people = dict(names or {})
    parts = []
    if isinstance(data, Mapping):
        if isinstance(data.get("record"), Mapping):
            parts.append(text("created", lang))
        changes = data.get("changes")
        if isinstance(changes, Mapping):
            changes = {k: v for k, v in changes.items() if k not in QUIET_FIELDS}
            for name, change in list(changes.items())[:6]:
                if isinstance(change, Mapping):
                    before = _short(record_labels.value_text(name, change.get("before"), entity, people))
                    after = _short(record_labels.value_text(name, change.get("after"), entity, people))
                    parts.append(f"{record_labels.field_label(name)}: {before} → {after}")
            if len(changes) > 6:
                parts.append(f"+{len(changes) - 6}")
        for name, value in data.items():
            if name not in ("record", "changes", "reason_code", "reason_params"):
                shown = _short(record_labels.value_text(name, value, entity, people))
                parts.append(f"{record_labels.field_label(name)}: {shown}")
    if event.get("reason"):
        reason = record_labels.reason_text(SimpleNamespace(data=data, reason=event["reason"]))
        parts.append(f"({_compact(reason, 400)})")
    return "; ".join(parts)


def _short(value: str, limit: int = 80) -> str:
    """A long value (a text, a list of answers) in the events table: its start, and where the rest is."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + " [" + _see_json() + "]"


def _see_json() -> str:
    return gettext("continued in the JSON report")


_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
# Fields that change with every write and say nothing to a reader of the trail.
QUIET_FIELDS = frozenset({"updated_at", "version"})


def _compact(value: Any, limit: int = 40) -> str:
    content = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    content = _ISO_TIME.sub(lambda m: f"{m.group(1)} {m.group(2)}", content)
    return content if len(content) <= limit else content[: limit - 1] + "…"


def _checkpoint_lines(b: Blocks, chain) -> Iterator[Flowable]:
    """The latest signed checkpoint of the chain (issue #19), and any checkpoint the chain contradicts."""
    checkpoint = chain.get("checkpoint")
    if checkpoint:
        yield b.para(f"{b.t('checkpoint')}: #{checkpoint['position']} · {checkpoint['head']} · "
                     f"{checkpoint['signed_at']}", "small")
    for item in chain.get("checkpoint_contradictions") or []:
        why = b.t(f"checkpoint_{item['kind']}").format(end=item["chain_ends_at"], position=item["position"],
                                                       signed_at=item["signed_at"])
        yield Paragraph(escape(f"{b.t('broken')}: {why}"), b.s["verdict_bad"])


def _audit(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_audit")
    chain = report["chain"]
    verification = chain["verification"]
    verdict = b.t("intact") if verification["intact"] else b.t("broken")
    yield Paragraph(escape(f"{b.t('verification')}: {verdict} · {verification['events_checked']} "
                           f"{b.t('events_checked')}"),
                    b.s["verdict_ok" if verification["intact"] else "verdict_bad"])
    for problem in verification.get("problems") or []:
        yield b.para(f"#{problem['position']} (seq {problem['solution_seq']}): {problem['reason']}")
    yield b.para(f"{b.t('chain_head')}: #{chain['head']['position']} · {chain['head']['hash']}", "small")
    if chain.get("head_as_of"):
        head = chain["head_as_of"]
        yield b.para(f"{b.t('as_of')}: #{head['position']} · {head['hash']}", "small")
    yield from _checkpoint_lines(b, chain)
    yield from b.h2(f"{number}.1", f"{b.t('events')} ({chain['events_of_solution']})")
    header = [b.t(key) for key in ("seq", "position", "time", "actor", "action", "entity", "details", "hash")]
    widths = [5, 6, 15.5, 13, 11, 12.5, 26, 11]
    # Every cell that holds words wraps (a name is never cut); numbers and hashes are drawn as they are.
    chunk: list[list[Any]] = []
    style = b.s["small"]
    room = [w * b.width / sum(widths) - 7 for w in widths]

    def cell(value: Any, column: int) -> Flowable | Plain:
        # One line drawn as it is when it fits (cheap for thousands of rows), else a wrapping paragraph.
        content = "—" if value in (None, "") else str(value)
        if pdfmetrics.stringWidth(content, FONT, style.fontSize) <= room[column]:
            return Plain(content)
        return paragraph(content, style, b.lang)

    for event in events():
        entity = f"{record_labels.entity_label(event['entity_type'])} {event['entity_id']}"
        chunk.append([
            Plain(event["solution_seq"]), Plain(event["position"]),
            cell(_iso(event["occurred_at"])[:16].replace("T", " "), 2),
            cell(names.get(event["actor_id"], event["actor_id"]), 3),
            cell(record_labels.action_label(event["action"]), 4), cell(entity, 5),
            paragraph(_event_details(event, b.lang, names), style, b.lang, 400), Plain(_short_hash(event["hash"], 10)),
        ])
        if len(chunk) >= EVENT_CHUNK:
            yield b.table(header, chunk, widths, small=True)
            chunk = []
    if chunk or not chain["events_of_solution"]:
        yield b.table(header, chunk, widths, small=True)


def _iso(value: Any) -> str:
    return format_timestamp(value) if hasattr(value, "tzinfo") else str(value)


WRITERS: dict[str, Callable] = {"audit": _audit}
