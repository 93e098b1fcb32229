"""Case actions that decide a complaint's course: exclude, reinstate, withdraw, close, and
the Housing Ombudsman's referral and outcome."""

from typing import Any

from django import forms

from putright.complaints import services
from putright.complaints.constants import ReferralOutcome
from putright.complaints.forms.base import (
    CaseActionForm,
    date_field,
    text_area,
)
from putright.complaints.models import Complaint
from putright.complaints.services import intake as intake_rules
from putright.complaints.services import record as record_rules
from putright.complaints.services.common import profile_for
from putright.core.clock import today
from putright.rules.workflow import Action


class ExcludeForm(CaseActionForm):
    slug = "exclude"
    title = "Do not accept the complaint"
    button = "Do not accept"
    workflow_action = Action.EXCLUDE
    confirm = (
        "Record that this complaint is not accepted? The resident must be told why and that "
        "they can take it to the Housing Ombudsman (Code 2.4)."
    )
    intro = "Decide case by case, with evidence: accept unless a valid reason applies (Code 2.1)."

    ground = forms.ChoiceField(
        label="Reason", error_messages={"required": "Choose a reason from the list."}
    )
    reasoning = text_area(
        "Evidence and reasoning for this complaint", message=intake_rules.EXCLUSION_NEEDS_REASONING
    )
    discretion_considered = forms.BooleanField(
        label="I considered using discretion to accept it", required=False
    )
    discretion_notes = text_area("Notes on discretion", required=False)
    issue_started_on = date_field(
        "When the issue happened (needed for the 12-month reason)", required=False, past=True
    )
    became_aware_on = date_field(
        "When the resident became aware of it (needed for the 12-month reason)",
        required=False,
        past=True,
    )
    decided_on = date_field("Date decided", past=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = profile_for(self.complaint).exclusion_grounds
        self.fields["ground"].choices = [("", "Choose a reason")] + [
            (g.code, f"{g.label} ({g.source})") for g in grounds
        ]
        self.fields["decided_on"].initial = today()
        self.fields["issue_started_on"].initial = self.complaint.issue_started_on
        self.fields["became_aware_on"].initial = self.complaint.became_aware_on

    def clean(self) -> dict[str, Any]:
        """Every reason the service would refuse, with the field checks: one round of errors."""
        data = super().clean()
        for refusal in intake_rules.exclusion_refusals(
            self.complaint,
            ground=data.get("ground"),
            reasoning=data.get("reasoning"),
            discretion_considered=bool(data.get("discretion_considered")),
            decided_on=data.get("decided_on"),
            issue_started_on=data.get("issue_started_on") or self.complaint.issue_started_on,
            became_aware_on=data.get("became_aware_on") or self.complaint.became_aware_on,
        ):
            if refusal.field not in self.errors:  # a field's own error says it first
                self.add_service_error(refusal)
        return data

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.complaint_exclude(
            complaint=self.complaint,
            ground=d["ground"],
            reasoning=d["reasoning"],
            discretion_considered=d["discretion_considered"],
            discretion_notes=d["discretion_notes"],
            decided_on=d["decided_on"],
            issue_started_on=d["issue_started_on"],
            became_aware_on=d["became_aware_on"],
            actor=actor,
        )
        return "The complaint is recorded as not accepted."


class ReinstateForm(CaseActionForm):
    slug = "reinstate"
    title = "Accept the complaint after all"
    button = "Reinstate"
    workflow_action = Action.REINSTATE

    reason = text_area("Why it is now accepted")

    def run(self, *, actor: Any) -> str:
        services.complaint_reinstate(
            complaint=self.complaint, reason=self.cleaned_data["reason"], actor=actor
        )
        return "The complaint has been reinstated."


class WithdrawForm(CaseActionForm):
    slug = "withdraw"
    title = "Record that the resident withdrew the complaint"
    button = "Record withdrawal"
    workflow_action = Action.WITHDRAW
    confirm = "Record that the resident withdrew this complaint? Its clocks stop."

    reason = text_area("What the resident said", message=record_rules.WITHDRAW_NEEDS_REASON)
    withdrawn_on = date_field("Date withdrawn", past=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = today()

    def clean(self) -> dict[str, Any]:
        """The service's date check with the field checks: one round of errors."""
        data = super().clean()
        on = data.get("withdrawn_on")
        if on is not None and on < self.stage.requested_on:
            self.add_error("withdrawn_on", record_rules.WITHDRAWN_BEFORE_RECEIPT)
        return data

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.complaint_withdraw(
            complaint=self.complaint,
            reason=d["reason"],
            withdrawn_on=d["withdrawn_on"],
            actor=actor,
        )
        return "The complaint is recorded as withdrawn."


class CloseForm(CaseActionForm):
    slug = "close"
    title = "Close the complaint"
    button = "Close the complaint"
    workflow_action = Action.CLOSE
    confirm = "Close this complaint? Outstanding remedies and actions stay on the work list."

    reason = text_area("Why it is being closed", message=record_rules.CLOSE_NEEDS_REASON)
    closed_on = date_field("Date closed", past=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = today()

    def clean(self) -> dict[str, Any]:
        """The service's date check with the field checks: one round of errors."""
        data = super().clean()
        on, responded = data.get("closed_on"), self.stage.responded_on
        if on is not None and responded and on < responded:
            self.add_error("closed_on", record_rules.CLOSE_BEFORE_RESPONSE)
        return data

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.complaint_close(
            complaint=self.complaint, reason=d["reason"], closed_on=d["closed_on"], actor=actor
        )
        return "The complaint is closed."


class OmbudsmanReferralForm(CaseActionForm):
    slug = "ombudsman"
    title = "Record a referral to the Housing Ombudsman"
    button = "Record the referral"
    workflow_action = Action.REFER_TO_OMBUDSMAN

    referred_on = date_field("Date referred", past=True)
    ombudsman_reference = forms.CharField(
        label="Ombudsman's reference", required=False, max_length=40
    )
    notes = text_area("Notes", required=False)

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.ombudsman_referral_record(
            complaint=self.complaint,
            referred_on=d["referred_on"],
            ombudsman_reference=d["ombudsman_reference"],
            notes=d["notes"],
            actor=actor,
        )
        return "The Ombudsman referral is recorded."


class OmbudsmanOutcomeForm(CaseActionForm):
    slug = "ombudsman-outcome"
    title = "Record the Housing Ombudsman's finding"
    button = "Record the finding"
    workflow_action = Action.REFER_TO_OMBUDSMAN

    referral = forms.ModelChoiceField(
        queryset=None,
        label="Referral",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the referral."},
    )
    outcome = forms.ChoiceField(
        label="Finding",
        choices=[("", "Choose the finding")]
        + [c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING],
        error_messages={"required": "Choose the Ombudsman's finding from the list."},
    )
    outcome_on = date_field("Date of the finding", past=True)
    notes = text_area("Notes, including any orders", required=False)

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        # All the referrals (a handful, prefetched on the case page), not a query of its own.
        return any(
            r.outcome == ReferralOutcome.PENDING for r in complaint.ombudsman_referrals.all()
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = self.complaint.ombudsman_referrals.filter(
            outcome=ReferralOutcome.PENDING
        )

    def clean(self) -> dict[str, Any]:
        """The service's date check with the field checks: one round of errors."""
        data = super().clean()
        referral, on = data.get("referral"), data.get("outcome_on")
        refusal = (
            record_rules.outcome_date_refusal(referral, on)
            if referral is not None and on is not None
            else None
        )
        if refusal is not None:
            self.add_error("outcome_on", refusal.message)
        return data

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.ombudsman_outcome_record(
            referral=d["referral"],
            outcome=d["outcome"],
            outcome_on=d["outcome_on"],
            notes=d["notes"],
            actor=actor,
        )
        return "The Ombudsman's finding is recorded."
