"""Serious incidents and the reporting duties they trigger, pure: no Flask, no database.

The service fills `IncidentFacts` from the report and `RegulatoryContext` from the approved
classification (the region's AI Act role, whether the system is an MDR/IVDR device) and asks
`assess` whether the incident is serious and `duties` what must be reported, to whom, by when.

Sources (DOMAIN.md, "Other records"):
- AI Act (Regulation (EU) 2024/1689) Art 3(49) "serious incident": an incident or malfunctioning
  that directly or indirectly leads to (a) death or serious harm to a person's health, (b) a
  serious and irreversible disruption of critical infrastructure, (c) an infringement of
  obligations under Union law intended to protect fundamental rights, (d) serious harm to
  property or the environment.
- Art 73: the provider reports to the market-surveillance authority within 15 days of awareness
  (73(2)); 2 days for a widespread infringement or a 3(49)(b) disruption (73(3)); 10 days after
  a death (73(4)). For a system that is (a safety component of) an MDR/IVDR device only 3(49)(c)
  infringements are notified under the AI Act, to the national competent authority (73(10)); the
  device incident itself follows the device rules.
- Art 26(5): a deployer that identifies a serious incident immediately informs first the
  provider, then the importer or distributor and the market-surveillance authority; if the
  provider cannot be reached, Art 73 applies mutatis mutandis.
- MDR (EU) 2017/745 Art 87 / IVDR (EU) 2017/746 Art 82: the manufacturer reports a serious
  incident (MDR Art 2(65): led, might have led or might lead to death, serious deterioration of
  health or a serious public-health threat) to the competent authority (Läkemedelsverket): 15
  days (87(3)/82(3)); 2 days on a serious public-health threat (87(4)/82(4)); 10 days on death or
  unanticipated serious deterioration (87(5)/82(5)).
- HSLF-FS 2021:52, 5 kap.: the care provider reports device malfunctions that led or could lead
  to death or serious deterioration of health "snarast" to the manufacturer and Läkemedelsverket
  (in-house devices, MDR/IVDR Art 5(5): to IVO).
- Patientsäkerhetslagen (2010:659) 3 kap. 5 § (Lex Maria, HSLF-FS 2017:41): the care provider
  reports events that caused or could have caused a serious care injury to IVO "snarast".

Deadlines are calendar days counted from awareness in the region's time zone (Europe/Stockholm);
a duty due on a day may be done until that day ends there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PatientHarm(StrEnum):
    UNKNOWN = "unknown"  # not yet known: the reporter could not tell; the assessment decides
    NONE = "none"
    POTENTIAL = "potential"  # a near miss: could have harmed a patient (tillbud)
    HARM = "harm"
    SERIOUS = "serious"
    DEATH = "death"


PATIENT_HARMS: tuple[str, ...] = tuple(h.value for h in PatientHarm)
ROLES = ("provider", "deployer", "provider_and_deployer")
DEVICE_REGULATIONS = ("mdr", "ivdr")
# AI Act categories for which Art 26 and Art 73 (duties of high-risk systems) can apply: high-risk,
# and whatever is not (yet) known to be something else.
AI_ACT_DUTY_CATEGORIES = frozenset({"high_risk", "prohibited", "needs_review", None})


class DeadlineKind(StrEnum):
    DAYS = "days"  # N calendar days from awareness, to the end of that day
    IMMEDIATELY = "immediately"  # due at awareness
    AS_SOON_AS_POSSIBLE = "as_soon_as_possible"  # "snarast", with the region's target in days


class Recipient(StrEnum):
    MARKET_SURVEILLANCE_AUTHORITY = "market_surveillance_authority"
    NATIONAL_COMPETENT_AUTHORITY = "national_competent_authority"
    PROVIDER = "provider"
    IMPORTER_DISTRIBUTOR_AND_AUTHORITY = "importer_distributor_and_market_surveillance_authority"
    LAKEMEDELSVERKET = "lakemedelsverket"
    MANUFACTURER = "manufacturer"
    IVO = "ivo"


RECIPIENT_LABELS: Mapping[Recipient, tuple[str, str]] = {
    Recipient.MARKET_SURVEILLANCE_AUTHORITY: ("Marknadskontrollmyndigheten (AI-förordningen)",
                                              "Market-surveillance authority (AI Act)"),
    Recipient.NATIONAL_COMPETENT_AUTHORITY: ("Behörig nationell myndighet (AI-förordningen art. 73.10)",
                                             "National competent authority (AI Act Art 73(10))"),
    Recipient.PROVIDER: ("Leverantören av AI-systemet", "The provider of the AI system"),
    Recipient.IMPORTER_DISTRIBUTOR_AND_AUTHORITY: (
        "Importör eller distributör, och marknadskontrollmyndigheten",
        "Importer or distributor, and the market-surveillance authority"),
    Recipient.LAKEMEDELSVERKET: ("Läkemedelsverket", "Läkemedelsverket (Swedish Medical Products Agency)"),
    Recipient.MANUFACTURER: ("Tillverkaren av den medicintekniska produkten", "The device manufacturer"),
    Recipient.IVO: ("Inspektionen för vård och omsorg (IVO)", "Health and Social Care Inspectorate (IVO)"),
}


GROUND_LABELS: Mapping[str, tuple[str, str]] = {
    "art3_49_a": ("dödsfall eller allvarlig skada på hälsa (art. 3.49 a)",
                  "death or serious harm to health (Art 3(49)(a))"),
    "art3_49_b": ("allvarlig och oåterkallelig störning av kritisk infrastruktur (art. 3.49 b)",
                  "serious and irreversible disruption of critical infrastructure (Art 3(49)(b))"),
    "art3_49_c": ("överträdelse av skyldigheter som skyddar grundläggande rättigheter (art. 3.49 c)",
                  "infringement of obligations protecting fundamental rights (Art 3(49)(c))"),
    "art3_49_d": ("allvarlig skada på egendom eller miljö (art. 3.49 d)",
                  "serious harm to property or the environment (Art 3(49)(d))"),
}


def ground_label(ground: str, lang: str = "en") -> str:
    sv, en = GROUND_LABELS.get(ground, (ground, ground))
    return sv if lang == "sv" else en


# The definitions of "serious" an incident can meet, in the order they are named. One verdict for every
# place that says whether an incident is serious (badge, pause prompt, assessment), so a near miss never
# reads "serious" above an assessment that says it is not.
SERIOUS_DEFINITIONS = {
    "ai_act": ("en allvarlig incident enligt AI-förordningen art. 3.49",
               "a serious incident under AI Act Art 3(49)"),
    "device": ("ett allvarligt tillbud eller en allvarlig olycka enligt MDR art. 2.65 / IVDR art. 2.68",
               "a serious incident under MDR Art 2(65) / IVDR Art 2(68)"),
    "care_injury": ("en allvarlig vårdskada (Lex Maria, PSL 3 kap. 5 §)",
                    "a serious care injury (Lex Maria, PSL 3 kap. 5 §)"),
}


def serious_under(assessment: dict | None) -> tuple[str, ...]:
    """The definitions of "serious" a stored assessment meets (empty: serious under none)."""
    assessment = assessment or {}
    found = []
    if assessment.get("serious"):
        found.append("ai_act")
    if assessment.get("device_serious_incident"):
        found.append("device")
    if assessment.get("serious_care_injury"):
        found.append("care_injury")
    return tuple(found)


def serious_definition_label(code: str, lang: str = "en") -> str:
    sv, en = SERIOUS_DEFINITIONS[code]
    return sv if lang == "sv" else en


def recipient_label(recipient: str, lang: str = "en") -> str:
    sv, en = RECIPIENT_LABELS[Recipient(recipient)]
    return sv if lang == "sv" else en


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class IncidentFacts:
    """What the reporter (and later the assessor) says happened."""

    became_aware_at: datetime
    patient_harm: str = PatientHarm.NONE
    device_malfunction: bool = False
    fundamental_rights_concern: bool = False
    # Art 3(61) widespread infringement, or a serious and irreversible disruption of critical
    # infrastructure (Art 3(49)(b)): the 2-day cases of Art 73(3).
    widespread_or_critical_infrastructure: bool = False
    public_health_threat: bool = False
    property_or_environment_harm: bool = False

    def __post_init__(self) -> None:
        if self.became_aware_at.tzinfo is None:
            raise ValueError("became_aware_at must be timezone-aware")
        object.__setattr__(self, "patient_harm", PatientHarm(self.patient_harm))


@dataclass(frozen=True)
class RegulatoryContext:
    """The region's position towards the system, from the approved classification.

    `role` None means unknown (no approved classification, or unanswered): then every role's
    duties are listed, each with the condition under which it applies. `device` is "mdr", "ivdr",
    "none" or None (unknown). `ai_act_category` None means unknown.
    """

    role: str | None = None
    device: str | None = None
    ai_act_category: str | None = None
    in_house_device: bool = False
    source: str = "unknown"

    def __post_init__(self) -> None:
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.device not in (None, "none", *DEVICE_REGULATIONS):
            raise ValueError(f"unknown device regulation {self.device!r}")

    @property
    def acts_as_provider(self) -> bool | None:
        return None if self.role is None else self.role in ("provider", "provider_and_deployer")

    @property
    def acts_as_deployer_only(self) -> bool | None:
        return None if self.role is None else self.role == "deployer"

    @property
    def is_device(self) -> bool | None:
        return None if self.device is None else self.device in DEVICE_REGULATIONS

    @property
    def ai_act_duties_may_apply(self) -> bool:
        return self.ai_act_category in AI_ACT_DUTY_CATEGORIES


@dataclass(frozen=True)
class DutySettings:
    timezone: str = "Europe/Stockholm"
    lex_maria_target_days: int = 7
    device_report_target_days: int = 7
    # An "immediately" duty is due at awareness; it counts as overdue once this much has passed.
    immediate_grace_hours: int = 24


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class Assessment:
    """Whether the incident is serious, under which definition, and what still needs judgement."""

    serious: bool  # AI Act Art 3(49)
    grounds: tuple[str, ...]  # "art3_49_a" … "art3_49_d"
    device_serious_incident: bool | None  # MDR Art 2(65) / IVDR Art 2(68); None when not known to be a device
    serious_care_injury: bool  # Lex Maria: caused a serious care injury (or death)
    notes: tuple[str, ...] = ()

    @property
    def prompts_pause(self) -> bool:
        """A serious incident of any kind asks the oversight owner to consider pausing (Art 14(4)(e),
        Art 26(5) first subparagraph: suspend use where the system presents a risk)."""
        return self.serious or bool(self.device_serious_incident) or self.serious_care_injury

    def as_dict(self) -> dict:
        return {"serious": self.serious, "grounds": list(self.grounds),
                "device_serious_incident": self.device_serious_incident,
                "serious_care_injury": self.serious_care_injury, "notes": list(self.notes)}


def _device_incident(facts: IncidentFacts) -> bool:
    """MDR Art 2(65): led, might have led or might lead to death, serious deterioration or a serious
    public-health threat. A near miss ("potential") counts until someone assesses it as minor."""
    return (facts.patient_harm in (PatientHarm.SERIOUS, PatientHarm.DEATH, PatientHarm.POTENTIAL)
            or facts.public_health_threat
            or (facts.device_malfunction and facts.patient_harm is not PatientHarm.NONE))


def assess(facts: IncidentFacts, context: RegulatoryContext | None = None) -> Assessment:
    context = context or RegulatoryContext()
    grounds = []
    if facts.patient_harm in (PatientHarm.SERIOUS, PatientHarm.DEATH):
        grounds.append("art3_49_a")
    if facts.widespread_or_critical_infrastructure:
        grounds.append("art3_49_b")
    if facts.fundamental_rights_concern:
        grounds.append("art3_49_c")
    if facts.property_or_environment_harm:
        grounds.append("art3_49_d")
    notes = []
    device_serious = _device_incident(facts) if context.is_device is not False else None
    if context.is_device is None and device_serious:
        notes.append("Whether the system is a medical device is not known from an approved classification; "
                     "the device reporting routes are listed with that condition.")
    if facts.patient_harm is PatientHarm.POTENTIAL:
        notes.append("A near miss: Lex Maria (PSL 3 kap. 5 §) and HSLF-FS 2021:52 also cover events that "
                     "could have caused a serious care injury or serious deterioration of health. Assess "
                     "whether it could have, and report if so.")
    if facts.patient_harm is PatientHarm.UNKNOWN:
        notes.append("Whether a patient was harmed is not known yet: find out and record the harm, so the "
                     "deadlines of a serious incident are computed if it was.")
    if facts.patient_harm is PatientHarm.HARM:
        notes.append("Patient harm that is not assessed as serious: if the assessment finds it serious "
                     "(lasting and not minor, or a substantially increased need of care), update the harm "
                     "to 'serious' so the deadlines are computed.")
    if grounds and not context.ai_act_duties_may_apply:
        notes.append(f"Serious under AI Act Art 3(49), but the approved classification is "
                     f"{context.ai_act_category}: the incident duties of Art 26(5) and Art 73 concern "
                     f"high-risk systems only.")
    return Assessment(
        serious=bool(grounds), grounds=tuple(grounds),
        device_serious_incident=device_serious,
        serious_care_injury=facts.patient_harm in (PatientHarm.SERIOUS, PatientHarm.DEATH),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- deadlines


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of `day` in `tz`, in UTC: the start of the next local day minus 1 µs.

    Built from the local calendar so that a 23- or 25-hour day (DST) still ends at local midnight.
    """
    next_midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
    return next_midnight.astimezone(UTC) - timedelta(microseconds=1)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def deadline_after(aware_at: datetime, days: int, tz: ZoneInfo) -> tuple[date, datetime]:
    """(`due_on`, `due_at`): `days` calendar days after the local day of awareness, to that day's end."""
    due_on = local_date(aware_at, tz) + timedelta(days=days)
    return due_on, end_of_day(due_on, tz)


# --------------------------------------------------------------------------- duties


@dataclass(frozen=True)
class Duty:
    key: str
    recipient: str
    citation: str
    deadline_kind: str
    days: int | None
    due_on: date
    due_at: datetime  # UTC; for "immediately", the moment of awareness
    overdue_after: datetime  # UTC; the duty is overdue once now is later than this
    summary: str
    condition: str | None = None  # when the duty applies only if an unknown fact holds
    fallback: str | None = None
    ground: str | None = None  # why this deadline (e.g. "death")

    def overdue(self, now: datetime) -> bool:
        return now > self.overdue_after

    def as_dict(self) -> dict:
        return {
            "key": self.key, "recipient": self.recipient, "citation": self.citation,
            "deadline_kind": self.deadline_kind, "days": self.days, "due_on": self.due_on.isoformat(),
            "due_at": self.due_at.isoformat(), "overdue_after": self.overdue_after.isoformat(),
            "summary": self.summary, "condition": self.condition, "fallback": self.fallback,
            "ground": self.ground,
        }


@dataclass
class _Builder:
    facts: IncidentFacts
    settings: DutySettings
    duties: list[Duty] = field(default_factory=list)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def within(self, key: str, recipient: Recipient, citation: str, days: int, summary: str, **extra) -> None:
        due_on, due_at = deadline_after(self.facts.became_aware_at, days, self.tz)
        self.duties.append(Duty(key, recipient.value, citation, DeadlineKind.DAYS.value, days, due_on, due_at,
                                due_at, summary, **extra))

    def soon(self, key: str, recipient: Recipient, citation: str, target_days: int, summary: str,
             **extra) -> None:
        due_on, due_at = deadline_after(self.facts.became_aware_at, target_days, self.tz)
        self.duties.append(Duty(key, recipient.value, citation, DeadlineKind.AS_SOON_AS_POSSIBLE.value,
                                target_days, due_on, due_at, due_at, summary, **extra))

    def immediately(self, key: str, recipient: Recipient, citation: str, summary: str, **extra) -> None:
        aware = self.facts.became_aware_at.astimezone(UTC)
        grace = aware + timedelta(hours=self.settings.immediate_grace_hours)
        self.duties.append(Duty(key, recipient.value, citation, DeadlineKind.IMMEDIATELY.value, None,
                                local_date(aware, self.tz), aware, grace, summary, **extra))


def art73_days(facts: IncidentFacts) -> tuple[int, str]:
    """The Art 73 period and its ground: the shortest that applies."""
    if facts.widespread_or_critical_infrastructure:
        return 2, "widespread_infringement_or_critical_infrastructure"  # Art 73(3)
    if facts.patient_harm is PatientHarm.DEATH:
        return 10, "death"  # Art 73(4)
    return 15, "serious_incident"  # Art 73(2)


def device_vigilance_days(facts: IncidentFacts) -> tuple[int, str]:
    """MDR Art 87(3)–(5) / IVDR Art 82(3)–(5): the shortest period that applies."""
    if facts.public_health_threat:
        return 2, "serious_public_health_threat"
    if facts.patient_harm in (PatientHarm.DEATH, PatientHarm.SERIOUS):
        return 10, "death" if facts.patient_harm is PatientHarm.DEATH else "serious_deterioration"
    return 15, "serious_incident"


_IF_PROVIDER = ("if the region is the provider of the AI system (role not known from an approved "
                "classification)")
_IF_DEPLOYER = "if the region is a deployer only (role not known from an approved classification)"
_IF_DEVICE = "if the system is an MDR/IVDR medical device (not known from an approved classification)"
_IF_NOT_DEVICE = ("if the system is not an MDR/IVDR medical device (for a device, only fundamental-rights "
                  "infringements are notified under the AI Act, Art 73(10))")
_IF_HIGH_RISK = "if the system is high-risk under the AI Act (not known from an approved classification)"


def _join(*conditions: str | None) -> str | None:
    present = [c for c in conditions if c]
    return "; ".join(present) if present else None


def duties(facts: IncidentFacts, context: RegulatoryContext | None = None,
           settings: DutySettings | None = None) -> list[Duty]:
    """Every reporting duty the incident triggers for the region, in deadline order.

    Nothing is silently dropped: where the role, the device status or the AI Act category is not
    known, the duties of every possibility are listed with the condition under which each applies.
    """
    context = context or RegulatoryContext()
    settings = settings or DutySettings()
    assessment = assess(facts, context)
    build = _Builder(facts, settings)
    _ai_act_duties(build, facts, context, assessment)
    _device_duties(build, facts, context, assessment)
    if assessment.serious_care_injury:
        build.soon("lex_maria", Recipient.IVO,
                   "Patientsäkerhetslagen (2010:659) 3 kap. 5 § (lex Maria); HSLF-FS 2017:41",
                   settings.lex_maria_target_days,
                   "Report the event that caused a serious care injury or death to IVO as soon as possible "
                   "(lex Maria), followed by the care provider's investigation.",
                   ground=facts.patient_harm.value)
    return sorted(build.duties, key=lambda d: (d.overdue_after, d.key))


def _ai_act_duties(build: _Builder, facts: IncidentFacts, context: RegulatoryContext,
                   assessment: Assessment) -> None:
    if not assessment.serious or not context.ai_act_duties_may_apply:
        return
    high_risk_condition = _IF_HIGH_RISK if context.ai_act_category in (None, "needs_review") else None
    days, ground = art73_days(facts)
    # Art 73(10): for a device only 3(49)(c) infringements are notified under the AI Act.
    fundamental_rights = "art3_49_c" in assessment.grounds
    device = context.is_device
    if context.acts_as_provider is not False:
        role_condition = _IF_PROVIDER if context.acts_as_provider is None else None
        if device is not True:
            build.within(
                "ai_act_art73", Recipient.MARKET_SURVEILLANCE_AUTHORITY,
                {2: "Regulation (EU) 2024/1689, Art 73(3)", 10: "Regulation (EU) 2024/1689, Art 73(4)",
                 15: "Regulation (EU) 2024/1689, Art 73(2)"}[days],
                days, f"Report the serious incident to the market-surveillance authority of the member state "
                      f"where it occurred, at the latest {days} days after becoming aware of it (an initial, "
                      f"incomplete report may be followed by a complete one, Art 73(5)).",
                condition=_join(role_condition, high_risk_condition,
                                _IF_NOT_DEVICE if device is None else None),
                ground=ground)
        if device is not False and fundamental_rights:
            build.within(
                "ai_act_art73_10", Recipient.NATIONAL_COMPETENT_AUTHORITY,
                "Regulation (EU) 2024/1689, Art 73(10) and Art 3(49)(c)", days,
                f"The system is a medical device: notify the infringement of fundamental-rights obligations "
                f"(Art 3(49)(c)) to the national competent authority within {days} days; the device incident "
                f"itself is reported under MDR/IVDR.",
                condition=_join(role_condition, high_risk_condition, _IF_DEVICE if device is None else None),
                ground=ground)
    if context.acts_as_deployer_only is not False:
        role_condition = _IF_DEPLOYER if context.acts_as_deployer_only is None else None
        build.immediately(
            "ai_act_art26_5_provider", Recipient.PROVIDER, "Regulation (EU) 2024/1689, Art 26(5)",
            "Inform the provider of the serious incident immediately.",
            condition=_join(role_condition, high_risk_condition),
            fallback=f"If the provider cannot be reached, Art 73 applies mutatis mutandis: report to the "
                     f"market-surveillance authority within {days} days of awareness.",
            ground=ground)
        # For a device the incident reaches the authorities through the device route; under the AI Act
        # only fundamental-rights infringements are notified (Art 73(10)).
        if device is not True or fundamental_rights:
            build.immediately(
                "ai_act_art26_5_authority", Recipient.IMPORTER_DISTRIBUTOR_AND_AUTHORITY,
                "Regulation (EU) 2024/1689, Art 26(5)",
                "Then inform the importer or distributor and the market-surveillance authority immediately.",
                condition=_join(role_condition, high_risk_condition,
                                _IF_NOT_DEVICE if device is None and not fundamental_rights else None),
                ground=ground)


def _device_duties(build: _Builder, facts: IncidentFacts, context: RegulatoryContext,
                   assessment: Assessment) -> None:
    if not assessment.device_serious_incident:
        return
    device_condition = _IF_DEVICE if context.is_device is None else None
    near_miss = ("a near miss: report if it could have led to death or serious deterioration of health"
                 if facts.patient_harm in (PatientHarm.POTENTIAL, PatientHarm.HARM)
                 and not facts.public_health_threat else None)
    regulations = [context.device] if context.device in DEVICE_REGULATIONS else list(DEVICE_REGULATIONS)
    if context.acts_as_provider is not False:
        role_condition = _IF_PROVIDER if context.acts_as_provider is None else None
        if context.in_house_device:
            build.soon("hslf_fs_2021_52_in_house", Recipient.IVO,
                       "HSLF-FS 2021:52, 5 kap.; MDR/IVDR Art 5(5) (in-house device)",
                       build.settings.device_report_target_days,
                       "The device is made and used in-house (Art 5(5)): report the incident to IVO as "
                       "soon as possible.", condition=_join(role_condition, device_condition, near_miss))
        else:
            days, ground = device_vigilance_days(facts)
            for regulation in regulations:
                if regulation == "mdr":
                    key, paragraph = "mdr_art87", {2: "87(4)", 10: "87(5)", 15: "87(3)"}[days]
                    citation = f"Regulation (EU) 2017/745 (MDR), Art {paragraph}"
                else:
                    key, paragraph = "ivdr_art82", {2: "82(4)", 10: "82(5)", 15: "82(3)"}[days]
                    citation = f"Regulation (EU) 2017/746 (IVDR), Art {paragraph}"
                only = (None if len(regulations) == 1
                        else f"if the device falls under {'MDR' if regulation == 'mdr' else 'IVDR'}")
                build.within(key, Recipient.LAKEMEDELSVERKET, citation, days,
                             f"As manufacturer, report the serious incident to Läkemedelsverket at the "
                             f"latest {days} days after becoming aware of it.",
                             condition=_join(role_condition, device_condition, only, near_miss),
                             ground=ground)
    if context.acts_as_deployer_only is not False:
        role_condition = _IF_DEPLOYER if context.acts_as_deployer_only is None else None
        reports = (("hslf_fs_2021_52_manufacturer", Recipient.MANUFACTURER, "the manufacturer"),
                   ("hslf_fs_2021_52_lakemedelsverket", Recipient.LAKEMEDELSVERKET, "Läkemedelsverket"))
        for key, recipient, who in reports:
            build.soon(key, recipient, "HSLF-FS 2021:52, 5 kap. 2–5 §§",
                       build.settings.device_report_target_days,
                       f"As care provider, report the device incident to {who} as soon as possible.",
                       condition=_join(role_condition, device_condition, near_miss))
