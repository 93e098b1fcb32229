"""Emails printed on the console (local use, `make demo`) can be used as printed."""

import io

from django.core.mail import EmailMessage

from putright.core.mail import ConsoleEmailBackend

LINK = "http://127.0.0.1:8010/portal/sign-in/" + "Zq3x" * 12 + "/"


def test_a_long_link_is_printed_whole_on_its_own_line():
    stream = io.StringIO()
    message = EmailMessage(
        subject="Sign in to see your complaint – Thrive Homes",
        body=f"Dear Rosa,\n\nUse this link within 30 minutes: {LINK}\n\nThrive Homes",
        from_email="complaints@thrive.example",
        to=["rosa@example.org"],
    )
    ConsoleEmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert LINK + "\n" in printed
    assert f"\n{LINK}\n" in printed  # on its own line, to copy as it is
    assert "=\n" not in printed  # no quoted-printable soft line breaks
    assert "Subject: Sign in to see your complaint – Thrive Homes" in printed
