"""Forms for the public complaint form's question pages and the staff intake pages."""

from datetime import date

from django import forms
from django.utils import timezone

from putright.core.dates import GovukDateField
from putright.hazards.forms import RaisedElsewhereForm
from putright.intake.constants import STAFF_NOTE_CHANNELS, Decision, ServiceRequestStatus
from putright.people.models import Adjustment, Representative

YES_NO = [("yes", "Yes"), ("no", "No")]
NO_CONTACT_ROUTE = "Enter an email address, a phone number or a postal address so we can reply"


class AboutYouForm(forms.Form):
    title = "Your details"
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Give at least one way to reach you: email, phone or postal address.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address = forms.CharField(
        label="Postal address",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        required=False,
        max_length=500,
    )
    is_customer = forms.ChoiceField(
        label="Do you rent or own a home from us?",
        help_text="Everyone can complain. People who are not our customers may not be able to "
        "take their complaint to the Housing Ombudsman.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you rent or own a home from us"},
    )

    def clean(self):
        data = super().clean()
        # Every check runs, so every problem shows at once (a wrong email has its own error).
        given = any((data.get(f) or "").strip() for f in ("email", "phone", "address"))
        if not given and "email" not in self.errors:
            self.add_error("email", NO_CONTACT_ROUTE)
        phone = (data.get("phone") or "").strip()
        if phone and sum(ch.isdigit() for ch in phone) < 10:
            self.add_error("phone", "Enter a phone number, like 01632 960 001 or 07700 900 982")
        return data


class OnBehalfForm(forms.Form):
    title = "Are you complaining for someone else?"
    single_question = True
    on_behalf = forms.ChoiceField(
        label="Are you complaining for someone else?",
        help_text="For example, a relative, or someone you support as an advocate or councillor.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you are complaining for someone else"},
    )
    resident_name = forms.CharField(label="If yes, their full name", max_length=200, required=False)
    relationship = forms.ChoiceField(
        label="If yes, how are you related to them?",
        choices=[("", "Choose…"), *Representative.Relationship.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("on_behalf") == "yes":
            if not (data.get("resident_name") or "").strip():
                self.add_error(
                    "resident_name", "Enter the full name of the person you are complaining for"
                )
            if not data.get("relationship"):
                self.add_error("relationship", "Select how you are related to them")
        return data


class WhatHappenedForm(forms.Form):
    title = "What is your complaint about?"
    description = forms.CharField(
        label="What has gone wrong?",
        help_text="Tell us in your own words. You do not need to use the word ‘complaint’.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": "Enter what has gone wrong"},
    )
    started_day = forms.IntegerField(label="Day", required=False, min_value=1, max_value=31)
    started_month = forms.IntegerField(label="Month", required=False, min_value=1, max_value=12)
    started_year = forms.IntegerField(label="Year", required=False, min_value=1900, max_value=2100)
    spoken_to = forms.CharField(
        label="Who have you spoken to about it, and when? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        parts = [data.get("started_day"), data.get("started_month"), data.get("started_year")]
        data["issue_started_on"] = None
        if any(p is not None for p in parts):
            if any(p is None for p in parts):
                self.add_error("started_day", "When it started must include a day, month and year")
                return data
            try:
                started = date(parts[2], parts[1], parts[0])
            except ValueError:
                self.add_error("started_day", "When it started must be a real date")
                return data
            if started > timezone.localdate():
                self.add_error("started_day", "When it started must be today or in the past")
                return data
            data["issue_started_on"] = started
        return data


class OutcomeForm(forms.Form):
    title = "What would you like us to do?"
    single_question = True
    outcome_wanted = forms.CharField(
        label="What would you like us to do to put things right?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what you would like us to do"},
    )


class ContactForm(forms.Form):
    title = "How should we contact you?"
    contact_preference = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=[("email", "Email"), ("phone", "Phone"), ("letter", "Letter")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you would like us to contact you"},
    )
    adjustments = forms.MultipleChoiceField(
        label="Do you need any of these to use our complaints process? (optional)",
        help_text="We will check these with you, then keep a record so that we always provide "
        "them.",
        choices=[
            (k.value, k.label)
            for k in (
                Adjustment.Kind.LARGE_PRINT,
                Adjustment.Kind.EASY_READ,
                Adjustment.Kind.INTERPRETER,
                Adjustment.Kind.BRAILLE,
                Adjustment.Kind.BSL,
                Adjustment.Kind.CALL_BACK_TIMES,
                Adjustment.Kind.OTHER,
            )
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    adjustment_detail = forms.CharField(
        label="Tell us more about what you need (optional)",
        help_text="For example, which language, or the best times to call you.",
        max_length=300,
        required=False,
    )


class SubmitForm(forms.Form):
    """The check-your-answers page: optional documents, and a field only robots fill in."""

    # The honeypot: hidden from people and screen readers, tempting to form-filling robots.
    website_hp = forms.CharField(required=False, label="Leave this blank")


STEPS: list[tuple[str, type[forms.Form]]] = [
    ("about-you", AboutYouForm),
    ("someone-else", OnBehalfForm),
    ("what-happened", WhatHappenedForm),
    ("put-right", OutcomeForm),
    ("contact", ContactForm),
]


class ServiceRequestForm(forms.Form):
    summary = forms.CharField(label="What was asked for", max_length=200)
    detail = forms.CharField(
        label="Detail", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reference = forms.CharField(
        label="Reference in the repairs system (optional)", required=False, max_length=40
    )
    requested_on = GovukDateField(label="Requested on")
    due_on = GovukDateField(label="Due by")


class ServiceRequestUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ServiceRequestStatus.choices)
    due_on = GovukDateField(label="Due by (optional)", required=False)
    note = forms.CharField(label="Note (optional)", required=False, max_length=250)


class DissatisfiedForm(forms.Form):
    what_is_wrong = forms.CharField(
        label="What is the resident unhappy about?", widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome_wanted = forms.CharField(
        label="What do they want to happen? (optional)", required=False
    )


class SurveyImportForm(forms.Form):
    survey = forms.CharField(label="Survey name", max_length=100)
    file = forms.FileField(label="CSV file")


class FollowUpForm(forms.Form):
    how_told = forms.CharField(label="How was the resident told how to complain?", max_length=200)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="What was done with this message?", max_length=2000)


class DecideForm(forms.Form):
    """What a person decided an intake item is."""

    decision = forms.ChoiceField(
        label="What is this message?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what this message is"},
    )
    reference = forms.CharField(
        label="Complaint reference to add it to",
        help_text="For example, CMP-2026-000123.",
        required=False,
        max_length=20,
    )
    confirm_match = forms.BooleanField(
        label="This is the matched resident (I have checked)", required=False
    )
    confirm_adjustments = forms.BooleanField(
        label="The stated adjustments are confirmed with the sender: apply them", required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.ADDED_TO_CASE and not data.get("reference"):
            self.add_error("reference", "Enter the reference of the complaint to add it to")
        return data


class StaffNoteForm(forms.Form):
    """A message staff took down: a phone call, a social media post, something said in person."""

    channel = forms.ChoiceField(
        label="How did it reach us?",
        choices=[(c.value, c.label) for c in STAFF_NOTE_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the message reached us"},
    )
    sender_name = forms.CharField(
        label="Who said it", max_length=200, error_messages={"required": "Enter who said it"}
    )
    sender_email = forms.EmailField(label="Their email (optional)", required=False)
    sender_phone = forms.CharField(label="Their phone (optional)", required=False, max_length=40)
    body = forms.CharField(
        label="What they said",
        help_text="In their words as far as you can.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Enter what they said"},
    )
    received_day = forms.IntegerField(label="Day", min_value=1, max_value=31, required=False)
    received_month = forms.IntegerField(label="Month", min_value=1, max_value=12, required=False)
    received_year = forms.IntegerField(label="Year", min_value=2000, max_value=2100, required=False)

    def clean(self):
        data = super().clean()
        parts = [data.get("received_day"), data.get("received_month"), data.get("received_year")]
        data["received_on"] = None
        if any(p is not None for p in parts):
            if any(p is None for p in parts):
                self.add_error("received_day", "The date must include a day, month and year")
                return data
            try:
                received = date(parts[2], parts[1], parts[0])
            except ValueError:
                self.add_error("received_day", "The date must be a real date")
                return data
            if received > timezone.localdate():
                self.add_error("received_day", "The date must be today or in the past")
                return data
            data["received_on"] = received
        return data


class ItemHazardForm(RaisedElsewhereForm):
    """Raising a hazard report from an inbox item: the sender is a resident only once staff
    confirm the match; otherwise the report needs the home's address."""

    def __init__(self, *args, suggested=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"] = forms.CharField(
            label="Address of the home (if it is not the resident's home)",
            required=False,
            max_length=300,
            widget=forms.TextInput(attrs={"class": "govuk-input"}),
        )
        if suggested is not None:
            self.fields["confirm_match"] = forms.BooleanField(
                label=f"The sender is {suggested} (I have checked, not only the email)",
                required=False,
            )
