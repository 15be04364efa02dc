"""`make screenshots`: every page of the web UI, per role, at desktop (1280 px) and phone (390 px) width.

Starts the app on a throwaway SQLite database, loads the demo accounts (`flask demo load`), seeds a
small portfolio of a Swedish region through the public API (so every record is made by the same
services, audited, as in real use), serves it on 127.0.0.1 and photographs the pages with Debian's
chromium into `screenshots/`.

    .venv/bin/python tools/screenshots.py [--out screenshots] [--lang sv|en] [--only owner,compliance]
"""

from __future__ import annotations

import argparse
import logging
import re
import socket
import sys
import tempfile
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ai_register import create_app  # noqa: E402
from ai_register.demo import DEMO_USERS  # noqa: E402
from ai_register.extensions import db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORDS = {role_email: password for role_email, _role, _name, password in DEMO_USERS}
EMAIL = {
    "owner": "agare@region.example",
    "owner2": "agare2@region.example",
    "compliance": "granskare@region.example",
    "compliance2": "granskare2@region.example",
    "auditor": "revisor@region.example",
    "admin": "admin@region.example",
}

TODAY = date.today()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


# --------------------------------------------------------------------------- seeding through the API


class Api:
    """The app's own HTTP API through the Flask test client, one bearer token per person."""

    def __init__(self, app):
        self.client = app.test_client()
        self.tokens: dict[str, str] = {}

    def login(self, who: str) -> None:
        email = EMAIL[who]
        response = self.client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORDS[email]})
        self.tokens[who] = response.get_json()["access_token"]

    def call(
        self, who: str, method: str, path: str, *, json=None, etag: str | None = None, expect=(200, 201, 202)
    ):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        if etag is not None:
            headers["If-Match"] = etag
        response = self.client.open(f"/api/v1{path}", method=method, json=json, headers=headers)
        if response.status_code not in expect:
            raise RuntimeError(
                f"{method} {path} → {response.status_code}: {response.get_data(as_text=True)[:800]}"
            )
        return response

    def etag(self, who: str, sid: int) -> str:
        return self.call(who, "GET", f"/solutions/{sid}").headers["ETag"]


MINIMAL = {
    "ai_system": "yes",
    "excluded_purpose": "none",
    "role": "deployer",
    "public_authority": "yes",
    "prohibited_practices": [],
    "emotion_recognition": "none",
    "remote_biometric_identification": "no",
    "biometric_categorisation": "no",
    "medical_purpose": "no",
    "other_annex_i_product": "no",
    "annex_iii_areas": [],
    "interacts_with_persons": "no",
    "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no",
    "gpai_model": "no",
}
DEVICE_IIB = {
    **MINIMAL,
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no",
    "mdr_decision_support": "yes",
    "mdr_decision_impact": "serious_deterioration_or_surgical_intervention",
    "mdr_monitoring": "none",
    "mdr_closed_loop_therapy": "no",
    "in_house_exemption": "no",
}
CHATBOT = {**MINIMAL, "interacts_with_persons": "yes", "generates_synthetic_content": "yes"}
SCHEDULING = {
    **MINIMAL,
    "annex_iii_areas": ["employment_workers_management"],
    "profiling": "yes",
    "art6_3_condition": "none",
}
SEPSIS = {
    **MINIMAL,
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no",
    "mdr_decision_support": "yes",
    "mdr_decision_impact": "death_or_irreversible_deterioration",
    "mdr_monitoring": "vital_parameters_immediate_danger",
    "mdr_closed_loop_therapy": "no",
    "in_house_exemption": "no",
}


def register(api: Api, who: str, **fields) -> int:
    body = {
        "sourcing": "procured",
        "kind": "machine_learning",
        "processes_personal_data": True,
        "processes_health_data": True,
        "confidentiality": 3,
        "integrity": 3,
        "availability": 2,
        **fields,
    }
    return api.call(who, "POST", "/solutions", json=body).get_json()["id"]


def goal(api: Api, who: str, sid: int, values: list[tuple[int, float]] = (), **fields) -> int:
    gid = api.call(who, "POST", f"/solutions/{sid}/goals", json=fields).get_json()["id"]
    for offset, value in values:
        api.call(
            who,
            "POST",
            f"/solutions/{sid}/goals/{gid}/measurements",
            json={"measured_on": days(offset), "value": value},
        )
    return gid


def benefit(api: Api, who: str, sid: int, **fields) -> None:
    api.call(who, "PUT", f"/solutions/{sid}/benefit", json=fields)


def oversight(api: Api, who: str, sid: int, person: dict, accepted: int = -30) -> None:
    body = {
        "person": person,
        "competence": "Specialistläkare med erfarenhet av beslutsstöd.",
        "training": "Regionens utbildning i mänsklig tillsyn av AI (4 h).",
        "training_completed_on": days(-40),
        "authority_to_suspend": True,
        "accepted_on": days(accepted),
        "monitors": {
            "understands_capabilities_limits": True,
            "aware_of_automation_bias": True,
            "interprets_output": True,
            "can_disregard_override_reverse": True,
            "can_interrupt_stop": True,
        },
    }
    api.call(who, "PUT", f"/solutions/{sid}/oversight", json=body, etag=api.etag(who, sid))


def evidence(
    api: Api, who: str, sid: int, kind: str, title: str, issued: int = -20, expires: int | None = 700, **extra
) -> None:
    body = {"type": kind, "title": title, "issued_on": days(issued), **extra}
    if expires is not None:
        body["expires_on"] = days(expires)
    api.call(who, "POST", f"/solutions/{sid}/evidence", json=body)


def classify(
    api: Api,
    who: str,
    sid: int,
    answers: dict,
    *,
    submit=True,
    review: str | None = "compliance",
    outcome: str = "approve",
    **review_body,
) -> int:
    cid = api.call(who, "POST", f"/solutions/{sid}/classifications", json={"answers": answers}).get_json()[
        "id"
    ]
    if submit:
        api.call(who, "POST", f"/classifications/{cid}/submit")
        if review:
            api.call(review, "POST", f"/classifications/{cid}/{outcome}", json=review_body)
    return cid


def move(api: Api, who: str, sid: int, to: str, reason: str, approver: str | None = "compliance2") -> None:
    response = api.call(
        who,
        "POST",
        f"/solutions/{sid}/transitions",
        json={"to": to, "reason": reason},
        etag=api.etag(who, sid),
    )
    if response.status_code == 202 and approver:
        tid = response.get_json()["id"]
        api.call(approver, "POST", f"/transitions/{tid}/approve", json={"reason": "Grinden uppfylld."})


def seed(app) -> None:
    api = Api(app)
    for who in EMAIL:
        api.login(who)
    eva = {
        "name": "Eva Ek",
        "title": "Överläkare",
        "unit": "Röntgenkliniken Sunderby",
        "contact": "eva.ek@region.example",
    }
    with app.app_context():
        from ai_register.users.services import find_user_by_email

        anna = find_user_by_email(EMAIL["owner"]).id

    # 1. Chest X-ray triage: MDR IIb, high risk, in pilot with a rollout request waiting.
    xray = register(
        api,
        "owner",
        name="Triagering av lungröntgen",
        purpose="Prioriterar lungröntgenbilder med misstänkta fynd så att röntgenläkaren granskar dem först.",
        intended_use="Beslutsstöd för röntgenläkare; läkaren gör alltid sin egen bedömning.",
        need_statement="Svarstiden för lungröntgen är i median 12 dagar; allvarliga fynd kan vänta.",
        alternatives="Fler röntgenläkare (saknas), utökad dubbelgranskning, ingen förändring.",
        care_units=["Röntgen Sunderbyn", "Röntgen Gällivare", "Röntgen Kiruna"],
        user_groups=["Röntgenläkare", "Röntgensjuksköterskor"],
        supplier="Nordic Imaging AI AB",
        product="LungTriage",
        product_version="3.2",
        review_interval_months=6,
        tags=["radiologi"],
    )
    goal(
        api,
        "owner",
        xray,
        perspective="society_citizens",
        title="Kortare svarstid för lungröntgen",
        indicator="Median antal dagar från undersökning till svar",
        unit="dagar",
        baseline="12",
        target="5",
        higher_is_better=False,
        values=[(-150, 12), (-120, 11), (-90, 9.5), (-60, 8), (-30, 7.2), (-5, 6.1)],
    )
    goal(
        api,
        "owner",
        xray,
        perspective="staff_managers",
        title="Mindre övertid för röntgenläkare",
        indicator="Övertidstimmar per månad",
        unit="timmar",
        baseline="160",
        target="100",
        higher_is_better=False,
        values=[(-120, 158), (-60, 131), (-10, 118)],
    )
    benefit(
        api,
        "owner",
        xray,
        one_off_cost="850000",
        yearly_cost="320000",
        yearly_savings="280000",
        hours_freed_per_year="1400",
        hourly_cost="900",
        assumptions="Licens enligt avtal; 1 400 frigjorda läkartimmar per år vid full användning.",
    )
    oversight(api, "owner", xray, eva, accepted=-200)
    evidence(api, "owner", xray, "dpia", "Konsekvensbedömning (DPIA) LungTriage", issued=-210)
    evidence(api, "owner", xray, "risk_assessment", "Riskbedömning enligt regionens modell", issued=-205)
    evidence(api, "owner", xray, "supplier_contract", "Avtal Nordic Imaging AI AB", issued=-300, expires=40)
    evidence(
        api,
        "owner",
        xray,
        "ce_certificate",
        "CE-certifikat klass IIb",
        issued=-400,
        expires=1100,
        reference="NB 2797-IIb-0421",
        issuer="BSI Group The Netherlands B.V.",
    )
    classify(api, "owner", xray, DEVICE_IIB)
    move(api, "owner", xray, "pilot", "Pilot vid Röntgen Sunderbyn under sex månader.")
    api.call(
        "owner",
        "PUT",
        f"/solutions/{xray}/rollout-plan",
        etag=api.etag("owner", xray),
        json={
            "units": [
                {"name": "Röntgen Sunderbyn", "planned_start": days(-150), "actual_start": days(-150)},
                {"name": "Röntgen Gällivare", "planned_start": days(45)},
                {"name": "Röntgen Kiruna", "planned_start": days(90)},
            ]
        },
    )
    evidence(
        api, "owner", xray, "pilot_evaluation", "Utvärdering av piloten i Sunderbyn", issued=-3, expires=None
    )

    # 2. Speech recognition for clinical notes: limited risk, in management, review overdue.
    speech = register(
        api,
        "owner",
        name="Taligenkänning för journalföring",
        purpose="Omvandlar diktat till journaltext som vårdpersonalen granskar och signerar.",
        need_statement="Sekreterarbrist ger långa ledtider för journalanteckningar.",
        kind="generative",
        care_units=["Medicinkliniken Sunderbyn", "Ortopeden Gällivare"],
        user_groups=["Läkare", "Sjuksköterskor"],
        supplier="Röstteknik Norden AB",
        review_interval_months=12,
        processes_health_data=True,
        in_service_since=days(-700),
    )
    goal(
        api,
        "owner",
        speech,
        perspective="operations",
        title="Kortare ledtid till signerad anteckning",
        indicator="Timmar från diktat till signering",
        unit="timmar",
        baseline="48",
        target="8",
        higher_is_better=False,
        values=[(-400, 40), (-300, 22), (-200, 12), (-100, 9), (-20, 7.5)],
    )
    benefit(api, "owner", speech, one_off_cost="300000", yearly_cost="450000", yearly_savings="900000")
    oversight(api, "owner", speech, {"user_id": anna}, accepted=-340)
    evidence(api, "owner", speech, "dpia", "DPIA taligenkänning", issued=-500, expires=500)
    evidence(
        api, "owner", speech, "pilot_evaluation", "Pilotutvärdering taligenkänning", issued=-400, expires=None
    )
    classify(
        api, "owner", speech, {**MINIMAL, "generates_synthetic_content": "no", "interacts_with_persons": "no"}
    )
    move(api, "owner", speech, "pilot", "Pilot på medicinkliniken.")
    move(api, "owner", speech, "rollout", "Bra utfall i piloten; breddinförande.")
    api.call(
        "owner",
        "PUT",
        f"/solutions/{speech}/rollout-plan",
        etag=api.etag("owner", speech),
        json={
            "units": [
                {
                    "name": "Medicinkliniken Sunderbyn",
                    "planned_start": days(-300),
                    "actual_start": days(-300),
                },
                {"name": "Ortopeden Gällivare", "planned_start": days(-200), "actual_start": days(-190)},
            ]
        },
    )
    move(api, "owner", speech, "management", "Alla enheter har startat.")
    api.call(
        "owner",
        "PATCH",
        f"/solutions/{speech}",
        json={"next_review_on": days(-12)},
        etag=api.etag("owner", speech),
    )

    # 3. Sepsis alert: class III, high risk; the classification waits in the review queue.
    sepsis = register(
        api,
        "owner",
        name="Sepsisvarning på akuten",
        purpose="Varnar för risk för sepsis utifrån vitalparametrar och labbvärden.",
        need_statement="Sepsis upptäcks för sent hos en del patienter på akuten.",
        care_units=["Akutmottagningen Sunderbyn"],
        user_groups=["Sjuksköterskor", "Läkare"],
        supplier="CareSignal Oy",
    )
    goal(
        api,
        "owner",
        sepsis,
        perspective="society_citizens",
        title="Tidigare antibiotika vid sepsis",
        indicator="Andel patienter med antibiotika inom en timme",
        unit="%",
        baseline="54",
        target="85",
    )
    classify(api, "owner", sepsis, SEPSIS, review=None)

    # 4. The 1177 chatbot: limited risk (Art 50), co-owned by the second owner, in rollout.
    chat = register(
        api,
        "owner2",
        name="Chattbot för 1177-rådgivning",
        purpose="Svarar på vanliga frågor om vårdens öppettider och hänvisar rätt; ger inga medicinska råd.",
        need_statement="Många samtal till 1177 gäller enkla frågor om hänvisning.",
        kind="generative",
        care_units=["1177 Norrbotten"],
        user_groups=["Invånare"],
        supplier="Dialogbot AB",
        processes_health_data=False,
        public=True,
        review_interval_months=12,
    )
    goal(
        api,
        "owner2",
        chat,
        perspective="society_citizens",
        title="Färre enkla samtal till 1177",
        indicator="Samtal per vecka om hänvisning",
        unit="samtal",
        baseline="2400",
        target="1600",
        higher_is_better=False,
        values=[(-200, 2350), (-100, 1980), (-15, 1720)],
    )
    benefit(api, "owner2", chat, one_off_cost="250000", yearly_cost="180000", yearly_savings="420000")
    oversight(
        api,
        "owner2",
        chat,
        {"name": "Jonas Berg", "title": "Verksamhetsutvecklare", "unit": "1177 Norrbotten"},
    )
    evidence(api, "owner2", chat, "dpia", "DPIA chattbot", issued=-260)
    evidence(
        api, "owner2", chat, "pilot_evaluation", "Utvärdering av chattbotens pilot", issued=-40, expires=None
    )
    classify(api, "owner2", chat, CHATBOT)
    move(api, "owner2", chat, "pilot", "Pilot under hösten.")
    move(api, "owner2", chat, "rollout", "Piloten nådde målen.")

    # 5. Staff scheduling: Annex III 4 high risk, a draft classification.
    sched = register(
        api,
        "owner",
        name="Schemaoptimering för bemanning",
        purpose="Föreslår scheman utifrån bemanningsbehov, kompetens och önskemål.",
        care_units=["Kirurgen Sunderbyn"],
        user_groups=["Enhetschefer"],
        supplier="ShiftWise AB",
        processes_health_data=False,
    )
    classify(api, "owner", sched, SCHEDULING, submit=False)

    # 6. Dermatoscopy screening: just registered.
    register(
        api,
        "owner",
        name="Hudcancerscreening med dermatoskopi",
        purpose="Bedömer dermatoskopibilder av hudförändringar och föreslår prioritet för remiss.",
        care_units=["Hälsocentralen Luleå centrum"],
        processes_personal_data=None,
        processes_health_data=None,
    )

    # 7. Medication review support: terminated and in decommissioning.
    meds = register(
        api,
        "owner",
        name="Stöd för läkemedelsgenomgång",
        purpose="Markerar möjliga interaktioner vid läkemedelsgenomgångar.",
        kind="rule_based",
        care_units=["Geriatriken Sunderbyn"],
        supplier="PharmaLogic AB",
    )
    api.call(
        "owner",
        "POST",
        f"/solutions/{meds}/decisions",
        etag=api.etag("owner", meds),
        json={
            "kind": "terminate",
            "rationale": "Leverantören avvecklar produkten; ersätts av journalsystemets funktion.",
            "meeting_reference": "Styrgruppen digitalisering 2026-10-14, § 7",
        },
    )

    # 8. Diagnosis coding: in pilot, paused after an incident.
    coding = register(
        api,
        "owner",
        name="Automatisk diagnoskodning",
        purpose="Föreslår ICD-10-koder utifrån epikriser; kodaren bekräftar.",
        need_statement="Kodningen är eftersatt och påverkar uppföljning och ersättning.",
        care_units=["Medicinkliniken Sunderbyn"],
        user_groups=["Medicinska sekreterare"],
        supplier="CodeAssist AB",
        processes_health_data=True,
    )
    goal(
        api,
        "owner",
        coding,
        perspective="economy",
        title="Fler kodade vårdtillfällen",
        indicator="Andel vårdtillfällen kodade inom 5 dagar",
        unit="%",
        baseline="62",
        target="95",
        values=[(-60, 70), (-30, 81)],
    )
    benefit(
        api,
        "owner",
        coding,
        one_off_cost="150000",
        yearly_cost="90000",
        yearly_savings="60000",
        hours_freed_per_year="800",
        hourly_cost="420",
    )
    oversight(
        api, "owner", coding, {"name": "Lena Holm", "title": "Kodningsansvarig", "unit": "Medicinkliniken"}
    )
    evidence(api, "owner", coding, "dpia", "DPIA diagnoskodning", issued=-100)
    classify(api, "owner", coding, MINIMAL)
    move(api, "owner", coding, "pilot", "Pilot på medicinkliniken.")
    api.call(
        "owner",
        "POST",
        f"/solutions/{coding}/incidents",
        json={
            "what_happened": "Felaktiga koder föreslogs för en grupp epikriser efter en uppdatering.",
            "care_unit": "Medicinkliniken Sunderbyn",
            "occurred_at": f"{days(-6)}T09:30:00+01:00",
            "became_aware_at": f"{days(-5)}T14:00:00+01:00",
        },
    )
    api.call(
        "owner",
        "POST",
        f"/solutions/{coding}/decisions",
        etag=api.etag("owner", coding),
        json={"kind": "pause", "rationale": "Pausad tills leverantören har rättat uppdateringen."},
    )

    # 9. A journal summary ready for pilot: the request waits for a compliance officer.
    summary = register(
        api,
        "owner2",
        name="Sammanfattning av journalanteckningar",
        kind="generative",
        purpose="Sammanfattar tidigare vårdkontakter inför besök; läkaren läser källorna vid behov.",
        need_statement="Läkare lägger lång tid på att läsa in sig före besök.",
        care_units=["Hälsocentralen Boden"],
        user_groups=["Distriktsläkare"],
        supplier="MedText AB",
    )
    goal(
        api,
        "owner2",
        summary,
        perspective="staff_managers",
        title="Kortare inläsningstid före besök",
        indicator="Minuter per besök",
        unit="minuter",
        baseline="9",
        target="4",
        higher_is_better=False,
    )
    benefit(
        api,
        "owner2",
        summary,
        one_off_cost="200000",
        yearly_cost="150000",
        hours_freed_per_year="1100",
        hourly_cost="900",
    )
    oversight(
        api,
        "owner2",
        summary,
        {"name": "Per Lind", "title": "Distriktsläkare", "unit": "Hälsocentralen Boden"},
    )
    evidence(api, "owner2", summary, "dpia", "DPIA journalsammanfattning", issued=-15)
    classify(api, "owner2", summary, {**MINIMAL, "generates_synthetic_content": "yes"})
    move(api, "owner2", summary, "pilot", "Pilot på en hälsocentral i tre månader.", approver=None)


# --------------------------------------------------------------------------- photographing


def pages_for(api_app) -> dict[str, list[tuple[str, str]]]:
    """(name, path) per role, found from the seeded data."""
    with api_app.app_context():
        from ai_register.classification.models import Classification
        from ai_register.solutions.models import Solution, TransitionRequest

        by_name = {s.name: s.id for s in db.session.scalars(db.select(Solution))}
        submitted = db.session.scalars(
            db.select(Classification).where(Classification.status == "submitted")
        ).first()
        draft = db.session.scalars(db.select(Classification).where(Classification.status == "draft")).first()
        pending = db.session.scalars(
            db.select(TransitionRequest).where(TransitionRequest.status == "pending")
        ).first()
    xray, speech = by_name["Triagering av lungröntgen"], by_name["Taligenkänning för journalföring"]
    meds, derm = by_name["Stöd för läkemedelsgenomgång"], by_name["Hudcancerscreening med dermatoskopi"]
    common = [
        ("overview", "/"),
        ("solutions", "/solutions"),
        ("solution-pilot", f"/solutions/{xray}"),
        ("solution-management", f"/solutions/{speech}"),
        ("profile", "/profile"),
    ]
    owner = common + [
        ("register", "/solutions/new"),
        ("solution-new", f"/solutions/{derm}"),
        ("edit", f"/solutions/{xray}/edit"),
        ("goals", f"/solutions/{xray}/goals"),
        ("benefit", f"/solutions/{xray}/benefit"),
        ("evidence", f"/solutions/{xray}/evidence/new"),
        ("oversight", f"/solutions/{xray}/oversight"),
        ("rollout-plan", f"/solutions/{xray}/rollout-plan"),
        ("decision", f"/solutions/{xray}/decision"),
        ("transition", f"/solutions/{derm}/transition?to=pilot"),
        ("wizard", f"/solutions/{derm}/classify"),
        ("checklist", f"/solutions/{meds}/checklist"),
        ("incidents", "/incidents"),
    ]
    if draft is not None:
        owner.append(("classification-draft", f"/solutions/{draft.solution_id}/classifications/{draft.id}"))
    compliance = common + [("review-queue", "/review"), ("audit", "/audit?verify=1")]
    if submitted is not None:
        compliance.append(("review-classification", f"/review/classifications/{submitted.id}"))
    if pending is not None:
        compliance.append(("review-transition", f"/review/transitions/{pending.id}"))
    auditor = common + [("audit", "/audit?verify=1"), ("audit-solution", f"/audit?solution_id={xray}")]
    return {
        "anonymous": [("sign-in", "/login")],
        "owner": owner,
        "compliance": compliance,
        "auditor": auditor,
        "admin": [("overview", "/"), ("profile", "/profile")],
    }


def wizard_steps(page, out: Path, width_name: str, prefix: str) -> None:
    """The wizard beyond its first step: answer, go on, and photograph a step with a branch and the result."""
    answers = {
        "ai_system": "yes",
        "excluded_purpose": "none",
        "role": "deployer",
        "public_authority": "yes",
        "prohibited_practices": "none",
        "emotion_recognition": "none",
        "remote_biometric_identification": "no",
        "biometric_categorisation": "no",
        "medical_purpose": "yes",
        "data_action": "beyond_storage",
        "in_vitro_diagnostic": "no",
        "mdr_decision_support": "yes",
        "mdr_decision_impact": "other",
        "mdr_monitoring": "none",
        "mdr_closed_loop_therapy": "no",
        "mdr_measuring_function": "no",
        "in_house_exemption": "no",
        "other_annex_i_product": "no",
        "annex_iii_areas": "none",
        "interacts_with_persons": "no",
        "generates_synthetic_content": "no",
        "deep_fake_or_public_text": "no",
        "gpai_model": "no",
    }
    for _step in range(20):
        if page.locator("[data-test=submit-classification]").count():
            page.screenshot(path=str(out / f"{prefix}-wizard-result-{width_name}.png"), full_page=True)
            return
        for _ in range(4):
            for fieldset in page.locator("fieldset[data-question]:not([hidden])").all():
                qid = fieldset.get_attribute("data-question")
                if qid in answers and not fieldset.locator("input:checked").count():
                    page.check(f"#q-{qid}-{answers[qid]}")
        if page.locator("#q-mdr_decision_impact:not([hidden])").count():
            page.screenshot(path=str(out / f"{prefix}-wizard-device-{width_name}.png"), full_page=True)
        page.click("button[value=next]")


def photograph(base_url: str, pages: dict, out: Path, lang: str, only: set[str] | None) -> int:
    from playwright.sync_api import sync_playwright

    count = 0
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for role, paths in pages.items():
            if only and role not in only:
                continue
            for width_name, width in WIDTHS.items():
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": 900},
                    locale="sv-SE",
                    device_scale_factor=1,
                )
                page = context.new_page()
                page.goto("/login")
                if role != "anonymous":
                    page.fill("#email", EMAIL[role])
                    page.fill("#password", PASSWORDS[EMAIL[role]])
                    page.click("form:has(#email) [type=submit]")
                    page.wait_for_url(re.compile(r"/$"))
                if lang == "en":
                    page.click("[data-test=language-switch]")
                for name, path in paths:
                    response = page.goto(path)
                    if response is None or response.status >= 400:
                        failures.append(f"{role} {path}: {response.status if response else 'no response'}")
                    page.screenshot(path=str(out / f"{role}-{name}-{width_name}.png"), full_page=True)
                    count += 1
                    if name == "wizard":
                        wizard_steps(page, out, width_name, role)
                    if name == "register" and width_name == "desktop":
                        page.fill("#purpose", "Ett exempel med ett fel")
                        page.fill("#review_interval_months", "0")
                        page.click("form[data-test=solution-form] button[type=submit]")
                        page.screenshot(
                            path=str(out / f"{role}-register-errors-{width_name}.png"), full_page=True
                        )
                context.close()
        browser.close()
    if failures:
        raise SystemExit("pages that failed:\n  " + "\n  ".join(failures))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    parser.add_argument("--only", help="comma-separated roles (anonymous, owner, compliance, auditor, admin)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="ai-register-screens-") as tmp:
        config = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/screens.db",
            "SECRET_KEY": "screenshots-" + "x" * 40,
            "JWT_SECRET": "screenshots-" + "y" * 40,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_DIR": tmp,
            "UPLOAD_DIR": f"{tmp}/uploads",
            "SIGNING_KEY_PATH": f"{tmp}/signing_key.pem",
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        if result.exit_code != 0:
            raise SystemExit(f"flask demo load failed: {result.output}")
        started = datetime.now()
        seed(app)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            only = set(args.only.split(",")) if args.only else None
            count = photograph(f"http://127.0.0.1:{port}", pages_for(app), out, args.lang, only)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    print(f"{count} screenshots in {out} ({(datetime.now() - started).seconds} s)")


if __name__ == "__main__":
    main()
