"""SQLite with a queue for writers: Django's backend, plus an OS file lock taken before each
transaction's ``BEGIN IMMEDIATE`` and given back at its commit or rollback.

SQLite lets one transaction write at a time. A second one that finds the write lock taken
waits in SQLite's busy handler, which sleeps with back-off (1, 2, 5, 10 ... up to 100 ms a
sleep) and does not wake when the lock is freed: with five web workers and the task worker
writing, 42 % of an idle machine stood idle while requests slept (bench/README.md,
"intake24"). Here each transaction first takes an exclusive `flock` on a file beside the
database (``<name>-writers``), trying again every millisecond, so the next writer starts within
about a millisecond of the commit. It waits no longer than the busy timeout (``timeout``,
``SQLITE_BUSY_TIMEOUT_SECONDS``) and then fails as SQLite would, "database is locked".

Writes outside a transaction (autocommit) and readers do not take it: WAL readers never wait
for writers, and a lone autocommit statement still waits in SQLite's own handler. An in-memory
database (the test suite's) has no file and takes nothing. The lock is the operating
system's, so a process that dies holding it gives it back.
"""

import fcntl
import os
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

RETRY_SECONDS = 0.001
DEFAULT_TIMEOUT_SECONDS = 5  # sqlite3's own default busy timeout


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd: int | None = None
    _writers_pid: int | None = None
    _writers_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._writers_take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writers_give()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            if not self._in_transaction():
                self._writers_give()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            if not self._in_transaction():
                self._writers_give()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._writers_give()

    def _in_transaction(self) -> bool:
        return self.connection is not None and self.connection.in_transaction

    def _writers_file(self) -> int | None:
        if self.is_in_memory_db():
            return None
        if self._writers_fd is None or self._writers_pid != os.getpid():
            # Opened in this process: a descriptor inherited across a fork would share the
            # parent's lock instead of queueing behind it.
            path = f"{self.settings_dict['NAME']}-writers"
            self._writers_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._writers_pid = os.getpid()
        return self._writers_fd

    def _writers_take(self) -> None:
        fd = self._writers_file()
        if fd is None or self._writers_held:
            return
        timeout = self.settings_dict.get("OPTIONS", {}).get("timeout", DEFAULT_TIMEOUT_SECONDS)
        give_up = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise OperationalError(
                        f"database is locked (another writer held it for {timeout} s)"
                    ) from None
                time.sleep(RETRY_SECONDS)
            else:
                self._writers_held = True
                return

    def _writers_give(self) -> None:
        if self._writers_held and self._writers_pid == os.getpid():
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)
        self._writers_held = False
