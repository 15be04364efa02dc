"""Flask-WTF forms of the web UI. Labels and help texts are message ids (English) translated by Babel."""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import TextInput

from ai_register import formats
from ai_register.exceptions import InvalidInput
from ai_register.web import labels


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Say what uses it, for example “nightly export to the portfolio report”."),
    )
    expires_in_days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
        description=_l("Between 1 and 365 days. You can revoke it at any time."),
    )


# --------------------------------------------------------------------------- solutions


def int_or_none(value):
    """Coerce for selects with an empty first option."""
    if value in (None, "", "None"):
        return None
    return int(value)


class LinesField(TextAreaField):
    """A list of short labels typed one per line (care units, user groups, tags)."""

    def _value(self) -> str:
        if isinstance(self.data, (list, tuple)):
            return "\n".join(self.data)
        return self.data or ""

    def process_formdata(self, valuelist) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = list(dict.fromkeys(line.strip() for line in raw.splitlines() if line.strip()))


class DecimalField(StringField):
    """A money or decimal input: a text box (`inputmode="decimal"`, so no browser reads "120000,50" as
    12000050) read on the server by `formats.parse_decimal`, Swedish or English form; what it cannot
    read unambiguously is refused with a message naming the field. `places` is accepted for WTForms'
    signature and ignored: the API schema rounds."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, places=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = formats.parse_decimal(valuelist[0])
        except formats.NumberNotRead as refused:
            self.data = None
            raise ValueError(number_refusal(self.label.text, refused)) from None

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return formats.input_text(self.data)

    def pre_validate(self, form):
        if self.process_errors:  # no "must be at least 0" on top of "not a number"
            raise StopValidation()


def number_refusal(field: str, refused: formats.NumberNotRead) -> str:
    """Why a typed number was refused, naming the field, in the reader's language."""
    typed = refused.text.strip()
    if refused.reason == "ambiguous":
        mark = "," if "," in typed else "."
        return gettext(
            "%(field)s: “%(value)s” can be read two ways, as thousands or as decimals. Write it without a "
            "thousands separator (%(whole)s) or with a fourth decimal (%(decimal)s).",
            field=field, value=typed, whole=typed.replace(mark, ""), decimal=typed + "0",
        )
    return gettext("%(field)s: “%(value)s” is not a number. Write it like 120000.50 or 120,000.50.",
                   field=field, value=typed)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices WTForms wants (raw tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _tri_state(value) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


def _from_tri_state(value: str):
    return {"yes": True, "no": False}.get(value)


TRI_STATE = options([("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not yet assessed"))])
CIA_CHOICES = options([(1, _l("1 – low")), (2, _l("2 – moderate")), (3, _l("3 – high")), (4, _l("4 – very high"))])


class SolutionForm(FlaskForm):
    """Every field of the register (SolutionWriteSchema); the schema validates again on save."""

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
        choices=options(labels.KINDS.items()),
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
        _l("Care units"), validators=[Optional()], description=_l("One care unit (vårdenhet) per line.")
    )
    user_groups = LinesField(
        _l("User groups"),
        validators=[Optional()],
        description=_l("Who uses it, one group per line, e.g. nurses, radiologists, patients."),
    )
    tags = LinesField(_l("Tags"), validators=[Optional()], description=_l("Free keywords, one per line."))
    sourcing = RadioField(
        _l("Sourcing"),
        choices=options(labels.SOURCINGS.items()),
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
        validators=[Optional()],
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

    def payload(self, *, include_owner: bool) -> dict:
        """The values as the API's SolutionWriteSchema takes them (dates as ISO strings)."""
        data = {}
        for name in self.SCHEMA_FIELDS:
            if name == "owner_id" and not include_owner:
                continue
            value = getattr(self, name).data
            if name in ("processes_personal_data", "processes_health_data", "critical_for_patient_care"):
                value = _from_tri_state(value)
            elif isinstance(value, str):
                value = value.strip() or None
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            if name == "owner_id" and value is None:
                continue
            if name in ("co_owner_ids",):
                value = list(value or [])
            data[name] = value
        for required_text in ("name", "purpose"):
            data[required_text] = data.get(required_text) or ""
        for field in ("kind", "sourcing"):
            if data.get(field) is None:
                data.pop(field, None)
        return data

    def add_errors(self, errors: dict) -> None:
        show_errors(self, errors)


# Marshmallow's own messages, and the English ones our schemas raise, in the reader's language.
_SCHEMA_PATTERNS = (
    (re.compile(r"Missing data for required field\.|Field may not be null\."), lambda: _l("Required.")),
    (re.compile(r"Not a valid date\."), lambda: _l("Not a valid date.")),
    (re.compile(r"Not a valid (?:integer|number|decimal)\."), lambda: _l("Not a valid number.")),
    (re.compile(r"Length must be between 1 and (?P<high>\d+)\."),
     lambda high: _l("Required, at most %(high)s characters.", high=high)),
    (re.compile(r"Length must be between (?P<low>\d+) and (?P<high>\d+)\."),
     lambda low, high: _l("Between %(low)s and %(high)s characters.", low=low, high=high)),
    (re.compile(r"Longer than maximum length (?P<high>\d+)\."),
     lambda high: _l("At most %(high)s characters.", high=high)),
    (re.compile(r"Must be one of: .*"), lambda: _l("Not one of the allowed choices.")),
    (re.compile(r"Unknown field\."), lambda: _l("Unknown field.")),
    (re.compile(r"'(?P<name>.*)' is listed twice\."), lambda name: _l("%(name)s is listed twice.", name=name)),
)
# Messages the API schemas raise in English, marked here so the catalog holds their translation.
SCHEMA_TEXTS = (_l("Name the care unit."), _l("Give the rationale."), _l("Give the meeting reference."))


def schema_message(message) -> str:
    """A message of an API schema or a service as the reader should see it on a page."""
    text = str(message)
    for pattern, translated in _SCHEMA_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return str(translated(**match.groupdict()))
    return gettext(text)  # the catalog's translation when it has one, else the message as it is


def _flat_messages(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for sub in messages.values() for m in _flat_messages(sub)]
    if isinstance(messages, (list, tuple)):
        return [m for sub in messages for m in _flat_messages(sub)]
    return [schema_message(messages)]


def show_errors(form, errors: dict, prefix: str = "") -> None:
    """Messages from an API schema or a service, shown beside their field (or above the form).

    Nested messages ({"person": {"name": [...]}}) go to the field `person_name` when it exists;
    messages of a list ({"units": {1: {"planned_start": [...]}}}) go to that row of a FieldList.
    """
    for name, messages in errors.items():
        key = f"{prefix}{name}"
        field = getattr(form, key, None) if key not in ("_schema", "") else None
        if isinstance(field, FieldList) and isinstance(messages, dict):
            _show_row_errors(form, field, messages)
            continue
        if isinstance(messages, dict):
            if any(hasattr(getattr(form, f"{key}_{sub}", None), "errors") for sub in messages):
                show_errors(form, messages, prefix=f"{key}_")
                continue
            if field is not None and hasattr(field, "form"):  # a FormField: its own fields
                show_errors(field.form, messages)
                continue
        texts = _flat_messages(messages)
        if field is not None and isinstance(getattr(field, "errors", None), list):
            field.errors = [*field.errors, *texts]
        else:
            form.form_errors.extend(texts)


def _show_row_errors(form, rows: FieldList, errors: dict) -> None:
    entries = list(rows)
    for index, messages in errors.items():
        entry = entries[int(index)] if str(index).isdigit() and int(index) < len(entries) else None
        if entry is not None and hasattr(entry, "form") and isinstance(messages, dict):
            show_errors(entry.form, messages)
        elif entry is not None and not hasattr(entry, "form"):
            entry.errors = [*entry.errors, *_flat_messages(messages)]
        else:
            row = row_name(rows, int(index) + 1) if str(index).isdigit() else str(rows.label.text)
            form.form_errors.extend(f"{row}: {text}" for text in _flat_messages(messages))


def row_name(rows: FieldList, number: int) -> str:
    """"Unit 2": the row of a FieldList as the reader counts it, named by the list's label."""
    return f"{rows.label.text} {number}"


def error_items(form, prefix: str = "") -> list[tuple[str, str]]:
    """(field id, readable message) for each field with errors, rows of lists and sub-forms included,
    for the error summary above a form: "Unit 2: Planned start: Not a valid date"."""
    items = []
    for f in form:
        if f.type in ("CSRFTokenField", "HiddenField"):
            continue
        if isinstance(f, FieldList):
            for number, entry in enumerate(f, start=1):
                row = f"{prefix}{row_name(f, number)}: "
                if hasattr(entry, "form"):
                    items += error_items(entry.form, row)
                    items += [(entry.id, f"{row}{m}") for m in entry.form.form_errors]
                elif entry.errors:
                    items.append((entry.id, f"{row}{' '.join(map(str, entry.errors))}"))
        elif hasattr(f, "form") and f.type == "FormField":
            sub = f"{prefix}{f.label.text}: "
            items += error_items(f.form, sub)
            items += [(f.id, f"{sub}{m}") for m in f.form.form_errors]
        elif f.errors:
            message = " ".join(map(str, f.errors))
            named = message.startswith(f"{f.label.text}: ")  # the message names its field already
            items.append((f.id, f"{prefix}{message}" if named else f"{prefix}{f.label.text}: {message}"))
    return items


# --------------------------------------------------------------------------- records


def text_or_none(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def payload_of(form, names, *, dates=(), decimals=()) -> dict:
    """Form values as an API schema takes them: blank text is null, dates ISO, decimals strings."""
    data = {}
    for name in names:
        value = getattr(form, name).data
        if name in dates:
            value = value.isoformat() if value else None
        elif name in decimals:
            value = None if value is None else str(value)
        else:
            value = text_or_none(value)
        data[name] = value
    return data


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

    def payload(self) -> dict:
        data = payload_of(
            self,
            ("kind", "rationale", "decided_on", "follow_up_data", "meeting_reference"),
            dates=("decided_on",),
        )
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

    def payload(self) -> dict:
        units = []
        for entry in self.units:
            unit = entry.form
            name = (unit.name.data or "").strip()
            if not name and not unit.planned_start.data and not unit.actual_start.data:
                continue  # an empty spare row
            units.append(
                {
                    "name": name,
                    "planned_start": unit.planned_start.data.isoformat() if unit.planned_start.data else None,
                    "actual_start": unit.actual_start.data.isoformat() if unit.actual_start.data else None,
                }
            )
        data = {"units": units}
        if (self.reason.data or "").strip():
            data["reason"] = self.reason.data.strip()
        return data


class ChecklistForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


def save_form(form, schema, write) -> bool:
    """A submitted, valid form's data, parsed by the area's `schema`, handed to `write`. A refusal with field
    errors (from the schema or the service) is shown beside its fields and answers False; a refusal without
    them travels on to the one error handler."""
    if not form.validate_on_submit():
        return False
    try:
        write(schema.load(form.payload()))
    except ValidationError as error:
        show_errors(form, error.messages)
        return False
    except InvalidInput as problem:
        if not problem.errors:
            raise
        show_errors(form, problem.errors)
        return False
    return True
