"""The administrators' scheduled jobs page in a real browser: no WCAG 2.2 A/AA violation."""

from datetime import time

import pytest

from putright.accounts import factories as staff
from putright.core.periods import DailyAt
from putright.core.scheduler import Job, scheduler_tick
from putright.web.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_scheduled_jobs_page_with_a_failed_job_is_accessible(page):
    staff.administrator(username="sam", first_name="Sam", last_name="Admin")

    def broken() -> str:
        raise RuntimeError("SMTP server said no")

    scheduler_tick(jobs=[Job(name="people.review_reminders", period=DailyAt(time(7)), func=broken)])
    sign_in(page, "sam")
    page.click("a:has-text('Scheduled jobs')")
    page.wait_for_selector("h1:has-text('Scheduled jobs')")
    assert "RuntimeError: SMTP server said no" in page.inner_text("main")
    page.click("summary:has-text('Traceback')")
    assert "in broken" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "scheduled-jobs")
