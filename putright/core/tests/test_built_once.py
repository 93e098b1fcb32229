"""Query builds kept for reuse (``core.built_once``: the queue's rows queryset, the letter
trouble ids, the case page's lists through ``jsonrows.prepared``) are refused when what they
build reads the clock: the first request's date would be kept for every later one."""

import pytest
from django.utils import timezone

from putright.complaints.models import Complaint, NonWorkingDay
from putright.core import built_once as registry
from putright.core import clock, jsonrows
from putright.core.built_once import BuiltDiffers, built_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(request):
    """A key of this test's own, forgotten afterwards."""
    name = ("test", request.node.name)
    yield name
    registry.forget(name)


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda: timezone.now(), id="timezone.now"),
        pytest.param(lambda: timezone.localdate(), id="timezone.localdate"),
        pytest.param(lambda: clock.today(), id="clock.today"),
    ],
)
def test_a_build_that_reads_the_clock_is_refused(key, when):
    with pytest.raises(BuiltDiffers, match="reads the date or time"):
        built_once(key, lambda: Complaint.objects.filter(received_on__lte=when()))
    assert Complaint.objects.filter(received_on__lte=timezone.localdate()).count() == 0


def test_a_build_that_reads_no_clock_is_built_once_and_kept(key):
    builds = []

    def build():
        builds.append(1)
        return Complaint.objects.filter(status="received").order_by()

    first = built_once(key, build)
    assert built_once(key, build) is first
    assert len(builds) == 2  # the check's second build, then never again


def test_the_clock_moves_on_only_for_the_check(key):
    """The check's second build sees a later clock; nothing else does, then or after."""
    seen = []

    def build():
        seen.append(clock.today())
        return None

    before = clock.today()
    built_once(key, build, fingerprint=lambda built, using: built)
    assert seen[0] == before < seen[1]
    assert clock.today() == before


def test_prepared_lists_that_read_the_clock_are_refused():
    """``jsonrows.prepared``: a list built with today's date in it (the closures from today)."""

    def lists(reference):
        closures = NonWorkingDay.objects.filter(day__gte=clock.today()).values("day")
        return {"closures": jsonrows.JSONRows(closures, ["day"])}

    try:
        with pytest.raises(BuiltDiffers):
            jsonrows.prepared("test_dated_lists", lists, "CMP-1")
    finally:
        registry.forget(("jsonrows.prepared", "test_dated_lists"))
