"""Review before sending (policy 6.4): drafts are versioned, a colleague approves or returns,
only approved responses are issued and sent, and the record shows who did what."""

import pytest

from putright.complaints.constants import DraftStatus
from putright.complaints.models import Response, ResponseDraft
from putright.complaints.services import DecisionInput
from putright.complaints.services.review import (
    ALREADY_IN_REVIEW,
    NOT_A_CASE_WORKER,
    NOT_IN_REVIEW,
    RETURN_NEEDS_COMMENTS,
    REVIEWER_IS_AUTHOR,
    response_draft_approve,
    response_draft_input,
    response_draft_return,
    response_draft_submit,
)
from putright.complaints.tests.stories import assert_refused, response_input, roof_repair
from putright.core.errors import RuleBroken

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(open_complaint):
    return open_complaint.stages.get(number=1)


@pytest.fixture
def draft(stage, handler, open_complaint):
    """Hamid's first draft of the stage 1 response, with an outstanding action."""
    owner_data = response_input(open_complaint, actions=[roof_repair(owner=handler)])
    return response_draft_submit(stage=stage, data=owner_data, actor=handler)


def test_a_submitted_draft_waits_for_review_and_nothing_is_issued(draft, stage):
    assert draft.version == 1
    assert draft.status == DraftStatus.IN_REVIEW
    assert not Response.objects.exists()
    assert stage.complaint.events.filter(code="response.submitted").count() == 1


def test_a_draft_reads_back_as_the_input_it_was_made_from(draft, open_complaint, handler):
    assert response_draft_input(draft) == response_input(
        open_complaint, actions=[roof_repair(owner=handler)]
    )


def test_the_author_cannot_approve_their_own_response(draft, handler):
    assert_refused(lambda: response_draft_approve(draft=draft, actor=handler), REVIEWER_IS_AUTHOR)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_a_read_only_viewer_cannot_review(draft, viewer):
    assert_refused(lambda: response_draft_approve(draft=draft, actor=viewer), NOT_A_CASE_WORKER)
    assert_refused(
        lambda: response_draft_return(draft=draft, actor=viewer, comments="No"),
        NOT_A_CASE_WORKER,
    )


def test_a_viewer_cannot_submit_a_draft(stage, viewer, open_complaint):
    with pytest.raises(RuleBroken) as refused:
        response_draft_submit(stage=stage, data=response_input(open_complaint), actor=viewer)
    assert refused.value.message == NOT_A_CASE_WORKER


def test_returning_a_draft_needs_comments(draft, second_handler):
    assert_refused(
        lambda: response_draft_return(draft=draft, actor=second_handler, comments=" "),
        RETURN_NEEDS_COMMENTS,
    )


def test_a_returned_draft_is_revised_as_version_two_and_then_approved(
    draft, stage, handler, second_handler, open_complaint, django_capture_on_commit_callbacks
):
    response_draft_return(
        draft=draft, actor=second_handler, comments="Say when the roofer will come."
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    assert draft.review_comments == "Say when the roofer will come."
    revised = response_draft_submit(
        stage=stage,
        data=response_input(open_complaint, summary="The roofer comes on 9 March."),
        actor=handler,
    )
    draft.refresh_from_db()
    assert (revised.version, draft.status) == (2, DraftStatus.SUPERSEDED)
    with django_capture_on_commit_callbacks(execute=True):
        response_draft_approve(draft=revised, actor=second_handler)
    assert Response.objects.get().summary == "The roofer comes on 9 March."
    assert list(
        ResponseDraft.objects.filter(stage=stage)
        .order_by("version")
        .values_list("version", "status", "author__username", "reviewer__username")
    ) == [
        (1, "superseded", "hamid", "hannah"),
        (2, "approved", "hamid", "hannah"),
    ]
    codes = [
        c
        for c in open_complaint.events.order_by("id").values_list("code", flat=True)
        if c.startswith("response.")
    ]
    assert codes == [
        "response.submitted",
        "response.returned",
        "response.submitted",
        "response.approved",
    ]


def test_only_one_version_can_wait_for_review(draft, stage, handler, open_complaint):
    with pytest.raises(RuleBroken) as refused:
        response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    assert refused.value.message == ALREADY_IN_REVIEW.format(version=1)


def test_an_approved_draft_cannot_be_approved_again(
    draft, officer, second_handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response_draft_approve(draft=draft, actor=officer)
    with pytest.raises(RuleBroken) as refused:
        response_draft_approve(draft=draft, actor=second_handler)
    assert refused.value.message == NOT_IN_REVIEW


def test_a_draft_missing_a_decision_is_refused_at_submission(stage, handler, open_complaint):
    data = response_input(
        open_complaint, decisions=[DecisionInput(point=1, outcome="upheld", reasons="Yes.")]
    )
    with pytest.raises(RuleBroken) as refused:
        response_draft_submit(stage=stage, data=data, actor=handler)
    assert "Missing: point 2." in refused.value.message
    assert not ResponseDraft.objects.exists()
    assert not Response.objects.exists()


def test_a_registered_response_check_can_refuse_a_draft(
    stage, handler, open_complaint, monkeypatch
):
    from putright.complaints import hooks

    def refuse(checked_stage, data):
        assert checked_stage.pk == stage.pk
        raise RuleBroken("Not today.")

    monkeypatch.setattr(hooks, "_response_checks", [])
    hooks.register_response_check(refuse)
    hooks.register_response_check(refuse)  # registering twice runs it once
    assert hooks._response_checks == [refuse]
    with pytest.raises(RuleBroken) as refused:
        response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    assert refused.value.message == "Not today."
    assert not ResponseDraft.objects.exists()
