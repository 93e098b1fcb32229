"""Settings for bench/fault_injection.py: the project's settings on a scratch database.

SQLite keeps the project's own options (WAL, IMMEDIATE, busy timeout) at FAULT_SQLITE_PATH;
PostgreSQL comes from DATABASE_URL and names its connections FAULT_DB_APPLICATION_NAME, so
the bench can cut the worker's connections and only those. Mail goes to the bench's own
SMTP server on 127.0.0.1:FAULT_SMTP_PORT.
"""

import os

from putright.settings import *  # noqa: F403
from putright.settings import DATABASES

if os.environ.get("FAULT_SQLITE_PATH"):
    DATABASES["default"]["NAME"] = os.environ["FAULT_SQLITE_PATH"]
elif os.environ.get("FAULT_DB_APPLICATION_NAME"):
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = os.environ[
        "FAULT_DB_APPLICATION_NAME"
    ]

MAILERS = {
    "default": {
        "BACKEND": "putright.letters.mail.EmailBackend",
        "OPTIONS": {
            "host": "127.0.0.1",
            "port": int(os.environ.get("FAULT_SMTP_PORT", "8141")),
            "use_tls": False,
            "timeout": 5,
        },
    }
}
