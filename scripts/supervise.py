#!/usr/bin/env python3
"""Runs the processes listed in a Procfile and keeps them running (standard library only).

    scripts/supervise.py [Procfile]

Each line "name: command" starts one process (in this directory, with this environment and
the virtualenv's bin/ first on PATH). A process that stops is started again after a pause that
doubles with each quick failure (1 s, 2 s, 4 s ... at most MAX_BACKOFF); one that ran for
STABLE_AFTER seconds counts as healthy again. A process that fails GIVE_UP_AFTER times in a row
without ever running STABLE_AFTER seconds is broken, not unlucky (a bad setting, a missing
table): everything is stopped and the supervisor exits 1 so the failure is seen.
SIGTERM or SIGINT is passed to every process; the supervisor waits up to STOP_TIMEOUT seconds
for them to finish their work (gunicorn finishes its requests, db_worker its task), kills any
left, and exits 0. Output is not rewritten, so JSON log lines stay one object per line.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MAX_BACKOFF = float(os.environ.get("PUTRIGHT_SUPERVISE_MAX_BACKOFF", "60"))
STABLE_AFTER = float(os.environ.get("PUTRIGHT_SUPERVISE_STABLE_AFTER", "30"))
GIVE_UP_AFTER = int(os.environ.get("PUTRIGHT_SUPERVISE_GIVE_UP_AFTER", "5"))
STOP_TIMEOUT = float(os.environ.get("PUTRIGHT_SUPERVISE_STOP_TIMEOUT", "35"))
POLL = 0.2


def say(message: str) -> None:
    sys.stderr.write(f"supervise: {message}\n")
    sys.stderr.flush()


@dataclass
class Process:
    name: str
    command: list[str]
    popen: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float = 0.0

    def start(self, env: dict[str, str]) -> None:
        # Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which
        # passes on SIGTERM, so every process shuts down gracefully and in one way.
        self.popen = subprocess.Popen(self.command, env=env, process_group=0)  # noqa: S603
        self.started_at = time.monotonic()
        say(f"started {self.name} (pid {self.popen.pid}): {shlex.join(self.command)}")


def read_procfile(path: Path) -> list[Process]:
    processes = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, command = line.partition(":")
        if not colon or not name.strip().isidentifier() or not command.strip():
            raise SystemExit(f"supervise: {path}:{number}: expected 'name: command', got {raw!r}")
        processes.append(Process(name.strip(), shlex.split(command)))
    if not processes:
        raise SystemExit(f"supervise: {path} lists no processes")
    names = [p.name for p in processes]
    if len(set(names)) != len(names):
        raise SystemExit(f"supervise: {path} names a process twice: {names}")
    return processes


class Supervisor:
    def __init__(self, processes: list[Process], env: dict[str, str]) -> None:
        self.processes = processes
        self.env = env
        self.stopping = False

    def request_stop(self, signum: int, _frame: object) -> None:
        if not self.stopping:
            say(f"received {signal.Signals(signum).name}: stopping every process")
        self.stopping = True

    def run(self) -> int:
        for process in self.processes:
            process.start(self.env)
        while not self.stopping:
            now = time.monotonic()
            for process in self.processes:
                if self.stopping:
                    break
                if process.popen is None:
                    if now >= process.restart_at:
                        process.start(self.env)
                    continue
                code = process.popen.poll()
                if code is None:
                    if now - process.started_at >= STABLE_AFTER:
                        process.quick_failures = 0
                    continue
                process.popen = None
                if now - process.started_at < STABLE_AFTER:
                    process.quick_failures += 1
                else:
                    process.quick_failures = 1
                if process.quick_failures >= GIVE_UP_AFTER:
                    say(
                        f"{process.name} failed {process.quick_failures} times in a row within "
                        f"{STABLE_AFTER:.0f} s of starting (last exit code {code}): giving up"
                    )
                    self.stop_all()
                    return 1
                delay = min(2 ** (process.quick_failures - 1), MAX_BACKOFF)
                process.restart_at = now + delay
                say(f"{process.name} exited with code {code}; restarting in {delay:.0f} s")
            time.sleep(POLL)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        running = [(p.name, p.popen) for p in self.processes if p.popen and p.popen.poll() is None]
        for _name, popen in running:
            popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, popen in running:
            try:
                popen.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {STOP_TIMEOUT:.0f} s: killing it")
                popen.kill()
                popen.wait()
        say("stopped")


def main(argv: list[str]) -> int:
    procfile = Path(argv[1] if len(argv) > 1 else "Procfile")
    processes = read_procfile(procfile)
    env = dict(os.environ)
    venv_bin = Path(sys.executable).parent
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    supervisor = Supervisor(processes, env)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
