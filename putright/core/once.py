"""One-time submission tokens: a staff form sent twice (a double-click, a resend after a slow
answer) acts once, and the second submission is shown what the first did.

The form carries a token (`{% submission_token %}`, from core's `once` template tags). The view
spends it in the same transaction as the change (`submitted_once`); a second request with the
same token waits for the first, finds the token spent and is sent where the first went.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from putright.core.models import SubmissionToken

FIELD = "submission_token"
ALREADY_DONE = "Already done: that form had already been sent, so it was not acted on twice."
KEPT_FOR = timedelta(hours=24)


class AlreadySubmitted(Exception):
    """This form's token was spent by an earlier submission; nothing more was done."""

    def __init__(self, result_url: str) -> None:
        super().__init__(ALREADY_DONE)
        self.result_url = result_url


@dataclass
class Spending:
    """The token being spent; the view says where the submission led (the second goes there)."""

    token: SubmissionToken | None
    result_url: str = ""


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None  # no token (an old page, a script): acted on as before, not deduplicated


def spent_result(request: HttpRequest) -> str | None:
    """Where the first submission of this form went, if its token is already spent."""
    token = _token(request)
    if token is None:
        return None
    return SubmissionToken.objects.filter(token=token).values_list("result_url", flat=True).first()


def replayed(request: HttpRequest, result_url: str | None, fallback_url: str) -> HttpResponse:
    """The answer to a second submission: "already done", where the first one went."""
    messages.info(request, ALREADY_DONE)
    return redirect(result_url or fallback_url)


@contextmanager
def submitted_once(request: HttpRequest) -> Iterator[Spending]:
    """Spend the request's token inside the caller's transaction, or raise AlreadySubmitted.

    On PostgreSQL the unique insert waits for a concurrent first submission to commit (then
    fails: already done) or roll back (then this one acts). SQLite's BEGIN IMMEDIATE
    serialises the two outright.
    """
    token = _token(request)
    if token is None:
        yield Spending(token=None)
        return
    try:
        with transaction.atomic():
            row = SubmissionToken.objects.create(
                token=token, user_id=getattr(request.user, "pk", None), path=request.path[:300]
            )
    except IntegrityError:
        raise AlreadySubmitted(spent_result(request) or "") from None
    spending = Spending(token=row)
    yield spending
    if spending.result_url:
        row.result_url = spending.result_url[:500]
        row.save(update_fields=["result_url"])
    SubmissionToken.objects.filter(used_at__lt=timezone.now() - KEPT_FOR).delete()
