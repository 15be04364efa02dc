"""The region's own plain words for a solution's public page (Swedish and English): written by the owner or
compliance, read by auditors, audited, checked for identity numbers, measured for readability (LIX), and
shown on the public page and in its open data."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.public import queries
from ai_register.public.readability import lix
from tests.public.test_public import anonymous_get
from tests.reports.conftest import register_solution
from tests.web.conftest import WebClient, compile_catalogs, text
from tests.webclient import field_error

TEXTS = {
    "what_sv": "Lösningen läser patientens symtom och föreslår hur bråttom det är. Sjuksköterskan bestämmer alltid.",
    "what_en": "The solution reads the patient's symptoms and suggests how urgent it is. The nurse always decides.",
    "why_sv": "", "why_en": "Patients with serious symptoms should be seen first.",
    "data_sv": "Symtom, ålder och vitalparametrar från journalen.", "data_en": "",
    "legal_basis_sv": "", "legal_basis_en": "The Patient Data Act (2008:355).",
    "contact": "akuten.ai@region.example",
}


@pytest.fixture(scope="module", autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def story(client, auth, users):
    """A public solution registered through the API (no classification needed here)."""
    return SimpleNamespace(solution_id=register_solution(client, auth, users["owner"]))


def _url(solution_id: int) -> str:
    return f"/solutions/{solution_id}/public-description"


def _events(solution_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "public_description",
                                                            AuditEvent.solution_id == solution_id)
                                   .order_by(AuditEvent.position)))


def test_the_owner_writes_the_public_page_in_plain_words(app, users, story):
    owner = WebClient(app, users["owner"])
    page = owner.get(_url(story.solution_id))
    assert page.status_code == 200
    html = text(page)
    assert "Offentlig beskrivning" in html and "Skriv för en invånare" in html
    assert 'href="/public/solutions/' in html  # the story's solution is public: a link to its page
    assert "<textarea" in html and 'data-test="lix-' not in html  # nothing written yet, nothing measured
    response = owner.post(_url(story.solution_id), TEXTS)
    assert response.status_code == 302
    html = text(owner.get(_url(story.solution_id)))
    assert "Den offentliga beskrivningen är sparad." in html
    assert "Läsbarhet (LIX):" in html and TEXTS["what_en"].replace("'", "&#39;") in html
    (created,) = _events(story.solution_id)
    assert created.action == "create" and created.data["record"]["contact"] == "akuten.ai@region.example"

    # The public page and its data use the region's words; the record fills what the region left empty.
    entry = anonymous_get(app.test_client(), f"/api/v1/public/solutions/{queries.opaque_id(story.solution_id)}")
    data = entry.get_json()
    assert data["what_it_does"] == {"sv": TEXTS["what_sv"], "en": TEXTS["what_en"]}
    assert data["why"] == {"sv": None, "en": TEXTS["why_en"]}  # the story records no need statement
    assert data["data_used"] == {"sv": TEXTS["data_sv"], "en": None}
    assert data["legal_basis"] == {"sv": None, "en": TEXTS["legal_basis_en"]}
    assert data["contact"] == "akuten.ai@region.example"
    public_id = queries.opaque_id(story.solution_id)
    english = text(anonymous_get(app.test_client(), f"/public/solutions/{public_id}?lang=en"))
    assert f'<p class="lead">{TEXTS["what_en"]}' .replace("'", "&#39;") in english
    assert f'<p lang="sv">{TEXTS["data_sv"]}</p>' in english  # no English text: the Swedish one, marked
    assert 'data-test="swedish-only"' in english
    assert 'href="mailto:akuten.ai@region.example"' in english
    swedish = text(anonymous_get(app.test_client(), f"/public/solutions/{public_id}"))
    assert TEXTS["what_sv"] in swedish and TEXTS["what_en"].replace("'", "&#39;") not in swedish

    # A change records only what changed.
    assert owner.post(_url(story.solution_id), {**TEXTS, "why_sv": "Allvarligt sjuka ska komma först."}
                      ).status_code == 302
    created, changed = _events(story.solution_id)
    assert changed.action == "update" and set(changed.data["changes"]) == {"why_sv"}
    assert owner.post(_url(story.solution_id), {**TEXTS, "why_sv": "Allvarligt sjuka ska komma först."}
                      ).status_code == 302
    assert len(_events(story.solution_id)) == 2  # nothing changed, nothing recorded


def test_an_identity_number_is_refused_and_the_form_kept(app, client, auth, users, story):
    # One rule, the service's: the API and the page refuse with the same message beside the same field.
    refused = client.put(f"/api/v1/solutions/{story.solution_id}/public-description",
                         json={"contact": "Ring 19121212-1212"}, headers=auth(users["owner"]))
    assert refused.status_code == 422 and refused.get_json()["code"] == "invalid_input"
    assert refused.get_json()["errors"] == {"contact": ["A personal identity number must not be published."]}
    owner = WebClient(app, users["owner"])
    response = owner.post(_url(story.solution_id), {**TEXTS, "data_sv": "Till exempel 19121212-1212 i journalen.",
                                                    "contact": "Ring 19121212-1212"})
    assert response.status_code == 422
    html = text(response)
    assert "Till exempel 19121212-1212 i journalen." in html
    for name in ("data_sv", "contact"):
        assert field_error(response, name) == "Ta bort personnumret: ett personnummer får inte publiceras."
    assert _events(story.solution_id) == []


def test_who_may_write_and_who_may_read(app, users, story):
    auditor = WebClient(app, users["auditor"])
    page = auditor.get(_url(story.solution_id))
    assert page.status_code == 200
    assert 'data-test="public-description-read"' in text(page) and "<textarea" not in text(page)
    assert auditor.post(_url(story.solution_id), TEXTS).status_code == 403
    other_owner = WebClient(app, users["owner2"])
    assert other_owner.get(_url(story.solution_id)).status_code in (403, 404)
    assert other_owner.post(_url(story.solution_id), TEXTS).status_code in (403, 404)
    assert WebClient(app, users["compliance"]).post(_url(story.solution_id), TEXTS).status_code == 302
    assert _events(story.solution_id)[0].actor_id == users["compliance"].id


def test_lix_measures_swedish_readability():
    easy = "Lösningen läser bilder. Läkaren tittar på dem först. Sedan bestämmer läkaren vad som ska göras."
    hard = ("Implementeringen av beslutsstödssystemet förutsätter kontinuerlig kvalitetssäkring avseende "
            "algoritmens diagnostiska träffsäkerhet och interoperabilitet med journalsystemen.")
    assert lix(easy).band in ("very_easy", "easy") and lix(easy).sentences == 3
    assert lix(hard).band == "very_hard" and lix(hard).score > 60
    assert lix("För kort.") is None and lix(None) is None


def test_the_description_through_the_api(client, auth, users, story):
    url = f"/api/v1/solutions/{story.solution_id}/public-description"
    empty = client.get(url, headers=auth(users["auditor"]))
    assert empty.status_code == 200
    assert empty.get_json() == {**{name: None for name in TEXTS}, "updated_at": None,
                                "public_page": f"/public/solutions/{queries.opaque_id(story.solution_id)}"}
    body = {name: value or None for name, value in TEXTS.items()}
    written = client.put(url, json=body, headers=auth(users["owner"]))
    assert written.status_code == 200, written.get_data(as_text=True)
    answer = written.get_json()
    assert answer["what_en"] == TEXTS["what_en"] and answer["why_sv"] is None and answer["updated_at"]
    # PUT is the whole description: what is left out becomes empty; only changes are audited.
    again = client.put(url, json={"what_sv": TEXTS["what_sv"]}, headers=auth(users["owner"])).get_json()
    assert again["what_en"] is None and again["contact"] is None
    created, changed = _events(story.solution_id)
    assert set(changed.data["changes"]) == {"what_en", "why_en", "data_sv", "legal_basis_en", "contact"}

    refused = client.put(url, json={"data_sv": "Patient 19121212-1212."}, headers=auth(users["owner"]))
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert set(refused.get_json()["errors"]) == {"data_sv"}
    for bad in ({"what_sv": "x" * 2001}, {"summary": "okänt fält"}, {"contact": 5}):
        assert client.put(url, json=bad, headers=auth(users["owner"])).status_code == 422, bad
    denied = client.put(url, json=body, headers=auth(users["auditor"]))
    assert denied.status_code == 403 and denied.get_json()["code"] == "role"
    assert client.put(url, json=body, headers=auth(users["owner2"])).status_code in (403, 404)
    assert len(_events(story.solution_id)) == 2
