"""`flask demo load --scale N`: N solutions, one classified answer set each and 10·N chained audit
events, for benchmarks. Bulk writes (PostgreSQL COPY through psycopg; plain executemany INSERTs
elsewhere) inside one transaction; the hash chain is computed here, in order, exactly as
`audit.record` computes it, so `flask audit verify` holds afterwards.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Table, func, insert, select, text

from ai_register.audit import services as audit
from ai_register.audit.chain import link_hash
from ai_register.audit.models import AuditEvent
from ai_register.classification.models import APPROVED, DRAFT, Classification, ClassificationSummary
from ai_register.classification.rulesets import active_ruleset, snapshot_ruleset
from ai_register.classification.summaries import stored_columns
from ai_register.extensions import db, storage_json
from ai_register.rules.evaluator import classify
from ai_register.rules.ruleset import RuleSet
from ai_register.solutions.lifecycle.phases import PHASE_ORDER
from ai_register.solutions.models import Solution
from ai_register.users import services as users
from ai_register.users.models import User

EVENTS_PER_SOLUTION = 10
CHUNK = 5_000  # solutions per round of COPY statements: bounded memory, few round trips
OWNERS = 50
CARE_UNITS = ("Akutmottagningen", "Radiologi", "Vårdcentral Norr", "Vårdcentral Söder", "Onkologi",
              "Barnkliniken", "Kardiologi", "Patologi", "Psykiatri", "Ortopedi")
TAGS = ("triage", "bild", "text", "prognos", "logistik", "språkmodell", "tal", "labb")
TOPICS = ("triagestöd", "röntgentolkning", "journalsammanfattning", "sepsisvarning", "remisshantering",
          "schemaläggning", "hudlesionsanalys", "taligenkänning", "läkemedelsavstämning", "fallprevention")
SCALE_EMAIL = "skala-{role}-{n}@region.example"


def load_scale(count: int, *, seed: int = 2026, progress: Callable[[str], None] = lambda _m: None) -> dict:
    """Add `count` solutions with their classifications and audit events; the caller commits."""
    rng = random.Random(seed)
    owners, reviewer = _scale_users()
    ruleset = active_ruleset()
    snapshot = snapshot_ruleset(ruleset)
    db.session.flush()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Nobody else numbers solutions, classifications or chain links while we do.
        db.session.execute(text("LOCK TABLE solutions, classifications IN EXCLUSIVE MODE"))
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": audit.CHAIN_LOCK_KEY})
    head = audit.chain_head()
    state = {
        "position": head["position"], "prev": head["hash"],
        "solution_id": db.session.scalar(select(func.coalesce(func.max(Solution.id), 0))),
        "classification_id": db.session.scalar(select(func.coalesce(func.max(Classification.id), 0))),
        "moment": datetime.now(UTC) - timedelta(seconds=EVENTS_PER_SOLUTION * count + 60),
    }
    write = _copy if postgres else _insert
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        solutions, classifications, events = _chunk(size, rng, state, owners, reviewer, ruleset, snapshot.sha256)
        write(Solution.__table__, solutions)
        write(Classification.__table__, classifications)
        # The detail's kept summary of each (classification/summaries.py), as a write through the ORM keeps it.
        write(ClassificationSummary.__table__,
              [stored_columns(c["solution_id"], [Classification(**c)], ruleset) for c in classifications])
        write(AuditEvent.__table__, events)
        done += size
        progress(f"{done:,} solutions, {done * EVENTS_PER_SOLUTION:,} audit events")
    if postgres:
        # The ids were given explicitly; move the sequences past them.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('solutions', 'id'), "
                                "(SELECT max(id) FROM solutions))"))
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('classifications', 'id'), "
                                "(SELECT max(id) FROM classifications))"))
    return {"solutions": count, "events": count * EVENTS_PER_SOLUTION, "head_position": state["position"]}


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL); outside the loading transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("solutions", "classifications", "classification_summaries", "audit_events",
                      "solution_co_owners"):
            db.session.execute(text(f"ANALYZE {table}"))


def _scale_users() -> tuple[list[User], User]:
    def user(role: str, n: int) -> User:
        email = SCALE_EMAIL.format(role=role, n=n)
        return users.find_user_by_email(email) or users.create_user(
            email, role, display_name=f"Skala {'Ägare' if role == 'owner' else 'Granskare'} {n}")

    return [user("owner", n) for n in range(1, OWNERS + 1)], user("compliance", 1)


def random_answers(rng: random.Random, ruleset: RuleSet) -> dict[str, Any]:
    """A plausible answer set: most questions answered with an allowed value, a few left open."""
    answers: dict[str, Any] = {}
    # The asked questions: a superseded one (ivdr_rule) together with its successor is invalid.
    for question in ruleset.asked_questions:
        if rng.random() < 0.1:
            continue
        if question.multiple:
            values = [v for v in question.value_ids if v != "unsure"]
            answers[question.id] = rng.sample(values, k=min(len(values), rng.choice((0, 0, 0, 1, 2))))
        else:
            answers[question.id] = rng.choice(question.value_ids)
    for old in ruleset.superseded:  # an answer set gives a superseded question or its successor, not both
        answers.pop(old, None)
    return answers


def _chunk(size: int, rng: random.Random, state: dict, owners: list[User], reviewer: User, ruleset: RuleSet,
           sha256: str) -> tuple[list[dict], list[dict], list[dict]]:
    solutions, classifications, events = [], [], []
    for _ in range(size):
        state["solution_id"] += 1
        state["classification_id"] += 1
        sid, cid = state["solution_id"], state["classification_id"]
        owner = rng.choice(owners)
        answers = random_answers(rng, ruleset)
        result = classify(answers, ruleset)
        approved = rng.random() < 0.7
        created = state["moment"]
        solution = _solution_row(sid, owner.id, rng, created)
        if approved:
            solution["current_ai_act_category"] = result["ai_act"]["category"]
            solution["current_device_class"] = (result.get("medical_device") or {}).get("class")
        classification = _complete(Classification.__table__, {
            "id": cid, "solution_id": sid, "version": 1, "answers": answers, "result": result,
            "ruleset_sha256": sha256, "ruleset_version": ruleset.version, "answered_by_id": owner.id,
            "created_at": created, "status": APPROVED if approved else DRAFT,
            "reviewed_by_id": reviewer.id if approved else None,
            "reviewed_at": created + timedelta(seconds=2) if approved else None,
        })
        solutions.append(solution)
        classifications.append(classification)
        events.extend(_events(state, solution, classification, owner.id, reviewer.id))
    return solutions, classifications, events


def _solution_row(sid: int, owner_id: int, rng: random.Random, created: datetime) -> dict:
    topic = rng.choice(TOPICS)
    phase = rng.choice(PHASE_ORDER).value
    return _complete(Solution.__table__, {
        "id": sid, "version": 1, "name": f"{topic.capitalize()} {sid}",
        "purpose": f"Stöd för {topic} inom {rng.choice(CARE_UNITS).lower()}, lösning nummer {sid}.",
        "care_units": rng.sample(CARE_UNITS, k=rng.randint(1, 3)), "user_groups": ["Läkare"],
        "supplier": rng.choice(("Leverantör AB", "Medtech Nord", None)), "product_version": "1.0",
        "owner_id": owner_id, "created_by_id": owner_id, "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
        "phase": phase, "status": "paused" if rng.random() < 0.05 else "active", "phase_changed_at": created,
        "next_review_on": date(2026, 1, 1) + timedelta(days=rng.randint(0, 730)), "public": rng.random() < 0.3,
        "created_at": created, "updated_at": created,
    })


def _events(state: dict, solution: dict, classification: dict, owner_id: int, reviewer_id: int) -> Iterator[dict]:
    sid = solution["id"]
    payloads = [
        ("create", "solution", sid, owner_id, {"record": audit.jsonable(solution)}),
        ("create", "classification", classification["id"], owner_id,
         {"record": audit.jsonable({k: v for k, v in classification.items() if k != "result"})}),
    ]
    for n in range(EVENTS_PER_SOLUTION - 2):
        payloads.append(("update", "solution", sid, reviewer_id if n % 3 == 2 else owner_id,
                         {"changes": {"product_version": {"before": f"1.{n}", "after": f"1.{n + 1}"}}}))
    solution["product_version"] = f"1.{EVENTS_PER_SOLUTION - 2}"
    for seq, (action, entity_type, entity_id, actor_id, data) in enumerate(payloads, start=1):
        state["position"] += 1
        state["moment"] += timedelta(seconds=1)
        fields = {"position": state["position"], "occurred_at": state["moment"], "actor_id": actor_id,
                  "channel": "cli", "action": action, "entity_type": entity_type, "entity_id": str(entity_id),
                  "solution_id": sid, "solution_seq": seq, "data": audit.trail_data(data), "reason": None,
                  "request_id": None}
        digest = link_hash(state["prev"], fields)
        yield {**fields, "prev_hash": state["prev"], "hash": digest}
        state["prev"] = digest


def _complete(table: Table, row: dict) -> dict:
    """Fill the columns the row leaves out with their Python-side defaults (COPY applies none)."""
    for column in table.columns:
        if column.key in row or column.primary_key:
            continue
        default = column.default
        if default is None:
            if column.server_default is None:
                row[column.key] = None
        elif default.is_callable:
            row[column.key] = default.arg(None)
        elif default.is_scalar:
            row[column.key] = default.arg
    return row


def _copy(table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = [c for c in table.columns if c.key in rows[0]]
    json_columns = {c.key for c in columns if c.type.__class__.__name__ == "JSON"}
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([storage_json(row[c.key])
                            if c.key in json_columns and row[c.key] is not None else row[c.key]
                            for c in columns])


def _insert(table: Table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)


def load_scale_command(count: int) -> None:
    """The CLI's `--scale N`: load, commit once, refresh statistics, say how long it took."""

    started = time.perf_counter()
    summary = load_scale(count, progress=lambda message: click.echo(f"  {message}"))
    db.session.commit()
    analyze()
    db.session.commit()
    click.echo(f"Loaded {summary['solutions']:,} solutions and {summary['events']:,} chained audit events "
               f"in {time.perf_counter() - started:.0f} s (chain head at position {summary['head_position']:,}).")
