"""Staff forms for people: representatives, restrictions, adjustments, vulnerabilities, reviews."""

from django import forms

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
    authorised_on = forms.DateField(label="Authorised on (YYYY-MM-DD)", required=False)
    scope = forms.ChoiceField(label="Scope", choices=Representative.Scope.choices)
    complaint_reference = forms.CharField(
        label="Complaint reference (scope: one complaint)", required=False
    )
    expires_on = forms.DateField(label="Expires on (YYYY-MM-DD, optional)", required=False)
    letters_to_representative = forms.BooleanField(
        label="Send letters to the representative", required=False, initial=True
    )
    copy_to_resident = forms.BooleanField(label="Copy letters to the resident", required=False)


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
    starts_on = forms.DateField(label="Starts on (YYYY-MM-DD)")
    review_on = forms.DateField(label="Review by (YYYY-MM-DD)")


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
    review_on = forms.DateField(label="Review by (YYYY-MM-DD)", required=False)


class VulnerabilityForm(forms.Form):
    description = forms.CharField(
        label="Vulnerability or disability", max_length=300, required=False
    )
    is_disability = forms.BooleanField(label="This is a disclosed disability", required=False)
    consent_given = forms.BooleanField(
        label="The resident agreed to this being recorded", required=False
    )
    review_on = forms.DateField(label="Review by (YYYY-MM-DD)", required=False)


class ReviewForm(forms.Form):
    keep = forms.ChoiceField(
        label="Outcome of the review",
        choices=[("yes", "Still needed: set the next review"), ("no", "No longer needed: end it")],
    )
    next_review_on = forms.DateField(label="Next review (YYYY-MM-DD)", required=False)


class AuthoriseForm(forms.Form):
    authorised_on = forms.DateField(label="Form received and authorised on (YYYY-MM-DD)")
    expires_on = forms.DateField(label="Expires on (YYYY-MM-DD, optional)", required=False)


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
