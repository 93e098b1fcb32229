"""The one way an app lets the apps above it listen to it: a list of callables (or of
(code, callable) pairs), each registered once, called in the order they were registered.

Apps import only the apps below them, so an app that must tell an app above of a change keeps
a `Listeners` and the app above registers with it when its module is imported:
``complaints.events`` (case-record events), ``hazards.events`` (unlinked hazard reports'
steps), ``people.search`` (residents' search rows rebuilt, homes' addresses changed) and
``people.services`` (vulnerabilities and tenancies changed). Each owner decides when and how
its listeners run (now, or after commit); this only keeps them.
"""

from collections.abc import Iterator


class Listeners[T]:
    """Registered items in the order first registered; registering one again changes nothing
    (a module imported twice, a test registering what is already there), so no listener runs
    twice for one change."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[T] = []

    def add(self, item: T) -> T:
        """Register `item` (once) and return it, so a function can register itself as it is
        defined."""
        if item not in self._items:
            self._items.append(item)
        return item

    def remove(self, item: T) -> None:
        """Unregister `item` (a test's listener, when the test is done)."""
        self._items.remove(item)

    def __iter__(self) -> Iterator[T]:
        # A copy: a listener that registers another while it runs changes the next round only.
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)
