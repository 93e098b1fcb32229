"""The compensation schedule form: one line of the schedule (policy 6.5, Code 7.4)."""

from django import forms


class CompensationBandForm(forms.Form):
    code = forms.SlugField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label="What it is for", max_length=200)
    unit = forms.CharField(
        label="Per", max_length=20, help_text="For example: award, week, day, appointment, room."
    )
    low = forms.DecimalField(label="Lowest amount per unit, in pounds", decimal_places=2)
    high = forms.DecimalField(
        label="Highest amount per unit, in pounds",
        decimal_places=2,
        required=False,
        help_text="Leave empty for no upper limit.",
    )
    proposed = forms.DecimalField(
        label="Amount proposed per unit, in pounds",
        decimal_places=2,
        help_text="Shown beside the amount on the response form.",
    )
    guidance = forms.CharField(
        label="Guidance for handlers", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    withdrawn = forms.BooleanField(label="Withdraw this line from today", required=False)
