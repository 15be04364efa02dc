"""The region's own words for a solution's public page: plain Swedish, and English beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ai_register.extensions import db
from ai_register.users.models import utcnow

# The texts, each in Swedish and English: (field stem, what the page uses when the region wrote nothing).
TEXT_FIELDS = ("what", "why", "data", "legal_basis")


class PublicDescription(db.Model):
    """What the public page says in the region's own plain words, beside the register's records (which
    are written for colleagues). One per solution; every change is audited (entity `public_description`).
    `contact` is a function's address or telephone, never a person's."""

    __tablename__ = "public_descriptions"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True)
    what_sv: Mapped[str | None] = mapped_column(Text)
    what_en: Mapped[str | None] = mapped_column(Text)
    why_sv: Mapped[str | None] = mapped_column(Text)
    why_en: Mapped[str | None] = mapped_column(Text)
    data_sv: Mapped[str | None] = mapped_column(Text)
    data_en: Mapped[str | None] = mapped_column(Text)
    legal_basis_sv: Mapped[str | None] = mapped_column(Text)
    legal_basis_en: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)


class PublicCareUnit(db.Model):
    """A care unit named by public solutions, with how many: the public register's care-unit filter reads
    these few rows instead of unpacking the care units of every public solution (issue 22). On PostgreSQL
    the trigger of CARE_UNIT_TRIGGER keeps it in step with every write to `solutions` in the writing
    transaction; on SQLite the filter reads the solutions themselves (queries.care_unit_options)."""

    __tablename__ = "public_care_units"

    unit: Mapped[str] = mapped_column(Text, primary_key=True)
    solutions: Mapped[int] = mapped_column(Integer, nullable=False)


# A solution's care units count when it is public; each unit once per solution, empty ones not at all.
CARE_UNIT_FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_public_care_units() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.public IS TRUE AND json_typeof(OLD.care_units) = 'array' THEN
        UPDATE public_care_units AS counted SET solutions = counted.solutions - 1
        FROM (SELECT DISTINCT value FROM json_array_elements_text(OLD.care_units)) AS listed
        WHERE counted.unit = listed.value;
        DELETE FROM public_care_units
        WHERE solutions <= 0 AND unit IN (SELECT value FROM json_array_elements_text(OLD.care_units));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.public IS TRUE AND json_typeof(NEW.care_units) = 'array' THEN
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT DISTINCT value, 1 FROM json_array_elements_text(NEW.care_units) WHERE value <> ''
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
CARE_UNIT_TRIGGERS = (
    "CREATE TRIGGER solutions_public_care_units AFTER INSERT OR DELETE ON solutions "
    "FOR EACH ROW EXECUTE FUNCTION ai_register_public_care_units()",
    "CREATE TRIGGER solutions_public_care_units_changed AFTER UPDATE OF public, care_units ON solutions "
    "FOR EACH ROW WHEN (OLD.public IS DISTINCT FROM NEW.public OR OLD.care_units::text IS DISTINCT FROM "
    "NEW.care_units::text) EXECUTE FUNCTION ai_register_public_care_units()",
)


@event.listens_for(db.metadata, "after_create")
def _install_care_unit_trigger(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migration p22pages_public_care_units (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(CARE_UNIT_FUNCTION)
        for statement in CARE_UNIT_TRIGGERS:
            connection.exec_driver_sql(statement)
