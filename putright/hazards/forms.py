"""Staff forms for hazard reports: parse input only; the services judge it."""

from django import forms

from putright.core.dates import GovukDateField
from putright.hazards.constants import (
    HAZARD_CHOICES,
    Accommodation,
    AssessmentChoice,
    Source,
    StopReason,
)

_WHEN = "Date and time (YYYY-MM-DD HH:MM)"


def _text(label: str, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"}),
    )


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=f"{label} – {_WHEN}", widget=forms.DateTimeInput(attrs={"class": "govuk-input"})
    )


def _day(label: str, *, required: bool = True) -> forms.DateField:
    return GovukDateField(label=label, required=required)


def _select(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.Select(attrs={"class": "govuk-select"})
    )


def _line(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )


class RaiseForm(forms.Form):
    # A resident chosen before the form (``?resident=<pk>``), for a report with no complaint.
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    complaint_reference = _line("Complaint reference (optional)", required=False)
    address = _line("Address of the home (if there is no complaint)", required=False)
    aware_at = _when("When the landlord became aware")
    source = _select("How the landlord became aware", Source.choices)
    told_by = _line("Who told the landlord")
    hazard = _select("Hazard (HHSRS)", [("", "Choose a hazard"), *HAZARD_CHOICES])
    assessment = _select("Initial assessment", AssessmentChoice.choices)
    description = _text("What was reported")
    occupiers = _text("Who lives there", required=False, rows=2)
    vulnerabilities = _text(
        "Occupiers' vulnerabilities (children, health conditions, age) – they raise the risk",
        required=False,
        rows=2,
    )


class InvestigationForm(forms.Form):
    investigator = _line("Competent investigator")
    concluded_at = _when("Investigation concluded")
    findings = _text("Findings")
    hazard_found = _select(
        "Did the investigation find a hazard?",
        [("", "Choose"), ("yes", "Yes"), ("no", "No")],
    )
    further_work_needed = forms.BooleanField(
        label="Further (preventive) work is needed", required=False
    )


class SummaryForm(forms.Form):
    sent_on = _day("Written summary sent on")


class SafetyWorkForm(forms.Form):
    done_at = _when("Safety work done")
    detail = _text("What was done", rows=2)


class FurtherWorkForm(forms.Form):
    begun_on = _day("Further work began (or steps to begin were taken) on", required=False)
    started_on = _day("Further work physically started on", required=False)
    detail = _text("The work", rows=2)


class AccommodationForm(forms.Form):
    outcome = _select(
        "Suitable alternative accommodation",
        [(v, label) for v, label in Accommodation.choices if v],
    )
    at = _when("When")


class StopForm(forms.Form):
    reason = _select("Why the clocks stop", StopReason.choices)
    at = _when("When")
    steps = _text("Reasonable steps taken (required when consent was refused)", required=False)


STEP_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "investigation": ("Record the investigation", InvestigationForm),
    "summary": ("Record the written summary", SummaryForm),
    "safety_work": ("Record safety work", SafetyWorkForm),
    "further_work": ("Record further work", FurtherWorkForm),
    "accommodation": ("Record alternative accommodation", AccommodationForm),
    "stop": ("Record a fact that stops the clocks", StopForm),
}


class PeriodForm(forms.Form):
    start = _day("From")
    end = _day("To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must not be before its start.")
        return data


class RaisedElsewhereForm(RaiseForm):
    """Raising a report from a record another app holds (a service request, an intake item):
    that record gives the resident, the home and how the landlord became aware."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("resident", "complaint_reference", "address", "source"):
            del self.fields[name]
