"""gunicorn's settings for `make serve` come from the environment."""

import http.client
import importlib
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

import putright.gunicorn_conf
from putright.gunicorn_conf import MAX_DEFAULT_WORKERS, default_workers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (3, 7), (16, MAX_DEFAULT_WORKERS)])
def test_the_default_is_two_workers_per_cpu_plus_one_capped(cpus, workers):
    assert default_workers(cpus) == workers


def _conf(monkeypatch, **env: str):
    for name in ("PUTRIGHT_BIND", "PORT", "PUTRIGHT_WEB_WORKERS", "PUTRIGHT_LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(putright.gunicorn_conf)


def test_it_binds_to_the_loopback_port_8000_unless_told(monkeypatch):
    assert _conf(monkeypatch).bind == ["127.0.0.1:8000"]
    assert _conf(monkeypatch, PORT="8123").bind == ["127.0.0.1:8123"]
    assert _conf(monkeypatch, PUTRIGHT_BIND="0.0.0.0:9000", PORT="8123").bind == ["0.0.0.0:9000"]


def test_the_worker_count_and_log_format_come_from_the_environment(monkeypatch):
    conf = _conf(monkeypatch, PUTRIGHT_WEB_WORKERS="3", PUTRIGHT_LOG_FORMAT="json")
    assert conf.workers == 3
    formatter = conf.logconfig_dict["formatters"]["putright"]
    assert formatter == {"()": "putright.core.logging.JsonFormatter"}
    assert conf.logconfig_dict["loggers"]["gunicorn.access"]["handlers"] == ["console"]
    _conf(monkeypatch)


# gunicorn with the project's settings and one extra hook, run in the master just before each
# fork: what the master has loaded then is what every worker starts with.
PRE_FORK_PROBE = """
import gc, json, os, sys
from putright.gunicorn_conf import *

def pre_fork(server, worker):
    with open(REPORT + ".part", "w") as report:
        json.dump(
            {
                "port": server.LISTENERS[0].sock.getsockname()[1],
                "loaded": sorted(set(EXPECTED) & set(sys.modules)),
                "frozen": gc.get_freeze_count(),
                "unfrozen": len(gc.get_objects()),
                "max_requests": server.cfg.max_requests,
            },
            report,
        )
    os.replace(REPORT + ".part", REPORT)
"""
# putright.wsgi is the application; the others only production.warm_up() imports (the URLconf's
# views, the bank-holiday tables: test_production's probe).
LOADED_BY_THE_MASTER = [
    "holidays.countries.united_kingdom",
    "putright.complaints.api",
    "putright.reporting.views",
    "putright.wsgi",
]
GUNICORN_START_TIMEOUT = 60  # seconds; about 2 on an idle machine


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PUTRIGHT_", "SECURE_", "EMAIL_", "DJANGO_", "GUNICORN_"))
    }
    return {
        **env,
        "PUTRIGHT_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # warm_up opens none
        "PUTRIGHT_BIND": "127.0.0.1:0",  # a free port, chosen by the kernel
        "PUTRIGHT_WEB_WORKERS": "1",
        "PUTRIGHT_LOG_FORMAT": "json",
    }


def test_workers_are_forked_from_the_application_loaded_and_warmed_up_once(tmp_path):
    # A worker loading PutRight itself spent ~1.5 s of CPU before its first answer, again
    # after every recycling (max_requests): bench/README.md, intake26. So the master must have
    # the application loaded and warmed up (preload_app, wsgi.py's warm_up) and its objects
    # frozen (when_ready's gc.freeze) before it forks.
    report = tmp_path / "pre_fork.json"
    config = tmp_path / "gunicorn_probe.py"
    config.write_text(
        f"REPORT = {str(report)!r}\nEXPECTED = {LOADED_BY_THE_MASTER!r}\n{PRE_FORK_PROBE}"
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as errors:  # the child keeps its own copy of the file
        server = subprocess.Popen(  # noqa: S603  (this interpreter, the Procfile's gunicorn)
            [sys.executable, "-m", "gunicorn", "--config", str(config), "putright.wsgi"],
            cwd=ROOT,
            env=_production_env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + GUNICORN_START_TIMEOUT
        while not report.exists():
            assert server.poll() is None, f"gunicorn stopped: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "gunicorn forked no worker"
            time.sleep(0.05)
        master = json.loads(report.read_text())
        # The forked worker serves: DEBUG off, plain HTTP is sent to HTTPS without a database.
        connection = http.client.HTTPConnection("127.0.0.1", master["port"], timeout=30)
        connection.request("GET", "/accounts/login/")
        answer = connection.getresponse()
        connection.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert master["loaded"] == LOADED_BY_THE_MASTER
    # Frozen: nearly every object the master holds (this interpreter freezes a few hundred of
    # its own at start, so the count alone is never 0).
    assert master["frozen"] > 10 * master["unfrozen"]
    assert master["max_requests"] > 0  # recycling stays: a recycled worker is a fork, not a load
    assert answer.status == 301
    assert answer.getheader("Location") == f"https://127.0.0.1:{master['port']}/accounts/login/"
