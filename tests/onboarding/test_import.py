"""Spreadsheet import: template, dry run naming bad cells, all-or-nothing, idempotent re-import, audit."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.goals.models import Goal
from ai_register.solutions.models import Solution
from tests.onboarding.conftest import csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def indicators(app):
    from ai_register.portfolio.indicators import ensure_default_indicators

    ensure_default_indicators()
    db.session.commit()

SV_HEADERS = ["Externt id", "Namn", "Syfte", "Vårdenheter", "Ägare e-post", "Medägare e-post", "Fas",
              "Konfidentialitet", "Målperspektiv", "Mål", "Indikator", "Utgångsvärde", "Målvärde",
              "Personuppgifter", "ai_system", "prohibited_practices", "Gemensam indikator"]


def valid_rows() -> list[list]:
    return [
        ["NLL-1", "Röntgenstöd", "Flags lung nodules.", "Röntgen Sunderby; Röntgen Gällivare",
         "owner@region.example", "owner2@region.example", "förvaltning", 3, "Verksamhet", "Shorter reporting",
         "Median minutes", 45, 30, "ja", "yes", "-", "Tillgänglighet"],
        ["NLL-2", "Journal summary", "Summarises notes.", "Akuten", "", "", "", "", "", "", "", "", "", "nej",
         "", "", ""],
    ]


def invalid_rows() -> list[list]:
    return [
        ["NLL-3", "Bad one", "Purpose.", "", "nobody@region.example", "", "pilot", 9, "", "", "", "", "", "kanske",
         "maybe", "", ""],
        ["NLL-4", "", "Purpose.", "", "", "", "someday", "", "Verksamhet", "", "", "abc", "", "", "", "",
         "no-such-indicator"],
    ]


def counts() -> tuple[int, int, int, int]:
    return (db.session.scalar(select(func.count(Solution.id))), db.session.scalar(select(func.count(Goal.id))),
            db.session.scalar(select(func.count(Classification.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def upload(client, headers, content: bytes, name: str, dry_run: bool = False):
    return client.post(f"/api/v1/imports/solutions?dry_run={'true' if dry_run else 'false'}", headers=headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_dry_run_names_bad_cells_and_writes_nothing(client, users, auth):
    before = counts()
    content = xlsx_bytes(SV_HEADERS, valid_rows() + invalid_rows())
    response = upload(client, auth(users["compliance"]), content, "inventering.xlsx", dry_run=True)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["dry_run"] and not report["ok"] and not report["written"]
    assert [row["outcome"] for row in report["rows"]] == ["create", "create", "invalid", "invalid"]
    assert report["rows"][0]["phase"] == "management" and report["rows"][0]["goals"] == 1
    assert report["rows"][0]["classification"]  # the answers were classified
    bad = {(e["row"], e["column"]) for e in report["errors"]}
    assert {(4, "Ägare e-post"), (4, "Konfidentialitet"), (4, "Personuppgifter"), (4, "ai_system"),
            (5, "Namn"), (5, "Fas"), (5, "Mål"), (5, "Utgångsvärde"), (5, "Gemensam indikator")} <= bad
    reasons = {(e["row"], e["column"]): e["reason"] for e in report["errors"]}
    assert "nobody@region.example" in reasons[(4, "Ägare e-post")]
    assert counts() == before


def test_real_run_with_a_bad_row_imports_nothing(client, users, auth):
    before = counts()
    content = xlsx_bytes(SV_HEADERS, valid_rows() + invalid_rows())
    response = upload(client, auth(users["compliance"]), content, "inventering.xlsx")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert "row 4: Konfidentialitet" in body["errors"]
    assert {"row": 5, "column": "Namn"} in [{k: c[k] for k in ("row", "column")} for c in body["cells"]]
    assert counts() == before


def test_import_creates_everything_audited_and_reimport_creates_nothing(client, users, auth):
    headers = auth(users["compliance"])
    content = xlsx_bytes(SV_HEADERS, valid_rows())
    response = upload(client, headers, content, "inventering.xlsx")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["written"] and report["created"] == 2
    first = db.session.scalar(select(Solution).where(Solution.external_id == "NLL-1"))
    assert first.owner_id == users["owner"].id
    assert [u.id for u in first.co_owners] == [users["owner2"].id]
    assert first.care_units == ["Röntgen Sunderby", "Röntgen Gällivare"]
    assert first.phase == "management" and first.confidentiality == 3 and first.processes_personal_data is True
    goal = db.session.scalar(select(Goal).where(Goal.solution_id == first.id))
    assert goal.perspective == "operations" and goal.baseline == 45 and goal.target == 30
    assert goal.indicator_id is not None
    stored = db.session.scalar(select(Classification).where(Classification.solution_id == first.id))
    assert stored.answers == {"ai_system": "yes", "prohibited_practices": []} and stored.status == "draft"
    second = db.session.scalar(select(Solution).where(Solution.external_id == "NLL-2"))
    assert second.owner_id == users["compliance"].id and second.phase == "needs_analysis"

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.solution_id == first.id)).all()
    assert events and {e.action for e in events} == {"import"}
    assert {e.entity_type for e in events} >= {"solution", "goal", "classification"}
    assert all("inventering.xlsx" in e.reason for e in events if e.entity_type != "ruleset_snapshot")

    before = counts()
    again = upload(client, headers, content, "inventering.xlsx")
    assert again.status_code == 201
    assert again.get_json()["created"] == 0 and again.get_json()["existing"] == 2
    assert counts() == before


def test_csv_with_english_headers_and_semicolons(client, users, auth):
    headers = ["External id", "Name", "Purpose", "Care units", "Phase", "Goal perspective", "Goal", "Common indicator"]
    rows = [["CSV-1", "Triage bot", "Sorts messages.", "1177; Akuten", "pilot", "economy", "Save time", "economy"]]
    response = upload(client, auth(users["compliance"]), csv_bytes(headers, rows, delimiter=";"), "list.csv")
    assert response.status_code == 201, response.get_json()
    solution = db.session.scalar(select(Solution).where(Solution.external_id == "CSV-1"))
    assert solution.care_units == ["1177", "Akuten"] and solution.phase == "pilot"


def test_duplicate_external_id_in_file_and_unknown_columns(client, users, auth):
    headers = auth(users["compliance"])
    rows = [["X-1", "A", "P."], ["X-1", "B", "P."]]
    report = upload(client, headers, csv_bytes(["External id", "Name", "Purpose"], rows), "d.csv",
                    dry_run=True).get_json()
    assert report["rows"][1]["errors"][0]["column"] == "External id"
    report = upload(client, headers, csv_bytes(["External id", "Name", "Purpose", "Colour"], rows[:1]), "d.csv",
                    dry_run=True).get_json()
    assert report["errors"] == [{"row": 1, "column": "Colour", "reason": report["errors"][0]["reason"]}]
    report = upload(client, headers, csv_bytes(["Name", "Purpose"], [["A", "P."]]), "d.csv",
                    dry_run=True).get_json()
    assert report["errors"][0]["column"] == "External id"


def test_continuation_rows_add_goals_and_every_row_needs_an_external_id(client, users, auth):
    headers = ["External id", "Name", "Purpose", "Goal perspective", "Goal", "Common indicator", "Baseline"]
    rows = [["G-1", "Scheduling", "Plans rosters.", "staff_managers", "Less overtime", "work_environment", "10"],
            ["G-1", "", "", "economy", "Lower cost", "economy", "5"],
            ["G-1", "", "", "economy", "Bad baseline", "economy", "lots"],
            ["", "No id", "P.", "", "", "", ""]]
    report = upload(client, auth(users["compliance"]), csv_bytes(headers, rows), "g.csv", dry_run=True).get_json()
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(4, "Baseline"), (5, "External id")]
    assert [row["outcome"] for row in report["rows"]] == ["invalid", "invalid", "invalid", "invalid"]
    response = upload(client, auth(users["compliance"]), csv_bytes(headers, rows[:2]), "g.csv")
    assert response.status_code == 201, response.get_json()
    solution = db.session.scalar(select(Solution).where(Solution.external_id == "G-1"))
    titles = db.session.scalars(select(Goal.title).where(Goal.solution_id == solution.id).order_by(Goal.id)).all()
    assert titles == ["Less overtime", "Lower cost"]
    assert response.get_json()["rows"][0]["goals"] == 2


@pytest.mark.parametrize("content, name", [(b"not a workbook", "x.xlsx"), (b"a,b", "x.txt"), (b"", "x.csv")])
def test_unreadable_files_are_refused(client, users, auth, content, name):
    response = upload(client, auth(users["compliance"]), content, name)
    assert response.status_code == 422
    assert "file" in response.get_json()["errors"]


def test_missing_file_and_bad_query_are_refused(client, users, auth):
    headers = auth(users["compliance"])
    assert client.post("/api/v1/imports/solutions", headers=headers, json={}).status_code == 422
    assert client.post("/api/v1/imports/solutions?dry_run=perhaps", headers=headers).status_code == 422


def test_roles(client, users, auth):
    content = csv_bytes(["External id", "Name", "Purpose"], [["R-1", "A", "P."]])
    for role in ("owner", "auditor", "admin"):
        assert upload(client, auth(users[role]), content, "r.csv").status_code == 403
    assert client.get("/api/v1/imports/solutions/template", headers=auth(users["auditor"])).status_code == 403
    assert client.get("/api/v1/imports/solutions/template", headers=auth(users["admin"])).status_code == 403


def test_template_downloads_and_imports_back(client, users, auth):
    headers = auth(users["owner"])
    response = client.get("/api/v1/imports/solutions/template?format=xlsx&lang=sv", headers=headers)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Lösningar", "Instruktioner"]
    header = [c.value for c in workbook["Lösningar"][1]]
    assert header[:3] == ["Externt id", "Namn", "Syfte"] and "ai_system" in header
    csv_template = client.get("/api/v1/imports/solutions/template?format=csv&lang=en", headers=headers)
    assert csv_template.status_code == 200 and csv_template.data.decode("utf-8-sig").startswith("External id,")
    assert client.get("/api/v1/imports/solutions/template?format=pdf", headers=headers).status_code == 422
    # The template's own example row imports (its owner e-mail is an example; blank it).
    workbook["Lösningar"]["X2"] = None
    for cell in workbook["Lösningar"][1]:
        if cell.value == "Ägare e-post":
            workbook["Lösningar"].cell(row=2, column=cell.column).value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = upload(client, auth(users["compliance"]), buffer.getvalue(), "template.xlsx", dry_run=True).get_json()
    assert report["ok"], report["errors"]


def test_cli_dry_run_then_import(runner, users, tmp_path):
    path = tmp_path / "inventering.xlsx"
    path.write_bytes(xlsx_bytes(SV_HEADERS, valid_rows()))
    before = counts()
    result = runner.invoke(args=["import", "solutions", str(path), "--dry-run", "--as", "compliance@region.example"])
    assert result.exit_code == 0, result.output
    assert "would create" in result.output and counts() == before
    result = runner.invoke(args=["import", "solutions", str(path), "--as", "compliance@region.example"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Solution.id))) == before[0] + 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(SV_HEADERS, invalid_rows()))
    result = runner.invoke(args=["import", "solutions", str(bad), "--as", "compliance@region.example"])
    assert result.exit_code == 1 and "Konfidentialitet" in result.output
    result = runner.invoke(args=["import", "solutions", str(path), "--as", "owner@region.example"])
    assert result.exit_code != 0 and "compliance" in result.output


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def test_web_upload_page(app, client, users):
    _sign_in(client, users["compliance"])
    page = client.get("/imports/solutions")
    assert page.status_code == 200 and b"template" in page.data.lower()
    # The form is CSRF-protected.
    content = xlsx_bytes(SV_HEADERS, valid_rows())
    refused = client.post("/imports/solutions", data={"file": (io.BytesIO(content), "i.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    dry = client.post("/imports/solutions", data={"file": (io.BytesIO(content), "i.xlsx"), "dry_run": "y"},
                      content_type="multipart/form-data")
    assert dry.status_code == 200 and b"NLL-1" in dry.data
    assert db.session.scalar(select(func.count(Solution.id))) == 0
    bad = client.post("/imports/solutions", data={"file": (io.BytesIO(xlsx_bytes(SV_HEADERS, invalid_rows())),
                                                           "i.xlsx")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and b"Konfidentialitet" in bad.data
    done = client.post("/imports/solutions", data={"file": (io.BytesIO(content), "i.xlsx")},
                       content_type="multipart/form-data")
    assert done.status_code == 200
    assert db.session.scalar(select(func.count(Solution.id))) == 2
    template = client.get("/imports/solutions/template?format=csv")
    assert template.status_code == 200
    assert client.get("/imports/solutions/template?format=doc").status_code == 400


def test_web_pages_refuse_other_roles(client, users):
    for role in ("owner", "auditor", "admin"):
        _sign_in(client, users[role])
        assert client.get("/imports/solutions").status_code == 403


def test_phase_and_perspective_cells_take_the_catalog_labels_in_both_languages_and_the_codes(app):
    """The names a cell may use come from the catalog (what pages show), not from a table of their own."""
    from ai_register.goals.models import PERSPECTIVE_LABELS
    from ai_register.onboarding.columns import parse_cell
    from ai_register.solutions.lifecycle.phases import PHASE_LABELS
    from tests.helpers import read_catalog

    swedish = read_catalog("sv")
    for kind, labels in (("perspective", PERSPECTIVE_LABELS), ("phase", PHASE_LABELS)):
        for code, label in labels.items():
            for name in (swedish[str(label)].string, str(label), code.value):
                assert parse_cell(kind, name) == code.value, (kind, name)
                assert parse_cell(kind, name.upper()) == code.value, (kind, name)
    assert parse_cell("perspective", "Samhälle och medborgare") == "society_citizens"
    assert parse_cell("phase", "Prövning") == "needs_analysis"
    assert parse_cell("perspective", "Miljö") == "miljö"  # passed on for the goal schema to refuse
