"""DOMAIN.md's high-risk evidence table: which evidence a valid classification asks for, by route and role,
and from which date (`required_evidence`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ai_register.solutions.lifecycle.facts import ClassificationFact, EvidenceType, GateSettings
from ai_register.solutions.lifecycle.labels import BASIS_SEPARATOR, N_


@dataclass(frozen=True)
class EvidenceNeed:
    """One piece of evidence a row asks for. Any of `accepted` satisfies it; the first names it."""

    accepted: tuple[EvidenceType, ...]
    basis: str

    @property
    def type(self) -> EvidenceType:
        return self.accepted[0]


class EvidenceRow(NamedTuple):
    """A row of DOMAIN.md's high-risk evidence table.

    `routes` returns the classification's routes that trigger the row, or None when it does not
    apply; the row then applies from the earliest of those routes' dates (an empty set means it
    has no AI Act application date and always applies).
    """

    name: str
    role: str
    routes: Callable[[ClassificationFact], frozenset[str] | None]
    needs: tuple[EvidenceNeed, ...]


ANNEX_I_DEVICE_ROUTES = frozenset({"annex_i_mdr", "annex_i_ivdr"})
FRIA_ONLY_ROUTES = frozenset({"annex_iii_5b", "annex_iii_5c"})


def _high_risk_routes(c: ClassificationFact, keep: Callable[[str], bool]) -> frozenset[str] | None:
    if c.category != "high_risk":
        return None
    return frozenset(r for r in c.routes if keep(r)) or None


def _annex_iii(route: str) -> bool:
    return route.startswith("annex_iii_")


def _annex_iii_public(c: ClassificationFact) -> frozenset[str] | None:
    # Art 27(1) and Art 49(3): public bodies and private entities providing public services;
    # unanswered counts as public (a region is one; never guess the lighter duty).
    if c.public_authority is False:
        return None
    return _high_risk_routes(c, lambda r: _annex_iii(r) and r != "annex_iii_2")


def _in_house_device(c: ClassificationFact) -> frozenset[str] | None:
    # The contract drops the Annex I route under the in-house exemption (no notified body, so not
    # high-risk by Art 6(1)); the MDR/IVDR Art 5(5)(e) declaration is due whatever the AI Act
    # category, and MDR/IVDR already apply, so it has no AI Act date.
    if c.device_regulation in ("mdr", "ivdr") and c.in_house_exemption:
        return frozenset()
    return None


HIGH_RISK_EVIDENCE: tuple[EvidenceRow, ...] = (
    EvidenceRow(
        "annex_iii_public_deployer", "deployer", _annex_iii_public,
        (EvidenceNeed((EvidenceType.FRIA,), N_("AI Act Art 27")),
         EvidenceNeed((EvidenceType.EU_DATABASE_REGISTRATION,), N_("AI Act Art 49(3)"))),
    ),
    EvidenceRow(
        "annex_iii_5b_5c_deployer", "deployer", lambda c: _high_risk_routes(c, FRIA_ONLY_ROUTES.__contains__),
        (EvidenceNeed((EvidenceType.FRIA,), N_("AI Act Art 27")),),
    ),
    EvidenceRow(
        "annex_iii_provider", "provider", lambda c: _high_risk_routes(c, _annex_iii),
        (EvidenceNeed((EvidenceType.DECLARATION_OF_CONFORMITY,), N_("AI Act Art 47")),
         EvidenceNeed((EvidenceType.EU_DATABASE_REGISTRATION,), N_("AI Act Art 49(1)"))),
    ),
    EvidenceRow(
        "annex_i_device_provider", "provider",
        lambda c: _high_risk_routes(c, ANNEX_I_DEVICE_ROUTES.__contains__),
        (EvidenceNeed((EvidenceType.CE_CERTIFICATE, EvidenceType.NOTIFIED_BODY_CERTIFICATE),
                      N_("MDR Art 56 / IVDR Art 51 (notified body certificate)")),
         EvidenceNeed((EvidenceType.DECLARATION_OF_CONFORMITY,),
                      N_("MDR Art 19 / IVDR Art 17") + BASIS_SEPARATOR + N_("AI Act Art 47(3)")),
         EvidenceNeed((EvidenceType.UDI_DI,), N_("MDR Art 27 / IVDR Art 24")),
         EvidenceNeed((EvidenceType.EUDAMED_REGISTRATION,), N_("MDR Art 29 / IVDR Art 26"))),
    ),
    EvidenceRow(
        "in_house_device_provider", "provider", _in_house_device,
        (EvidenceNeed((EvidenceType.IN_HOUSE_DECLARATION,), N_("MDR / IVDR Art 5(5)(e)")),),
    ),
    EvidenceRow(
        "high_risk_deployer", "deployer", lambda c: c.routes if c.category == "high_risk" else None,
        (EvidenceNeed((EvidenceType.INSTRUCTIONS_FOR_USE,), N_("AI Act Art 13, Art 26(1)")),
         EvidenceNeed((EvidenceType.OVERSIGHT_TRAINING,), N_("AI Act Art 26(2)"))),
    ),
)


def _roles(c: ClassificationFact) -> frozenset[str]:
    # An unanswered role asks for both sets: the gate does not guess the lighter one.
    if c.role in (None, "provider_and_deployer"):
        return frozenset({"provider", "deployer"})
    return frozenset({c.role})


def required_evidence(c: ClassificationFact, on: date,
                      settings: GateSettings = GateSettings()) -> dict[EvidenceType, EvidenceNeed]:
    """The high-risk table's evidence for this classification on `on`, merged across rows."""
    needed: dict[EvidenceType, EvidenceNeed] = {}
    for row in HIGH_RISK_EVIDENCE:
        routes = row.routes(c)
        if routes is None or row.role not in _roles(c):
            continue
        applies_from = min((settings.route_applies_from(r) for r in routes), default=None)
        if not settings.enforce_before_application_date and applies_from is not None and on < applies_from:
            continue
        for need in row.needs:
            known = needed.get(need.type)
            if known is None:
                needed[need.type] = need
            elif need.basis not in known.basis:
                needed[need.type] = EvidenceNeed(known.accepted, f"{known.basis}{BASIS_SEPARATOR}{need.basis}")
    return needed
