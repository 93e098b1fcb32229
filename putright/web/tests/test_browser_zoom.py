"""200% zoom (WCAG 1.4.4 / 1.4.10): at half the width of a 1280 px screen, each case-work page
keeps its content in view: no sideways scrolling of the page, nothing cut off."""

from datetime import timedelta

import pytest

from putright.accounts import factories as staff
from putright.complaints.tests.stories import acknowledged, received
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.web.tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOMED_WIDTH = 640  # CSS pixels of a 1280 px wide window at 200% zoom


def test_case_work_pages_reflow_at_200_percent_zoom(page):
    olivia = staff.officer(username="olivia", first_name="Olivia", last_name="Okafor")
    staff.handler(username="hannah", first_name="Hannah", last_name="Lee")
    resident = ResidentFactory(full_name="Rosa Bell")
    on = today()
    complaint = received(resident=resident, actor=olivia, on=on - timedelta(days=3))
    complaint = acknowledged(complaint, actor=olivia, on=on - timedelta(days=2), handler=olivia)
    sign_in(page, "olivia")
    page.set_viewport_size({"width": ZOOMED_WIDTH, "height": 900})
    pages = {
        "queue": "/?scope=all",
        "search": "/?scope=all&q=Rosa",
        "dashboard": "/dashboard/",
        "case": f"/complaints/{complaint.reference}/",
        "respond": f"/complaints/{complaint.reference}/respond/",
        "assign": f"/complaints/{complaint.reference}/assign/",
        "log": "/complaints/new/?find=Rosa",
        "follow-ups": "/follow-ups/",
        "inbox": "/intake/inbox/",
    }
    too_wide = {}
    for name, url in pages.items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > ZOOMED_WIDTH:
            too_wide[name] = width
            screenshot(page, f"zoom-200-{name}")
    assert too_wide == {}
