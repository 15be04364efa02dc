"""What a compliance officer reads beside the answers when reviewing a classification version: the
solution (purpose, intended use, supplier and product: the supplier register's product version with its
certificate when linked, the solution's own words otherwise), its current evidence, the previous approved
version and what changed between the two (answers, and the result: category, routes, device class,
duties and obligations), and the rules that fired, each with its legal citation.

Reads only; the four-eyes decision itself is `classification.review`'s. Texts are in the reader's
language (the areas' labels.py, classification/results.py); citations through rules/citations.py (the `cite` label)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ai_register.classification import results
from ai_register.classification import services as classification_services
from ai_register.classification.labels import category_label, cite, device_label
from ai_register.classification.models import DECIDED, Classification
from ai_register.classification.rulesets import active_ruleset, ruleset_of
from ai_register.evidence import services as evidence_services
from ai_register.evidence.models import Evidence
from ai_register.rules.ruleset import RuleSet, RuleSetError
from ai_register.solutions.labels import evidence_label
from ai_register.solutions.lifecycle.gates import SELF_CERTIFIED_DEVICE_CLASSES
from ai_register.solutions.models import Solution
from ai_register.suppliers import rules as supplier_rules
from ai_register.suppliers import services as suppliers
from ai_register.suppliers.models import SupplierDocument


@dataclass
class ResultRow:
    """One part of the result, before (the previous approved version) and now."""

    label: str
    before: list[str]
    after: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def added(self) -> list[str]:
        return [v for v in self.after if v not in self.before]

    @property
    def removed(self) -> list[str]:
        return [v for v in self.before if v not in self.after]

    @property
    def unchanged(self) -> list[str]:
        return [v for v in self.after if v in self.before]

    @property
    def long(self) -> bool:
        """Many parts that stay the same (the obligations): the page folds them away."""
        return len(self.unchanged) > 2


@dataclass
class EvidenceRow:
    record: Evidence
    type_label: str
    expired: bool


@dataclass
class FiredRule:
    id: str
    text: str
    citation: str
    new: bool


@dataclass
class SupplierFacts:
    """Supplier and product as the reviewer reads them: from the supplier register when the solution is linked
    to a product version (with its device class and the notified body's certificate), else the solution's
    own free text."""

    from_register: bool
    supplier: str | None
    product: str | None
    version: str | None
    supplier_id: int | None = None
    device: str | None = None
    certificate: SupplierDocument | None = None
    certificate_state: str | None = None  # None (in force), expiring, expired
    needs_certificate: bool = False


def supplier_facts(solution: Solution, today: date) -> SupplierFacts:
    product, documents = suppliers.solution_documents(solution.id)
    if product is None:
        return SupplierFacts(False, solution.supplier, solution.product, solution.product_version)
    certificates = sorted((d for d in documents if d.kind == supplier_rules.CERTIFICATE and d.withdrawn_on is None),
                          key=lambda d: (d.valid_until or date.max, d.id), reverse=True)
    certificate = certificates[0] if certificates else None
    device = device_label(product.device_regulation, product.device_class) \
        if product.device_regulation else None
    return SupplierFacts(
        True, product.supplier.name, product.product, product.product_version, supplier_id=product.supplier_id,
        device=device, certificate=certificate,
        certificate_state=suppliers.expiry_state(certificate, today) if certificate is not None else None,
        needs_certificate=bool(product.device_regulation)
        and product.device_class not in SELF_CERTIFIED_DEVICE_CLASSES)


@dataclass
class ReviewContext:
    previous: Classification | None
    answers: list[dict]
    supplier: SupplierFacts | None = None
    result_rows: list[ResultRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    fired: list[FiredRule] = field(default_factory=list)
    removed_rules: list[FiredRule] = field(default_factory=list)

    @property
    def changed_answers(self) -> int:
        return sum(1 for row in self.answers if row["changed"])

    @property
    def changed_results(self) -> int:
        return sum(1 for row in self.result_rows if row.changed)

    @property
    def parts(self) -> list[ResultRow]:
        """The short parts of the result, side by side (the obligations are listed apart)."""
        return self.result_rows[:-1]

    @property
    def obligations(self) -> ResultRow:
        return self.result_rows[-1]


def previous_approved(item: Classification, versions: list[Classification]) -> Classification | None:
    """The latest version before `item` that a review approved or overrode: what counts today."""
    return next((v for v in versions if v.version < item.version and v.status in DECIDED), None)


def _ruleset(item: Classification, fallback: RuleSet) -> RuleSet:
    try:
        return ruleset_of(item)
    except RuleSetError:
        return fallback


def _category(item: Classification, effective: bool) -> list[str]:
    return [category_label(item.effective_category if effective else item.engine_category)]


def _device(item: Classification, effective: bool) -> list[str]:
    device = item.result.get("medical_device") or {}
    device_class = item.effective_device_class if effective else item.engine_device_class
    text = device_label(device.get("regulation"), device_class)
    if device.get("notified_body"):
        text = f"{text} · {_l('notified body')}"
    return [text]


def _obligations(item: Classification, ruleset: RuleSet) -> list[str]:
    rows = results.obligations_in_language(item.result.get("obligations") or [], ruleset)
    return [f"{o.get('text') or o.get('id')} ({cite(o.get('citation'))})" for o in rows]


def result_rows(previous: Classification | None, item: Classification, prev_rules: RuleSet | None,
                rules: RuleSet) -> list[ResultRow]:
    """The result of `item` (the engine's, as submitted) beside what counts for `previous` (its effective
    category and class, an override included), part by part."""

    def parts(version: Classification | None, ruleset: RuleSet | None, effective: bool) -> list[list[str]]:
        if version is None or ruleset is None:
            return [[] for _ in range(6)]
        act = version.result.get("ai_act") or {}
        return [
            _category(version, effective),
            [results.route_label(r) for r in act.get("routes") or ()],
            _device(version, effective),
            [results.transparency_label(t) for t in act.get("transparency") or ()],
            [results.gpai_label(act.get("gpai"))] if act.get("gpai") else [],
            _obligations(version, ruleset),
        ]

    names = [_l("AI Act category"), _l("High-risk routes"), _l("Medical device"), _l("Transparency duties"),
             _l("General-purpose AI"), _l("Obligations")]
    before = parts(previous, prev_rules, effective=True)
    after = parts(item, rules, effective=False)
    return [ResultRow(str(name), b, a) for name, b, a in zip(names, before, after, strict=True)]


def _fired(item: Classification | None, ruleset: RuleSet | None) -> list[tuple[str, str, str]]:
    if item is None or ruleset is None:
        return []
    explain = results.explainer(ruleset)
    return [(rule["id"], explain(rule["id"]) or rule["id"], cite(rule.get("citation")))
            for rule in item.result.get("fired_rules") or ()]


def review_context(item: Classification, solution: Solution, today: date) -> ReviewContext:
    versions = classification_services.classifications_of(solution)
    previous = previous_approved(item, versions)
    active = active_ruleset()
    rules = _ruleset(item, active)
    prev_rules = _ruleset(previous, active) if previous is not None else None
    answers = results.answers_diff(previous.answers if previous else None, item.answers, rules)
    fired_now = _fired(item, rules)
    fired_before = {rule_id for rule_id, _text, _cite in _fired(previous, prev_rules)}
    now_ids = {rule_id for rule_id, _text, _cite in fired_now}
    evidence = [
        EvidenceRow(e, evidence_label(e.type), bool(e.expires_on and e.expires_on < today))
        for e in sorted(evidence_services.evidence_for(solution.id), key=lambda e: (e.type, e.issued_on))
    ]
    return ReviewContext(
        previous=previous,
        answers=answers,
        supplier=supplier_facts(solution, today),
        result_rows=result_rows(previous, item, prev_rules, rules),
        evidence=evidence,
        fired=[FiredRule(i, t, c, previous is not None and i not in fired_before) for i, t, c in fired_now],
        removed_rules=[FiredRule(i, t, c, False) for i, t, c in _fired(previous, prev_rules) if i not in now_ids],
    )

