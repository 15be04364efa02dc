"""The traceability report: who may pull it, what it holds, `as_of`, and the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest

from ai_register.audit import services as audit
from ai_register.extensions import db
from tests.reports.conftest import HIGH_RISK_ANSWERS, NEW_NAME, ORIGINAL_NAME, register_solution

CHAIN_FIELDS = {"id", "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
                "solution_id", "solution_seq", "data", "reason", "request_id", "prev_hash", "hash"}


def report_url(story, **query) -> str:
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/solutions/{story.solution_id}/report" + (f"?{suffix}" if suffix else "")


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("role, status", [("owner", 200), ("compliance", 200), ("auditor", 200),
                                          ("owner2", 404), ("admin", 403)])
def test_json_report_by_role(client, auth, users, story, role, status):
    response = client.get(report_url(story), headers=auth(users[role]))
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 200:
        assert response.mimetype == "application/json"
        assert response.get_json()["solution"]["id"] == story.solution_id
    else:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role, status", [("owner", 200), ("compliance", 200), ("auditor", 200),
                                          ("owner2", 404), ("admin", 403)])
def test_pdf_report_by_role(client, auth, users, story, role, status):
    response = client.get(report_url(story), headers=auth(users[role], Accept="application/pdf"))
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert int(response.headers["Content-Length"]) == len(response.data)


def test_report_needs_a_token(client, story):
    assert client.get(report_url(story)).status_code == 401


def test_unknown_solution_and_bad_input(client, auth, users, story):
    headers = auth(users["auditor"])
    assert client.get("/api/v1/solutions/999999/report", headers=headers).status_code == 404
    for query in ({"format": "docx"}, {"as_of": "yesterday"}, {"as_of": "2026-13-40"}, {"lang": "de"},
                  {"verify": "everything"}):
        response = client.get(report_url(story, **query), headers=headers)
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    for as_of in (future, "9999-12-31", "9999-12-31T23:59:59", "0001-01-01T00:00:00+01:00"):
        response = client.get(report_url(story, as_of=as_of), headers=headers)
        assert response.status_code == 422 and "as_of" in response.get_json()["errors"], as_of


# --------------------------------------------------------------------------- what it holds


def test_report_holds_the_whole_story(client, auth, users, story):
    response = client.get(report_url(story), headers=auth(users["auditor"]))
    report = response.get_json()

    meta = report["report"]
    assert meta["generated_by"]["name"] == "Agnes Auditor" and meta["as_of"] is None
    assert meta["generated_at"].endswith("Z")
    assert meta["ruleset"]["sha256"] and len(meta["ruleset"]["sha256"]) == 64

    solution = report["solution"]
    assert solution["name"] == NEW_NAME and solution["owner"]["name"] == "Olga Owner"
    assert solution["phase"] == "needs_analysis" and solution["phase_label"]["sv"] == "Behovsanalys"

    assert report["lifecycle"]["phase_history"][0]["phase"] == "needs_analysis"

    versions = report["classifications"]["versions"]
    assert len(versions) == 1
    version = versions[0]
    assert version["answers"] == HIGH_RISK_ANSWERS
    assert version["status"] == "approved" and version["reviewed_by"]["name"] == "Cecilia Compliance"
    assert version["review_justification"] == "Stämmer med bilaga III 5 a."
    assert version["effective_category"] == "high_risk"
    assert version["ruleset"]["version"] and len(version["ruleset"]["sha256"]) == 64
    assert version["fired_rules"] and all(rule.get("citation") for rule in version["fired_rules"])
    current = report["classifications"]["current"]
    assert current["version"] == 1 and current["role"] == "deployer"

    obligations = report["obligations"]
    required = {item["type"]: item["status"] for item in obligations["required_evidence"]}
    # An uploaded FRIA alone does not count: the gate reads the approved structured FRIA (issue 21).
    assert required["fria"] == "missing"
    assert required["eu_database_registration"] == "missing"
    assert all(item["status"] in ("applies", "upcoming") for item in obligations["items"])

    oversight = report["oversight"]
    assert oversight["current"]["owner"]["name"] == "Åsa Öberg"
    assert oversight["current"]["owner"]["title"] == "Verksamhetschef"
    assert "contact" not in oversight["current"]["owner"]
    assert oversight["history"] and oversight["history"][0]["action"] == "create"

    goal = report["goals"]["items"][0]
    assert goal["title"] == "Kortare väntetid" and goal["measurements"][0]["measured_on"] == "2026-03-01"
    assert goal["target_met"] is False

    evidence = {item["type"]: item for item in report["evidence"]}
    assert evidence["fria"]["expires_on"] == "2027-02-01"
    assert evidence["dpia"]["expired"] is True and evidence["dpia"]["valid_on_report_date"] is False

    events = report["audit_events"]
    assert [e["solution_seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(set(e) == CHAIN_FIELDS for e in events)
    assert {e["entity_type"] for e in events} >= {"solution", "classification", "oversight_assignment",
                                                  "goal", "goal_measurement", "evidence"}
    chain = report["chain"]
    assert chain["verification"]["intact"] is True
    assert chain["verification"]["events_checked"] == chain["events_of_solution"] == len(events)
    assert chain["head"] == audit.chain_head()
    assert "stored_name" not in evidence["fria"]


def test_full_chain_verification_on_request(client, auth, users, story):
    report = client.get(report_url(story, verify="full"), headers=auth(users["compliance"])).get_json()
    assert report["chain"]["full_verification"]["intact"] is True
    assert report["chain"]["full_verification"]["head"] == audit.chain_head()["hash"]


def test_owner_sees_own_report_only(client, auth, users, story):
    other = register_solution(client, auth, users["owner2"], name="Annan lösning")
    assert client.get(f"/api/v1/solutions/{other}/report", headers=auth(users["owner"])).status_code == 404
    assert client.get(f"/api/v1/solutions/{other}/report", headers=auth(users["owner2"])).status_code == 200


# --------------------------------------------------------------------------- as_of


def test_as_of_shows_the_older_state(client, auth, users, story):
    headers = auth(users["auditor"])
    past = client.get(report_url(story, as_of=story.created_at), headers=headers).get_json()
    assert past["solution"]["name"] == ORIGINAL_NAME
    assert past["report"]["as_of"] == story.created_at
    assert past["report"]["state_source"] == "audit_trail_replay"
    assert [e["solution_seq"] for e in past["audit_events"]] == [1]
    assert past["classifications"]["versions"] == []
    assert past["chain"]["head_as_of"]["position"] <= past["chain"]["head"]["position"]

    renamed = client.get(report_url(story, as_of=story.renamed_at), headers=headers).get_json()
    assert renamed["solution"]["name"] == NEW_NAME
    assert renamed["classifications"]["versions"] == []

    today_date = date.today().isoformat()  # the region's today (tests run in its time zone)
    today = client.get(report_url(story, as_of=today_date), headers=headers).get_json()
    now = client.get(report_url(story), headers=headers).get_json()
    assert today["solution"]["name"] == NEW_NAME
    assert today["classifications"]["versions"][0]["status"] == "approved"
    # The replayed state equals the stored one, section by section: every change was audited.
    for section in ("classifications", "goals", "evidence"):
        assert _without_volatile(today[section]) == _without_volatile(now[section]), section
    assert today["oversight"]["current"]["owner"] == now["oversight"]["current"]["owner"]


def _without_volatile(value):
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in ("updated_at", "reason")}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def test_as_of_before_the_solution_existed(client, auth, users, story):
    response = client.get(report_url(story, as_of="2000-01-01"), headers=auth(users["auditor"]))
    assert response.status_code == 404


def test_as_of_pdf(client, auth, users, story, tmp_path):
    response = client.get(report_url(story, as_of=story.created_at, format="pdf", lang="en"),
                          headers=auth(users["auditor"]))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data, tmp_path)
    assert ORIGINAL_NAME in text and "State as of" in text


# --------------------------------------------------------------------------- the PDF


def _pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_pdf_is_a_real_document(client, auth, users, story, tmp_path):
    response = client.get(report_url(story, format="pdf", lang="sv"), headers=auth(users["compliance"]))
    text = _pdf_text(response.data, tmp_path)
    assert NEW_NAME in text  # å ä ö Å Ä Ö survive: the font is embedded
    assert "Spårbarhetsrapport" in text and "Innehåll" in text
    for heading in ("1 Identitet", "2 Livscykel", "3 Riskklassningar", "4 Skyldigheter", "5 Mänsklig tillsyn",
                    "8 Tillförlitlig AI: självskattning", "12 Skyldigheter: status och underlag",
                    "13 Granskningslogg"):
        assert re.search(heading.replace(" ", r"\s+"), text), heading
    assert "OBRUTEN" in text
    assert "Sida 1 av" in text and "Skapad" in text and "Cecilia Compliance" in text
    report = client.get(report_url(story), headers=auth(users["compliance"])).get_json()
    assert report["report"]["ruleset"]["sha256"] in text.replace("\n", " ")
    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True).stdout
    # name, type, encoding, emb, sub, uni, object: every font is DejaVu and embedded.
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("DejaVuSans" in row[0] and row[-5] == "yes" for row in rows), fonts


def test_pdf_by_accept_header_in_english(client, auth, users, story, tmp_path):
    response = client.get(report_url(story), headers=auth(users["auditor"], Accept="application/pdf",
                                                          **{"Accept-Language": "en"}))
    text = _pdf_text(response.data, tmp_path)
    assert "Traceability report" in text and "Page 1 of" in text and "INTACT" in text


def test_report_of_a_bare_solution(client, auth, users, tmp_path):
    """Nothing but the registration: every section is there and empty, the PDF still renders."""
    solution_id = register_solution(client, auth, users["owner"], name="Tom lösning")
    headers = auth(users["owner"])
    report = client.get(f"/api/v1/solutions/{solution_id}/report", headers=headers).get_json()
    assert report["classifications"]["versions"] == []
    current = report["classifications"]["current"]
    assert current == {"version": None, "valid": False, "reason": "none_approved"}
    assert report["obligations"]["items"] == [] and report["evidence"] == []
    assert report["oversight"]["current"] is None
    response = client.get(f"/api/v1/solutions/{solution_id}/report?format=pdf", headers=headers)
    assert response.status_code == 200 and "Tom lösning" in _pdf_text(response.data, tmp_path)


# --------------------------------------------------------------------------- tampering shows


def test_report_shows_a_tampered_event(client, auth, users, story, is_postgres):
    from sqlalchemy import text

    from ai_register.audit.models import AuditEvent

    event = db.session.query(AuditEvent).filter_by(solution_id=story.solution_id, solution_seq=2).one()
    with db.engine.begin() as connection:
        if is_postgres:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("UPDATE audit_events SET reason = 'rewritten' WHERE id = :id"),
                           {"id": event.id})
        if is_postgres:
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete"))
    db.session.expire_all()
    report = client.get(report_url(story), headers=auth(users["auditor"])).get_json()
    verification = report["chain"]["verification"]
    assert verification["intact"] is False
    assert verification["problems"][0]["solution_seq"] == 2
    assert "content" in verification["problems"][0]["reason"]


def test_missing_fonts_fail_clearly(app, client, auth, users, story, monkeypatch, tmp_path):
    from ai_register.reports.pdf import document

    monkeypatch.setattr(document, "_fonts_registered", False)
    app.config["REPORT_FONT_DIR"] = str(tmp_path / "no-fonts-here")
    response = client.get(report_url(story, format="pdf"), headers=auth(users["auditor"]))
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "fonts-dejavu-core" in response.get_json()["detail"]
    # The JSON report needs no fonts.
    assert client.get(report_url(story), headers=auth(users["auditor"])).status_code == 200


def test_phases_transitions_and_decisions(client, auth, users, story, tmp_path):
    from tests.reports.conftest import etag

    headers = auth(users["owner"])
    before = client.get(report_url(story), headers=headers).get_json()["chain"]["events_of_solution"]
    response = client.post(f"/api/v1/solutions/{story.solution_id}/transitions",
                           json={"to": "decommissioning", "reason": "Ersätts av regiongemensam lösning."},
                           headers={**headers, "If-Match": etag(client, headers, story.solution_id)})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = client.get(report_url(story), headers=auth(users["auditor"])).get_json()
    periods = report["lifecycle"]["phase_history"]
    assert [p["phase"] for p in periods] == ["needs_analysis", "decommissioning"]
    assert periods[0]["until"] == periods[1]["from"] and periods[1]["until"] is None
    (transition,) = report["lifecycle"]["transitions"]
    assert transition["to_phase"] == "decommissioning" and transition["requested_by"]["name"] == "Olga Owner"
    assert report["lifecycle"]["decommissioning_checklist"][0]["label"]["sv"]
    # The state before the move, from the trail: still in needs analysis, no transition yet.
    events = report["audit_events"]
    last_before = events[before - 1]["occurred_at"]
    past = client.get(report_url(story, as_of=last_before), headers=auth(users["auditor"])).get_json()
    assert past["solution"]["phase"] == "needs_analysis" and past["lifecycle"]["transitions"] == []
    pdf = client.get(report_url(story, format="pdf", lang="en"), headers=auth(users["auditor"]))
    text = _pdf_text(pdf.data, tmp_path)
    assert "Decommissioning" in text and "Ersätts av regiongemensam lösning." in text
