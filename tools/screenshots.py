"""`make screenshots`: every page of the web UI, per role, at desktop (1280 px) and phone (390 px) width.

Starts the app on a throwaway SQLite database, loads the demo region (`flask demo load`: a dozen
solutions in every phase, made by the services, audited), serves it on 127.0.0.1 and photographs the
pages with Debian's chromium into `screenshots/` (gitignored).

    .venv/bin/python tools/screenshots.py [--out screenshots] [--lang sv|en] [--only owner,compliance]
"""

from __future__ import annotations

import argparse
import logging
import re
import socket
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ai_register import create_app  # noqa: E402
from ai_register.demo import DEMO_PEOPLE, DEMO_USERS  # noqa: E402
from ai_register.extensions import db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORDS = {role_email: password for role_email, _role, _name, password in DEMO_USERS}
EMAIL = DEMO_PEOPLE


# --------------------------------------------------------------------------- photographing


def a_second_version(app) -> int:
    """A new answer set for an approved classification, submitted: the review page then shows what changed
    since the approved version (the demo's own submitted version is a first one)."""
    from ai_register.demo_region import DEVICE_III
    from ai_register.solutions.models import Solution
    from ai_register.users import services as users
    from ai_register.users.models import User

    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.email == EMAIL["owner"]))
        token, _ = users.issue_access_token(owner)
        sid = db.session.scalar(db.select(Solution.id).where(Solution.name == "Triagering av lungröntgen"))
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    stored = client.post(f"/api/v1/solutions/{sid}/classifications", json={"answers": DEVICE_III}, headers=headers)
    if stored.status_code != 201:
        raise SystemExit(f"a second classification version failed: {stored.get_json()}")
    client.post(f"/api/v1/classifications/{stored.get_json()['id']}/submit", headers=headers)
    return stored.get_json()["id"]


def pages_for(api_app, second_version: int | None = None) -> dict[str, list[tuple[str, str]]]:
    """(name, path) per role, found from the seeded data."""
    with api_app.app_context():
        from ai_register.classification.models import Classification
        from ai_register.solutions.models import Solution, TransitionRequest
        from ai_register.users.models import User

        by_name = {s.name: s.id for s in db.session.scalars(db.select(Solution))}
        first_owner = db.session.scalar(db.select(User.id).where(User.role == "owner").order_by(User.id))
        submitted = db.session.scalars(
            db.select(Classification).where(Classification.status == "submitted")
        ).first()
        draft = db.session.scalars(db.select(Classification).where(Classification.status == "draft")).first()
        pending = db.session.scalars(
            db.select(TransitionRequest).where(TransitionRequest.status == "pending")
        ).first()
        from ai_register.public.queries import opaque_id

        public_ids = {name: opaque_id(sid) for name, sid in by_name.items()}
    xray, speech = by_name["Triagering av lungröntgen"], by_name["Taligenkänning för journalföring"]
    meds, derm = by_name["Stöd för läkemedelsgenomgång"], by_name["Hudcancerscreening med dermatoskopi"]
    common = [
        ("overview", "/"),
        ("solutions", "/solutions"),
        ("solution-pilot", f"/solutions/{xray}"),
        ("solution-management", f"/solutions/{speech}"),
        ("solution-rollout", f"/solutions/{by_name['Chattbot för 1177-rådgivning']}"),
        ("solution-paused", f"/solutions/{by_name['Automatisk diagnoskodning']}"),
        ("solution-retired", f"/solutions/{by_name['Prognos för vårdplatsbeläggning']}"),
        ("profile", "/profile"),
        ("deviation-new", f"/deviations/new?solution_id={xray}"),
        ("deviations-own", "/deviations"),
        ("portfolio", "/portfolio"),
    ]
    owner = common + [
        ("register", "/solutions/new"),
        ("solution-new", f"/solutions/{derm}"),
        ("edit", f"/solutions/{xray}/edit"),
        ("goals", f"/solutions/{xray}/goals"),
        ("benefit", f"/solutions/{xray}/benefit"),
        ("evidence", f"/solutions/{xray}/evidence/new"),
        ("oversight", f"/solutions/{xray}/oversight"),
        ("rollout-plan", f"/solutions/{xray}/rollout-plan"),
        ("decision", f"/solutions/{xray}/decision"),
        ("transition", f"/solutions/{derm}/transition?to=pilot"),
        ("wizard", f"/solutions/{derm}/classify?step=0"),
        ("checklist", f"/solutions/{meds}/checklist"),
        ("incidents", "/incidents"),
        ("public-description", f"/solutions/{xray}/public-description"),
    ]
    if draft is not None:
        owner.append(("classification-draft", f"/solutions/{draft.solution_id}/classifications/{draft.id}"))
    compliance = common + [("review-queue", "/review"), ("audit", "/audit?verify=1"),
                           ("deviations-triage", "/deviations/triage")]
    if submitted is not None:
        compliance.append(("review-classification", f"/review/classifications/{submitted.id}"))
    if pending is not None:
        compliance.append(("review-transition", f"/review/transitions/{pending.id}"))
    if second_version is not None:
        compliance.append(("review-changes", f"/review/classifications/{second_version}"))
    auditor = common + [("audit", "/audit?verify=1"), ("audit-solution", f"/audit?solution_id={xray}")]
    return {
        "anonymous": [
            ("sign-in", "/login"),
            ("public", "/public"),
            ("public-search", "/public?q=prognos&phase=management"),
            ("public-solution", f"/public/solutions/{public_ids['Triagering av lungröntgen']}"),
            ("public-solution-chatbot", f"/public/solutions/{public_ids['Chattbot för 1177-rådgivning']}"),
            ("public-solution-paused", f"/public/solutions/{public_ids['Automatisk diagnoskodning']}"),
            ("public-accessibility", "/public/accessibility"),
        ],
        "owner": owner,
        "compliance": compliance,
        "auditor": auditor,
        "admin": [("overview", "/"), ("profile", "/profile"), ("accounts", "/users"), ("account-new", "/users/new"),
                  ("account", f"/users/{first_owner}"), ("password", "/password")],
    }


def wizard_steps(page, out: Path, width_name: str, prefix: str) -> None:
    """The wizard beyond its first step: answer, go on, and photograph a step with a branch and the result."""
    answers = {
        "ai_system": "yes",
        "excluded_purpose": "none",
        "role": "deployer",
        "public_authority": "yes",
        "prohibited_practices": "none",
        "emotion_recognition": "none",
        "remote_biometric_identification": "no",
        "biometric_categorisation": "no",
        "medical_purpose": "yes",
        "data_action": "beyond_storage",
        "in_vitro_diagnostic": "no",
        "mdr_decision_support": "yes",
        "mdr_decision_impact": "other",
        "mdr_monitoring": "none",
        "mdr_closed_loop_therapy": "no",
        "mdr_measuring_function": "no",
        "in_house_exemption": "no",
        "other_annex_i_product": "no",
        "annex_iii_areas": "none",
        "interacts_with_persons": "no",
        "generates_synthetic_content": "no",
        "deep_fake_or_public_text": "no",
        "gpai_model": "no",
    }
    for _step in range(20):
        if page.locator("[data-test=submit-classification]").count():
            page.screenshot(path=str(out / f"{prefix}-wizard-result-{width_name}.png"), full_page=True)
            return
        for _ in range(4):
            for fieldset in page.locator("fieldset[data-question]:not([hidden])").all():
                qid = fieldset.get_attribute("data-question")
                if qid in answers and not fieldset.locator("input:checked").count():
                    page.check(f"#q-{qid}-{answers[qid]}")
        if page.locator("#q-mdr_decision_impact:not([hidden])").count():
            page.screenshot(path=str(out / f"{prefix}-wizard-device-{width_name}.png"), full_page=True)
        page.click("button[value=next]")


def photograph(base_url: str, pages: dict, out: Path, lang: str, only: set[str] | None) -> int:
    from playwright.sync_api import sync_playwright

    count = 0
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for role, paths in pages.items():
            if only and role not in only:
                continue
            for width_name, width in WIDTHS.items():
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": 900},
                    locale="sv-SE",
                    device_scale_factor=1,
                )
                page = context.new_page()
                page.goto("/login")
                if role != "anonymous":
                    page.fill("#email", EMAIL[role])
                    page.fill("#password", PASSWORDS[EMAIL[role]])
                    page.click("form:has(#email) [type=submit]")
                    page.wait_for_url(re.compile(r"/$"))
                if lang == "en":
                    page.click("[data-test=language-switch]")
                for name, path in paths:
                    response = page.goto(path)
                    if response is None or response.status >= 400:
                        failures.append(f"{role} {path}: {response.status if response else 'no response'}")
                    page.screenshot(path=str(out / f"{role}-{name}-{width_name}.png"), full_page=True)
                    count += 1
                    if name == "wizard":
                        wizard_steps(page, out, width_name, role)
                        # Back later: the wizard resumes where the answers stop, with the saved state.
                        page.goto(path.split("?")[0])
                        page.screenshot(path=str(out / f"{role}-wizard-resumed-{width_name}.png"), full_page=True)
                    if name == "edit":
                        # The co-owner search offering people as you type.
                        page.evaluate("document.getElementById('co_owner_add').scrollIntoView({block: 'start'})")
                        page.fill("#co_owner_add", "a")
                        page.wait_for_selector("#co_owner_add-list [role=option]")
                        page.screenshot(path=str(out / f"{role}-edit-co-owner-search-{width_name}.png"),
                                        full_page=False)
                    if name == "register" and width_name == "desktop":
                        page.fill("#purpose", "Ett exempel med ett fel")
                        page.fill("#review_interval_months", "0")
                        page.click("form[data-test=solution-form] button[type=submit]")
                        page.screenshot(
                            path=str(out / f"{role}-register-errors-{width_name}.png"), full_page=True
                        )
                context.close()
        browser.close()
    if failures:
        raise SystemExit("pages that failed:\n  " + "\n  ".join(failures))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    parser.add_argument("--only", help="comma-separated roles (anonymous, owner, compliance, auditor, admin)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="ai-register-screens-") as tmp:
        config = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/screens.db",
            "SECRET_KEY": "screenshots-" + "x" * 40,
            "JWT_SECRET": "screenshots-" + "y" * 40,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_DIR": tmp,
            "UPLOAD_DIR": f"{tmp}/uploads",
            "SIGNING_KEY_PATH": f"{tmp}/signing_key.pem",
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        if result.exit_code != 0:
            raise SystemExit(f"flask demo load failed: {result.output}")
        started = datetime.now()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            only = set(args.only.split(",")) if args.only else None
            pages = pages_for(app, a_second_version(app))
            count = photograph(f"http://127.0.0.1:{port}", pages, out, args.lang, only)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    print(f"{count} screenshots in {out} ({(datetime.now() - started).seconds} s)")


if __name__ == "__main__":
    main()
