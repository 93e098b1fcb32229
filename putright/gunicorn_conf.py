"""gunicorn's configuration for `make serve` (the Procfile's web process), from the environment.

PUTRIGHT_BIND (default 127.0.0.1:$PORT, PORT default 8000), PUTRIGHT_WEB_WORKERS (default
2 x CPUs + 1, at most MAX_DEFAULT_WORKERS), PUTRIGHT_WEB_TIMEOUT, PUTRIGHT_LOG_FORMAT.
"""

import gc
import os

from putright.core.logging import logging_config
from putright.env import env_choice, env_int, env_str

# Each worker is a whole Django process (~150 MB with WeasyPrint loaded); past
# this many, a small server runs out of memory before it runs out of CPU. Set
# PUTRIGHT_WEB_WORKERS to go higher.
MAX_DEFAULT_WORKERS = 8


def default_workers(cpus: int) -> int:
    """gunicorn's usual 2 x CPUs + 1 (workers wait on the database as much as they compute)."""
    return min(2 * max(cpus, 1) + 1, MAX_DEFAULT_WORKERS)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = [env_str("PUTRIGHT_BIND", f"127.0.0.1:{env_int('PORT', 8000, minimum=1)}")]
workers = env_int("PUTRIGHT_WEB_WORKERS", default_workers(available_cpus()), minimum=1)
# Sync workers: Django's ORM and WeasyPrint are synchronous. Slow report PDFs need more than
# gunicorn's default 30 s before a worker is considered stuck.
worker_class = "sync"
timeout = env_int("PUTRIGHT_WEB_TIMEOUT", 120, minimum=10)
graceful_timeout = 30
# Recycle workers now and then so a slow leak (WeasyPrint's fonts) cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# PutRight is loaded once, in the master (putright/wsgi.py, which also imports what a first
# request would), and every worker is forked from it. A worker loading its own copy spent about
# 0.9 s of CPU starting and 0.6 s more on its first request, again after each recycling: about
# 0.7 ms of every request (issue 19, bench/README.md "intake26"). A code change needs a restart
# of the server (`make serve`'s supervisor, systemd), not a HUP, which reloads only workers.
preload_app = True


def when_ready(server: object) -> None:
    """Before the first fork: the loaded application's objects are left out of the cycle
    collector's scans, so a worker's collections neither walk them nor write to (and so copy)
    the master's memory pages they sit in."""
    gc.freeze()


# Requests from the reverse proxy (by default on this machine) may carry X-Forwarded-*; see the
# README's "Running in production" and FORWARDED_ALLOW_IPS.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27's control socket (gunicornc) lives at one path per user: two servers on one
# machine (or the smoke test beside a running server) would fight over it; PutRight needs none.
control_socket_disable = True
# Access log lines carry the request id PutRight put on the response, and the client's
# address as the proxy reported it.
accesslog = "-"
access_log_format = (
    '%(h)s "%({x-forwarded-for}i)s" "%(r)s" %(s)s %(b)s %(L)ss request_id=%({x-request-id}o)s'
)
logconfig_dict = {
    **logging_config(
        log_format=env_choice("PUTRIGHT_LOG_FORMAT", "text", ("text", "json")),
        level=env_str("PUTRIGHT_LOG_LEVEL", "INFO").upper(),
    ),
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "propagate": False},
    },
}
