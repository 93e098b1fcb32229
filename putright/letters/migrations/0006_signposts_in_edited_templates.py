"""Edited letter templates gain the policy's signposts (issue 18).

Refusal, acknowledgement and response letters now place "contact_instead" (refusals),
"non_customer" and "building_safety". A template an administrator edited before this would
otherwise be refused by the gate for a non-customer or a high-rise home; the missing tags are
added at the end of its body (each renders nothing where it does not apply), as a new version.
"""

from django.db import migrations

ADDED = {
    "refusal": ["contact_instead", "non_customer", "building_safety"],
    "acknowledgement": ["non_customer", "building_safety"],
    "response": ["non_customer", "building_safety"],
}


def add_signposts(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for template in LetterTemplate.objects.filter(kind__in=list(ADDED)):
        missing = [
            key
            for key in ADDED[template.kind]
            if f'{{% element "{key}" %}}' not in template.body
            and f"{{% element '{key}' %}}" not in template.body
        ]
        if missing:
            tags = "\n".join(f'{{% element "{key}" %}}' for key in missing)
            template.body = f"{template.body.rstrip()}\n{tags}\n"
            template.version += 1
            template.save(update_fields=["body", "version"])


class Migration(migrations.Migration):
    dependencies = [('letters', '0005_exceptional_delay_letter')]

    operations = [migrations.RunPython(add_signposts, migrations.RunPython.noop)]
