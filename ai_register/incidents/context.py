"""The region's regulatory position towards a solution, as the incident duties need it.

Read from the latest approved or overridden classification: the AI Act role from its answers
(`role`), the effective AI Act category, and the device regulation from its result. When there is
no decided classification the context is unknown and `duties` lists the duties of every role and
route with their conditions: never silently none.
"""

from __future__ import annotations

from ai_register.classification.validity import latest_decided
from ai_register.incidents.duties import DEVICE_REGULATIONS, ROLES, RegulatoryContext
from ai_register.solutions.models import Solution

UNKNOWN_NO_CLASSIFICATION = "no approved classification"
UNKNOWN_NO_MODULE = "classification module not available"  # no longer produced; kept for stored incidents


def regulatory_context(solution: Solution) -> RegulatoryContext:
    latest = latest_decided(solution.id)
    if latest is None:
        return RegulatoryContext(source=UNKNOWN_NO_CLASSIFICATION)
    role = (latest.answers or {}).get("role")
    device_part = (latest.result or {}).get("medical_device") or {}
    regulation = device_part.get("regulation")
    if regulation in DEVICE_REGULATIONS:
        device = regulation
    elif regulation == "none":
        device = "none"
    else:
        device = None  # "needs_review" or absent: not known
    category = latest.effective_category
    in_house = bool(device_part.get("in_house_exemption")
                    or (latest.answers or {}).get("in_house_exemption") == "yes")
    return RegulatoryContext(
        role=role if role in ROLES else None,
        device=device,
        ai_act_category=None if category == "needs_review" else category,
        in_house_device=in_house and device in DEVICE_REGULATIONS,
        source=f"classification {latest.id} (version {latest.version}, {latest.status})",
    )


def context_as_dict(context: RegulatoryContext) -> dict:
    return {
        "role": context.role,
        "device": context.device,
        "ai_act_category": context.ai_act_category,
        "in_house_device": context.in_house_device,
        "source": context.source,
        "role_known": context.role is not None,
    }
