"""The demo portfolio of `flask demo load`: a dozen AI solutions of a Swedish health region in every
phase, each made by the same services (and schemas) as real use, acting as the demo people in turn,
so every record has its audit events and `flask audit verify` holds.

Dates of goals, measurements, evidence, reviews and incidents are spread over the past year; phase
changes and approvals are dated by the services themselves (today), as they would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from ai_register.acting import acting_as
from ai_register.classification import services as classification
from ai_register.classification.models import Classification
from ai_register.classification.review import approve_classification, override_classification, reject_classification
from ai_register.evidence import services as evidence_services
from ai_register.evidence.schemas import EvidenceCreateSchema
from ai_register.extensions import db
from ai_register.fria import rules as fria_rules
from ai_register.fria import services as fria_services
from ai_register.fria.models import FriaAssessment
from ai_register.fria.schemas import FriaWriteSchema
from ai_register.goals import services as goals
from ai_register.goals.schemas import BenefitPutSchema, GoalCreateSchema, MeasurementCreateSchema
from ai_register.incidents import services as incidents
from ai_register.incidents.schemas import IncidentCreateSchema
from ai_register.literacy import services as literacy_services
from ai_register.literacy.models import LiteracyMeasure
from ai_register.literacy.schemas import LiteracyMeasureCreateSchema
from ai_register.monitoring import schemas as monitoring_schemas
from ai_register.monitoring import services as monitoring_services
from ai_register.monitoring.models import LogRetention, MonitoringMetric
from ai_register.obligations import services as obligation_services
from ai_register.oversight import services as oversight_services
from ai_register.oversight.models import OversightAssignment
from ai_register.oversight.schemas import OversightPutSchema
from ai_register.portfolio import assessments, trustworthy
from ai_register.portfolio import indicators as indicator_catalogue
from ai_register.public import services as public_services
from ai_register.reviews import services as reviews
from ai_register.reviews.schemas import ReviewCreateSchema
from ai_register.solutions import plans, transitions
from ai_register.solutions import services as solutions
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.solutions.models import Solution
from ai_register.solutions.schemas import (
    ChecklistWriteSchema,
    DecisionCreateSchema,
    RolloutPlanWriteSchema,
    SolutionPatchSchema,
    SolutionWriteSchema,
)
from ai_register.suppliers import demo as supplier_demo
from ai_register.users.models import User
from ai_register.users.services import find_user_by_email

# Answer sets of the questionnaire (risk_rules/questionnaire.yaml) for the portfolio's kinds of system.
MINIMAL = {
    "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
    "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "no",
    "biometric_categorisation": "no", "medical_purpose": "no", "other_annex_i_product": "no",
    "annex_iii_areas": [], "interacts_with_persons": "no", "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no", "gpai_model": "no",
}
DEVICE = {
    **MINIMAL, "medical_purpose": "yes", "data_action": "beyond_storage", "in_vitro_diagnostic": "no",
    "mdr_decision_support": "yes", "mdr_monitoring": "none", "mdr_closed_loop_therapy": "no", "mdr_drives_device": "no",
    "in_house_exemption": "no",
}
DEVICE_IIB = {**DEVICE, "mdr_decision_impact": "serious_deterioration_or_surgical_intervention"}
DEVICE_III = {**DEVICE, "mdr_decision_impact": "death_or_irreversible_deterioration",
              "mdr_monitoring": "vital_parameters_immediate_danger"}
CHATBOT = {**MINIMAL, "interacts_with_persons": "yes", "generates_synthetic_content": "yes"}
GENERATIVE = {**MINIMAL, "generates_synthetic_content": "yes"}
SCHEDULING = {**MINIMAL, "annex_iii_areas": ["employment_workers_management"], "profiling": "yes",
              "art6_3_condition": "none"}
# Ambulance dispatch priority: Annex III 5(d) and, as software that informs a decision on care (MDR rule 11a), a
# class IIb device: the demo's one complete high-risk deployment.
EMERGENCY_TRIAGE = {**DEVICE_IIB, "annex_iii_areas": ["emergency_call_triage"], "profiling": "yes",
                    "art6_3_condition": "none"}

MONITORS_ALL = {
    "understands_capabilities_limits": True, "aware_of_automation_bias": True, "interprets_output": True,
    "can_disregard_override_reverse": True, "can_interrupt_stop": True,
}


def days(n: int) -> str:
    return (solutions.region_today() + timedelta(days=n)).isoformat()


def moment(n: int, hour: int = 10) -> str:
    """An aware ISO timestamp `n` days from today, at `hour` UTC."""
    day = solutions.region_today() + timedelta(days=n)
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat()


def _load(schema: type[Schema], data: dict) -> dict:
    """Validate and convert as the API would, so the services get exactly what a request gives them."""
    return schema().load(data)


class Region:
    """The demo people acting on the register through its services."""

    def __init__(self, people: dict[str, str]):
        self.people: dict[str, User] = {key: find_user_by_email(email) for key, email in people.items()}
        with self.acting("compliance"):
            indicator_catalogue.ensure_default_indicators()
        self.indicators = {i.code: i.id for i in indicator_catalogue.indicators()}

    @contextmanager
    def acting(self, who: str) -> Iterator[User]:
        """`who` is the signed-in user while inside: the services' actor() and the audit's actor_id."""
        with acting_as(self.people[who]) as user:
            yield user

    @staticmethod
    def solution(sid: int) -> Solution:
        return db.session.get(Solution, sid)

    # ------------------------------------------------------------------ records

    def register(self, who: str, **fields: Any) -> int:
        body = {"sourcing": "procured", "kind": "machine_learning", "processes_personal_data": True,
                "processes_health_data": True, "confidentiality": 3, "integrity": 3, "availability": 2,
                **fields}
        with self.acting(who) as user:
            return solutions.register_solution(_load(SolutionWriteSchema, body), user).id

    def update(self, who: str, sid: int, reason: str, **changes: Any) -> None:
        with self.acting(who) as user:
            solutions.update_solution(self.solution(sid), _load(SolutionPatchSchema, changes), by=user,
                                      reason=reason)

    def goal(self, who: str, sid: int, values: list[tuple[int, float]] = (), *, counts_towards: str,
             **fields: Any) -> None:
        """A goal counting towards the common indicator `counts_towards` (its code), with measured values."""
        fields["indicator_id"] = self.indicators[counts_towards]
        with self.acting(who) as user:
            goal = goals.create_goal(self.solution(sid), _load(GoalCreateSchema, fields), by=user)
            for offset, value in values:
                goals.record_measurement(goal, _load(MeasurementCreateSchema,
                                                     {"measured_on": days(offset), "value": value}), by=user)

    def benefit(self, who: str, sid: int, **fields: Any) -> None:
        with self.acting(who) as user:
            goals.put_benefit(self.solution(sid), _load(BenefitPutSchema, fields), by=user)

    def oversight(self, who: str, sid: int, person: dict, accepted: int = -30, **extra: Any) -> None:
        body = {
            "person": person,
            "competence": "Specialist inom verksamhetens område med erfarenhet av beslutsstöd.",
            "training": "Regionens utbildning i mänsklig tillsyn av AI (4 h).",
            "training_completed_on": days(accepted - 10),
            "authority_to_suspend": True,
            "accepted_on": days(accepted),
            "monitors": MONITORS_ALL,
            **extra,
        }
        with self.acting(who) as user:
            oversight_services.assign_oversight(self.solution(sid), _load(OversightPutSchema, body), by=user)

    def evidence(self, who: str, sid: int, kind: str, title: str, issued: int = -20,
                 expires: int | None = 700, **extra: Any) -> None:
        body = {"type": kind, "title": title, "issued_on": days(issued), **extra}
        if expires is not None:
            body["expires_on"] = days(expires)
        with self.acting(who) as user:
            evidence_services.create_evidence(self.solution(sid), _load(EvidenceCreateSchema, body), by=user)

    def classify(self, who: str, sid: int, answers: dict, *, submit: bool = True, reviewer: str | None = "compliance",
                 outcome: str = "approve", justification: str | None = None, **override: Any) -> int:
        with self.acting(who) as user:
            record = classification.store_classification(self.solution(sid), answers, by=user)
            if submit:
                classification.submit_classification(record, by=user)
        if submit and reviewer:
            with self.acting(reviewer) as user:
                if outcome == "approve":
                    approve_classification(record, justification, by=user)
                elif outcome == "reject":
                    reject_classification(record, justification, by=user)
                else:
                    override_classification(record, justification, by=user, **override)
        return record.id

    def move(self, who: str, sid: int, to: str, reason: str, approver: str | None = "compliance2") -> None:
        with self.acting(who) as user:
            request, applied = transitions.request_transition(self.solution(sid), Phase(to), user, reason)
        if not applied and approver:
            with self.acting(approver) as user:
                transitions.approve_request(request, user, "Grinden är uppfylld; underlaget är granskat.")

    def rollout_plan(self, who: str, sid: int, units: list[dict]) -> None:
        with self.acting(who) as user:
            plans.replace_rollout_plan(self.solution(sid), _load(RolloutPlanWriteSchema, {"units": units})["units"],
                                       user)

    def decide(self, who: str, sid: int, **fields: Any) -> None:
        with self.acting(who) as user:
            transitions.record_decision(self.solution(sid), _load(DecisionCreateSchema, fields), user)

    def tick(self, who: str, sid: int, keys: list[str], note: str | None = None) -> None:
        items = [{"key": key, "done": True, "note": note} for key in keys]
        with self.acting(who) as user:
            plans.update_checklist(self.solution(sid), _load(ChecklistWriteSchema, {"items": items})["items"], user)

    def incident(self, who: str, sid: int, **fields: Any) -> None:
        with self.acting(who) as user:
            incidents.report_incident(sid, _load(IncidentCreateSchema, fields), by=user)

    def review(self, who: str, sid: int, **fields: Any) -> None:
        with self.acting(who) as user:
            reviews.record_review(sid, _load(ReviewCreateSchema, fields), by=user)

    def assess(self, who: str, sid: int, assessed: int = -30, open_action: str | None = None) -> None:
        """The trustworthy-AI self-assessment (HLEG's seven requirements) the pilot gate asks for."""
        answers = {key: {"answer": "yes", "evidence": "Se riskbedömning och DPIA.", "open_actions": None}
                   for key in trustworthy.REQUIREMENT_KEYS}
        if open_action:
            answers["diversity_fairness"] = {"answer": "partly", "evidence": "Utfall per kön och ålder följs.",
                                             "open_actions": open_action}
        with self.acting(who) as user:
            assessments.record_assessment(self.solution(sid), {
                "assessed_on": solutions.region_today() + timedelta(days=assessed), "answers": answers,
                "summary": "Självskattning mot EU:s etiska riktlinjer för tillförlitlig AI.",
            }, user)

    def fria(self, who: str, sid: int, approver: str = "compliance2", **points: Any) -> int:
        """A FRIA (AI Act Art 27) written by `who`, submitted and approved by `approver` (four eyes)."""

        with self.acting(who) as user:
            record = fria_services.create_version(self.solution(sid), _load(FriaWriteSchema, points), by=user)
            fria_services.submit(record, by=user)
        with self.acting(approver) as user:
            fria_services.review(record, fria_rules.APPROVED, "Alla punkter i art. 27.1 är besvarade.", by=user)
        return record.id

    def literacy(self, who: str, sid: int | None, title: str, held: int, **fields: Any) -> None:
        """An AI-literacy measure (Art 4) for one solution's staff, or region-wide (`sid` None)."""

        body = {"kind": "training", "title": title, "held_on": days(held), **fields}
        with self.acting(who) as user:
            literacy_services.record_measure(self.solution(sid) if sid else None,
                                             _load(LiteracyMeasureCreateSchema, body), by=user)

    def public_description(self, who: str, sid: int, **texts: str) -> None:
        """The region's plain words for the public page, in Swedish and English."""

        with self.acting(who) as user:
            public_services.save_description(self.solution(sid), texts, by=user)

    def monitoring(self, who: str, sid: int, metric: dict, values: list[tuple[int, str]]) -> list[int]:
        """A monitoring metric (Art 26(5)) with values for periods ending `offset` days from today; returns the
        ids of the assessments that breaches opened."""
        opened = []
        with self.acting(who) as user:
            created = monitoring_services.define_metric(
                self.solution(sid), _load(monitoring_schemas.MetricCreateSchema, metric), user)
            for offset, value in values:
                row = monitoring_services.report_value(self.solution(sid), created, _load(
                    monitoring_schemas.ValueCreateSchema, {"period_end": days(offset), "value": value}), user)
                if row.breach:
                    db.session.flush()
                    opened += [a.id for a in monitoring_services.assessments_for(sid) if a.value_id == row.id]
        return opened

    def deployer_records(self, who: str, sid: int, kind: str, payload: dict) -> None:
        """Log retention (Art 26(6)), informing (Art 26(7), 26(11), Art 86) and explanation requests."""
        with self.acting(who) as user:
            solution = self.solution(sid)
            if kind == "log_retention":
                monitoring_services.record_retention(
                    solution, _load(monitoring_schemas.RetentionCreateSchema, payload), user)
            elif kind == "informing":
                monitoring_services.record_informing(
                    solution, _load(monitoring_schemas.InformingCreateSchema, payload), user)
            else:
                answer = payload.pop("answer", None)
                row = monitoring_services.log_explanation_request(
                    solution, _load(monitoring_schemas.ExplanationCreateSchema, payload), user)
                if answer:
                    monitoring_services.answer_explanation_request(
                        solution, row, _load(monitoring_schemas.ExplanationAnswerSchema, answer), user)

    def meet_obligations(self, who: str, sid: int, met_by: dict[str, tuple[type, Any]]) -> None:
        """Close obligations with the records that meet them: {obligation id: (model, condition)}, the
        solution's newest record of the model that holds the condition (the type named as the API names it)."""
        types = {model: name for name, model in obligation_services.record_models().items()}
        with self.acting(who) as user:
            solution = self.solution(sid)
            for obligation_id, (model, condition) in met_by.items():
                record = db.session.scalars(select(model).where(condition).order_by(model.id.desc())).first()
                obligation_services.update_obligation(
                    solution, obligation_services.get_obligation(solution, obligation_id),
                    {"status": "met", "record_type": types[model], "record_id": record.id}, by=user)

    def pilot_ready(self, who: str, sid: int, person: dict, *, dpia: str | None, accepted: int = -60) -> None:
        """Oversight owner, the self-assessment and (when personal data are processed) the DPIA: what
        the pilot gate needs besides goals, benefit and the classification."""
        self.oversight(who, sid, person, accepted=accepted)
        self.assess(who, sid, assessed=accepted)
        if dpia:
            self.evidence(who, sid, "dpia", dpia, issued=accepted - 20, expires=900)


def load_region(people: dict[str, str]) -> dict[str, int]:
    """Build the portfolio; returns {solution name: id}. The caller commits."""
    r = Region(people)
    anna = r.people["owner"].id
    ids: dict[str, int] = {}

    # 1. Chest X-ray triage: MDR class IIb (high risk), in pilot, with a rollout plan and evaluation.
    xray = ids["xray"] = r.register(
        "owner", name="Triagering av lungröntgen",
        purpose="Prioriterar lungröntgenbilder med misstänkta fynd så att röntgenläkaren granskar dem först.",
        intended_use="Lösningen tittar på röntgenbilder av lungorna och markerar de bilder som kan visa något "
                     "allvarligt. Då granskar röntgenläkaren dem först. Läkaren bedömer alltid varje bild själv.",
        need_statement="Svarstiden för lungröntgen är i median 12 dagar; allvarliga fynd kan vänta.",
        alternatives="Fler röntgenläkare (saknas), utökad dubbelgranskning, ingen förändring.",
        care_units=["Röntgen Sunderbyn", "Röntgen Gällivare", "Röntgen Kiruna"],
        user_groups=["Röntgenläkare", "Röntgensjuksköterskor"], supplier="Nordic Imaging AI AB",
        product="LungTriage", product_version="3.2", review_interval_months=6, tags=["radiologi", "bild"],
        external_id="AI-2026-001", public=True,
        legal_basis="Patientdatalagen (2008:355): uppgifterna behandlas för att ge patienten vård. "
                    "Dataskyddsförordningen artikel 6.1 e och 9.2 h.",
    )
    r.goal("owner", xray, counts_towards="accessibility",
           perspective="society_citizens", title="Kortare svarstid för lungröntgen",
           indicator="Median antal dagar från undersökning till svar", unit="dagar", baseline="12", target="5",
           higher_is_better=False, values=[(-150, 12), (-120, 11), (-90, 9.5), (-60, 8), (-30, 7.2), (-5, 6.1)])
    r.goal("owner", xray, counts_towards="work_environment",
           perspective="staff_managers", title="Mindre övertid för röntgenläkare",
           indicator="Övertidstimmar per månad", unit="timmar", baseline="160", target="100",
           higher_is_better=False, values=[(-120, 158), (-60, 131), (-10, 118)])
    r.benefit("owner", xray, one_off_cost="850000", yearly_cost="320000", yearly_savings="280000",
              hours_freed_per_year="1400", hourly_cost="900",
              assumptions="Licens enligt avtal; 1 400 frigjorda läkartimmar per år vid full användning.")
    r.oversight("owner", xray, {"name": "Eva Ek", "title": "Överläkare", "unit": "Röntgenkliniken Sunderby",
                                "contact": "eva.ek@region.example"}, accepted=-200)
    r.assess("owner", xray, assessed=-190, open_action="Följ upp träffsäkerheten för barn och äldre separat.")
    r.evidence("owner", xray, "dpia", "Konsekvensbedömning (DPIA) LungTriage", issued=-210)
    r.evidence("owner", xray, "risk_assessment", "Riskbedömning enligt regionens modell", issued=-205)
    r.evidence("owner", xray, "supplier_contract", "Avtal Nordic Imaging AI AB", issued=-300, expires=40)
    r.evidence("owner", xray, "ce_certificate", "CE-certifikat klass IIb", issued=-400, expires=1100,
               reference="NB 2797-IIb-0421", issuer="BSI Group The Netherlands B.V.")
    r.classify("owner", xray, DEVICE_IIB)
    supplier_demo.xray(r, xray)  # the supplier register proves the device's conformity at the pilot gate
    r.move("owner", xray, "pilot", "Pilot vid Röntgen Sunderbyn under sex månader.")
    r.rollout_plan("owner", xray, [
        {"name": "Röntgen Sunderbyn", "planned_start": days(-150), "actual_start": days(-150)},
        {"name": "Röntgen Gällivare", "planned_start": days(45)},
        {"name": "Röntgen Kiruna", "planned_start": days(90)},
    ])
    r.evidence("owner", xray, "pilot_evaluation", "Utvärdering av piloten i Sunderbyn", issued=-3, expires=None)

    # 2. Speech recognition for clinical notes: minimal risk, in management; its review is overdue.
    speech = ids["speech"] = r.register(
        "owner", name="Taligenkänning för journalföring",
        purpose="Omvandlar diktat till journaltext som vårdpersonalen granskar och signerar.",
        need_statement="Sekreterarbrist ger långa ledtider för journalanteckningar.", kind="generative",
        intended_use="Läkaren eller sjuksköterskan talar in sin anteckning. Lösningen skriver ut texten. "
                     "Den som talade in läser texten, rättar den och signerar den. Lösningen fattar inga beslut.",
        legal_basis="Patientdatalagen (2008:355): journalföring är en skyldighet i vården. "
                    "Dataskyddsförordningen artikel 6.1 c och 9.2 h.", public=True,
        care_units=["Medicinkliniken Sunderbyn", "Ortopeden Gällivare"], user_groups=["Läkare", "Sjuksköterskor"],
        supplier="Röstteknik Norden AB", product="DiktaMed", review_interval_months=12,
        in_service_since=days(-700), tags=["tal", "dokumentation"], external_id="AI-2024-007",
    )
    r.goal("owner", speech, counts_towards="accessibility",
           perspective="operations", title="Kortare ledtid till signerad anteckning",
           indicator="Timmar från diktat till signering", unit="timmar", baseline="48", target="8",
           higher_is_better=False, values=[(-400, 40), (-300, 22), (-200, 12), (-100, 9), (-20, 7.5)])
    r.goal("owner", speech, counts_towards="work_environment",
           perspective="staff_managers", title="Mindre tid för dokumentation",
           indicator="Minuter dokumentation per patientbesök", unit="minuter", baseline="14", target="8",
           higher_is_better=False, values=[(-300, 13), (-150, 10), (-30, 8.5)])
    r.benefit("owner", speech, one_off_cost="300000", yearly_cost="450000", yearly_savings="900000",
              hours_freed_per_year="2600", hourly_cost="450",
              assumptions="Sekreterartid som frigörs används till kodning och patientadministration.")
    r.oversight("owner", speech, {"user_id": anna}, accepted=-340)
    r.assess("owner", speech, assessed=-420)
    r.evidence("owner", speech, "dpia", "DPIA taligenkänning", issued=-500, expires=500)
    r.evidence("owner", speech, "supplier_contract", "Avtal Röstteknik Norden AB", issued=-720, expires=380)
    r.evidence("owner", speech, "pilot_evaluation", "Pilotutvärdering taligenkänning", issued=-400, expires=None)
    r.classify("owner", speech, MINIMAL)
    r.move("owner", speech, "pilot", "Pilot på medicinkliniken.")
    r.move("owner", speech, "rollout", "Bra utfall i piloten; breddinförande.")
    r.rollout_plan("owner", speech, [
        {"name": "Medicinkliniken Sunderbyn", "planned_start": days(-300), "actual_start": days(-300)},
        {"name": "Ortopeden Gällivare", "planned_start": days(-200), "actual_start": days(-190)},
    ])
    r.move("owner", speech, "management", "Alla enheter har startat.")
    r.review("compliance", speech, reviewed_on=days(-380), outcome="satisfactory",
             checked=["klassning", "tillsyn", "mål", "avvikelser", "underlag"],
             notes="Nyttan följer plan; inga avvikelser under perioden.")

    # 3. Sepsis alert: MDR class III, high risk; the classification waits in the review queue.
    sepsis = ids["sepsis"] = r.register(
        "owner", name="Sepsisvarning på akuten",
        purpose="Varnar för risk för sepsis utifrån vitalparametrar och labbvärden.",
        need_statement="Sepsis upptäcks för sent hos en del patienter på akuten.",
        care_units=["Akutmottagningen Sunderbyn"], user_groups=["Sjuksköterskor", "Läkare"],
        supplier="CareSignal Oy", product="SepsisGuard", review_interval_months=6, tags=["akut", "prognos"],
    )
    r.goal("owner", sepsis, counts_towards="quality",
           perspective="society_citizens", title="Tidigare antibiotika vid sepsis",
           indicator="Andel patienter med antibiotika inom en timme", unit="%", baseline="54", target="85")
    r.classify("owner", sepsis, DEVICE_III, reviewer=None)
    supplier_demo.sepsis(r, sepsis)  # its CE certificate expires soon

    # 4. The 1177 chatbot: limited risk (Art 50), owned by the second owner, in rollout.
    chat = ids["chat"] = r.register(
        "owner2", name="Chattbot för 1177-rådgivning",
        purpose="Svarar på vanliga frågor om vårdens öppettider och hänvisar rätt; ger inga medicinska råd.",
        need_statement="Många samtal till 1177 gäller enkla frågor om hänvisning.", kind="generative",
        intended_use="Du skriver en fråga på 1177.se, till exempel när en vårdcentral har öppet. Chattboten "
                     "svarar och visar vart du kan vända dig. Den ger inga medicinska råd. Om du behöver råd "
                     "om din hälsa kopplar den dig till en sjuksköterska. Det står alltid tydligt att du "
                     "chattar med en AI.",
        legal_basis="Dataskyddsförordningen artikel 6.1 e: uppgiften att ge invånarna information om vården. "
                    "Chattboten sparar inga frågor efter att samtalet är slut.",
        care_units=["1177 Norrbotten"], user_groups=["Invånare"], supplier="Dialogbot AB",
        processes_health_data=False, public=True, review_interval_months=12, tags=["språkmodell", "invånare"],
        co_owner_ids=[anna],
    )
    r.goal("owner2", chat, counts_towards="accessibility",
           perspective="society_citizens", title="Färre enkla samtal till 1177",
           indicator="Samtal per vecka om hänvisning", unit="samtal", baseline="2400", target="1600",
           higher_is_better=False, values=[(-200, 2350), (-100, 1980), (-15, 1720)])
    r.goal("owner2", chat, counts_towards="accessibility",
           perspective="operations", title="Kortare väntetid i telefon",
           indicator="Median väntetid till 1177 i minuter", unit="minuter", baseline="22", target="10",
           higher_is_better=False, values=[(-200, 21), (-100, 16), (-15, 13)])
    r.benefit("owner2", chat, one_off_cost="250000", yearly_cost="180000", yearly_savings="420000")
    r.pilot_ready("owner2", chat, {"name": "Jonas Berg", "title": "Verksamhetsutvecklare", "unit": "1177 Norrbotten"},
                  dpia="DPIA chattbot", accepted=-240)
    r.evidence("owner2", chat, "pilot_evaluation", "Utvärdering av chattbotens pilot", issued=-40, expires=None)
    r.classify("owner2", chat, CHATBOT)
    r.move("owner2", chat, "pilot", "Pilot under hösten.")
    r.move("owner2", chat, "rollout", "Piloten nådde målen.")
    r.rollout_plan("owner2", chat, [
        {"name": "1177 Norrbotten, dagtid", "planned_start": days(-30), "actual_start": days(-28)},
        {"name": "1177 Norrbotten, kvällar och helger", "planned_start": days(30)},
    ])

    # 5. Staff scheduling: Annex III point 4, high risk; the owner has a draft classification.
    sched = ids["scheduling"] = r.register(
        "owner", name="Schemaoptimering för bemanning",
        purpose="Föreslår scheman utifrån bemanningsbehov, kompetens och önskemål.",
        need_statement="Schemaläggningen tar många chefstimmar och ger ojämn arbetsbelastning.",
        care_units=["Kirurgen Sunderbyn"], user_groups=["Enhetschefer"], supplier="ShiftWise AB",
        processes_health_data=False, tags=["logistik", "arbetsmiljö"],
    )
    r.goal("owner", sched, counts_towards="work_environment",
           perspective="staff_managers", title="Mindre tid för schemaläggning",
           indicator="Chefstimmar per schemaperiod", unit="timmar", baseline="30", target="10",
           higher_is_better=False)
    r.classify("owner", sched, SCHEDULING, submit=False)

    # 6. Dermatoscopy screening: just registered, nothing else yet.
    ids["dermatoscopy"] = r.register(
        "owner", name="Hudcancerscreening med dermatoskopi",
        purpose="Bedömer dermatoskopibilder av hudförändringar och föreslår prioritet för remiss.",
        care_units=["Hälsocentralen Luleå centrum"], processes_personal_data=None, processes_health_data=None,
        tags=["bild"],
    )

    # 7. Medication review support: terminated in needs analysis, decommissioning under way.
    meds = ids["medication"] = r.register(
        "owner", name="Stöd för läkemedelsgenomgång",
        purpose="Markerar möjliga interaktioner vid läkemedelsgenomgångar.", kind="rule_based",
        need_statement="Läkemedelsgenomgångar för äldre tar lång tid och interaktioner missas.",
        care_units=["Geriatriken Sunderbyn"], supplier="PharmaLogic AB",
    )
    r.classify("owner", meds, MINIMAL)
    r.decide("owner", meds, kind="terminate",
             rationale="Leverantören avvecklar produkten; ersätts av journalsystemets inbyggda funktion.",
             meeting_reference="Styrgruppen digitalisering 2026-10-14, § 7")
    r.tick("owner", meds, ["users_patients_informed", "access_removed", "integrations_switched_off"])

    # 8. Diagnosis coding: in pilot, paused after an incident.
    coding = ids["coding"] = r.register(
        "owner", name="Automatisk diagnoskodning",
        purpose="Föreslår ICD-10-koder utifrån epikriser; kodaren bekräftar.",
        need_statement="Kodningen är eftersatt och påverkar uppföljning och ersättning.",
        care_units=["Medicinkliniken Sunderbyn"], user_groups=["Medicinska sekreterare"], supplier="CodeAssist AB",
        tags=["text"], public=True,
        intended_use="Lösningen läser sammanfattningen som skrivs när en patient skrivs ut, och föreslår "
                     "vilka diagnoskoder vårdtillfället ska få. En medicinsk sekreterare kontrollerar varje "
                     "förslag innan koden sparas. Koderna används för statistik och uppföljning, inte för "
                     "att bestämma vilken vård du får.",
        legal_basis="Patientdatalagen (2008:355) 4 kap.: uppgifter får användas för att följa upp vården.",
    )
    r.goal("owner", coding, counts_towards="economy",
           perspective="economy", title="Fler kodade vårdtillfällen",
           indicator="Andel vårdtillfällen kodade inom 5 dagar", unit="%", baseline="62", target="95",
           values=[(-60, 70), (-30, 81)])
    r.benefit("owner", coding, one_off_cost="150000", yearly_cost="90000", yearly_savings="60000",
              hours_freed_per_year="800", hourly_cost="420")
    r.pilot_ready("owner", coding, {"name": "Lena Holm", "title": "Kodningsansvarig", "unit": "Medicinkliniken"},
                  dpia="DPIA diagnoskodning", accepted=-80)
    r.classify("owner", coding, MINIMAL)
    r.move("owner", coding, "pilot", "Pilot på medicinkliniken.")
    r.incident("owner", coding, what_happened="Felaktiga koder föreslogs för en grupp epikriser efter en uppdatering.",
               care_unit="Medicinkliniken Sunderbyn", occurred_at=moment(-6, 8), became_aware_at=moment(-5, 13))
    r.decide("owner", coding, kind="pause", rationale="Pausad tills leverantören har rättat uppdateringen.")

    # 9. Journal summaries: ready for pilot; the request waits for a compliance officer.
    summary = ids["summary"] = r.register(
        "owner2", name="Sammanfattning av journalanteckningar", kind="generative",
        purpose="Sammanfattar tidigare vårdkontakter inför besök; läkaren läser källorna vid behov.",
        need_statement="Läkare lägger lång tid på att läsa in sig före besök.",
        care_units=["Hälsocentralen Boden"], user_groups=["Distriktsläkare"], supplier="MedText AB",
        tags=["språkmodell", "text"],
    )
    r.goal("owner2", summary, counts_towards="work_environment",
           perspective="staff_managers", title="Kortare inläsningstid före besök",
           indicator="Minuter per besök", unit="minuter", baseline="9", target="4", higher_is_better=False)
    r.benefit("owner2", summary, one_off_cost="200000", yearly_cost="150000", hours_freed_per_year="1100",
              hourly_cost="900")
    r.pilot_ready("owner2", summary, {"name": "Per Lind", "title": "Distriktsläkare", "unit": "Hälsocentralen Boden"},
                  dpia="DPIA journalsammanfattning", accepted=-15)
    r.classify("owner2", summary, GENERATIVE)
    r.move("owner2", summary, "pilot", "Pilot på en hälsocentral i tre månader.", approver=None)

    # 10. Ambulance dispatch priority: the one complete high-risk deployment. Annex III 5(d) and an MDR class IIb
    # device, in pilot: the supplier's CE certificate and declaration of conformity, an approved FRIA, literacy
    # measures, monitoring against the provider's stated sensitivity with one breach the oversight owner (who
    # has an account) decided is an incident, log retention and the informing duties.
    ambulance = ids["ambulance"] = r.register(
        "owner2", name="Prioritering av ambulanslarm",
        purpose="Föreslår prioritet för inkommande ambulansärenden utifrån samtalets uppgifter; "
                "sjuksköterskan på larmcentralen beslutar.",
        need_statement="Ökande antal larm och glesbygd kräver rätt prioritet för att ambulanserna ska räcka.",
        care_units=["Ambulanssjukvården Norrbotten"], user_groups=["Larmsjuksköterskor"],
        supplier="Nordic Dispatch AB", review_interval_months=6, tags=["triage", "prehospitalt"],
        confidentiality=4, integrity=4, availability=4, public=True,
        intended_use="När du ringer 112 och behöver ambulans ställer sjuksköterskan på larmcentralen frågor. "
                     "Lösningen föreslår hur bråttom det är utifrån svaren. Sjuksköterskan bestämmer alltid "
                     "själv och kan ändra förslaget.",
        legal_basis="Patientdatalagen (2008:355) och hälso- och sjukvårdslagen (2017:30): uppgifterna "
                    "behandlas för att ge patienten vård. Dataskyddsförordningen artikel 9.2 h.",
    )
    r.goal("owner2", ambulance, counts_towards="quality",
           perspective="society_citizens", title="Rätt prioritet vid livshotande tillstånd",
           indicator="Andel prio 1-ärenden som fick prio 1 vid första bedömning", unit="%", baseline="81",
           target="95", values=[(-45, 84), (-15, 88)])
    r.goal("owner2", ambulance, counts_towards="accessibility",
           perspective="operations", title="Kortare handläggningstid",
           indicator="Sekunder från svar till utlarmning (median)", unit="sekunder", baseline="95", target="70",
           higher_is_better=False, values=[(-45, 91), (-15, 84)])
    r.benefit("owner2", ambulance, one_off_cost="600000", yearly_cost="240000", yearly_savings="150000",
              assumptions="Nyttan är främst patientsäkerhet; besparingen avser färre felaktiga utlarmningar.")
    r.pilot_ready("owner2", ambulance, {"user_id": r.people["owner2"].id}, dpia="DPIA ambulansprioritering",
                  accepted=-70)
    r.evidence("owner2", ambulance, "risk_assessment", "Risk- och sårbarhetsanalys larmcentralen", issued=-75)
    r.classify("owner2", ambulance, EMERGENCY_TRIAGE)
    supplier_demo.ambulance(r, ambulance)
    r.move("owner2", ambulance, "pilot", "Pilot på larmcentralen dagtid under fyra månader.")
    r.literacy("compliance", None, "AI i vården: grundkurs för all personal (webbutbildning)", -120,
               kind="training", reached=4800, user_groups=["All personal"],
               description="Vad AI är, regionens AI-register, automationsbias, hur en avvikelse rapporteras.")
    r.literacy("owner2", ambulance, "Handledd start: AI-stödd prioritering på larmcentralen", -40,
               kind="supervised_start", reached=26, user_groups=["Sjuksköterskor på larmcentralen"],
               care_units=["Larmcentralen Luleå"],
               description="Två pass med handledare; när förslaget ska ändras och hur ändringar loggas.")
    r.fria("owner2", ambulance, processes="Prioritering av ambulansuppdrag på larmcentralen; sjuksköterskan "
           "bedömer varje förslag innan uppdraget skickas.",
           period_and_frequency="Dagtid under piloten (fyra månader), därefter dygnet runt; cirka 300 samtal per dygn.",
           affected_persons="Inringande och patienter i hela länet, särskilt äldre, personer med annat modersmål "
           "och personer med funktionsnedsättning; larmoperatörer och sjuksköterskor.",
           risks=[{"group": "Personer med annat modersmål", "right": "Icke-diskriminering (art. 21)",
                   "description": "Lägre prioritet när symtom beskrivs med få ord.", "likelihood": "medium",
                   "severity": "high", "mitigation": "Tolk kopplas in; sjuksköterskan prövar varje förslag."},
                  {"group": "Äldre", "right": "Rätt till hälsoskydd (art. 35)",
                   "description": "Atypiska symtom vid hjärtinfarkt underskattas.", "likelihood": "low",
                   "severity": "high", "mitigation": "Regel: ålder över 75 och bröstsmärta ger alltid prio 1."}],
           provider_information="Bruksanvisningen anger träffsäkerhet per symtomgrupp och att modellen inte är "
           "validerad för samtal på andra språk än svenska.",
           oversight_measures="Sjuksköterskan på larmcentralen granskar varje förslag och kan alltid ändra "
           "prioriteten; tillsynsansvarig följer andelen ändrade förslag varje vecka.",
           materialisation_measures="Användningen pausas och larmcentralen återgår till manuell prioritering; "
           "avvikelse rapporteras och leverantören informeras.",
           internal_governance="Förvaltningsgruppen för larmcentralen beslutar; hälso- och sjukvårdsdirektören "
           "informeras inom ett dygn.",
           complaint_mechanisms="Patientnämnden och regionens synpunktshantering; IVO vid allvarlig vårdskada.")
    # Monitoring in operation (Art 26(5)): one breach, which the oversight owner decided is an incident.
    breaches = r.monitoring("owner2", ambulance, {
        "name": "Sensitivitet för prio 1", "kind": "sensitivity", "unit": "%", "direction": "higher_is_better",
        "lower_threshold": "90", "frequency": "weekly",
        "description": "Andel samtal som i efterhand bedömdes som prio 1 och där förslaget var prio 1.",
        **supplier_demo.stated_sensitivity(ambulance)},
        [(-63, "93.1"), (-56, "92.4"), (-49, "94.0"), (-42, "91.8"), (-35, "92.9"), (-28, "87.6"),
         (-21, "91.2"), (-14, "93.5"), (-7, "94.1")])
    r.monitoring("owner2", ambulance, {
        "name": "Andel förslag som sjuksköterskan ändrade", "kind": "changed_share", "unit": "%",
        "direction": "lower_is_better", "upper_threshold": "20", "frequency": "weekly"},
        [(-63, "14"), (-56, "12.5"), (-49, "13"), (-42, "15.5"), (-35, "16"), (-28, "18.5"), (-21, "15"),
         (-14, "13.5"), (-7, "12")])
    with r.acting("owner2") as oversight_owner:
        monitoring_services.decide_assessment(monitoring_services.get_assessment(breaches[0], oversight_owner), {
            "decision": "incident", "patient_harm": "no",
            "what_happened": "Sensitiviteten för prio 1 föll till 87,6 % under en vecka med många samtal på "
            "engelska; tre livshotande tillstånd fick först prio 2. Sjuksköterskan ändrade prioriteten i tid.",
            "care_unit": "Larmcentralen Luleå"}, oversight_owner)
    r.deployer_records("owner2", ambulance, "log_retention", {
        "system": "Nordic Dispatch (leverantörens driftmiljö i Sverige)",
        "location": "Regionens loggarkiv, index ambulans-prio; export varje natt från leverantören",
        "retention_months": 24, "note": "Två år för att kunna följa upp avvikelser och tillsynsärenden."})
    r.deployer_records("owner2", ambulance, "informing", {
        "kind": "workers", "informed_on": days(-80), "audience": "Sjuksköterskor och larmoperatörer på "
        "larmcentralen; skyddsombud", "how": "Arbetsplatsträffar och skriftlig information före piloten.",
        "care_units": ["Larmcentralen Luleå"], "negotiated_on": days(-90),
        "negotiation_parties": "Region Norrbotten, Vårdförbundet, Kommunal",
        "negotiation_outcome": "agreed",
        "negotiation_note": "Enighet om pilot dagtid och uppföljning efter fyra månader."})
    r.deployer_records("owner2", ambulance, "informing", {
        "kind": "affected_persons", "informed_on": days(-75), "audience": "Inringande och patienter",
        "how": "Text på 1177.se och regionens webbplats om AI-stödd prioritering; frågan besvaras i samtalet "
        "vid behov."})
    # The deployer's duties closed with the records above (the rest stay open, due when they apply).
    r.meet_obligations("owner2", ambulance, {
        "ai_act_art4_deployer": (LiteracyMeasure, LiteracyMeasure.solution_id == ambulance),
        "ai_act_art26_2": (OversightAssignment, OversightAssignment.solution_id == ambulance),
        "ai_act_art26": (LogRetention, LogRetention.solution_id == ambulance),
        "ai_act_art26_5": (MonitoringMetric, (MonitoringMetric.solution_id == ambulance)
                           & MonitoringMetric.stated_value.is_not(None)),
        "ai_act_art27": (FriaAssessment, (FriaAssessment.solution_id == ambulance)
                         & (FriaAssessment.status == fria_rules.APPROVED))})
    r.deployer_records("owner2", ambulance, "explanation", {
        "received_on": days(-20), "channel": "letter", "case_number": "RN 2026/1184",
        "summary": "Anhörig frågar varför ambulansen till hennes far fick prio 2.",
        "answer": {"answered_on": days(-9), "answer_summary": "Förklarade att AI-förslaget var prio 2, att "
                   "sjuksköterskan bedömde samtalet och vilka uppgifter som vägde tyngst."}})

    # 11. Emergency visit forecast: minimal risk, no personal data, in management with a recent review.
    forecast = ids["forecast"] = r.register(
        "owner", name="Prognos för akutbesök",
        purpose="Prognostiserar antalet besök på akutmottagningarna per timme för de kommande sju dagarna.",
        need_statement="Bemanningen på akuten planeras utan stöd och matchar dåligt toppar i besöken.",
        care_units=["Akutmottagningen Sunderbyn", "Akutmottagningen Gällivare"], user_groups=["Enhetschefer"],
        kind="machine_learning", sourcing="in_house", processes_personal_data=False, processes_health_data=False,
        confidentiality=1, integrity=2, availability=2, public=True, review_interval_months=12,
        tags=["prognos", "logistik"],
        intended_use="Cheferna på akuten ser prognosen när de planerar hur många som ska arbeta. Prognosen "
                     "bygger på hur många som har kommit till akuten tidigare, på veckodag, helgdagar och "
                     "väder. Den använder inga uppgifter om enskilda patienter.",
        legal_basis="Inga personuppgifter behandlas.",
    )
    r.goal("owner", forecast, counts_towards="robustness",
           perspective="operations", title="Bättre träffsäkerhet i bemanningen",
           indicator="Medelfel i prognos, besök per pass", unit="besök", baseline="9", target="4",
           higher_is_better=False, values=[(-330, 8), (-240, 6), (-150, 4.8), (-60, 4.1)])
    r.goal("owner", forecast, counts_towards="economy",
           perspective="economy", title="Mindre inhyrd personal",
           indicator="Kostnad för inhyrd personal per månad", unit="tkr", baseline="410", target="250",
           higher_is_better=False, values=[(-300, 395), (-180, 330), (-60, 270)])
    r.benefit("owner", forecast, one_off_cost="180000", yearly_cost="60000", yearly_savings="1200000",
              assumptions="Egenutvecklad modell i regionens analysplattform; besparingen avser inhyrd personal.")
    r.oversight("owner", forecast, {"name": "Johan Lundberg", "title": "Verksamhetschef",
                                    "unit": "Akutmottagningen Sunderbyn"}, accepted=-120)
    r.assess("owner", forecast, assessed=-340)
    r.evidence("owner", forecast, "risk_assessment", "Riskbedömning prognosmodell", issued=-360)
    r.evidence("owner", forecast, "pilot_evaluation", "Utvärdering av prognosen vintern", issued=-200, expires=None)
    r.classify("owner", forecast, MINIMAL)
    r.move("owner", forecast, "pilot", "Pilot på akuten i Sunderbyn.")
    r.move("owner", forecast, "rollout", "Prognosen träffar inom målet; även Gällivare.")
    r.rollout_plan("owner", forecast, [
        {"name": "Akutmottagningen Sunderbyn", "planned_start": days(-330), "actual_start": days(-330)},
        {"name": "Akutmottagningen Gällivare", "planned_start": days(-200), "actual_start": days(-195)},
    ])
    r.move("owner", forecast, "management", "Båda akutmottagningarna använder prognosen.")
    r.review("compliance", forecast, reviewed_on=days(-20), outcome="satisfactory",
             checked=["klassning", "tillsyn", "mål", "avvikelser"],
             notes="Modellen tränas om kvartalsvis; träffsäkerheten följs i månadsrapporten.")

    # 12. Bed occupancy forecast: replaced by the region-wide model, decommissioned and retired.
    beds = ids["beds"] = r.register(
        "owner", name="Prognos för vårdplatsbeläggning",
        purpose="Prognostiserade beläggningen av vårdplatser per avdelning för nästa dygn.",
        need_statement="Överbeläggningar upptäcktes för sent för att hinna omfördela platser.",
        care_units=["Medicinkliniken Sunderbyn"], user_groups=["Vårdplatskoordinatorer"],
        kind="machine_learning", sourcing="in_house", processes_personal_data=False, processes_health_data=False,
        confidentiality=1, integrity=2, availability=2, tags=["prognos", "logistik"], public=True,
        intended_use="Prognosen visade hur många vårdplatser som skulle behövas nästa dygn, så att "
                     "platserna kunde fördelas i tid. Den använde inga uppgifter om enskilda patienter.",
    )
    r.goal("owner", beds, counts_towards="quality",
           perspective="operations", title="Färre överbeläggningar",
           indicator="Överbeläggningar per 100 vårddygn", unit="st", baseline="4.2", target="2",
           higher_is_better=False, values=[(-360, 4.0), (-250, 3.1)])
    r.classify("owner", beds, MINIMAL)
    r.decide("owner", beds, kind="terminate",
             rationale="Ersätts av regionens gemensamma beläggningsmodell i vårdplatsportalen.",
             meeting_reference="Förvaltningsgruppen vårdplatser 2026-09-02, § 4")
    r.tick("owner", beds, list(DECOMMISSIONING_CHECKLIST), note="Klart enligt avvecklingsplanen.")
    r.move("owner", beds, "retired", "Avvecklingen är klar; dokumentationen är arkiverad.")

    # The public page in the region's own plain words, Swedish and English, for three public solutions.
    r.public_description(
        "owner", xray,
        what_en="The solution looks at X-ray images of the lungs and marks the images that may show something "
                "serious. The radiologist then looks at those first. The doctor always assesses every image.",
        why_sv="Det tar i dag ungefär tolv dagar innan en lungröntgen är granskad. Allvarliga fynd ska inte "
               "behöva vänta så länge.",
        why_en="Today it takes about twelve days before a chest X-ray is read. Serious findings should not have "
               "to wait that long.",
        data_sv="Röntgenbilder av lungorna. Lösningen får inte patientens namn eller personnummer.",
        data_en="X-ray images of the lungs. The solution does not get the patient's name or personal identity "
                "number.",
        legal_basis_en="The Patient Data Act (2008:355): the information is used to give the patient care. "
                       "GDPR Article 6.1 e and 9.2 h.",
        contact="rontgen.ai@region.example")
    r.public_description(
        "owner2", chat,
        what_en="You type a question on 1177.se, for example when a health centre is open. The chatbot answers "
                "and shows where you can turn. It gives no medical advice. If you need advice about your "
                "health, it connects you to a nurse. It always says clearly that you are chatting with an AI.",
        why_sv="Många som ringer 1177 vill bara veta vart de ska vända sig. Chattboten svarar på de frågorna, så "
               "att sjuksköterskorna har mer tid för dem som behöver råd.",
        why_en="Many people who call 1177 only want to know where to turn. The chatbot answers those questions, "
               "so that the nurses have more time for those who need advice.",
        data_sv="Det du skriver i chatten. Skriv inte ditt personnummer. Frågorna sparas inte när samtalet är slut.",
        data_en="What you type in the chat. Do not type your personal identity number. The questions are not "
                "kept after the conversation.",
        legal_basis_en="GDPR Article 6.1 e: the task of informing residents about health care.",
        contact="1177@region.example")
    r.public_description(
        "owner", forecast,
        what_en="The managers at the emergency department see the forecast when they plan how many people "
                "should work. It is based on how many people came before, the day of the week, public holidays "
                "and the weather.",
        why_en="Staffing was planned without support and often did not match the busiest hours.",
        data_sv="Antalet besök per timme de senaste åren, helgdagar och väder. Inga uppgifter om enskilda patienter.",
        data_en="The number of visits per hour in recent years, public holidays and the weather. No information "
                "about individual patients.",
        legal_basis_en="No personal data are processed.")
    return ids


def portfolio_counts() -> dict[str, Any]:
    """Counts the demo test and the CLI print."""
    phases: dict[str, int] = {}
    for (phase,) in db.session.execute(select(Solution.phase)):
        phases[phase] = phases.get(phase, 0) + 1
    return {"solutions": sum(phases.values()), "phases": phases,
            "classifications": db.session.query(Classification).count()}

