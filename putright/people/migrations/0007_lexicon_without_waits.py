"""PostgreSQL: the resident finder's lexicon indexed by word but not keyed, its trigger adding only
words no committed row holds, so that no writer waits for another's new word (two writers
adding words in opposite orders could deadlock; ``fulltext.add_lexicon_keeping``, issue 19).
Seconds at 1,000,000 rows (the index built once). Nothing on SQLite (no lexicon); nothing to
undo (the older code reads this lexicon as it read the keyed one)."""

from django.db import migrations

from putright.core import fulltext


def lexicon_without_waits(apps, schema_editor):
    fulltext.add_lexicon_keeping(schema_editor, "people_residentsearch")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_search_lexicon"),
    ]

    operations = [migrations.RunPython(lexicon_without_waits, migrations.RunPython.noop)]
