"""PostgreSQL: the resident finder's lexicon, so that a word searched for is looked up as the
few whole words it starts rather than as a prefix (``core/fulltext.py``, issue 19). Fills it
from the rows there (about a minute at 1,000,000 residents). Nothing on SQLite (FTS5)."""

from django.db import migrations

from putright.core import fulltext


def lexicon(apps, schema_editor):
    fulltext.create_lexicon(schema_editor, "people_residentsearch")


def drop_lexicon(apps, schema_editor):
    fulltext.drop_lexicon(schema_editor, "people_residentsearch")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_resident_search_and_merge"),
    ]

    operations = [migrations.RunPython(lexicon, drop_lexicon)]
