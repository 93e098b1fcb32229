"""PostgreSQL: the complaint search's lexicon indexed by word but not keyed, its trigger adding only
words no committed row holds, so that no writer waits for another's new word (two writers
adding words in opposite orders could deadlock; ``fulltext.add_lexicon_keeping``, issue 19).
Seconds at 1,000,000 rows (the index built once). Nothing on SQLite (no lexicon); nothing to
undo (the older code reads this lexicon as it read the keyed one)."""

from django.db import migrations

from putright.core import fulltext


def lexicon_without_waits(apps, schema_editor):
    fulltext.add_lexicon_keeping(schema_editor, "complaints_complaintsearch")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0022_stage_answer_facts"),
    ]

    operations = [migrations.RunPython(lexicon_without_waits, migrations.RunPython.noop)]
