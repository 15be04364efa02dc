"""The portfolio report (JSON, CSV, PDF) and the EU database / EUDAMED export."""

from __future__ import annotations

import csv
import io

import pytest

from ai_register.extensions import db
from ai_register.reports.portfolio_report import iter_portfolio
from tests.reports.conftest import HIGH_RISK_ANSWERS, NEW_NAME, ok, register_solution

PORTFOLIO = "/api/v1/reports/portfolio"


# --------------------------------------------------------------------------- portfolio


@pytest.mark.parametrize("role, status", [("compliance", 200), ("auditor", 200), ("owner", 403),
                                          ("admin", 403)])
def test_portfolio_by_role(client, auth, users, story, role, status):
    for query in ("", "?format=csv", "?format=pdf"):
        assert client.get(PORTFOLIO + query, headers=auth(users[role])).status_code == status


def test_portfolio_needs_a_token(client):
    assert client.get(PORTFOLIO).status_code == 401


def test_portfolio_json(client, auth, users, story):
    other = register_solution(client, auth, users["owner2"], name="Annan lösning",
                              care_units=["Vårdcentral Kiruna"])
    body = client.get(PORTFOLIO, headers=auth(users["auditor"])).get_json()
    assert body["total"] == 2 and body["generated_by"]["name"] == "Agnes Auditor"
    rows = {row["id"]: row for row in body["items"]}
    row = rows[story.solution_id]
    assert row["name"] == NEW_NAME and row["phase"] == "needs_analysis"
    assert row["ai_act_category"] == "high_risk"
    assert row["owner"] == "Olga Owner" and row["oversight_owner"] == "Åsa Öberg"
    # The obligation records, not a recomputation: opened when the classification was approved.
    assert {"ai_act_art26", "ai_act_art27", "ai_act_art49_3"} <= set(row["open_obligations"])
    assert rows[other]["oversight_owner"] is None and rows[other]["open_obligations"] == []
    assert body["chain_head"]["hash"]


def test_portfolio_json_streams_every_row_in_batches(client, auth, users, story):
    """More rows than one batch (200): the answer is streamed, valid JSON, every solution once in name
    order, and its total counts what was written."""
    from sqlalchemy import insert

    from ai_register.solutions.models import Solution

    owner = users["owner2"]
    db.session.execute(insert(Solution), [{"name": f"Massa {n:03d}", "purpose": "Prov.", "owner_id": owner.id,
                                           "created_by_id": owner.id} for n in range(205)])
    db.session.commit()
    response = client.get(PORTFOLIO, headers=auth(users["compliance"]))
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == len(body["items"]) == 206
    names = [row["name"] for row in body["items"]]
    assert names[:205] == [f"Massa {n:03d}" for n in range(205)] and names[205] == NEW_NAME
    assert len({row["id"] for row in body["items"]}) == 206 and body["chain_head"]["hash"]


def test_portfolio_filters_as_the_list(client, auth, users, story):
    register_solution(client, auth, users["owner2"], name="Annan lösning", care_units=["Vårdcentral Kiruna"])
    headers = auth(users["compliance"])
    assert [r["name"] for r in client.get(PORTFOLIO + "?q=annan", headers=headers).get_json()["items"]] == [
        "Annan lösning"]
    assert client.get(PORTFOLIO + "?ai_act_category=high_risk", headers=headers).get_json()["total"] == 1
    assert client.get(PORTFOLIO + "?phase=pilot", headers=headers).get_json()["total"] == 0
    body = client.get(PORTFOLIO + "?care_unit=Vårdcentral Kiruna", headers=headers).get_json()
    assert [r["name"] for r in body["items"]] == ["Annan lösning"]
    assert body["filters"] == {"care_unit": "Vårdcentral Kiruna"}
    for bad in ("?phase=nowhere", "?format=xml", "?owner_id=abc"):
        response = client.get(PORTFOLIO + bad, headers=headers)
        assert response.status_code == 422 and response.mimetype == "application/problem+json", bad


def test_portfolio_csv(client, auth, users, story):
    register_solution(client, auth, users["owner2"], name="=HYPERLINK(\"http://x\")")
    response = client.get(PORTFOLIO, headers=auth(users["auditor"], Accept="text/csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://x\")", NEW_NAME]  # formulas are defused
    row = rows[1]
    assert row["ai_act_category"] == "high_risk" and row["oversight_owner"] == "Åsa Öberg"
    assert "ai_act_art49_3" in row["open_obligations"] and row["review_overdue"] == "no"


def test_portfolio_rows_are_read_after_the_request_session_has_ended(client, auth, users, story):
    """The CSV is streamed: a server has ended the request's session (and the signed-in user with it)
    before the rows are read, so which solutions is decided when the request asks."""
    response = client.get(PORTFOLIO + "?format=csv", headers=auth(users["auditor"]))
    assert response.status_code == 200 and NEW_NAME in response.get_data(as_text=True)
    rows = iter_portfolio(users["auditor"], {})
    db.session.expire_all()  # as the request's commit leaves them
    db.session.remove()
    assert NEW_NAME in [row["name"] for row in rows]


def test_portfolio_pdf(client, auth, users, story, tmp_path):
    import shutil
    import subprocess

    response = client.get(PORTFOLIO + "?format=pdf&lang=en", headers=auth(users["compliance"]))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "Portfolio report" in text and "Åsa Öberg" in text
    assert "High risk" in text and "Page 1 of 1" in text


# --------------------------------------------------------------------------- EU database


def eu(story) -> str:
    return f"/api/v1/solutions/{story.solution_id}/eu-database"


@pytest.mark.parametrize("role, status", [("owner", 200), ("compliance", 200), ("auditor", 200),
                                          ("owner2", 404), ("admin", 403)])
def test_eu_database_by_role(client, auth, users, story, role, status):
    assert client.get(eu(story), headers=auth(users[role])).status_code == status


def test_eu_database_section_c_for_a_public_deployer(app, client, auth, users, story):
    body = client.get(eu(story), headers=auth(users["auditor"])).get_json()
    assert body["classification"]["category"] == "high_risk" and body["classification"]["role"] == "deployer"
    sections = {r["section"]: r for r in body["registrations"]}
    assert set(sections) == {"C"}  # a deployer: neither A (provider) nor B (not exempt)
    c = sections["C"]
    assert c["legal_basis"].startswith("AI Act Art 49(3)")
    fields = {f["key"]: f for f in c["fields"]}
    assert fields["fria_summary"]["value"]["title"] == "FRIA akuttriage"
    assert fields["submitter"]["value"] == {"name": "Olga Owner"}
    assert set(c["missing"]) == {"deployer", "provider_entry_url"}
    assert "dpia_summary" not in c["missing"] or fields["dpia_summary"]["required"]
    assert body["missing"] == [f"C.{key}" for key in c["missing"]]

    app.config["ORGANISATION"] = {"name": "Region Norrbotten", "address": "Robertsviksgatan 7, Luleå",
                                  "contact": "registrator@norrbotten.se", "country": "SE"}
    body = client.get(eu(story), headers=auth(users["auditor"])).get_json()
    assert body["missing"] == ["C.provider_entry_url"]


def test_eu_database_section_a_for_a_provider_and_eudamed_for_a_device(client, auth, users):
    owner, compliance = users["owner"], users["compliance"]
    solution_id = register_solution(client, auth, owner, name="Egenutvecklad sepsisvarning")
    answers = {**HIGH_RISK_ANSWERS, "role": "provider", "medical_purpose": "yes",
               "data_action": "beyond_storage", "in_vitro_diagnostic": "no", "mdr_decision_support": "yes",
               "mdr_decision_impact": "serious_deterioration_or_surgical_intervention",
               "mdr_monitoring": "none", "mdr_closed_loop_therapy": "no", "mdr_drives_device": "no",
               "in_house_exemption": "no"}
    classification = ok(client.post(f"/api/v1/solutions/{solution_id}/classifications",
                                    json={"answers": answers}, headers=auth(owner)), 201)
    ok(client.post(f"/api/v1/classifications/{classification['id']}/submit", json={},
                   headers=auth(owner)), 200)
    ok(client.post(f"/api/v1/classifications/{classification['id']}/approve", json={},
                   headers=auth(compliance)), 200)
    ok(client.post(f"/api/v1/solutions/{solution_id}/evidence", headers=auth(owner), json={
        "type": "udi_di", "title": "UDI-DI", "reference": "07350000000017", "issued_on": "2026-01-01"}), 201)

    body = client.get(f"/api/v1/solutions/{solution_id}/eu-database", headers=auth(compliance)).get_json()
    assert body["classification"]["routes"] and "annex_i_mdr" in body["classification"]["routes"]
    registers = {(r["register"], r["section"]): r for r in body["registrations"]}
    assert ("eu_database", "A") in registers and ("eudamed", None) in registers
    a = {f["key"]: f for f in registers[("eu_database", "A")]["fields"]}
    assert a["trade_name"]["value"]["trade_name"] == "TriageAI"
    assert a["status"]["value"] == "not yet in service"
    assert "declaration_of_conformity" in registers[("eu_database", "A")]["missing"]
    eudamed = {f["key"]: f for f in registers[("eudamed", None)]["fields"]}
    assert eudamed["udi_di"]["value"] == "07350000000017"
    assert eudamed["device_class"]["value"] == "IIb" and eudamed["regulation"]["value"] == "mdr"
    assert "eudamed.eudamed_registration" in body["missing"] and "eudamed.udi_di" not in body["missing"]


def test_eu_database_without_a_decided_classification(client, auth, users):
    solution_id = register_solution(client, auth, users["owner"], name="Oklassad")
    body = client.get(f"/api/v1/solutions/{solution_id}/eu-database", headers=auth(users["owner"])).get_json()
    assert body["registrations"] == [] and body["classification"] is None and body["notes"]
