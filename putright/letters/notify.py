"""GOV.UK Notify adapter, used only when PUTRIGHT_NOTIFY_API_KEY is set.

Email goes through one Notify template whose content is ``((body))`` with subject
``((subject))``; post goes as a precompiled letter (our exact PDF).
"""

import io
from typing import Any, Protocol

from putright.letters import conf


class NotifyClient(Protocol):
    def send_email_notification(self, **kwargs: Any) -> dict[str, Any]: ...

    def send_precompiled_letter_notification(self, **kwargs: Any) -> dict[str, Any]: ...


def notify_client() -> NotifyClient:
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(conf.notify_api_key())


class NotifyAdapter:
    """Sends a letter through Notify; returns Notify's notification id."""

    def __init__(self, client: NotifyClient) -> None:
        self.client = client

    def send_email(self, *, to: str, subject: str, body: str, reference: str) -> str:
        result = self.client.send_email_notification(
            email_address=to,
            template_id=conf.notify_email_template_id(),
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
        return str(result["id"])

    def send_letter(self, *, pdf: bytes, reference: str) -> str:
        result = self.client.send_precompiled_letter_notification(
            reference=reference, pdf_file=io.BytesIO(pdf)
        )
        return str(result["id"])
