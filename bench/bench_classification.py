"""Re-classifying every stored answer set (the rule-set impact run, `classification.impact.impact`):
classifications per second, beside the pure rules engine over the same answers in memory.

Three registers, each compared with the engine on its own answer sets:

- the register as loaded (the scale demo: every answer set differs from the others);
- a demo-like mix: most solutions share a few answer sets, as the demo region's solutions share
  its profiles (minimal risk, a class IIb device, a chatbot …); each version takes one of a pool of
  answer sets (the demo's profiles and 1% of the register's own), a few of them common;
- the worst case: every stored answer set and result differs (each stored result gets an id of its
  own, so the run can remember nothing).

The mix and the worst case are written over the stored rows inside a transaction that is rolled back.
Each time is the best of `REPEATS` runs, the engine and the impact run taking turns, because the
machine is shared: the best run is the one least disturbed by other work.
"""

from __future__ import annotations

import json
import random

from sqlalchemy import bindparam, select, update

from bench.common import BenchResult, Check, Figure, timed

REPEATS = 2
BATCH = 5000
# The tables whose every row the mixes below update (and roll back): bench/__main__.py vacuums them afterwards.
TOUCHED = ("classifications",)


def run(app, db) -> BenchResult:
    from ai_register.classification import impact as classification_impact
    from ai_register.classification.models import Classification
    from ai_register.classification.rulesets import active_ruleset

    table = Classification.__table__
    with app.app_context():
        ruleset = active_ruleset()
        answers = list(db.session.scalars(select(table.c.answers).order_by(table.c.id)))
        register = _measure(lambda: classification_impact.impact(ruleset), answers, ruleset)

        pool_size, mix = _write_demo_like_mix(db, table, ruleset, len(answers))
        mixed = _measure(lambda: classification_impact.impact(ruleset), mix, ruleset)
        db.session.rollback()

        for start in range(0, len(answers), BATCH):
            rows = db.session.execute(select(table.c.id, table.c.result)
                                      .order_by(table.c.id).offset(start).limit(BATCH)).all()
            db.session.execute(update(table).where(table.c.id == bindparam("cid"))
                               .values(result=bindparam("nonced")),
                               [{"cid": cid, "nonced": {**result, "bench_nonce": cid}} for cid, result in rows])
        worst = _measure(lambda: classification_impact.impact(ruleset), answers, ruleset)
        db.session.rollback()

    checked = register["report"]["checked"]
    distinct = len({json.dumps(a, sort_keys=True) for a in answers})
    mix_distinct = len({json.dumps(a, sort_keys=True) for a in mix})
    cases = (
        ("the register as loaded", register,
         f"{distinct:,} distinct answer sets"),
        ("a demo-like mix", mixed,
         f"{mix_distinct:,} distinct answer sets (pool of {pool_size:,}: the demo's profiles and 1% of the "
         f"register's own; the most common one on {_most_common_share(mix):.0%} of the versions)"),
        ("every stored set differs (worst case)", worst,
         "every stored result differs, so the run remembers nothing"),
    )
    figures, checks = [], []
    for name, measured, note in cases:
        rate = measured["report"]["checked"] / measured["impact"]
        engine_rate = len(measured["answers"]) / measured["engine"]
        figures.append(Figure(
            f"impact run, {name} (read from DB, validate, classify, compare)", rate, "classifications/s",
            engine_rate,
            f"{measured['impact']:.1f} s; {note}; baseline: the rules engine alone on the same answer sets "
            f"in memory; best of {REPEATS}; {len(measured['report']['changed'])} results changed"))
        ratio = rate / engine_rate
        checks.append(Check(f"impact run ≥ 0.5 × the rules engine alone, {name}", f"{ratio:.2f}", ratio >= 0.5))
    return BenchResult(
        title=f"Re-classification of {checked:,} stored answer sets",
        target="impact run ≥ 0.5 × the rules engine alone (classifications per second) on the register as "
               "loaded, a demo-like mix of shared answer sets, and a worst case where every stored set differs",
        figures=figures,
        checks=checks,
    )


def _measure(run_impact, answers: list[dict], ruleset) -> dict:
    """Best of `REPEATS` timed runs of the engine alone (on `answers` in memory) and of the impact run."""
    from ai_register.rules.evaluator import classify

    def engine_only() -> None:
        for answer_set in answers:
            classify(answer_set, ruleset)

    engine_only()  # warm the engine's memo caches, so both timed runs start alike
    engine_times, impact_times, report = [], [], None
    for _ in range(REPEATS):
        engine_times.append(timed(engine_only)[0])
        seconds, report = timed(run_impact)
        impact_times.append(seconds)
    return {"engine": min(engine_times), "impact": min(impact_times), "report": report, "answers": answers}


def _write_demo_like_mix(db, table, ruleset, count: int) -> tuple[int, list[dict]]:
    """Give every stored version one of a pool of answer sets (with the engine's result for it): the
    demo region's profiles first, then 1% of the register's own sets, drawn with weight 1/rank so a
    few are common. Returns the pool's size and the versions' answer sets in id order."""
    from ai_register import demo_region
    from ai_register.rules.evaluator import classify

    profiles = [demo_region.MINIMAL, demo_region.DEVICE_IIB, demo_region.CHATBOT, demo_region.DEVICE_III,
                demo_region.GENERATIVE, demo_region.SCHEDULING, demo_region.EMERGENCY_TRIAGE]
    own = db.session.execute(select(table.c.answers, table.c.result).order_by(table.c.id)
                             .limit(max(count // 100, 1))).all()
    pool = [(profile, classify(profile, ruleset)) for profile in profiles] + [tuple(row) for row in own]
    rng = random.Random(22)
    weights = [1 / rank for rank in range(1, len(pool) + 1)]
    mix: list[dict] = []
    for start in range(0, count, BATCH):
        ids = list(db.session.scalars(select(table.c.id).order_by(table.c.id).offset(start).limit(BATCH)))
        chosen = rng.choices(pool, weights=weights, k=len(ids))
        db.session.execute(update(table).where(table.c.id == bindparam("cid"))
                           .values(answers=bindparam("mixed_answers"), result=bindparam("mixed_result")),
                           [{"cid": cid, "mixed_answers": answers, "mixed_result": result}
                            for cid, (answers, result) in zip(ids, chosen, strict=True)])
        mix += [answers for answers, _result in chosen]
    return len(pool), mix


def _most_common_share(mix: list[dict]) -> float:
    counts: dict[str, int] = {}
    for answers in mix:
        key = json.dumps(answers, sort_keys=True)
        counts[key] = counts.get(key, 0) + 1
    return max(counts.values()) / len(mix) if mix else 0.0
