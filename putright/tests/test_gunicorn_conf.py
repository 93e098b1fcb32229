"""gunicorn's settings for `make serve` come from the environment."""

import importlib

import pytest

import putright.gunicorn_conf
from putright.gunicorn_conf import MAX_DEFAULT_WORKERS, default_workers


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


def test_workers_are_forked_from_the_application_loaded_once(monkeypatch):
    # A worker loading PutRight itself spent ~1.5 s of CPU before its first answer, again
    # after every recycling (max_requests): bench/README.md, intake26.
    conf = _conf(monkeypatch)
    assert conf.preload_app is True
    assert conf.max_requests > 0  # recycling stays: a recycled worker is a fork, not a load
