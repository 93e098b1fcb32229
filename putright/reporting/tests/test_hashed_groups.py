"""PostgreSQL counts the reports' groups with its sorts off for each grouped query only
(`selectors._hashing_groups`): whatever transaction a report runs in, the planner settings
around it are left as they were."""

import pytest
from django.db import connection, transaction

from putright.reporting import reports, selectors
from putright.reporting.figures import reporting_year
from putright.reporting.tests.conftest import REPORT_DAY

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the hint is PostgreSQL's planner setting"
)


def enable_sort() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        return cursor.fetchone()[0]


def test_hashing_the_groups_leaves_the_callers_transaction_as_it_was(year_2025):
    with transaction.atomic():
        assert enable_sort() == "on"
        tsm = reports.tsm_return(2025, on=REPORT_DAY)
        assert [f.numerator for f in tsm.figures if f.key == "ch02-stage1-extension"] == [3]
        assert enable_sort() == "on"  # and the rest of the caller's transaction plans as before


def test_hashing_the_groups_outside_a_transaction_leaves_the_session_as_it_was(
    transactional_db,
):
    counts = selectors.stage_counts(reporting_year(2025), on=REPORT_DAY)
    assert (counts.received, counts.responded, counts.acknowledged) == ([], [], [])
    assert not connection.in_atomic_block
    assert enable_sort() == "on"
