"""The API under gunicorn, against a bare Flask baseline served the same way on the same database.

Three runs, each by a separate load-client process (bench/load_client.py) on loopback:
  baseline  GET /solutions/{id}               bench/baseline_app.py: one primary-key SELECT → JSON
  detail    GET /api/v1/solutions/{id}        the application, a compliance officer's bearer token
  list      GET /api/v1/solutions?…           filtered (phase, status, care unit), searched (q), paged
Targets (issue 9): detail throughput ≥ 0.5 × baseline; list p95 < 5 × detail p95.

Then the same single read with parts taken out (bench/read_ablation.py), to show what each part of
the read costs: with the token and account cache off, without any token check, without the other
modules' parts, without both.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BenchResult, Check, Figure

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SEARCH_TERMS = ("sepsis", "triage", "röntgen", "journal", "remiss", "tal", "hud", "fall")
CARE_UNITS = ("Akutmottagningen", "Radiologi", "Onkologi", "Kardiologi", "Vårdcentral Norr")
PHASES = ("needs_analysis", "pilot", "rollout", "management")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(module: str, env: dict, workers: int, started: list | None = None):
    """`gunicorn module` on a spare loopback port; stopped (SIGTERM to the process we started) after.
    `started`, when given, receives the master process's id."""
    port = _free_port()
    process = subprocess.Popen([GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                module], cwd=PROJECT_ROOT, env={**os.environ, **env})
    if started is not None:
        started.append(process.pid)
    try:
        deadline = time.monotonic() + 900  # a shared, busy machine (the bench runs under nice) starts slowly
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {module} did not start") from None
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def prime(port: int, paths: list[str], headers: dict, workers: int, rounds: int = 3) -> None:
    """Every worker serves a few requests before the timed run: a worker's first read loads the rule set
    (about a second of CPU, several on a busy machine), which a short warm-up did not always cover (the
    quick run once measured 0 req/s). `workers` requests at once keep every sync worker busy, so each
    round reaches each worker."""
    def get(path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()

    with ThreadPoolExecutor(workers) as pool:
        for round_ in range(rounds):
            list(pool.map(get, [paths[(round_ * workers + i) % len(paths)] for i in range(workers)]))


def load(port: int, paths: list[str], headers: dict, *, concurrency: int, warmup: float, duration: float) -> dict:
    job = {"host": "127.0.0.1", "port": port, "paths": paths, "headers": headers, "concurrency": concurrency,
           "warmup": warmup, "duration": duration}
    done = subprocess.run([sys.executable, "-m", "bench.load_client"], input=json.dumps(job), text=True,
                          capture_output=True, check=True, cwd=PROJECT_ROOT)
    figures = json.loads(done.stdout)
    if figures["ok"] != figures["requests"]:
        raise RuntimeError(f"non-200 answers under load: {figures['statuses']}")
    return figures


def list_paths(rng: random.Random, count: int = 300) -> list[str]:
    paths = []
    for _ in range(count):
        query = {"phase": rng.choice(PHASES), "status": "active", "care_unit": rng.choice(CARE_UNITS),
                 "q": rng.choice(SEARCH_TERMS), "sort": "name", "page": rng.randint(1, 3), "per_page": 20}
        paths.append("/api/v1/solutions?" + urlencode(query))
    return paths


def run(app, db, database_url: str, instance_dir: str, *, workers: int = 4, concurrency: int = 8,
        warmup: float = 3, duration: float = 15) -> tuple[list[BenchResult], dict]:
    from sqlalchemy import func, select

    from ai_register.demo_scale import SCALE_EMAIL
    from ai_register.solutions.models import Solution
    from ai_register.users import services as users

    rng = random.Random(9)
    with app.app_context():
        app.config["JWT_ACCESS_TTL"] = timedelta(hours=2)
        officer = users.find_user_by_email(SCALE_EMAIL.format(role="compliance", n=1))
        token, _ = users.issue_access_token(officer)
        db.session.commit()
        ids = list(db.session.scalars(select(Solution.id).order_by(func.random()).limit(2000)))
    env = {"DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
           "AI_REGISTER_JWT_SECRET": app.config["JWT_SECRET"], "AI_REGISTER_RATELIMIT_ENABLED": "false",
           "AI_REGISTER_INSTANCE_DIR": instance_dir}
    options = {"concurrency": concurrency, "warmup": warmup, "duration": duration}
    bearer = {"Authorization": f"Bearer {token}"}
    with gunicorn("bench.baseline_app:app", env, workers) as port:
        prime(port, [f"/solutions/{i}" for i in ids], {}, workers)
        baseline = load(port, [f"/solutions/{i}" for i in ids], {}, **options)
    detail_paths = [f"/api/v1/solutions/{i}" for i in ids]
    with gunicorn("wsgi:app", env, workers) as port:
        prime(port, detail_paths, bearer, workers)
        detail = load(port, detail_paths, bearer, **options)
        listing = load(port, list_paths(rng), bearer, **options)
    ablation = {}
    for without in ABLATIONS:
        with gunicorn("bench.read_ablation:app", {**env, "BENCH_READ_WITHOUT": without}, workers) as port:
            prime(port, detail_paths, bearer, workers)
            ablation[without] = load(port, detail_paths, bearer, **options)
    raw = {"baseline": baseline, "detail": detail, "list": listing, "ablation": ablation, "workers": workers,
           **options}
    setup = f"gunicorn {workers} sync workers; client: {concurrency} threads, {warmup:g} s warm-up, {duration:g} s"
    share, spread = detail["rps"] / baseline["rps"], listing["p95_ms"] / detail["p95_ms"]
    checks = [
        Check("authenticated single read ≥ 50% of the baseline's throughput",
              f"{share:.0%} ({detail['rps']:,.0f} vs {baseline['rps']:,.0f} req/s)", share >= 0.5),
        Check("p95 of a filtered, paged, searched list < 5× a single read",
              f"{spread:.1f}× ({listing['p95_ms']:,.0f} vs {detail['p95_ms']:,.0f} ms)", spread < 5),
    ]
    result = BenchResult(
        checks=checks,
        title="API under gunicorn (PostgreSQL)",
        target="detail ≥ 0.5 × baseline req/s; list p95 < 5 × detail p95",
        figures=[
            Figure("baseline GET /solutions/{id} (bare Flask, 1 PK SELECT)", baseline["rps"], "req/s", note=setup),
            Figure("GET /api/v1/solutions/{id} (authenticated)", detail["rps"], "req/s", baseline["rps"],
                   "ratio = share of baseline throughput"),
            Figure("  detail p50", detail["p50_ms"], "ms", baseline["p50_ms"], "baseline p50"),
            Figure("  detail p95", detail["p95_ms"], "ms", baseline["p95_ms"], "baseline p95"),
            Figure("  detail p99", detail["p99_ms"], "ms", baseline["p99_ms"], "baseline p99"),
            Figure("GET /api/v1/solutions (filtered, searched, paged)", listing["rps"], "req/s", baseline["rps"],
                   "phase+status+care_unit+q, per_page=20, pages 1–3"),
            Figure("  list p50", listing["p50_ms"], "ms", detail["p50_ms"], "vs detail p50"),
            Figure("  list p95", listing["p95_ms"], "ms", detail["p95_ms"], "vs detail p95 (target < 5)"),
            Figure("  list p99", listing["p99_ms"], "ms", detail["p99_ms"], "vs detail p99"),
        ],
    )
    return [result, ablation_result(baseline, detail, ablation)], raw


ABLATIONS = {
    "cache": "without the token cache (token and account read from the database on every request)",
    "token": "without any token check (each worker trusts its first token; no JWT decoding)",
    "orm": "read through the ORM (the same statement's records as ORM objects, as before session 6)",
    "modules": "without the other modules' parts (classification, oversight, pending transition): the solution "
               "and its owners through the ORM",
    "token,modules": "without both: the solution and its owners through the ORM, no token check",
}


def ablation_result(baseline: dict, detail: dict, ablation: dict) -> BenchResult:
    """What the parts of the single read cost: the same read with parts taken out, against the baseline.
    Diagnostic (no target): it shows how far from the target a read that does less would be."""
    figures = [Figure("GET /api/v1/solutions/{id}, the whole read", detail["rps"], "req/s", baseline["rps"],
                      "as above")]
    figures += [Figure(f"  {label}", ablation[without]["rps"], "req/s", baseline["rps"],
                       "not a product configuration: bench/read_ablation.py")
                for without, label in ABLATIONS.items()]
    return BenchResult(
        title="Single read with parts taken out (diagnostic)",
        target="none; ratio = share of the baseline's throughput, as for the single read's target",
        figures=figures,
    )
