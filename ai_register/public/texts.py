"""What the register's codes mean for a citizen, in plain words (klarspråk, språklagen 11 §).

Every text goes through Flask-Babel (Swedish in the catalogue); `pair` gives both languages at once for
the open data, where a consumer picks the language it shows. The pages show one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ai_register.formats import both

LANGUAGES = ("sv", "en")

# --------------------------------------------------------------------------- the AI Act's categories

CATEGORY_MEANING = {
    "high_risk": _l(
        "The EU AI Act counts this solution as high risk. That does not mean it is dangerous. It means "
        "that a mistake could matter a great deal to people. That is why the strictest rules of the law "
        "apply: the region must manage risks, keep documents and logs, and people must oversee the "
        "solution."),
    "limited_risk": _l(
        "The EU AI Act asks for openness about this kind of solution. You must be told when you are "
        "dealing with an AI, or when a text or an image was made by an AI."),
    "minimal_risk": _l(
        "The EU AI Act sets no special rules for this kind of solution. The region still follows it up "
        "in the same way as its other AI solutions."),
    "out_of_scope": _l(
        "The EU AI Act does not apply to this solution, for example because it is not an AI system as "
        "the law defines one. The region lists it anyway, to be open about it."),
    "prohibited": _l("The EU AI Act forbids this use of AI."),
    "needs_review": _l(
        "The region has not yet settled which category of the EU AI Act applies. Experts are looking "
        "into it."),
}
NOT_CLASSIFIED_MEANING = _l("The region has not yet assessed the solution under the EU AI Act.")

# --------------------------------------------------------------------------- medical devices (MDR/IVDR)

NOT_A_DEVICE = _l("Not a medical device")
NOT_A_DEVICE_MEANING = _l(
    "The solution is not used to find, treat or prevent disease in a patient. The EU rules on medical "
    "devices therefore do not apply.")
DEVICE_NOT_ASSESSED = _l("Not yet assessed")
DEVICE_NOT_ASSESSED_MEANING = _l("The region has not yet assessed whether the solution is a medical device.")
DEVICE_LABEL = {
    "mdr": _l("Medical device, class %(c)s"),
    "ivdr": _l("In vitro diagnostic medical device, class %(c)s"),
}
DEVICE_MEANING = {
    "low": _l(
        "The solution is a medical device with low risk. The manufacturer has checked by itself that it "
        "meets the EU's requirements, and has CE marked it."),
    "checked": _l(
        "The solution is a medical device. Before it could be CE marked, a notified body (an independent "
        "inspection body appointed by a country in the EU) checked that it meets the EU's requirements."),
    "highest": _l(
        "The solution is a medical device in the highest risk class. A notified body (an independent "
        "inspection body appointed by a country in the EU) has checked its design and its clinical "
        "evidence closely before it could be CE marked."),
}
# Which assessment each class goes through (MDR Art 52, IVDR Art 48), in the three steps above.
DEVICE_CLASSES = {
    "I": ("mdr", "low"), "Im": ("mdr", "checked"), "IIa": ("mdr", "checked"), "IIb": ("mdr", "checked"),
    "III": ("mdr", "highest"),
    "A": ("ivdr", "low"), "A_sterile": ("ivdr", "checked"), "B": ("ivdr", "checked"), "C": ("ivdr", "checked"),
    "D": ("ivdr", "highest"),
}

# --------------------------------------------------------------------------- the lifecycle

PHASE_MEANING = {
    "needs_analysis": _l(
        "The region is looking into whether the solution is needed and suitable. It is not used in care "
        "yet."),
    "pilot": _l("The solution is being tried out in a few units. The region follows closely how it works."),
    "rollout": _l("The trial went well. The solution is now being introduced in more units."),
    "management": _l("The solution is part of everyday care. The region reviews it at set intervals."),
    "decommissioning": _l("The region is phasing out the solution."),
    "retired": _l("The solution is no longer used."),
}
PAUSED_MEANING = _l("Its use is paused for the time being.")

# --------------------------------------------------------------------------- data

DATA_MEANING = {
    "none": _l("The solution uses no information about individual people."),
    "personal": _l("The solution uses information about people, but no information about their health."),
    "health": _l("The solution uses information about patients, including information about their health."),
    "personal_unknown": _l("The solution uses information about people."),
    "unknown": _l("The region has not yet stated whether the solution uses information about people."),
}
KIND_MEANING = {
    "machine_learning": _l("It is built with machine learning: it has learnt from examples."),
    "generative": _l("It is generative AI: it writes text or makes other content."),
    "rule_based": _l("It follows rules that people have written down."),
    "other": _l("It is built with another AI technique."),
}
SOURCING_MEANING = {
    "in_house": _l("The region has built the solution itself."),
    "procured": _l("The region has bought the solution from a supplier."),
}

# --------------------------------------------------------------------------- human oversight

OVERSIGHT_MEASURES = {
    "authority_to_suspend": _l("A named function is in charge of overseeing the solution and may pause its use."),
    "can_disregard_override_reverse": _l("The staff who use it can always ignore or change what it suggests."),
    "can_interrupt_stop": _l("Its use can be stopped at any time."),
    "understands_capabilities_limits": _l(
        "The staff know what the solution can and cannot do, and watch how it works."),
    "aware_of_automation_bias": _l("The staff are trained not to trust its answers blindly."),
    "interprets_output": _l("The staff have learnt how to read its results."),
}
NO_OVERSIGHT = _l("The region has not yet named who oversees the solution.")


def pair(text: Any) -> dict[str, str]:
    """A lazy text in Swedish and in English."""
    return both(text)


def pair_of(labels: Mapping[str, Any], code: str | None) -> dict[str, str] | None:
    return pair(labels[code]) if code in labels else None


def device(device_class: str | None, classified: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(label, meaning) of a device class; None is "not a device" once the solution is classified."""
    if device_class in DEVICE_CLASSES:
        regulation, step = DEVICE_CLASSES[device_class]
        shown = device_class.replace("_sterile", " (steril)")
        label = {}
        for lang in LANGUAGES:
            with force_locale(lang):
                label[lang] = str(DEVICE_LABEL[regulation]) % {
                    "c": shown if lang == "sv" else device_class.replace("_sterile", " (sterile)")}
        return label, pair(DEVICE_MEANING[step])
    if classified:
        return pair(NOT_A_DEVICE), pair(NOT_A_DEVICE_MEANING)
    return pair(DEVICE_NOT_ASSESSED), pair(DEVICE_NOT_ASSESSED_MEANING)


def data_meaning(personal: bool | None, health: bool | None) -> dict[str, str]:
    if personal is False:
        key = "none"
    elif health:
        key = "health"
    elif personal is None:
        key = "unknown"
    elif health is False:
        key = "personal"
    else:
        key = "personal_unknown"
    return pair(DATA_MEANING[key])
