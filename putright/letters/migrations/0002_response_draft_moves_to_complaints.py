# ResponseDraft now belongs to the complaints app (issue 10). Only Django's state changes:
# the table letters_responsedraft stays where it is, with its data; complaints adopts it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ResponseDraft")],
            database_operations=[],
        ),
    ]
