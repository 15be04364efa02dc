"""The forms of the solution pages: registering and editing a solution, requesting a phase change,
recording a decision, the rollout plan and the decommissioning checklist. They parse shapes; their values go
to the solutions services, which hold the rules."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ai_register.solutions.labels import KINDS, SOURCINGS, checklist_label
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.web.forms import (
    LinesField,
    options,
    show_errors,
    values_of,
)


def _tri_state(value) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


def _from_tri_state(value: str):
    return {"yes": True, "no": False}.get(value)


TRI_STATE = options([("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not yet assessed"))])
CIA_CHOICES = options([(1, _l("1 – low")), (2, _l("2 – moderate")), (3, _l("3 – high")), (4, _l("4 – very high"))])


def _lines_fit(form, field) -> None:  # noqa: ARG001 - WTForms' validator signature
    """A list of short labels as the register keeps it: at most 50 lines of at most 100 characters."""
    lines = field.data or []
    if len(lines) > 50 or any(len(line) > 100 for line in lines):
        raise ValidationError(_l("At most 50 lines, each at most 100 characters."))


def _co_owners_fit(form, field) -> None:  # noqa: ARG001 - WTForms' validator signature
    if len(field.data or []) > 20:
        raise ValidationError(_l("At most 20 co-owners."))


class SolutionForm(FlaskForm):
    """Every field of the register (as SolutionWriteSchema has them): the form checks their shapes, the
    solutions service the rules between fields and records."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The name people in care know the solution by."),
    )
    external_id = StringField(
        _l("External id"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "An id in another system, e.g. the managed object (förvaltningsobjekt) "
            "or the procurement number. Unique in the register."
        ),
    )
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("What the solution does and for whom, in plain words."),
    )
    intended_use = TextAreaField(
        _l("Intended use"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "How it is meant to be used in care: who uses the output, in which "
            "situation, and who makes the decision."
        ),
    )
    kind = SelectField(
        _l("Kind of AI"),
        choices=options(KINDS.items()),
        default="machine_learning",
        validators=[DataRequired()],
        description=_l("Machine learning, generative AI, rule-based or other."),
    )
    need_statement = TextAreaField(
        _l("Need"),
        validators=[Optional(), Length(max=20000)],
        description=_l("The problem or need it answers (effect before effort). Required before a pilot."),
    )
    alternatives = TextAreaField(
        _l("Alternatives considered"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Other ways to meet the need, including doing nothing."),
    )
    care_units = LinesField(
        _l("Care units"), validators=[Optional(), _lines_fit], description=_l("One care unit (vårdenhet) per line.")
    )
    user_groups = LinesField(
        _l("User groups"),
        validators=[Optional(), _lines_fit],
        description=_l("Who uses it, one group per line, e.g. nurses, radiologists, patients."),
    )
    tags = LinesField(_l("Tags"), validators=[Optional(), _lines_fit], description=_l("Free keywords, one per line."))
    sourcing = RadioField(
        _l("Sourcing"),
        choices=options(SOURCINGS.items()),
        default="procured",
        validators=[DataRequired()],
    )
    supplier = StringField(
        _l("Supplier"),
        validators=[Optional(), Length(max=200)],
        description=_l("The company or organisation that provides it."),
    )
    product = StringField(_l("Product"), validators=[Optional(), Length(max=200)])
    product_version = StringField(_l("Product version"), validators=[Optional(), Length(max=100)])
    in_service_since = DateField(
        _l("In service since"),
        validators=[Optional()],
        description=_l("Leave empty if it is not yet used in care."),
    )
    processes_personal_data = RadioField(
        _l("Processes personal data"),
        choices=TRI_STATE,
        default="unknown",
        validators=[DataRequired()],
        description=_l("When yes or not yet assessed, a DPIA is required before a pilot (GDPR Art 35)."),
    )
    processes_health_data = RadioField(
        _l("Processes health data"),
        choices=TRI_STATE,
        default="unknown",
        validators=[DataRequired()],
        description=_l(
            "Health data are personal data of a special category (GDPR Art 9); the Patient Data Act applies."
        ),
    )
    legal_basis = TextAreaField(
        _l("Legal basis"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "The legal basis for the processing, e.g. GDPR Art 6(1)(e) and "
            "Art 9(2)(h) with the Patient Data Act."
        ),
    )
    confidentiality = SelectField(
        _l("Confidentiality"),
        choices=CIA_CHOICES,
        coerce=int,
        default=2,
        description=_l("Information classification: konfidentialitet."),
    )
    integrity = SelectField(
        _l("Integrity"),
        choices=CIA_CHOICES,
        coerce=int,
        default=2,
        description=_l("Information classification: riktighet."),
    )
    availability = SelectField(
        _l("Availability"),
        choices=CIA_CHOICES,
        coerce=int,
        default=2,
        description=_l("Information classification: tillgänglighet."),
    )
    owner_id = SelectField(
        _l("AI owner"),
        coerce=int,
        validators=[Optional()],
        description=_l("The person accountable for the solution in the register."),
    )
    # The chosen co-owners come back as ticked boxes (web/_people.html); who may be chosen is the
    # service's check, so the field does not list every account of the region.
    co_owner_ids = SelectMultipleField(
        _l("Co-owners"),
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[Optional(), _co_owners_fit],
        description=_l("Co-owners may edit the solution too. Untick someone to remove them."),
    )
    co_owner_add = StringField(
        _l("Add a co-owner"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Type a few letters of the name or e-mail address and choose the person. Without "
                       "JavaScript: type their e-mail addresses, separated by commas, and save."),
    )
    public = BooleanField(
        _l("Show in the public transparency register"),
        description=_l("Only the name, purpose, phase and classification are published; no personal data."),
    )
    review_interval_months = IntegerField(
        _l("Review every (months)"),
        validators=[Optional(), NumberRange(min=1, max=120)],
        description=_l("How often the solution is reviewed in management; higher risk, shorter interval."),
    )
    next_review_on = DateField(_l("Next review"), validators=[Optional()])
    critical_for_patient_care = RadioField(
        _l("Critical for patient care"),
        choices=TRI_STATE,
        default="unknown",
        description=_l("Critical solutions need a fallback routine and a tested recovery plan before rollout."),
    )
    max_tolerable_outage_hours = IntegerField(
        _l("Maximum tolerable outage (hours)"),
        validators=[Optional(), NumberRange(min=0, max=8760)],
    )
    recovery_plan_tested_on = DateField(
        _l("Recovery plan last tested"),
        validators=[Optional()],
        description=_l("Record the recovery plan itself as evidence, with its expiry date."),
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Kept in the audit trail."),
    )

    SCHEMA_FIELDS = (
        "name",
        "external_id",
        "purpose",
        "intended_use",
        "kind",
        "need_statement",
        "alternatives",
        "care_units",
        "user_groups",
        "tags",
        "sourcing",
        "supplier",
        "product",
        "product_version",
        "in_service_since",
        "processes_personal_data",
        "processes_health_data",
        "legal_basis",
        "confidentiality",
        "integrity",
        "availability",
        "owner_id",
        "co_owner_ids",
        "public",
        "review_interval_months",
        "next_review_on",
        "critical_for_patient_care",
        "max_tolerable_outage_hours",
        "recovery_plan_tested_on",
    )

    def fill_from(self, solution) -> None:
        for name in self.SCHEMA_FIELDS:
            if name in ("owner_id", "co_owner_ids"):
                continue
            value = getattr(solution, name)
            if name in ("processes_personal_data", "processes_health_data", "critical_for_patient_care"):
                value = _tri_state(value)
            getattr(self, name).data = value
        if self.owner_id is not None:  # only compliance sees the owner field
            self.owner_id.data = solution.owner_id
        self.co_owner_ids.data = [u.id for u in solution.co_owners]

    def values(self) -> dict:
        """The values as the solutions service takes them: dates as dates, the tri-states as true, false or
        None, blank text as None; the owner only where the form shows it (compliance's)."""
        data = {}
        for name in self.SCHEMA_FIELDS:
            if name == "owner_id" and self.owner_id is None:
                continue
            value = getattr(self, name).data
            if name in ("processes_personal_data", "processes_health_data", "critical_for_patient_care"):
                value = _from_tri_state(value)
            elif isinstance(value, str):
                value = value.strip() or None
            if name == "owner_id" and value is None:
                continue
            if name in ("co_owner_ids",):
                value = list(value or [])
            data[name] = value
        for field in ("kind", "sourcing"):
            if data.get(field) is None:
                data.pop(field, None)
        return data

    def add_errors(self, errors: dict) -> None:
        show_errors(self, errors)


# --------------------------------------------------------------------------- lifecycle


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Why now, and what the decision rests on. Into decommissioning this is "
            "the rationale and is required."
        ),
    )


class DecisionForm(FlaskForm):
    kind = RadioField(_l("Decision"), validators=[DataRequired()])
    rationale = TextAreaField(
        _l("Rationale"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Why: the follow-up against the goals, risks, costs."),
    )
    decided_on = DateField(_l("Decided on"), validators=[Optional()], description=_l("Defaults to today."))
    follow_up_data = TextAreaField(
        _l("Follow-up data"),
        validators=[Optional(), Length(max=20000)],
        description=_l("The figures the decision rests on, in short."),
    )
    meeting_reference = StringField(
        _l("Meeting or record reference"),
        validators=[Optional(), Length(max=200)],
        description=_l("E.g. the steering group's minutes, item 4."),
    )

    def values(self) -> dict:
        data = values_of(self, ("kind", "rationale", "decided_on", "follow_up_data", "meeting_reference"))
        return {k: v for k, v in data.items() if v is not None}


class RolloutUnitForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Care unit"), validators=[Optional(), Length(max=200)])
    planned_start = DateField(_l("Planned start"), validators=[Optional()])
    actual_start = DateField(_l("Started on"), validators=[Optional()])


def _typed(field) -> bool:
    return any((value or "").strip() for value in (field.raw_data or []))


class RolloutPlanForm(FlaskForm):
    units = FieldList(FormField(RolloutUnitForm), min_entries=1, label=_l("Unit"))
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], description=_l("Kept in the audit trail.")
    )

    def validate(self, extra_validators=None) -> bool:
        """A row that is filled in at all needs its name and planned start (the schema's rule, said
        beside the row in the reader's language before the schema's English one could be)."""
        ok = super().validate(extra_validators)
        for entry in self.units:
            unit = entry.form
            if not any(_typed(f) for f in (unit.name, unit.planned_start, unit.actual_start)):
                continue  # an empty spare row
            if not (unit.name.data or "").strip():
                unit.name.errors = [*unit.name.errors, str(_l("Name the care unit."))]
                ok = False
            if not _typed(unit.planned_start):
                unit.planned_start.errors = [*unit.planned_start.errors, str(_l("Give the planned start."))]
                ok = False
        return ok

    def _filled(self) -> list[int]:
        """The places of the rows filled in at all, in order (empty spare rows are no units)."""
        return [index for index, entry in enumerate(self.units)
                if (entry.form.name.data or "").strip() or entry.form.planned_start.data
                or entry.form.actual_start.data]

    def values(self) -> dict:
        units = [{"name": (unit.name.data or "").strip(), "planned_start": unit.planned_start.data,
                  "actual_start": unit.actual_start.data}
                 for unit in (self.units[index].form for index in self._filled())]
        data = {"units": units}
        if (self.reason.data or "").strip():
            data["reason"] = self.reason.data.strip()
        return data

    def on_rows(self, errors: dict) -> dict:
        """A refusal naming units by their place among the filled rows, as one naming the form's rows."""
        units = errors.get("units")
        if not isinstance(units, dict):
            return errors
        filled = self._filled()
        return {**errors, "units": {filled[int(i)] if str(i).isdigit() and int(i) < len(filled) else i: messages
                                    for i, messages in units.items()}}


class ChecklistForm(FlaskForm):
    """The checklist's ticks and notes are inputs of their own, one pair per item (`done-<key>`,
    `note-<key>`), read from the posted data with the reason."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])

    NOTE_LENGTH = 2000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = request.form if self.is_submitted() else {}
        self.items = [{"key": key, "done": posted.get(f"done-{key}") == "on",
                       "note": (posted.get(f"note-{key}") or "").strip() or None}
                      for key in DECOMMISSIONING_CHECKLIST]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for item in self.items:
            if item["note"] is not None and len(item["note"]) > self.NOTE_LENGTH:
                self.form_errors.append(_("%(item)s: at most %(max)d characters.",
                                          item=checklist_label(item["key"]), max=self.NOTE_LENGTH))
                ok = False
        return ok

    def values(self) -> dict:
        data = {"items": self.items}
        if (self.reason.data or "").strip():
            data["reason"] = self.reason.data.strip()
        return data
