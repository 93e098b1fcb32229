"""Logging a new complaint from any channel."""

from typing import Any

from django import forms

from putright.complaints import services
from putright.complaints.constants import Channel
from putright.complaints.forms.base import (
    ServiceErrorsMixin,
    date_field,
    text_area,
)
from putright.complaints.models import Category
from putright.core.clock import today


class LogComplaintForm(ServiceErrorsMixin, forms.Form):
    """A complaint from any channel, dated the day anyone at the landlord received it."""

    resident = forms.TypedChoiceField(
        label="Resident", required=False, coerce=int, widget=forms.RadioSelect, empty_value=None
    )
    new_resident_name = forms.CharField(label="Full name", max_length=200, required=False)
    new_resident_email = forms.EmailField(label="Email address", required=False)
    new_resident_phone = forms.CharField(label="Phone number", max_length=40, required=False)
    channel = forms.ChoiceField(
        label="How was the complaint made?",
        choices=[("", "Choose how"), *Channel.choices],
        error_messages={"required": "Choose how the complaint was made."},
    )
    received_on = date_field(
        "Date it was received",
        help_text="The day anyone at the landlord, or a contractor, first heard it: the clock starts then.",
    )
    heard_by = forms.CharField(
        label="Who first heard it, if passed on", max_length=200, required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True), required=False, empty_label="Not known yet"
    )
    description = text_area("What is wrong", rows=6)
    issue_started_on = date_field("When it started", required=False)
    became_aware_on = date_field("When the resident became aware", required=False)
    spoken_to = text_area("Who they have spoken to, and when", required=False, rows=3)
    outcome_wanted = text_area("What they want to happen", required=False, rows=3)

    def __init__(self, *args: Any, residents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.residents = {r.pk: r for r in residents}
        self.fields["resident"].choices = [
            (r.pk, f"{r.full_name}" + (f" – {r.home.one_line}" if r.home else ""))
            for r in residents
        ] + [("", "Someone else (enter their details below)")]
        self.fields["received_on"].initial = today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("resident")
        if chosen and chosen not in self.residents:
            self.add_error("resident", "Choose a resident from the list.")
        if not chosen and not (data.get("new_resident_name") or "").strip():
            self.add_error(
                "new_resident_name",
                "Enter the resident's full name, or choose one from the search.",
            )
        return data

    def run(self, *, actor: Any) -> services.ReceiveResult:
        from putright.people.services import resident_add

        d = self.cleaned_data
        resident = self.residents.get(d["resident"]) if d["resident"] else None
        if resident is None:
            # Plain data entry of who complained; the people app owns richer records.
            resident = resident_add(
                full_name=d["new_resident_name"],
                email=d["new_resident_email"],
                phone=d["new_resident_phone"],
                actor=actor,
            )
        return services.complaint_receive(
            resident=resident,
            channel=d["channel"],
            received_on=d["received_on"],
            description=d["description"],
            issue_started_on=d["issue_started_on"],
            became_aware_on=d["became_aware_on"],
            spoken_to=d["spoken_to"],
            outcome_wanted=d["outcome_wanted"],
            category=d["category"],
            heard_by=d["heard_by"],
            actor=actor,
        )
