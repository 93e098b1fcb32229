"""The reports' figures counted the slow way, one fact per stage and per remedy, for the tests
and benches to hold the reports to (issue 19). Nothing that serves a page imports this module
(an import-linter contract in pyproject.toml says so): the pages count in SQL
(`selectors.stage_counts`, `selectors.remedy_counts`), from what the services store.

- `stage_facts(period, on=...)`: every stage that started, was acknowledged or was answered
  in the period, each clock counted again by `stage_clocks` and each answer (outcome,
  extension, early resolution) read from the response and extensions, ignoring everything
  stored on the stage; `stored=True` takes the stored timeliness and answer wherever the
  reports would (one fact per stage, as the reports counted before counting in SQL).
- `remedy_facts(period)`: every remedy due or offered in the period.

The figure functions (`figures`) count either these or the groups counted in SQL.
"""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from putright.complaints.models import Remedy, Stage
from putright.reporting.figures import Period, RemedyFact, StageFact
from putright.reporting.selectors import facts_of, in_period


def stage_facts(period: Period, *, on: date | None = None, stored: bool = False) -> list[StageFact]:
    """One fact per stage of the period, every clock counted on `on` (see module doc)."""
    return facts_of(
        Stage.objects.filter(in_period(period)), on=on or timezone.localdate(), stored=stored
    )


def remedy_facts(period: Period) -> list[RemedyFact]:
    """Remedies due or offered in the period (offered = the response's issue date)."""
    rows = (
        Remedy.objects.filter(
            Q(due_on__range=(period.start, period.end))
            | Q(response__issued_on__range=(period.start, period.end))
        )
        .values_list(
            "complaint_id",
            "complaint__reference",
            "remedy_type",
            "due_on",
            "completed_on",
            "amount",
            "response__issued_on",
        )
        .order_by("id")
    )
    return [
        RemedyFact(cid, ref, kind, due, done, amount, offered or due)
        for cid, ref, kind, due, done, amount, offered in rows
    ]
