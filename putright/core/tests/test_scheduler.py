"""The scheduler runs each job once per period, catches up once, and never drops a failure."""

import threading
from datetime import UTC, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus

from putright.core import tasks as core_tasks
from putright.core.models import Heartbeat, JobRun
from putright.core.periods import DailyAt, Every
from putright.core.scheduler import (
    ABANDONED_AFTER,
    Job,
    register_job,
    registered_jobs,
    scheduler_tick,
    unregister_job,
)

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    """A moment in March 2027 (or another month), UK time."""
    return datetime(2027, month, day, hour, minute, second, tzinfo=LONDON)


class Counter:
    """A job body that counts its calls and can be told to fail."""

    def __init__(self, failures: int = 0) -> None:
        self.calls = 0
        self.failures = failures

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("the mailbox did not answer")
        return f"call {self.calls}"


def job(period, func, name="test.job") -> Job:
    return Job(name=name, period=period, func=func)


def tick(time_machine, moment: datetime, *jobs: Job):
    time_machine.move_to(moment, tick=False)
    return scheduler_tick(jobs=list(jobs))


# --- periods (plain Python) ------------------------------------------------------------------


def test_a_daily_period_starts_at_the_last_uk_wall_clock_time():
    daily = DailyAt(time(7, 0))
    assert daily.period_start(at(10, 6, 59)) == at(9, 7, 0)
    assert daily.period_start(at(10, 7, 0)) == at(10, 7, 0)
    assert daily.next_start(at(10, 12, 0)) == at(11, 7, 0)
    # The clocks go forward on 28 March 2027: 07:00 is still 07:00 UK time (06:00 UTC).
    assert daily.period_start(at(28, 8, 0)) == datetime(2027, 3, 28, 6, 0, tzinfo=UTC)
    assert daily.period_start(at(28, 8, 0)).astimezone(UTC) - daily.period_start(
        at(27, 8, 0)
    ).astimezone(UTC) == timedelta(hours=23)


def test_every_n_minutes_periods_are_aligned_windows():
    every = Every(5)
    assert every.period_start(at(10, 9, 4, 59)) == at(10, 9, 0)
    assert every.period_start(at(10, 9, 5)) == at(10, 9, 5)
    assert every.next_start(at(10, 9, 7)) == at(10, 9, 10)
    with pytest.raises(ValueError, match="at most once a minute"):
        Every(0)


# --- once per period -------------------------------------------------------------------------


def test_a_job_runs_once_per_period(db, time_machine):
    body = Counter()
    every = job(Every(5), body, name="test.every")
    daily_body = Counter()
    daily = job(DailyAt(time(7, 0)), daily_body, name="test.daily")

    tick(time_machine, at(10, 7, 0, 30), every, daily)
    tick(time_machine, at(10, 7, 1), every, daily)
    tick(time_machine, at(10, 7, 4, 59), every, daily)
    assert (body.calls, daily_body.calls) == (1, 1)

    tick(time_machine, at(10, 7, 5), every, daily)
    tick(time_machine, at(10, 18, 0), every, daily)
    assert (body.calls, daily_body.calls) == (3, 1)

    tick(time_machine, at(11, 7, 0), every, daily)
    assert (body.calls, daily_body.calls) == (4, 2)
    assert JobRun.objects.filter(job="test.daily").count() == 2
    assert set(JobRun.objects.values_list("status", flat=True)) == {JobRun.Status.SUCCEEDED}


def test_after_a_day_down_the_daily_job_catches_up_once(db, time_machine):
    body = Counter()
    daily = job(DailyAt(time(7, 0)), body)
    tick(time_machine, at(8, 7, 0), daily)  # Monday's run
    assert body.calls == 1

    # The worker stops on Monday afternoon and is back on Thursday at 06:00, having missed
    # Tuesday's and Wednesday's runs: Wednesday's period runs once, straight away.
    outcomes = tick(time_machine, at(11, 6, 0), daily)
    tick(time_machine, at(11, 6, 1), daily)
    tick(time_machine, at(11, 6, 30), daily)
    assert body.calls == 2
    assert [o.period_start for o in outcomes] == [at(10, 7, 0)]

    tick(time_machine, at(11, 7, 0), daily)  # and Thursday's own run at its time
    assert body.calls == 3
    assert list(JobRun.objects.order_by("period_start").values_list("period_start", flat=True)) == [
        at(8, 7, 0),
        at(10, 7, 0),
        at(11, 7, 0),
    ]


def test_a_frequent_job_also_catches_up_once_after_downtime(db, time_machine):
    body = Counter()
    every = job(Every(5), body)
    tick(time_machine, at(8, 9, 0), every)
    tick(time_machine, at(9, 9, 2), every)  # a day later: 288 periods missed, one run
    tick(time_machine, at(9, 9, 3), every)
    assert body.calls == 2


# --- concurrency -----------------------------------------------------------------------------


def test_a_tick_while_the_job_is_still_running_does_not_run_it_again(db, time_machine):
    inner_outcomes = []

    def slow_job() -> str:
        # A second scheduler ticks while this run is in progress (its claim is committed).
        inner_outcomes.extend(scheduler_tick(jobs=[the_job]))
        return "done"

    the_job = job(Every(5), slow_job)
    outcomes = tick(time_machine, at(10, 9, 0), the_job)

    assert [o.status for o in outcomes] == [JobRun.Status.SUCCEEDED]
    assert inner_outcomes == []
    assert JobRun.objects.get().attempts == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The test database on SQLite is in memory with a shared cache, which refuses rather "
    "than waits for a concurrent writer; a file database waits (busy timeout).",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ticks_run_a_job_once(time_machine):
    time_machine.move_to(at(10, 9, 0), tick=False)
    calls = []
    both_started = threading.Barrier(2)

    def body() -> str:
        calls.append(threading.get_ident())
        return "ran"

    the_job = job(Every(5), body)
    errors = []

    def scheduler() -> None:
        try:
            both_started.wait(timeout=5)
            scheduler_tick(jobs=[the_job])
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(calls) == 1
    assert JobRun.objects.count() == 1


# --- failures --------------------------------------------------------------------------------


def test_a_failing_job_is_recorded_and_retried(db, time_machine):
    body = Counter(failures=2)
    daily = job(DailyAt(time(7, 0)), body)

    outcomes = tick(time_machine, at(10, 7, 0), daily)
    run = JobRun.objects.get()
    assert [o.status for o in outcomes] == [JobRun.Status.FAILED]
    assert run.status == JobRun.Status.FAILED
    assert run.error == "RuntimeError: the mailbox did not answer"
    assert "in __call__" in run.traceback
    assert run.retry_at == at(10, 7, 1)

    tick(time_machine, at(10, 7, 0, 30), daily)  # before the retry time: left alone
    assert body.calls == 1

    tick(time_machine, at(10, 7, 1), daily)  # retried, fails again: next try 5 minutes on
    run.refresh_from_db()
    assert (body.calls, run.attempts, run.retry_at) == (2, 2, at(10, 7, 6))

    tick(time_machine, at(10, 7, 6), daily)
    run.refresh_from_db()
    assert body.calls == 3
    assert (run.status, run.attempts, run.result) == (JobRun.Status.SUCCEEDED, 3, "call 3")
    # The error that was overcome stays on the run, for the administrators' page.
    assert run.error == "RuntimeError: the mailbox did not answer"


def test_a_run_abandoned_mid_way_is_run_again(db, time_machine):
    body = Counter()
    daily = job(DailyAt(time(7, 0)), body)
    JobRun.objects.create(job=daily.name, period_start=at(10, 7, 0), started_at=at(10, 7, 0))

    tick(time_machine, at(10, 8, 0), daily)
    assert body.calls == 0  # it may still be running

    tick(time_machine, at(10, 7, 0) + ABANDONED_AFTER + timedelta(seconds=1), daily)
    run = JobRun.objects.get()
    assert body.calls == 1
    assert (run.status, run.attempts) == (JobRun.Status.SUCCEEDED, 2)
    assert run.error.startswith("Abandoned")


# --- registry, configuration and the worker ---------------------------------------------------


def test_each_app_registers_its_jobs():
    jobs = registered_jobs()
    assert {
        "intake.mailbox_poll",
        "people.review_reminders",
        "letters.outbox_sweep",
        "core.prune_job_runs",
        "core.prune_idempotency_keys",
    } <= set(jobs)
    assert jobs["people.review_reminders"].period == DailyAt(time(7, 0))
    assert jobs["letters.outbox_sweep"].period == Every(5)


def test_a_job_name_is_registered_once():
    register_job("test.unique", period=Every(1))(Counter())
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_job("test.unique", period=Every(1))(Counter())
    finally:
        unregister_job("test.unique")


def test_the_mailbox_is_polled_only_when_imap_is_configured(db, settings, time_machine):
    settings.PUTRIGHT_IMAP = {**settings.PUTRIGHT_IMAP, "host": ""}
    time_machine.move_to(at(10, 9, 0), tick=False)
    scheduler_tick()
    assert not JobRun.objects.filter(job="intake.mailbox_poll").exists()
    assert JobRun.objects.filter(job="letters.outbox_sweep").exists()

    settings.PUTRIGHT_IMAP = {**settings.PUTRIGHT_IMAP, "host": "imap.invalid"}
    assert registered_jobs()["intake.mailbox_poll"].enabled()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_tick_which_queues_the_next_one(monkeypatch, time_machine):
    from django_tasks_db.models import DBTaskResult

    time_machine.move_to(at(10, 9, 0), tick=False)
    monkeypatch.setattr(
        core_tasks,
        "scheduler_tick_task",
        core_tasks.scheduler_tick_task.using(backend="database"),
    )
    assert core_tasks.queue_next_tick(at=at(10, 9, 0)) is True
    assert core_tasks.queue_next_tick(at=at(10, 9, 0)) is False  # one chain, not two

    call_command(
        "db_worker", "--backend", "database", "--batch", "--no-startup-delay", stdout=StringIO()
    )

    ticks = DBTaskResult.objects.filter(task_path=core_tasks.scheduler_tick_task.module_path)
    assert ticks.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    waiting = ticks.get(status=TaskResultStatus.READY)
    assert waiting.run_after == at(10, 9, 1)
    assert Heartbeat.objects.get(name="scheduler").beat_at == at(10, 9, 0)
    assert JobRun.objects.filter(
        job="letters.outbox_sweep", status=JobRun.Status.SUCCEEDED
    ).exists()


def test_run_scheduler_once_runs_the_due_jobs(db, time_machine):
    time_machine.move_to(at(10, 9, 0), tick=False)
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "letters.outbox_sweep: succeeded – Sent 0 letter(s)." in out.getvalue()
    call_command("run_scheduler", "--once", stdout=out)
    assert JobRun.objects.filter(job="letters.outbox_sweep").count() == 1


def test_old_history_and_finished_ticks_are_pruned_daily(db, time_machine):
    from django_tasks_db.models import DBTaskResult

    from putright.core.jobs import TICK_TASK_PATH

    def finished_tick(days_ago: int) -> DBTaskResult:
        moment = at(10, 3, 0) - timedelta(days=days_ago)
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path=TICK_TASK_PATH,
            backend_name="database",
            run_after=moment,
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=moment,
        )

    old_tick, new_tick = finished_tick(2), finished_tick(0)
    for days, status in ((31, "succeeded"), (29, "succeeded"), (31, "failed"), (181, "failed")):
        moment = at(10, 3, 0) - timedelta(days=days)
        JobRun.objects.create(
            job=f"test.{status}", period_start=moment, started_at=moment, status=status
        )

    time_machine.move_to(at(10, 3, 30), tick=False)
    prune = registered_jobs()["core.prune_job_runs"]
    assert scheduler_tick(jobs=[prune])[0].detail == "Deleted 2 old run(s) and 1 finished tick(s)."

    remaining = JobRun.objects.filter(job__startswith="test.").order_by("started_at")
    assert [(r.status, (at(10, 3, 0) - r.started_at).days) for r in remaining] == [
        ("failed", 31),
        ("succeeded", 29),
    ]
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [new_tick.pk]
    assert not DBTaskResult.objects.filter(pk=old_tick.pk).exists()


def test_stored_idempotency_answers_older_than_a_day_are_pruned_hourly(db, time_machine):
    from putright.accounts.factories import handler
    from putright.core.models import IdempotentRequest

    staff = handler()
    for key, hours_ago in (("old", 25), ("recent", 23)):
        IdempotentRequest.objects.create(
            user_id=staff.pk,
            key=key,
            path="/api/v1/complaints/",
            request_hash="x",
            created_at=at(10, 9, 0) - timedelta(hours=hours_ago),
        )

    time_machine.move_to(at(10, 9, 0), tick=False)
    prune = registered_jobs()["core.prune_idempotency_keys"]
    assert prune.period == Every(60)
    outcome = scheduler_tick(jobs=[prune])[0]

    assert outcome.detail == "Deleted 1 expired Idempotency-Key answer(s)."
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["recent"]
