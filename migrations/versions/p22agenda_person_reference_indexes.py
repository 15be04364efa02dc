"""an index on every column that names a person

The personal-data inventory counts the people each such column names by walking its index, and a
person's Art 15 export finds their rows by it (ai_register/onboarding/privacy.py); without an index
each was a scan of the whole table (docs/performance.md, "Privacy pages").

Revision ID: 2a9e0da00002
Revises: 2a9e0da00001
Create Date: 2026-12-07 00:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "2a9e0da00002"
down_revision = "2a9e0da00001"
branch_labels = None
depends_on = None

# (table, column): the index is ix_<table>_<column>, as the models' naming convention names it.
COLUMNS = (
    ("api_tokens", "revoked_by_id"),
    ("benefit_estimates", "created_by_id"),
    ("benefit_estimates", "updated_by_id"),
    ("classification_answer_drafts", "updated_by_id"),
    ("classifications", "answered_by_id"),
    ("classifications", "reviewed_by_id"),
    ("classifications", "submitted_by_id"),
    ("decisions", "decided_by_id"),
    ("decommissioning_items", "done_by_id"),
    ("deviations", "triaged_by_id"),
    ("evidence", "created_by_id"),
    ("explanation_requests", "answered_by_id"),
    ("explanation_requests", "recorded_by_id"),
    ("fria_assessments", "created_by_id"),
    ("fria_assessments", "reviewed_by_id"),
    ("fria_assessments", "submitted_by_id"),
    ("goal_measurements", "recorded_by_id"),
    ("goals", "created_by_id"),
    ("goals", "withdrawn_by_id"),
    ("incident_duties", "done_by_id"),
    ("incidents", "reported_by_id"),
    ("informing_records", "recorded_by_id"),
    ("literacy_measures", "created_by_id"),
    ("log_retention_records", "recorded_by_id"),
    ("monitoring_assessments", "decided_by_id"),
    ("monitoring_metrics", "created_by_id"),
    ("monitoring_values", "reported_by_id"),
    ("oversight_assignments", "confirmed_by_id"),
    ("oversight_assignments", "created_by_id"),
    ("oversight_assignments", "deputy_person_id"),
    ("oversight_assignments", "deputy_user_id"),
    ("oversight_assignments", "ended_by_id"),
    ("oversight_assignments", "person_id"),
    ("persons", "created_by_id"),
    ("public_descriptions", "updated_by_id"),
    ("reviews", "reviewed_by_id"),
    ("ruleset_impact_runs", "applied_by_id"),
    ("solution_obligations", "confirmed_by_id"),
    ("solution_obligations", "status_set_by_id"),
    ("solution_supplier_products", "linked_by_id"),
    ("solutions", "created_by_id"),
    ("supplier_documents", "created_by_id"),
    ("supplier_products", "created_by_id"),
    ("suppliers", "created_by_id"),
    ("transition_requests", "decided_by_id"),
    ("transition_requests", "requested_by_id"),
    ("trustworthy_assessments", "assessed_by_id"),
)


def upgrade():
    for table, column in COLUMNS:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade():
    for table, column in reversed(COLUMNS):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
