"""A schema's refusal in the reader's language on a page, through the catalog (marshmallow's own messages
are `apikit.Message`s), while the API keeps answering marshmallow's English whatever language it is asked in."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import force_locale

from ai_register.apikit import Message, StrictSchema

from .conftest import text
from .test_readable_pages import _register, _summary


def test_a_page_refusal_in_swedish_and_then_in_english(web):
    owner, compliance = web("owner"), web("compliance")
    solution = _register(owner)
    form = {f"kind-{solution.id}": "pause", "meeting_reference": "", "rationale": "x"}
    swedish = compliance.post("/portfolio/decisions", form)
    assert swedish.status_code == 422
    assert "Mötesreferens: Måste anges, högst 200 tecken." in text(swedish)
    compliance.language("en")
    english = compliance.post("/portfolio/decisions", form)
    assert english.status_code == 422
    assert "Meeting reference: Required, at most 200 characters." in text(english)
    assert "Length must be between" not in text(english) and "Måste anges" not in text(english)
    compliance.language("sv")


def test_a_schema_message_with_a_value_in_english(web):
    owner = web("owner")
    owner.language("en")
    solution = _register(owner)
    response = owner.post(f"/solutions/{solution.id}/rollout-plan", {
        "units-0-name": "Ward 1", "units-0-planned_start": "2030-01-10",
        "units-1-name": "ward 1", "units-1-planned_start": "2030-02-10"})
    assert response.status_code == 422
    assert "Unit 2: Care unit: ward 1 is listed twice." in _summary(text(response))
    owner.language("sv")


def test_the_api_answers_marshmallows_english_when_asked_in_swedish(client, auth, users):
    response = client.post("/api/v1/portfolio/decisions",
                           json={"meeting_reference": "x" * 201, "decisions": [], "minutes": 1},
                           headers={**auth(users["compliance"]), "Accept-Language": "sv"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "meeting_reference": ["Length must be between 1 and 200."],
        "decisions": ["Length must be between 1 and 100."],
        "minutes": ["Unknown field."],
    }


class _Sample(StrictSchema):
    count = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=9))
    when = ma.fields.Date()
    kind = ma.fields.String(validate=ma.validate.OneOf(("a", "b")))
    note = ma.fields.String(validate=ma.validate.Length(max=3), error_messages={"invalid": "Give a text."})


def test_marshmallows_messages_are_marked_and_keep_their_english(app):
    with app.test_request_context("/"):
        try:
            _Sample().load({"count": 0, "when": "soon", "kind": "c", "note": "long"})
        except ma.ValidationError as refused:
            messages = refused.messages
        assert messages == {"count": ["Must be greater than or equal to 1 and less than or equal to 9."],
                            "when": ["Not a valid date."], "kind": ["Must be one of: a, b."],
                            "note": ["Longer than maximum length 3."]}
        assert all(isinstance(m[0], Message) for m in messages.values())
        with force_locale("sv"):
            assert [str(m[0]) for m in messages.values()] == [
                "Måste vara mellan 1 och 9.", "Inte ett giltigt datum.", "Inte ett av de tillåtna valen.",
                "Högst 3 tecken."]
        with force_locale("en"):
            assert str(messages["count"][0]) == "Must be between 1 and 9."
        # A message a schema sets itself stays its own.
        try:
            _Sample().load({"count": 1, "note": 5})
        except ma.ValidationError as refused:
            assert refused.messages == {"note": ["Give a text."]}
            assert not isinstance(refused.messages["note"][0], Message)
