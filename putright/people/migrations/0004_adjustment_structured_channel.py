"""A structured preferred contact channel on adjustments, read once from the old free text.

Letters used to parse the note ("Email only, no letters please" went by post because it
mentions letters). The note stays; the channel is read here, conservatively: only a clear
single answer is mapped. Anything else is left blank, which staff see flagged on the
resident's page, and its review is brought forward to today so it is on the reviews list.
"""

import re
from datetime import date

from django.db import migrations, models

_EMAIL = re.compile(r"\be-?mails?\b")
_POST = re.compile(r"\b(post|postal|posted|letters?|paper)\b")
_PHONE = re.compile(r"\b(phone|telephone|call|calls|ring|mobile)\b")
_NO_POST = re.compile(
    r"\b(no|not|never|don'?t|do not)\b[^.;,]{0,20}\b(post|postal|letters?|paper)\b"
)
_NO_EMAIL = re.compile(r"\b(no|not|never|don'?t|do not|doesn'?t|does not)\b[^.;,]{0,20}\be-?mails?\b")
_BOTH = re.compile(r"\bboth\b|\band\b")


def channel_from_note(note: str) -> str:
    """'email', 'post', 'both', 'phone' or '' (not sure: staff must choose)."""
    text = (note or "").lower()
    email = bool(_EMAIL.search(text))
    post = bool(_POST.search(text))
    no_post = bool(_NO_POST.search(text))
    no_email = bool(_NO_EMAIL.search(text))
    wants_email = email and not no_email
    wants_post = post and not no_post
    if no_post and no_email:
        return ""
    if wants_email and wants_post:
        return "both" if _BOTH.search(text) else ""
    if wants_email:
        return "email"
    if wants_post:
        return "post"
    if _PHONE.search(text) and not email and not post:
        return "phone"
    return ""


def read_channels(apps, schema_editor):
    Adjustment = apps.get_model("people", "Adjustment")
    for adjustment in Adjustment.objects.filter(kind="preferred_channel", channel=""):
        adjustment.channel = channel_from_note(adjustment.detail)
        fields = ["channel"]
        if not adjustment.channel and adjustment.active:
            # Flag for staff: due for review now, so it is on the reviews list and email.
            adjustment.review_on = date.today()  # noqa: DTZ011 - a migration has no clock
            fields.append("review_on")
        adjustment.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_representatives_contact_restrictions")]

    operations = [
        migrations.AddField(
            model_name="adjustment",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("email", "Email only (never by post)"),
                    ("post", "Post only (never by email)"),
                    ("both", "Email and post"),
                    ("phone", "Phone calls (letters by email if we have an address, else post)"),
                ],
                max_length=8,
            ),
        ),
        migrations.RunPython(read_channels, migrations.RunPython.noop),
    ]
