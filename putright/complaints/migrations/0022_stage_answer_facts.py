"""Each stage's answer as the reports count it (issue 19): the overall outcome, early
resolution and whether it was extended, stored beside the timeliness. Existing stages are
filled here in a few statements over the rows that have a response or an extension (the rest
keep the defaults: no outcome, not early, not extended), so the reports never count a stage
from a stale value.

The columns are added with ALTER TABLE ... ADD COLUMN ... DEFAULT on both engines: Django's
SQLite AddField of a NOT NULL column copies the table into a new one, which would drop the
tally triggers on it (complaints.tallies, migration 0019) and take minutes at a million rows.
The index comes before the fill: PostgreSQL refuses CREATE INDEX on a table with trigger
events pending from UPDATEs earlier in the same transaction.
"""

from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When

_COLUMNS = (
    ("outcome", "varchar(16)", "''"),
    ("early_resolution", None, None),
    ("extended", None, None),
)


def add_columns(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, kind, default in _COLUMNS:
        if kind is None:
            kind, default = ("boolean", "false") if postgres else ("bool", "0")
        schema_editor.execute(
            f'ALTER TABLE complaints_stage ADD COLUMN "{name}" {kind} DEFAULT {default} NOT NULL'
        )


def drop_columns(apps, schema_editor):
    for name, _kind, _default in _COLUMNS:
        schema_editor.execute(f'ALTER TABLE complaints_stage DROP COLUMN "{name}"')


def fill(apps, schema_editor):
    Stage = apps.get_model("complaints", "Stage")
    Response = apps.get_model("complaints", "Response")
    Decision = apps.get_model("complaints", "Decision")
    Extension = apps.get_model("complaints", "Extension")

    Stage.objects.filter(Exists(Extension.objects.filter(stage=OuterRef("pk")))).update(
        extended=True
    )
    Stage.objects.filter(
        Exists(Response.objects.filter(stage=OuterRef("pk"), early_resolution=True))
    ).update(early_resolution=True)

    def decided(outcome):
        return Exists(Decision.objects.filter(response__stage=OuterRef("pk"), outcome=outcome))

    # As constants.overall_outcome.
    upheld, partly, not_upheld = decided("upheld"), decided("partly_upheld"), decided("not_upheld")
    Stage.objects.filter(Exists(Response.objects.filter(stage=OuterRef("pk")))).update(
        outcome=Case(
            When(partly | (upheld & not_upheld), then=Value("partly_upheld")),
            When(upheld, then=Value("upheld")),
            When(not_upheld, then=Value("not_upheld")),
            default=Value(""),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0021_search_lexicon"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(
                    model_name="stage",
                    name="outcome",
                    field=models.CharField(blank=True, max_length=16),
                ),
                migrations.AddField(
                    model_name="stage",
                    name="early_resolution",
                    field=models.BooleanField(default=False),
                ),
                migrations.AddField(
                    model_name="stage",
                    name="extended",
                    field=models.BooleanField(default=False),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="stage",
            index=models.Index(
                condition=Q(timeliness_stored=False),
                fields=["requested_on"],
                name="stage_not_stored",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
