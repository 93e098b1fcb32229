"""The respond form: a decision and reasons on every point, remedies, actions, learning.

It builds a ResponseInput and makes ONE service call (`RespondForm.run`): the draft goes to a
colleague for review (policy 6.4), and only an approved draft is issued with its letter. A
draft returned with comments comes back into this form for the author to change.
"""

import re
from typing import Any

from django import forms

from putright.complaints.compensation import schedule_on
from putright.complaints.constants import DraftStatus, Outcome
from putright.complaints.forms.base import CaseActionForm, date_field, staff_choice, text_area
from putright.complaints.models import Complaint, ResponseDraft
from putright.complaints.services import ActionInput, DecisionInput, RemedyInput, ResponseInput
from putright.complaints.services import stages as stage_rules
from putright.complaints.services.common import profile_for
from putright.complaints.services.review import (
    response_draft_input,
    response_draft_submit,
    saved_response_draft,
)
from putright.complaints.services.stages import NO_SUMMARY
from putright.core.clock import today
from putright.core.errors import ComplaintError
from putright.rules.workflow import Action

REMEDY_PARTS = ("type", "description", "due_on", "amount", "band", "units", "deviation_reason")
_INDEXED = re.compile(r"^(decisions|remedies|actions)\[(\d+)\]\.(\w+)$")
_ROW_FIELD = re.compile(r"^(remedy|action)_(\d+)_(\w+)$")
ROW_KINDS = ("remedy", "action")
# Inputs of the form that are not answers (kept out of a saved working copy).
_NOT_ANSWERS = frozenset({"csrfmiddlewaretoken", "submission_token", "step", "confirmed"})
IN_THE_LETTER = "The resident reads this in the letter, word for word."


def rows_in(values: Any, kind: str) -> int:
    """How many `kind` rows the values hold (their highest index + 1); at least one."""
    indexes = [
        int(m.group(2)) for key in values if (m := _ROW_FIELD.match(key)) and m.group(1) == kind
    ]
    return max(indexes, default=0) + 1


_DATE_PART = re.compile(r"^(.+)_(day|month|year)$")


def working_values(data: Any) -> dict[str, Any]:
    """The answers a posted respond form holds, one value per field; a date typed into the
    three boxes is kept as [day, month, year], as typed."""
    values: dict[str, Any] = {}
    for key in data:
        if key in _NOT_ANSWERS:
            continue
        match = _DATE_PART.match(key)
        if match:
            name = match.group(1)
            values[name] = [data.get(f"{name}_{p}", "") for p in ("day", "month", "year")]
        else:
            values[key] = data.get(key, "")
    return values


def with_row_added(values: dict[str, Any], kind: str) -> tuple[dict[str, Any], int]:
    """The values with an empty `kind` row after the last; returns the new row's index."""
    new = rows_in(values, kind)
    return {**values, f"{kind}_{new}_description": ""}, new


def with_row_removed(values: dict[str, Any], kind: str, index: int) -> dict[str, Any]:
    """The values without `kind` row `index`; the rows after it move up one."""
    kept: dict[str, Any] = {}
    for key, value in values.items():
        match = _ROW_FIELD.match(key)
        if not match or match.group(1) != kind:
            kept[key] = value
            continue
        i = int(match.group(2))
        if i != index:
            kept[f"{kind}_{i - 1 if i > index else i}_{match.group(3)}"] = value
    return kept


def _waiting_for_review(complaint: Complaint) -> bool:
    """A draft of the current stage's response waits for review (the case page has its
    stages' open drafts already: ``selectors.case_page``)."""
    stages = getattr(complaint, "_prefetched_objects_cache", {}).get("stages")
    if stages is not None and all(hasattr(s, "open_drafts") for s in stages):
        return any(
            d.status == DraftStatus.IN_REVIEW
            for s in stages
            if s.number == complaint.current_stage
            for d in s.open_drafts
        )
    return ResponseDraft.objects.filter(
        stage__complaint=complaint,
        stage__number=complaint.current_stage,
        status=DraftStatus.IN_REVIEW,
    ).exists()


class RespondForm(CaseActionForm):
    slug = "respond"
    title = "Draft the response"
    button = "Send for review"
    workflow_action = Action.RESPOND
    template = "complaints/respond.html"

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        # One version at a time: while a draft waits for review there is nothing to draft.
        return super().available(complaint, user) and not _waiting_for_review(complaint)

    summary = text_area(
        "The overall answer, in plain language", rows=5, message=NO_SUMMARY, help_text=IN_THE_LETTER
    )
    early_resolution = forms.BooleanField(
        label="This is an early resolution (stage 1 only)", required=False
    )
    no_remedy_reason = text_area(
        "If no remedy is offered, why not", required=False, rows=3, help_text=IN_THE_LETTER
    )
    # Policy 6.x: a response includes "any learning from the complaint", so it is in the letter.
    learning = text_area(
        "What we have learned from the complaint",
        required=False,
        rows=3,
        help_text=(
            "The resident reads this in the letter, under \u201cWhat we have learned\u201d "
            "(policy: a response includes any learning). It also feeds the learning reports "
            "(Code 9.1). Leave it empty if there is nothing to say."
        ),
    )

    def __init__(self, *args: Any, focus: tuple[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Which row the page puts the keyboard focus on (one just added), if any.
        self.focus = focus
        self.returned_draft = (
            ResponseDraft.objects.filter(stage=self.stage, status=DraftStatus.RETURNED)
            .select_related("reviewer")
            .order_by("-version")
            .first()
        )
        self.saved_draft = saved_response_draft(self.stage)
        if not self.is_bound and not self.initial:
            if self.saved_draft is not None:
                self.initial.update(self.saved_draft.data.get("form", {}))
            elif self.returned_draft is not None:
                self.initial.update(initial_from(response_draft_input(self.returned_draft)))
        values = self.data if self.is_bound else self.initial
        self.remedy_count = rows_in(values, "remedy")
        self.action_count = rows_in(values, "action")
        if self.complaint.current_stage != 1:
            del self.fields["early_resolution"]
        self.points = list(self.complaint.points.order_by("number"))
        for point in self.points:
            n = point.number
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=f"Decision on point {n}",
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a decision on point {n}."},
            )
            self.fields[f"reasons_{n}"] = text_area(
                f"Reasons for the decision on point {n}",
                rows=3,
                message=f"Give the reasons for the decision on point {n} (Code 6.7 / 6.18).",
            )
        remedy_types = [("", "No remedy in this row")] + [
            (r.code, r.label) for r in profile_for(self.complaint).remedy_types
        ]
        bands = [("", "Not on the schedule")] + [
            (b.code, f"{b.label}: {b.range_label}, proposed £{b.proposed:,.2f}")
            for b in schedule_on(today())
        ]
        for i in range(self.remedy_count):
            self.fields[f"remedy_{i}_type"] = forms.ChoiceField(
                label=f"Remedy {i + 1}: type",
                choices=remedy_types,
                required=False,
                help_text="For our records and reports; not printed in the letter.",
            )
            self.fields[f"remedy_{i}_description"] = forms.CharField(
                label=f"Remedy {i + 1}: what will happen",
                required=False,
                max_length=500,
                help_text="Printed in the letter as you write it, e.g. \u201cWe will repaint "
                "the kitchen ceiling.\u201d A payment is printed as \u201cWe will pay you "
                "\u00a3…\u201d before it.",
            )
            self.fields[f"remedy_{i}_due_on"] = date_field(
                f"Remedy {i + 1}: by when", required=False
            )
            self.fields[f"remedy_{i}_amount"] = forms.DecimalField(
                label=f"Remedy {i + 1}: amount in pounds (financial only)",
                required=False,
                max_digits=9,
                decimal_places=2,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            # Policy 6.5: the schedule proposes an amount beside each line; outside it, a reason.
            self.fields[f"remedy_{i}_band"] = forms.ChoiceField(
                label=f"Remedy {i + 1}: compensation schedule line (financial only)",
                choices=bands,
                required=False,
                help_text="Each line shows its band and the amount it proposes per unit.",
            )
            self.fields[f"remedy_{i}_units"] = forms.IntegerField(
                label=f"Remedy {i + 1}: how many (weeks, days, rooms …)",
                required=False,
                min_value=1,
            )
            self.fields[f"remedy_{i}_deviation_reason"] = forms.CharField(
                label=f"Remedy {i + 1}: why the amount is outside the band (if it is)",
                required=False,
                max_length=500,
            )
        for i in range(self.action_count):
            self.fields[f"action_{i}_description"] = forms.CharField(
                label=f"Action {i + 1}: what is still to do",
                required=False,
                max_length=500,
                help_text="Printed in the letter with who will do it and by when.",
            )
            self.fields[f"action_{i}_due_on"] = date_field(
                f"Action {i + 1}: by when", required=False
            )
            self.fields[f"action_{i}_owner"] = staff_choice(
                f"Action {i + 1}: owner", required=False
            )
            self.fields[f"action_{i}_owner"].empty_label = "Not a member of staff"
            self.fields[f"action_{i}_owner_name"] = forms.CharField(
                label=f"Action {i + 1}: or team / contractor", required=False, max_length=200
            )
            self.fields[f"action_{i}_update_interval_days"] = forms.IntegerField(
                label=f"Action {i + 1}: update the resident every (working days)",
                help_text="For work that will take a while: the resident is told how it is "
                "going at this interval until it is done. Leave empty if not needed.",
                required=False,
                min_value=1,
                max_value=60,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    # -- grouping for the template ---------------------------------------------------------

    def point_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(p, self[f"outcome_{p.number}"], self[f"reasons_{p.number}"]) for p in self.points]

    def remedy_rows(self) -> list[list[Any]]:
        return [
            [self[f"remedy_{i}_{part}"] for part in REMEDY_PARTS] for i in range(self.remedy_count)
        ]

    def action_rows(self) -> list[list[Any]]:
        return [
            [
                self[f"action_{i}_{part}"]
                for part in ("description", "due_on", "owner", "owner_name", "update_interval_days")
            ]
            for i in range(self.action_count)
        ]

    def row_groups(self) -> list[dict[str, Any]]:
        """The remedy and action rows for the template, with the row to focus."""
        return [
            {
                "kind": "remedy",
                "rows": self.remedy_rows(),
                "focus": self.focus[1] if self.focus and self.focus[0] == "remedy" else None,
            },
            {
                "kind": "action",
                "rows": self.action_rows(),
                "focus": self.focus[1] if self.focus and self.focus[0] == "action" else None,
            },
        ]

    # -- building the service input --------------------------------------------------------

    def _remedy_rows_used(self) -> list[int]:
        d = self.cleaned_data
        return [
            i
            for i in range(self.remedy_count)
            if d.get(f"remedy_{i}_type")
            or (d.get(f"remedy_{i}_description") or "").strip()
            or d.get(f"remedy_{i}_due_on")
            or d.get(f"remedy_{i}_amount") is not None
            or d.get(f"remedy_{i}_band")
            or (d.get(f"remedy_{i}_deviation_reason") or "").strip()
        ]

    def _action_rows_used(self) -> list[int]:
        d = self.cleaned_data
        return [
            i
            for i in range(self.action_count)
            if (d.get(f"action_{i}_description") or "").strip()
            or d.get(f"action_{i}_due_on")
            or d.get(f"action_{i}_owner")
            or (d.get(f"action_{i}_owner_name") or "").strip()
            or d.get(f"action_{i}_update_interval_days")
        ]

    def _remedies(self) -> list[RemedyInput]:
        d = self.cleaned_data
        return [
            RemedyInput(
                remedy_type=d.get(f"remedy_{i}_type") or "",
                description=d.get(f"remedy_{i}_description") or "",
                due_on=d.get(f"remedy_{i}_due_on"),
                amount=d.get(f"remedy_{i}_amount"),
                band=d.get(f"remedy_{i}_band") or "",
                units=d.get(f"remedy_{i}_units"),
                deviation_reason=d.get(f"remedy_{i}_deviation_reason") or "",
            )
            for i in self._remedy_rows_used()
        ]

    def _actions(self) -> list[ActionInput]:
        d = self.cleaned_data
        return [
            ActionInput(
                description=d.get(f"action_{i}_description") or "",
                due_on=d.get(f"action_{i}_due_on"),
                owner=d.get(f"action_{i}_owner"),
                owner_name=d.get(f"action_{i}_owner_name") or "",
                update_interval_days=d.get(f"action_{i}_update_interval_days"),
            )
            for i in self._action_rows_used()
        ]

    def clean(self) -> dict[str, Any]:
        """The remedy and action rows' checks (the service's own) with the field checks: one
        round of errors. A row's field the form could not read keeps its own error."""
        data = super().clean()
        rows = ResponseInput(
            summary="",
            decisions=[],
            remedies=self._remedies(),
            actions=self._actions(),
            no_remedy_reason=data.get("no_remedy_reason") or "",
        )
        for refusal in stage_rules.follow_up_refusals(self.complaint, rows, today()):
            field = self._field_for(refusal)
            if field is not None and field not in self.errors:
                self.add_error(field, refusal.message)
        return data

    def response_input(self) -> ResponseInput:
        d = self.cleaned_data
        return ResponseInput(
            summary=d["summary"],
            decisions=[
                DecisionInput(
                    point=p.number,
                    outcome=d[f"outcome_{p.number}"],
                    reasons=d[f"reasons_{p.number}"],
                )
                for p in self.points
            ],
            remedies=self._remedies(),
            actions=self._actions(),
            learning=d["learning"],
            no_remedy_reason=d["no_remedy_reason"],
            early_resolution=d.get("early_resolution", False),
        )

    def _field_for(self, exc: ComplaintError) -> str | None:
        """The form field a service error names (``remedies[0].amount`` -> ``remedy_2_amount``
        when the first used row is the third), or None."""
        if exc.field in self.fields:
            return exc.field
        match = _INDEXED.match(exc.field or "")
        if not match:
            return None
        group, index, part = match.group(1), int(match.group(2)), match.group(3)
        field = None
        if group == "decisions" and index < len(self.points):
            n = self.points[index].number
            field = f"outcome_{n}" if part in {"point", "outcome"} else f"reasons_{n}"
        elif group == "remedies":
            rows = self._remedy_rows_used()
            if index < len(rows):
                part = "type" if part == "remedy_type" else part
                field = f"remedy_{rows[index]}_{part}"
        elif group == "actions":
            rows = self._action_rows_used()
            if index < len(rows):
                field = f"action_{rows[index]}_{part}"
        return field if field in self.fields else None

    def add_service_error(self, exc: ComplaintError) -> None:
        if _INDEXED.match(exc.field or "") and (field := self._field_for(exc)) is not None:
            self.add_error(field, exc.message)
            return
        super().add_service_error(exc)

    def run(self, *, actor: Any) -> str:
        draft = response_draft_submit(stage=self.stage, data=self.response_input(), actor=actor)
        return (
            f"Version {draft.version} of the stage {draft.stage.number} response is waiting for "
            "review by a colleague. It is sent once they approve it."
        )


def initial_from(data: ResponseInput) -> dict[str, Any]:
    """The form's initial values for a draft being changed after review."""
    initial: dict[str, Any] = {
        "summary": data.summary,
        "learning": data.learning,
        "no_remedy_reason": data.no_remedy_reason,
        "early_resolution": data.early_resolution,
    }
    for d in data.decisions:
        initial[f"outcome_{d.point}"] = d.outcome
        initial[f"reasons_{d.point}"] = d.reasons
    for i, r in enumerate(data.remedies):
        initial.update(
            {
                f"remedy_{i}_type": r.remedy_type,
                f"remedy_{i}_description": r.description,
                f"remedy_{i}_due_on": r.due_on,
                f"remedy_{i}_amount": r.amount,
                f"remedy_{i}_band": r.band,
                f"remedy_{i}_units": r.units,
                f"remedy_{i}_deviation_reason": r.deviation_reason,
            }
        )
    for i, a in enumerate(data.actions):
        initial.update(
            {
                f"action_{i}_description": a.description,
                f"action_{i}_due_on": a.due_on,
                f"action_{i}_owner": a.owner.pk if a.owner else None,
                f"action_{i}_owner_name": a.owner_name,
                f"action_{i}_update_interval_days": a.update_interval_days,
            }
        )
    return initial
