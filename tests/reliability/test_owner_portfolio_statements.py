"""An owner's portfolio is kept for them (portfolio.readers): its web page and API send as many statements
for an owner of 60 solutions as for an owner of 3 (test_query_counts grows another owner's register; this one
grows the owner's own), both on the read that writes their kept rows again after a bulk load and on the next."""

from __future__ import annotations

from ai_register.extensions import db

from .test_query_counts import _add_register, _web_get, statements_for

URLS = [("/portfolio", True), ("/portfolio?sort=name&critical=false", True), ("/api/v1/portfolio", False),
        ("/api/v1/portfolio?per_page=2&page=2&sort=-yearly_net_benefit", False)]


def test_an_owners_portfolio_sends_as_many_statements_for_many_own_solutions_as_for_few(
        app, client, users, auth, without_auth_cache):
    own = users["owner"]
    _add_register(own.id, 3, 0)

    def measure() -> dict:
        counts = {}
        for url, page in URLS:
            passes = []
            for _ in range(2):  # the first read after a bulk load writes the kept rows again; the second reads
                statements = _web_get(app, own, url) if page else statements_for(client, url, auth(own))
                db.session.rollback()
                passes.append(len(statements))
            counts[url] = tuple(passes)
        return counts

    few = measure()
    _add_register(own.id, 57, 3)
    many = measure()
    assert client.get("/api/v1/portfolio", headers=auth(own)).get_json()["total"] == 60
    assert many == few
