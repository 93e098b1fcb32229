"""SQLite with a queue for writers: Django's backend, plus an OS file lock taken before each
transaction's ``BEGIN IMMEDIATE`` and given back at its commit or rollback.

SQLite lets one transaction write at a time. A second one that finds the write lock taken
waits in SQLite's busy handler, which sleeps with back-off (1, 2, 5, 10 ... up to 100 ms a
sleep) and does not wake when the lock is freed: with five web workers and the task worker
writing, 42 % of an idle machine stood idle while requests slept (bench/README.md,
"intake24"). Here each transaction first takes an exclusive `flock` on a file beside the
database (``<name>-writers``). Free, that is one system call. Taken, the process waits in the
kernel (no polling: a 1 ms poll cost each waiter 3 % of a core), in `flock` itself with an
alarm for the timeout in a main thread (a web or task worker), in a helper thread otherwise,
and the transaction starts as soon as the last one commits. It waits no longer than the busy timeout (``timeout``,
``SQLITE_BUSY_TIMEOUT_SECONDS``) and then fails as SQLite would, "database is locked".

Writes outside a transaction (autocommit) and readers do not take it: WAL readers never wait
for writers, and a lone autocommit statement still waits in SQLite's own handler. An in-memory
database (the test suite's) has no file and takes nothing. The lock is the operating
system's, so a process that dies holding it gives it back.
"""

import fcntl
import os
import signal
import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

DEFAULT_TIMEOUT_SECONDS = 5  # sqlite3's own default busy timeout


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_fd: int | None = None  # open, and locked, while a transaction runs

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

    def _writers_take(self) -> None:
        if self._writers_fd is not None or self.is_in_memory_db():
            return
        # A descriptor of its own for each transaction: a lock is the open file's, so nothing
        # else (an abandoned wait, a forked process) can hold or free this one.
        path = f"{self.settings_dict['NAME']}-writers"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            timeout = self.settings_dict.get("OPTIONS", {}).get("timeout", DEFAULT_TIMEOUT_SECONDS)
            if not _wait_for(fd, timeout):  # the waiting thread closes fd if it gets it late
                raise OperationalError(
                    f"database is locked (another writer held it for {timeout} s)"
                ) from None
        except BaseException:
            os.close(fd)
            raise
        self._writers_fd = fd

    def _writers_give(self) -> None:
        fd, self._writers_fd = self._writers_fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _wait_for(fd: int, timeout: float) -> bool:
    if threading.current_thread() is threading.main_thread():
        return _wait_here(fd, timeout)
    return _wait_beside(fd, timeout)


class _TimedOut(Exception):
    pass


def _timed_out(signum: int, frame: object) -> None:
    raise _TimedOut


def _wait_here(fd: int, timeout: float) -> bool:
    """In the main thread (a web or task worker): block in `flock` itself, woken by an alarm
    at the timeout (the one thread that may set one)."""
    before = signal.signal(signal.SIGALRM, _timed_out)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except _TimedOut:
        os.close(fd)
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    return True


def _wait_beside(fd: int, timeout: float) -> bool:
    """Wait up to `timeout` seconds for `fd`'s lock, blocked in the kernel by a helper thread
    (a blocking `flock` cannot time out); True once held. After the timeout the thread, should
    it get the lock later, gives it back and closes `fd` itself."""
    got, mutex = threading.Event(), threading.Lock()
    abandoned = False

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with mutex:
            if abandoned:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                got.set()

    threading.Thread(target=wait, name="sqlite-writers-wait", daemon=True).start()
    if got.wait(timeout):
        return True
    with mutex:
        if got.is_set():
            return True
        abandoned = True
    return False
