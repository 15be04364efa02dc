"""The PDF traceability report of a solution with 1,000 audit events: time and peak memory, beside a
baseline measured in the same run — a plain reportlab table PDF of the same size (1,000 rows of
eight short text columns, one font, repeated header), which is the least any PDF of that table
costs. The ratios say what the report adds: the title page and contents, the sections, wrapped
details, the footer, reading the events from the database in batches.

    python -m bench.bench_report_pdf          (SQLite in a temporary directory)
    BENCH_DATABASE_URL=postgresql://... python -m bench.bench_report_pdf

`run()` returns the figures as a dict; `bench_result(figures)` turns them into the shared table row.
Time is the best of three renders; memory is measured in a separate render under tracemalloc (which
slows Python down, so the two are never measured together).
"""

from __future__ import annotations

import io
import json
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

EVENTS = 1000
ROUNDS = 3


def _best_of(rounds: int, func) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def _peak(func) -> int:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _load(db, events: int) -> tuple[int, int]:
    """A registered solution with `events` chained audit events (bulk insert); returns (solution, user)."""
    from sqlalchemy import func, insert, select

    from ai_register.audit import services as audit
    from ai_register.audit.chain import link_hash
    from ai_register.audit.models import AuditEvent
    from ai_register.solutions.models import Solution
    from ai_register.users import services as users

    owner = users.create_user("bench-owner@region.example", "owner", display_name="Åsa Bänkström")
    auditor = users.create_user("bench-auditor@region.example", "auditor", display_name="Örjan Revisor")
    solution = Solution(name="Bänkmärkning – triagestöd", purpose="Mäta rapportens kostnad.",
                        owner_id=owner.id, created_by_id=owner.id, care_units=["Akutmottagningen"],
                        owner=owner)
    db.session.add(solution)
    db.session.flush()
    audit.record_create(solution, "solution", solution_id=solution.id)
    head = audit.chain_head()
    seq = db.session.scalar(select(func.max(AuditEvent.solution_seq))
                            .where(AuditEvent.solution_id == solution.id))
    prev, rows, start = head["hash"], [], datetime.now(UTC) - timedelta(days=1)
    for n in range(1, events):
        fields = {"position": head["position"] + n, "occurred_at": start + timedelta(seconds=n),
                  "actor_id": owner.id, "channel": "api", "action": "update", "entity_type": "solution",
                  "entity_id": str(solution.id), "solution_id": solution.id, "solution_seq": seq + n,
                  "data": {"changes": {"purpose": {"before": f"version {n}", "after": f"version {n + 1}"}}},
                  "reason": f"ändring {n}", "request_id": None}
        digest = link_hash(prev, fields)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    db.session.execute(insert(AuditEvent), rows)
    db.session.commit()
    return solution.id, auditor.id


def _render_report(solution_id: int, auditor_id: int) -> int:
    from ai_register.extensions import db
    from ai_register.reports.events import iter_solution_events
    from ai_register.reports.pdf.traceability import render_solution_report
    from ai_register.reports.people import solution_actor_names
    from ai_register.reports.traceability import build_report
    from ai_register.solutions.models import Solution
    from ai_register.users.models import User

    solution, auditor = db.session.get(Solution, solution_id), db.session.get(User, auditor_id)
    report = build_report(solution, generated_by=auditor)
    out = io.BytesIO()
    render_solution_report(out, report, lambda: iter_solution_events(solution_id),
                           solution_actor_names(solution_id), "sv")
    return out.tell()


def _render_baseline(rows: int) -> int:
    """The same number of rows as a plain table: Helvetica, no wrapping, header repeated."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    data = [["Seq", "Pos", "Time (UTC)", "Actor", "Action", "Record", "Details", "Hash"]]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1, rows + 1):
        data.append([str(n), str(n), (start + timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S"), "Owner",
                     "update", f"solution {n}", f"purpose: version {n} -> {n + 1}", f"{n:012x}"])
    out = io.BytesIO()
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7), ("GRID", (0, 0), (-1, -1), 0.25,
                                                                               "#999999")]))
    SimpleDocTemplate(out, pagesize=A4).build([table])
    return out.tell()


def run(events: int = EVENTS) -> dict:
    """Figures for the PDF report of a solution with `events` audit events, and the baseline's."""
    from ai_register import create_app
    from ai_register.extensions import db
    from bench.common import bench_database_url

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": bench_database_url(Path(tmp)), "TESTING": True,
                          "SECRET_KEY": "bench-" + "x" * 40, "SIGNING_KEY_PATH": str(Path(tmp) / "key.pem"),
                          "INSTANCE_DIR": tmp})
        with app.test_request_context():
            db.create_all()
            solution_id, auditor_id = _load(db, events)
            size = _render_report(solution_id, auditor_id)  # warm up: fonts, imports, caches
            report_seconds = _best_of(ROUNDS, lambda: _render_report(solution_id, auditor_id))
            baseline_seconds = _best_of(ROUNDS, lambda: _render_baseline(events))
            report_peak = _peak(lambda: _render_report(solution_id, auditor_id))
            baseline_peak = _peak(lambda: _render_baseline(events))
            db.session.remove()  # on PostgreSQL an open read transaction would block DROP TABLE forever
            if "sqlite" not in app.config["SQLALCHEMY_DATABASE_URI"]:
                db.drop_all()
            db.engine.dispose()
    return {
        "title": f"PDF traceability report, solution with {events:,} audit events",
        "events": events,
        "pdf_bytes": size,
        "report_seconds": report_seconds,
        "baseline_seconds": baseline_seconds,
        "time_ratio": report_seconds / baseline_seconds,
        "report_peak_mb": report_peak / 1e6,
        "baseline_peak_mb": baseline_peak / 1e6,
        "memory_ratio": report_peak / baseline_peak,
        "baseline": "plain reportlab table PDF, same number of rows, one font, no wrapping",
    }


def bench_result(figures: dict):
    """The figures as a row group of the shared results table (bench/common.py)."""
    from bench.common import BenchResult, Figure

    return BenchResult(
        title=figures["title"],
        target="time and peak memory beside a plain table PDF of the same size",
        figures=[
            Figure("render time", figures["report_seconds"] * 1000, "ms", figures["baseline_seconds"] * 1000,
                   figures["baseline"]),
            Figure("peak memory (tracemalloc)", figures["report_peak_mb"], "MB", figures["baseline_peak_mb"],
                   "separate render; memory measured apart from time"),
        ],
    )


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
