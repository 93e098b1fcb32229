"""The console email backend for local use: each message printed as a person reads it.

Django's console backend prints the MIME message, whose quoted-printable body breaks long lines
with "=" (so a portal sign-in link printed there does not work when copied). This one prints
the headers that matter and the plain-text body as it is, every link whole on its own line.
"""

import re
from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

_LINK = re.compile(r"https?://\S+")


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message: Any) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            str(message.body),
        ]
        links = _LINK.findall(str(message.body))
        if links:
            lines += ["", "Links in this message, each whole on its own line:", *links]
        names = [
            a[0] if isinstance(a, tuple) else getattr(a, "filename", "")
            for a in message.attachments
        ]
        if names:
            lines += ["", "Attached: " + ", ".join(n for n in names if n)]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
