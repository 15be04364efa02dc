"""GET /api/v1/solutions: paging, filters, search, sort, visibility, and a bounded number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, update

from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import BASE


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]


def set_columns(sid: int, **values) -> None:
    """Phase, status and the classification copies are written by other flows; set them directly here,
    where only the list is under test."""
    db.session.execute(update(Solution).where(Solution.id == sid).values(**values))
    db.session.commit()


@pytest.fixture
def portfolio(reg, users):
    today = date.today()
    a = reg.create(name="Alpha triage", purpose="Sorts referrals", care_units=["Akuten"], tags=["triage"],
                   next_review_on=(today - timedelta(days=1)).isoformat())["id"]
    b = reg.create(name="beta scribe", purpose="Writes 100% of the notes", care_units=["BUP", "Akuten"],
                   tags=["generative"], next_review_on=(today + timedelta(days=30)).isoformat())["id"]
    c = reg.create("owner2", name="Gamma sepsis", purpose="Warns of SEPSIS", care_units=["IVA"],
                   tags=["triage", "sepsis"])["id"]
    d = reg.create("compliance", owner_id=users["owner2"].id, co_owner_ids=[users["owner"].id],
                   name="Delta dose", purpose="Dose checks", next_review_on=today.isoformat())["id"]
    set_columns(b, phase="pilot", current_ai_act_category="limited_risk")
    set_columns(c, phase="management", status="paused", current_ai_act_category="high_risk",
                current_device_class="IIb")
    set_columns(d, phase="decommissioning", current_ai_act_category="high_risk", current_device_class="IIa")
    return {"a": a, "b": b, "c": c, "d": d}


def test_compliance_and_auditor_see_all_owners_see_their_own(reg, client, portfolio):
    every = ["Alpha triage", "beta scribe", "Delta dose", "Gamma sepsis"]
    assert names(client.get(BASE, headers=reg.h("compliance"))) == every
    assert names(client.get(BASE, headers=reg.h("auditor"))) == every
    # Delta is co-owned by owner; Gamma belongs to owner2 alone.
    assert names(client.get(BASE, headers=reg.h("owner"))) == ["Alpha triage", "beta scribe", "Delta dose"]
    assert names(client.get(BASE, headers=reg.h("owner2"))) == ["Delta dose", "Gamma sepsis"]
    assert client.get(BASE, headers=reg.h("owner")).get_json()["total"] == 3


@pytest.mark.parametrize(("query", "expected"), [
    ("phase=pilot", ["beta scribe"]),
    ("phase=needs_analysis", ["Alpha triage"]),
    ("status=paused", ["Gamma sepsis"]),
    ("status=active", ["Alpha triage", "beta scribe", "Delta dose"]),
    ("ai_act_category=high_risk", ["Delta dose", "Gamma sepsis"]),
    ("device_class=IIb", ["Gamma sepsis"]),
    ("care_unit=Akuten", ["Alpha triage", "beta scribe"]),
    ("care_unit=akut", []),
    ("tag=triage", ["Alpha triage", "Gamma sepsis"]),
    ("overdue_review=true", ["Alpha triage"]),
    ("overdue_review=false", ["beta scribe", "Delta dose", "Gamma sepsis"]),
    ("q=SEPSIS", ["Gamma sepsis"]),
    ("q=referral", ["Alpha triage"]),
    ("q=BETA", ["beta scribe"]),
    ("q=100%25", ["beta scribe"]),
    ("q=%25", ["beta scribe"]),
    ("q=_", []),
    ("tag=triage&ai_act_category=high_risk", ["Gamma sepsis"]),
])
def test_filters_and_search(reg, client, portfolio, query, expected):
    assert names(client.get(f"{BASE}?{query}", headers=reg.h("compliance"))) == expected


def test_owner_filter(reg, client, portfolio, users):
    response = client.get(f"{BASE}?owner_id={users['owner2'].id}", headers=reg.h("compliance"))
    assert names(response) == ["Delta dose", "Gamma sepsis"]
    # Filters narrow what the caller may see; they never widen it.
    response = client.get(f"{BASE}?owner_id={users['owner2'].id}", headers=reg.h("owner"))
    assert names(response) == ["Delta dose"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Alpha triage", "beta scribe", "Delta dose", "Gamma sepsis"]),
    ("-name", ["Gamma sepsis", "Delta dose", "beta scribe", "Alpha triage"]),
    ("created_at", ["Alpha triage", "beta scribe", "Gamma sepsis", "Delta dose"]),
    ("-created_at", ["Delta dose", "Gamma sepsis", "beta scribe", "Alpha triage"]),
    # Lifecycle order, not alphabetical.
    ("phase", ["Alpha triage", "beta scribe", "Gamma sepsis", "Delta dose"]),
    ("-phase", ["Delta dose", "Gamma sepsis", "beta scribe", "Alpha triage"]),
    # Solutions without a review date come last either way.
    ("next_review_on", ["Alpha triage", "Delta dose", "beta scribe", "Gamma sepsis"]),
    ("-next_review_on", ["beta scribe", "Delta dose", "Alpha triage", "Gamma sepsis"]),
])
@pytest.mark.parametrize("search", ["", "&q=A"])  # a search sorts its matches apart (services.list_solutions)
def test_sort(reg, client, portfolio, sort, expected, search):
    assert names(client.get(f"{BASE}?sort={sort}{search}", headers=reg.h("compliance"))) == expected
    # A page further on continues the same order (the page's ids are found before its rows are read).
    response = client.get(f"{BASE}?sort={sort}{search}&per_page=3&page=2", headers=reg.h("compliance"))
    assert names(response) == expected[3:] and response.get_json()["total"] == 4


@pytest.mark.parametrize("query", ["sort=purpose", "sort=id;drop", "phase=testing", "status=asleep",
                                   "per_page=0", "per_page=201", "page=0", "overdue_review=maybe",
                                   "owner_id=me", "colour=blue"])
def test_bad_list_arguments_are_422(reg, client, query):
    response = client.get(f"{BASE}?{query}", headers=reg.h("compliance"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert query.split("=")[0] in response.get_json()["errors"]


def test_paging(reg, client):
    for i in range(7):
        reg.create(name=f"Solution {i}")
    body = client.get(f"{BASE}?per_page=3&page=3", headers=reg.h()).get_json()
    assert (body["total"], body["page"], body["per_page"]) == (7, 3, 3)
    assert [item["name"] for item in body["items"]] == ["Solution 6"]
    body = client.get(BASE, headers=reg.h()).get_json()
    assert (body["per_page"], len(body["items"])) == (50, 7)
    body = client.get(f"{BASE}?per_page=200&page=9", headers=reg.h()).get_json()
    assert (body["total"], body["items"]) == (7, [])


def test_paging_a_search_counts_the_matches_with_the_page(reg, client):
    for i in range(7):
        reg.create(name=f"Sepsis {i}", co_owner_ids=[])
    reg.create(name="Triage")
    body = client.get(f"{BASE}?q=sepsis&per_page=3&page=2&sort=-name", headers=reg.h()).get_json()
    assert (body["total"], [item["name"] for item in body["items"]]) == (7, ["Sepsis 3", "Sepsis 2", "Sepsis 1"])
    assert all(item["owner"]["id"] for item in body["items"])
    body = client.get(f"{BASE}?q=sepsis&per_page=3&page=9", headers=reg.h()).get_json()
    assert (body["total"], body["items"]) == (7, [])
    body = client.get(f"{BASE}?q=nothing-like-this", headers=reg.h()).get_json()
    assert (body["total"], body["items"]) == (0, [])


def test_list_items_show_owners_and_classification_copies(reg, client, portfolio):
    item = next(i for i in client.get(BASE, headers=reg.h("compliance")).get_json()["items"]
                if i["name"] == "Delta dose")
    assert item["owner"]["display_name"] == "Otto Owner"
    assert [u["display_name"] for u in item["co_owners"]] == ["Olga Owner"]
    assert (item["current_ai_act_category"], item["current_device_class"]) == ("high_risk", "IIa")


def test_query_count_does_not_grow_with_rows(reg, client, users, make_user, without_auth_cache):
    helpers = [make_user("owner") for _ in range(3)]

    def count_queries() -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(f"{BASE}?per_page=200", headers=headers).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    headers = reg.h("compliance")
    for i in range(3):
        reg.create(name=f"S{i}", co_owner_ids=[helpers[i % 3].id])
    few = count_queries()
    for i in range(3, 30):
        reg.create(name=f"S{i}", co_owner_ids=[helpers[i % 3].id, users["owner2"].id])
    assert count_queries() == few


# --- the totals and late pages that read kept counts (services._kept_total, _review_day_start) ----------

def _expected_total(client, reg, who: str, query: str) -> int:
    """The list's total counted the long way: every page of it, item by item."""
    items, page = [], 1
    while True:
        body = client.get(f"{BASE}?{query}&per_page=200&page={page}", headers=reg.h(who)).get_json()
        items += body["items"]
        if len(body["items"]) < 200:
            return len(items)
        page += 1


@pytest.mark.parametrize("query", ["", "phase=pilot", "phase=management&ai_act_category=high_risk",
                                   "ai_act_category=high_risk", "device_class=IIb", "device_class=IIa&phase=pilot",
                                   "phase=rollout", "status=paused", "owner_id=1", "sort=-next_review_on"])
def test_totals_equal_the_rows_for_every_reader(reg, client, portfolio, users, query):
    """On PostgreSQL a whole-register reader's total under phase, AI Act and device-class filters comes from
    the kept counts, an owner's from their two index reads: always the number of rows the list pages
    through, also after writes that move solutions between the counted classes."""
    for who in ("compliance", "auditor", "owner", "owner2"):
        body = client.get(f"{BASE}?{query}", headers=reg.h(who)).get_json()
        assert body["total"] == _expected_total(client, reg, who, query), (who, query)
    set_columns(portfolio["c"], phase="pilot", current_device_class="IIa")
    set_columns(portfolio["a"], current_ai_act_category="high_risk")
    for who in ("compliance", "owner2"):
        body = client.get(f"{BASE}?{query}", headers=reg.h(who)).get_json()
        assert body["total"] == _expected_total(client, reg, who, query), (who, query)


@pytest.mark.parametrize("sort", ["next_review_on", "-next_review_on"])
def test_late_pages_by_next_review_start_on_their_day(reg, client, monkeypatch, sort):
    """A late page by next review starts on its day from the counts kept per day: the same ids in the same
    order as stepping over every row before it, across days shared by several solutions, the undated
    solutions last, the page that straddles the last dated one and pages past the end."""
    from sqlalchemy import insert

    from ai_register.solutions import services

    today = date.today()
    owner = reg.users["owner"].id
    db.session.execute(insert(Solution), [{
        "name": f"Review {n:02d}", "purpose": "Reviewed.", "owner_id": owner, "created_by_id": owner,
        "next_review_on": None if n % 7 == 3 else today + timedelta(days=n % 5),
    } for n in range(40)])
    db.session.commit()
    every = [item["id"] for item in client.get(f"{BASE}?sort={sort}&per_page=200",
                                              headers=reg.h("compliance")).get_json()["items"]]
    assert len(every) == 40
    monkeypatch.setattr(services, "REVIEW_DAY_JUMP", 0)
    for per_page in (3, 4, 7):
        for page in range(1, 40 // per_page + 3):
            body = client.get(f"{BASE}?sort={sort}&per_page={per_page}&page={page}",
                              headers=reg.h("compliance")).get_json()
            assert [item["id"] for item in body["items"]] == every[(page - 1) * per_page:page * per_page], \
                (per_page, page)
            assert body["total"] == 40


# --- the search's kept words (models.SolutionSearch, services._searches_kept_words) ------------------------

NEEDLES = ["sepsis", "SEPSIS", "Sepsis ", "ä", "Ä", "ÅTERBESÖK", "%", "100%", "_", "a_b", "/", "x/y", "ref",
           "notes\nwarns", "s\nw", "0\nWarns", "e", "zz-nothing", " ", "lta do", "åäö ÅÄÖ"]


def _search_rows(is_postgres):
    """Every solution's kept words next to what they must be, computed from the solution now."""
    from sqlalchemy import func, select

    from ai_register.solutions.models import SolutionSearch

    kept = {row.solution_id: (row.name_key, row.words) for row in db.session.scalars(select(SolutionSearch))}
    if not is_postgres:  # nothing keeps them on SQLite, nothing reads them there
        return kept, kept
    wanted = {row.id: (row.key, row.words) for row in db.session.execute(select(
        Solution.id, func.lower(Solution.name).label("key"),
        (func.lower(Solution.name) + "\n" + func.lower(Solution.purpose)).label("words")))}
    return kept, wanted


def test_kept_search_words_follow_every_write(reg, client, portfolio, users, is_postgres):
    from sqlalchemy import insert

    kept, wanted = _search_rows(is_postgres)
    assert kept == wanted and (len(kept) == 4 or not is_postgres)
    renamed = {"name": "ÅTERBESÖK triage", "purpose": "Sorterar 100% av remisserna"}
    assert reg.patch(portfolio["a"], renamed).status_code == 200
    assert reg.patch(portfolio["b"], {"care_units": ["IVA"]}).status_code == 200
    set_columns(portfolio["c"], purpose="Varnar för SEPSIS\noch chock")
    owner = users["owner"].id
    db.session.execute(insert(Solution), [{"name": f"Bulk {n} Ä", "purpose": "Massinläst.", "owner_id": owner,
                                           "created_by_id": owner} for n in range(3)])
    db.session.commit()
    kept, wanted = _search_rows(is_postgres)
    assert kept == wanted and (len(kept) == 7 or not is_postgres)
    db.session.execute(delete(Solution).where(Solution.name == "Bulk 0 Ä"))
    db.session.commit()
    kept, wanted = _search_rows(is_postgres)
    assert kept == wanted and (len(kept) == 6 or not is_postgres)


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_search_of_the_kept_words_finds_what_the_solutions_match(reg, client, portfolio, monkeypatch, sort):
    """The whole register's search by name reads the kept words (PostgreSQL): the same matches, order and
    totals as `name ILIKE … OR purpose ILIKE …` on the solutions, for case, letters outside ASCII, LIKE's
    special characters and line breaks."""
    from urllib.parse import quote

    from ai_register.solutions import services

    reg.create(name="åäö ÅÄÖ", purpose="Notes\nwarns of falls; a_b and x/y.")
    reg.create(name="Återbesök", purpose="Plans återbesök.")
    for n in range(3):
        reg.create(name=f"Sepsis {n}", purpose="Warns of sepsis.")

    def answers() -> list:
        return [client.get(f"{BASE}?q={quote(needle)}&sort={sort}&per_page=2&page={page}",
                           headers=reg.h(who)).get_json()
                for needle in NEEDLES for page in (1, 2) for who in ("compliance", "auditor")]

    kept = answers()
    monkeypatch.setattr(services, "_searches_kept_words", lambda *args: False)
    assert kept == answers()
    assert any(answer["total"] > 2 for answer in kept)


# --- a filtered search in one GIN scan (models.search_words, services._searches_filtered_words) -------------

FILTERED = ["phase=pilot", "care_unit=Akuten&sort=-name", "phase=needs_analysis&status=active&care_unit=Akuten",
            "care_unit=IVA&status=paused&sort=-next_review_on"]


def test_a_filtered_search_of_the_words_finds_what_the_solutions_match(reg, client, portfolio, monkeypatch,
                                                                       is_postgres):
    """A search with a phase or care-unit filter matches `lower(name) || '\\n' || lower(purpose)` (PostgreSQL,
    ix_solutions_filtered_search): the same matches, order and totals as `name ILIKE … OR purpose ILIKE …`,
    for every reader, with LIKE's special characters, letters outside ASCII and line breaks."""
    from urllib.parse import quote

    from ai_register.solutions import services

    reg.create(name="åäö ÅÄÖ", purpose="Notes\nwarns of falls; a_b and x/y.", care_units=["Akuten"])
    for n in range(3):
        reg.create(name=f"Sepsis {n}", purpose="Warns of sepsis 100%.", care_units=["Akuten", "IVA"])
    taken = []
    filtered_words = services._searches_filtered_words
    monkeypatch.setattr(services, "_searches_filtered_words", lambda *a: taken.append(filtered_words(*a)) or taken[-1])

    def answers() -> list:
        return [client.get(f"{BASE}?q={quote(needle)}&{filters}&per_page=2&page={page}",
                           headers=reg.h(who)).get_json()
                for needle in ("sepsis", "SEPSIS", "ä", "ÅÄÖ", "%", "100%", "_", "a_b", "x/y", "s\nw", "e", "zz")
                for filters in FILTERED for page in (1, 2) for who in ("compliance", "owner")]

    words = answers()
    assert any(taken) == is_postgres
    monkeypatch.setattr(services, "_searches_filtered_words", lambda *a: False)
    assert words == answers()
    assert sum(answer["total"] > 2 for answer in words) >= 8
