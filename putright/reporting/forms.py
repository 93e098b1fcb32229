"""Forms parse input for the reporting services; the services decide what is allowed."""

from django import forms

from putright.accounts.models import User
from putright.core.dates import GovukDateField
from putright.reporting.constants import Comply, Finding, ImprovementStatus, OrderKind, Trigger
from putright.reporting.services import ImprovementInput


def _date(label: str | None = None, *, required: bool = True) -> GovukDateField:
    return GovukDateField(label=label, required=required)


class HomesCountForm(forms.Form):
    year = forms.IntegerField(
        label="Reporting year starting in April", min_value=2020, max_value=2100
    )
    lcra_homes = forms.IntegerField(label="Low-cost rental homes owned", min_value=0)
    lcho_homes = forms.IntegerField(label="Low-cost home ownership homes owned", min_value=0)


class SelfAssessmentStartForm(forms.Form):
    year = forms.IntegerField(
        label="Reporting year starting in April", min_value=2020, max_value=2100
    )
    trigger = forms.ChoiceField(label="Why now", choices=Trigger.choices)


class SelfAssessmentRowForm(forms.Form):
    comply = forms.ChoiceField(label="Comply", choices=Comply.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    commentary = forms.CharField(
        label="Commentary / explanation", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    action = forms.CharField(
        label="Action to comply (if No)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    action_due = _date("Date to comply by (if No)", required=False)


class ApprovalForm(forms.Form):
    approved_on = _date("Date of the governing body's decision")
    minute = forms.CharField(
        label="The decision, as minuted", widget=forms.Textarea(attrs={"rows": 3})
    )


class AnnualNoteForm(forms.Form):
    commentary = forms.CharField(
        label="Qualitative analysis (8.1b)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    ombudsman_annual_letter = forms.CharField(
        label="The Ombudsman's annual report about us (8.1f)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    governing_body_response = forms.CharField(
        label="The governing body's response (8.2)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )


class ImprovementForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        label="What is changing", widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(choices=ImprovementStatus.choices)
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
    )
    owner_name = forms.CharField(label="Owning team or manager", max_length=200, required=False)
    due_on = _date("Due by", required=False)
    completed_on = _date("Completed on", required=False)
    references = forms.CharField(
        label="Complaints that drove it",
        help_text="Complaint references, separated by commas or spaces, e.g. CMP-2025-000012.",
        required=False,
    )

    def to_input(self) -> ImprovementInput:
        data = self.cleaned_data
        return ImprovementInput(
            title=data["title"],
            description=data["description"],
            status=data["status"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            due_on=data["due_on"],
            completed_on=data["completed_on"],
            references=tuple(data["references"].replace(",", " ").split()),
        )


class InformationRequestForm(forms.Form):
    requested_on = _date()
    due_on = _date("Due by")
    description = forms.CharField(
        label="What the Ombudsman asked for", widget=forms.Textarea(attrs={"rows": 3})
    )


class InformationSentForm(forms.Form):
    sent_on = _date()


class FindingForm(forms.Form):
    element = forms.CharField(label="Complaint element", max_length=300)
    finding = forms.ChoiceField(choices=Finding.choices)
    determined_on = _date()


class OrderForm(forms.Form):
    kind = forms.ChoiceField(choices=OrderKind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    due_on = _date("Comply by")


class OrderCompleteForm(forms.Form):
    completed_on = _date()
    evidence = forms.CharField(
        label="Evidence of compliance", widget=forms.Textarea(attrs={"rows": 3})
    )
