"""Queries for complaints: each owns its joins so pages and the API avoid N+1."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from putright.complaints import hooks
from putright.complaints import search as complaint_search
from putright.complaints.calendar import closure_rows, history_from_rows
from putright.complaints.constants import DraftStatus
from putright.complaints.display import LETTER_NOT_SENT
from putright.complaints.followups import week_end
from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    ComplaintPoint,
    Correspondence,
    Decision,
    ExceptionalPeriod,
    ExceptionalStatus,
    Exclusion,
    Extension,
    OmbudsmanReferral,
    OpenTallyRow,
    OutstandingAction,
    Remedy,
    Response,
    ResponseDraft,
    Stage,
    StageDayTally,
)
from putright.complaints.models.complaint import OPEN_STATUSES
from putright.complaints.models.tally import NO_DATE, NO_HANDLER
from putright.core import jsonrows
from putright.core.built_once import built_once, sql_of
from putright.core.fulltext import SearchHits
from putright.core.models import SecurityEvent
from putright.people.models import (
    Adjustment,
    ContactRestriction,
    Representative,
    Vulnerability,
)
from putright.rules.workflow import OPEN_STATES, STATE_LABELS, State


def complaint_list(
    *,
    status: str | None = None,
    stage: int | None = None,
    handler_id: int | None = None,
    unassigned: bool = False,
    overdue_on: date | None = None,
    open_only: bool = False,
    search: str = "",
) -> QuerySet[Complaint]:
    """Complaints, newest next-deadline first when open; filters are all optional."""
    qs = Complaint.objects.select_related("resident", "handler", "category")
    if open_only:
        qs = qs.filter(status__in=[s.value for s in OPEN_STATES])
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(current_stage=stage)
    if handler_id:
        qs = qs.filter(handler_id=handler_id)
    if unassigned:
        qs = qs.filter(handler__isnull=True)
    if overdue_on:
        qs = qs.filter(next_due__lt=overdue_on)
    if search.strip():
        qs = complaint_search.matching(search, qs)  # the same search as the queue's
    return qs.order_by("next_due", "received_on", "id")


def complaint_detail(reference: str) -> Complaint:
    """One complaint with everything its page or API document shows, in a fixed few queries."""
    return complaint_detail_queryset().get(reference=reference)


def complaint_detail_queryset() -> QuerySet[Complaint]:
    stages = Stage.objects.select_related(
        "handler", "response", "response__author"
    ).prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.select_related("created_by")),
        Prefetch("response__decisions", queryset=Decision.objects.select_related("point")),
    )
    return Complaint.objects.select_related(
        "resident", "resident__home", "home", "handler", "category", "linked_to", "logged_by"
    ).prefetch_related(
        Prefetch("stages", queryset=stages),
        "points",
        "remedies",
        Prefetch("outstanding_actions", queryset=_actions()),
        "exclusions",
        "ombudsman_referrals",
        "linked_complaints",
    )


# Set on a complaint whose response drafts are already known (a list), so none are read.
KNOWN_RESPONSE_DRAFTS = "known_response_drafts"


def complaint_detail_received(complaint: Complaint, stage: Stage) -> Complaint:
    """A complaint received in the current transaction, as `complaint_detail` would read it back,
    without reading it: it has its first stage and nothing else yet (no extensions, response,
    points, remedies, actions, exclusions, referrals, linked complaints or response drafts), so
    every relation `complaint_detail_queryset` prefetches is known. Saves eleven queries on every
    API create
    (test_api.py checks the answer is the same as reading the complaint back)."""

    def known(queryset: QuerySet, rows: list) -> QuerySet:
        queryset._result_cache = rows
        queryset._prefetch_done = True
        return queryset

    stage._prefetched_objects_cache = {"extensions": known(stage.extensions.all(), [])}
    setattr(complaint, KNOWN_RESPONSE_DRAFTS, [])  # ComplaintSerializer reads none
    stage._state.fields_cache["response"] = None
    complaint._prefetched_objects_cache = {
        "stages": known(complaint.stages.all(), [stage]),
        **{
            name: known(getattr(complaint, name).all(), [])
            for name in (
                "points",
                "remedies",
                "outstanding_actions",
                "exclusions",
                "ombudsman_referrals",
                "linked_complaints",
            )
        },
    }
    return complaint


def _actions():
    from putright.complaints.models import OutstandingAction

    return OutstandingAction.objects.select_related("owner")


def complaint_record(complaint: Complaint) -> QuerySet[CaseEvent]:
    """The case record, newest first."""
    return complaint.events.select_related("actor").order_by("-recorded_at", "-id")


def complaint_correspondence(complaint: Complaint) -> QuerySet[Correspondence]:
    return complaint.correspondence.select_related("recorded_by").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.all())
    )


# --- the staff work queue ----------------------------------------------------------------------


class QueueScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    ALL = "all"


QUEUE_SCOPE_LABELS = {
    QueueScope.MINE: "My cases",
    QueueScope.TEAM: "My team",
    QueueScope.UNASSIGNED: "Unassigned",
    QueueScope.ALL: "All open",
}


class QueueAttention(StrEnum):
    """The queue's "needs attention" tabs: work that no deadline alone would show."""

    REVIEW = "review"
    RETURNED = "returned"
    UPDATE_DUE = "update_due"
    LETTER_FAILED = "letter_failed"


QUEUE_ATTENTION_LABELS = {
    QueueAttention.REVIEW: "Responses waiting for review",
    QueueAttention.RETURNED: "Responses returned with comments",
    QueueAttention.UPDATE_DUE: "Updates due to residents",
    QueueAttention.LETTER_FAILED: "Letters not sent",
}


@dataclass(frozen=True)
class QueueFilters:
    """What the work queue is narrowed by; every field is optional."""

    scope: QueueScope = QueueScope.ALL
    stage: int | None = None
    status: str = ""
    category_id: int | None = None
    handler_id: int | None = None
    channel: str = ""
    overdue: bool = False
    extended: bool = False
    vulnerable: bool = False
    search: str = ""
    # Filters other apps add (``hooks.register_queue_filter``): (key, value) pairs.
    extra: tuple[tuple[str, str], ...] = ()
    attention: str = ""


def _has_adjustments() -> Exists:
    return Exists(Adjustment.objects.filter(resident=OuterRef("resident"), active=True))


def work_queue(*, user: Any, filters: QueueFilters, today: date) -> QuerySet[Complaint]:
    """Open complaints, the next deadline first, narrowed by scope and filters.

    A narrow query: it orders and counts on the complaint row alone (`next_due` is indexed
    with status and handler), so paginating 100k complaints never builds wide rows. Turn a
    page of it into display rows with `work_queue_rows`. A search (`filters.search`) is not
    applied here: it covers every complaint, open or closed (`search_everything`).
    """
    # A letter that could not be sent matters after a complaint closes too (a completion
    # letter, say): that tab lists every complaint, and so does a status filter (closed,
    # withdrawn, responded...); the rest only open ones.
    if filters.attention == QueueAttention.LETTER_FAILED or filters.status:
        qs = Complaint.objects.all()
    else:
        qs = Complaint.objects.open()
    if filters.scope == QueueScope.MINE:
        qs = qs.filter(handler=user)
    elif filters.scope == QueueScope.TEAM:
        team = getattr(user, "team", "")
        qs = qs.filter(handler__team=team) if team else qs.filter(handler=user)
    elif filters.scope == QueueScope.UNASSIGNED:
        qs = qs.filter(handler__isnull=True)
    qs = _narrowed(qs, filters, today)
    # Open complaints always have a next deadline; the id (logging order) breaks ties and,
    # being the row id, keeps the sort inside the (status, next_due) index.
    return qs.order_by("next_due", "id")


def _column_lookups(filters: QueueFilters, today: date) -> dict[str, object]:
    """The filters on the complaint's own columns, as lookups: the queue applies them to the
    complaint row, a search to the search row, which holds each (``complaints.search.HELD``)."""
    lookups: dict[str, object] = {}
    if filters.stage:
        lookups["current_stage"] = filters.stage
    if filters.status:
        lookups["status"] = filters.status
    if filters.category_id:
        lookups["category_id"] = filters.category_id
    if filters.handler_id:
        lookups["handler_id"] = filters.handler_id
    if filters.channel:
        lookups["channel"] = filters.channel
    if filters.overdue:
        lookups["next_due__lt"] = today
    if filters.extended:
        # The current stage's fact stored on the complaint (``refresh_next_due``): a partial
        # index then holds the open complaints it is true of, in order.
        lookups["current_extended"] = True
    if filters.vulnerable:
        # The stored flag (kept by the services as vulnerabilities change), not an EXISTS
        # per row: a partial index then holds the open complaints of vulnerable residents.
        lookups["resident_vulnerable"] = True
    return lookups


def _narrowed(qs: QuerySet[Complaint], filters: QueueFilters, today: date) -> QuerySet[Complaint]:
    lookups = _column_lookups(filters, today)
    if lookups:
        qs = qs.filter(**lookups)
    return _narrowed_otherwise(qs, filters, today)


def _narrowed_otherwise(
    qs: QuerySet[Complaint], filters: QueueFilters, today: date
) -> QuerySet[Complaint]:
    """The filters that are not lookups on the complaint's own columns (`_column_lookups`):
    other apps' registered filters and the attention tabs."""
    registered = {f.key: f for f in hooks.queue_filters()}
    for key, value in filters.extra:
        if key in registered and value:
            qs = qs.filter(registered[key].narrow(value, today))
    if filters.attention:
        qs = qs.filter(_attention_q(filters.attention, today))
    return qs


def search_everything(*, filters: QueueFilters, today: date) -> SearchHits:
    """Every complaint, open or closed, matching `filters.search`, newest first; the queue's
    other filters (not its scope: a search covers everyone's cases) narrow it when set.

    Page it with a Paginator and turn a page into rows with `work_queue_rows`."""
    # The same filters as the queue's `_narrowed`, split: those on the complaint's own columns
    # are given apart, since the search row holds them (see `complaint_search.search`); the
    # others narrow by the complaint's row.
    rest = _narrowed_otherwise(Complaint.objects.all(), filters, today)
    within = rest if rest.query.has_filters() else None
    columns = _column_lookups(filters, today)
    return complaint_search.search(filters.search, within=within, columns=columns)


def work_queue_rows(ids: list[int]) -> list[Complaint]:
    """One page of the work queue (complaint ids, in order) as display rows: resident, home,
    handler, category and the vulnerable / adjustments / extended flags, in one query."""
    if not ids:
        return []
    rows = {c.pk: c for c in _queue_rows_queryset().filter(pk__in=ids)}
    for row in rows.values():
        row.letter_not_sent = (  # type: ignore[attr-defined]
            LETTER_NOT_SENT.get(row.letter_not_produced, "Letter not sent")
            if row.letter_not_produced
            else ""
        )
    return [rows[pk] for pk in ids]


QUEUE_ROW_FIELDS = (
    "reference",
    "status",
    "channel",
    "current_stage",
    "next_due",
    "update_due",
    "received_on",
    "closed_on",
    "resident__full_name",
    "home__address_line_1",
    "home__postcode",
    "category__name",
    "handler__first_name",
    "handler__last_name",
    "handler__username",
)


def _queue_rows_queryset() -> QuerySet[Complaint]:
    """Built, its subqueries resolved, once for each set of registered letter sources
    (``core.built_once``, which refuses a build that reads the clock), then narrowed (a copy)
    for every page: building it was a fifth of a queue page's time. (A queryset never
    evaluated is a template, as a class-based view's ``queryset`` is.)"""
    return built_once(
        ("complaints.queue_rows", hooks.letter_trouble_registered()), _build_queue_rows
    )


def _build_queue_rows() -> QuerySet[Complaint]:
    return (
        Complaint.objects.select_related("resident", "handler", "category", "home")
        # What the rows show (`_queue_results.html`, `_search_results.html`,
        # `display.queue_marker`), not every column of five tables.
        .only(*QUEUE_ROW_FIELDS)
        .annotate(
            # The stored flag the "vulnerable" filter uses (one truth for filter and tag).
            vulnerable=F("resident_vulnerable"),
            has_adjustments=_has_adjustments(),
            # The stored facts the "extended" filter and "update due" tab read (one truth
            # for filter and tag); `update_due` is the complaint's own column.
            extended=F("current_extended"),
            draft_waiting=_has_draft(DraftStatus.IN_REVIEW),
            draft_returned=_has_draft(DraftStatus.RETURNED),
            letter_not_produced=_letter_trouble_kind(),
            # The stored status of the period (no date: nothing of the day is built in).
            exceptional=_in_exceptional_period(),
        )
        .order_by()
    )


# A period in force, or ended while the complaint is still open: the flag stays until the
# complaint is answered, which is what "back to compliance" means (Code 8.5).
FLAGGED_PERIODS = (ExceptionalStatus.IN_FORCE, ExceptionalStatus.ENDED)


def _in_exceptional_period() -> Exists:
    return Exists(
        ExceptionalPeriod.affected.through.objects.filter(
            complaint_id=OuterRef("pk"), exceptionalperiod__status__in=FLAGGED_PERIODS
        )
    )


@dataclass(frozen=True)
class ExceptionalProgress:
    """How far a period's complaints are back to the Code's timescales (Code 8.5)."""

    period: ExceptionalPeriod
    affected: int
    still_open: int

    @property
    def answered(self) -> int:
        return self.affected - self.still_open

    @property
    def back_to_compliance(self) -> bool:
        return self.period.status == ExceptionalStatus.ENDED and self.still_open == 0


def exceptional_periods() -> list[ExceptionalProgress]:
    """Every period, newest first, with its affected and still-open counts (one query)."""
    periods = (
        ExceptionalPeriod.objects.select_related("declared_by", "decided_by", "ended_by")
        .annotate(
            n_affected=Count("affected", distinct=True),
            n_open=Count(
                "affected",
                filter=Q(affected__status__in=[s.value for s in OPEN_STATES]),
                distinct=True,
            ),
        )
        .prefetch_related("categories")
    )
    return [ExceptionalProgress(p, p.n_affected, p.n_open) for p in periods]


def exceptional_history(period: ExceptionalPeriod) -> QuerySet[SecurityEvent]:
    """Who declared, decided, ended and recorded the notification of a period, and when, oldest
    first: the security log's lines for it (the period's own fields keep only the latest)."""
    return (
        SecurityEvent.objects.filter(kind__startswith="exceptional.", data__period=period.pk)
        .select_related("user")
        .order_by("at", "pk")
    )


def _has_draft(status: str) -> Exists:
    return Exists(ResponseDraft.objects.filter(stage__complaint=OuterRef("pk"), status=status))


def _complaints_with_draft(status: str) -> QuerySet[Any]:
    return ResponseDraft.objects.filter(status=status).order_by().values("stage__complaint_id")


def updates_due_q(day: date) -> Q:
    """Complaints whose resident is owed an update by `day` (overdue included), Code 5.9: the
    one test the queue's "Updates due to residents" tab, the dashboard's count and the daily
    digest (`updates_due_by`) all make. The date is the current stage's next update, stored on
    the complaint by ``refresh_next_due`` (only an unanswered extended stage has one)."""
    return Q(update_due__lte=day)


def updates_due_by(day: date) -> QuerySet[Stage]:
    """The current stages of the open complaints `updates_due_q(day)` selects, for the
    follow-ups digest; their complaint's ``update_due`` is the date owed."""
    return Stage.objects.filter(
        complaint__in=Complaint.objects.open().filter(updates_due_q(day)).values("pk"),
        number=F("complaint__current_stage"),
    )


def _letter_trouble_kind() -> Any:
    """The kind of a letter about this complaint that the outbox could not produce or deliver
    and nobody has yet put right ("" if none): the clock it served is not met by its date."""
    subqueries = [
        Subquery(
            source.filter(trouble_complaint=OuterRef("pk"))
            .order_by("-pk")
            .values("trouble_kind")[:1]
        )
        for source in hooks.letter_trouble_sources()
    ]
    return Coalesce(*subqueries, Value(""), output_field=CharField())


def letter_trouble_complaints() -> Q:
    """Complaints with a letter not produced or not delivered and not yet put right."""
    complaint_ids = built_once(
        ("complaints.letter_trouble_ids", hooks.letter_trouble_registered()),
        _build_letter_trouble_ids,
        # As it is used: a union compiles only inside the IN.
        fingerprint=lambda ids, using: sql_of(
            None if ids is None else Complaint.objects.filter(pk__in=ids), using
        ),
    )
    return Q(pk__in=[]) if complaint_ids is None else Q(pk__in=complaint_ids)


def _build_letter_trouble_ids() -> Any:
    """The ids of complaints with letter trouble, over every registered source (None if none):
    built once for each set of sources (as the queue's rows are), half the tab's time."""
    ids = [
        source.order_by().values("trouble_complaint") for source in hooks.letter_trouble_sources()
    ]
    first, *rest = ids or [None]
    # One IN over a UNION: an OR of two INs makes PostgreSQL test every complaint.
    return first.union(*rest, all=True) if rest else first


def _letter_trouble_parts(complaint: Q) -> Any:
    """One query (a union) over every registered source of letters not sent, narrowed to
    `complaint` (a condition on ``trouble_complaint``), giving (trouble_kind, trouble_what)."""
    parts = [
        source.filter(complaint).order_by().values("trouble_kind", "trouble_what")
        for source in hooks.letter_trouble_sources()
    ]
    if not parts:
        return None
    first, *rest = parts
    return first.union(*rest, all=True).order_by() if rest else first


def _letter_troubles_rows(reference: str) -> Any:
    """The letters not produced or not delivered and not yet put right of the complaint with
    this reference, as ``jsonrows`` rows of (trouble_kind, trouble_what)."""
    union = _letter_trouble_parts(
        Q(
            trouble_complaint=Subquery(
                Complaint.objects.filter(reference=reference).values("pk")[:1]
            )
        )
    )
    if union is None:
        return Value("[]", output_field=CharField())
    return jsonrows.JSONRows(union, ["trouble_kind", "trouble_what"])


def _attention_q(attention: str, today: date) -> Q:
    # An IN over the few drafts in that state (indexed by status), not an EXISTS tested
    # on every open complaint.
    if attention == QueueAttention.REVIEW:
        return Q(pk__in=_complaints_with_draft(DraftStatus.IN_REVIEW))
    if attention == QueueAttention.RETURNED:
        return Q(pk__in=_complaints_with_draft(DraftStatus.RETURNED))
    if attention == QueueAttention.UPDATE_DUE:
        return updates_due_q(week_end(today))
    if attention == QueueAttention.LETTER_FAILED:
        return letter_trouble_complaints()
    return Q()


def queue_handlers() -> QuerySet[Any]:
    """Staff who can hold cases, for the handler filter and the assign form."""
    from putright.accounts.models import User

    return User.objects.filter(
        is_active=True, role__in=[User.Role.HANDLER, User.Role.OFFICER, User.Role.ADMIN]
    ).order_by("first_name", "last_name", "username")


# --- the case page -----------------------------------------------------------------------------


# name -> (model, the foreign keys each row carries as select_related would)
_CASE_LISTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "points": (ComplaintPoint, ()),
    "linked_complaints": (Complaint, ()),
    "linked_to": (Complaint, ()),
    "ombudsman_referrals": (OmbudsmanReferral, ()),
    "representatives": (Representative, ()),
    "contact_restrictions": (ContactRestriction, ()),
    "active_adjustments": (Adjustment, ()),
    "vulnerabilities": (Vulnerability, ()),
    "flagged_periods": (ExceptionalPeriod, ()),
    "correspondence": (Correspondence, ()),
    "remedies": (Remedy, ("completed_by",)),
    "outstanding_actions": (OutstandingAction, ("owner", "completed_by", "response")),
    "exclusions": (Exclusion, ("decided_by",)),
    "attachments": (Attachment, ("uploaded_by", "correspondence")),
    "extensions": (Extension, ("created_by",)),
    "decisions": (Decision, ("point",)),
    "open_drafts": (ResponseDraft, ("author", "reviewer")),
}


def _case_lists(reference: str) -> dict[str, Any]:
    """The case page's short lists, each as JSON (``core.jsonrows``) found by the reference."""
    # Each list is found by a scalar subquery on the reference's unique index, never a join
    # to the complaint table (at 1M complaints SQLite then scans it: 0.5 s for linked ones).
    found_by = Complaint.objects.filter(reference=reference).order_by()
    this = Q(complaint_id=Subquery(found_by.values("pk")[:1]))
    residents = Q(resident_id=Subquery(found_by.values("resident_id")[:1]))
    querysets = {
        "points": ComplaintPoint.objects.filter(this).order_by("number"),
        # Through the index alone: almost every complaint has no link, so SQLite's statistics
        # make `linked_to_id = ?` look unselective and it would scan every complaint's row.
        "linked_complaints": Complaint.objects.filter(
            pk__in=Complaint.objects.filter(
                linked_to_id=Subquery(found_by.values("pk")[:1])
            ).values("pk")
        ).order_by(),
        # Not a join: a second complaints table in the join makes PostgreSQL weigh its every
        # index for every join order (10-25 ms of planning at 1M, the page's largest cost).
        "linked_to": Complaint.objects.filter(
            pk=Subquery(found_by.values("linked_to_id")[:1])
        ).order_by(),
        "ombudsman_referrals": OmbudsmanReferral.objects.filter(this),
        "representatives": Representative.objects.filter(residents),
        "contact_restrictions": ContactRestriction.objects.filter(residents),
        "active_adjustments": Adjustment.objects.filter(residents, active=True),
        "vulnerabilities": Vulnerability.objects.filter(residents),  # triage reads them all
        "flagged_periods": ExceptionalPeriod.objects.filter(
            affected=Subquery(found_by.values("pk")[:1]), status__in=FLAGGED_PERIODS
        ),
        "correspondence": Correspondence.objects.filter(this),
        "remedies": Remedy.objects.filter(this),
        "outstanding_actions": OutstandingAction.objects.filter(this),
        "exclusions": Exclusion.objects.filter(this),
        "attachments": Attachment.objects.filter(this),
        # Each stage's, put on its stage below (as the prefetches they were).
        "extensions": Extension.objects.filter(
            stage__complaint_id=Subquery(found_by.values("pk")[:1])
        ).order_by("created_at"),
        "decisions": Decision.objects.filter(
            response__stage__complaint_id=Subquery(found_by.values("pk")[:1])
        ).order_by("response_id", "point__number"),
        "open_drafts": ResponseDraft.objects.filter(
            stage__complaint_id=Subquery(found_by.values("pk")[:1]),
            status__in=[DraftStatus.IN_REVIEW, DraftStatus.RETURNED, DraftStatus.SAVED],
        ).order_by("-version"),
    }
    return {
        **{
            name: jsonrows.model_rows(qs, related=_CASE_LISTS[name][1])
            for name, qs in querysets.items()
        },
        "letter_troubles": _letter_troubles_rows(reference),
        "closures": closure_rows(),
    }


def case_page(reference: str) -> Complaint:
    """One complaint with all its case page shows, including the resident's active adjustments
    and vulnerabilities (Code 5.10), in a fixed number of queries.

    Short per-case lists with nothing joined (points, linked complaints, Ombudsman referrals,
    the resident's adjustments, vulnerabilities, representatives and contact restrictions,
    periods of exceptional circumstances, correspondence, letters not sent, the calendar's
    closures, the complaint it is linked to; remedies, outstanding actions, exclusions and
    documents, the stages' extensions, decisions and open drafts, each row with the users and
    items it shows) come in one query as JSON (``core.jsonrows``), each found by the
    reference, its SQL built once (``prepared``); the stages are prefetched."""
    # Explicit ordering: the model's default ordering joins the complaint table, and at 100k
    # complaints SQLite then walks the received_on index instead of the foreign key's.
    stages = Stage.objects.select_related("handler", "response", "response__author").order_by(
        "number"
    )
    complaint = (
        Complaint.objects.select_related(
            "resident", "resident__home", "home", "handler", "category", "logged_by"
        )
        .prefetch_related(
            Prefetch("stages", queryset=stages),
        )
        .get(reference=reference)
    )
    lists = jsonrows.prepared("case_page", _case_lists, reference)
    found = {
        name: jsonrows.instances(model, lists[name], related=related)
        for name, (model, related) in _CASE_LISTS.items()
    }
    resident = complaint.resident
    for name in (
        "points",
        "linked_complaints",
        "ombudsman_referrals",
        "correspondence",
        "remedies",
        "outstanding_actions",
        "exclusions",
        "attachments",
    ):
        jsonrows.set_prefetched(complaint, name, found[name])
    for name in ("representatives", "contact_restrictions", "vulnerabilities"):
        jsonrows.set_prefetched(resident, name, found[name])
    resident.active_adjustments = found["active_adjustments"]
    resident.active_vulnerabilities = [v for v in found["vulnerabilities"] if v.active]
    complaint.flagged_periods = found["flagged_periods"]
    Complaint._meta.get_field("linked_to").set_cached_value(
        complaint, found["linked_to"][0] if found["linked_to"] else None
    )
    for stage in complaint.stages.all():
        jsonrows.set_prefetched(
            stage, "extensions", [e for e in found["extensions"] if e.stage_id == stage.pk]
        )
        stage.open_drafts = [d for d in found["open_drafts"] if d.stage_id == stage.pk]
        if (response := getattr(stage, "response", None)) is not None:
            jsonrows.set_prefetched(
                response,
                "decisions",
                [d for d in found["decisions"] if d.response_id == response.pk],
            )
    by_item: dict[int, list[Attachment]] = {}
    for attachment in complaint.attachments.all():
        by_item.setdefault(attachment.correspondence_id, []).append(attachment)
    for item in found["correspondence"]:
        jsonrows.set_prefetched(item, "attachments", by_item.get(item.pk, []))
    complaint.letter_trouble_rows = [
        {"trouble_kind": kind, "trouble_what": what}
        for kind, what in jsonrows.rows(lists["letter_troubles"])
    ]
    complaint.calendar_history = history_from_rows(jsonrows.rows(lists["closures"]))
    return complaint


TIMELINE_KINDS = {
    "": ("Everything", ()),
    "lifecycle": (
        "Stages and decisions",
        ("complaint.", "stage.", "definition.", "ombudsman."),
    ),
    "correspondence": ("Correspondence and documents", ("correspondence.", "document.")),
    "notes": ("Notes and corrections", ("note.", "record.")),
    "follow_up": ("Remedies and actions", ("remedy.", "action.")),
}


def case_timeline(complaint: Complaint, *, kind: str = "") -> list[CaseEvent]:
    """The full record, newest first, each correspondence event with its item and attachments."""
    events = complaint_record(complaint)
    prefixes = TIMELINE_KINDS.get(kind, TIMELINE_KINDS[""])[1]
    if prefixes:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(code__startswith=prefix)
        events = events.filter(condition)
    items = list(events)
    wanted = {
        e.data.get("correspondence")
        for e in items
        if e.code.startswith("correspondence.") and isinstance(e.data, dict)
    }
    wanted.discard(None)
    if not wanted:
        by_pk = {}
    elif "correspondence" in getattr(complaint, "_prefetched_objects_cache", {}):
        by_pk = {c.pk: c for c in complaint.correspondence.all() if c.pk in wanted}
    else:
        by_pk = {c.pk: c for c in complaint_correspondence(complaint).filter(pk__in=wanted)}
    for event in items:
        event.correspondence_item = by_pk.get(event.data.get("correspondence"))  # type: ignore[attr-defined]
    return items


# --- the complaints officer's dashboard ---------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    done: int
    on_time: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.done) if self.done else None


# One row per (status, handler, next deadline) among open complaints, with how many: every
# count of open work on the dashboard and the team view's caseload is a sum over these rows,
# read in one pass over the (status, handler, next_due) index whatever the number of complaints.
OpenTally = list[tuple[str, int | None, date | None, int]]


def open_tally() -> OpenTally:
    """Open complaints counted by status, handler and next deadline (see ``OpenTally``): read
    from the tally the database keeps as complaints change (``models.tally``: rows by status,
    handler and deadline, not by complaint; ``tests/reference.py`` counts the complaints)."""
    rows = (
        OpenTallyRow.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("status", "handler_id", "next_due")
        .annotate(total=Sum("n"))
        .filter(total__gt=0)
    )
    no_date = date.fromisoformat(NO_DATE)
    return [
        (status, None if handler == NO_HANDLER else handler, None if due == no_date else due, n)
        for status, handler, due, n in rows
    ]


@dataclass(frozen=True)
class StageDays:
    """Stages done (acknowledged or responded) on each day since `since`, by stage number:
    {(number, day): (done, on time)}; one pass over the (done date, number, due date) index.
    Timeliness this month and year and the team view's monthly trend are sums over it."""

    since: date
    days: dict[tuple[int, date], tuple[int, int]]

    def timeliness(self, since: date, until: date) -> dict[int, Timeliness]:
        if since < self.since:
            raise ValueError("read from an earlier day than was counted")
        totals: dict[int, list[int]] = {}
        for (number, day), (done, on_time) in self.days.items():
            if since <= day <= until:
                t = totals.setdefault(number, [0, 0])
                t[0] += done
                t[1] += on_time
        return {n: Timeliness(done=d, on_time=o) for n, (d, o) in sorted(totals.items())}


# The stage tally's kind for each (done, due) pair of dates `stage_days` counts.
STAGE_TALLY_KINDS = {("acknowledged_on", "ack_due"): "a", ("responded_on", "response_due"): "r"}


def stage_days(done_field: str, due_field: str, *, since: date, until: date) -> StageDays:
    """Read from the tally the database keeps as stages change (``models.tally``: rows by day
    and stage number; ``tests/reference.py`` counts the stages themselves)."""
    rows = (
        StageDayTally.objects.filter(
            kind=STAGE_TALLY_KINDS[done_field, due_field], day__gte=since, day__lte=until
        )
        .order_by()
        .values_list("number", "day")
        .annotate(done=Sum("done"), on_time=Sum("on_time"))
        .filter(done__gt=0)
    )
    return StageDays(since=since, days={(n, d): (done, ok) for n, d, done, ok in rows})


def reporting_year_start(today: date) -> date:
    """The regulator's and the Ombudsman's reporting year starts on 1 April."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@dataclass(frozen=True)
class DashboardFigures:
    open_by_state: list[tuple[str, str, int]]
    open_total: int
    due_this_week: int
    overdue: int
    extended: int
    unassigned: int
    ack_month: dict[int, Timeliness]
    ack_year: dict[int, Timeliness]
    response_month: dict[int, Timeliness]
    response_year: dict[int, Timeliness]
    month_start: date
    year_start: date


def dashboard_figures(
    *,
    today: date,
    week_end: date,
    tally: OpenTally | None = None,
    acks: StageDays | None = None,
    responses: StageDays | None = None,
) -> DashboardFigures:
    """Open work and this month's and year's timeliness, in four aggregate queries over the
    tallies (`tally`, `acks` and `responses` may be passed in: read once for the page, or
    counted from the rows by ``tests/reference.py``, what the tallies must equal)."""
    tally = open_tally() if tally is None else tally
    counts: dict[str, int] = {}
    due_this_week = overdue = unassigned = 0
    for status, handler_id, next_due, n in tally:
        counts[status] = counts.get(status, 0) + n
        if next_due is not None and today <= next_due <= week_end:
            due_this_week += n
        if next_due is not None and next_due < today:
            overdue += n
        if handler_id is None:
            unassigned += n
    by_state = [
        (state.value, STATE_LABELS[state], counts.get(state.value, 0))
        for state in State
        if state in OPEN_STATES
    ]
    # The queue's "extended" filter, counted over its partial index.
    extended = Complaint.objects.open().filter(current_extended=True).count()
    month_start = today.replace(day=1)
    year_start = reporting_year_start(today)
    if acks is None or acks.since > year_start:
        acks = stage_days("acknowledged_on", "ack_due", since=year_start, until=today)
    if responses is None or responses.since > year_start:
        responses = stage_days("responded_on", "response_due", since=year_start, until=today)
    return DashboardFigures(
        open_by_state=by_state,
        open_total=sum(counts.values()),
        due_this_week=due_this_week,
        overdue=overdue,
        extended=extended,
        unassigned=unassigned,
        ack_month=acks.timeliness(month_start, today),
        ack_year=acks.timeliness(year_start, today),
        response_month=responses.timeliness(month_start, today),
        response_year=responses.timeliness(year_start, today),
        month_start=month_start,
        year_start=year_start,
    )


def drafts_waiting() -> QuerySet[ResponseDraft]:
    return (
        ResponseDraft.objects.filter(status=DraftStatus.IN_REVIEW)
        .select_related("stage__complaint__resident", "author")
        .order_by("submitted_at", "id")
    )


def drafts_returned() -> QuerySet[ResponseDraft]:
    """Drafts a reviewer sent back and no later version has replaced: the author must act."""
    return (
        ResponseDraft.objects.filter(status=DraftStatus.RETURNED)
        .select_related("stage__complaint__resident", "author", "reviewer")
        .order_by("reviewed_at", "id")
    )


def needs_attention_counts(*, today: date) -> dict[str, int]:
    """Dashboard counts of work that otherwise hides, each the size of a queue tab: complaints
    with a response waiting for review or returned, an update due to the resident this week
    (Code 5.9), and a letter the outbox could not produce or deliver (not yet put right)."""
    opened = Complaint.objects.open()
    return {
        "drafts_waiting": opened.filter(_attention_q(QueueAttention.REVIEW, today)).count(),
        "drafts_returned": opened.filter(_attention_q(QueueAttention.RETURNED, today)).count(),
        "updates_due": opened.filter(_attention_q(QueueAttention.UPDATE_DUE, today)).count(),
        "letters_not_produced": Complaint.objects.filter(letter_trouble_complaints()).count(),
    }


def draft_with_history(pk: int) -> tuple[ResponseDraft, list[ResponseDraft]]:
    # A saved working copy is the author's, not a version for review.
    versions = ResponseDraft.objects.exclude(status=DraftStatus.SAVED)
    draft = versions.select_related(
        "stage__complaint__resident__home",
        "stage__complaint__home",
        "stage__complaint__category",  # its review team (policy 6.4)
        "author",
        "reviewer",
    ).get(pk=pk)
    history = list(
        versions.filter(stage_id=draft.stage_id)
        .select_related("author", "reviewer")
        .order_by("-version")
    )
    return draft, history


# --- stage 2 forms: what stage 1 decided and promised ------------------------------------------


@dataclass(frozen=True)
class StageOneSummary:
    """What the stage 2 handler must see before acknowledging or answering (Code 6.11-6.13,
    6.17): the stage 1 definition and decisions, the promises still open, and why the
    resident escalated (never required, Code 6.12)."""

    stage_one: Stage
    points: list[ComplaintPoint]
    response: Any
    decisions: list[Decision]
    remedies: list[Remedy]
    actions: list[OutstandingAction]
    escalation_reason: str


def stage_one_summary(complaint: Complaint) -> StageOneSummary | None:
    """The stage 1 summary for a complaint now at stage 2 (None before stage 2)."""
    stages = {s.number: s for s in Stage.objects.filter(complaint=complaint).order_by("number")}
    if 1 not in stages or 2 not in stages:
        return None
    stage_one = stages[1]
    response = Response.objects.filter(stage=stage_one).select_related("author").first()
    return StageOneSummary(
        stage_one=stage_one,
        points=list(ComplaintPoint.objects.filter(complaint=complaint, added_at_stage=1)),
        response=response,
        decisions=list(
            Decision.objects.filter(response=response)
            .select_related("point")
            .order_by("point__number")
        )
        if response
        else [],
        remedies=list(Remedy.objects.filter(complaint=complaint).order_by("due_on", "id")),
        actions=list(
            OutstandingAction.objects.filter(complaint=complaint)
            .select_related("owner")
            .order_by("due_on", "id")
        ),
        escalation_reason=stages[2].escalation_reason,
    )
