"""Every SQLite connection gets the settings' options (``settings.SQLITE_OPTIONS``)."""

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def test_a_sqlite_connection_reads_its_file_through_a_memory_map(tmp_path, django_db_blocker):
    """A search inside a queue filter looks up 50,000 complaint rows at 1,000,000 complaints:
    through a memory map rather than a read() call a page (bench/README.md, search20)."""
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "mapped.sqlite3"),
            "OPTIONS": settings.SQLITE_OPTIONS,
        },
        alias="mapped",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            mapped = cursor.execute("PRAGMA mmap_size").fetchone()[0]
            journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        wrapper.close()
    assert journal == "wal"
    assert mapped >= 1024 * 1024 * 1024  # SQLite caps the 2,048 MB asked for just under 2 GB
