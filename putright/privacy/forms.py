"""Forms of the administrators' privacy pages: a reason is always asked for."""

from django import forms

from putright.core.dates import GovukDateField

REASON_HINT = (
    'Why this is being done, e.g. "Subject-access request received by letter on 2 March". '
    "Do not include the resident's name or contact details: the audit log keeps no personal data."
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", help_text=REASON_HINT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ErasureForm(ReasonForm):
    requested_on = GovukDateField(label="Date the request was received", required=False)
    confirm = forms.BooleanField(
        label="I understand the resident's personal data will be removed for good",
        required=True,
    )
