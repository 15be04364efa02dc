"""The page crawl: every page and read endpoint each role reaches, as people feel it.

The application under gunicorn (as bench_api), requests one at a time: per page one warm-up, then
the median of five (of one, when a page takes longer than SLOW seconds), each as a ratio to the
single read `GET /api/v1/solutions/{id}` in the same run. Web pages are read signed in through the
login form (a real session); API endpoints with a bearer token.

The single read is the crawl's denominator, so it is measured over the whole crawl, not once: after
one warm-up read of each of SINGLE_SOLUTIONS solutions spread over the register, SINGLE_PER_PAGE timed
reads (the next solutions in turn) go before every page, and the denominator is the median of all of
them (several hundred reads). Measured once at the start (25 reads of five solutions), it moved
3.2 → 4.7 ms between two runs on a quiet machine while the pages' own times agreed within ~20%.

Target (issue 22): every page ≤ 10× the single read. Bulk work (CSV and JSON exports, chain
verification) is measured apart, in rows per second, and has no ratio target.
"""

from __future__ import annotations

import http.cookiejar
import random
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
SINGLE_SOLUTIONS = 25  # solutions the interleaved single reads cycle through (a fixed random sample)
SINGLE_PER_PAGE = 2  # timed single reads before each page
TIMEOUT = 600
PASSWORD = "bench-crawl-password-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Page:
    role: str
    path: str
    api: bool = False
    bulk: str | None = None  # what one row is, for bulk work measured in rows/s
    rows: int | None = None  # how many rows the answer carries, when it cannot be counted in it (a PDF)


# Not pages of the register: signing in, the browser's icon, the API's documentation files.
NOT_PAGES = frozenset({"/login", "/login/oidc", "/login/oidc/callback", "/password/set/<token>", "/favicon.ico",
                       "/api/docs/assets/<path:filename>"})
# Answers that carry a solution's whole trail or files: bulk work, in events per second.
EVENT_BULK = frozenset({"/solutions/<int:solution_id>/report.pdf", "/solutions/<int:solution_id>/bundle.zip",
                        "/api/v1/solutions/<int:solution_id>/report", "/api/v1/solutions/<int:solution_id>/bundle"})
# Answers that carry every row of the reader's register (exports, the whole-register report, chain
# verification): bulk work, in rows per second, whoever reads them.
ROW_BULK = {"/portfolio/export.csv": "solutions", "/api/v1/reports/portfolio": "solutions",
            "/api/v1/audit/verify": "events"}
# A person's data export (GDPR Art 15): every row and audit event that names them, streamed; bulk work in
# rows (records and events) per second. The page that lists the people (`/privacy`) is a page.
EXPORTS = frozenset({"/privacy/users/<int:user_id>/export", "/api/v1/privacy/users/<int:user_id>/export",
                     "/privacy/persons/<int:person_id>/export", "/api/v1/privacy/persons/<int:person_id>/export"})
ROW_BULK.update(dict.fromkeys(EXPORTS, "rows"))
# A route's record parameter → the table it names a row of, and that table's column naming its solution.
RECORDS = {
    "classification_id": ("classifications", "solution_id"), "goal_id": ("goals", "solution_id"),
    "evidence_id": ("evidence", "solution_id"), "incident_id": ("incidents", "solution_id"),
    "fria_id": ("fria_assessments", "solution_id"), "assessment_id": ("monitoring_assessments", "solution_id"),
    "metric_id": ("monitoring_metrics", "solution_id"), "indicator_id": ("indicators", None),
    "supplier_id": ("suppliers", None), "product_id": ("supplier_products", None),
    "document_id": ("supplier_documents", None), "transition_id": ("transition_requests", "solution_id"),
    "user_id": ("users", None), "person_id": ("persons", None),
}
PARAMETER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")
ROLES = ("owner", "compliance", "auditor", "admin", "staff")


def route_pages(app, db, owner_solution_id: int, listed: list[Page]) -> tuple[list[Page], list[str]]:
    """Every GET route of the application (its URL map) for each role that reaches it (its declared
    access), beyond the pages listed by hand: pages of one solution for the owner and for compliance on
    the demo-region solution with the most records of other modules (the crawl's owner co-owns it:
    `_crawl_records`; the scale's own solutions have no benefit estimate or oversight owner); pages of one
    record for compliance (or the auditor, or the administrator) on the first such record (an evidence
    record with a file). Also the routes not crawled, each with why."""
    from sqlalchemy import text

    from ai_register.public import queries as public_queries
    from ai_register.security import declared_access

    done = {(page.role, page.path.split("?")[0]) for page in listed}
    found, skipped = [], []
    with app.test_request_context():
        rules = sorted((rule for rule in app.url_map.iter_rules()
                        if "GET" in rule.methods and not rule.endpoint.endswith("static")
                        and rule.rule not in NOT_PAGES), key=lambda rule: rule.rule)
        declared = {rule.rule: declared_access(rule.endpoint, "GET") or frozenset() for rule in rules}
    with app.app_context():
        def first(sql: str):
            return db.session.execute(text(sql)).first()

        rich = _rich_solution(db)
        rich_id = rich if rich is not None else owner_solution_id
        published = first("select solution_id from public_descriptions order by solution_id limit 1")
        public_id = public_queries.opaque_id(published[0]) if published else None
        ruleset = first("select version from ruleset_snapshots order by id limit 1")
        obligation = first("select solution_id, obligation_id from solution_obligations order by id limit 1")
        for rule in rules:
            roles = declared[rule.rule]
            names = PARAMETER.findall(rule.rule)
            values: dict[str, object] = {}
            missing = None
            for name in names:
                if name == "solution_id":
                    continue
                if name == "public_id":
                    values[name] = public_id
                elif name == "ref":
                    values[name] = ruleset[0] if ruleset else None
                elif name == "obligation_id":
                    values[name] = obligation[1] if obligation else None
                    if obligation:
                        values["solution_id"] = obligation[0]
                elif name == "request_id":
                    table = "transition_requests" if "/transitions/" in rule.rule else "explanation_requests"
                    row = first(f"select id, solution_id from {table} order by id limit 1")  # noqa: S608
                    values[name] = row[0] if row else None
                    if row:
                        values["solution_id"] = row[1]
                elif name in RECORDS:
                    table, solution_column = RECORDS[name]
                    # An evidence record's pages include its file: the first record that has one.
                    having = " where stored_name is not null" if name == "evidence_id" else ""
                    row = first(f"select id{', ' + solution_column if solution_column else ''} "  # noqa: S608
                                f"from {table}{having} order by id limit 1")
                    values[name] = row[0] if row else None
                    if row and solution_column:
                        values["solution_id"] = row[1]
                else:
                    missing = f"no value for <{name}>"
                if values.get(name, "") is None:
                    missing = f"no {name.removesuffix('_id')} record in the register"
            if missing:
                skipped.append(f"`{rule.rule}` ({missing})")
                continue
            record_page = any(name != "solution_id" for name in names)
            if "public" in roles:
                candidates = [("anonymous", None)]
            elif record_page:
                role = next((r for r in ("compliance", "auditor", "admin") if r in roles), None)
                candidates = [(role, values.get("solution_id", rich_id))] if role else []
            elif "solution_id" in names:
                candidates = [(role, rich_id) for role in ("owner", "compliance") if role in roles]
                if not candidates and "auditor" in roles:
                    candidates = [("auditor", rich_id)]
            else:
                candidates = [(role, None) for role in ROLES if role in roles]
            for role, solution_id in candidates:
                path = _fill(rule.rule, {**values, "solution_id": solution_id})
                if (role, path) in done:
                    continue
                done.add((role, path))
                bulk, rows = ROW_BULK.get(rule.rule), None
                if rule.rule in EVENT_BULK:
                    bulk, rows = "events", db.session.execute(text(
                        "select count(*) from audit_events where solution_id = :s"), {"s": solution_id}).scalar()
                found.append(Page(role, path, api=rule.rule.startswith("/api/"), bulk=bulk, rows=rows))
    return found, skipped


def _fill(rule: str, values: dict) -> str:
    return PARAMETER.sub(lambda match: urllib.parse.quote(str(values[match.group(1)])), rule)


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


def answered(status: int) -> bool:
    """A page answered (2xx); anything else is an error page, whatever its time."""
    return 200 <= status < 300


def status_note(status: int) -> str:
    return f"status {status}" if answered(status) else f"**status {status}: an error answer, not the page**"


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


class SingleReads:
    """The crawl's denominator: the single read `GET /api/v1/solutions/{id}` (compliance, bearer token),
    read a few times before every page, cycling through a fixed sample of solutions, so that its median
    covers the whole crawl instead of the minute it started in."""

    def __init__(self, session: Session, headers: dict, ids: list[int]):
        self.session, self.headers, self.ids = session, headers, ids
        self.seconds: list[float] = []
        self.failed: list[str] = []
        self.turn = 0
        for solution_id in ids:  # warm-up: a worker's first read loads the rule set
            self._get(solution_id)

    def _get(self, solution_id: int) -> float:
        path = f"/api/v1/solutions/{solution_id}"
        started = time.perf_counter()
        status, _ = self.session.get(path, self.headers)
        seconds = time.perf_counter() - started
        if not answered(status):
            self.failed.append(f"compliance: `{path}` ({status})")
        return seconds

    def read(self, count: int) -> None:
        for _ in range(count):
            self.seconds.append(self._get(self.ids[self.turn % len(self.ids)]))
            self.turn += 1

    def note(self) -> str:
        quartiles = statistics.quantiles(self.seconds, n=4) if len(self.seconds) > 1 else self.seconds * 3
        return (f"median of {len(self.seconds):,} reads of {len(self.ids)} solutions, {SINGLE_PER_PAGE} before "
                f"each page through the crawl (quartiles {quartiles[0] * 1000:.1f}–{quartiles[2] * 1000:.1f} ms); "
                "the ratios below divide by it")


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

    if page.rows is not None:
        return page.rows
    if page.path.endswith("/export"):
        export = json.loads(result["body"])
        return (sum(len(rows) for rows in export["records"].values()) + len(export["audit_events_as_actor"])
                + len(export["audit_events_about"]))
    if page.path.endswith("verify"):
        return int(json.loads(result["body"]).get("events") or 0)
    if page.path == "/api/v1/reports/portfolio":
        return int(json.loads(result["body"]).get("total") or 0)
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
                  "auditor": SCALE_EMAIL.format(role="auditor", n=1),
                  "admin": SCALE_EMAIL.format(role="admin", n=1),
                  "staff": SCALE_EMAIL.format(role="staff", n=1)}
        for role in ("auditor", "admin", "staff"):
            if users.find_user_by_email(people[role]) is None:
                users.create_user(people[role], role, display_name=f"Skala {role} 1")
        for email in people.values():
            users.find_user_by_email(email).password_hash = hash_password(PASSWORD)
        db.session.commit()
    return people


def _rich_solution(db) -> int | None:
    """The demo region's solution with the most records of other modules (its first if none)."""
    from sqlalchemy import text

    return db.session.execute(text(
        "select s.id from solutions s join users u on u.id = s.owner_id where u.email not like 'skala-%' "
        "order by (select count(*) from goals g where g.solution_id = s.id) + (select count(*) from incidents i "
        "where i.solution_id = s.id) + (select count(*) from evidence e where e.solution_id = s.id) desc, s.id "
        "limit 1")).scalar()


def _crawl_records(app, db, owner_email: str) -> None:
    """What the crawl reads that neither loader writes, written as a region would: the crawl's owner
    co-owns the demo region's richest solution (so their pages of one solution have a benefit estimate and
    an oversight owner to show), one evidence record has a file (its download), and the chain head is
    signed (the latest checkpoint)."""
    from io import BytesIO

    from sqlalchemy import select, text
    from werkzeug.datastructures import FileStorage

    from ai_register import acting
    from ai_register.audit.services import create_checkpoint
    from ai_register.evidence.services import create_evidence
    from ai_register.solutions.models import Solution
    from ai_register.solutions.services import update_solution
    from ai_register.users import services as users
    from ai_register.users.models import User

    with app.app_context():
        owner = users.find_user_by_email(owner_email)
        officer = db.session.scalar(select(User).where(User.role == "compliance").order_by(User.id))
        rich = _rich_solution(db)
        with acting.acting_as(officer, channel="cli"):
            if rich is not None:
                solution = db.session.get(Solution, rich)
                if owner.id not in {u.id for u in solution.co_owners} and owner.id != solution.owner_id:
                    update_solution(solution, {"co_owner_ids": [*(u.id for u in solution.co_owners), owner.id]},
                                    by=officer,
                                    reason="bench: the crawl's owner reads a solution with records of every kind")
                if db.session.execute(text("select 1 from evidence where stored_name is not null")).first() is None:
                    pdf = b"%PDF-1.4\n% bench evidence file\n%%EOF\n"
                    create_evidence(solution, {"type": "pilot_evaluation", "title": "Pilot evaluation report",
                                               "issued_on": solution.created_at.date()},
                                    FileStorage(BytesIO(pdf), "pilot-evaluation.pdf"), by=officer)
            db.session.commit()
            create_checkpoint()


def run(app, db, database_url: str, instance_dir: str, *, workers: int = 2) -> BenchResult:
    from sqlalchemy import select

    from ai_register.audit.services import chain_head
    from ai_register.solutions.models import Solution
    from ai_register.users import services as users
    from bench.bench_api import gunicorn

    people = _people(app, db)
    _crawl_records(app, db, people["owner"])
    with app.app_context():
        app.config["JWT_ACCESS_TTL"] = timedelta(hours=6)
        tokens = {}
        for role, email in people.items():
            tokens[role], _ = users.issue_access_token(users.find_user_by_email(email))
        owner_id = users.find_user_by_email(people["owner"]).id
        db.session.commit()
        solution_id, name = db.session.execute(select(Solution.id, Solution.name).where(Solution.owner_id == owner_id)
                                               .order_by(Solution.id).limit(1)).one()
        every_id = list(db.session.scalars(select(Solution.id).order_by(Solution.id)))
        ids = random.Random(22).sample(every_id, min(SINGLE_SOLUTIONS, len(every_id)))
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
        single_reads = SingleReads(web["compliance"], api["compliance"], ids)
        listed = pages(solution_id, name, events)
        measured = []
        generated, not_crawled = route_pages(app, db, solution_id, listed)
        for page in sorted(listed + generated, key=lambda page: page.bulk is not None):
            print(f"  {page.role:10} {page.path}", flush=True)
            headers = api.get(page.role) if page.api else None
            label = f"{page.role}: `{page.path}`"
            if page.bulk:
                result = measure_bulk(env, lambda port, role=page.role: signed_in(port, role), page, headers)
                rows = _rows(page, result) if answered(result["status"]) else 0
                bulk_figures.append(Figure(label, rows / result["seconds"] if result["seconds"] else 0,
                                           f"{page.bulk}/s",
                                           note=f"{rows:,} {page.bulk} in {result['seconds']:.2f} s, "
                                                f"{result['bytes'] / 1e6:,.1f} MB; worker peak memory "
                                                f"+{result['peak_mb']:,.0f} MB; {status_note(result['status'])}"))
                if not answered(result["status"]):
                    failed.append(f"{label} ({result['status']})")
                continue
            single_reads.read(SINGLE_PER_PAGE)
            result = measure(web[page.role], page.path, headers)
            if not answered(result["status"]):
                failed.append(f"{label} ({result['status']})")
            measured.append((label, result))
        failed += single_reads.failed
        single = statistics.median(single_reads.seconds)
        figures.append(Figure("single read GET /api/v1/solutions/{id} (compliance)", single * 1000, "ms",
                              note=single_reads.note()))
        for label, result in measured:
            ratio = result["seconds"] / single
            if ratio > RATIO_TARGET:
                over.append(f"{label} {ratio:.0f}×")
            figures.append(Figure(label, result["seconds"] * 1000, "ms", single * 1000,
                                  f"{result['bytes'] / 1000:,.0f} kB; {status_note(result['status'])}"))
    checks = [Check("every GET route crawled for each role that reaches it",
                    "not crawled: " + "; ".join(not_crawled) if not_crawled else "all", not not_crawled),
              Check(f"every page ≤ {RATIO_TARGET}× the single read (bulk work apart)",
                    "over: " + ", ".join(over) if over else f"all {len(figures) - 1} pages within",
                    not over),
              # Always listed: an error answer is fast and would pass the ratio unseen.
              Check("every crawled page answers 2xx (an error answer measures an error page, not the page)",
                    f"**{len(failed)} did not**: " + ", ".join(failed) if failed
                    else f"all {len(figures) - 1 + len(bulk_figures)} answered 2xx", not failed)]
    return BenchResult(
        title="Page crawl: every page each role reaches (sequential, median of five)",
        target=f"each page's median ≤ {RATIO_TARGET} × the single read's median (ratio column; the single read "
               f"is read {SINGLE_PER_PAGE}× before every page, its median over the whole crawl); gunicorn "
               f"{workers} workers; bulk work below in rows/s, each"
               " by a fresh single-worker gunicorn with the rise of its peak memory",
        figures=figures + bulk_figures, checks=checks)
