"""`{% select_options field %}` writes exactly the ``<option>`` elements Django's own ``Select``
widget writes for the field (its groups' ``<optgroup>`` aside: the application's selects list
every option flat), for every kind of choice the application's forms use (plain, grouped,
typed, from a queryset, chosen or not, with characters to escape) and for every select on the
application's own pages: if Django ever writes its options differently, these tests fail."""

import re

import pytest
from django import forms
from django.template import Context, Template

from putright.accounts.models import User

DJANGO_LOOP = Template(
    "{% for choice in field %}<option value=\"{{ choice.data.value|default_if_none:'' }}\""
    "{% if choice.data.selected %} selected{% endif %}>{{ choice.choice_label }}</option>"
    "{% endfor %}"
)
FAST = Template("{% load govuk_fields %}{% select_options field %}")


class RenamedOptions(forms.Select):
    """A widget that makes its options its own way: the tag must leave it to Django."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["label"] = f"[{option['label']}]"
        return option


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("b", '"Quoted"')])
    grouped = forms.ChoiceField(
        choices=[
            ("", "Any open"),
            ("Open", [("x", "X"), ("y", "Y")]),
            ("Not open", [("z", "<Z>"), ("x", "X again")]),
        ]
    )
    typed = forms.TypedChoiceField(
        coerce=int, empty_value=None, choices=[("", "Any"), ("1", "Stage 1"), ("2", "Stage 2")]
    )
    person = forms.ModelChoiceField(
        queryset=User.objects.order_by("username"), empty_label="Anyone", required=False
    )
    renamed = forms.ChoiceField(choices=[("p", "P"), ("q", "Q")], widget=RenamedOptions)


OPTION = re.compile(r"<option\b[^>]*>.*?</option>", re.S)


def djangos_options(field) -> list[str]:
    """The <option> elements of Django's own rendering of the field's widget."""
    return OPTION.findall(field.as_widget())


def both(form: forms.Form, name: str) -> tuple[str, str]:
    context = {"field": form[name]}
    return DJANGO_LOOP.render(Context(context)), FAST.render(Context(context))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"plain": "a", "grouped": "x", "typed": "2", "renamed": "q"},
        {"plain": "nope", "grouped": "z", "typed": "9", "person": "999999"},
    ],
)
def test_the_options_are_those_djangos_loop_writes(data):
    User.objects.create(username="o'brien", first_name="Ann & Co")
    chosen = User.objects.create(username="zed")
    if data:
        data = {**data, "person": data.get("person", str(chosen.pk))}
    form = Everything(data)
    for name in form.fields:
        slow, fast = both(form, name)
        assert fast == slow, name
        assert OPTION.findall(fast) == djangos_options(form[name]), name
        assert slow.count("<option") >= 2


@pytest.mark.django_db
def test_only_the_first_matching_option_is_selected_and_values_are_escaped():
    form = Everything({"grouped": "x"})
    _slow, fast = both(form, "grouped")
    assert fast.count(" selected") == 1
    assert '<option value="x" selected>X</option>' in fast
    assert "&lt;Z&gt;" in both(form, "grouped")[1]
    assert "[P]" in both(form, "renamed")[1]  # a widget's own options, as Django makes them


@pytest.mark.django_db
def test_every_select_on_the_applications_pages_has_the_options_djangos_widget_writes(
    client, officer, handler, monkeypatch, time_machine
):
    """The work queue's and the tracker's filters (as given and chosen), logging a complaint,
    and every action page of a complaint at receipt and once responded: each select the tag
    writes on them is compared with Django's ``Select`` rendering of the same bound field."""
    from putright.complaints.factories import CategoryFactory
    from putright.complaints.forms import CASE_ACTIONS
    from putright.complaints.tests.stories import (
        MONDAY,
        acknowledged,
        compensation,
        received,
        responded,
        roof_repair,
        travel,
    )
    from putright.people.factories import ResidentFactory
    from putright.web.templatetags import govuk_fields

    travel(time_machine, MONDAY)
    category = CategoryFactory(name="Repairs & <damp>")
    new = received(resident=ResidentFactory(), actor=handler, category=category)
    done = responded(
        acknowledged(
            received(resident=ResidentFactory(), actor=handler, category=category), actor=handler
        ),
        actor=handler,
        remedies=[compensation("10.00")],
        actions=[roof_repair(owner=handler)],
    )
    seen = []
    real = govuk_fields.options_html

    def recording(field, context):
        written = real(field, context)
        seen.append((field, written))
        return written

    monkeypatch.setattr(govuk_fields, "options_html", recording)
    client.force_login(officer)
    paths = [
        "/?scope=all",
        f"/?scope=all&status=stage1_open&stage=1&category={category.pk}&handler={handler.pk}"
        "&channel=email",
        "/?scope=all&status=nonsense&handler=999999",
        "/follow-ups/",
        "/follow-ups/?state=overdue&kind=action&status=closed",
        "/complaints/new/",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path
    for complaint in (new, done):  # the actions the state does not offer are refused
        for slug in CASE_ACTIONS:
            client.get(f"/complaints/{complaint.reference}/{slug}/")
    assert {f.html_name for f, _ in seen} >= {"status", "stage", "category", "handler", "channel"}
    for field, written in seen:
        assert OPTION.findall(written) == djangos_options(field), field.html_name
