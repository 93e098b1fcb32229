"""The GOV.UK date input: day, month and year boxes, one round of clear errors."""

from datetime import date

import pytest
from django import forms
from django.http import QueryDict

from putright.core.dates import GovukDateField, date_from_query, date_parts


class DateForm(forms.Form):
    decided_on = GovukDateField(label="Date of the decision")


def test_three_boxes_make_one_date():
    form = DateForm({"decided_on_day": "3", "decided_on_month": "12", "decided_on_year": "2026"})
    assert form.is_valid()
    assert form.cleaned_data["decided_on"] == date(2026, 12, 3)


def test_an_iso_date_is_still_accepted():
    form = DateForm({"decided_on": "2026-12-03"})
    assert form.is_valid()
    assert form.cleaned_data["decided_on"] == date(2026, 12, 3)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("3", "", "2026", "Date of the decision must include a month"),
        ("", "", "2026", "Date of the decision must include a day and month"),
        ("31", "2", "2026", "Enter a valid date."),
        ("x", "2", "2026", "Enter a valid date."),
    ],
)
def test_a_date_that_is_not_whole_or_real_says_so(day, month, year, message):
    form = DateForm({"decided_on_day": day, "decided_on_month": month, "decided_on_year": year})
    assert not form.is_valid()
    assert form.errors["decided_on"] == [message]


def test_nothing_typed_is_a_missing_date():
    form = DateForm({})
    assert not form.is_valid()
    assert form.errors["decided_on"] == ["This field is required."]


def test_the_boxes_show_what_was_typed_or_the_date():
    assert date_parts(date(2026, 3, 9)) == ["9", "3", "2026"]
    assert date_parts("2026-03-09") == ["9", "3", "2026"]
    assert date_parts(["31", "2", ""]) == ["31", "2", ""]
    assert date_parts(None) == ["", "", ""]


def test_a_date_from_a_query_string_for_previews():
    query = QueryDict("new_due_day=9&new_due_month=3&new_due_year=2026")
    assert date_from_query(query, "new_due") == date(2026, 3, 9)
    assert date_from_query(QueryDict("new_due_day=9"), "new_due") is None


def test_staff_forms_render_the_boxes_not_the_browser_date_picker(client, handler, db):
    from putright.complaints.tests.stories import received
    from putright.people.factories import ResidentFactory

    complaint = received(resident=ResidentFactory(), actor=handler)
    client.force_login(handler)
    page = client.get(f"/complaints/{complaint.reference}/acknowledge/").content.decode()
    assert 'type="date"' not in page
    assert 'name="acknowledged_on_day"' in page
    assert "For example, 27 3 2026" in page
