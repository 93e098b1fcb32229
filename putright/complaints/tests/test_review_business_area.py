"""Responses are reviewed by "an appropriate member of the relevant business area" (policy
6.4): each category names the team that reviews its responses, and the review step offers
and enforces reviewers from it (issue 18)."""

import pytest

from putright.accounts import factories as staff
from putright.complaints.constants import DraftStatus
from putright.complaints.services.review import (
    REVIEWER_NOT_IN_AREA,
    eligible_reviewers,
    response_draft_approve,
    response_draft_return,
    response_draft_submit,
)
from putright.complaints.tests.stories import response_input
from putright.core.errors import RuleBroken

pytestmark = pytest.mark.django_db


@pytest.fixture
def repairs_reviewed(category):
    category.review_team = "Repairs"
    category.save()
    return category


@pytest.fixture
def draft(open_complaint, handler, repairs_reviewed):
    stage = open_complaint.stages.get(number=1)
    return response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)


@pytest.fixture
def hannah(db):
    """Hannah Lee, a handler in the Repairs team."""
    return staff.handler(username="hannah", first_name="Hannah", last_name="Lee", team="Repairs")


def test_a_colleague_outside_the_business_area_cannot_approve(draft, second_handler):
    # second_handler is in the Complaints team; repairs responses are reviewed by Repairs.
    with pytest.raises(RuleBroken) as refused:
        response_draft_approve(draft=draft, actor=second_handler)
    assert refused.value.message == REVIEWER_NOT_IN_AREA.format(category="repairs", team="Repairs")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_a_colleague_outside_the_business_area_cannot_return_it_either(draft, second_handler):
    with pytest.raises(RuleBroken):
        response_draft_return(draft=draft, actor=second_handler, comments="Looks fine to me.")


def test_a_member_of_the_business_area_approves(draft, hannah):
    response = response_draft_approve(draft=draft, actor=hannah)
    draft.refresh_from_db()
    assert (draft.status, draft.reviewer, draft.response) == (
        DraftStatus.APPROVED,
        hannah,
        response,
    )


def test_the_review_step_offers_only_the_business_areas_reviewers(
    draft, hannah, second_handler, officer
):
    staff.mrc(username="vic", team="Repairs")  # oversight only: never a reviewer
    assert eligible_reviewers(draft) == [hannah]


def test_without_a_setting_any_colleague_but_the_author_reviews(
    open_complaint, handler, second_handler, category
):
    stage = open_complaint.stages.get(number=1)
    draft = response_draft_submit(stage=stage, data=response_input(open_complaint), actor=handler)
    assert second_handler in eligible_reviewers(draft)
    assert handler not in eligible_reviewers(draft)
    response_draft_approve(draft=draft, actor=second_handler)


def test_the_review_page_names_the_business_area_and_its_reviewers(client, draft, hannah):
    client.force_login(hannah)
    page = client.get(f"/letters/reviews/{draft.pk}/").content.decode()
    assert "Reviewed by the Repairs team, the relevant business area (policy 6.4)" in page
    assert "Hannah Lee" in page
