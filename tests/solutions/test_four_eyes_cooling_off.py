"""Four eyes on transition requests (issue #19 item 11): an officer who stepped down as co-owner shortly
before the request may not decide it while the cooling-off period runs."""

from __future__ import annotations

from tests.helpers import four_eyes_bar


def test_a_former_co_owner_may_not_decide_a_request_made_after_stepping_down(reg, users, open_gates):
    sid = reg.create("compliance", owner_id=users["owner"].id, co_owner_ids=[users["compliance2"].id],
                     need_statement="Need.")["id"]
    assert reg.patch(sid, {"co_owner_ids": []}, who="compliance2").status_code == 200
    request = reg.transition(sid, "pilot").get_json()
    refused = reg.approve(request["id"], who="compliance2")
    assert four_eyes_bar(refused) == "cooling_off"
    assert reg.get(sid).get_json()["phase"] == "needs_analysis"
    assert reg.approve(request["id"], who="compliance").status_code == 200


def test_without_a_cooling_off_period_the_former_co_owner_may_decide(app, reg, users, open_gates):
    app.config["FOUR_EYES_COOLING_OFF_DAYS"] = 0
    sid = reg.create("compliance", owner_id=users["owner"].id, co_owner_ids=[users["compliance2"].id],
                     need_statement="Need.")["id"]
    assert reg.patch(sid, {"co_owner_ids": []}, who="compliance2").status_code == 200
    request = reg.transition(sid, "pilot").get_json()
    assert reg.approve(request["id"], who="compliance2").status_code == 200
