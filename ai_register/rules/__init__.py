"""Rules engine: the rule set in risk_rules/ as data, and a pure evaluator of the classification
contract (shared/classification-contract.md). No Flask and no database here, except cli.py."""

from ai_register.rules.evaluator import AnswerError, InvalidAnswers, classify, validate_answers
from ai_register.rules.loader import (
    DEFAULT_RULES_DIR,
    RuleSet,
    RuleSetError,
    get_active_ruleset,
    load_ruleset,
    load_ruleset_from_snapshot,
)
from ai_register.rules.questionnaire import questionnaire_for, relevant_questions

__all__ = [
    "DEFAULT_RULES_DIR",
    "AnswerError",
    "InvalidAnswers",
    "RuleSet",
    "RuleSetError",
    "classify",
    "get_active_ruleset",
    "load_ruleset",
    "load_ruleset_from_snapshot",
    "questionnaire_for",
    "relevant_questions",
    "validate_answers",
]
