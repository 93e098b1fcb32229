"""`Idempotency-Key` on every API POST: a retry acts once and gets the first answer again.

A client that did not hear back (a lost connection, a timeout) sends the same request with the
same key. The first request with a key runs inside one transaction together with the stored
answer, so either both are kept or neither is: the retry then replays the stored answer
(`Idempotent-Replayed: true`) or, if the first failed, runs afresh. The same key with a
different request is refused (422). Keys are per user and kept for 24 hours (expired ones
are deleted by the scheduler's `core.prune_idempotency_keys` job every hour).
"""

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection as default_connection
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from putright.core import held
from putright.core.built_once import built_once
from putright.core.jsonrows import run_statement, statement_run
from putright.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/"
KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
KEY_REUSED = (
    "This Idempotency-Key was already used for a different request. Use a new key for each "
    "new request, and the same key only to retry the same one."
)
KEY_TOO_LONG = f"The Idempotency-Key must be at most {MAX_KEY_LENGTH} characters."
WROTE_BEFORE_CLAIM = (
    "A checks_first handler wrote (or locked rows) before claim_before_writing: the write "
    "would be kept outside the key's transaction, and a retry would act twice. Claim first."
)
# A statement that writes or locks rows (the only kinds a check must not run): its first word,
# or a row lock at its end.
_WRITES = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|CREATE|ALTER|DROP)\b"
    r"|\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b",
    re.IGNORECASE,
)


def _error(status: int, detail: str) -> JsonResponse:
    """The API's one error shape (putright.complaints.api.exception_handler)."""
    body = {
        "error": "idempotency_key_reused" if status == 422 else "invalid_input",
        "detail": detail,
        "field": None,
        "provision": "",
        "fields": {},
    }
    return JsonResponse(body, status=status)


def _api_user(request: HttpRequest) -> Any:
    """The user DRF will see (token or session), or None; the view itself enforces access."""
    drf = Request(
        request, authenticators=[a() for a in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = drf.user
    except APIException:
        return None
    return user if getattr(user, "is_authenticated", False) else None


def request_hash(request: HttpRequest) -> str:
    """A fingerprint of what was asked: the path and the body, parsed, so a multipart retry
    with a new boundary or JSON with its keys reordered still counts as the same request."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        fields = sorted((k, request.POST.getlist(k)) for k in request.POST)
        digest.update(json.dumps(fields).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        body = request.body
        with contextlib.suppress(ValueError):  # not JSON: the bytes themselves
            body = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
        digest.update(body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        record.body, status=record.status, content_type=record.content_type or None
    )
    response[REPLAYED_HEADER] = "true"
    return response


@dataclass(frozen=True)
class _Statements:
    claim: str  # INSERT ... ON CONFLICT (user_id, key) DO NOTHING RETURNING id
    answer: str  # UPDATE ... SET status, content_type, body WHERE id


_CLAIMED = (
    "key",
    "user_id",
    "path",
    "request_hash",
    "status",
    "content_type",
    "body",
    "created_at",
)


def _statements(connection: Any) -> _Statements:
    """The two statements every keyed POST runs, written once per database vendor from the
    model (the ORM compiled them on every request: a tenth of a create's CPU)."""
    meta = IdempotentRequest._meta
    q = connection.ops.quote_name
    table = q(meta.db_table)
    columns = ", ".join(q(meta.get_field(name).column) for name in _CLAIMED)
    places = ", ".join(["%s"] * len(_CLAIMED))
    pk = q(meta.pk.column)
    unique = ", ".join(q(meta.get_field(name).column) for name in ("user_id", "key"))
    answered = ", ".join(f"{q(name)} = %s" for name in ("status", "content_type", "body"))
    return _Statements(
        # Names from the model, values as parameters.
        claim=f"INSERT INTO {table} ({columns}) VALUES ({places}) "  # noqa: S608
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {pk}",
        answer=f"UPDATE {table} SET {answered} WHERE {pk} = %s",  # noqa: S608
    )


def _statements_here() -> tuple[Any, _Statements]:
    connection = connections[router.db_for_write(IdempotentRequest)]
    built = built_once(
        ("idempotency", "statements"),
        lambda: _statements(connection),
        using=connection.alias,
        fingerprint=lambda statements, _using: statements,
    )
    return connection, built


def _claim(user_id: int, key: str, path: str, fingerprint: str) -> int | None:
    """The id of the key's row, made now; None if the key is already taken (its row is
    looked at only then, so a new key costs one INSERT, and no savepoint: the conflict is
    not an error). Waits for a concurrent first request with this key to finish."""
    connection, statements = _statements_here()
    values = (key, user_id, path, fingerprint, 0, "", "", timezone.now())
    fields = [IdempotentRequest._meta.get_field(name) for name in _CLAIMED]
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    rows = run_statement("idempotency_claim", statements.claim, params, using=connection.alias)
    return rows[0][0] if rows else None


def _keep_answer(record_id: int, response: HttpResponse) -> None:
    """Store the answer on the key's row, in the request's transaction."""
    connection, statements = _statements_here()
    body = response.content.decode(response.charset or "utf-8")
    params = [response.status_code, response.get("Content-Type", ""), body, record_id]
    run_statement("idempotency_answer", statements.answer, params, using=connection.alias)


class _Keyed:
    """A keyed POST's one transaction: opened, with the key claimed, when the view is ready to
    write (`claim_before_writing`), or before the view runs if it does not say it checks
    first, or after it answered if it wrote nothing (a 400 is kept and replayed too)."""

    def __init__(
        self, user_id: int, key: str, path: str, fingerprint: str, stack: contextlib.ExitStack
    ) -> None:
        self.user_id, self.key, self.path, self.fingerprint = user_id, key, path, fingerprint
        self.stack = stack  # the middleware's: it exits the transaction, whatever happens
        self.opened = False
        self.transaction = contextlib.ExitStack()  # the keyed transaction, once opened
        self.claimed: int | None = None
        self.refusal: HttpResponse | None = None  # the earlier answer, or 422
        self.checking = contextlib.ExitStack()  # the guard while a checks_first view checks

    def check_first(self) -> None:
        """Until the key is claimed, refuse any statement that writes or locks rows, with
        `WROTE_BEFORE_CLAIM`, before it runs: a `checks_first` handler that wrote first would
        keep the write outside the key's transaction (the order its docstring asks for is
        checked, not trusted). Reads run as they are."""
        self.stack.enter_context(self.checking)  # let go at the end, whatever happens
        self.checking.enter_context(default_connection.execute_wrapper(_refuse_writes))

    def begin(self, *, writing: bool = False) -> HttpResponse | None:
        """Open the transaction and claim the key, once; the answer to give instead of acting
        (the first request's, replayed, or a 422), or None to act. `writing`: the view writes
        next (`claim_before_writing`), and its services need no savepoint of their own: if
        one fails, `end` starts again and keeps only the answer."""
        if self.opened:
            return self.refusal
        self.checking.close()
        self.transaction = self.stack.enter_context(contextlib.ExitStack())
        # Durable: inside a transaction the view opened first (which would commit its writes
        # before the answer is kept) this raises RuntimeError instead of nesting.
        self.transaction.enter_context(transaction.atomic(durable=True))
        self.opened = True
        user_id, key, path, fingerprint = self.user_id, self.key, self.path, self.fingerprint
        claimed = _claim(user_id, key, path, fingerprint)
        if claimed is None:
            earlier = IdempotentRequest.objects.get(user_id=user_id, key=key)
            if earlier.created_at < timezone.now() - KEPT_FOR:
                # Expired, and the hourly job has not deleted it yet: the key acts afresh
                # (unless a concurrent reuse claimed it first: its answer is replayed).
                IdempotentRequest.objects.filter(pk=earlier.pk).delete()
                claimed = _claim(user_id, key, path, fingerprint)
                if claimed is None:
                    earlier = IdempotentRequest.objects.get(user_id=user_id, key=key)
        if claimed is None:
            if earlier.request_hash != fingerprint or earlier.path != path:
                self.refusal = _error(422, KEY_REUSED)
            else:
                self.refusal = _replay(earlier)
        self.claimed = claimed
        if writing and self.refusal is None:
            self.transaction.enter_context(held.without_savepoints())
        return self.refusal

    def end(self, response: HttpResponse) -> HttpResponse:
        """Keep the answer with what the request wrote (committed as the middleware's stack
        exits), or keep nothing."""
        refusal = self.begin()  # the view wrote nothing: the key is claimed now
        if (
            refusal is None
            and self.claimed is not None
            and response.status_code < 500
            and transaction.get_rollback()
        ):
            # A service refused part-way, with no savepoint (`held.without_savepoints`): none
            # of what the request wrote is kept, and its answer is kept with the key, claimed
            # again in a transaction of its own (a concurrent retry may have claimed it first:
            # its answer is replayed).
            self.transaction.close()  # rolls back
            self.opened = False
            refusal = self.begin()
        if refusal is not None:
            transaction.set_rollback(True)  # nothing the view did is kept
            response = refusal
        elif (
            self.claimed is None  # the claim itself failed: the response is the 500
            or response.status_code >= 500
            or getattr(response, "streaming", False)
        ):
            # Nothing is kept, the key included: the client may retry and act afresh.
            transaction.set_rollback(True)
        else:
            _keep_answer(self.claimed, response)
        return response


def _refuse_writes(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    if _WRITES.search(statement_run(sql)):
        raise RuntimeError(WROTE_BEFORE_CLAIM)
    return execute(sql, params, many, context)


CHECKS_FIRST = "_idempotency_checks_first"


def checks_first(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view handler that parses and checks its input first and then calls
    `claim_before_writing` before it writes anything: a keyed POST's transaction (on SQLite,
    the database's one write lock) then opens only for the writing, not the checking. A
    statement that writes or locks rows before the claim is refused (`_Keyed.check_first`)."""
    setattr(handler, CHECKS_FIRST, True)
    return handler


def claim_before_writing(request: HttpRequest) -> HttpResponse | None:
    """Called by a `checks_first` handler once its input is checked, outside any transaction:
    opens the keyed request's transaction and claims the key; the services the handler then
    calls run in it with no savepoint of their own (`held.without_savepoints`). Returns the
    answer to give instead of acting (a retry's first answer, or a 422), or None: go on and
    write. A request without a key: nothing to do."""
    keyed: _Keyed | None = getattr(request, "_idempotency", None)  # DRF's Request passes it on
    return keyed.begin(writing=True) if keyed is not None else None


def _checks_first(view_func: Callable[..., Any], method: str) -> bool:
    cls = getattr(view_func, "cls", None)  # DRF's views and viewsets
    name = (getattr(view_func, "actions", None) or {}).get(method.lower(), method.lower())
    handler = getattr(cls, name, None) if cls is not None else None
    return bool(getattr(handler, CHECKS_FIRST, False))


class IdempotencyKeyMiddleware:
    """Honours `Idempotency-Key` on POSTs to the API (every endpoint, whichever app owns it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error(400, KEY_TOO_LONG)
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # refused by the view's own checks
        with contextlib.ExitStack() as stack:  # commits, or rolls back on an exception
            keyed = _Keyed(user.pk, key, request.path[:300], request_hash(request), stack)
            request._idempotency = keyed  # type: ignore[attr-defined]
            return keyed.end(self.get_response(request))

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """A keyed POST to a view that does not check first: the transaction opens (and the
        key is claimed) before the view runs, so everything it writes is in it."""
        keyed: _Keyed | None = getattr(request, "_idempotency", None)
        if keyed is None:
            return None
        if _checks_first(view_func, request.method or ""):
            keyed.check_first()
            return None
        return keyed.begin()


def prune_expired(*, now: datetime | None = None) -> int:
    """Delete the answers kept longer than KEPT_FOR (the scheduler's job, core/jobs.py); a key
    reused after that is cleared by the request itself. Returns how many were deleted.

    Not done per request: at 200 new complaints a second a second write transaction on every
    POST, scanning for old rows, halved the rate SQLite's one writer allows (bench/README.md).
    """
    cutoff = (now or timezone.now()) - KEPT_FOR
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
