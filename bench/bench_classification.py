"""Re-classifying every stored answer set (the rule-set impact run, `classification.services.impact`):
classifications per second, beside the pure rules engine over the same answers in memory."""

from __future__ import annotations

from sqlalchemy import select

from bench.common import BenchResult, Figure, timed


def run(app, db) -> BenchResult:
    from ai_register.classification import services as classification_services
    from ai_register.classification.models import Classification
    from ai_register.rules.evaluator import classify

    with app.app_context():
        ruleset = classification_services.active_ruleset()
        answers = list(db.session.scalars(select(Classification.answers)))

        def engine_only() -> None:
            for answer_set in answers:
                classify(answer_set, ruleset)

        engine_only()  # warm the engine's memo caches, so both timed runs start alike
        impact_seconds, report = timed(lambda: classification_services.impact(ruleset))
        engine_seconds, _ = timed(engine_only)
        db.session.rollback()
    checked = report["checked"]
    return BenchResult(
        title=f"Re-classification of {checked:,} stored answer sets",
        target="classifications per second (impact run reads, re-runs and compares every stored result)",
        figures=[
            Figure("impact run (read from DB, validate, classify, compare)", checked / impact_seconds,
                   "classifications/s", len(answers) / engine_seconds,
                   f"{impact_seconds:.1f} s; baseline: rules engine alone, same answers in memory; "
                   f"{len(report['changed'])} results changed"),
        ],
    )
