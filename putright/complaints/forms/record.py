"""Case actions that add to the record: notes, correspondence, attachments, completed
remedies and actions."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from putright.complaints import services
from putright.complaints.constants import Channel, Direction
from putright.complaints.forms.base import (
    CaseActionForm,
    MultipleFileField,
    date_field,
    text_area,
)
from putright.complaints.models import Complaint, OutstandingAction, Remedy
from putright.complaints.services import record as record_rules
from putright.complaints.services import updates as update_rules
from putright.core.clock import today
from putright.rules.workflow import Action


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
    occurred_on = date_field("Date", past=True)
    files = MultipleFileField(label="Attachments", required=False)

    field_map = {"occurred_at": "occurred_on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = today()
        self.fields["counterpart"].error_messages["required"] = "Say who it was to or from."
        self.fields["channel"].error_messages["required"] = "Choose the channel."

    def clean(self) -> dict[str, Any]:
        """The service's "nothing kept" check with the field checks: one round of errors."""
        data = super().clean()
        given = [data.get(name) for name in ("subject", "body", "files")]
        if not any(v.strip() if isinstance(v, str) else v for v in given):
            self.add_error("body", record_rules.CORRESPONDENCE_EMPTY)
        return data

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
    multipart = True

    item = forms.ModelChoiceField(
        queryset=None,
        label="Which one",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which one is complete."},
    )
    completed_on = date_field("Date completed", past=True)
    note = text_area("How it was completed (told to the resident)", required=False)
    files = MultipleFileField(
        label="Evidence (optional): photos, receipts, reports", required=False
    )

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.items()
        self.fields["item"].label_from_instance = lambda i: (
            f"{i.description} (due {i.due_on:%-d %B %Y})"
        )
        self.fields["completed_on"].initial = today()

    def clean(self) -> dict[str, Any]:
        """The service's date check with the field checks: one round of errors. With no item
        chosen yet, a date refused whichever one is chosen is named now."""
        data = super().clean()
        on = data.get("completed_on")
        if on is not None and "completed_on" not in self.errors:
            chosen = data.get("item")
            items = [chosen] if chosen is not None else list(self.fields["item"].queryset)
            refusals = [record_rules.completion_refusal(item, on) for item in items]
            if refusals and all(refusals):
                self.add_error("completed_on", refusals[0].message)
        return data


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
            remedy=d["item"],
            completed_on=d["completed_on"],
            note=d["note"],
            files=d["files"],
            actor=actor,
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
            action=d["item"],
            completed_on=d["completed_on"],
            note=d["note"],
            files=d["files"],
            actor=actor,
        )
        return "The action is marked as complete."


class SendActionUpdateForm(CaseActionForm):
    """Tell the resident how a long-running outstanding action is going (Code 6.6 / 6.17)."""

    slug = "send-action-update"
    title = "Send the resident an update on an action"
    button = "Send the update"
    workflow_action = Action.COMPLETE_REMEDY  # followed whatever the complaint's state (7.3)
    intro = (
        "The resident was promised word on this work at an agreed interval until it is done. "
        "Say how it is going; the letter goes to them (and any representative) and says when "
        "they will next hear."
    )

    item = forms.ModelChoiceField(
        queryset=None,
        label="Which action",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which action the update is about."},
    )
    progress = text_area(
        "How the work is going", rows=6, message=update_rules.UPDATE_NEEDS_PROGRESS
    )

    @classmethod
    def available(cls, complaint: Complaint, user: Any) -> bool:
        return False  # offered beside each action owed an update on the case page

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.complaint.outstanding_actions.filter(
            completed_on__isnull=True, update_interval_days__isnull=False
        )
        self.fields["item"].label_from_instance = lambda a: (
            f"{a.description} (every {a.update_interval_days} working days, due {a.due_on:%-d %B %Y})"
        )

    def run(self, *, actor: Any) -> str:
        d = self.cleaned_data
        next_update = services.action_update_send(
            action=d["item"], progress=d["progress"], actor=actor
        )
        return (
            "The update is on its way to the resident. The next one is due by "
            f"{next_update:%-d %B %Y}."
        )
