"""The hazards demo seed adds reports through the services, once."""

import io

from django.core.management import call_command

from putright.hazards.models import HazardReport, HazardStep


def test_the_demo_seed_adds_reports_once(complaint, handler):
    call_command("seed_hazards_demo", stdout=io.StringIO())
    assert HazardReport.objects.filter(assessment="emergency", safety_work_done_at__isnull=False)
    assert HazardStep.objects.filter(kind="safety_work").count() == 1
    count = HazardReport.objects.count()
    call_command("seed_hazards_demo", stdout=io.StringIO())
    assert HazardReport.objects.count() == count
