"""Dates on staff pages are shown the GOV.UK way, "2 March 2026": never ISO ("2026-03-02") nor
abbreviated ("2 Mar 2026"). One setting gives the style (putright/core/formats/en_GB)."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from putright.complaints.tests.pages import dates_not_govuk, visible_text
from putright.complaints.tests.stories import extended

pytestmark = pytest.mark.django_db


def test_a_date_without_a_format_is_shown_in_full(monday):
    shown = Template('{{ d|date }} / {{ d }} / {{ t|date:"DATETIME_FORMAT" }}').render(
        Context({"d": monday, "t": datetime(2026, 3, 2, 14, 5, tzinfo=UTC)})
    )
    assert shown == "2 March 2026 / 2 March 2026 / 2 March 2026, 14:05"


@pytest.mark.parametrize("path", ["/?scope=all", "/dashboard/", "case"])
def test_key_staff_pages_show_dates_as_2_march_2026(client, officer, open_complaint, path):
    extended(
        open_complaint, actor=officer, new_due=date(2026, 3, 23)
    )  # an extension: its dates on the case page too
    client.force_login(officer)
    if path == "case":
        path = f"/complaints/{open_complaint.reference}/"
    page = client.get(path).content.decode()
    assert "March 2026" in visible_text(page)
    assert dates_not_govuk(page) == []
