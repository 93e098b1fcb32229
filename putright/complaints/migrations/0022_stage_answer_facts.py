"""Each stage's answer as the reports count it (issue 19): the overall outcome, early
resolution and whether it was extended, stored beside the timeliness. Existing stages are
filled here in a few statements over the rows that have a response or an extension (the rest
keep the defaults: no outcome, not early, not extended), so the reports never count a stage
from a stale value.

The columns are added with ALTER TABLE ... ADD COLUMN ... DEFAULT on both engines
(``tallies.AddFieldInPlace``): Django's SQLite AddField of a NOT NULL column copies the table
into a new one, which would drop the tally triggers on it (complaints.tallies, migration 0019)
and take minutes at a million rows.
The index comes before the fill: PostgreSQL refuses CREATE INDEX on a table with trigger
events pending from UPDATEs earlier in the same transaction.
"""

from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from putright.complaints.tallies import AddFieldInPlace

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
        AddFieldInPlace(
            model_name="stage",
            name="outcome",
            field=models.CharField(blank=True, max_length=16),
        ),
        AddFieldInPlace(
            model_name="stage",
            name="early_resolution",
            field=models.BooleanField(default=False),
        ),
        AddFieldInPlace(
            model_name="stage",
            name="extended",
            field=models.BooleanField(default=False),
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
