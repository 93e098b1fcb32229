"""The task worker (django-tasks-db's ``db_worker``), which also recovers letters.

At start, and then every PUTRIGHT_LETTERS_RECOVER_EVERY_SECONDS in a background thread, it
runs ``letters_recover``: tasks a killed worker left "running", letters whose production
never finished and sends whose lease expired are picked up again without cron.

A lost database connection (a restarted or failed-over PostgreSQL, a terminated backend) does
not stop the worker: it reconnects and carries on; what was cut short is recovered.
"""

import logging
import threading
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from putright.letters import conf

logger = logging.getLogger("putright.letters.recovery")


def _recover_periodically(stop: threading.Event) -> None:
    from putright.letters.services.recovery import letters_recover

    while True:
        try:
            letters_recover()
        except Exception:  # the database may be away for a moment; try again next time
            logger.exception("Letters recovery failed; trying again later")
        finally:
            connections.close_all()
        if stop.wait(conf.recover_every().total_seconds()):
            return


class Command(DatabaseWorkerCommand):
    help = "Run the background worker; it also recovers letters at start and periodically."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-recovery",
            action="store_false",
            dest="recovery",
            help="Do not run letters recovery in this worker.",
        )

    def handle(self, *args: Any, recovery: bool = True, **options: Any) -> None:
        stop = threading.Event()
        if recovery and options.get("batch"):
            from putright.letters.services.recovery import letters_recover

            letters_recover()
        elif recovery:
            threading.Thread(
                target=_recover_periodically, args=(stop,), name="letters-recovery", daemon=True
            ).start()
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except (OperationalError, InterfaceError):
                    if options.get("batch"):
                        raise
                    logger.exception("Database connection lost; the worker reconnects")
                    connections.close_all()
                    time.sleep(1)
        finally:
            stop.set()
