"""A service's refusal shown on a form: on the named field when the form has it, else on top."""

from django import forms

from putright.core.errors import InvalidInput, error_into_form


class _Form(forms.Form):
    reason = forms.CharField()


def test_a_refusal_naming_a_field_of_the_form_is_shown_on_that_field():
    form = _Form({"reason": "x"})
    assert form.is_valid()
    error_into_form(form, InvalidInput("Give a reason of a few words.", field="reason"))
    assert form.errors == {"reason": ["Give a reason of a few words."]}


def test_a_refusal_naming_no_field_of_the_form_is_shown_at_the_top():
    form = _Form({"reason": "x"})
    assert form.is_valid()
    error_into_form(form, InvalidInput("Not allowed now.", field="stage"))
    assert form.non_field_errors() == ["Not allowed now."]
    assert "reason" not in form.errors
