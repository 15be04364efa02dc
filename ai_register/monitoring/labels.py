"""Monitoring's and informing's codes as words (a metric's kind, direction and frequency, a breach, an
assessment's status, whom a record informs, the MBL negotiation's outcome, how an explanation was asked for);
and what its records read as in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.formats import lookup
from ai_register.monitoring import rules

KIND_LABELS = {
    "sensitivity": _l("Sensitivity"), "positive_predictive_value": _l("Positive predictive value"),
    "alert_rate": _l("Alert rate"), "override_rate": _l("Override rate"),
    "changed_share": _l("Share of cases a person changed"), "other": _l("Other"),
}
DIRECTION_LABELS = {"higher_is_better": _l("Higher is better (a lower threshold)"),
                    "lower_is_better": _l("Lower is better (an upper threshold)"),
                    "within_range": _l("Within a range (both thresholds)")}
FREQUENCY_LABELS = {"weekly": _l("Weekly"), "monthly": _l("Monthly"), "quarterly": _l("Quarterly"),
                    "yearly": _l("Yearly")}
BREACH_LABELS = {rules.BELOW: _l("below the lower threshold"), rules.ABOVE: _l("above the upper threshold")}
ASSESSMENT_LABELS = {rules.OPEN: _l("Awaiting the oversight owner"), rules.INCIDENT: _l("Incident"),
                     rules.NOT_INCIDENT: _l("Not an incident")}
INFORMING_LABELS = {rules.WORKERS: _l("Workers and their representatives (Art 26(7))"),
                    rules.AFFECTED_PERSONS: _l("Persons subject to decisions (Art 26(11))"),
                    rules.EXPLANATION_PROCEDURE: _l("How to ask for an explanation (Art 86)")}
MBL_LABELS = {"agreed": _l("Agreement"), "not_agreed": _l("No agreement (the employer decides)"),
              "information_only": _l("Information only (MBL 19 §), no negotiation asked for")}
CHANNEL_LABELS = {"letter": _l("Letter"), "email": _l("E-mail"), "digital_service": _l("Digital service (1177)"),
                  "phone": _l("Phone"), "in_person": _l("In person"), "other": _l("Other")}
HARM_LABELS = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Don't know")}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"monitoring_metric": _l("Monitoring metric"), "monitoring_value": _l("Monitoring value"),
                "monitoring_assessment": _l("Breach assessment"), "log_retention": _l("Log retention"),
                "informing_record": _l("Informing record"), "explanation_request": _l("Explanation request")}
NOTIFICATION_KINDS = {"monitoring_breach": _l("breach to assess"),
                      "monitoring_assessment_overdue": _l("breach assessment overdue"),
                      "explanation_request_due": _l("request for an explanation due"),
                      "explanation_request_overdue": _l("request for an explanation overdue")}
AUDIT_ACTIONS = {"decide": _l("Decided"), "answer": _l("Answered")}
RECORD_FIELDS = {
    "metric_id": _l("Metric"), "period_end": _l("Period ending"), "lower_threshold": _l("Lower threshold"),
    "upper_threshold": _l("Upper threshold"), "breach": _l("Outside the thresholds"), "direction": _l("Direction"),
    "frequency": _l("Reported"), "assignee_id": _l("Oversight owner"), "due_on": _l("Decide by"),
    "decided_by_id": _l("Decided by"), "decided_at": _l("Decided"), "deviation_id": _l("Deviation"),
    "retention_months": _l("Kept for (months)"), "legal_basis": _l("Legal basis for a shorter period"),
    "informed_on": _l("When"), "audience": _l("Informed"), "how": _l("How"),
    "negotiated_on": _l("Negotiated on (MBL)"), "negotiation_parties": _l("Parties"),
    "negotiation_outcome": _l("Outcome"), "received_on": _l("Received on"), "channel": _l("Channel"),
    "answered_on": _l("Answered on"), "answered_by_id": _l("Answered by"),
    "answer_summary": _l("What was explained"),
    "value_id": _l("Reported value"), "opened_at": _l("Opened at"), "system": _l("System"),
    "location": _l("Where the logs live"), "negotiation_note": _l("Minutes, in short"),
    "stated_value": _l("The provider's stated value"), "stated_document_id": _l("Stated in"),
    "stated_reference": _l("Where in the instructions"),
}
RECORD_VALUES = {
    ("monitoring_metric", "kind"): lambda code: lookup(KIND_LABELS, code),
    ("monitoring_metric", "direction"): lambda code: lookup(DIRECTION_LABELS, code),
    ("monitoring_metric", "frequency"): lambda code: lookup(FREQUENCY_LABELS, code),
    ("monitoring_value", "breach"): lambda code: lookup(BREACH_LABELS, code),
    ("monitoring_assessment", "status"): lambda code: lookup(ASSESSMENT_LABELS, code),
    ("informing_record", "kind"): lambda code: lookup(INFORMING_LABELS, code),
    ("informing_record", "negotiation_outcome"): lambda code: lookup(MBL_LABELS, code),
    ("explanation_request", "channel"): lambda code: lookup(CHANNEL_LABELS, code),
}
