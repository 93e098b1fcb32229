"""Re-derive every stored derived value through its one writer, for data the services did not
write: a restore from an older backup, a bulk load, an edit in the admin or the database.

The values and their writers (``services.common``):

- ``Stage`` due dates, ``update_due``, timeliness (``ack_timeliness``,
  ``response_timeliness``, ``timeliness_stored``) and ``extended``, and the complaint's
  ``CLOCK_FIELDS`` (``next_due``, ``current_extended``, ``update_due``): ``refresh_next_due``;
- ``Stage.outcome`` and ``early_resolution`` (the response's): ``stored_answer``;
- ``Complaint.resident_vulnerable``: ``refresh_resident_vulnerable``;
- ``Complaint.tenure_at_receipt``: ``refresh_tenure_at_receipt``;
- ``Remedy.chased_by`` and ``OutstandingAction.chased_by``: ``follow_ups_chased_by_of``.

Complaints are taken in id order, a batch at a time, each batch in its own transaction with
its complaints locked (the services' lock order: the complaint first), so a live service is
never overwritten with a stale value and a stopped run loses at most one batch. Running it
again changes nothing; `after` resumes after the last complaint id a run reported.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from putright.complaints import tallies
from putright.complaints.models import Complaint, OutstandingAction, Remedy, Stage
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    STORED_STAGE_FACTS,
    follow_ups_chased_by_of,
    refresh_next_due,
    refresh_resident_vulnerable,
    refresh_tenure_at_receipt,
    stored_answer_of,
)

STAGE_FIELDS = (
    "ack_due",
    "response_due_original",
    "response_due",
    "update_due",
    *STORED_STAGE_FACTS,
)


@dataclass
class Refreshed:
    """What a run checked and what it found wrong and wrote again."""

    complaints: int = 0
    last_id: int = 0
    corrected: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int) -> None:
        if n:
            self.corrected[what] = self.corrected.get(what, 0) + n


def stored_refresh(
    *, batch: int = 500, after: int = 0, progress: Callable[[Refreshed], None] | None = None
) -> Refreshed:
    """Write every stored derived value of the complaints after id `after` again from its
    one writer, `batch` complaints per transaction; returns what was corrected."""
    done = Refreshed(last_id=after)
    while True:
        with transaction.atomic():
            ids = list(
                Complaint.objects.select_for_update()
                .filter(pk__gt=done.last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            _refresh_clocks(ids, done)
            _refresh_column(
                ids, done, "resident_vulnerable", refresh_resident_vulnerable, "vulnerable flags"
            )
            _refresh_column(
                ids, done, "tenure_at_receipt", refresh_tenure_at_receipt, "tenures at receipt"
            )
            _refresh_chasers(ids, done)
        done.complaints += len(ids)
        done.last_id = ids[-1]
        if progress is not None:
            progress(done)
    tallies.fold_after_bulk(sum(done.corrected.values()))
    return done


def _refresh_clocks(ids: list[int], done: Refreshed) -> None:
    complaints = list(
        Complaint.objects.filter(pk__in=ids)
        .prefetch_related("stages__extensions", "stages__response__decisions")
        .order_by("pk")
    )
    moved_stages: list[Stage] = []
    moved_complaints: list[Complaint] = []
    for complaint in complaints:
        was = [getattr(complaint, name) for name in CLOCK_FIELDS]
        for stage in complaint.stages.all():
            before = [getattr(stage, name) for name in STAGE_FIELDS]
            stage.complaint = complaint
            refresh_next_due(complaint, stage, save=False)
            for name, value in stored_answer_of(stage).items():
                setattr(stage, name, value)
            if [getattr(stage, name) for name in STAGE_FIELDS] != before:
                moved_stages.append(stage)
        if [getattr(complaint, name) for name in CLOCK_FIELDS] != was:
            moved_complaints.append(complaint)
    if moved_stages:
        Stage.objects.bulk_update(moved_stages, STAGE_FIELDS)
    if moved_complaints:
        Complaint.objects.bulk_update(moved_complaints, CLOCK_FIELDS)
    done.count("stage clocks, timeliness and answer", len(moved_stages))
    done.count("complaint clocks (next due, extended, update due)", len(moved_complaints))


def _refresh_column(
    ids: list[int], done: Refreshed, column: str, writer: Callable[[Any], int], what: str
) -> None:
    """A complaint column one writer sets over a queryset: written again, the changed counted."""
    complaints = Complaint.objects.filter(pk__in=ids)
    before = dict(complaints.values_list("pk", column))
    writer(complaints)
    after = dict(complaints.values_list("pk", column))
    done.count(what, sum(before[pk] != after[pk] for pk in after))


def _chasers(ids: list[int]) -> dict[tuple[str, int], Any]:
    rows = {
        ("remedy", pk): chaser
        for pk, chaser in Remedy.objects.filter(complaint_id__in=ids).values_list(
            "pk", "chased_by_id"
        )
    }
    rows.update(
        (("action", pk), chaser)
        for pk, chaser in OutstandingAction.objects.filter(complaint_id__in=ids).values_list(
            "pk", "chased_by_id"
        )
    )
    return rows


def _refresh_chasers(ids: list[int], done: Refreshed) -> None:
    before = _chasers(ids)
    follow_ups_chased_by_of(ids)
    after = _chasers(ids)
    done.count("follow-up chasers", sum(before.get(key) != value for key, value in after.items()))
