# ResponseDraft moves here from the letters app (issue 10). Only Django's state changes: the
# model keeps the table letters_responsedraft, which letters 0001 created.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0002_append_only_record"),
        ("letters", "0002_response_draft_moves_to_complaints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ResponseDraft",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.PositiveSmallIntegerField()),
                        ("status", models.CharField(choices=[("in_review", "Waiting for review"), ("returned", "Returned with comments"), ("approved", "Approved and sent"), ("superseded", "Replaced by a later version")], default="in_review", max_length=12)),
                        ("data", models.JSONField()),
                        ("submitted_at", models.DateTimeField()),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("review_comments", models.TextField(blank=True)),
                        ("author", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="response_drafts", to=settings.AUTH_USER_MODEL)),
                        ("response", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="draft", to="complaints.response")),
                        ("reviewer", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="response_reviews", to=settings.AUTH_USER_MODEL)),
                        ("stage", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="response_drafts", to="complaints.stage")),
                    ],
                    options={
                        "db_table": "letters_responsedraft",
                        "ordering": ["stage", "-version"],
                        "constraints": [models.UniqueConstraint(fields=("stage", "version"), name="unique_draft_version")],
                    },
                ),
            ],
        ),
    ]
