"""What every staff form shares: field helpers, service errors onto fields, and the
case action form each lifecycle action is a kind of."""

from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from django import forms

from putright.complaints.models import Complaint, Stage
from putright.complaints.selectors import StageOneSummary, queue_handlers, stage_one_summary
from putright.core import permissions as perms
from putright.core.clock import today
from putright.core.dates import DATE_HINT, GovukDateField
from putright.core.errors import ComplaintError
from putright.core.validation import DATE_IN_FUTURE
from putright.rules.workflow import Action

YES_NO = [("yes", "Yes"), ("no", "No")]


def not_in_the_future(value: date | None) -> None:
    """A date something happened: checked with the other fields, not after them by the
    service (which refuses it too), so it is in the first round of errors."""
    if value is not None and value > today():
        raise forms.ValidationError(DATE_IN_FUTURE)


def date_field(
    label: str, *, required: bool = True, help_text: str = "", past: bool = False
) -> forms.DateField:
    """The GOV.UK date input (day, month, year), the one date field of every staff form.
    `past`: the date something happened, so today or earlier."""
    return GovukDateField(
        label=label,
        required=required,
        validators=[not_in_the_future] if past else [],
        help_text=f"{help_text} {DATE_HINT}." if help_text else DATE_HINT,
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:]}.",
            "invalid": f"{label} must be a real date.",
        },
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
        return cls.workflow_action in complaint.allowed_actions

    def answers(self) -> list[tuple[str, str]]:
        """What a valid form was given, as a person reads it: for the confirmation page."""
        shown = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            if isinstance(value, date):
                text = f"{value.day} {value:%B %Y}"
            elif value is True:
                text = "Yes"
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                text = str(dict(field.choices).get(value, value))  # type: ignore[attr-defined]
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value)
            else:
                text = str(value)
            shown.append((str(field.label), text))
        return shown

    @property
    def stage(self) -> Stage:
        return self.complaint.stages.get(number=self.complaint.current_stage)

    @cached_property
    def stage_one_summary(self) -> StageOneSummary | None:
        """At stage 2, what stage 1 defined, decided and promised (shown on the forms that
        acknowledge and answer stage 2)."""
        if self.complaint.current_stage != 2:
            return None
        return stage_one_summary(self.complaint)

    def run(self, *, actor: Any) -> str:
        """Call the one service; return the success message."""
        raise NotImplementedError
