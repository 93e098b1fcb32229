"""PostgreSQL: the search table's lexicon, so that a word searched for is looked up as the few
whole words it starts rather than as a prefix (``core/fulltext.py``, issue 19). Fills it from
the rows there (about a minute at 1,000,000 complaints). Nothing on SQLite (FTS5)."""

from django.db import migrations

from putright.core import fulltext


def lexicon(apps, schema_editor):
    fulltext.create_lexicon(schema_editor, "complaints_complaintsearch")


def drop_lexicon(apps, schema_editor):
    fulltext.drop_lexicon(schema_editor, "complaints_complaintsearch")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0020_tallies_append_only"),
    ]

    operations = [migrations.RunPython(lexicon, drop_lexicon)]
