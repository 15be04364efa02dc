"""The register's own personal data (GDPR): what it holds, everything about one person (Art 15), and
retention (Art 5(1)(e)) for departed staff and incidents' free text. See docs/personal-data.md.

References to a person are found from the schema (every column with a foreign key to `users` or
`persons`), so a module added later is covered without this one knowing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import ScalarSelect, Select, Table, bindparam, event, func, literal, or_, select, union_all
from sqlalchemy.engine import Engine

from ai_register.apikit import page_window
from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.audit.reasons import coded
from ai_register.extensions import db
from ai_register.incidents.models import CLOSED, Incident, IncidentDuty
from ai_register.onboarding.models import ExternalIdentity
from ai_register.oversight.models import Person
from ai_register.users.models import User

# Secrets and storage internals are not personal data of the subject and are never exported.
NOT_EXPORTED = frozenset({"password_hash", "jti", "stored_name"})
PSEUDONYM_DOMAIN = "pseudonymised.invalid"
INCIDENT_FREE_TEXT = ("what_happened", "assessment_notes", "actions_taken")
BATCH = 1000  # rows read at a time by an export
# An event about the person's account, as the export lists it: its chain fields but the hashes.
ABOUT_FIELDS = ("id", "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
                "solution_id", "solution_seq", "data", "reason", "request_id")



def N_(message: str) -> str:  # noqa: N802 (marked for the catalog; the page translates it)
    return message


# What the data-protection officer reads on the inventory: purpose, legal basis and retention per category.
CATEGORIES = (
    {"key": "users", "label": N_("Accounts"),
     "table": "users", "fields": ["email", "display_name", "role", "active", "deactivated_at"],
     "purpose": N_("Accounts: sign-in, access control and accountability for every change."),
     "legal_basis": N_("GDPR Art 6(1)(e) (public task; Art 6(1)(c) for the AI Act duties of a deployer)."),
     "retention": N_("While employed; after deactivation, name and e-mail are pseudonymised after "
                  "the retention period for departed staff. The id stays, so the audit trail remains verifiable.")},
    {"key": "external_identities", "label": N_("Single sign-on identities"),
     "table": "external_identities", "fields": ["issuer", "subject", "last_groups"],
     "purpose": N_("Link between the region's identity provider and the account (single sign-on)."),
     "legal_basis": N_("GDPR Art 6(1)(e)."), "retention": N_("Erased when the account is pseudonymised.")},
    {"key": "persons", "label": N_("People without an account"),
     "table": "persons", "fields": ["name", "title", "unit", "contact"],
     "purpose": N_("Human-oversight owners and deputies without an account (AI Act Art 14, Art 26(2))."),
     "legal_basis": N_("GDPR Art 6(1)(c) (AI Act Art 26(2)) and 6(1)(e)."),
     "retention": N_("As the solution's documentation (archiving act); not culled by the register.")},
    {"key": "oversight_assignments", "label": N_("Human-oversight assignments"),
     "table": "oversight_assignments",
     "fields": ["user_id", "person_id", "deputy_user_id", "deputy_person_id", "competence", "training"],
     "purpose": N_("Who is accountable for human oversight of each solution, with competence and training."),
     "legal_basis": N_("GDPR Art 6(1)(c) (AI Act Art 26(2))."), "retention": N_("As the solution's documentation.")},
    {"key": "incidents", "label": N_("Incidents"),
     "table": "incidents", "fields": ["reported_by_id", *INCIDENT_FREE_TEXT],
     "purpose": N_("Deviations and serious incidents (AI Act Art 73, MDR Art 87, Lex Maria); the free text may "
                "describe patients or staff."),
     "legal_basis": N_("GDPR Art 6(1)(c); Art 9(2)(h) and (i) where health data appear."),
     "retention": N_("Free text of closed incidents is blanked after the retention period for incident text; the "
                  "structured record (dates, classification, duties) stays.")},
    {"key": "audit_events", "label": N_("Audit trail"),
     "table": "audit_events", "fields": ["actor_id", "data", "reason"],
     "purpose": N_("The tamper-evident trail of every change (traceability)."),
     "legal_basis": N_("GDPR Art 6(1)(c) and (e); Art 17(3)(b) and (d) exclude erasure."),
     "retention": N_("Kept as the register's archive. Events name actors by id; the chain cannot be altered, "
                  "so names written into event data before pseudonymisation remain there.")},
)


# --------------------------------------------------------------------------- where a person appears


def _reference_columns(target: str) -> list[tuple[Table, list]]:
    """Every table with columns referring to `target` ("users" or "persons"), with those columns."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns
                   if any(fk.column.table.name == target for fk in column.foreign_keys)]
        if columns and table.name != target:
            found.append((table, columns))
    return found


def _rows(table: Table, columns: list, subject_id: int) -> Iterator[dict]:
    """The rows of `table` that name the subject in any of `columns`, read from the columns' indexes a
    batch at a time (a server-side cursor on PostgreSQL)."""
    rows = db.session.execute(select(table).where(or_(*(column == subject_id for column in columns)))
                              .order_by(*table.primary_key.columns).execution_options(yield_per=BATCH)).mappings()
    for row in rows:
        yield {key: audit.jsonable(value) for key, value in row.items() if key not in NOT_EXPORTED}


def _record(entity) -> dict:
    return {key: value for key, value in audit.snapshot(entity).items() if key not in NOT_EXPORTED}


def _people_named(column) -> ScalarSelect:
    """How many different people `column` names, walked through its index from one value to the next
    (a loose index scan: one index probe per person, however many rows name them). Every column that
    refers to a person has an index (tests/onboarding/test_privacy.py checks it)."""
    walk = select(func.min(column).label("id")).cte(f"people_{column.table.name}_{column.name}", recursive=True)
    following = select(func.min(column)).where(column > walk.c.id).scalar_subquery()
    walk = walk.union_all(select(following).where(walk.c.id.is_not(None)))
    return select(func.count(walk.c.id)).scalar_subquery()


def _records(table: str):
    """How many records a category holds. The audit trail's length is its head's position: positions run
    from 1 without a gap (the chain's verification refuses one), so it is read from the index, not counted."""
    if table == AuditEvent.__tablename__:
        return select(func.coalesce(func.max(AuditEvent.position), 0)).scalar_subquery()
    return select(func.count()).select_from(db.metadata.tables[table]).scalar_subquery()


# The inventory's statements cost the planner more than the executor (the people statement's ~60 index walks
# ~10 ms against ~2 ms at 100k; the totals' ten counts ~3 ms against ~1 ms), so they are
# prepared on the server at their first run on a connection (psycopg prepares a statement only at its sixth run
# on the same connection) and each later run executes the kept plan. The plan is the server's: it is planned
# again when a table it reads changes shape or its statistics are renewed. (PostgreSQL with psycopg; other
# drivers execute it as any statement.)
PREPARED = "ai_register_prepared"


@event.listens_for(Engine, "do_execute")
def _execute_prepared(cursor, statement, parameters, context):  # noqa: ANN001, ANN202
    if context.execution_options.get(PREPARED) and context.dialect.driver == "psycopg":
        cursor.execute(statement, parameters, prepare=True)
        return True
    return None


@cache
def _inventory_statements() -> tuple[Select, list, Select | None]:
    """The inventory's two statements, built once per process (the schema does not change while it
    runs; building 56 recursive walks costs more than running them): the counts of records and
    accounts, and the people each column that refers to a person names, with those columns."""
    # A literal, not a parameter: the statement is prepared (PREPARED) and a plan without parameters is kept.
    pseudonymised = User.email.like(bindparam("pseudonymised", f"%@{PSEUDONYM_DOMAIN}", literal_execute=True))
    totals = select(
        *(_records(category["table"]).label(category["key"]) for category in CATEGORIES),
        select(func.count(User.id)).where(User.active.is_(True)).scalar_subquery().label("active"),
        select(func.count(User.id)).where(User.active.is_(False)).scalar_subquery().label("deactivated"),
        select(func.count(User.id)).where(pseudonymised).scalar_subquery().label("pseudonymised"),
        _people_named(AuditEvent.__table__.c.actor_id).label("audit_actors"))
    columns = [(target, table, column) for target in ("users", "persons")
               for table, found in _reference_columns(target) for column in found]
    people = select(*(_people_named(column).label(f"c{n}") for n, (_, _, column) in enumerate(columns))) \
        if columns else None
    return totals, columns, people


def inventory() -> dict:
    """Which personal data the register holds, how many records, and every column that refers to a
    person with how many people it names. Two statements, each a handful of index reads per person
    (not per row)."""
    totals_query, columns, people_query = _inventory_statements()
    totals = db.session.execute(totals_query, execution_options={PREPARED: True}).one()._mapping
    people = db.session.execute(people_query, execution_options={PREPARED: True}).one() \
        if people_query is not None else ()
    config = current_app.config
    return {
        "categories": [{**category, "records": totals[category["key"]]} for category in CATEGORIES],
        "references": [{"table": table.name, "column": column.name, "refers_to": target, "people": named}
                       for (target, table, column), named in zip(columns, people, strict=True)],
        "users": {key: totals[key] for key in ("active", "deactivated", "pseudonymised")},
        "audit_actors": totals["audit_actors"],
        "retention": {"departed_staff_days": config.get("RETENTION_DEPARTED_STAFF_DAYS"),
                      "incident_text_days": config.get("RETENTION_INCIDENT_TEXT_DAYS")},
    }


PEOPLE_PER_PAGE = 50


def people_page(q: str = "", page: int = 1, per_page: int | None = None) -> dict:
    """One page of the people the register names, for choosing whose data to export: account holders and
    persons without an account together, by name, searched by name, e-mail or contact. A region may have
    thousands of staff accounts; the page shows `per_page` of them."""
    accounts = select(literal("user").label("kind"), User.id, User.display_name.label("name"),
                      User.email.label("contact"), User.active)
    persons = select(literal("person").label("kind"), Person.id, Person.name, Person.contact, literal(True))
    if q:
        accounts = accounts.where(or_(User.display_name.icontains(q, autoescape=True),
                                      User.email.icontains(q, autoescape=True)))
        persons = persons.where(or_(Person.name.icontains(q, autoescape=True),
                                    Person.contact.icontains(q, autoescape=True)))
    people = union_all(accounts, persons).subquery()
    per_page = per_page or PEOPLE_PER_PAGE
    offset, limit = page_window(page, per_page)
    total = db.session.scalar(select(func.count()).select_from(people))
    rows = db.session.execute(select(people).order_by(func.lower(people.c.name), people.c.kind, people.c.id)
                              .offset(offset).limit(limit)).mappings().all()
    return {"items": [dict(row) for row in rows], "total": total, "page": page, "per_page": per_page}


def export_user(user: User) -> Iterator[str]:
    """Everything the register holds about one account holder (GDPR Art 15), as JSON text in pieces: a
    person who has worked in the register for years is named by tens of thousands of rows and events,
    so the export streams them with constant memory instead of building the document. The export is
    recorded on the trail at once (the caller commits it); the events listed are those before it."""
    until = audit.chain_head()["position"]
    audit.record("export_personal_data", "user", user.id, reason=coded("gdpr_access_request"))
    acted = (select(AuditEvent.position, AuditEvent.occurred_at, AuditEvent.channel, AuditEvent.action,
                    AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.solution_id, AuditEvent.reason)
             .where(AuditEvent.actor_id == user.id, AuditEvent.position <= until).order_by(AuditEvent.position))
    about = (select(*(getattr(AuditEvent, name) for name in ABOUT_FIELDS))
             .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user.id),
                    AuditEvent.position <= until).order_by(AuditEvent.position))
    return _document({"type": "user", **_record(user)}, "users", user.id, acted, about)


def export_person(person: Person) -> Iterator[str]:
    """Everything about a person without an account (an oversight owner or deputy), as `export_user`."""
    audit.record("export_personal_data", "person", person.id, reason=coded("gdpr_access_request"))
    return _document({"type": "person", **_record(person)}, "persons", person.id, None, None)


def _document(subject: dict, target: str, subject_id: int, acted, about) -> Iterator[str]:
    """{"subject", "generated_at", "records": {table: [rows]}, "audit_events_as_actor": [...],
    "audit_events_about": [...]}, one row per line; a table without rows about the subject is left out."""
    references = _reference_columns(target)  # read now: the generator runs after the view has returned
    yield "{" + _json("subject") + ": " + _json(subject) + ",\n" + _json("generated_at") + ": " + \
        _json(datetime.now(UTC).isoformat()) + ",\n" + _json("records") + ": {"
    first_table = True
    for table, columns in references:
        opened = False
        for row in _rows(table, columns, subject_id):
            if not opened:
                yield ("" if first_table else "],") + "\n" + _json(table.name) + ": [\n" + _json(row)
                opened, first_table = True, False
            else:
                yield ",\n" + _json(row)
    yield ("}" if first_table else "]}") + ",\n" + _json("audit_events_as_actor") + ": ["
    yield from _list(() if acted is None else (audit.jsonable(dict(row)) for row in _batches(acted)))
    yield "],\n" + _json("audit_events_about") + ": ["
    yield from _list(() if about is None else (audit.jsonable(dict(row)) for row in _batches(about)))
    yield "]}\n"


def _batches(query) -> Iterator:
    return iter(db.session.execute(query.execution_options(yield_per=BATCH)).mappings())


def _list(items) -> Iterator[str]:
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + _json(item)
        first = False
    if not first:
        yield "\n"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- retention


@dataclass
class RetentionResult:
    pseudonymised_users: list[int]
    blanked_incidents: list[int]
    departed_staff_days: int | None
    incident_text_days: int | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def pseudonym(user: User) -> tuple[str, str]:
    """Display name and e-mail that keep the account apart from others without naming the person."""
    return f"Former staff {user.id}", f"former-staff-{user.id}@{PSEUDONYM_DOMAIN}"


def pseudonymise_user(user: User, reason: str) -> None:
    """Replace name and e-mail; the id, role and history stay. The event names the fields, never the
    old values, so the trail does not take up what retention removes."""
    name, email = pseudonym(user)
    user.display_name, user.email = name, email
    identities = list(db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)))
    for identity in identities:
        db.session.delete(identity)
        audit.record("erase", "external_identity", identity.id, reason=reason)
    audit.record("pseudonymise", "user", user.id, data={"fields": ["display_name", "email"]}, reason=reason)


def blank_incident_text(incident: Incident, reason: str) -> None:
    incident.what_happened = ""
    incident.assessment_notes = None
    incident.actions_taken = None
    fields = list(INCIDENT_FREE_TEXT)
    duties = list(db.session.scalars(select(IncidentDuty).where(IncidentDuty.incident_id == incident.id,
                                                                IncidentDuty.note.is_not(None))))
    for duty in duties:
        duty.note = None
        fields.append(f"duty {duty.id} note")
    audit.record("erase_text", "incident", incident.id, solution_id=incident.solution_id,
                 data={"fields": fields}, reason=reason)


def apply_retention(now: datetime | None = None) -> RetentionResult:
    """Apply the configured retention once; running it again changes nothing more (idempotent)."""
    now = now or datetime.now(UTC)
    config = current_app.config
    staff_days, text_days = config.get("RETENTION_DEPARTED_STAFF_DAYS"), config.get("RETENTION_INCIDENT_TEXT_DAYS")
    result = RetentionResult([], [], staff_days, text_days)
    if staff_days is not None:
        cutoff = now - timedelta(days=staff_days)
        departed = list(db.session.scalars(select(User).where(
            User.active.is_(False), User.deactivated_at < cutoff,
            User.email.not_like(f"%@{PSEUDONYM_DOMAIN}")).order_by(User.id)))
        for user in departed:
            pseudonymise_user(user, f"retention: deactivated more than {staff_days} days ago")
            result.pseudonymised_users.append(user.id)
    if text_days is not None:
        cutoff = now - timedelta(days=text_days)
        closed = list(db.session.scalars(select(Incident).where(
            Incident.status == CLOSED, Incident.closed_at < cutoff,
            or_(Incident.what_happened != "", Incident.assessment_notes.is_not(None),
                Incident.actions_taken.is_not(None))).order_by(Incident.id)))
        for incident in closed:
            blank_incident_text(incident, f"retention: closed more than {text_days} days ago")
            result.blanked_incidents.append(incident.id)
    return result
