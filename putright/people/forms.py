"""Staff forms for people: representatives, restrictions, adjustments, vulnerabilities, reviews."""

from django import forms

from putright.core.clock import today
from putright.core.dates import GovukDateField
from putright.core.validation import DATE_IN_FUTURE
from putright.people import services as rules
from putright.people.models import (
    Adjustment,
    ContactChannel,
    ContactRestriction,
    Representative,
)


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    relationship = forms.ChoiceField(
        label="Relationship", choices=Representative.Relationship.choices
    )
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    postal_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    form_received = forms.BooleanField(label="Authorisation form received", required=False)
    authorised_on = GovukDateField(label="Authorised on", required=False)
    scope = forms.ChoiceField(label="Scope", choices=Representative.Scope.choices)
    complaint_reference = forms.CharField(
        label="Complaint reference (scope: one complaint)", required=False
    )
    expires_on = GovukDateField(label="Expires on (optional)", required=False)
    letters_to_representative = forms.BooleanField(
        label="Send letters to the representative", required=False, initial=True
    )
    copy_to_resident = forms.BooleanField(label="Copy letters to the resident", required=False)

    def clean(self):
        """The service's checks across fields, with the field checks: one round of errors
        (the service refuses the same, one at a time)."""
        data = super().clean()
        contact = [data.get(f) or "" for f in ("email", "phone", "postal_address")]
        if "email" not in self.errors and not any(c.strip() for c in contact):
            self.add_error("email", rules.CONTACT_REQUIRED)
        received, on = data.get("form_received"), data.get("authorised_on")
        if on is not None and not received:
            self.add_error("form_received", rules.AUTHORISED_WITHOUT_FORM)
        if received and on is None and "authorised_on" not in self.errors:
            self.add_error("authorised_on", rules.AUTHORISED_DATE_REQUIRED)
        if on is not None and on > today():
            self.add_error("authorised_on", DATE_IN_FUTURE)
        expires = data.get("expires_on")
        if expires and on and expires <= on:
            self.add_error("expires_on", rules.EXPIRY_BEFORE_AUTHORISATION)
        return data


class RestrictionForm(forms.Form):
    restricts = forms.ChoiceField(
        label="What is restricted", choices=ContactRestriction.Restricts.choices
    )
    restriction_detail = forms.CharField(label="Detail", required=False, max_length=300)
    reason = forms.CharField(
        label="Reason (the behaviour)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    proportionality = forms.CharField(
        label="Why it is proportionate", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    equality_act_considered = forms.CharField(
        label="Equality Act consideration", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    starts_on = GovukDateField(label="Starts on")
    review_on = GovukDateField(label="Review by")

    def clean(self):
        """The review date's check with the field checks: one round of errors."""
        data = super().clean()
        # The four the service requires, each with its own message (Code 5.13, Equality Act).
        for name, message in (
            ("reason", rules.RESTRICTION_REASON),
            ("evidence", rules.RESTRICTION_EVIDENCE),
            ("proportionality", rules.RESTRICTION_PROPORTIONALITY),
            ("equality_act_considered", rules.RESTRICTION_EQUALITY),
        ):
            if name not in self.errors and not (data.get(name) or "").strip():
                self.add_error(name, message)
        starts, review = data.get("starts_on"), data.get("review_on")
        if starts and review and review <= starts:
            self.add_error("review_on", rules.REVIEW_BEFORE_START)
        return data


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label="Adjustment", choices=Adjustment.Kind.choices)
    channel = forms.ChoiceField(
        label="How letters should reach them (preferred way of contact only)",
        choices=[("", "Not a preferred way of contact"), *ContactChannel.choices],
        required=False,
        help_text="Letters follow this choice; the detail below is kept as a note.",
    )
    detail = forms.CharField(label="Detail", required=False, max_length=300)
    consent_given = forms.BooleanField(
        label="The resident agreed to this being recorded", required=False
    )
    review_on = GovukDateField(label="Review by", required=False)


class VulnerabilityForm(forms.Form):
    description = forms.CharField(
        label="Vulnerability or disability", max_length=300, required=False
    )
    is_disability = forms.BooleanField(label="This is a disclosed disability", required=False)
    consent_given = forms.BooleanField(
        label="The resident agreed to this being recorded", required=False
    )
    review_on = GovukDateField(label="Review by", required=False)


class ReviewForm(forms.Form):
    keep = forms.ChoiceField(
        label="Outcome of the review",
        choices=[("yes", "Still needed: set the next review"), ("no", "No longer needed: end it")],
        error_messages={"required": "Choose the outcome of the review."},
    )
    next_review_on = GovukDateField(label="Next review", required=False)


class AuthoriseForm(forms.Form):
    authorised_on = GovukDateField(
        label="Form received and authorised on",
        error_messages={"required": "Enter the date the form was received."},
    )
    expires_on = GovukDateField(label="Expires on (optional)", required=False)


class MergeForm(forms.Form):
    """Which record is the duplicate of this one, and why they are the same person."""

    duplicate = forms.TypedChoiceField(
        label="The duplicate record",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the duplicate record to merge into this one."},
    )
    reason = forms.CharField(
        label="Why these records are the same person",
        help_text="For example: same name, date of birth and tenancy; the resident confirmed it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why these records are the same person."},
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].choices = [
            (r.pk, f"{r.full_name} (record {r.pk})" + (f" – {r.home.one_line}" if r.home else ""))
            for r in candidates
        ]


class ReverseMergeForm(forms.Form):
    reason = forms.CharField(
        label="Why the merge was wrong",
        error_messages={"required": "Say why the merge was wrong."},
    )
