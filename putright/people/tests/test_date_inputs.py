"""Staff dates are typed as day, month and year (the GOV.UK date input), never as
"YYYY-MM-DD" or the browser's date picker: every form field, and the small inline forms of a
resident's page (authorising a representative, reviewing a support need or restriction)."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms

import putright
from putright.core.dates import GovukDateField
from putright.people import services
from putright.people.models import Adjustment, Representative

pytestmark = pytest.mark.django_db


def _form_modules():
    """Every app's forms module, and each module of a forms package."""
    for app in pkgutil.iter_modules(putright.__path__):
        if not app.ispkg:
            continue
        name = f"putright.{app.name}.forms"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        yield module
        for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{name}.{sub.name}")


def test_every_date_field_of_every_form_is_the_govuk_date_input():
    plain = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for module in _form_modules()
        for form in vars(module).values()
        if isinstance(form, type) and issubclass(form, forms.BaseForm)
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.DateField) and not isinstance(field, GovukDateField)
    )
    assert plain == []
    # The walk does reach the forms (a renamed module would make this test pass emptily).
    walked = {module.__name__ for module in _form_modules()}
    assert {"putright.people.forms", "putright.complaints.forms.stages"} <= walked


def test_the_resident_page_asks_every_date_as_day_month_year(client, handler, rosa, monday):
    services.representative_add(
        resident=rosa,
        full_name="Cllr Priya Shah",
        relationship=Representative.Relationship.COUNCILLOR,
        email="priya.shah@council.example",
        actor=handler,
    )
    services.adjustment_add(
        resident=rosa,
        kind=Adjustment.Kind.LARGE_PRINT,
        detail="",
        channel="",
        consent_given=True,
        review_on=date(2026, 6, 1),
        actor=handler,
    )
    client.force_login(handler)
    page = client.get(f"/people/{rosa.pk}/").content.decode()
    assert 'type="date"' not in page
    assert "YYYY" not in page
    for name in (
        "rep-authorised_on",
        "rep-expires_on",
        "res-starts_on",
        "res-review_on",
        "adj-review_on",
        "vul-review_on",
        "authorised_on",  # the inline "form received" on the representative's row
        "next_review_on",  # the inline review of the adjustment
    ):
        for part in ("day", "month", "year"):
            assert f'name="{name}_{part}"' in page, name


def test_a_representative_is_authorised_with_the_date_typed_in_boxes(client, handler, rosa, monday):
    rep = services.representative_add(
        resident=rosa,
        full_name="Cllr Priya Shah",
        relationship=Representative.Relationship.COUNCILLOR,
        email="priya.shah@council.example",
        actor=handler,
    )
    client.force_login(handler)
    sent = client.post(
        f"/people/representatives/{rep.pk}/authorise/",
        {"authorised_on_day": "27", "authorised_on_month": "2", "authorised_on_year": "2026"},
    )
    assert sent.status_code == 302
    rep.refresh_from_db()
    assert rep.authorised_on == date(2026, 2, 27)


def test_an_inline_date_typed_wrongly_says_what_is_wrong(client, handler, rosa, monday):
    rep = services.representative_add(
        resident=rosa,
        full_name="Cllr Priya Shah",
        relationship=Representative.Relationship.COUNCILLOR,
        email="priya.shah@council.example",
        actor=handler,
    )
    client.force_login(handler)
    url = f"/people/representatives/{rep.pk}/authorise/"
    missing = client.post(url, {"authorised_on_day": "", "authorised_on_month": ""})
    assert missing.status_code == 400
    assert "Enter the date the form was received." in missing.content.decode()
    unreal = client.post(
        url, {"authorised_on_day": "31", "authorised_on_month": "2", "authorised_on_year": "2026"}
    )
    assert unreal.status_code == 400
    page = unreal.content.decode()
    assert "Enter a valid date." in page
    assert "Enter the date the form was received." not in page
    rep.refresh_from_db()
    assert not rep.form_received
