"""The page crawl: every page and read endpoint each role reaches, as people feel it.

The application under gunicorn (as bench_api), requests one at a time: per page one warm-up, then
the median of five (of one, when a page takes longer than SLOW seconds), each as a ratio to the
single read `GET /api/v1/solutions/{id}` measured the same way in the same run. Web pages are read
signed in through the login form (a real session); API endpoints with a bearer token.

Target (issue 22): every page ≤ 10× the single read. Bulk work (CSV and JSON exports, chain
verification) is measured apart, in rows per second, and has no ratio target.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.common import BenchResult, Check, Figure

RATIO_TARGET = 10
SLOW = 5.0
TIMEOUT = 600
PASSWORD = "bench-crawl-password-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Page:
    role: str
    path: str
    api: bool = False
    bulk: str | None = None  # what one row is, for bulk work measured in rows/s


def pages(solution_id: int, name: str, events: int) -> list[Page]:
    q = urllib.parse.quote(name.split()[0])
    crawl = [
        Page("compliance", "/"), Page("owner", "/"), Page("auditor", "/"),
        Page("compliance", "/solutions"), Page("compliance", f"/solutions?q={q}"),
        Page("compliance", "/solutions?sort=-next_review_on&page=2000"), Page("owner", "/solutions"),
        Page("compliance", f"/solutions/{solution_id}"),
        Page("compliance", f"/solutions/lookup?q={q}"), Page("owner", f"/solutions/lookup?q={q}&write=1"),
        Page("compliance", "/incidents/new"), Page("owner", "/incidents/new"), Page("compliance", "/incidents"),
        Page("compliance", "/review"), Page("compliance", "/notifications"),
        Page("auditor", "/audit"), Page("auditor", f"/audit?solution_id={solution_id}"),
        Page("auditor", "/audit?action=update"),
        Page("compliance", "/portfolio"), Page("compliance", "/portfolio?page=50"), Page("owner", "/portfolio"),
        Page("anonymous", "/public"),
        Page("compliance", "/api/v1/solutions?per_page=20", api=True),
        Page("owner", "/api/v1/solutions?per_page=20", api=True),
        Page("compliance", "/api/v1/follow-up", api=True), Page("owner", "/api/v1/follow-up", api=True),
        Page("compliance", "/api/v1/reviews/schedule", api=True),
        Page("compliance", "/api/v1/incidents", api=True),
        Page("compliance", "/api/v1/portfolio?per_page=20", api=True),
        Page("compliance", "/api/v1/portfolio?per_page=20&page=50", api=True),
        Page("auditor", "/api/v1/audit/events?per_page=50", api=True),
        Page("auditor", f"/api/v1/audit/events?per_page=50&page={max(1, events // 50 - 1)}", api=True),
        Page("auditor", f"/api/v1/audit/events?per_page=50&solution_id={solution_id}", api=True),
        Page("anonymous", "/api/v1/public/solutions?per_page=50", api=True),
    ]
    bulk = [
        Page("anonymous", "/api/v1/public/solutions?format=csv", api=True, bulk="solutions"),
        Page("compliance", "/portfolio/export.csv", bulk="solutions"),
        Page("compliance", "/api/v1/portfolio?format=csv", api=True, bulk="solutions"),
        Page("compliance", "/api/v1/reports/portfolio?format=csv", api=True, bulk="solutions"),
        Page("auditor", f"/api/v1/solutions/{solution_id}/report?format=json", api=True, bulk="events"),
        Page("auditor", f"/api/v1/solutions/{solution_id}/bundle", api=True, bulk="events"),
        Page("auditor", "/api/v1/audit/verify", api=True, bulk="events"),
    ]
    return crawl + bulk


class Session:
    """One person's HTTP client: a cookie jar after the login form, or a bearer token."""

    def __init__(self, port: int, headers: dict | None = None):
        self.base = f"http://127.0.0.1:{port}"
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers={**self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def sign_in(self, email: str) -> None:
        _, body = self.get("/login")
        token = CSRF.search(body.decode()).group(1)
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
        request = urllib.request.Request(self.base + "/login", data=data)
        with self.opener.open(request, timeout=TIMEOUT) as response:
            if urllib.parse.urlsplit(response.geturl()).path == "/login":
                raise RuntimeError(f"signing in as {email} failed")


def measure(session: Session, path: str, headers: dict | None = None) -> dict:
    """One warm-up, then the median of five (one when slow): seconds, bytes, status."""
    started = time.perf_counter()
    status, body = session.get(path, headers)
    first = time.perf_counter() - started
    times = []
    for _ in range(1 if first > SLOW else 5):
        started = time.perf_counter()
        status, body = session.get(path, headers)
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "bytes": len(body), "status": status, "body": body}


def _workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure_bulk(env: dict, session_of, page: Page, headers: dict | None) -> dict:
    """A bulk answer served by a fresh single-worker gunicorn: time of one run after a warm-up of the
    worker, and how far the worker's peak memory rose above where it stood before the run."""
    from bench.bench_api import gunicorn

    masters: list[int] = []
    with gunicorn("wsgi:app", env, 1, masters) as port:
        session = session_of(port)
        session.get("/api/v1/solutions/1", headers)  # the worker has imported and connected
        worker = _workers(masters[0])[0]
        before = _memory_kb(worker, "VmRSS")
        started = time.perf_counter()
        status, body = session.get(page.path, headers)
        seconds = time.perf_counter() - started
        peak = _memory_kb(worker, "VmHWM")
    return {"seconds": seconds, "bytes": len(body), "status": status, "body": body,
            "peak_mb": max(0, peak - before) / 1024}


def _rows(page: Page, result: dict) -> int:
    import json

    if page.path.endswith("verify"):
        return int(json.loads(result["body"]).get("events") or 0)
    if "/report?" in page.path:
        return len(json.loads(result["body"]).get("audit_events") or [])
    if page.path.endswith("/bundle"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(result["body"])) as bundle:
            return bundle.read("events.jsonl").count(b"\n")
    return max(0, result["body"].count(b"\n") - 1)


def _people(app, db) -> dict[str, str]:
    """A signed-in person per role: the scale's first owner and officer, and an auditor; all with the
    crawl's password."""
    from ai_register.demo_scale import SCALE_EMAIL
    from ai_register.security import hash_password
    from ai_register.users import services as users

    with app.app_context():
        people = {"owner": SCALE_EMAIL.format(role="owner", n=1),
                  "compliance": SCALE_EMAIL.format(role="compliance", n=1),
                  "auditor": SCALE_EMAIL.format(role="auditor", n=1)}
        if users.find_user_by_email(people["auditor"]) is None:
            users.create_user(people["auditor"], "auditor", display_name="Skala Revisor 1")
        for email in people.values():
            users.find_user_by_email(email).password_hash = hash_password(PASSWORD)
        db.session.commit()
    return people


def run(app, db, database_url: str, instance_dir: str, *, workers: int = 2) -> BenchResult:
    from sqlalchemy import select

    from ai_register.audit.services import chain_head
    from ai_register.solutions.models import Solution
    from ai_register.users import services as users
    from bench.bench_api import gunicorn

    people = _people(app, db)
    with app.app_context():
        app.config["JWT_ACCESS_TTL"] = timedelta(hours=6)
        tokens = {}
        for role, email in people.items():
            tokens[role], _ = users.issue_access_token(users.find_user_by_email(email))
        owner_id = users.find_user_by_email(people["owner"]).id
        db.session.commit()
        solution_id, name = db.session.execute(select(Solution.id, Solution.name).where(Solution.owner_id == owner_id)
                                               .order_by(Solution.id).limit(1)).one()
        ids = list(db.session.scalars(select(Solution.id).order_by(Solution.id).limit(5)))
        events = chain_head()["position"]
    env = {"DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
           "AI_REGISTER_JWT_SECRET": app.config["JWT_SECRET"], "AI_REGISTER_RATELIMIT_ENABLED": "false",
           "AI_REGISTER_INSTANCE_DIR": instance_dir, "GUNICORN_CMD_ARGS": f"--timeout {TIMEOUT}"}
    figures, bulk_figures, over, failed = [], [], [], []
    def signed_in(port: int, role: str) -> Session:
        session = Session(port)
        if role in people:
            session.sign_in(people[role])
        return session

    with gunicorn("wsgi:app", env, workers) as port:
        web = {role: signed_in(port, role) for role in (*people, "anonymous")}
        api = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
        reads = [measure(web["compliance"], f"/api/v1/solutions/{i}", api["compliance"]) for i in ids]
        single = statistics.median(r["seconds"] for r in reads)
        figures.append(Figure("single read GET /api/v1/solutions/{id} (compliance)", single * 1000, "ms",
                              note="median of five reads of five solutions; the ratios below divide by it"))
        for page in pages(solution_id, name, events):
            print(f"  {page.role:10} {page.path}", flush=True)
            headers = api.get(page.role) if page.api else None
            label = f"{page.role}: `{page.path}`"
            if page.bulk:
                result = measure_bulk(env, lambda port, role=page.role: signed_in(port, role), page, headers)
                rows = _rows(page, result)
                bulk_figures.append(Figure(label, rows / result["seconds"] if result["seconds"] else 0,
                                           f"{page.bulk}/s",
                                           note=f"{rows:,} {page.bulk} in {result['seconds']:.2f} s, "
                                                f"{result['bytes'] / 1e6:,.1f} MB; worker peak memory "
                                                f"+{result['peak_mb']:,.0f} MB; status {result['status']}"))
                if result["status"] != 200:
                    failed.append(f"{label} ({result['status']})")
                continue
            result = measure(web[page.role], page.path, headers)
            if result["status"] != 200:
                failed.append(f"{label} ({result['status']})")
            ratio = result["seconds"] / single
            if ratio > RATIO_TARGET:
                over.append(f"{label} {ratio:.0f}×")
            figures.append(Figure(label, result["seconds"] * 1000, "ms", single * 1000,
                                  f"{result['bytes'] / 1000:,.0f} kB; status {result['status']}"))
    checks = [Check(f"every page ≤ {RATIO_TARGET}× the single read (bulk work apart)",
                    "over: " + ", ".join(over) if over else f"all {len(figures) - 1} pages within",
                    not over)]
    if failed:
        checks.append(Check("every page answers 200", "failed: " + ", ".join(failed), False))
    return BenchResult(
        title="Page crawl: every page each role reaches (sequential, median of five)",
        target=f"each page's median ≤ {RATIO_TARGET} × the single read's median (ratio column); gunicorn "
               f"{workers} workers; bulk work below in rows/s, each"
               " by a fresh single-worker gunicorn with the rise of its peak memory",
        figures=figures + bulk_figures, checks=checks)
