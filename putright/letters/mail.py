"""The SMTP backend for the outbox: tells "refused" apart from "taken, but not confirmed".

When the connection drops after the whole message has gone to the server and before its
"250 OK", the server may already have accepted the letter (RFC 5321 4.1.1.4; RFC 1047).
Plain smtplib reports that like any other disconnection, so a retry would send it twice.
This backend raises ``AcceptedUnconfirmed`` for exactly that case; the outbox records the
letter as sent (unconfirmed) instead of sending it again. Configured as the default mailer
when EMAIL_HOST is set (settings.MAILERS).
"""

import smtplib
from typing import Any

from django.core.mail.backends import smtp


class AcceptedUnconfirmed(smtplib.SMTPException):
    """The server received the whole message, then the connection closed without a reply."""


class _Tracking:
    message_transmitted = False

    def send(self, s: Any) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_transmitted = True

    def data(self, msg: Any) -> Any:
        self.message_transmitted = False
        try:
            return super().data(msg)  # type: ignore[misc]
        except smtplib.SMTPServerDisconnected as exc:
            if self.message_transmitted:
                raise AcceptedUnconfirmed(f"Message sent, no reply from the server: {exc}") from exc
            raise


class _TrackingSMTP(_Tracking, smtplib.SMTP):
    pass


class _TrackingSMTPSSL(_Tracking, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, with ``AcceptedUnconfirmed`` for a reply lost after DATA."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _TrackingSMTPSSL if self.use_ssl else _TrackingSMTP
