from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task

from putright import settings as project_settings

RESULTS: list[int] = []


@task
def remember(number: int) -> int:
    RESULTS.append(number)
    return number * 2


def test_the_project_queues_tasks_in_the_database():
    assert project_settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_tests_run_tasks_immediately():
    RESULTS.clear()
    result = remember.enqueue(3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert RESULTS == [3]


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_waits_for_the_db_worker_and_then_runs():
    RESULTS.clear()
    result = remember.using(backend="database").enqueue(5)
    assert result.status == TaskResultStatus.READY
    assert RESULTS == []

    call_command(
        "db_worker", "--backend", "database", "--batch", "--no-startup-delay", stdout=StringIO()
    )

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 10
    assert RESULTS == [5]
