"""Run the scheduler outside the task worker, or restart the worker's tick chain.

Normally nothing needs this: `manage.py db_worker` runs the scheduler's tick task, which queues
its own successor. Use `--queue` if /healthz reports a stale scheduler heartbeat, `--once` from
cron on a machine without a worker, or no option to keep a scheduler loop in the foreground.
"""

import time

from django.core.management.base import BaseCommand

from putright.core import clock
from putright.core.scheduler import scheduler_tick, tick_interval
from putright.core.tasks import queue_next_tick


class Command(BaseCommand):
    help = "Run due scheduled jobs: --once, --queue (a tick for db_worker), or loop forever."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Run one tick, then exit.")
        mode.add_argument(
            "--queue", action="store_true", help="Queue a tick for db_worker (restarts the chain)."
        )

    def handle(self, *args, once: bool, queue: bool, **options):
        if queue:
            queued = queue_next_tick(at=clock.now())
            self.stdout.write("Queued a scheduler tick." if queued else "A tick is already queued.")
            return
        while True:
            for outcome in scheduler_tick():
                self.stdout.write(f"{outcome.job}: {outcome.status} – {outcome.detail}")
            if once:
                return
            time.sleep(tick_interval().total_seconds())
