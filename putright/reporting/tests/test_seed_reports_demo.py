"""The reporting demo data is built through the services and only once."""

from datetime import date

from django.core.management import call_command

from putright.complaints import services as complaint_services
from putright.complaints.tests.stories import acknowledged, received, responded, travel
from putright.people.factories import ResidentFactory, TenancyFactory
from putright.reporting.models import HomesCount, SelfAssessment, ServiceImprovement


def test_the_reporting_demo_fills_every_report_once(
    db, time_machine, handler, officer, viewer, senior_lead
):
    from putright.complaints.factories import CategoryFactory
    from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus

    rosa = ResidentFactory()
    TenancyFactory(resident=rosa)
    travel(time_machine, date(2025, 7, 30))
    still_open = received(resident=rosa, actor=handler, category=CategoryFactory(name="Repairs"))
    travel(time_machine, date(2025, 6, 2))
    complaint = acknowledged(received(resident=rosa, actor=handler), actor=handler)
    travel(time_machine, date(2025, 6, 10))
    complaint = responded(complaint, actor=handler, learning="Confirm appointments by text.")
    twin = acknowledged(received(resident=rosa, actor=handler), actor=handler)
    twin = responded(twin, actor=handler, learning="Confirm appointments by text")
    complaint_services.ombudsman_referral_record(
        complaint=complaint, referred_on=date(2025, 6, 10), actor=officer
    )
    travel(time_machine, date(2025, 8, 1))
    call_command("seed_reports_demo")
    assert list(HomesCount.objects.values_list("year", flat=True)) == [2025]
    assessment = SelfAssessment.objects.get()
    assert assessment.approved_by == viewer
    assert not assessment.rows.filter(comply="").exists()
    # The landlord's own N/A answers (no third party handles complaints), each with its reason.
    assert [(r.provision, r.comply) for r in assessment.rows.filter(comply="na")] == [
        ("5.4", "na"),
        ("5.5", "na"),
    ]
    assert "handled in house" in assessment.rows.get(provision="5.4").commentary
    improvement = ServiceImprovement.objects.get(complaints=complaint)
    # The same lesson from two complaints is said once, as a sentence: never ".;" joins.
    assert improvement.description == "Confirm appointments by text."
    assert set(improvement.complaints.all()) == {complaint, twin}
    period = ExceptionalPeriod.objects.get()
    assert (period.status, list(period.affected.all())) == (
        ExceptionalStatus.IN_FORCE,
        [still_open],
    )
    assert period.ombudsman_notified_on == date(2025, 7, 23)  # the day after it began
    call_command("seed_reports_demo")
    assert SelfAssessment.objects.count() == 1
    assert ExceptionalPeriod.objects.count() == 1


def test_learning_is_joined_as_sentences_each_once():
    from putright.reporting.management.commands.seed_reports_demo import _sentences

    joined = _sentences(["Text first.", "Text first", " Call back;", "", "Call back."])
    assert joined == "Text first. Call back."
