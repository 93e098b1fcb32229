"""Each report page runs a fixed, small number of queries however many complaints there are.

Counting a period's stages is four queries (the stages whose stored timeliness is not the
answer on the day, then those received, acknowledged and answered, counted in SQL), and seven more
only when the first finds some (stage 1 handlers, refusals, outcomes, extensions, early
resolutions, tenancies, closures for their facts), whatever the number of stages. On
PostgreSQL each grouped query (`grouped` below) comes with two statements more: the planner's
sorts turned off before it and set back after it, inside the test's transaction
(`selectors._hashing_groups`)."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from putright.complaints import services as complaint_services
from putright.complaints.models import OmbudsmanReferral
from putright.reporting import services
from putright.reporting.services import ImprovementInput

# (page, its arguments, most queries, how many of them are grouped report questions)
PAGES = [
    ("reporting:index", {}, 4, 0),
    ("reporting:tsm", {"year": 2025}, 13, 2),
    ("reporting:figure", {"year": 2025, "key": "y2025-s1-received"}, 20, 2),
    ("reporting:homes", {}, 5, 0),
    ("reporting:self_assessments", {}, 5, 0),
    ("reporting:annual", {"year": 2025}, 30, 4),
    ("reporting:mrc", {"year": 2025, "number": 1}, 20, 4),
    ("reporting:themes", {"year": 2025, "number": 1}, 20, 4),
    ("reporting:learning", {}, 7, 0),
    ("reporting:ombudsman_cases", {}, 6, 0),
]
HASHING = 2 if connection.vendor == "postgresql" else 0  # statements a grouped query adds


@pytest.fixture
def busy_year(year_2025, officer):
    """The hand-built year plus the records that could multiply queries: improvements,
    referrals with orders and requests, and a self-assessment."""
    for title in ("Damp surveys", "Call-backs"):
        services.improvement_create(
            data=ImprovementInput(
                title=title,
                description="x",
                references=(year_2025.B.reference, year_2025.C.reference),
            ),
            actor=officer,
        )
    for complaint in (year_2025.A, year_2025.C):
        referral = complaint_services.ombudsman_referral_record(
            complaint=complaint, referred_on=date(2025, 7, 30), actor=officer
        )
        services.ombudsman_order_add(
            referral=referral,
            kind="order",
            description="Pay",
            due_on=date(2025, 8, 29),
            actor=officer,
        )
        services.ombudsman_information_request_add(
            referral=referral,
            requested_on=date(2025, 7, 31),
            due_on=date(2025, 8, 14),
            description="Repair log",
            actor=officer,
        )
    return services.self_assessment_start(year=2025, actor=officer)


@pytest.mark.parametrize(("name", "kwargs", "most", "grouped"), PAGES)
def test_report_pages_use_a_fixed_number_of_queries(
    client, viewer, busy_year, django_assert_max_num_queries, name, kwargs, most, grouped
):
    client.force_login(viewer)
    with django_assert_max_num_queries(most + HASHING * grouped):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_the_self_assessment_and_an_ombudsman_case_use_a_fixed_number_of_queries(
    client, officer, busy_year, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        client.get(reverse("reporting:self_assessment", kwargs={"pk": busy_year.pk}))
    referral = OmbudsmanReferral.objects.first()
    with django_assert_max_num_queries(10):
        client.get(reverse("reporting:ombudsman_case", kwargs={"pk": referral.pk}))
