"""The one sanctioned, audited way past the case record's append-only protection.

The case record (events, correspondence, attachments) refuses UPDATE in the ORM and in the
database (triggers, see the privacy migration). Removing personal data under the retention
policy or an erasure request must still change those rows, so `redaction()` opens a window
for one transaction only:

* PostgreSQL: ``SET LOCAL putright.redaction = 'on'``; the trigger function lets UPDATE pass
  while it is set. SET LOCAL ends with the transaction (or the savepoint, if rolled back) and
  is switched off again when the window closes. DELETE is refused whatever the setting.
* SQLite: a `RedactionGrant` row, visible only to this uncommitted transaction; the triggers
  let UPDATE pass while one exists. It is removed when the window closes, and its deferred
  foreign-key tripwire makes any commit that still holds one fail.

Every window writes one `AuditEntry` (who, when, what, why, counts) in the same transaction,
and files are removed from storage only after the transaction commits.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.storage import Storage
from django.db import connection, models, transaction
from django.db.models import Q

from putright.core.clock import now
from putright.privacy.constants import CODE_KEYS, placeholder
from putright.privacy.models import AuditEntry, RedactionGrant

logger = logging.getLogger(__name__)

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# A foreign key to a row that never exists (ids start at 1): checked when the transaction commits.
_TRIPWIRE = 0


def _open_window() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL putright.redaction = 'on'")
    else:
        RedactionGrant.objects.create(tripwire_id=_TRIPWIRE)


def _close_window() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL putright.redaction = 'off'")
    else:
        RedactionGrant.objects.all().delete()


def _base_update(queryset: models.QuerySet, **values: Any) -> int:
    # The append-only querysets refuse update(); inside the window the base method is the
    # sanctioned path (and the database triggers agree only while the window is open).
    return models.QuerySet.update(queryset, **values)


@dataclass
class Redaction:
    """Collects what one window removed, for the audit entry; does the removing."""

    kind: str
    day: date
    fields_removed: int = 0
    files_removed: int = 0
    rows_deleted: int = 0
    detail: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    audit: AuditEntry | None = None
    _files: list[tuple[Storage, str]] = field(default_factory=list)
    _marks: list[tuple[type[models.Model], dict[str, Any]]] = field(default_factory=list)

    def mark(self, model: type[models.Model], **values: Any) -> None:
        """Note that a record is now anonymised; written with the audit entry."""
        self._marks.append((model, values))

    @property
    def placeholder(self) -> str:
        return placeholder(self.kind, self.day)

    def _tally(self, model: type[models.Model], what: str, n: int) -> None:
        if n:
            label = model._meta.label
            self.detail[label][what] = self.detail[label].get(what, 0) + n

    def text(self, queryset: models.QuerySet, *names: str) -> None:
        """Replace free text with the placeholder; empty stays empty (so 'has learning' holds)."""
        for name in names:
            todo = queryset.exclude(Q(**{name: ""}) | Q(**{name: self.placeholder}))
            n = _base_update(todo, **{name: self.placeholder})
            self.fields_removed += n
            self._tally(queryset.model, "fields", n)

    def clear(self, queryset: models.QuerySet, *names: str) -> None:
        """Empty fields that cannot hold the placeholder (email addresses, phone numbers)."""
        for name in names:
            n = _base_update(queryset.exclude(**{name: ""}), **{name: ""})
            self.fields_removed += n
            self._tally(queryset.model, "fields", n)

    def set(self, queryset: models.QuerySet, **values: Any) -> None:
        """Point rows elsewhere (e.g. from a home to its anonymised area)."""
        for name, value in values.items():
            n = _base_update(queryset.exclude(**{name: value}), **{name: value})
            self.fields_removed += n
            self._tally(queryset.model, "fields", n)

    def json(self, queryset: models.QuerySet, name: str) -> None:
        """Replace the words in JSON data, keeping its shape, numbers, dates and codes."""
        for pk, value in queryset.values_list("pk", name):
            scrubbed = self.scrub(value)
            if scrubbed != value:
                _base_update(queryset.model._default_manager.filter(pk=pk), **{name: scrubbed})
                self.fields_removed += 1
                self._tally(queryset.model, "fields", 1)

    def files(self, queryset: models.QuerySet, name: str) -> None:
        """Empty a file field and remove the files from storage once the transaction commits."""
        model = queryset.model
        storage = model._meta.get_field(name).storage  # type: ignore[union-attr]
        names = list(queryset.exclude(**{name: ""}).values_list(name, flat=True))
        if not names:
            return
        _base_update(queryset.exclude(**{name: ""}), **{name: ""})
        self._files.extend((storage, n) for n in names)
        self.files_removed += len(names)
        self._tally(model, "files", len(names))

    def delete(self, queryset: models.QuerySet) -> None:
        """Delete rows that are not part of the case record (adjustments, restrictions...)."""
        n = queryset.count()
        if n:
            queryset.delete()
            self.rows_deleted += n
            self._tally(queryset.model, "rows", n)

    def scrub(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.scrub(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v, key) for v in value]
        if isinstance(value, str) and value and key not in CODE_KEYS:
            return value if _DATE_LIKE.match(value) else self.placeholder
        return value

    def remove_files(self) -> None:
        for storage, name in self._files:
            try:
                storage.delete(name)
            except OSError:
                # The row no longer names the file; log it so an operator can remove it.
                logger.exception("Could not remove %s after anonymisation", name)


@contextmanager
def redaction(
    *,
    kind: str,
    day: date,
    actor: Any,
    actor_label: str = "",
    resident_id: int | None = None,
    complaint_references: list[str] | None = None,
    rule: str = "",
    reason: str = "",
    requested_on: date | None = None,
) -> Iterator[Redaction]:
    """Open the sanctioned window for one transaction; audit what was removed on the way out."""
    with transaction.atomic():
        _open_window()
        work = Redaction(kind=kind, day=day)
        yield work
        _close_window()
        work.audit = AuditEntry.objects.create(
            kind=kind,
            actor=actor,
            actor_label="" if actor is not None else actor_label,
            at=now(),
            resident_id_number=resident_id,
            complaint_references=sorted(complaint_references or []),
            rule=rule,
            reason=reason,
            requested_on=requested_on,
            fields_removed=work.fields_removed,
            files_removed=work.files_removed,
            rows_deleted=work.rows_deleted,
            detail={k: dict(v) for k, v in sorted(work.detail.items())},
        )
        for model, values in work._marks:
            model._default_manager.create(audit=work.audit, **values)
        transaction.on_commit(work.remove_files)
