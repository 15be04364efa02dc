"""The seven requirements of the EU ethics guidelines for trustworthy AI, pure.

High-Level Expert Group on AI, "Ethics guidelines for trustworthy AI" (8 April 2019), chapter II,
and its assessment list ALTAI (2020). Region Västerbotten's principle: "EU:s etiska riktlinjer för
tillförlitlig AI, så som exempelvis bias i data, ska ligga till grund för digitaliseringsarbetet."
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


@dataclass(frozen=True)
class Requirement:
    key: str
    # The requirement's name and what the self-assessment asks: catalog messages, translated where shown.
    name: str
    question: str


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("human_agency_oversight", N_("Human agency and oversight"),
                N_("How do professionals keep the final say, and who can stop or override the system?")),
    Requirement("technical_robustness_safety", N_("Technical robustness and safety"),
                N_("How is the system tested for accuracy, resilience to attack and a safe fallback on failure?")),
    Requirement("privacy_data_governance", N_("Privacy and data governance"),
                N_("Which data are used, on what legal basis, and how are quality, integrity and access governed?")),
    Requirement("transparency", N_("Transparency"),
                N_("Are decisions traceable and explainable, and do users and patients know AI is involved?")),
    Requirement("diversity_fairness", N_("Diversity, non-discrimination and fairness"),
                N_("Has bias in training and input data been examined (sex, age, language, disability, "
                   "region), and is the system accessible to all?")),
    Requirement("societal_environmental_wellbeing", N_("Societal and environmental well-being"),
                N_("What are the effects on staff, patients, equity and the environment (energy, resources)?")),
    Requirement("accountability", N_("Accountability"),
                N_("Who is accountable, how is the system audited, and how are harms reported and redressed?")),
)
REQUIREMENT_KEYS: tuple[str, ...] = tuple(r.key for r in REQUIREMENTS)
BY_KEY: Mapping[str, Requirement] = {r.key: r for r in REQUIREMENTS}

# "fulfilled", "partly fulfilled", "not fulfilled", or the requirement does not apply.
ANSWERS: tuple[str, ...] = ("yes", "partly", "no", "not_applicable")
ANSWER_LABELS: Mapping[str, str] = {
    "yes": N_("Fulfilled"),
    "partly": N_("Partly fulfilled"),
    "no": N_("Not fulfilled"),
    "not_applicable": N_("Not applicable"),
}


def unanswered(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The requirement keys without an answer, in the guidelines' order."""
    return tuple(key for key in REQUIREMENT_KEYS
                 if not isinstance(answers.get(key), Mapping) or answers[key].get("answer") not in ANSWERS)


def open_actions(answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Requirements with open actions written down (the follow-up of the self-assessment)."""
    found = []
    for key in REQUIREMENT_KEYS:
        text = (answers.get(key) or {}).get("open_actions") if isinstance(answers.get(key), Mapping) else None
        if text and text.strip():
            found.append({"requirement": key, "open_actions": text.strip()})
    return found
