"""Staff forms: each parses input, calls ONE complaint service and maps its errors to fields.

A case action form is a small class: which workflow action it is, its wording, whether it
needs a confirmation step (irreversible changes), and `run()`, the one service call.
"""

from datetime import date
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from putright.complaints import services
from putright.complaints.constants import Channel, Direction, ReferralOutcome
from putright.complaints.models import Category, Complaint, OutstandingAction, Remedy, Stage
from putright.complaints.selectors import queue_handlers
from putright.complaints.services import intake as intake_rules
from putright.complaints.services import record as record_rules
from putright.complaints.services import stages as stage_rules
from putright.complaints.services.common import profile_for
from putright.core import permissions as perms
from putright.core.clock import today
from putright.core.errors import ComplaintError
from putright.rules.workflow import OPEN_STATES, Action, State, allowed_actions

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_INPUT = {"type": "date"}


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"required": f"Enter {label.lower()}.", "invalid": "Enter a real date."},
    )


def text_area(
    label: str, *, required: bool = True, help_text: str = "", rows: int = 4, message: str = ""
):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label[0].lower() + label[1:]}."},
    )


def staff_choice(label: str, *, required: bool = True, help_text: str = ""):
    return forms.ModelChoiceField(
        queryset=queue_handlers(),
        label=label,
        required=required,
        help_text=help_text,
        empty_label="Choose a person" if required else "Nobody (leave as it is)",
        error_messages={"required": "Choose a person."},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ServiceErrorsMixin:
    """Puts a service's named error on the field it names, or on the form as a whole."""

    field_map: ClassVar[dict[str, str]] = {}

    def add_service_error(self, exc: ComplaintError) -> None:
        field = self.field_map.get(exc.field or "", exc.field)
        if field not in self.fields:  # type: ignore[attr-defined]
            field = None
        self.add_error(field, exc.message)  # type: ignore[attr-defined]


class CaseActionForm(ServiceErrorsMixin, forms.Form):
    """One lifecycle action on one complaint."""

    slug: ClassVar[str]
    title: ClassVar[str]
    button: ClassVar[str]
    workflow_action: ClassVar[Action]
    # The question asked before an irreversible change; empty means no confirmation step.
    confirm: ClassVar[str] = ""
    # Beyond working cases, what the matrix must allow (assigning is for officers).
    permission: ClassVar[perms.Action | None] = None
    intro: ClassVar[str] = ""
    multipart: ClassVar[bool] = False
    template: ClassVar[str] = "complaints/action.html"
    # Templates list the action classes themselves; they must not instantiate them.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, *args: Any, complaint: Complaint, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        if cls.permission is not None and not perms.allowed(user, cls.permission):
            return False
        return cls.workflow_action in allowed_actions(complaint.state)

    @property
    def stage(self) -> Stage:
        return self.complaint.stages.get(number=self.complaint.current_stage)

    def run(self, *, actor: Any) -> str:
        """Call the one service; return the success message."""
        raise NotImplementedError


class AcknowledgeForm(CaseActionForm):
    slug = "acknowledge"
    title = "Acknowledge and define the complaint"
    button = "Acknowledge and start the response clock"
    workflow_action = Action.ACKNOWLEDGE
    intro = (
        "Record the complaint definition agreed with the resident (Code 5.6–5.7). "
        "The response is due 10 working days after acknowledgement at stage 1, 20 at stage 2."
    )

    points = text_area(
        "Points of complaint",
        required=False,
        help_text="One point per line. Each gets its own decision in the response.",
        rows=5,
    )
    outcomes_sought = text_area("Outcomes the resident wants", message=stage_rules.NO_OUTCOMES)
    responsible_for = text_area(
        "What we are responsible for", message=stage_rules.NO_RESPONSIBILITY
    )
    not_responsible_for = text_area("What we are not responsible for", required=False)
    to_clarify = text_area("Anything to clarify with the resident", required=False)
    acknowledged_on = date_field("Date acknowledged")
    handler = staff_choice("Complaint handler", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acknowledged_on"].initial = today()
        if self.complaint.current_stage == 2:
            self.fields[
                "points"
            ].help_text = (
                "Only new points; the stage 1 definition carries over. One point per line."
            )

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        stage = services.stage_acknowledge(
            stage=self.stage,
            points=d["points"].splitlines(),
            outcomes_sought=d["outcomes_sought"],
            responsible_for=d["responsible_for"],
            not_responsible_for=d["not_responsible_for"],
            to_clarify=d["to_clarify"],
            acknowledged_on=d["acknowledged_on"],
            handler=d["handler"],
            actor=actor,
        )
        return f"Stage {stage.number} acknowledged. The response is due {stage.response_due:%-d %B %Y}."


class AddPointsForm(CaseActionForm):
    slug = "add-points"
    title = "Add points raised by the resident"
    button = "Add the points"
    workflow_action = Action.ADD_NOTE  # always possible: unrelated points become a new complaint
    intro = (
        "Related points raised before the stage 1 response join this complaint; otherwise "
        "(or if adding them would unreasonably delay the response) they become a new, "
        "linked complaint (Code 6.8)."
    )

    points = text_area(
        "New points", help_text="One point per line.", message=intake_rules.NO_POINTS
    )
    related = forms.TypedChoiceField(
        label="Are the new points related to this complaint?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the new points are related."},
    )
    would_delay = forms.BooleanField(
        label="Adding them would unreasonably delay the response", required=False
    )
    received_on = date_field("Date the resident raised them")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = today()

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        return complaint.state not in {State.EXCLUDED, State.WITHDRAWN}

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        result = services.complaint_add_points(
            complaint=self.complaint,
            points=d["points"].splitlines(),
            related=d["related"],
            would_delay=d["would_delay"],
            received_on=d["received_on"],
            actor=actor,
        )
        if result.merged:
            return "The points were added to the stage 1 definition."
        return f"The points were logged as a new linked complaint, {result.complaint.reference}."


class ExtendForm(CaseActionForm):
    slug = "extend"
    title = "Extend the response deadline"
    button = "Extend the deadline"
    workflow_action = Action.EXTEND
    template = "complaints/extend.html"

    new_due = date_field("New response date")
    reason = text_area(
        "Reason for the extension",
        help_text="This is explained to the resident.",
        message=stage_rules.EXTENSION_NEEDS_REASON,
    )
    resident_informed_on = date_field(
        "Date the resident was told",
        help_text="They must be told with the Housing Ombudsman's contact details (Code 6.5 / 6.16).",
    )
    update_interval_days = forms.IntegerField(
        label="Keep the resident updated every (working days)",
        min_value=1,
        max_value=20,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "Enter how often the resident will be updated."},
    )
    good_reason = text_area(
        "Good reason to go beyond the Code's cap",
        required=False,
        help_text="Only when the new date is later than the cap shown above.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident_informed_on"].initial = today()

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        extension = services.stage_extend(
            stage=self.stage,
            new_due=d["new_due"],
            reason=d["reason"],
            resident_informed_on=d["resident_informed_on"],
            update_interval_days=d["update_interval_days"],
            good_reason=d["good_reason"],
            actor=actor,
        )
        return f"The response deadline is now {extension.new_due:%-d %B %Y}."


class EscalateForm(CaseActionForm):
    slug = "escalate"
    title = "Escalate to stage 2"
    button = "Escalate to stage 2"
    workflow_action = Action.ESCALATE
    confirm = "Escalate this complaint to stage 2? The stage 2 clock starts on the date given."
    intro = "The resident does not have to give reasons for escalating (Code 6.12)."

    requested_on = date_field("Date the resident asked to escalate")
    reason = text_area("What the resident said, if anything", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = today()

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        stage = services.complaint_escalate(
            complaint=self.complaint,
            requested_on=d["requested_on"],
            reason=d["reason"],
            actor=actor,
        )
        return (
            f"Escalated to stage 2. Acknowledge it by {stage.ack_due:%-d %B %Y}; "
            "it needs a different handler from stage 1."
        )


class AssignForm(CaseActionForm):
    slug = "assign"
    title = "Assign the complaint"
    button = "Assign"
    workflow_action = Action.ASSIGN
    permission = perms.Action.ASSIGN

    handler = staff_choice("Handler")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.complaint.current_stage == 2:
            first = self.complaint.stages.filter(number=1).select_related("handler").first()
            if first and first.handler:
                self.fields[
                    "handler"
                ].help_text = (
                    f"{first.handler} handled stage 1, so cannot handle stage 2 (Code 6.13)."
                )

    def run(self, *, actor: Any) -> str:
        stage = services.stage_assign(
            stage=self.stage, handler=self.cleaned_data["handler"], actor=actor
        )
        return f"Stage {stage.number} is now with {stage.handler}."


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
    decided_on = date_field("Date decided")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = profile_for(self.complaint).exclusion_grounds
        self.fields["ground"].choices = [("", "Choose a reason")] + [
            (g.code, f"{g.label} ({g.source})") for g in grounds
        ]
        self.fields["decided_on"].initial = today()

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.complaint_exclude(
            complaint=self.complaint,
            ground=d["ground"],
            reasoning=d["reasoning"],
            discretion_considered=d["discretion_considered"],
            discretion_notes=d["discretion_notes"],
            decided_on=d["decided_on"],
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
    withdrawn_on = date_field("Date withdrawn")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = today()

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
    closed_on = date_field("Date closed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = today()

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

    referred_on = date_field("Date referred")
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
    outcome_on = date_field("Date of the finding")
    notes = text_area("Notes, including any orders", required=False)

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        return complaint.ombudsman_referrals.filter(outcome=ReferralOutcome.PENDING).exists()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = self.complaint.ombudsman_referrals.filter(
            outcome=ReferralOutcome.PENDING
        )

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


class NoteForm(CaseActionForm):
    slug = "note"
    title = "Add a note"
    button = "Add the note"
    workflow_action = Action.ADD_NOTE

    text = text_area("Note", rows=6, message=record_rules.NOTE_EMPTY)

    def run(self, *, actor: Any) -> str:
        services.note_add(complaint=self.complaint, text=self.cleaned_data["text"], actor=actor)
        return "The note was added to the record."


class CorrespondenceForm(CaseActionForm):
    slug = "correspondence"
    title = "Record correspondence"
    button = "Add to the record"
    workflow_action = Action.ADD_NOTE
    multipart = True

    direction = forms.ChoiceField(
        label="Was it received or sent?",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this was received or sent."},
    )
    channel = forms.ChoiceField(label="How", choices=[("", "Choose the channel"), *Channel.choices])
    counterpart = forms.CharField(label="To or from", max_length=200)
    subject = forms.CharField(label="Subject", max_length=300, required=False)
    body = text_area("Summary or text", required=False, rows=6)
    occurred_on = date_field("Date")
    files = MultipleFileField(label="Attachments", required=False)

    field_map = {"occurred_at": "occurred_on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = today()
        self.fields["counterpart"].error_messages["required"] = "Say who it was to or from."
        self.fields["channel"].error_messages["required"] = "Choose the channel."

    def run(self, *, actor: Any) -> str:
        from datetime import datetime, time

        from django.utils import timezone

        d = self.cleaned_data
        day: date = d["occurred_on"]
        occurred_at = (
            timezone.now()
            if day == today()
            else timezone.make_aware(datetime.combine(day, time(12, 0)))
        )
        services.correspondence_add(
            complaint=self.complaint,
            direction=d["direction"],
            channel=d["channel"],
            counterpart=d["counterpart"],
            subject=d["subject"],
            body=d["body"],
            occurred_at=occurred_at,
            files=d["files"],
            actor=actor,
        )
        return "The correspondence was added to the record."


class AttachmentForm(CaseActionForm):
    slug = "attachment"
    title = "Add documents"
    button = "Upload"
    workflow_action = Action.ADD_NOTE
    multipart = True

    files = MultipleFileField(label="Documents", required=False)
    description = forms.CharField(label="What they are", max_length=200, required=False)

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        stored = services.attachment_add(
            complaint=self.complaint, files=d["files"], description=d["description"], actor=actor
        )
        return f"{len(stored)} document(s) added to the record."


class _CompleteForm(CaseActionForm):
    workflow_action = Action.COMPLETE_REMEDY
    button = "Mark as complete"

    item = forms.ModelChoiceField(
        queryset=None,
        label="Which one",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which one is complete."},
    )
    completed_on = date_field("Date completed")
    note = text_area("How it was completed (told to the resident)", required=False)

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.items()
        self.fields["item"].label_from_instance = lambda i: (
            f"{i.description} (due {i.due_on:%-d %b %Y})"
        )
        self.fields["completed_on"].initial = today()


class CompleteRemedyForm(_CompleteForm):
    slug = "complete-remedy"
    title = "Complete a remedy"

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        return False  # offered beside each remedy on the case page

    def items(self) -> QuerySet[Remedy]:
        return self.complaint.remedies.filter(completed_on__isnull=True)

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.remedy_complete(
            remedy=d["item"], completed_on=d["completed_on"], note=d["note"], actor=actor
        )
        return "The remedy is marked as complete."


class CompleteActionForm(_CompleteForm):
    slug = "complete-action"
    title = "Complete an outstanding action"

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        return False  # offered beside each action on the case page

    def items(self) -> QuerySet[OutstandingAction]:
        return self.complaint.outstanding_actions.filter(completed_on__isnull=True)

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        services.action_complete(
            action=d["item"], completed_on=d["completed_on"], note=d["note"], actor=actor
        )
        return "The action is marked as complete."


# --- logging a new complaint -------------------------------------------------------------------


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


# --- the work queue's filters --------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    stage = forms.TypedChoiceField(
        label="Stage",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any"), ("1", "Stage 1"), ("2", "Stage 2")],
    )
    status = forms.ChoiceField(label="Status", required=False)
    category = forms.ModelChoiceField(
        label="Category", queryset=Category.objects.all(), required=False, empty_label="Any"
    )
    handler = forms.ModelChoiceField(
        label="Handler", queryset=queue_handlers(), required=False, empty_label="Anyone"
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any"), *Channel.choices]
    )
    overdue = forms.BooleanField(label="Overdue", required=False)
    extended = forms.BooleanField(label="Extended", required=False)
    vulnerable = forms.BooleanField(label="Vulnerable resident", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from putright.complaints.constants import Status

        self.fields["status"].choices = [("", "Any")] + [
            (value, label) for value, label in Status.choices if State(value) in OPEN_STATES
        ]


CASE_ACTIONS: dict[str, type[CaseActionForm]] = {
    form.slug: form
    for form in (
        AcknowledgeForm,
        AssignForm,
        ExtendForm,
        AddPointsForm,
        EscalateForm,
        CloseForm,
        WithdrawForm,
        ExcludeForm,
        ReinstateForm,
        NoteForm,
        CorrespondenceForm,
        AttachmentForm,
        OmbudsmanReferralForm,
        OmbudsmanOutcomeForm,
        CompleteRemedyForm,
        CompleteActionForm,
    )
}


def _register_respond() -> None:
    from putright.complaints.respond_forms import RespondForm

    CASE_ACTIONS[RespondForm.slug] = RespondForm


_register_respond()
