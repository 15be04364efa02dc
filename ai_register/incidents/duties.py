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
- Patientsäkerhetslagen (2010:659) 3 kap. 3 §, 5 § and 8 § (Lex Maria, HSLF-FS 2017:41): an event
  with patient harm (or where harm is not known) is investigated by the care provider, the patient
  is informed of a care injury "snarast", and an event that caused or could have caused a serious
  care injury is reported to IVO "snarast". It follows from the event, whatever the solution's class.

Which duties an incident brings is decided here; their texts, citations and deadlines (days per
ground) come from the rule set (risk_rules/incidents.yaml), one source with the classification's
obligations.

Deadlines are calendar days counted from awareness in the region's time zone (Europe/Stockholm);
a duty due on a day may be done until that day ends there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from ai_register.rules.loader import get_active_ruleset
from ai_register.rules.ruleset import IncidentDuty as IncidentDutyText


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


# Conditions and notes are stored in English (the API's words), conditions joined by this; a page
# translates each part from the catalog (formats.joined_text).
CONDITION_SEPARATOR = "; "


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
    CARE_PROVIDER = "care_provider"  # the region itself, as vårdgivare (its own investigation)
    PATIENT = "patient"


RECIPIENT_LABELS: Mapping[Recipient, str] = {
    Recipient.MARKET_SURVEILLANCE_AUTHORITY: N_("Market-surveillance authority (AI Act)"),
    Recipient.NATIONAL_COMPETENT_AUTHORITY: N_("National competent authority (AI Act Art 73(10))"),
    Recipient.PROVIDER: N_("The provider of the AI system"),
    Recipient.IMPORTER_DISTRIBUTOR_AND_AUTHORITY: N_("Importer or distributor, and the market-surveillance authority"),
    Recipient.LAKEMEDELSVERKET: N_("Läkemedelsverket (Swedish Medical Products Agency)"),
    Recipient.MANUFACTURER: N_("The device manufacturer"),
    Recipient.IVO: N_("Health and Social Care Inspectorate (IVO)"),
    Recipient.CARE_PROVIDER: N_("The care provider (the region's own investigation)"),
    Recipient.PATIENT: N_("The patient affected"),
}

# Duties addressed to the supplier of the system or device (AI Act Art 26(5), HSLF-FS 2021:52 with MDR Art 87):
# the register names the supplier's post-market / vigilance contact beside them.
SUPPLIER_RECIPIENTS: frozenset[str] = frozenset({Recipient.PROVIDER, Recipient.MANUFACTURER})


GROUND_LABELS: Mapping[str, str] = {
    "art3_49_a": N_("death or serious harm to health (Art 3(49)(a))"),
    "art3_49_b": N_("serious and irreversible disruption of critical infrastructure (Art 3(49)(b))"),
    "art3_49_c": N_("infringement of obligations protecting fundamental rights (Art 3(49)(c))"),
    "art3_49_d": N_("serious harm to property or the environment (Art 3(49)(d))"),
}


def ground_label(ground: str) -> str:
    """The ground's catalog message (English); pages and the PDF translate it."""
    return GROUND_LABELS.get(ground, ground)


# The definitions of "serious" an incident can meet, in the order they are named. One verdict for every
# place that says whether an incident is serious (badge, pause prompt, assessment), so a near miss never
# reads "serious" above an assessment that says it is not.
SERIOUS_DEFINITIONS: Mapping[str, str] = {
    "ai_act": N_("a serious incident under AI Act Art 3(49)"),
    "device": N_("a serious incident under MDR Art 2(65) / IVDR Art 2(68)"),
    "care_injury": N_("a serious care injury (Lex Maria, PSL 3 kap. 5 §)"),
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


def serious_definition_label(code: str) -> str:
    return SERIOUS_DEFINITIONS[code]


def recipient_label(recipient: str) -> str:
    """The recipient's catalog message (English, as the API gives it); pages translate it."""
    return RECIPIENT_LABELS[Recipient(recipient)]


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
        notes.append(N_("Whether the system is a medical device is not known from an approved classification; "
                        "the device reporting routes are listed with that condition."))
    if facts.patient_harm is PatientHarm.POTENTIAL:
        notes.append(N_("A near miss: Lex Maria (PSL 3 kap. 5 §) and HSLF-FS 2021:52 also cover events that "
                        "could have caused a serious care injury or serious deterioration of health. Assess "
                        "whether it could have, and report if so."))
    if facts.patient_harm is PatientHarm.UNKNOWN:
        notes.append(N_("Whether a patient was harmed is not known yet: find out and record the harm, so the "
                        "deadlines of a serious incident are computed if it was. Until then the Lex Maria duties "
                        "are listed with that condition."))
    if facts.patient_harm is PatientHarm.HARM:
        notes.append(N_("Patient harm that is not assessed as serious: if the assessment finds it serious "
                        "(lasting and not minor, or a substantially increased need of care), update the harm "
                        "to 'serious' so the deadlines are computed."))
    if grounds and not context.ai_act_duties_may_apply:
        # The category is on the page beside it; the note is one catalog message, without a code.
        notes.append(N_("Serious under AI Act Art 3(49), but the approved classification is not high-risk: the "
                        "incident duties of Art 26(5) and Art 73 concern high-risk systems only."))
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
    """Adds a duty by key: recipient, citation, text and deadline from the rule set's entry."""

    facts: IncidentFacts
    settings: DutySettings
    texts: Mapping[str, IncidentDutyText]
    duties: list[Duty] = field(default_factory=list)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def add(self, key: str, *, grounds: tuple[str, ...] = (), target_days: int | None = None,
            days_for_text: int | None = None, **extra) -> None:
        entry = self.texts[key]
        recipient, summary = entry.recipient, entry.text.en
        if entry.deadline == DeadlineKind.DAYS.value:
            deadline = entry.for_grounds(grounds)
            due_on, due_at = deadline_after(self.facts.became_aware_at, deadline.days, self.tz)
            duty = Duty(key, recipient, deadline.citation, entry.deadline, deadline.days, due_on, due_at, due_at,
                        summary.format(days=deadline.days), ground=deadline.ground, **extra)
        elif entry.deadline == DeadlineKind.AS_SOON_AS_POSSIBLE.value:
            days = target_days if target_days is not None else self.settings.device_report_target_days
            due_on, due_at = deadline_after(self.facts.became_aware_at, days, self.tz)
            duty = Duty(key, recipient, entry.citation or "", entry.deadline, days, due_on, due_at, due_at,
                        summary.format(days=days), **extra)
        else:
            aware = self.facts.became_aware_at.astimezone(UTC)
            grace = aware + timedelta(hours=self.settings.immediate_grace_hours)
            fallback = entry.fallback.en.format(days=days_for_text) if entry.fallback else None
            duty = Duty(key, recipient, entry.citation or "", entry.deadline, None, local_date(aware, self.tz),
                        aware, grace, summary.format(days=days_for_text), fallback=fallback, **extra)
        self.duties.append(duty)


def art73_grounds(facts: IncidentFacts) -> tuple[str, ...]:
    """The grounds of Art 73 that the facts establish; the rule set gives each its period."""
    grounds = ["serious_incident"]  # Art 73(2)
    if facts.patient_harm is PatientHarm.DEATH:
        grounds.append("death")  # Art 73(4)
    if facts.widespread_or_critical_infrastructure:
        grounds.append("widespread_infringement_or_critical_infrastructure")  # Art 73(3), 3(49)(b)
    return tuple(grounds)


def device_vigilance_grounds(facts: IncidentFacts) -> tuple[str, ...]:
    """MDR Art 87(3)–(5) / IVDR Art 82(3)–(5): the grounds the facts establish."""
    grounds = ["serious_incident"]
    if facts.patient_harm is PatientHarm.DEATH:
        grounds.append("death")
    if facts.patient_harm is PatientHarm.SERIOUS:
        grounds.append("serious_deterioration")  # an unanticipated serious deterioration, 87(5)
    if facts.public_health_threat:
        grounds.append("serious_public_health_threat")
    return tuple(grounds)


def art73_days(facts: IncidentFacts, texts: Mapping[str, IncidentDutyText] | None = None) -> tuple[int, str]:
    """The Art 73 period and its ground: the shortest that applies (from the rule set)."""
    deadline = (texts or default_texts())["ai_act_art73"].for_grounds(art73_grounds(facts))
    return deadline.days, deadline.ground


def device_vigilance_days(facts: IncidentFacts,
                          texts: Mapping[str, IncidentDutyText] | None = None) -> tuple[int, str]:
    deadline = (texts or default_texts())["mdr_art87"].for_grounds(device_vigilance_grounds(facts))
    return deadline.days, deadline.ground


def default_texts() -> Mapping[str, IncidentDutyText]:
    """The incident duties of the repository's rule set (the service passes the active one)."""

    return get_active_ruleset().incident_duties


_IF_PROVIDER = N_("if the region is the provider of the AI system (role not known from an approved "
                  "classification)")
_IF_DEPLOYER = N_("if the region is a deployer only (role not known from an approved classification)")
_IF_DEVICE = N_("if the system is an MDR/IVDR medical device (not known from an approved classification)")
_IF_NOT_DEVICE = N_("if the system is not an MDR/IVDR medical device (for a device, only fundamental-rights "
                    "infringements are notified under the AI Act, Art 73(10))")
_IF_HIGH_RISK = N_("if the system is high-risk under the AI Act (not known from an approved classification)")
_IF_NEAR_MISS_DEVICE = N_("a near miss: report if it could have led to death or serious deterioration of health")
_IF_UNDER = {"mdr": N_("if the device falls under MDR"), "ivdr": N_("if the device falls under IVDR")}


def _join(*conditions: str | None) -> str | None:
    present = [c for c in conditions if c]
    return CONDITION_SEPARATOR.join(present) if present else None


def duties(facts: IncidentFacts, context: RegulatoryContext | None = None,
           settings: DutySettings | None = None,
           texts: Mapping[str, IncidentDutyText] | None = None) -> list[Duty]:
    """Every reporting duty the incident triggers for the region, in deadline order.

    Nothing is silently dropped: where the role, the device status or the AI Act category is not
    known, the duties of every possibility are listed with the condition under which each applies.
    `texts`: the rule set's incident duties (default: the repository's rule set).
    """
    context = context or RegulatoryContext()
    settings = settings or DutySettings()
    assessment = assess(facts, context)
    build = _Builder(facts, settings, texts if texts is not None else default_texts())
    _ai_act_duties(build, facts, context, assessment)
    _device_duties(build, facts, context, assessment)
    _lex_maria_duties(build, facts)
    return sorted(build.duties, key=lambda d: (d.overdue_after, d.key))


_IF_HARM_UNKNOWN = N_("if a patient was harmed (patient harm not known)")
_IF_SERIOUS_CARE_INJURY = N_("if the event caused or could have caused a serious care injury (allvarlig "
                             "vårdskada)")


def _lex_maria_duties(build: _Builder, facts: IncidentFacts) -> None:
    """Patientsäkerhetslagen 3 kap.: whatever the solution's class, an event with patient harm (or
    unknown harm) is investigated (3 §), the patient informed of a care injury (8 §), and an event that
    caused or could have caused a serious care injury reported to IVO (5 §, HSLF-FS 2017:41)."""
    harm = facts.patient_harm
    target = build.settings.lex_maria_target_days
    caused = harm in (PatientHarm.HARM, PatientHarm.SERIOUS, PatientHarm.DEATH)
    unknown = harm is PatientHarm.UNKNOWN
    if caused or unknown or harm is PatientHarm.POTENTIAL:
        build.add("lex_maria_investigation", target_days=target, ground=harm.value,
                  condition=_IF_HARM_UNKNOWN if unknown else None)
    if caused or unknown:
        build.add("lex_maria_patient_information", target_days=target, ground=harm.value,
                  condition=_IF_HARM_UNKNOWN if unknown else None)
    if caused or unknown or harm is PatientHarm.POTENTIAL:
        serious = harm in (PatientHarm.SERIOUS, PatientHarm.DEATH)
        build.add("lex_maria", target_days=target, ground=harm.value,
                  condition=None if serious else _IF_SERIOUS_CARE_INJURY)


def _ai_act_duties(build: _Builder, facts: IncidentFacts, context: RegulatoryContext,
                   assessment: Assessment) -> None:
    if not assessment.serious or not context.ai_act_duties_may_apply:
        return
    high_risk_condition = _IF_HIGH_RISK if context.ai_act_category in (None, "needs_review") else None
    grounds = art73_grounds(facts)
    days, _ground = art73_days(facts, build.texts)
    # Art 73(10): for a device only 3(49)(c) infringements are notified under the AI Act.
    fundamental_rights = "art3_49_c" in assessment.grounds
    device = context.is_device
    if context.acts_as_provider is not False:
        role_condition = _IF_PROVIDER if context.acts_as_provider is None else None
        if device is not True:
            build.add("ai_act_art73", grounds=grounds,
                      condition=_join(role_condition, high_risk_condition,
                                      _IF_NOT_DEVICE if device is None else None))
        if device is not False and fundamental_rights:
            build.add("ai_act_art73_10", grounds=grounds,
                      condition=_join(role_condition, high_risk_condition, _IF_DEVICE if device is None else None))
    if context.acts_as_deployer_only is not False:
        role_condition = _IF_DEPLOYER if context.acts_as_deployer_only is None else None
        build.add("ai_act_art26_5_provider", days_for_text=days,
                  condition=_join(role_condition, high_risk_condition), ground=_ground)
        # For a device the incident reaches the authorities through the device route; under the AI Act
        # only fundamental-rights infringements are notified (Art 73(10)).
        if device is not True or fundamental_rights:
            build.add("ai_act_art26_5_authority", days_for_text=days,
                      condition=_join(role_condition, high_risk_condition,
                                      _IF_NOT_DEVICE if device is None and not fundamental_rights else None),
                      ground=_ground)


def _device_duties(build: _Builder, facts: IncidentFacts, context: RegulatoryContext,
                   assessment: Assessment) -> None:
    if not assessment.device_serious_incident:
        return
    device_condition = _IF_DEVICE if context.is_device is None else None
    near_miss = (_IF_NEAR_MISS_DEVICE
                 if facts.patient_harm in (PatientHarm.POTENTIAL, PatientHarm.HARM, PatientHarm.UNKNOWN)
                 and not facts.public_health_threat else None)
    regulations = [context.device] if context.device in DEVICE_REGULATIONS else list(DEVICE_REGULATIONS)
    if context.acts_as_provider is not False:
        role_condition = _IF_PROVIDER if context.acts_as_provider is None else None
        if context.in_house_device:
            build.add("hslf_fs_2021_52_in_house", target_days=build.settings.device_report_target_days,
                      condition=_join(role_condition, device_condition, near_miss))
        else:
            grounds = device_vigilance_grounds(facts)
            for regulation in regulations:
                key = "mdr_art87" if regulation == "mdr" else "ivdr_art82"
                only = None if len(regulations) == 1 else _IF_UNDER[regulation]
                build.add(key, grounds=grounds, condition=_join(role_condition, device_condition, only, near_miss))
    if context.acts_as_deployer_only is not False:
        role_condition = _IF_DEPLOYER if context.acts_as_deployer_only is None else None
        # A region that uses a CE-marked device reports to the manufacturer and Läkemedelsverket; an
        # in-house device (Art 5(5)) goes to IVO instead (HSLF-FS 2021:52, 5 kap.).
        keys = (("hslf_fs_2021_52_in_house",) if context.in_house_device
                else ("hslf_fs_2021_52_manufacturer", "hslf_fs_2021_52_lakemedelsverket"))
        for key in keys:
            if key == "hslf_fs_2021_52_in_house" and context.acts_as_provider is not False:
                continue  # already listed above for the region as manufacturer
            build.add(key, target_days=build.settings.device_report_target_days,
                      condition=_join(role_condition, device_condition, near_miss))
