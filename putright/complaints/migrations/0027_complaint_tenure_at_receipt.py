"""Each complaint's tenure at receipt stored on it (issue 19, rep23): the reports' received
question read a tenancy per stage (a correlated subquery: about a third of that question's
time). A nullable column, so both engines add it in place (no table copy on SQLite, the
tally triggers stay), then filled in one UPDATE by the same rule as
`services.common.tenure_at_receipt` (frozen here as a migration must be). Complaints left
null (none after this; rows loaded around the services later) are looked up by the reports
and written by `manage.py stage_timeliness_fill`.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    complaint = apps.get_model("complaints", "Complaint")
    tenancy = apps.get_model("people", "Tenancy")
    complaint.objects.order_by().update(
        tenure_at_receipt=Coalesce(
            Subquery(
                tenancy.objects.filter(
                    resident_id=OuterRef("resident_id"), start_on__lte=OuterRef("received_on")
                )
                .order_by("-start_on", "-id")
                .values("tenure")[:1]
            ),
            Value(""),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0026_search_queue_columns"),
        ("people", "0008_tenancy_tenure_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="tenure_at_receipt",
            field=models.CharField(blank=True, editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
