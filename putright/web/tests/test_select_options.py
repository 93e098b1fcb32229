"""`{% select_options field %}` writes exactly what Django's own loop over a select field's
choices writes (the fast path is held equal to the slow one), for every kind of choice the
application's forms use: plain, grouped, typed, from a queryset, chosen or not, and with
characters to escape."""

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
        assert slow.count("<option") >= 2


@pytest.mark.django_db
def test_only_the_first_matching_option_is_selected_and_values_are_escaped():
    form = Everything({"grouped": "x"})
    _slow, fast = both(form, "grouped")
    assert fast.count(" selected") == 1
    assert '<option value="x" selected>X</option>' in fast
    assert "&lt;Z&gt;" in both(form, "grouped")[1]
    assert "[P]" in both(form, "renamed")[1]  # a widget's own options, as Django makes them
