"""Named errors every service raises; views and the API turn them into messages and statuses."""

from typing import Any


class ComplaintError(Exception):
    """A refused change. Nothing was written."""

    def __init__(self, message: str, *, field: str | None = None, provision: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.provision = provision


class InvalidInput(ComplaintError):
    """The input itself is wrong (a missing reason, a date in the future): a 400."""


class RuleBroken(ComplaintError):
    """The input is well formed but the Code or the workflow forbids it: a 409."""


class TransitionRefused(RuleBroken):
    """The action is not allowed from the complaint's current state."""


class AlreadyDone(TransitionRefused):
    """Someone (or a second click) already made this change: the second attempt changes nothing."""


def error_into_form(form: Any, error: ComplaintError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
