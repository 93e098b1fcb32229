"""Query builds made once per process and database vendor, then reused (issue 19): building a
queryset (or a page's SQL) and compiling it was a fifth of a queue page's time and a third of
the case page's, so ``complaints.selectors`` keeps the queue's rows queryset and the letter
trouble ids, and ``core.jsonrows.prepared`` the case page's lists, built once, here.

Reuse is right only while what is built depends on nothing that varies between requests: a
build that read today's date (``timezone.now``, ``timezone.localdate``, ``clock.today``) would
keep the first request's date for the life of the process, silently. So where ``CHECK`` holds
(settings.CHECK_BUILT_ONCE: on with DEBUG and in the tests), the first use of a key builds it
twice, the second time with the clock a day and an hour on (in this thread's context only:
``django.utils.timezone.now`` then answers later for it alone), and refuses a build whose
fingerprint (its SQL and parameters) differs: ``BuiltDiffers``. Put the date in each use (a
filter's value after the build), never in the build. A date from ``datetime.date.today()`` or
``datetime.now()`` is not seen: PutRight asks ``core.clock``.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

# (key, database vendor) -> what was built
_BUILT: dict[tuple[Hashable, str], Any] = {}
# How far on the clock is for the check's second build (None: not shifted).
_SHIFT: ContextVar[timedelta | None] = ContextVar("built_once_clock_shift", default=None)
SHIFT = timedelta(days=1, hours=1)


class BuiltDiffers(RuntimeError):
    """A build kept for reuse came out different with the clock moved on."""


def sql_of(built: Any, using: str = "default") -> Any:
    """A queryset's SQL and parameters on `using` (None for None): the default fingerprint."""
    if built is None:
        return None
    sql, params = built.query.get_compiler(using=using).as_sql()
    return sql, tuple(params)


def built_once[T](
    key: Hashable,
    build: Callable[[], T],
    *,
    using: str = "default",
    fingerprint: Callable[[T, str], Any] = sql_of,
) -> T:
    """What `build()` gives, built on the first use of `key` on this database vendor and kept
    for every later one; checked (``CHECK``) to be the same with the clock moved on."""
    place = (key, connections[using].vendor)
    if place in _BUILT:
        return _BUILT[place]
    built = build()
    if check():
        _clock_shiftable()
        token = _SHIFT.set(SHIFT)
        try:
            again = build()
        finally:
            _SHIFT.reset(token)
        if fingerprint(built, using) != fingerprint(again, using):
            raise BuiltDiffers(
                f"{key!r} is built once and kept, but it differs when built with the clock "
                f"{SHIFT} on: it reads the date or time while building, and the first "
                "request's would be kept for every later one. Give the date to each use."
            )
    _BUILT[place] = built
    return built


def check() -> bool:
    return bool(getattr(settings, "CHECK_BUILT_ONCE", settings.DEBUG))


def forget(key: Hashable) -> None:
    """Build `key` again on its next use (a test that changes what it is built from)."""
    for place in [p for p in _BUILT if p[0] == key]:
        del _BUILT[place]


def _clock_shiftable() -> None:
    """Make ``django.utils.timezone.now`` (and so ``localdate`` and ``core.clock``) answer the
    clock moved on by ``_SHIFT`` in a context that set it; the real time everywhere else."""
    if getattr(timezone.now, "built_once_shiftable", False):
        return
    real = timezone.now

    def now() -> datetime:
        shift = _SHIFT.get()
        return real() if shift is None else real() + shift

    now.built_once_shiftable = True  # type: ignore[attr-defined]
    timezone.now = now
