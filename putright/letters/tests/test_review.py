"""Review before sending, as the letters app takes part: the response letter goes out only
once a colleague approves, and a draft whose letter would miss what the Code requires is
refused through the complaints response-check hook."""

import pytest

from putright.complaints.constants import DraftStatus
from putright.complaints.models import Response, ResponseDraft
from putright.complaints.services.review import response_draft_approve, response_draft_submit
from putright.complaints.tests.stories import response_input, roof_repair
from putright.letters.constants import LetterKind
from putright.letters.gate import LetterIncomplete
from putright.letters.models import Letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(open_complaint):
    return open_complaint.stages.get(number=1)


@pytest.fixture
def draft(stage, handler, open_complaint):
    """Hamid's first draft of the stage 1 response, with an outstanding action."""
    owner_data = response_input(open_complaint, actions=[roof_repair(owner=handler)])
    return response_draft_submit(stage=stage, data=owner_data, actor=handler)


def test_a_submitted_draft_sends_no_letter(draft):
    assert not Response.objects.exists()
    assert not Letter.objects.filter(kind=LetterKind.RESPONSE).exists()


def test_a_colleague_approves_and_the_response_is_issued_and_sent(
    draft, officer, handler, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = response_draft_approve(draft=draft, actor=officer, comments="Clear, thanks.")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    assert draft.reviewer == officer
    assert draft.response == response
    assert response.author == handler  # the author stays the author
    letter = Letter.objects.get(kind=LetterKind.RESPONSE)
    assert [m.subject for m in mailoutbox] == [letter.subject]
    approved = draft.stage.complaint.events.get(code="response.approved")
    assert approved.actor == officer
    assert approved.data["author"] == "hamid"
    assert approved.data["reviewer"] == "olivia"


def test_a_final_response_draft_without_ombudsman_details_is_refused(
    open_complaint, handler, second_handler, settings, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import acknowledged, escalated, responded

    with django_capture_on_commit_callbacks(execute=True):
        complaint = escalated(responded(open_complaint, actor=handler), actor=handler)
        complaint = acknowledged(complaint, actor=second_handler, handler=second_handler)
    settings.PUTRIGHT_OMBUDSMAN_ONLINE_FORM = ""
    with pytest.raises(LetterIncomplete) as refused:
        response_draft_submit(
            stage=complaint.stages.get(number=2),
            data=response_input(complaint),
            actor=second_handler,
        )
    assert refused.value.message == (
        "This letter cannot be sent: it is missing what the Code requires. "
        "(g) How to take the complaint to the Housing Ombudsman if still dissatisfied – "
        "the Ombudsman's online form missing (Code 6.19(g))."
    )
    assert not ResponseDraft.objects.filter(stage__number=2).exists()
