"""Optional historical dates on the complaint services, defaulting to today."""

from datetime import date

import pytest

from putright.complaints import services
from putright.complaints.calendar import calendar_pinned, landlord_history
from putright.complaints.models import NonWorkingDay
from putright.complaints.tests.stories import acknowledged, received, stage_of
from putright.core.errors import InvalidInput
from putright.core.validation import DATE_IN_FUTURE
from putright.imports.tests.conftest import TODAY
from putright.people.factories import ResidentFactory

PAST = date(2026, 2, 2)


@pytest.fixture
def complaint(handler):
    return received(resident=ResidentFactory(), actor=handler, on=PAST)


def extend(complaint, actor, **kwargs):
    return services.stage_extend(
        stage=stage_of(complaint),
        new_due=date(2026, 2, 20),
        reason="Survey",
        resident_informed_on=date(2026, 2, 10),
        update_interval_days=5,
        actor=actor,
        **kwargs,
    )


def test_an_extension_can_be_dated_in_the_past(complaint, handler):
    complaint = acknowledged(complaint, actor=handler, on=PAST)
    extend(complaint, handler, extended_on=date(2026, 2, 10))
    assert complaint.events.get(code="stage.extended").happened_on == date(2026, 2, 10)


def test_an_extension_is_dated_today_when_no_date_is_given(complaint, handler):
    complaint = acknowledged(complaint, actor=handler, on=PAST)
    extend(complaint, handler)
    assert complaint.events.get(code="stage.extended").happened_on == TODAY


def test_an_extension_cannot_be_dated_in_the_future(complaint, handler):
    complaint = acknowledged(complaint, actor=handler, on=PAST)
    with pytest.raises(InvalidInput) as refused:
        extend(complaint, handler, extended_on=date(2026, 3, 3))
    assert (refused.value.message, refused.value.field) == (DATE_IN_FUTURE, "extended_on")
    assert not complaint.events.filter(code="stage.extended").exists()


def test_definition_points_can_carry_the_acknowledgement_date(complaint, handler):
    complaint = acknowledged(complaint, actor=handler, on=PAST, points_added_on=PAST)
    assert set(complaint.points.values_list("added_on", flat=True)) == {PAST}


def test_definition_points_are_dated_today_by_default(complaint, handler):
    complaint = acknowledged(complaint, actor=handler, on=PAST)
    assert set(complaint.points.values_list("added_on", flat=True)) == {TODAY}


@pytest.mark.django_db
def test_a_pinned_calendar_is_read_once_for_a_whole_batch(django_assert_num_queries):
    with calendar_pinned() as pinned:
        NonWorkingDay.objects.create(day=date(2026, 3, 4), reason="Training", decided_on=PAST)
        with django_assert_num_queries(0):
            assert landlord_history() is pinned
            assert landlord_history() is pinned
    assert pinned.closures == ()  # the closure added inside the batch is not in its calendar
    with django_assert_num_queries(1):  # the pin gone, the closures are read again
        assert [c.reason for c in landlord_history().closures] == ["Training"]
