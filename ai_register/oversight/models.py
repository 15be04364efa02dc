"""Human-oversight assignments (one current per solution, history kept) and the persons without accounts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.oversight import rules
from ai_register.users.models import User, utcnow


class Person(db.Model):
    """Someone without a user account, named as oversight owner or deputy; reused across solutions."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class OversightAssignment(db.Model):
    """Who is accountable for human oversight of a solution (AI Act Art 14, Art 26(2)).

    Exactly one of `user_id` / `person_id` names the owner; at most one names the deputy. A new
    assignment ends the current one (`ended_at`); there is never more than one current.
    """

    __tablename__ = "oversight_assignments"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (person_id IS NULL)", name="one_owner"),
        CheckConstraint("deputy_user_id IS NULL OR deputy_person_id IS NULL", name="one_deputy"),
        Index("uq_oversight_assignments_current", "solution_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_oversight_assignments_solution", "solution_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    deputy_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deputy_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    competence: Mapped[str | None] = mapped_column(Text)
    training: Mapped[str | None] = mapped_column(Text)
    training_completed_on: Mapped[date | None] = mapped_column(Date)
    # Art 26(2): the deployer gives them "the necessary competence, training and authority".
    authority_to_suspend: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    understands_capabilities_limits: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    aware_of_automation_bias: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    interprets_output: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    can_disregard_override_reverse: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    can_interrupt_stop: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    deputy_user: Mapped[User | None] = relationship(foreign_keys=[deputy_user_id])
    deputy_person: Mapped[Person | None] = relationship(foreign_keys=[deputy_person_id])

    @property
    def owner(self) -> dict:
        return _describe(self.user, self.person)

    @property
    def deputy(self) -> dict | None:
        if self.deputy_user is None and self.deputy_person is None:
            return None
        return _describe(self.deputy_user, self.deputy_person)

    @property
    def current(self) -> bool:
        return self.ended_at is None

    @property
    def monitors(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name)) for name in rules.MONITORS}

    @property
    def last_confirmed_on(self) -> date | None:
        return rules.last_confirmed_on(self.accepted_on, self.confirmed_on)

    @property
    def confirmation_due_on(self) -> date | None:
        return rules.confirmation_due_on(self.accepted_on, self.confirmed_on)

    @property
    def counts_as_oversight_owner(self) -> bool:
        """Only a current assignment with the authority to suspend use counts for the gates."""
        return self.current and self.authority_to_suspend

    def same_owner_as(self, other: OversightAssignment) -> bool:
        return (self.user_id, self.person_id) == (other.user_id, other.person_id)


def _describe(user: User | None, person: Person | None) -> dict:
    if user is not None:
        return {"kind": "user", "user_id": user.id, "person_id": None, "name": user.display_name,
                "title": None, "unit": None, "contact": user.email}
    return {"kind": "person", "user_id": None, "person_id": person.id, "name": person.name,
            "title": person.title, "unit": person.unit, "contact": person.contact}
