"""The dashboard's tallies become append-only (issue 19): the triggers insert a row of +n or -n
for each moved count instead of upserting one counter row a key and shard, so no writer waits
on (or deadlocks over) a tally row; readers add a key's rows up and ``tallies.compact`` folds
them. The shards and the unique keys go; each table gets an index on its key and amounts."""

from django.db import migrations, models


def remake_triggers(apps, schema_editor):
    """The append-only triggers, then the tallies counted again from the rows."""
    from putright.complaints import tallies

    tallies.drop(schema_editor)
    tallies.create(schema_editor)
    tallies.fill()


def drop_triggers(apps, schema_editor):
    from putright.complaints import tallies

    tallies.drop(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0019_dashboard_tallies"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="complaintdaytally", name="complaint_day_tally_key"),
        migrations.RemoveConstraint(model_name="opentallyrow", name="open_tally_key"),
        migrations.RemoveConstraint(model_name="stagedaytally", name="stage_day_tally_key"),
        migrations.RemoveField(model_name="complaintdaytally", name="shard"),
        migrations.RemoveField(model_name="opentallyrow", name="shard"),
        migrations.RemoveField(model_name="stagedaytally", name="shard"),
        migrations.AddIndex(
            model_name="complaintdaytally",
            index=models.Index(fields=["received_on", "status", "n"], name="complaint_day_tally_by_key"),
        ),
        migrations.AddIndex(
            model_name="opentallyrow",
            index=models.Index(fields=["status", "handler_id", "next_due", "n"], name="open_tally_by_key"),
        ),
        migrations.AddIndex(
            model_name="stagedaytally",
            index=models.Index(fields=["kind", "day", "number", "done", "on_time"], name="stage_day_tally_by_key"),
        ),
        migrations.RunPython(remake_triggers, drop_triggers),
    ]
