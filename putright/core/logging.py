"""Log formatting: plain text for people, or one JSON object per line for a log collector.

Chosen with PUTRIGHT_LOG_FORMAT (text or json); see settings.LOGGING. Every record carries the
request id of the request it was written for (empty outside a request).
"""

import json
import logging
from datetime import UTC, datetime

from putright.core.requests import current_request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so each formatter can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", "") or current_request_id()
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if request_id in {"", "-"} else request_id,
            "exception": self.formatException(record.exc_info) if record.exc_info else None,
        }
        # json.dumps escapes newlines, so a traceback or a crafted message stays on one line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """settings.LOGGING for the chosen format; also used for gunicorn's own loggers."""
    formatter = (
        {"()": "putright.core.logging.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "putright.core.logging.RequestIdFilter"}},
        "formatters": {"putright": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "putright",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
