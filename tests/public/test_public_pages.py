"""The public register citizens read: search, filters and paging on the server, a page per solution in
plain Swedish and English, the same page as open data, a friendly 404, no personal names, and the
accessibility the law asks of a public website (one h1, heading order, labels, landmarks, language)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ai_register.extensions import db
from ai_register.public import queries
from ai_register.solutions.models import Solution
from tests.public.test_public import _private_strings, anonymous_get
from tests.reports.conftest import NEW_NAME, register_solution
from tests.web.conftest import compile_catalogs

DETAIL_KEYS = {
    "id", "name", "purpose", "care_units", "phase", "phase_label", "status", "status_label", "ai_act_category",
    "ai_act_category_label", "oversight_role", "what_it_does", "why", "data_used", "user_groups", "kind",
    "kind_meaning",    "sourcing", "sourcing_meaning", "ai_act_category_meaning", "device_class", "device_class_label",
    "device_class_meaning", "phase_meaning", "paused_meaning", "phase_since", "in_use_since", "personal_data",
    "health_data", "data_meaning", "legal_basis", "oversight_measures", "oversight_meaning", "organisation",
    "contact", "updated_at",
}


@pytest.fixture(scope="module", autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def register(client, auth, users, story):
    """The story's high-risk solution (public, needs analysis, Akutmottagningen) and three more: a forecast
    in management at two units, a paused chatbot (not classified), and one that is not public."""
    owner = users["owner"]
    forecast = register_solution(
        client, auth, owner, name="Prognos för akutbesök", purpose="Räknar ut hur många som kommer till akuten.",
        care_units=["Akutmottagningen Gällivare", "Akutmottagningen Sunderby sjukhus"],
        intended_use="Cheferna ser prognosen när de planerar.", legal_basis="Inga personuppgifter behandlas.",
        processes_personal_data=False, processes_health_data=False, sourcing="in_house")
    chat = register_solution(client, auth, owner, name="Chattbot för 1177", purpose="Svarar på frågor om öppettider.",
                             care_units=["1177 Norrbotten"], kind="generative")
    hidden = register_solution(client, auth, users["owner2"], name="Hemlig intern lösning", public=False)
    # Phases and a category as the register's transitions and reviews leave them (their own tests cover how).
    db.session.get(Solution, forecast).phase = "management"
    db.session.get(Solution, forecast).current_ai_act_category = "minimal_risk"
    db.session.get(Solution, chat).phase, db.session.get(Solution, chat).status = "pilot", "paused"
    db.session.commit()
    return {"story": story.solution_id, "forecast": forecast, "chat": chat, "hidden": hidden}


def _names(body) -> list[str]:
    return [entry["name"] for entry in body["items"]]


# --------------------------------------------------------------------------- open data: search and filters

def test_open_data_searches_and_filters_on_the_server(client, register):
    def get(query):
        response = client.get(f"/api/v1/public/solutions?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    assert _names(get("")) == ["Chattbot för 1177", "Prognos för akutbesök", NEW_NAME]
    assert _names(get("q=PROGNOS")) == ["Prognos för akutbesök"]  # name, any case
    assert _names(get("q=%C3%B6ppettider")) == ["Chattbot för 1177"]  # purpose
    assert _names(get("q=Hemlig")) == []  # never a non-public one
    assert _names(get("q=100%25")) == []  # a wildcard is a character
    assert _names(get("phase=management")) == ["Prognos för akutbesök"]
    assert _names(get("ai_act_category=high_risk")) == [NEW_NAME]
    assert _names(get("ai_act_category=not_classified")) == ["Chattbot för 1177"]
    assert _names(get("care_unit=Akutmottagningen%20Sunderby%20sjukhus")) == ["Prognos för akutbesök", NEW_NAME]
    assert _names(get("care_unit=Akutmottagningen%20Sunderby%20sjukhus&phase=needs_analysis")) == [NEW_NAME]
    paged = get("care_unit=Akutmottagningen%20Sunderby%20sjukhus&per_page=1&page=2")
    assert paged["total"] == 2 and _names(paged) == [NEW_NAME]
    csv = client.get("/api/v1/public/solutions?format=csv&phase=management").get_data(as_text=True)
    assert "Prognos för akutbesök" in csv and NEW_NAME not in csv and "Chattbot" not in csv


@pytest.mark.parametrize("query", ["phase=nonsense", "ai_act_category=risky", "q=" + "x" * 201, "care_unit=",
                                   "sort=name"])
def test_open_data_refuses_a_filter_it_does_not_know(client, query):
    response = client.get(f"/api/v1/public/solutions?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


# --------------------------------------------------------------------------- one solution as open data

def test_each_page_as_open_data(app, client, users, register):
    app.config["ORGANISATION"] = {"name": "Region Norrbotten", "contact": "ai-registret@norrbotten.example"}
    public_id = queries.opaque_id(register["story"])
    response = client.get(f"/api/v1/public/solutions/{public_id}")  # no token
    assert response.status_code == 200, response.get_data(as_text=True)
    entry = response.get_json()
    assert set(entry) == DETAIL_KEYS
    assert entry["id"] == public_id and entry["name"] == NEW_NAME
    assert entry["ai_act_category"] == "high_risk"
    assert entry["ai_act_category_meaning"]["sv"].startswith("EU:s AI-förordning räknar lösningen som högrisk.")
    assert entry["ai_act_category_meaning"]["en"].startswith("The EU AI Act counts this solution as high risk.")
    # Annex III 5(a) and no medical purpose: classified, not a device.
    assert entry["device_class"] is None and entry["device_class_label"] == {
        "sv": "Inte en medicinteknisk produkt", "en": "Not a medical device"}
    assert entry["phase_meaning"]["sv"] == ("Regionen utreder om lösningen behövs och passar. "
                                            "Den används inte i vården ännu.")
    assert entry["in_use_since"] is None  # never in pilot
    assert entry["oversight_role"] == "Verksamhetschef, Akutmottagningen"
    codes = [m["code"] for m in entry["oversight_measures"]]
    assert codes[:3] == ["authority_to_suspend", "can_disregard_override_reverse", "can_interrupt_stop"]
    assert entry["oversight_measures"][1]["text"]["sv"] == ("Personalen som använder lösningen kan alltid bortse "
                                                            "från eller ändra det den föreslår.")
    assert entry["organisation"] == "Region Norrbotten" and entry["contact"] == "ai-registret@norrbotten.example"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*\+00:00", entry["updated_at"])
    raw = response.get_data(as_text=True)
    for private in _private_strings(users):
        if private != "@":  # the region's own contact address is public
            assert private not in raw, private

    forecast = client.get(f"/api/v1/public/solutions/{queries.opaque_id(register['forecast'])}").get_json()
    assert forecast["data_meaning"]["en"] == "The solution uses no information about individual people."
    assert forecast["sourcing_meaning"]["sv"] == "Regionen har själv byggt lösningen."
    # No public description yet: the register's own records, in Swedish.
    assert forecast["legal_basis"] == {"sv": "Inga personuppgifter behandlas.", "en": None}
    assert forecast["what_it_does"] == {"sv": "Cheferna ser prognosen när de planerar.", "en": None}
    assert forecast["data_used"] == {"sv": None, "en": None}
    assert forecast["oversight_measures"] == [] and forecast["oversight_meaning"]["sv"].startswith(
        "Regionen har ännu inte utsett")
    chat = client.get(f"/api/v1/public/solutions/{queries.opaque_id(register['chat'])}").get_json()
    assert chat["paused_meaning"]["sv"] == "Användningen är pausad tills vidare."
    assert chat["ai_act_category"] is None and chat["device_class_label"]["sv"] == "Inte bedömt ännu"


def test_the_page_shows_names_only_when_the_region_publishes_them(app, client, register):
    url = f"/api/v1/public/solutions/{queries.opaque_id(register['story'])}"
    assert "Åsa Öberg" not in client.get(url).get_data(as_text=True)
    app.config["PUBLIC_SHOW_OVERSIGHT_NAMES"] = True
    assert client.get(url).get_json()["oversight_name"] == "Åsa Öberg"
    assert "Åsa Öberg" in anonymous_get(client, f"/public/solutions/{queries.opaque_id(register['story'])}").get_data(
        as_text=True)


def test_an_unknown_or_hidden_solution_is_not_found(client, register):
    hidden = queries.opaque_id(register["hidden"])
    for public_id in (hidden, "0" * 20, "not-an-id", "F" * 20, str(register["story"])):
        response = client.get(f"/api/v1/public/solutions/{public_id}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json", public_id
        assert response.get_json()["code"] == "not_found"
        page = anonymous_get(client, f"/public/solutions/{public_id}")
        assert page.status_code == 404
        html = page.get_data(as_text=True)
        assert "Lösningen hittades inte" in html and "Hemlig intern lösning" not in html
        assert 'href="/public?lang=sv"' in html  # the way back to the register
    # A solution the region stops publishing disappears from its old address.
    story = queries.opaque_id(register["story"])
    db.session.get(Solution, register["story"]).public = False
    db.session.commit()
    assert client.get(f"/api/v1/public/solutions/{story}").status_code == 404


def test_the_public_id_is_a_keyed_permutation(app):
    ids = [queries.opaque_id(n) for n in (1, 2, 3, 10**9)]
    assert len(set(ids)) == 4 and all(re.fullmatch(r"[0-9a-f]{20}", i) for i in ids)
    assert [queries.solution_id_of(i) for i in ids] == [1, 2, 3, 10**9]
    assert queries.solution_id_of(ids[0][:-1] + ("0" if ids[0][-1] != "0" else "1")) is None
    app.config["SECRET_KEY"] = "another-instance-secret-" + "z" * 40
    assert queries.solution_id_of(ids[0]) is None and queries.opaque_id(1) != ids[0]


# --------------------------------------------------------------------------- the pages

def test_the_list_searches_filters_and_links_each_page_without_javascript(client, register):
    html = anonymous_get(client, "/public?q=prognos").get_data(as_text=True)
    assert '<form class="filters" method="get" action="/public"' in html
    assert re.search(r'<input type="search" id="q" name="q" value="prognos"', html)
    assert "1 lösning stämmer med sökningen" in html
    assert f'href="/public/solutions/{queries.opaque_id(register["forecast"])}?lang=sv"' in html
    assert "Chattbot för 1177" not in html
    # The care-unit filter offers the units of the public solutions only, each once.
    units = re.findall(r'<option value="([^"]+)"', _select(html, "care_unit"))
    assert units == ["1177 Norrbotten", "Akutmottagningen Gällivare", "Akutmottagningen Sunderby sjukhus"]
    html = anonymous_get(client, "/public?phase=pilot&ai_act_category=not_classified").get_data(as_text=True)
    assert "Chattbot för 1177" in html and "(pausad)" in html and "Prognos" not in html
    assert '<option value="pilot" selected>' in html
    html = anonymous_get(client, "/public?q=finns+inte").get_data(as_text=True)
    assert "Ingen lösning stämmer med din sökning." in html
    # A value the form does not offer is no filter, not an error page.
    assert anonymous_get(client, "/public?phase=nonsense&page=x").status_code == 200


def test_the_list_pages_on_the_server(client, register, monkeypatch):
    from ai_register.public import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = anonymous_get(client, "/public?lang=en").get_data(as_text=True)
    assert "3 solutions · page 1 of 2" in first and first.count('class="card public-entry"') == 2
    assert 'href="/public?lang=en&amp;page=2"' in first
    second = anonymous_get(client, "/public?lang=en&page=2").get_data(as_text=True)
    assert second.count('class="card public-entry"') == 1 and NEW_NAME in second
    beyond = anonymous_get(client, "/public?page=9").get_data(as_text=True)
    assert "Sidan finns inte." in beyond


def test_a_solution_page_in_plain_swedish_and_english(client, users, register):
    public_id = queries.opaque_id(register["story"])
    swedish = anonymous_get(client, f"/public/solutions/{public_id}")
    assert swedish.status_code == 200
    html = swedish.get_data(as_text=True)
    for words in ("Vad gör lösningen och varför?", "Var används den och sedan när?", "Hur långt har regionen kommit?",
                  "Vad säger lagen om den?", "Hur behåller människor kontrollen?", "Vilka uppgifter använder den?",
                  "Vem ansvarar och hur kontaktar jag er?", "EU:s AI-förordning räknar lösningen som högrisk.",
                  "Inte en medicinteknisk produkt", "Verksamhetschef, Akutmottagningen", "Senast uppdaterad",
                  "Används inte ännu"):
        assert words in html, words
    assert f'href="/api/v1/public/solutions/{public_id}"' in html  # this page as open data
    english = anonymous_get(client, f"/public/solutions/{public_id}?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english and "What does the law say about it?" in english
    assert "The EU AI Act counts this solution as high risk." in english
    # The region's own Swedish text is marked as Swedish on the English page.
    assert '<p class="lead" lang="sv">Stöd för prioritering av patienter på akuten.</p>' in english
    assert f'href="/public/solutions/{public_id}?lang=sv"' in english  # the other language, same page
    for page in (html, english):
        for private in _private_strings(users):
            if private != "@":
                assert private not in page, private
        assert "mailto:" not in page  # no contact configured: no address invented


def test_the_accessibility_statement_follows_digg_s_model(app, client):
    app.config["ORGANISATION"] = {"name": "Region Norrbotten", "contact": "tillganglighet@norrbotten.example"}
    html = anonymous_get(client, "/public/accessibility").get_data(as_text=True)
    for part in ("Region Norrbotten står bakom den här webbplatsen.", "Hur tillgänglig är webbplatsen?",
                 "Rapportera brister i webbplatsens tillgänglighet", "tillganglighet@norrbotten.example",
                 "Tillsyn", "Myndigheten för digital förvaltning (DIGG)", 'href="https://www.digg.se/tdosanmalan"',
                 "Innehåll som inte är tillgängligt", "Hur vi testat webbplatsen", "WCAG 2.1",
                 "Redogörelsen uppdaterades senast den 2026-12-06."):
        assert part in html, part


def test_public_pages_have_the_structure_assistive_technology_needs(client, register):
    story = queries.opaque_id(register["story"])
    for url in ("/public", "/public?q=prognos", f"/public/solutions/{story}", f"/public/solutions/{story}?lang=en",
                "/public/accessibility", "/public/solutions/0000"):
        html = anonymous_get(client, url).get_data(as_text=True)
        page = Outline()
        page.feed(html)
        assert re.search(r'<html lang="(sv|en)"', html), url
        assert page.levels.count(1) == 1, (url, page.levels)  # one h1
        assert all(b - a <= 1 for a, b in zip(page.levels, page.levels[1:], strict=False)), (url, page.levels)
        assert {"header", "nav", "main", "footer"} <= page.landmarks, url
        assert page.links[0] == "#main", url  # the skip link comes first
        assert not page.unlabelled(), (url, page.unlabelled())
        assert 'href="/public/accessibility?lang=' in html, url  # the statement, from every public footer


def _select(html: str, name: str) -> str:
    return re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S).group(1)


class Outline(HTMLParser):
    """Headings, landmarks, links and form fields of a page, and which fields have a label."""

    def __init__(self):
        super().__init__()
        self.levels, self.landmarks, self.links = [], set(), []
        self.fields, self.labels = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.add(tag)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs)

    def unlabelled(self) -> list[dict]:
        return [f for f in self.fields if f.get("id") not in self.labels and not f.get("aria-label")]


def test_the_care_unit_filter_follows_every_write_to_the_solutions(client, auth, users):
    """The filter's units are counted as solutions are written (PostgreSQL: public_care_units, kept by a
    trigger): registering, editing the units, leaving the public register, a bulk UPDATE, and a solution
    that lists a unit twice all leave exactly the units of the public solutions, each once."""
    from sqlalchemy import select, update

    from ai_register.public.models import PublicCareUnit
    from tests.reports.conftest import etag

    owner = users["owner"]
    headers = auth(owner)

    def patch(solution_id, **changes):
        response = client.patch(f"/api/v1/solutions/{solution_id}", json={**changes, "reason": "test"},
                                headers={**headers, "If-Match": etag(client, headers, solution_id)})
        assert response.status_code == 200, response.get_json()

    def expected() -> dict[str, int]:
        counts: dict[str, int] = {}
        for units in db.session.scalars(select(Solution.care_units).where(Solution.public.is_(True))):
            for unit in set(units):
                counts[unit] = counts.get(unit, 0) + 1
        return counts

    def check():
        db.session.expire_all()
        assert queries.care_unit_options() == sorted(expected())
        if db.session.get_bind().dialect.name == "postgresql":
            assert dict(db.session.execute(select(PublicCareUnit.unit, PublicCareUnit.solutions))
                        .tuples().all()) == expected()

    first = register_solution(client, auth, owner, name="Först", care_units=["Ortopedi", "Kirurgi", "Ortopedi"])
    second = register_solution(client, auth, owner, name="Andra", care_units=["Kirurgi"])
    register_solution(client, auth, owner, name="Intern", care_units=["Hemlig enhet"], public=False)
    check()
    assert queries.care_unit_options() == ["Kirurgi", "Ortopedi"]
    patch(first, care_units=["Kirurgi", "Onkologi"])
    check()
    patch(second, public=False)
    check()
    assert queries.care_unit_options() == ["Kirurgi", "Onkologi"]
    db.session.execute(update(Solution).where(Solution.name == "Intern").values(public=True, care_units=["BUP"]))
    db.session.commit()
    check()
    assert queries.care_unit_options() == ["BUP", "Kirurgi", "Onkologi"]
    patch(first, public=False)
    check()
    assert queries.care_unit_options() == ["BUP"]
