"""`make bench` (`python -m bench`): every benchmark of issue 9 in one run, each figure beside a
baseline measured in the same run, written to bench/RESULTS.md.

    python -m bench                   100,000 solutions, 1,000,000 audit events (the issue's size)
    python -m bench --scale 20000     a smaller register
    python -m bench --quick           2,000 solutions, short load runs; prints, does not write RESULTS.md

PostgreSQL: BENCH_DATABASE_URL names a database that the run EMPTIES (schema `public` is dropped);
without it the run starts a throwaway cluster of its own with scripts/with-postgres.sh.
Not part of CI (.ci/run): it takes minutes and wants a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BenchResult, Check, Figure, render_markdown

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "RESULTS.md"
BENCHMARKS = ("api", "pages", "classify", "chain", "pdf")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for trying; RESULTS.md is not written")
    parser.add_argument("--scale", type=int, help="solutions to load (10 audit events each); default 100000")
    parser.add_argument("--duration", type=float, help="seconds of load per API run (default 15; quick 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--concurrency", type=int, default=8, help="load-client threads (default 8)")
    parser.add_argument("--pdf-events", type=int, default=1000, help="audit events of the PDF report's solution")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {BENCHMARKS}")
    parser.add_argument("--output", type=Path, help="write the table here (default bench/RESULTS.md unless --quick)")
    args = parser.parse_args(argv)
    args.scale = args.scale or (2000 if args.quick else 100_000)
    args.duration = args.duration or (4 if args.quick else 15)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return args


def _database_url() -> str | None:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("_BENCH_THROWAWAY") and os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    return None


def _create_app(database_url: str, instance_dir: str):
    from ai_register import create_app

    secret = "bench-secret-" + "x" * 40
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret, "JWT_SECRET": secret,
                       "RATELIMIT_ENABLED": False, **instance_paths(instance_dir)})


def instance_paths(instance_dir: str) -> dict:
    """Every setting the application keeps under its instance directory (uploads, signed checkpoints,
    the signing key, candidate rule sets …), as the gunicorn workers and `flask demo load` find them:
    they are given AI_REGISTER_INSTANCE_DIR alone. The in-process application that writes the crawl's
    records (an evidence file, a checkpoint) must write where the served one reads; setting INSTANCE_DIR
    alone left UPLOAD_DIR and CHECKPOINT_DIR in the checkout's instance/, and the crawl got 404."""
    from ai_register.config import from_environment

    settings = from_environment({"AI_REGISTER_INSTANCE_DIR": instance_dir})
    return {key: value for key, value in settings.items()
            if isinstance(value, str) and (value == instance_dir or value.startswith(instance_dir + os.sep))}


def _fresh_schema(app) -> None:
    from flask_migrate import stamp
    from sqlalchemy import text

    from ai_register.extensions import db
    from ai_register.health import MIGRATIONS_DIR

    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        # As a reader who makes the schema with create_all would: mark it as at the migrations' head, so
        # /readyz (which compares the two) answers 200.
        stamp(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()


def _load(database_url: str, instance_dir: str, scale: int) -> tuple[BenchResult, float]:
    """`flask demo load --scale N`, the command a reader would run, timed from outside."""
    env = {**os.environ, "DATABASE_URL": database_url, "AI_REGISTER_INSTANCE_DIR": instance_dir}
    command = [str(Path(sys.executable).parent / "flask"), "--app", "ai_register", "demo", "load",
               "--scale", str(scale)]
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return BenchResult(
        checks=[Check(f"{scale:,} solutions + {scale * 10:,} chained events load in minutes, not hours",
                      f"{seconds:,.0f} s", seconds < 3600)],
        title=f"Bulk load: `flask demo load --scale {scale}`",
        target="minutes, not hours (COPY through psycopg, hash chain computed in Python in order)",
        figures=[Figure("solutions + classifications + chained events", scale * 10 / seconds, "events/s",
                        note=f"{scale:,} solutions and {scale * 10:,} audit events in {seconds:.0f} s "
                             "(includes classifying every answer set)")],
    ), seconds


def _load_demo_region(database_url: str, instance_dir: str) -> None:
    """`flask demo load` on top: the demo region's few solutions with records of every module (goals,
    evidence, incidents, suppliers …), so the page crawl reads every kind of page with a real record."""
    env = {**os.environ, "DATABASE_URL": database_url, "AI_REGISTER_INSTANCE_DIR": instance_dir}
    command = [str(Path(sys.executable).parent / "flask"), "--app", "ai_register", "demo", "load"]
    subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    database_url = _database_url()
    if database_url is None:
        script = PROJECT_ROOT / "scripts" / "with-postgres.sh"
        os.environ["_BENCH_THROWAWAY"] = "1"
        os.execv(str(script), [str(script), sys.executable, "-m", "bench", *argv])
    from ai_register.config import _normalise_database_url
    from ai_register.extensions import db

    database_url = _normalise_database_url(database_url)
    os.environ["BENCH_DATABASE_URL"] = database_url  # the PDF benchmark reads it
    started = datetime.now(UTC)
    results: list[BenchResult] = []
    notes = [f"Register: {args.scale:,} solutions (one classified answer set each) and {args.scale * 10:,} "
             "chained audit events, and the demo region on top (`flask demo load`: a few solutions with records "
             "of every module, for the page crawl), vacuumed and analysed after the load, PostgreSQL "
             f"{_server_version(database_url)} on loopback (throwaway cluster: fsync off)",
             "Load client and server share the machine's cores; every ratio compares runs made the same way.",
             f"Load average when the run started: {os.getloadavg()[0]:.1f} (other work on the machine makes "
             "figures noisy; re-run on a quiet machine for publication)"]
    with tempfile.TemporaryDirectory() as instance_dir:
        app = _create_app(database_url, instance_dir)
        _fresh_schema(app)
        print(f"loading {args.scale:,} solutions …", flush=True)
        load_result, _ = _load(database_url, instance_dir, args.scale)
        results.append(load_result)
        _load_demo_region(database_url, instance_dir)
        _vacuum(database_url)
        if "chain" in args.only:
            from bench import bench_audit_chain

            print("audit chain …", flush=True)
            results.append(bench_audit_chain.run(app, db))
        if "classify" in args.only:
            from bench import bench_classification

            print("re-classification …", flush=True)
            results.append(_guarded("Re-classification", lambda: bench_classification.run(app, db)))
            # Its mixes are written over every classification and rolled back: vacuum them away, as autovacuum
            # would on a running register, so the benchmarks after it do not measure the bench's own dead rows.
            _vacuum(database_url, tables=bench_classification.TOUCHED)
            notes.append(f"After the re-classification benchmark (its rolled-back updates of every classification) "
                         f"`VACUUM ANALYZE {', '.join(bench_classification.TOUCHED)}`, as autovacuum would on a "
                         "running register, so the API and page benchmarks do not read the bench's own dead rows")
        if "api" in args.only:
            from bench import bench_api

            print("API under gunicorn …", flush=True)
            try:
                api_results, _raw = bench_api.run(app, db, database_url, instance_dir, workers=args.workers,
                                                 concurrency=args.concurrency, duration=args.duration,
                                                 warmup=1 if args.quick else 3)
            except Exception as exc:  # noqa: BLE001 - one benchmark must not lose a long run
                api_results = [_guarded("API under gunicorn", lambda exc=exc: _raise(exc))]
            results.extend(api_results)
        if "pages" in args.only:
            from bench import bench_pages

            print("page crawl …", flush=True)
            results.append(_guarded("Page crawl", lambda: bench_pages.run(app, db, database_url, instance_dir)))
        with app.app_context():
            db.engine.dispose()
        if "pdf" in args.only:
            from bench import bench_report_pdf

            print("PDF report …", flush=True)
            results.append(bench_report_pdf.bench_result(bench_report_pdf.run(args.pdf_events)))
    elapsed = (datetime.now(UTC) - started).total_seconds()
    notes.append(f"Whole run: {elapsed / 60:.1f} min")
    command = "make bench" if not argv else "python -m bench " + " ".join(argv)
    table = render_markdown(results, command, started.strftime("%Y-%m-%d %H:%M UTC"), notes)
    print(table)
    output = args.output or (None if args.quick else RESULTS)
    if output:
        output.write_text(table, encoding="utf-8")
        print(f"written to {output}")
    return 0


def _vacuum(database_url: str, tables: tuple[str, ...] = ()) -> None:
    """`VACUUM ANALYZE` (of `tables`; none named: of the whole database) after the load, as autovacuum does on a
    register that has run for a while: a freshly bulk-loaded table has no visibility map yet (`relallvisible =
    0`), so no index-only scan happens and the figures would depend on whether autovacuum woke up between the
    load and the measurement. The same after a benchmark that updated a whole table and rolled back: its dead
    row versions clear the visibility map's pages until vacuum."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("VACUUM ANALYZE " + ", ".join(f'"{t}"' for t in tables)))
    finally:
        engine.dispose()


def _guarded(title: str, run) -> BenchResult:
    """A benchmark that fails is reported as failed; the others' figures are kept."""
    import traceback

    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - one benchmark must not lose a long run
        traceback.print_exc()
        return BenchResult(title=f"{title}: FAILED", target=f"the benchmark raised {type(exc).__name__}: {exc}")


def _raise(exc: Exception):
    raise exc


def _server_version(database_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar().split()[0]
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
