"""Forms parse input for the reporting services; the services decide what is allowed."""

from django import forms

from putright.accounts.models import User
from putright.complaints.models import Category
from putright.complaints.services import exceptional
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
    comply = forms.ChoiceField(
        label="Do we comply?",
        choices=Comply.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Yes, No or N/A."},
    )
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    commentary = forms.CharField(
        label="Commentary / explanation",
        help_text="For N/A, the reason this provision does not apply to us.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
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
        label="The Ombudsman's annual report about our performance (8.1e)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    ombudsman_other_reports = forms.CharField(
        label="Other Ombudsman reports or publications about our work (8.1f)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class GoverningBodyResponseForm(forms.Form):
    response = forms.CharField(
        label="The governing body's response to the report (8.2)",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    approved_on = GovukDateField(
        label="Approved by the governing body on",
        help_text="Leave empty to save a draft; a changed response needs approving again.",
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


class CodeFindingForm(forms.Form):
    provisions = forms.CharField(label="Code provisions not complied with", max_length=100)
    description = forms.CharField(
        label="What the Ombudsman found", widget=forms.Textarea(attrs={"rows": 3})
    )
    found_on = _date("Date of the finding")


class OrderForm(forms.Form):
    kind = forms.ChoiceField(choices=OrderKind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    due_on = _date("Comply by")


class OrderCompleteForm(forms.Form):
    completed_on = _date()
    evidence = forms.CharField(
        label="Evidence of compliance", widget=forms.Textarea(attrs={"rows": 3})
    )


class ExceptionalDeclareForm(forms.Form):
    reason = forms.CharField(
        label="What has happened, and why it stops us meeting the Code's timescales",
        help_text="Residents and the Ombudsman read this in their letter and notification.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=exceptional.REASON_MIN_LENGTH,
        error_messages={
            "required": exceptional.REASON_NEEDED,
            "min_length": exceptional.REASON_NEEDED,
        },
    )
    starts_on = _date("Start")
    expected_end_on = _date("Expected end")
    all_complaints = forms.BooleanField(label="All complaints are affected", required=False)
    categories = forms.ModelMultipleChoiceField(
        label="Or: the categories affected",
        queryset=Category.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.CharField(
        label="Or: the estates affected",
        help_text="Estate names as written on the homes, separated by commas.",
        required=False,
    )

    def clean_areas(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["areas"].split(",") if a.strip()]


class ExceptionalDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note of the decision", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExceptionalEndForm(forms.Form):
    ended_on = _date("The circumstances ended on")


class ExceptionalNotifiedForm(forms.Form):
    notified_on = _date("Sent to the Ombudsman on")
