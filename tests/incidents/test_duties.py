"""The pure serious-incident assessment and reporting duties (no Flask, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ai_register.incidents.duties import (
    DutySettings,
    IncidentFacts,
    RegulatoryContext,
    assess,
    deadline_after,
    duties,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
AWARE = datetime(2026, 5, 4, 10, 0, tzinfo=STOCKHOLM)

PROVIDER = RegulatoryContext(role="provider", device="none", ai_act_category="high_risk", source="test")
DEPLOYER = RegulatoryContext(role="deployer", device="none", ai_act_category="high_risk", source="test")
BOTH = RegulatoryContext(role="provider_and_deployer", device="none", ai_act_category="high_risk")
UNKNOWN = RegulatoryContext()
MDR_PROVIDER = RegulatoryContext(role="provider", device="mdr", ai_act_category="high_risk")
MDR_DEPLOYER = RegulatoryContext(role="deployer", device="mdr", ai_act_category="high_risk")
IVDR_PROVIDER = RegulatoryContext(role="provider", device="ivdr", ai_act_category="high_risk")


def facts(**kwargs) -> IncidentFacts:
    return IncidentFacts(became_aware_at=kwargs.pop("became_aware_at", AWARE), **kwargs)


def by_key(found) -> dict:
    return {d.key: d for d in found}


# --------------------------------------------------------------------------- Art 3(49)


@pytest.mark.parametrize(("kwargs", "grounds"), [
    ({"patient_harm": "death"}, ["art3_49_a"]),
    ({"patient_harm": "serious"}, ["art3_49_a"]),
    ({"widespread_or_critical_infrastructure": True}, ["art3_49_b"]),
    ({"fundamental_rights_concern": True}, ["art3_49_c"]),
    ({"property_or_environment_harm": True}, ["art3_49_d"]),
    ({"patient_harm": "harm"}, []),
    ({"patient_harm": "potential"}, []),
    ({}, []),
])
def test_serious_incident_under_art_3_49(kwargs, grounds):
    assessment = assess(facts(**kwargs), PROVIDER)
    assert assessment.serious is bool(grounds)
    assert list(assessment.grounds) == grounds


LEX_MARIA = {"lex_maria_investigation", "lex_maria_patient_information", "lex_maria"}


def test_nothing_serious_means_no_reporting_duty_beyond_lex_maria():
    assert duties(facts(patient_harm="none"), PROVIDER) == []
    # Patient harm that is not serious: the care provider investigates and informs the patient
    # (PSL 3 kap. 3 §, 8 §); the IVO report only if it could have caused a serious care injury.
    found = by_key(duties(facts(patient_harm="harm"), DEPLOYER))
    assert set(found) == LEX_MARIA
    assert found["lex_maria_investigation"].condition is None
    assert found["lex_maria_investigation"].recipient == "care_provider"
    assert found["lex_maria_investigation"].citation == "Patientsäkerhetslagen (2010:659), 3 kap. 3 §"
    assert found["lex_maria_patient_information"].citation == "Patientsäkerhetslagen (2010:659), 3 kap. 8 §"
    assert "serious care injury" in found["lex_maria"].condition


def test_naive_awareness_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        IncidentFacts(became_aware_at=datetime(2026, 5, 4, 10, 0))


# --------------------------------------------------------------------------- provider: Art 73


@pytest.mark.parametrize(("kwargs", "days", "citation"), [
    ({"patient_harm": "serious"}, 15, "Art 73(2)"),
    ({"fundamental_rights_concern": True}, 15, "Art 73(2)"),
    ({"patient_harm": "death"}, 10, "Art 73(4)"),
    ({"widespread_or_critical_infrastructure": True}, 2, "Art 73(3)"),
    # The shortest period that applies wins.
    ({"patient_harm": "death", "widespread_or_critical_infrastructure": True}, 2, "Art 73(3)"),
])
def test_provider_reports_under_art_73(kwargs, days, citation):
    found = by_key(duties(facts(**kwargs), PROVIDER))
    art73 = found["ai_act_art73"]
    assert art73.days == days and citation in art73.citation
    assert art73.recipient == "market_surveillance_authority"
    assert art73.due_on == date(2026, 5, 4) + timedelta(days=days)
    assert art73.condition is None
    assert "ai_act_art26_5_provider" not in found


def test_death_deadline_is_ten_days_from_awareness_and_overdue_on_day_eleven():
    art73 = by_key(duties(facts(patient_harm="death"), PROVIDER))["ai_act_art73"]
    assert art73.due_on == date(2026, 5, 14)
    # The end of 14 May in Stockholm (CEST, UTC+2).
    assert art73.due_at == datetime(2026, 5, 14, 21, 59, 59, 999999, tzinfo=UTC)
    assert not art73.overdue(datetime(2026, 5, 14, 23, 59, tzinfo=STOCKHOLM))
    assert art73.overdue(datetime(2026, 5, 15, 0, 0, tzinfo=STOCKHOLM))


def test_provider_and_deployer_reports_as_provider():
    found = by_key(duties(facts(patient_harm="death"), BOTH))
    assert "ai_act_art73" in found
    assert "ai_act_art26_5_provider" not in found


# --------------------------------------------------------------------------- deployer: Art 26(5)


def test_deployer_informs_the_provider_immediately():
    found = by_key(duties(facts(patient_harm="death"), DEPLOYER))
    inform = found["ai_act_art26_5_provider"]
    assert inform.recipient == "provider"
    assert inform.deadline_kind == "immediately"
    assert inform.due_at == AWARE.astimezone(UTC)
    assert "cannot be reached" in inform.fallback and "10 days" in inform.fallback
    assert found["ai_act_art26_5_authority"].deadline_kind == "immediately"
    assert "ai_act_art73" not in found
    # Immediately: overdue once the grace period after awareness has passed.
    assert not inform.overdue(AWARE.astimezone(UTC) + timedelta(hours=23))
    assert inform.overdue(AWARE.astimezone(UTC) + timedelta(hours=25))


def test_immediate_grace_is_a_setting():
    inform = by_key(duties(facts(patient_harm="death"), DEPLOYER,
                           DutySettings(immediate_grace_hours=2)))["ai_act_art26_5_provider"]
    assert inform.overdue(AWARE.astimezone(UTC) + timedelta(hours=3))


def test_unknown_role_lists_both_duty_sets_with_conditions():
    found = by_key(duties(facts(patient_harm="death"), UNKNOWN))
    assert {"ai_act_art73", "ai_act_art26_5_provider", "ai_act_art26_5_authority", "lex_maria"} <= set(found)
    assert "provider" in found["ai_act_art73"].condition
    assert "deployer" in found["ai_act_art26_5_provider"].condition
    assert "high-risk" in found["ai_act_art73"].condition
    # The device routes too, since it is not known whether it is a device.
    device_routes = {"mdr_art87", "ivdr_art82", "hslf_fs_2021_52_manufacturer",
                     "hslf_fs_2021_52_lakemedelsverket"}
    assert device_routes <= set(found)
    assert "medical device" in found["mdr_art87"].condition
    assert found["lex_maria"].condition is None


def test_not_high_risk_means_no_ai_act_duties_but_a_note():
    minimal = RegulatoryContext(role="provider", device="none", ai_act_category="minimal_risk")
    found = by_key(duties(facts(patient_harm="death"), minimal))
    assert set(found) == LEX_MARIA  # Lex Maria follows from the event, whatever the class
    assert found["lex_maria"].condition is None
    assert found["lex_maria"].citation == "Patientsäkerhetslagen (2010:659), 3 kap. 5 §; HSLF-FS 2017:41"
    assert "87" not in found["lex_maria"].citation
    notes = assess(facts(patient_harm="death"), minimal).notes
    assert any("high-risk systems only" in note for note in notes)


# --------------------------------------------------------------------------- devices: MDR / IVDR


@pytest.mark.parametrize(("kwargs", "days", "citation"), [
    ({"patient_harm": "serious", "device_malfunction": True}, 10, "Art 87(5)"),
    ({"patient_harm": "death"}, 10, "Art 87(5)"),
    ({"public_health_threat": True}, 2, "Art 87(4)"),
    ({"patient_harm": "potential", "device_malfunction": True}, 15, "Art 87(3)"),
])
def test_device_manufacturer_reports_under_mdr_art_87(kwargs, days, citation):
    found = by_key(duties(facts(**kwargs), MDR_PROVIDER))
    vigilance = found["mdr_art87"]
    assert vigilance.days == days and citation in vigilance.citation
    assert vigilance.recipient == "lakemedelsverket"
    # Art 73(10): a device's incident is not an AI Act Art 73 report ...
    assert "ai_act_art73" not in found


def test_device_fundamental_rights_infringement_is_the_only_art_73_report():
    found = by_key(duties(facts(patient_harm="death", fundamental_rights_concern=True), MDR_PROVIDER))
    assert found["ai_act_art73_10"].recipient == "national_competent_authority"
    assert "Art 73(4) and (10)" in found["ai_act_art73_10"].citation
    assert found["ai_act_art73_10"].days == 10
    assert "ai_act_art73" not in found
    assert "mdr_art87" in found


def test_ivdr_device_reports_under_art_82():
    found = by_key(duties(facts(patient_harm="death"), IVDR_PROVIDER))
    assert "Art 82(5)" in found["ivdr_art82"].citation
    assert "mdr_art87" not in found


def test_device_deployer_reports_to_manufacturer_and_lakemedelsverket():
    found = by_key(duties(facts(patient_harm="serious", device_malfunction=True), MDR_DEPLOYER))
    assert found["hslf_fs_2021_52_manufacturer"].recipient == "manufacturer"
    assert found["hslf_fs_2021_52_lakemedelsverket"].recipient == "lakemedelsverket"
    assert found["hslf_fs_2021_52_manufacturer"].deadline_kind == "as_soon_as_possible"
    assert "ai_act_art26_5_provider" in found
    # The device route reaches the authority; no AI Act authority notice without a rights infringement.
    assert "ai_act_art26_5_authority" not in found
    assert "mdr_art87" not in found


def test_in_house_device_reports_to_ivo():
    in_house = RegulatoryContext(role="provider", device="mdr", ai_act_category="high_risk",
                                 in_house_device=True)
    found = by_key(duties(facts(patient_harm="serious", device_malfunction=True), in_house))
    assert found["hslf_fs_2021_52_in_house"].recipient == "ivo"
    assert "mdr_art87" not in found


# --------------------------------------------------------------------------- Lex Maria


def test_lex_maria_target_is_configurable():
    found = by_key(duties(facts(patient_harm="serious"), PROVIDER, DutySettings(lex_maria_target_days=3)))
    lex_maria = found["lex_maria"]
    assert lex_maria.recipient == "ivo"
    assert lex_maria.deadline_kind == "as_soon_as_possible"
    assert lex_maria.due_on == date(2026, 5, 7)


def test_near_miss_asks_for_assessment():
    assessment = assess(facts(patient_harm="potential"), PROVIDER)
    assert not assessment.serious
    assert any("could have" in note for note in assessment.notes)
    found = by_key(duties(facts(patient_harm="potential"), PROVIDER))
    # Nobody was harmed: investigate, no patient to inform, report to IVO if it could have caused a
    # serious care injury.
    assert set(found) == {"lex_maria_investigation", "lex_maria"}
    assert "could have caused a serious care injury" in found["lex_maria"].condition


def test_unknown_harm_lists_lex_maria_with_its_condition_on_any_solution():
    minimal = RegulatoryContext(role="deployer", device="none", ai_act_category="minimal_risk")
    found = by_key(duties(facts(patient_harm="unknown"), minimal))
    assert set(found) == LEX_MARIA
    assert "not known" in found["lex_maria_investigation"].condition
    assert any("not known" in note for note in assess(facts(patient_harm="unknown"), minimal).notes)


def test_texts_and_deadlines_come_from_the_rule_set():
    from dataclasses import replace

    from ai_register.rules.loader import load_ruleset

    texts = dict(load_ruleset().incident_duties)
    art73 = texts["ai_act_art73"]
    shorter = replace(art73, grounds=tuple(replace(g, days=g.days - 1) for g in art73.grounds))
    found = by_key(duties(facts(patient_harm="death"), PROVIDER, texts={**texts, "ai_act_art73": shorter}))
    assert found["ai_act_art73"].days == 9
    assert found["ai_act_art73"].summary.startswith("Report the serious incident")
    # In-house device used by the region: IVO, not Läkemedelsverket (HSLF-FS 2021:52, 5 kap.).
    in_house = RegulatoryContext(role="deployer", device="mdr", ai_act_category="high_risk", in_house_device=True)
    device = by_key(duties(facts(patient_harm="serious", device_malfunction=True), in_house))
    assert "hslf_fs_2021_52_in_house" in device and "hslf_fs_2021_52_lakemedelsverket" not in device
    assert device["hslf_fs_2021_52_in_house"].recipient == "ivo"


# --------------------------------------------------------------------------- time zone and DST


def test_awareness_just_before_midnight_counts_from_that_local_day():
    # 23:59 on 28 March (CET, UTC+1); the clocks go forward in the night to 29 March.
    aware = datetime(2026, 3, 28, 23, 59, tzinfo=STOCKHOLM)
    due_on, due_at = deadline_after(aware, 10, STOCKHOLM)
    assert due_on == date(2026, 4, 7)
    assert due_at == datetime(2026, 4, 7, 21, 59, 59, 999999, tzinfo=UTC)  # CEST, UTC+2


def test_awareness_just_after_midnight_is_the_next_local_day_though_utc_is_not():
    aware = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 on 29 March in Stockholm
    due_on, _ = deadline_after(aware, 10, STOCKHOLM)
    assert due_on == date(2026, 4, 8)
    art73 = by_key(duties(facts(patient_harm="death", became_aware_at=aware), PROVIDER))["ai_act_art73"]
    assert art73.due_on == date(2026, 4, 8)
    assert not art73.overdue(datetime(2026, 4, 8, 23, 59, 59, tzinfo=STOCKHOLM))
    assert art73.overdue(datetime(2026, 4, 9, 0, 0, 0, 1, tzinfo=STOCKHOLM))


def test_deadline_across_the_autumn_change_ends_at_local_midnight():
    aware = datetime(2026, 10, 24, 23, 30, tzinfo=STOCKHOLM)  # CEST; clocks go back on 25 October
    due_on, due_at = deadline_after(aware, 2, STOCKHOLM)
    assert due_on == date(2026, 10, 26)
    assert due_at == datetime(2026, 10, 26, 22, 59, 59, 999999, tzinfo=UTC)  # CET, UTC+1
