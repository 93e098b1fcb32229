"""The privacy audit log, and the case record's one sanctioned redaction path.

The append-only triggers of complaints/0002 are replaced so that UPDATE passes only inside
a redaction window (putright/privacy/redaction.py); every other UPDATE (and every DELETE on
PostgreSQL) is still refused by the database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


RECORD_TABLES = ["complaints_caseevent", "complaints_correspondence", "complaints_attachment"]

PG_FUNCTION_WITH_REDACTION = """
CREATE OR REPLACE FUNCTION putright_append_only() RETURNS trigger AS $$
BEGIN
    -- SET LOCAL putright.redaction = 'on' lasts one transaction at most (redaction.py).
    IF TG_OP = 'UPDATE' AND current_setting('putright.redaction', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the case record is append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_ORIGINAL = (
    "CREATE OR REPLACE FUNCTION putright_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the case record is append-only'; END; "
    "$$ LANGUAGE plpgsql;"
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} {when}"
    "BEGIN SELECT RAISE(ABORT, 'the case record is append-only'); END;"
)
SQLITE_WHEN_NO_GRANT = "WHEN NOT EXISTS (SELECT 1 FROM privacy_redactiongrant) "


def _sqlite_triggers(schema_editor, when: str) -> None:
    for table in RECORD_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
        schema_editor.execute(SQLITE_TRIGGER.format(table=table, when=when))


def allow_sanctioned_redaction(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_WITH_REDACTION)
    elif vendor == "sqlite":
        _sqlite_triggers(schema_editor, SQLITE_WHEN_NO_GRANT)


def refuse_every_update(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_ORIGINAL)
    elif vendor == "sqlite":
        _sqlite_triggers(schema_editor, "")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('complaints', '0002_append_only_record'),
        ('people', '0003_representatives_contact_restrictions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('imports', '0001_initial'),
        ('intake', '0001_initial'),
        ('letters', '0001_initial'),
        ('portal', '0001_initial'),
        ('reporting', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('retention', 'Anonymised under the retention policy'), ('erasure', "Erased on the resident's request"), ('erasure_refused', 'Erasure refused'), ('subject_access', 'Subject-access export'), ('intake_expired', 'Unmatched intake removed'), ('import_files_expired', 'Import files removed')], max_length=24)),
                ('actor_label', models.CharField(blank=True, max_length=100)),
                ('at', models.DateTimeField()),
                ('resident_id_number', models.PositiveBigIntegerField(blank=True, null=True)),
                ('complaint_references', models.JSONField(default=list)),
                ('rule', models.CharField(blank=True, help_text='The retention rule applied.', max_length=200)),
                ('reason', models.TextField(blank=True, help_text="The request's reason, without names.")),
                ('requested_on', models.DateField(blank=True, help_text='When a request was made.', null=True)),
                ('refusal', models.CharField(blank=True, max_length=32)),
                ('fields_removed', models.PositiveIntegerField(default=0)),
                ('files_removed', models.PositiveIntegerField(default=0)),
                ('rows_deleted', models.PositiveIntegerField(default=0)),
                ('files_exported', models.PositiveIntegerField(default=0)),
                ('detail', models.JSONField(default=dict)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'audit entries',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AnonymisedResident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('anonymised_on', models.DateField()),
                ('resident', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='anonymised', to='people.resident')),
                ('audit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='privacy.auditentry')),
            ],
        ),
        migrations.CreateModel(
            name='AnonymisedComplaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('anonymised_on', models.DateField()),
                ('complaint', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='anonymised', to='complaints.complaint')),
                ('audit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='privacy.auditentry')),
            ],
        ),
        migrations.CreateModel(
            name='RedactionGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('tripwire', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='privacy.redactiongrant')),
            ],
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['resident_id_number', '-at'], name='privacy_aud_residen_0eaf86_idx'),
        ),
        migrations.RunPython(allow_sanctioned_redaction, refuse_every_update),
    ]
