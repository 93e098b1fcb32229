"""The complaint's channel on its search row (issue 19, srch22): a name searched inside the
queue's channel filter ("Patel, by email": 49,805 matches at 1,000,000 complaints, 9,961 by
email, every one counted) is then narrowed on the search row, not by reading the complaint of
each match. The channel is fixed when a complaint is received; `search._entry` copies it.

PostgreSQL: the word index becomes a GIN index over the words and the channel (``btree_gin``),
so the index alone gives the rows that are both and only those are read. Filled with the GIN
index dropped and the lexicon's update trigger set aside (the words do not change), the index
then built once. SQLite: filled with the FTS5 update trigger set aside (the document does not
change). Times at 1,000,000 complaints: bench/README.md (srch22).
"""

from django.db import migrations, models

from putright.complaints.tallies import AddFieldInPlace
from putright.core import fulltext

TABLE = "complaints_complaintsearch"
FILL = (
    f"UPDATE {TABLE} SET channel = (SELECT c.channel FROM complaints_complaint c "  # noqa: S608
    f"WHERE c.id = {TABLE}.complaint_id)"
)


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in (
            "SET LOCAL maintenance_work_mem = '256MB'",
            f"DROP INDEX IF EXISTS {TABLE}_words",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_lexicon_au",
            f"UPDATE {TABLE} AS s SET channel = c.channel FROM complaints_complaint AS c "  # noqa: S608
            "WHERE c.id = s.complaint_id",
            f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_lexicon_au",
            "CREATE EXTENSION IF NOT EXISTS btree_gin",
            f"CREATE INDEX {TABLE}_words ON {TABLE} USING gin (words, channel)",
        ):
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_au")
        schema_editor.execute(FILL)
        schema_editor.execute(fulltext.sqlite_update_trigger(TABLE, "complaint_id"))
    else:
        schema_editor.execute(FILL)


def words_index_alone(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_words")
        schema_editor.execute(f"CREATE INDEX {TABLE}_words ON {TABLE} USING gin (words)")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0024_report_covering_indexes"),
    ]

    operations = [
        # In place (`AddFieldInPlace`): SQLite's AddField of a NOT NULL column remakes the
        # table, which would drop the FTS5 triggers (and copy 1,000,000 rows).
        AddFieldInPlace(
            model_name="complaintsearch",
            name="channel",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(fill, words_index_alone),
    ]
