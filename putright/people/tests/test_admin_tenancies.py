"""Tenancies edited in the admin (where staff keep reference data up to date) go around
`tenancy_start`, so the admin tells `services.tenancies_edited`: the resident finder finds
them at the home the tenancy now names, and their complaints' tenure at receipt (TSM CH01) is
the edited one at once, not after a ``refresh_stored`` run."""

from datetime import date, timedelta

import pytest

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.people import search
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.models import Tenancy

pytestmark = pytest.mark.django_db


def _stored(complaint: Complaint) -> str | None:
    return Complaint.objects.get(pk=complaint.pk).tenure_at_receipt


@pytest.fixture
def rosa_complained(monday, handler):
    rosa = ResidentFactory(home=PropertyFactory(address_line_1="12 Mill Lane"))
    tenancy = TenancyFactory(
        resident=rosa, home=rosa.home, tenure="lcra", start_on=date(2019, 4, 1)
    )
    complaint = received(resident=rosa, actor=handler, on=monday - timedelta(days=7))
    assert _stored(complaint) == "lcra"
    return rosa, tenancy, complaint


def test_a_tenancy_edited_in_the_admin_moves_the_tenure_at_receipt_and_the_finder(
    admin_client, rosa_complained
):
    rosa, tenancy, complaint = rosa_complained
    quay = PropertyFactory(address_line_1="9 Quay Street")
    response = admin_client.post(
        f"/admin/people/tenancy/{tenancy.pk}/change/",
        {
            "resident": rosa.pk,
            "home": quay.pk,
            "tenure": "leasehold",
            "start_on": "2019-04-01",
            "end_on": "",
        },
    )
    assert response.status_code == 302, response.content
    assert Tenancy.objects.get(pk=tenancy.pk).tenure == "leasehold"
    assert _stored(complaint) == "leasehold"
    assert search.find("Quay Street")[0:5] == [rosa.pk]


def test_a_tenancy_moved_to_another_resident_in_the_admin_changes_both(
    admin_client, rosa_complained, handler
):
    rosa, tenancy, complaint = rosa_complained
    sam = ResidentFactory()
    sams = received(resident=sam, actor=handler)
    assert _stored(sams) == ""
    response = admin_client.post(
        f"/admin/people/tenancy/{tenancy.pk}/change/",
        {"resident": sam.pk, "home": rosa.home_id, "tenure": "lcra", "start_on": "2019-04-01"},
    )
    assert response.status_code == 302, response.content
    assert _stored(complaint) == ""
    assert _stored(sams) == "lcra"


def test_a_tenancy_deleted_in_the_admin_one_or_by_the_list_action_leaves_no_tenure(
    admin_client, rosa_complained, handler
):
    rosa, tenancy, complaint = rosa_complained
    response = admin_client.post(f"/admin/people/tenancy/{tenancy.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content
    assert _stored(complaint) == ""
    # The list's "delete selected" action deletes a queryset at once.
    again = TenancyFactory(resident=rosa, home=rosa.home, tenure="lcho", start_on=date(2019, 4, 1))
    TenancyFactory(resident=rosa, home=rosa.home, tenure="lcho", start_on=date(2018, 4, 1))
    response = admin_client.post(
        "/admin/people/tenancy/",
        {
            "action": "delete_selected",
            "_selected_action": [again.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302, response.content
    assert not Tenancy.objects.filter(pk=again.pk).exists()
    assert _stored(complaint) == "lcho"


def _form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the main form and each inline."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if hasattr(value, "pk"):
                value = value.pk
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value if value is not True else "on"
    return data


def test_a_tenancy_edited_in_the_residents_inline_moves_the_tenure_at_receipt(
    admin_client, rosa_complained
):
    rosa, tenancy, complaint = rosa_complained
    page = admin_client.get(f"/admin/people/resident/{rosa.pk}/change/")
    data = _form_data(page)
    tenure_key = next(k for k, v in data.items() if k.endswith("-tenure") and v == "lcra")
    data[tenure_key] = "lcho"
    response = admin_client.post(f"/admin/people/resident/{rosa.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Tenancy.objects.get(pk=tenancy.pk).tenure == "lcho"
    assert _stored(complaint) == "lcho"


def test_a_tenancy_added_in_the_admin_is_the_tenure_at_receipt_of_earlier_complaints(
    admin_client, monday, handler
):
    sam = ResidentFactory()
    complaint = received(resident=sam, actor=handler, on=monday - timedelta(days=7))
    assert _stored(complaint) == ""
    response = admin_client.post(
        "/admin/people/tenancy/add/",
        {"resident": sam.pk, "home": sam.home_id, "tenure": "lcho", "start_on": "2019-04-01"},
    )
    assert response.status_code == 302, response.content
    assert _stored(complaint) == "lcho"
