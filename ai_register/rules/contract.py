"""Vocabulary fixed by the classification contract, versions 1 and 1.1
(shared/classification-contract.md).

The rule files may add rules, citations and obligations, but the outcomes they map answers to
must stay within these lists. A rule set names the contract version it implements; the engine
evaluates both, so a result stored under an older rule set can be reproduced from its snapshot.
"""

from __future__ import annotations

CONTRACT_VERSION = "1.1"
# Every contract version this engine evaluates, oldest first (a rule set records one of them).
CONTRACT_VERSIONS = ("1", "1.1")

# Strictness order (normative reading); needs_review is not on this scale.
STRICTNESS = {
    "out_of_scope": 0,
    "minimal_risk": 1,
    "limited_risk": 2,
    "high_risk": 3,
    "prohibited": 4,
}
NEEDS_REVIEW = "needs_review"
CATEGORIES = (*STRICTNESS, NEEDS_REVIEW)

ROUTES = (
    "annex_i_mdr",
    "annex_i_ivdr",
    "annex_i_other",
    "annex_iii_1a",
    "annex_iii_1b",
    "annex_iii_1c",
    "annex_iii_2",
    "annex_iii_3",
    "annex_iii_4",
    "annex_iii_5a",
    "annex_iii_5b",
    "annex_iii_5c",
    "annex_iii_5d",
    "annex_iii_6",
    "annex_iii_7",
    "annex_iii_8",
)
ROUTE_GROUPS = ("annex_i", "annex_iii")
TRANSPARENCY_DUTIES = ("art50_1", "art50_2", "art50_3", "art50_4")
GPAI_OUTCOMES = ("art53", "art53_open_source", "art55")
# Contract 1.1, change 6: Art 111(2) systems already in service.
LEGACY_OUTCOMES = ("significant_change",)

DEVICE_REGULATIONS = ("mdr", "ivdr")
REGULATIONS = ("none", *DEVICE_REGULATIONS, NEEDS_REVIEW)
DEVICE_CLASSES = {
    "mdr": ("I", "Im", "IIa", "IIb", "III"),
    "ivdr": ("A", "A_sterile", "B", "C", "D"),
}

ROLES = ("provider", "deployer")
QUESTION_KINDS = ("trigger", "exemption", "no_effect")
UNSURE = "unsure"

# Questions the evaluator reads by name (everything else comes from the rule files).
ROLE_QUESTION = "role"
PUBLIC_AUTHORITY_QUESTION = "public_authority"
AI_SYSTEM_QUESTION = "ai_system"
SUBSTANTIAL_MODIFICATION_QUESTION = "substantial_modification"  # contract 1.1, Art 25(1)
LEGACY_SYSTEM_QUESTION = "legacy_system"  # contract 1.1, Art 111(2)
ROLE_ANSWERS = {
    "provider": ("provider",),
    "deployer": ("deployer",),
    "provider_and_deployer": ROLES,
}


def contract_at_least(version: str, wanted: str) -> bool:
    """Whether a rule set's contract version is `wanted` or later."""
    return CONTRACT_VERSIONS.index(version) >= CONTRACT_VERSIONS.index(wanted)


def route_group(route: str) -> str:
    return "annex_iii" if route.startswith("annex_iii_") else "annex_i"


def parts_needing_review(result: dict) -> frozenset[str]:
    """Which parts of a result are undecided: `ai_act` (category `needs_review`) and/or
    `medical_device` (regulation `needs_review`, or a device regulation without a class).
    A result that says `needs_review` without naming a part counts both as open."""
    if not result.get("needs_review"):
        return frozenset()
    device = result.get("medical_device") or {}
    parts = set()
    if (result.get("ai_act") or {}).get("category") == NEEDS_REVIEW:
        parts.add("ai_act")
    if device.get("regulation") == NEEDS_REVIEW or (device.get("regulation") in DEVICE_REGULATIONS
                                                    and device.get("class") is None):
        parts.add("medical_device")
    return frozenset(parts) or frozenset({"ai_act", "medical_device"})


def still_needs_review(result: dict, *, override_category: str | None = None,
                       override_device_class: str | None = None) -> bool:
    """`needs_review` after an officer's override: an override decides only the parts it sets (the
    category decides the AI Act part, a device class the medical-device part)."""
    decided = {"ai_act"} if override_category else set()
    if override_device_class:
        decided.add("medical_device")
    return bool(parts_needing_review(result) - decided)
