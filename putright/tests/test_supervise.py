"""scripts/supervise.py keeps the Procfile's processes running and stops them together."""

import signal
import subprocess
import sys
import time
from pathlib import Path

SUPERVISE = Path(__file__).resolve().parents[2] / "scripts" / "supervise.py"

# Appends "started" to its file; with --crash-first its first run fails at once. Otherwise it
# runs until SIGTERM, which it records before leaving.
CRASHES_ONCE = """
import pathlib, signal, sys, time
log = pathlib.Path(sys.argv[1])
runs = log.read_text().count("started") if log.exists() else 0
with log.open("a") as f:
    f.write("started\\n")
if runs == 0 and "--crash-first" in sys.argv:
    sys.exit(3)
def stop(*_):
    with log.open("a") as f:
        f.write("terminated\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    time.sleep(0.05)
"""


def supervise(tmp_path: Path, procfile: str, **env: str) -> subprocess.Popen[str]:
    (tmp_path / "Procfile").write_text(procfile)
    return subprocess.Popen(  # noqa: S603  (this test's own command)
        [sys.executable, str(SUPERVISE), str(tmp_path / "Procfile")],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PUTRIGHT_SUPERVISE_MAX_BACKOFF": "0.2", **env},
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_crashed_process_is_restarted_and_sigterm_stops_every_process(tmp_path):
    (tmp_path / "child.py").write_text(CRASHES_ONCE)
    procfile = (
        "# comment lines and blank lines are ignored\n\n"
        f"first: {sys.executable} child.py first.log --crash-first\n"
        f"second: {sys.executable} child.py second.log --crash-first\n"
    )
    supervisor = supervise(tmp_path, procfile)
    try:
        for name in ("first", "second"):
            log = tmp_path / f"{name}.log"
            wait_for(lambda log=log: log.exists() and log.read_text().count("started") == 2)
        supervisor.send_signal(signal.SIGTERM)
        _, stderr = supervisor.communicate(timeout=15)
    finally:
        supervisor.kill()
    assert supervisor.returncode == 0
    for name in ("first", "second"):
        assert (tmp_path / f"{name}.log").read_text() == "started\nstarted\nterminated\n"
    assert "first exited with code 3; restarting" in stderr
    assert "received SIGTERM: stopping every process" in stderr


def test_a_process_that_keeps_failing_at_once_stops_everything_with_an_error(tmp_path):
    (tmp_path / "child.py").write_text(CRASHES_ONCE)
    procfile = (
        f"broken: {sys.executable} -c 'import sys; sys.exit(4)'\n"
        f"healthy: {sys.executable} child.py healthy.log\n"
    )
    supervisor = supervise(tmp_path, procfile, PUTRIGHT_SUPERVISE_GIVE_UP_AFTER="3")
    try:
        _, stderr = supervisor.communicate(timeout=30)
    finally:
        supervisor.kill()
    assert supervisor.returncode == 1
    assert "broken failed 3 times in a row" in stderr
    assert "(last exit code 4): giving up" in stderr
    # The healthy process was stopped with SIGTERM, not left running.
    assert (tmp_path / "healthy.log").read_text() == "started\nterminated\n"


def test_a_malformed_procfile_line_is_refused_naming_the_line(tmp_path):
    supervisor = supervise(tmp_path, "web gunicorn putright.wsgi\n")
    _, stderr = supervisor.communicate(timeout=15)
    assert supervisor.returncode == 1
    assert "Procfile:1: expected 'name: command'" in stderr
