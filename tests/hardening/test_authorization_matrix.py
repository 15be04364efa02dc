"""The authorisation matrix, generated from the URL map: every endpoint × every role (and anonymous,
and a revoked token) against the expected table below. A new endpoint without an entry fails."""

from __future__ import annotations

import re

import pytest

from ai_register.extensions import db
from ai_register.security import declared_access

O, C, A, D, S, P = "owner", "compliance", "auditor", "admin", "staff", "public"  # noqa: E741
ANY = frozenset({O, C, A, D})  # "any signed-in" of API.md: staff are not (they report deviations only)
REPORTERS = frozenset({O, C, A, D, S})

# (method, rule) → roles that may call it. The table API.md sketches, extended in its style.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/api/v1/auth/token"): frozenset({P}),
    ("GET", "/api/v1/tokens"): ANY,
    ("POST", "/api/v1/tokens"): ANY,
    ("DELETE", "/api/v1/tokens/<int:token_id>"): ANY,
    ("GET", "/api/v1/users"): frozenset({D}),
    ("POST", "/api/v1/users"): frozenset({D}),
    ("PATCH", "/api/v1/users/<int:user_id>"): frozenset({D}),
    ("DELETE", "/api/v1/users/<int:user_id>/tokens"): frozenset({D}),
    ("GET", "/api/v1/audit/events"): frozenset({C, A}),
    ("GET", "/api/v1/audit/verify"): frozenset({C, A}),
    ("POST", "/api/v1/audit/verify"): frozenset({C, A}),
    ("GET", "/api/v1/openapi.json"): frozenset({P}),
    ("GET", "/api/docs"): frozenset({P}),
    ("GET", "/api/docs/assets/<path:filename>"): frozenset({P}),
    ("GET", "/healthz"): frozenset({P}),
    ("GET", "/readyz"): frozenset({P}),
    ("GET", "/login"): frozenset({P}),
    ("POST", "/login"): frozenset({P}),
    ("POST", "/logout"): REPORTERS,
    ("POST", "/language/<lang>"): frozenset({P}),
    ("GET", "/"): REPORTERS,
    ("GET", "/api/v1/audit/public-key"): frozenset({P}),
    ("GET", "/api/v1/classifications/<int:classification_id>"): frozenset({A, C, O}),
    ("POST", "/api/v1/classifications/<int:classification_id>/approve"): frozenset({C}),
    ("POST", "/api/v1/classifications/<int:classification_id>/override"): frozenset({C}),
    ("POST", "/api/v1/classifications/<int:classification_id>/reject"): frozenset({C}),
    ("POST", "/api/v1/classifications/<int:classification_id>/submit"): frozenset({O, C}),
    ("POST", "/api/v1/classifications/preview"): ANY,
    ("GET", "/api/v1/classifications/questionnaire"): ANY,
    ("GET", "/api/v1/evidence/<int:evidence_id>"): frozenset({A, C, O}),
    ("GET", "/api/v1/evidence/<int:evidence_id>/file"): frozenset({A, C, O}),
    ("GET", "/api/v1/follow-up"): frozenset({A, C, O}),
    ("GET", "/api/v1/incidents"): frozenset({A, C, O}),
    ("GET", "/api/v1/incidents/<int:incident_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/incidents/<int:incident_id>"): frozenset({C, O}),
    ("GET", "/api/v1/notifications"): ANY,
    ("POST", "/api/v1/notifications/<int:notification_id>/read"): ANY,
    ("GET", "/api/v1/public/solutions"): frozenset({P}),
    ("GET", "/api/v1/public/solutions/<string:public_id>"): frozenset({P}),
    ("GET", "/api/v1/reports/portfolio"): frozenset({A, C}),
    ("GET", "/api/v1/reviews/schedule"): frozenset({A, C, O}),
    ("GET", "/api/v1/rulesets"): frozenset({A, C}),
    ("GET", "/api/v1/rulesets/<ruleset_ref:ref>"): frozenset({A, C}),
    ("POST", "/api/v1/rulesets/impact"): frozenset({C, A}),
    ("GET", "/api/v1/solutions"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/solutions/<int:solution_id>"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/benefit"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/benefit"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/benefit-realisation"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/bundle"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/classifications"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/classifications"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/decisions"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/decisions"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/decommissioning-checklist"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/decommissioning-checklist"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/eu-database"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/evidence"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/evidence"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/goals"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/goals"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/goals/<int:goal_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/solutions/<int:solution_id>/goals/<int:goal_id>"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/goals/<int:goal_id>/measurements"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/goals/<int:goal_id>/measurements"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/incidents"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/incidents"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/oversight"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/oversight"): frozenset({C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/oversight/confirm"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/oversight/history"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/report"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/reviews"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/reviews"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/rollout-plan"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/rollout-plan"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/transitions"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/transitions"): frozenset({C, O}),
    ("GET", "/api/v1/transitions/<int:transition_id>"): frozenset({A, C, O}),
    ("POST", "/api/v1/transitions/<int:transition_id>/approve"): frozenset({C}),
    ("POST", "/api/v1/transitions/<int:transition_id>/reject"): frozenset({C}),
    ("POST", "/api/v1/transitions/<int:transition_id>/withdraw"): frozenset({C, O}),
    ("GET", "/audit"): frozenset({A, C}),
    ("GET", "/audit/checkpoint.json"): frozenset({A, C}),
    ("GET", "/evidence/<int:evidence_id>/file"): frozenset({A, C, O}),
    ("GET", "/incidents"): frozenset({A, C, O}),
    ("GET", "/incidents/<int:incident_id>"): frozenset({A, C, O}),
    ("POST", "/incidents/<int:incident_id>/duties"): frozenset({C, O}),
    ("POST", "/incidents/<int:incident_id>/status"): frozenset({C, O}),
    ("GET", "/incidents/new"): frozenset({C, O}),
    ("POST", "/incidents/new"): frozenset({C, O}),
    ("GET", "/notifications"): ANY,
    ("POST", "/notifications/<int:notification_id>/read"): ANY,
    ("POST", "/notifications/read-all"): ANY,
    ("GET", "/profile"): ANY,
    ("POST", "/profile/tokens"): ANY,
    ("POST", "/profile/tokens/<int:token_id>/revoke"): ANY,
    ("POST", "/profile/password"): ANY,
    ("GET", "/public"): frozenset({P}),
    ("GET", "/public/solutions/<public_id>"): frozenset({P}),
    ("GET", "/public/accessibility"): frozenset({P}),
    ("GET", "/solutions/<int:solution_id>/public-description"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/public-description"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/public-description"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/public-description"): frozenset({C, O}),
    ("GET", "/review"): frozenset({C}),
    ("GET", "/review/classifications/<int:classification_id>"): frozenset({C}),
    ("POST", "/review/classifications/<int:classification_id>"): frozenset({C}),
    ("GET", "/review/transitions/<int:request_id>"): frozenset({C}),
    ("POST", "/review/transitions/<int:request_id>"): frozenset({C}),
    ("GET", "/solutions"): frozenset({A, C, O}),
    ("GET", "/solutions/lookup"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/benefit"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/benefit"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/checklist"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/checklist"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/classifications/<int:classification_id>"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/classifications/<int:classification_id>/submit"): frozenset({O, C}),
    ("GET", "/solutions/<int:solution_id>/classify"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/classify"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/decision"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/decision"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/edit"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/edit"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/evidence/new"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/evidence/new"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/goals"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/goals"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/incidents"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/measurements"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/oversight"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/oversight"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/oversight/confirm"): ANY,
    ("GET", "/solutions/<int:solution_id>/report.pdf"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/bundle.zip"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/rollout-plan"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/rollout-plan"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/transition"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/transition"): frozenset({C, O}),
    ("GET", "/solutions/new"): frozenset({C, O}),
    ("POST", "/solutions/new"): frozenset({C, O}),
    # onboarding (issue 11): spreadsheet import, single sign-on, the register's own personal data
    ("POST", "/api/v1/imports/solutions"): frozenset({C}),
    ("GET", "/api/v1/imports/solutions/template"): frozenset({C, O}),
    ("GET", "/api/v1/privacy/inventory"): frozenset({D}),
    ("GET", "/api/v1/privacy/users/<int:user_id>/export"): frozenset({D}),
    ("GET", "/api/v1/privacy/persons/<int:person_id>/export"): frozenset({D}),
    ("GET", "/imports/solutions"): frozenset({C}),
    ("POST", "/imports/solutions"): frozenset({C}),
    ("GET", "/imports/solutions/template"): frozenset({C, O}),
    ("GET", "/login/oidc"): frozenset({P}),
    ("GET", "/login/oidc/callback"): frozenset({P}),
    ("GET", "/privacy"): frozenset({D}),
    ("GET", "/privacy/users/<int:user_id>/export"): frozenset({D}),
    ("GET", "/privacy/persons/<int:person_id>/export"): frozenset({D}),
    # portfolio steering (issue 10): indicators, portfolio, meeting decisions, trustworthy-AI assessment
    ("GET", "/api/v1/indicators"): ANY,
    ("POST", "/api/v1/indicators"): frozenset({C, D}),
    ("GET", "/api/v1/indicators/<int:indicator_id>"): ANY,
    ("PATCH", "/api/v1/indicators/<int:indicator_id>"): frozenset({C, D}),
    ("GET", "/api/v1/portfolio"): frozenset({A, C, O}),
    ("POST", "/api/v1/portfolio/decisions"): frozenset({C}),
    ("GET", "/api/v1/solutions/<int:solution_id>/trustworthy-assessment"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/trustworthy-assessment"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/trustworthy-assessments"): frozenset({A, C, O}),
    ("GET", "/portfolio"): frozenset({A, C, O}),
    ("GET", "/portfolio/export.csv"): frozenset({A, C, O}),
    ("POST", "/portfolio/decisions"): frozenset({C}),
    ("GET", "/indicators"): ANY,
    ("GET", "/indicators/new"): frozenset({C, D}),
    ("POST", "/indicators/new"): frozenset({C, D}),
    ("GET", "/indicators/<int:indicator_id>/edit"): frozenset({C, D}),
    ("POST", "/indicators/<int:indicator_id>/edit"): frozenset({C, D}),
    ("GET", "/solutions/<int:solution_id>/trustworthy-assessment"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/trustworthy-assessment"): frozenset({C, O}),
    # deployer duties (issue 21): obligations you can close
    ("GET", "/api/v1/obligations"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/obligations"): frozenset({A, C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/obligations/<string:obligation_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/solutions/<int:solution_id>/obligations/<string:obligation_id>"): frozenset({C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/obligations/<string:obligation_id>/confirm"): frozenset({C}),
    ("GET", "/solutions/<int:solution_id>/obligations"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/obligations/<string:obligation_id>"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/obligations/<string:obligation_id>"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/obligations/<string:obligation_id>/confirm"): frozenset({C}),
    # accounts in the web (issue 20)
    ("GET", "/users"): frozenset({D}),
    ("GET", "/users/new"): frozenset({D}),
    ("POST", "/users/new"): frozenset({D}),
    ("GET", "/users/<int:user_id>"): frozenset({D}),
    ("POST", "/users/<int:user_id>/role"): frozenset({D}),
    ("POST", "/users/<int:user_id>/active"): frozenset({D}),
    ("POST", "/users/<int:user_id>/sign-out"): frozenset({D}),
    ("POST", "/users/<int:user_id>/password"): frozenset({D}),
    ("GET", "/password/set/<token>"): frozenset({P}),
    ("POST", "/password/set/<token>"): frozenset({P}),
    # FRIA (Art 27)
    ("GET", "/api/v1/solutions/<int:solution_id>/fria"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/fria"): frozenset({C, O}),
    ("GET", "/api/v1/fria/<int:fria_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/fria/<int:fria_id>"): frozenset({C, O}),
    ("POST", "/api/v1/fria/<int:fria_id>/submit"): frozenset({C, O}),
    ("POST", "/api/v1/fria/<int:fria_id>/approve"): frozenset({C}),
    ("POST", "/api/v1/fria/<int:fria_id>/return"): frozenset({C}),
    ("GET", "/api/v1/fria/<int:fria_id>/notification"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/fria"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/fria/new"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/fria/new"): frozenset({C, O}),
    ("GET", "/fria/<int:fria_id>"): frozenset({A, C, O}),
    ("GET", "/fria/<int:fria_id>/edit"): frozenset({C, O}),
    ("POST", "/fria/<int:fria_id>/edit"): frozenset({C, O}),
    ("POST", "/fria/<int:fria_id>/submit"): frozenset({C, O}),
    ("POST", "/fria/<int:fria_id>/review"): frozenset({C}),
    # deviations any member of staff reports (issue 20)
    ("GET", "/api/v1/deviations"): ANY,
    ("POST", "/api/v1/deviations"): ANY,
    ("GET", "/deviations/new"): REPORTERS,
    ("POST", "/deviations/new"): REPORTERS,
    ("GET", "/deviations"): REPORTERS,
    ("GET", "/deviations/solutions"): REPORTERS,
    ("GET", "/deviations/triage"): frozenset({C}),
    ("GET", "/favicon.ico"): frozenset({P}),
    ("GET", "/solutions/<int:solution_id>/goals/<int:goal_id>/edit"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/goals/<int:goal_id>/edit"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/goals/<int:goal_id>/withdraw"): frozenset({C, O}),
    ("POST", "/deviations/<int:deviation_id>/triage"): frozenset({C}),
    ("GET", "/people/lookup"): frozenset({C, O}),  # co-owner search of the solution form (issue 20)
    # AI literacy (Art 4)
    ("GET", "/api/v1/solutions/<int:solution_id>/literacy-measures"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/literacy-measures"): frozenset({C, O}),
    ("GET", "/api/v1/literacy-measures"): frozenset({A, C, O}),
    ("POST", "/api/v1/literacy-measures"): frozenset({C}),
    ("GET", "/solutions/<int:solution_id>/literacy"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/literacy"): frozenset({A, C, O}),
    ("GET", "/literacy"): frozenset({A, C, O}),
    ("POST", "/literacy"): frozenset({A, C, O}),
    # monitoring in operation and informing (issue 21)
    ("GET", "/api/v1/solutions/<int:solution_id>/monitoring/metrics"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/monitoring/metrics"): frozenset({C, O}),
    ("GET", "/api/v1/monitoring/metrics/<int:metric_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/monitoring/metrics/<int:metric_id>"): frozenset({C, O}),
    ("GET", "/api/v1/monitoring/metrics/<int:metric_id>/values"): frozenset({A, C, O}),
    ("POST", "/api/v1/monitoring/metrics/<int:metric_id>/values"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/monitoring/assessments"): frozenset({A, C, O}),
    # A breach's assessment: the named oversight owner opens and decides it whatever their role (staff too).
    ("GET", "/api/v1/monitoring/assessments"): REPORTERS,
    ("GET", "/api/v1/monitoring/assessments/<int:assessment_id>"): REPORTERS,
    ("POST", "/api/v1/monitoring/assessments/<int:assessment_id>/decision"): REPORTERS,
    ("GET", "/api/v1/solutions/<int:solution_id>/log-retention"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/log-retention"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/informing"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/informing"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/explanation-requests"): frozenset({A, C, O}),
    ("POST", "/api/v1/solutions/<int:solution_id>/explanation-requests"): frozenset({C, O}),
    ("GET", "/api/v1/explanation-requests"): frozenset({A, C, O}),
    ("GET", "/api/v1/explanation-requests/<int:request_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/explanation-requests/<int:request_id>"): frozenset({C, O}),
    # Supplier register (issue 21)
    ("GET", "/api/v1/suppliers"): frozenset({A, C, O}),
    ("POST", "/api/v1/suppliers"): frozenset({C, O}),
    ("GET", "/api/v1/suppliers/<int:supplier_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/suppliers/<int:supplier_id>"): frozenset({C, O}),
    ("POST", "/api/v1/suppliers/<int:supplier_id>/products"): frozenset({C, O}),
    ("GET", "/api/v1/supplier-products/<int:product_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/supplier-products/<int:product_id>"): frozenset({C, O}),
    ("POST", "/api/v1/suppliers/<int:supplier_id>/documents"): frozenset({C, O}),
    ("GET", "/api/v1/supplier-documents"): frozenset({A, C, O}),
    ("GET", "/api/v1/supplier-documents/<int:document_id>"): frozenset({A, C, O}),
    ("PATCH", "/api/v1/supplier-documents/<int:document_id>"): frozenset({C, O}),
    ("GET", "/api/v1/solutions/<int:solution_id>/supplier"): frozenset({A, C, O}),
    ("PUT", "/api/v1/solutions/<int:solution_id>/supplier"): frozenset({C, O}),
    ("GET", "/suppliers"): frozenset({A, C, O}),
    ("GET", "/suppliers/new"): frozenset({C, O}),
    ("POST", "/suppliers/new"): frozenset({C, O}),
    ("GET", "/suppliers/<int:supplier_id>"): frozenset({A, C, O}),
    ("GET", "/suppliers/<int:supplier_id>/edit"): frozenset({C, O}),
    ("POST", "/suppliers/<int:supplier_id>/edit"): frozenset({C, O}),
    ("GET", "/suppliers/<int:supplier_id>/products/new"): frozenset({C, O}),
    ("POST", "/suppliers/<int:supplier_id>/products/new"): frozenset({C, O}),
    ("GET", "/supplier-products/<int:product_id>/edit"): frozenset({C, O}),
    ("POST", "/supplier-products/<int:product_id>/edit"): frozenset({C, O}),
    ("GET", "/suppliers/<int:supplier_id>/documents/new"): frozenset({C, O}),
    ("POST", "/suppliers/<int:supplier_id>/documents/new"): frozenset({C, O}),
    ("GET", "/supplier-documents/<int:document_id>/edit"): frozenset({C, O}),
    ("POST", "/supplier-documents/<int:document_id>/edit"): frozenset({C, O}),
    ("GET", "/solutions/<int:solution_id>/supplier"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/supplier"): frozenset({A, C, O}),
    ("GET", "/solutions/<int:solution_id>/monitoring"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/monitoring/metrics"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/monitoring/values"): frozenset({C, O}),
    ("GET", "/monitoring/metrics/<int:metric_id>/edit"): frozenset({C, O}),
    ("POST", "/monitoring/metrics/<int:metric_id>/edit"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/log-retention"): frozenset({C, O}),
    # (as above: the oversight owner whatever their role; the service shows it to nobody else)
    ("GET", "/monitoring/assessments/<int:assessment_id>"): REPORTERS,
    ("POST", "/monitoring/assessments/<int:assessment_id>"): REPORTERS,
    ("GET", "/solutions/<int:solution_id>/informing"): frozenset({A, C, O}),
    ("POST", "/solutions/<int:solution_id>/informing"): frozenset({C, O}),
    ("POST", "/solutions/<int:solution_id>/explanation-requests"): frozenset({C, O}),
    ("GET", "/explanation-requests/<int:request_id>"): frozenset({A, C, O}),
    ("POST", "/explanation-requests/<int:request_id>"): frozenset({A, C, O}),
}

SKIP_ENDPOINTS = {"static"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def test_every_endpoint_has_an_entry_and_declares_exactly_it(app):
    missing, mismatched = [], []
    with app.test_request_context():
        for method, rule in _routes(app):
            key = (method, rule.rule)
            declared = declared_access(rule.endpoint, method)
            if key not in EXPECTED:
                missing.append(f"{method} {rule.rule} (declares {sorted(declared or [])})")
            elif declared != EXPECTED[key]:
                mismatched.append(f"{method} {rule.rule}: declares {sorted(declared or [])}, "
                                  f"expected {sorted(EXPECTED[key])}")
    assert not missing, "endpoints without an entry in the matrix:\n" + "\n".join(missing)
    assert not mismatched, "\n".join(mismatched)


def test_no_entry_is_stale(app):
    present = {(method, rule.rule) for method, rule in _routes(app)}
    assert not set(EXPECTED) - present


def _url(rule, ids) -> str:
    def value(match):
        converter, name = (match.group(1) or ""), match.group(2)
        if name in ids:
            return str(ids[name])
        if converter.startswith("int"):
            return "999999"
        return {"lang": "en", "filename": "swagger-ui.css"}.get(name, "x")

    return re.sub(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>", value, rule)


@pytest.fixture
def revoked_headers(client, make_user, auth):
    user = make_user("compliance")
    headers = auth(user)
    from ai_register.security import _authenticate_bearer  # noqa: F401 - the path under test
    from ai_register.users.models import ApiToken
    from ai_register.users.services import revoke_token

    for record in db.session.query(ApiToken).filter_by(user_id=user.id):
        revoke_token(record)
    db.session.commit()
    return headers


def test_every_role_against_every_endpoint(app, users, auth, revoked_headers, make_user):
    role_users = {O: users["owner"], C: users["compliance"], A: users["auditor"], D: users["admin"],
                  S: make_user("staff", "staff@region.example")}
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own tests; here the role check is under test
    failures = []
    for method, rule in _routes(app):
        allowed = EXPECTED.get((method, rule.rule))
        if allowed is None:
            continue
        api = rule.rule.startswith("/api/")
        url = _url(rule.rule, {})
        for role, user in [*role_users.items(), ("anonymous", None), ("revoked", None)]:
            client = app.test_client()
            if api:
                headers = auth(user) if user else (revoked_headers if role == "revoked" else {})
            else:
                headers = {}
                if user:
                    with client.session_transaction() as session:
                        session["_user_id"] = user.get_id()  # names the session version
                        session["_fresh"] = True
            if role == "revoked" and not api:
                continue
            response = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
            status = response.status_code
            if P in allowed and role in ("anonymous", "revoked") and not api or P in allowed and role == "anonymous":
                ok = status not in (401, 403)
            elif role in ("anonymous", "revoked"):
                ok = status == 401 if api else (status == 302 and "/login" in response.headers.get("Location", ""))
            elif role in allowed or P in allowed:
                signed_out = (status == 302 and "/login" in response.headers.get("Location", "")
                              and rule.rule != "/logout")
                ok = not signed_out and (status not in (401, 403) or _semantic_refusal(response))
            else:
                ok = status == 403 and (not api or _problem_code(response) == "role")
            if not ok:
                failures.append(f"{method} {url} as {role}: {status}")
            response.close()  # a streamed body unread: end its generator while its request is still the last one
            db.session.rollback()
    assert not failures, "\n".join(failures)


def _problem_code(response) -> str | None:
    return (response.get_json(silent=True) or {}).get("code")


def _semantic_refusal(response) -> bool:
    """An allowed role may still be refused by a domain rule (four eyes, not the person's own record);
    the problem's `code` says which, and it is never `role`."""
    return response.status_code == 403 and _problem_code(response) != "role"
