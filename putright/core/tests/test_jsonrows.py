"""Rows carried as JSON inside another query come back as a normal query gives them."""

from datetime import date
from decimal import Decimal

import pytest

from putright.complaints.factories import CategoryFactory
from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus, Remedy
from putright.complaints.tests.stories import acknowledged, compensation, received, responded
from putright.core import jsonrows
from putright.people.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def fields_of(objs):
    return [{f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields} for o in objs]


def round_trip(queryset, outer):
    """`queryset`'s rows read through JSON, carried inside the query for the row `outer`."""
    text = (
        type(outer)
        .objects.filter(pk=outer.pk)
        .annotate(j=jsonrows.model_rows(queryset))
        .values_list("j", flat=True)
        .get()
    )
    return jsonrows.instances(queryset.model, text)


def test_dates_datetimes_booleans_json_and_decimals_come_back_the_same_in_order(handler):
    complaint = acknowledged(
        received(resident=ResidentFactory(), actor=handler, category=CategoryFactory()),
        actor=handler,
    )
    complaint = responded(
        complaint,
        actor=handler,
        remedies=[compensation("150.50"), compensation("20.00"), compensation("7.05")],
    )
    for i, status in enumerate([ExceptionalStatus.IN_FORCE, ExceptionalStatus.ENDED]):
        period = ExceptionalPeriod.objects.create(
            reason=f"Flood {i} – “quoted”, ünïcode",
            starts_on=date(2026, 1, 5 + i),
            expected_end_on=date(2026, 2, 1),
            all_complaints=bool(i),
            areas=["north", {"estate": "Mill Lane", "n": 3}],
            status=status,
            declared_by=handler,
        )
        period.affected.add(complaint)

    periods = ExceptionalPeriod.objects.filter(affected=complaint)  # newest first
    remedies = Remedy.objects.filter(complaint=complaint).order_by("-amount")
    assert len(periods) == 2
    assert fields_of(round_trip(periods, complaint)) == fields_of(periods)
    assert fields_of(round_trip(remedies, complaint)) == fields_of(remedies)
    got = round_trip(remedies, complaint)
    assert [r.amount for r in got] == [Decimal("150.50"), Decimal("20.00"), Decimal("7.05")]
    assert all(not r._state.adding for r in got)
    assert round_trip(Remedy.objects.filter(pk=-1), complaint) == []
