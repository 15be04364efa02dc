"""The region's own words for a solution's public page: plain Swedish, and English beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ai_register.extensions import db
from ai_register.solutions.models import replace_solution_triggers, statement_triggers
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
# Statement-level (transition tables): a bulk INSERT of 66,000 public solutions naming one unit is one
# upsert, not 66,000 updates of one row in one transaction (each would walk the row's earlier versions).
CARE_UNIT_FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_public_care_units() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT listed.value, count(DISTINCT added.id) FROM new_rows AS added
        CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(added.care_units) = 'array'
                                                         THEN added.care_units ELSE '[]'::json END) AS listed
        WHERE added.public IS TRUE AND listed.value <> '' GROUP BY listed.value
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE public_care_units AS counted SET solutions = counted.solutions - gone.n
        FROM (SELECT listed.value AS unit, count(DISTINCT removed.id) AS n FROM old_rows AS removed
              CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(removed.care_units) = 'array'
                                                               THEN removed.care_units ELSE '[]'::json END) AS listed
              WHERE removed.public IS TRUE GROUP BY listed.value) AS gone
        WHERE counted.unit = gone.unit;
        DELETE FROM public_care_units WHERE solutions <= 0;
    ELSE
        -- only the rows whose public flag or care units changed
        WITH changed AS (
            SELECT o.id, o.public AS old_public, o.care_units AS old_units, n.public AS new_public,
                   n.care_units AS new_units
            FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
            WHERE o.public IS DISTINCT FROM n.public OR o.care_units::text IS DISTINCT FROM n.care_units::text),
        delta AS (
            SELECT listed.value AS unit, -count(DISTINCT changed.id) AS n FROM changed
            CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(changed.old_units) = 'array'
                                                             THEN changed.old_units ELSE '[]'::json END) AS listed
            WHERE changed.old_public IS TRUE AND listed.value <> '' GROUP BY listed.value
            UNION ALL
            SELECT listed.value, count(DISTINCT changed.id) FROM changed
            CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(changed.new_units) = 'array'
                                                             THEN changed.new_units ELSE '[]'::json END) AS listed
            WHERE changed.new_public IS TRUE AND listed.value <> '' GROUP BY listed.value)
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT unit, sum(n) FROM delta GROUP BY unit HAVING sum(n) <> 0
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
        DELETE FROM public_care_units WHERE solutions <= 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
CARE_UNIT_TRIGGERS = statement_triggers("solutions_public_care_units", "ai_register_public_care_units")


@event.listens_for(db.metadata, "after_create")
def _install_care_unit_trigger(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migration p22pages_public_care_units."""
    replace_solution_triggers(connection, CARE_UNIT_FUNCTION, CARE_UNIT_TRIGGERS)
