"""The case record is append-only in the database too, not only in the ORM (Code 5.12)."""

from django.db import migrations

TABLES = ["complaints_caseevent", "complaints_correspondence", "complaints_attachment"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            # No DELETE trigger on SQLite: Django's test flush empties tables with DELETE.
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the case record is append-only'); END;"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION putright_append_only();"
            )


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION putright_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the case record is append-only'; END; "
            "$$ LANGUAGE plpgsql;"
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.RunPython(create_function, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
