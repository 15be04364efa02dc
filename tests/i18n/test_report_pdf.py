"""The traceability report of every demo solution, in Swedish and in English, read with pdftotext as
an inspector reads it: "page x of y" on every page, section numbers without gaps, every section
present, no name cut off, no raw code and no question id."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from ai_register.demo import DEMO_PEOPLE
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from ai_register.users.services import find_user_by_email, issue_access_token
from tests.webclient import compile_catalogs

from .pdfcheck import numbering_gaps, report_problems

SECTIONS = {
    "sv": ["Identitet", "Livscykel", "Riskklassningar", "Skyldigheter", "Mänsklig tillsyn", "Mål och nytta",
           "Underlag", "Tillförlitlig AI: självskattning",
           "Kritikalitet, reservrutin och återställning", "Avvikelser", "Granskningar", "Granskningslogg"],
    "en": ["Identity", "Lifecycle", "Classifications", "Obligations", "Human oversight", "Goals and benefits",
           "Evidence", "Trustworthy AI: self-assessment",
           "Criticality, fallback and recovery", "Incidents", "Reviews", "Audit trail"],
}


@pytest.fixture(scope="module", autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.mark.slow
def test_every_demo_report_reads_as_a_document_in_both_languages(app, runner):
    app.config["TRUSTWORTHY_ASSESSMENT_REQUIRED"] = True
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    token, _ = issue_access_token(find_user_by_email(DEMO_PEOPLE["auditor"]))
    db.session.commit()
    client = app.test_client()
    problems = {}
    ids = db.session.scalars(select(Solution.id).order_by(Solution.id)).all()
    assert len(ids) == 12
    for solution_id in ids:
        for lang in ("sv", "en"):
            response = client.get(f"/api/v1/solutions/{solution_id}/report?format=pdf&lang={lang}",
                                  headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            if os.environ.get("REPORT_PDF_DIR"):  # keep them to look at: pdftoppm -r 60 -png …
                Path(os.environ["REPORT_PDF_DIR"], f"solution-{solution_id}-{lang}.pdf").write_bytes(response.data)
            found = report_problems(response.data, lang, SECTIONS[lang])
            if found:
                problems[f"solution {solution_id} ({lang})"] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_numbering_check_finds_gaps():
    assert numbering_gaps(["1", "2", "2.1", "2.2", "3", "3.1"]) == []
    assert numbering_gaps(["1", "2", "2.3"]) == ["2.3 after 2"]
    assert numbering_gaps(["1", "3"]) == ["3 after 1"]
