"""The seven requirements of the EU ethics guidelines for trustworthy AI, pure.

High-Level Expert Group on AI, "Ethics guidelines for trustworthy AI" (8 April 2019), chapter II,
and its assessment list ALTAI (2020). Region Västerbotten's principle: "EU:s etiska riktlinjer för
tillförlitlig AI, så som exempelvis bias i data, ska ligga till grund för digitaliseringsarbetet."
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Requirement:
    key: str
    sv: str
    en: str
    # What the self-assessment asks (English; the web form translates).
    question: str

    def label(self, lang: str = "en") -> str:
        return self.sv if lang == "sv" else self.en


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("human_agency_oversight", "Mänskligt agentskap och tillsyn", "Human agency and oversight",
                "How do professionals keep the final say, and who can stop or override the system?"),
    Requirement("technical_robustness_safety", "Teknisk robusthet och säkerhet", "Technical robustness and safety",
                "How is the system tested for accuracy, resilience to attack and a safe fallback on failure?"),
    Requirement("privacy_data_governance", "Integritet och dataförvaltning", "Privacy and data governance",
                "Which data are used, on what legal basis, and how are quality, integrity and access governed?"),
    Requirement("transparency", "Transparens", "Transparency",
                "Are decisions traceable and explainable, and do users and patients know AI is involved?"),
    Requirement("diversity_fairness", "Mångfald, icke-diskriminering och rättvisa",
                "Diversity, non-discrimination and fairness",
                "Has bias in training and input data been examined (sex, age, language, disability, "
                "region), and is the system accessible to all?"),
    Requirement("societal_environmental_wellbeing", "Samhälleligt och miljömässigt välbefinnande",
                "Societal and environmental well-being",
                "What are the effects on staff, patients, equity and the environment (energy, resources)?"),
    Requirement("accountability", "Ansvarsskyldighet", "Accountability",
                "Who is accountable, how is the system audited, and how are harms reported and redressed?"),
)
REQUIREMENT_KEYS: tuple[str, ...] = tuple(r.key for r in REQUIREMENTS)
BY_KEY: Mapping[str, Requirement] = {r.key: r for r in REQUIREMENTS}

# "fulfilled", "partly fulfilled", "not fulfilled", or the requirement does not apply.
ANSWERS: tuple[str, ...] = ("yes", "partly", "no", "not_applicable")
ANSWER_LABELS: Mapping[str, tuple[str, str]] = {
    "yes": ("Uppfyllt", "Fulfilled"),
    "partly": ("Delvis uppfyllt", "Partly fulfilled"),
    "no": ("Inte uppfyllt", "Not fulfilled"),
    "not_applicable": ("Ej tillämpligt", "Not applicable"),
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
