"""Logging a new complaint from any channel."""

from typing import Any, ClassVar

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
from putright.core.fulltext import is_postcode
from putright.people.models import Tenure
from putright.people.services import (
    ADDRESS_LINE_REQUIRED,
    NON_CUSTOMER,
    POSTCODE_INVALID,
    TENURE_REQUIRED,
    TOWN_REQUIRED,
)


class LogComplaintForm(ServiceErrorsMixin, forms.Form):
    """A complaint from any channel, dated the day anyone at the landlord received it."""

    resident = forms.TypedChoiceField(
        label="Resident", required=False, coerce=int, widget=forms.RadioSelect, empty_value=None
    )
    new_resident_name = forms.CharField(label="Full name", max_length=200, required=False)
    new_resident_email = forms.EmailField(label="Email address", required=False)
    new_resident_phone = forms.CharField(label="Phone number", max_length=40, required=False)
    new_address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    new_address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    new_town = forms.CharField(label="Town or city", max_length=100, required=False)
    new_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    new_tenure = forms.ChoiceField(
        label="How do they hold their home?",
        help_text="The regulator's complaint figures (TSM CH01) count complaints by tenure.",
        choices=[*Tenure.choices, (NON_CUSTOMER, "Not one of our residents (a non-customer)")],
        widget=forms.RadioSelect,
        required=False,
    )
    confirm_new = forms.BooleanField(
        label="None of the records above is them: record a new person", required=False
    )
    channel = forms.ChoiceField(
        label="How was the complaint made?",
        choices=[("", "Choose how"), *Channel.choices],
        error_messages={"required": "Choose how the complaint was made."},
    )
    received_on = date_field(
        "Date it was received",
        help_text="The day anyone at the landlord, or a contractor, first heard it: the clock starts then.",
        past=True,
    )
    heard_by = forms.CharField(
        label="Who first heard it, if passed on", max_length=200, required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True), required=False, empty_label="Not known yet"
    )
    description = text_area("What is wrong", rows=6)
    issue_started_on = date_field("When it started", required=False, past=True)
    became_aware_on = date_field("When the resident became aware", required=False, past=True)
    spoken_to = text_area("Who they have spoken to, and when", required=False, rows=3)
    outcome_wanted = text_area("What they want to happen", required=False, rows=3)

    field_map: ClassVar[dict[str, str]] = {
        "full_name": "new_resident_name",
        "address_line_1": "new_address_line_1",
        "town": "new_town",
        "postcode": "new_postcode",
        "tenure": "new_tenure",
    }

    def __init__(
        self, *args: Any, residents: list[Any], duplicates: list[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates = list(duplicates)
        residents = [*residents, *(d for d in self.duplicates if d not in residents)]
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
        elif not chosen:
            self._clean_new_person(data)
        return data

    def _clean_new_person(self, data: dict[str, Any]) -> None:
        """A new person needs an address and a tenure; possible duplicates are confirmed."""
        tenure = data.get("new_tenure")
        if not tenure:
            self.add_error("new_tenure", TENURE_REQUIRED)
        if not (data.get("new_address_line_1") or "").strip():
            self.add_error("new_address_line_1", ADDRESS_LINE_REQUIRED)
        if tenure != NON_CUSTOMER and not (data.get("new_town") or "").strip():
            self.add_error("new_town", TOWN_REQUIRED)
        postcode = data.get("new_postcode") or ""
        if (tenure != NON_CUSTOMER or postcode.strip()) and not is_postcode(postcode):
            self.add_error("new_postcode", POSTCODE_INVALID)
        if self.duplicates and not data.get("confirm_new"):
            self.add_error(
                "resident",
                "They may already be recorded: choose their record, or confirm that none "
                "of these is them.",
            )

    def run(self, *, actor: Any) -> services.ReceiveResult:
        from putright.people.services import resident_add_with_home

        d = self.cleaned_data
        resident = self.residents.get(d["resident"]) if d["resident"] else None
        if resident is None:
            # Someone new: with their home and tenure, so they count in the CH01 figures.
            resident = resident_add_with_home(
                full_name=d["new_resident_name"],
                email=d["new_resident_email"],
                phone=d["new_resident_phone"],
                tenure=d["new_tenure"],
                address_line_1=d["new_address_line_1"],
                address_line_2=d["new_address_line_2"],
                town=d["new_town"],
                postcode=d["new_postcode"],
                tenancy_from=d["received_on"],
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
