"""The catalogue of common indicators: compliance and admin edit it, everyone reads it, every write is
audited, and every new goal links to an active indicator."""

from __future__ import annotations

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.portfolio.indicators import ensure_default_indicators
from ai_register.portfolio.models import Indicator

from .conftest import API, problem

NEW = {"code": "patient_experience", "name_sv": "Patientupplevelse", "name_en": "Patient experience",
       "definition": "Share of patients who would recommend the service.", "unit": "%"}


def test_defaults_are_seeded_once_and_audited(app):
    added = ensure_default_indicators()
    db.session.commit()
    assert [i.code for i in added] == ["quality", "accessibility", "work_environment", "robustness", "economy"]
    assert ensure_default_indicators() == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "indicator")).all()
    assert len(events) == 5 and {e.action for e in events} == {"create"}


def test_cli_seeds_the_catalogue(runner, app):
    result = runner.invoke(args=["portfolio", "seed-indicators"])
    assert result.exit_code == 0 and "5 indicator(s) added" in result.output
    again = runner.invoke(args=["portfolio", "seed-indicators"])
    assert "0 indicator(s) added" in again.output


def test_everyone_signed_in_reads_the_catalogue(api, indicator_ids, client):
    for who in ("owner", "compliance", "auditor", "admin"):
        body = api.get(who, f"{API}/indicators").get_json()
        assert body["total"] == 5 and body["items"][0]["code"] == "quality"
    one = api.get("auditor", f"{API}/indicators/{indicator_ids['accessibility']}").get_json()
    assert one["name_sv"] == "Tillgänglighet" and one["higher_is_better"] is False
    problem(client.get(f"{API}/indicators"), 401)
    problem(api.get("owner", f"{API}/indicators/999999"), 404)


def test_compliance_and_admin_edit_others_are_refused(api, indicator_ids):
    created = api.post("compliance", f"{API}/indicators", json=NEW)
    assert created.status_code == 201, created.get_json()
    iid = created.get_json()["id"]
    assert created.headers["Location"].endswith(f"/indicators/{iid}")
    changed = api.patch_current("admin", f"{API}/indicators/{iid}", json={"unit": "percent", "reason": "Wording"})
    assert changed.status_code == 200 and changed.get_json()["unit"] == "percent"
    for who in ("owner", "auditor"):
        problem(api.post(who, f"{API}/indicators", json={**NEW, "code": "x_" + who}), 403)
        problem(api.patch(who, f"{API}/indicators/{iid}", json={"unit": "%"}), 403)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "indicator",
                                                         AuditEvent.entity_id == str(iid))).all()
    assert [e.action for e in events] == ["create", "update"]
    assert "unit" in events[1].data["changes"]
    assert events[1].reason == "Wording"


def test_bad_input_is_422_and_writes_nothing(api, indicator_ids):
    before = db.session.scalar(select(db.func.count()).select_from(Indicator))
    body = problem(api.post("compliance", f"{API}/indicators", json={**NEW, "code": "Not A Code"}), 422)
    assert "code" in str(body)
    problem(api.post("compliance", f"{API}/indicators", json={**NEW, "colour": "red"}), 422)
    problem(api.post("compliance", f"{API}/indicators", json={**NEW, "definition": "  "}), 422)
    clash = problem(api.post("compliance", f"{API}/indicators", json={**NEW, "code": "quality"}), 422)
    assert clash["errors"]["code"]
    problem(api.patch("compliance", f"{API}/indicators/{indicator_ids['quality']}",
                      json={"higher_is_better": "sometimes"}), 422)
    assert db.session.scalar(select(db.func.count()).select_from(Indicator)) == before


def test_a_new_goal_must_name_an_active_indicator(api, indicator_ids):
    sid = api.solution()["id"]
    url = f"{API}/solutions/{sid}/goals"
    goal = {"perspective": "operations", "title": "Shorter waits", "indicator": "Median days",
            "baseline": 12, "target": 5, "higher_is_better": False}
    assert "indicator_id" in problem(api.post("owner", url, json=goal), 422)["errors"]
    assert "indicator_id" in problem(api.post("owner", url, json={**goal, "indicator_id": 999999}), 422)["errors"]
    api.patch_current("compliance", f"{API}/indicators/{indicator_ids['economy']}", json={"active": False})
    problem(api.post("owner", url, json={**goal, "indicator_id": indicator_ids["economy"]}), 422)
    created = api.post("owner", url, json={**goal, "indicator_id": indicator_ids["accessibility"]})
    assert created.status_code == 201 and created.get_json()["indicator_id"] == indicator_ids["accessibility"]
