"""Case actions on a stage: acknowledge, add points, extend, escalate, assign."""

from typing import Any

from django import forms

from putright.complaints import services
from putright.complaints.calendar import landlord_history
from putright.complaints.deadlines import extension_check
from putright.complaints.forms.base import (
    YES_NO,
    CaseActionForm,
    date_field,
    staff_choice,
    text_area,
)
from putright.complaints.models import Complaint, Conflict
from putright.complaints.services import intake as intake_rules
from putright.complaints.services import stages as stage_rules
from putright.complaints.services import updates as update_rules
from putright.core import permissions as perms
from putright.core.clock import today
from putright.rules.clocks import DUE_NOT_WORKING_DAY
from putright.rules.workflow import Action, State


class AcknowledgeForm(CaseActionForm):
    slug = "acknowledge"
    title = "Acknowledge and define the complaint"
    button = "Acknowledge and start the response clock"
    workflow_action = Action.ACKNOWLEDGE
    template = "complaints/acknowledge.html"
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
    acknowledged_on = date_field("Date acknowledged", past=True)
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

    def clean(self) -> dict[str, Any]:
        """The service's checks on these fields, run with the field checks so that every
        problem shows in one round (the service still refuses them)."""
        data = super().clean()
        on = data.get("acknowledged_on")
        if on is not None and on < self.stage.requested_on:
            self.add_error("acknowledged_on", stage_rules.BEFORE_REQUEST)
        points = [p for p in (data.get("points") or "").splitlines() if p.strip()]
        if not points and not self.complaint.points.exists():
            self.add_error("points", stage_rules.NO_DEFINITION_POINTS)
        return data

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
    received_on = date_field("Date the resident raised them", past=True)

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
        past=True,
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

    def clean(self) -> dict[str, Any]:
        """The extension's own rules (the Code's cap, a working day, told after acknowledging)
        with the field checks, so that every problem shows in one round; the service
        refuses the same (one clock: `extension_check`)."""
        data = super().clean()
        stage = self.stage
        informed = data.get("resident_informed_on")
        if informed and stage.acknowledged_on and informed < stage.acknowledged_on:
            self.add_error("resident_informed_on", stage_rules.INFORMED_BEFORE_ACK)
        new_due = data.get("new_due")
        if new_due is None or stage.acknowledged_on is None:
            return data
        try:
            check = extension_check(
                stage,
                new_due=new_due,
                agreed_on=today(),
                good_reason=bool((data.get("good_reason") or "").strip()),
                on=today(),
                history=landlord_history(),
                profile=stage_rules.profile_for(self.complaint),
            )
        except ValueError as exc:
            self.add_error("new_due", str(exc))
            return data
        if not check.new_due_is_working_day:
            self.add_error("new_due", DUE_NOT_WORKING_DAY)
        beyond = stage_rules.beyond_cap(stage, check, good_reason=data.get("good_reason") or "")
        if beyond is not None:
            self.add_service_error(beyond)
        return data

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

    requested_on = date_field("Date the resident asked to escalate", past=True)
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
    template = "complaints/assign.html"  # shows everyone's caseload beside the choice

    handler = staff_choice("Handler")
    conflict = forms.ChoiceField(
        label="The handler's conflict-of-interest declaration (Code 5.8c)",
        choices=Conflict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": stage_rules.CONFLICT_NOT_DECLARED},
    )
    conflict_detail = text_area("If there is a conflict, what it is", required=False, rows=2)
    conflict_override_reason = text_area(
        "If there is a conflict: why assign them anyway (complaints officer's override)",
        required=False,
        rows=2,
    )

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

    def clean(self) -> dict[str, Any]:
        """The service's checks with the field checks: one round of errors."""
        data = super().clean()
        for refusal in stage_rules.assignment_refusals(
            self.stage,
            handler=data.get("handler"),
            conflict=data.get("conflict"),
            conflict_detail=data.get("conflict_detail") or "",
            conflict_override_reason=data.get("conflict_override_reason") or "",
            actor=self.user,
        ):
            if refusal.field not in self.errors:
                self.add_error(refusal.field, refusal.message)
        return data

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        stage = services.stage_assign(
            stage=self.stage,
            handler=d["handler"],
            conflict=d["conflict"],
            conflict_detail=d["conflict_detail"],
            conflict_override_reason=d["conflict_override_reason"],
            actor=actor,
        )
        return f"Stage {stage.number} is now with {stage.handler}."


class SendUpdateForm(CaseActionForm):
    """Keep the resident informed at the interval agreed with the extension (Code 5.9)."""

    slug = "send-update"
    title = "Send the resident an update"
    button = "Send the update"
    workflow_action = Action.SEND_UPDATE
    template = "complaints/send_update.html"
    intro = (
        "The resident was promised updates at an agreed interval while the response is late "
        "(Code 5.9). Say what has happened since they were last told; the letter goes to them "
        "(and any representative) on their usual channel and says when they will next hear."
    )

    progress = text_area(
        "What has happened since the resident was last told",
        rows=6,
        message=update_rules.UPDATE_NEEDS_PROGRESS,
    )

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        if not super().available(complaint, user):
            return False
        # The stages prefetched by the case page, or one query on the action page.
        return any(
            s.number == complaint.current_stage and s.update_due is not None
            for s in complaint.stages.all()
        )

    def run(self, *, actor: Any) -> str:
        stage = services.stage_update_send(
            stage=self.stage, progress=self.cleaned_data["progress"], actor=actor
        )
        return (
            "The update is on its way to the resident. The next one is due by "
            f"{stage.update_due:%-d %B %Y}."
        )
