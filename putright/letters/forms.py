"""Forms for the letters pages: parsing only; the services decide."""

from django import forms

from putright.letters.constants import OutboxStatus


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and send"), ("return", "Return with comments")],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}))
    stage = forms.TypedChoiceField(
        choices=[(1, "Stage 1"), (2, "Stage 2")], coerce=int, required=False, empty_value=1
    )
    large_print = forms.BooleanField(required=False, label="Preview in large print")


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *list(OutboxStatus.choices)], required=False)
