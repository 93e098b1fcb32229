"""The work queue's filters."""

from typing import Any

from django import forms

from putright.complaints import hooks
from putright.complaints.constants import Channel
from putright.complaints.models import Category
from putright.complaints.selectors import queue_handlers
from putright.rules.workflow import OPEN_STATES, State


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

        # Every status, closed ones too: choosing one lists those complaints (a stage 2
        # request or an Ombudsman enquiry arrives on a closed case).
        self.fields["status"].choices = [
            ("", "Any open"),
            ("Open", [(v, label) for v, label in Status.choices if State(v) in OPEN_STATES]),
            (
                "Not open",
                [(v, label) for v, label in Status.choices if State(v) not in OPEN_STATES],
            ),
        ]
        # Filters other apps add to the queue (the hazards app's "Hazard" filter).
        self.extra_keys = []
        for extra in hooks.queue_filters():
            self.fields[extra.key] = forms.ChoiceField(
                label=extra.label, required=False, choices=[("", "Any"), *extra.choices]
            )
            self.extra_keys.append(extra.key)

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.extra_keys]

    def extra_values(self) -> tuple[tuple[str, str], ...]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return tuple((key, data[key]) for key in self.extra_keys if data.get(key))


class FollowUpFilterForm(forms.Form):
    """The follow-through tracker's filters (every one optional)."""

    owner = forms.ModelChoiceField(
        label="Owner", queryset=queue_handlers(), required=False, empty_label="Anyone"
    )
    team = forms.CharField(label="Team", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Remedies and actions"), ("remedy", "Remedies"), ("action", "Actions")],
    )
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All"),
            ("open", "Not done"),
            ("overdue", "Overdue"),
            ("week", "Due this week"),
            ("done", "Done"),
        ],
    )
    stage = QueueFilterForm.base_fields["stage"]
    status = forms.ChoiceField(label="Complaint status", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from putright.complaints.constants import Status

        # Closed complaints too: a promise outlives the case (Code 7.3).
        self.fields["status"].choices = [("", "Any"), *Status.choices]
