"""/healthz for load balancers, and the administrators' page of scheduled jobs."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from putright.core.models import Heartbeat, JobRun
from putright.core.periods import DailyAt
from putright.core.scheduler import Job, beat, scheduler_tick

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def noon(time_machine):
    time_machine.move_to(NOON, tick=False)
    return NOON


# --- /healthz --------------------------------------------------------------------------------


def test_healthz_is_200_when_the_database_answers_and_the_scheduler_ticked(db, client, noon):
    beat(now=noon - timedelta(seconds=90))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"database": "ok", "scheduler": "ok: last tick 90 s ago"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_a_stale_scheduler(db, client, noon, settings):
    settings.PUTRIGHT_HEARTBEAT_MAX_AGE_SECONDS = 600
    beat(now=noon - timedelta(seconds=601))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler"]
    assert response.json()["checks"]["scheduler"].startswith("failing: last tick 601 s ago")


def test_healthz_is_503_before_the_scheduler_has_ever_ticked(db, client, noon):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler"]


def test_healthz_is_503_naming_the_database_when_it_does_not_answer(db, client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(BaseDatabaseWrapper, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "scheduler"]
    assert response.json()["checks"]["database"] == "failing: the database did not answer"


def test_healthz_needs_no_sign_in_and_is_not_redirected_to_https(db, client, settings, noon):
    settings.SECURE_SSL_REDIRECT = True
    beat(now=noon)

    assert client.get("/healthz").status_code == 200
    assert client.get("/dashboard/").status_code == 301  # everything else goes to HTTPS


# --- the administrators' page ------------------------------------------------------------------

JOBS_PAGE = "/system/jobs/"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(JOBS_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["handler", "officer", "viewer"])
def test_only_administrators_see_the_scheduled_jobs(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(JOBS_PAGE).status_code == 403


def test_the_page_shows_each_job_with_its_last_run_next_run_and_last_error(
    client, administrator, noon, time_machine, django_assert_max_num_queries
):
    time_machine.move_to(datetime(2027, 3, 10, 7, 0, tzinfo=LONDON), tick=False)

    def broken() -> str:
        raise RuntimeError("SMTP server said no")

    scheduler_tick(jobs=[Job(name="people.review_reminders", period=DailyAt(time(7)), func=broken)])
    time_machine.move_to(noon, tick=False)
    scheduler_tick(jobs=[])  # a heartbeat
    client.force_login(administrator)

    # Session, user, latest runs, latest errors, heartbeat: never one query per job.
    with django_assert_max_num_queries(5):
        response = client.get(JOBS_PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "letters.outbox_sweep" in page
    assert "every 5 minutes" in page
    assert "Due now: at the next tick" in page
    assert "RuntimeError: SMTP server said no" in page
    assert "Failed (will be retried)" in page
    assert "Retry: 10 March 2027, 07:01" in page
    assert "Last check: 10 March 2027, 12:00:00" in page
    assert "Not configured: does not run" in page  # the mailbox, without PUTRIGHT_IMAP_HOST
    assert JobRun.objects.count() == 1
    assert Heartbeat.objects.count() == 1
