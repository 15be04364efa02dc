"""The web shell's form helpers: fields every area's forms use (`DecimalField`, `LinesField`), choices, and
showing refusals beside their fields (`show_errors`, `error_items`), handing a form's values to a service
(`submit_form`) and the flow of a page with a form (`submit_or_show`)."""

from __future__ import annotations

from flask import flash, redirect
from flask_babel import gettext
from wtforms import (
    FieldList,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from ai_register import formats
from ai_register.apikit import Message
from ai_register.exceptions import InvalidInput

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


def schema_message(message) -> str:
    """A refusal's message as the reader should see it on a page: a schema's `Message` in the reader's
    language (the catalog's text); a service's English message translated when the catalog holds it."""
    if isinstance(message, Message):
        return str(message)
    return gettext(str(message))


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


def values_of(form, names) -> dict:
    """The form's parsed values as a service takes them: dates, decimals and numbers as the fields read them,
    blank text as None."""
    return {name: text_or_none(getattr(form, name).data) for name in names}


def submit_form(form, write) -> bool:
    """A submitted, valid form's parsed values (`form.values()`) handed to `write`, the area's service, which
    owns the domain's checks. Its refusal with field errors (`InvalidInput`) is shown beside the fields and
    answers False; a refusal without them travels on to the one error handler."""
    if not form.validate_on_submit():
        return False
    try:
        write(form.values())
    except InvalidInput as problem:
        if not problem.errors:
            raise
        show_errors(form, problem.errors)
        return False
    return True


def submit_or_show(form, write, *, saved, to, page):
    """The flow of a page with a form, written once: a submitted, valid form's values go to `write` (the
    area's service, through `submit_form`); when it saves, `saved` is flashed and the browser goes to `to`;
    otherwise `page()` (the rendered page) is shown again with the form kept and the refusals beside its
    fields: 422 after a post, 200 on a first visit. `saved` and `to` may instead be functions of what
    `write` answered (the record it made). A refusal without field errors (a conflict, a stale version)
    travels on: the view catches the kinds it shows on the form."""
    written = []
    if submit_form(form, lambda values: written.append(write(values))):
        flash(saved(written[0]) if callable(saved) else saved, "success")
        return redirect(to(written[0]) if callable(to) else to)
    return page(), 422 if form.is_submitted() else 200
