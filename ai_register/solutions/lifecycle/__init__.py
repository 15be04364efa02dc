"""The lifecycle of an AI solution, pure: phases, allowed moves, follow-up decisions and gates.

No Flask, no database. The service layer reads the solution's records, fills a `GateFacts`
snapshot with plain values and asks `evaluate_transition` (move + gate) or `plan_decision`.
Everything here is a table; the functions only walk the tables. One module per job; import a
name from the module that owns it (this package re-exports nothing):

  labels          catalog messages (`N_`, `Label`) and `BASIS_SEPARATOR`
  unmet           `Unmet`, one condition that keeps a move or a gate closed
  phases          `Phase`, `Status`, their order and labels; the moves table (`MOVES`, `allowed_targets`,
                  `check_move`, `requires_approval`, `status_after_move`)
  decisions       `DecisionKind`, the decisions table, `plan_decision`, `allowed_decisions`
  facts           what the gates read: `GateFacts` and its parts (`ClassificationFact`, `EvidenceFact`, …),
                  `EvidenceType`, `DECOMMISSIONING_CHECKLIST`, `InvalidClassification`, `GateSettings`
  evidence_table  DOMAIN.md's high-risk evidence table and `required_evidence`
  gates           one check per condition, `GATES`, `prohibited_block`, `check_gate`, `evaluate_transition`

DOMAIN.md, "Lifecycle": "one step forward along the list; from any phase before
`decommissioning` to `decommissioning`; no skipping, no going back ... While `paused`, only
`resume` and `terminate` are possible. Transitions into `pilot` and `rollout` are requested ...
and take effect when a compliance officer approves them." And "Gates": "a transition is refused,
with every unmet condition listed, until they hold".

Unmet codes (stable, for API clients and tests):
  moves      move_same_phase, move_backwards, move_skips_phase, move_retired_terminal, move_paused
  pilot      need_statement_missing, goal_missing, goal_incomplete, benefit_estimate_missing,
             classification_not_valid, classification_needs_review, oversight_owner_missing,
             dpia_missing, trustworthy_assessment_missing, trustworthy_assessment_incomplete,
             evidence_missing:declaration_of_conformity, evidence_missing:notified_body_certificate
             (a medical device not made in-house)
  rollout    evidence_missing:pilot_evaluation, goal_missing, goal_measurement_missing,
             classification_not_valid, classification_needs_review, classification_role_missing,
             oversight_owner_missing, oversight_confirmation_missing, oversight_confirmation_expired,
             evidence_missing:<evidence type> (high-risk table),
             evidence_missing:fallback_routine, evidence_missing:recovery_plan, recovery_plan_test_missing
             (critical for patient care)
             policy_literacy_missing (region policy, high-risk: AI literacy reaching every rollout unit)
  management rollout_plan_missing, rollout_unit_not_started, review_schedule_missing
  decommissioning  decommission_rationale_missing
  retired    checklist_item_open:<checklist key>
  any but the exit phases  classification_prohibited
"""

