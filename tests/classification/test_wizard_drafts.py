"""The classification wizard keeps the answers at every step: leaving half-way loses nothing, coming back
resumes at the first unanswered step with the earlier answers filled, the step list goes to any step,
and the stored version's answers link back to their steps."""

from __future__ import annotations

from ai_register.audit.models import AuditEvent
from ai_register.classification.models import AnswerDraft, Classification
from ai_register.extensions import db
from tests.answers import NOT_LISTED as MINIMAL_ANSWERS
from tests.webclient import answer_wizard, hidden, text
from tests.webclient import register_solution as _register


def _step(client, url: str, page: str, answers: dict, **extra):
    """Post the shown questions of `page` with their answers from `answers` (absent: not posted)."""
    data = {"answers": hidden(page, "answers"), "step": hidden(page, "step"), "shown": hidden(page, "shown"),
            "action": "next", **extra}
    for qid in [q for q in data["shown"].split(",") if q]:
        value = answers.get(qid)
        if isinstance(value, list):
            data[f"q-{qid}"] = value or ["__none__"]
        elif value is not None:
            data[f"q-{qid}"] = value
    response = client.post(url, data)
    assert response.status_code == 200, text(response)[:1500]
    return text(response)


def _next(client, url: str, page: str, answers: dict) -> str:
    """Answer one step to its end (a step shows questions that wait for an answer above them after it)."""
    here = hidden(page, "step")
    for _ in range(4):
        page = _step(client, url, page, answers)
        if hidden(page, "step") != here:
            return page
    raise AssertionError("the step did not end")


def _draft(solution_id: int) -> AnswerDraft:
    db.session.expire_all()
    return db.session.scalars(db.select(AnswerDraft).where(AnswerDraft.solution_id == solution_id)).one()


def test_leaving_half_way_loses_nothing_and_coming_back_resumes(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    page = text(owner.get(url))
    assert "Dina svar sparas vid varje steg" in page
    page = _next(owner, url, page, MINIMAL_ANSWERS)  # step 1
    page = _next(owner, url, page, MINIMAL_ANSWERS)  # step 2
    third = hidden(page, "step")
    draft = _draft(solution.id)
    assert draft.open and draft.answers["ai_system"] == "yes" and draft.answers["role"] == "deployer"
    assert draft.updated_by_id == owner.user.id
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.entity_type == "classification_draft")) >= 2

    # Away and back (a new page load): the wizard opens at the first unanswered step, earlier answers kept.
    page = text(owner.get(url))
    assert hidden(page, "step") == third
    assert '"role": "deployer"' in hidden(page, "answers")
    assert "Senast sparat" in page and owner.user.display_name in page
    # The step list goes back to step 1 with its answer checked, keeping this step's answers first.
    page = text(owner.post(url, {"answers": hidden(page, "answers"), "step": third, "shown": "",
                                 "goto": "0"}))
    assert hidden(page, "step") == "0"
    assert 'id="q-ai_system-yes" name="q-ai_system" value="yes" checked' in page
    assert 'aria-current="step"' in page and 'data-test="goto-1"' in page  # the others are buttons


def test_a_question_left_open_on_purpose_is_not_asked_first_again(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    page = text(owner.get(url))
    answers = {**MINIMAL_ANSWERS, "excluded_purpose": "__open__"}
    page = _next(owner, url, page, answers)
    second = hidden(page, "step")
    assert "excluded_purpose" not in _draft(solution.id).answers
    assert hidden(text(owner.get(url)), "step") == second


def test_the_working_copy_keeps_a_co_owners_answers_to_other_steps(web, users):
    owner, compliance = web("owner"), web("compliance")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    first = text(owner.get(url))
    page = _next(owner, url, first, MINIMAL_ANSWERS)
    # Compliance (may write) answers step 2 from a page loaded now; the owner re-posts step 1 from the old page.
    _next(compliance, url, page, MINIMAL_ANSWERS)
    _step(owner, url, first, {**MINIMAL_ANSWERS, "ai_system": "yes"})
    answers = _draft(solution.id).answers
    assert answers["role"] == "deployer" and answers["ai_system"] == "yes"


def test_storing_a_version_closes_the_working_copy_and_answers_link_back(web):
    owner = web("owner")
    solution = _register(owner)
    response, sections = answer_wizard(owner, solution.id, MINIMAL_ANSWERS, final="save")
    assert response.status_code == 302
    draft = _draft(solution.id)
    assert not draft.open and draft.stored_version == 1
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.answers == {k: v for k, v in draft.answers.items()}

    # The stored version's answers link to their steps; a new visit starts from them at step 1.
    page = text(owner.get(f"/solutions/{solution.id}/classifications/{stored.id}"))
    assert f'href="/solutions/{solution.id}/classify?step=0#q-ai_system"' in page
    assert f'href="/solutions/{solution.id}/classify?step=1#q-role"' in page
    page = text(owner.get(f"/solutions/{solution.id}/classify?step=1"))
    assert hidden(page, "step") == "1" and 'value="deployer" checked' in page
    assert "Senast sparat" not in page
    assert hidden(text(owner.get(f"/solutions/{solution.id}/classify")), "step") == "0"


def test_the_result_step_links_each_answer_to_its_step_and_discarding_starts_over(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    page = text(owner.get(url))
    while hidden(page, "shown"):
        page = _step(owner, url, page, MINIMAL_ANSWERS)
    assert 'data-test="your-answers"' in page
    assert f'href="{url}?step=1#q-role"' in page
    # Back later: everything is answered, so the wizard opens at the result.
    assert 'data-test="your-answers"' in text(owner.get(url))

    response = owner.post(url, {"action": "discard"})
    assert response.status_code == 302
    assert not _draft(solution.id).open
    page = text(owner.get(url))
    assert hidden(page, "step") == "0" and '"role"' not in hidden(page, "answers")
    assert not db.session.scalars(db.select(Classification)).all()

