"""Rules engine: the rule set in risk_rules/ as data, and a pure evaluator of the classification
contract (shared/classification-contract.md). No Flask and no database here, except cli.py.

The map (import each name from the module that owns it; this package re-exports nothing):
- `loader.py`: read the rule files, check them against their shapes, build, hash and snapshot the rule set
  (`load_ruleset`, `load_ruleset_from_snapshot`, `get_active_ruleset`, `DEFAULT_RULES_DIR`);
- `shapes.py`: the declared shapes of `ruleset.yaml` and a rule file, and the checker;
- `builder.py`: what relates the entries of the files (ids, sections, questions, acts, device tables);
- `ruleset.py`: the frozen rule set (`RuleSet`, `Question`, `Rule`, …) and `RuleSetError`;
- `conditions.py`: the conditions' small language, compiled;
- `evaluator.py`: `classify`, `validate_answers`, `AnswerError`, `InvalidAnswers`;
- `questionnaire.py`: the questions a form shows (`questionnaire_for`, `relevant_questions`);
- `contract.py`: the classification contract's codes;
- `citations.py`: legal citations in the reader's language;
- `cli.py`: the `flask rules` commands.
"""
