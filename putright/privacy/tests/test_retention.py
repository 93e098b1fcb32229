"""The retention schedule removes who residents are and what they wrote, never the figures."""

from dataclasses import astuple
from datetime import date, timedelta

from django.core.files.storage import default_storage

from putright.complaints.models import Attachment, CaseEvent, Correspondence, Remedy, Stage
from putright.complaints.selectors import dashboard_figures
from putright.complaints.tests.stories import received, travel
from putright.letters.models import Letter
from putright.people.models import Adjustment, Resident, Tenancy
from putright.privacy.constants import ANONYMISED_AREA_LINE, AuditKind
from putright.privacy.models import AnonymisedComplaint, AnonymisedResident, AuditEntry
from putright.privacy.services import retention_apply
from putright.privacy.tests.conftest import TODAY, raw_update_is_refused
from putright.reporting import reference, reports
from putright.reporting.figures import reporting_year

REMOVED = f"[removed under retention policy on {TODAY.isoformat()}]"


def figures_of(year: int) -> dict:
    """Every figure PutRight reports for a year, as plain values."""
    period = reporting_year(year)
    annual = reports.annual_report(year, on=TODAY)
    pack = reports.mrc_pack(year, 1, on=TODAY)
    return {
        "tsm": [astuple(f) for f in reports.tsm_return(year, on=TODAY).figures],
        "all": {k: astuple(f) for k, f in reports.all_figures(year, on=TODAY).items()},
        "facts": [astuple(f) for f in reference.stage_facts(period, on=TODAY, stored=True)],
        "remedies": [astuple(f) for f in reference.remedy_facts(period)],
        "annual": (annual.categories, annual.monthly, annual.remedies, annual.compensation),
        "measures": [(m.provision, astuple(m.figure), m.shortfall) for m in annual.measures],
        "mrc": ([c.__dict__ for c in pack.columns], pack.categories, pack.hotspots),
        "repeats": [ids for _name, ids in pack.repeats],
        "dashboard": dashboard_figures(today=date(2019, 7, 31), week_end=date(2019, 8, 2)),
    }


def test_retention_removes_personal_data_and_files_but_every_figure_stays(
    old_cases, django_capture_on_commit_callbacks
):
    rosa_case, _tom_case = old_cases
    photo = Attachment.objects.get(complaint=rosa_case)
    letter = Letter.objects.get(complaint=rosa_case)
    assert default_storage.exists(photo.file.name)
    assert default_storage.exists(letter.pdf.name)
    before = figures_of(2019)
    assert before["tsm"]
    assert any(f[2] for f in before["tsm"])

    with django_capture_on_commit_callbacks(execute=True):
        result = retention_apply(today=TODAY, actor=None)

    assert result.complaints == 2
    assert result.residents == 2
    assert figures_of(2019) == before
    rosa = Resident.objects.get(pk=rosa_case.resident_id)
    assert (rosa.full_name, rosa.email, rosa.phone, rosa.home_id) == (REMOVED, "", "", None)
    complaint = type(rosa_case).objects.get(pk=rosa_case.pk)
    assert complaint.description == REMOVED
    assert complaint.outcome_wanted == REMOVED
    assert complaint.home.address_line_1 == ANONYMISED_AREA_LINE
    assert (complaint.home.postcode, complaint.home.estate, complaint.home.block) == (
        "EX2",
        "Orchard",
        "A",
    )
    tenancy = Tenancy.objects.get(resident=rosa)
    assert tenancy.tenure == "lcra"
    assert tenancy.home.address_line_1 == ANONYMISED_AREA_LINE
    # The case record: words gone, dates and codes kept.
    text = " ".join(
        str(v)
        for v in CaseEvent.objects.filter(complaint=rosa_case).values_list(
            "summary", "actor_label", "data"
        )
    )
    assert "Rosa" not in text
    assert "07700" not in text
    assert set(CaseEvent.objects.filter(complaint=rosa_case).values_list("summary", flat=True)) == {
        REMOVED
    }
    mail = Correspondence.objects.get(complaint=rosa_case)
    assert (mail.counterpart, mail.subject, mail.body) == (REMOVED, REMOVED, REMOVED)
    assert Stage.objects.get(complaint=rosa_case, number=1).extensions.get().reason == REMOVED
    remedy = Remedy.objects.get(complaint=rosa_case)
    assert (remedy.remedy_type, str(remedy.amount), remedy.description) == (
        "financial",
        "150.00",
        REMOVED,
    )
    # Files: gone from the rows and from storage.
    photo_after = Attachment.objects.get(pk=photo.pk)
    letter_after = Letter.objects.get(pk=letter.pk)
    assert not photo_after.file
    assert not letter_after.pdf
    assert letter_after.recipient_name == REMOVED
    assert "Rosa" not in str(letter_after.context)
    assert not default_storage.exists(photo.file.name)
    assert not default_storage.exists(letter.pdf.name)
    assert not Adjustment.objects.filter(resident=rosa).exists()


def test_retention_is_audited_once_per_resident_and_the_audit_names_nobody(old_cases):
    rosa_case, tom_case = old_cases

    result = retention_apply(today=TODAY, actor=None)

    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in entries] == result.audit_ids
    assert [(e.kind, e.complaint_references, e.resident_id_number) for e in entries] == [
        (AuditKind.RETENTION, [rosa_case.reference], rosa_case.resident_id),
        (AuditKind.RETENTION, [tom_case.reference], tom_case.resident_id),
    ]
    rosa_entry = entries[0]
    assert rosa_entry.rule == "PUTRIGHT_RETAIN_CLOSED_COMPLAINTS_YEARS=6"
    assert rosa_entry.who == "Retention schedule"
    assert rosa_entry.files_removed == 2  # the photo and the letter's PDF
    assert rosa_entry.rows_deleted == 1  # the large-print adjustment
    assert rosa_entry.fields_removed > 20
    assert rosa_entry.detail["complaints.CaseEvent"]["fields"] >= 5
    stored = " ".join(str(v) for v in AuditEntry.objects.values_list())
    for personal in ("Rosa", "Bell", "rosa.bell", "Orchard Road", "4RB", "Tom", "Hart"):
        assert personal not in stored
    assert AnonymisedComplaint.objects.count() == 2
    assert AnonymisedResident.objects.count() == 2


def test_a_second_run_changes_nothing_and_writes_no_audit(old_cases):
    retention_apply(today=TODAY, actor=None)
    entries = AuditEntry.objects.count()

    result = retention_apply(today=TODAY, actor=None)

    assert (result.complaints, result.residents, result.audit_ids) == (0, 0, [])
    assert AuditEntry.objects.count() == entries


def test_a_complaint_that_ended_within_the_retention_period_is_kept(old_cases):
    rosa_case, _ = old_cases
    # One day before six years since Rosa's complaint closed.
    day_before = rosa_case.closed_on.replace(year=rosa_case.closed_on.year + 6)

    retention_apply(today=day_before, actor=None)

    complaint = type(rosa_case).objects.get(pk=rosa_case.pk)
    assert complaint.description == rosa_case.description
    assert Resident.objects.get(pk=rosa_case.resident_id).full_name == "Rosa Bell"


def test_a_resident_with_a_recent_complaint_keeps_their_name_while_old_complaints_go(
    old_cases, time_machine, handler, repairs
):
    rosa_case, _ = old_cases
    rosa = rosa_case.resident
    travel(time_machine, TODAY - timedelta(days=30))
    recent = received(resident=rosa, actor=handler, category=repairs)
    travel(time_machine, TODAY)

    retention_apply(today=TODAY, actor=None)

    assert type(rosa_case).objects.get(pk=rosa_case.pk).description == REMOVED
    assert type(recent).objects.get(pk=recent.pk).description == recent.description
    assert Resident.objects.get(pk=rosa.pk).full_name == "Rosa Bell"
    assert Adjustment.objects.filter(resident=rosa).exists()


def test_a_remedy_still_owed_keeps_the_complaint(old_cases, time_machine):
    rosa_case, _ = old_cases
    remedy = Remedy.objects.get(complaint=rosa_case)
    # A remedy not completed: its promise is still owed, whatever the closure date.
    Remedy.objects.filter(pk=remedy.pk).update(completed_on=None)

    retention_apply(today=TODAY, actor=None)

    assert type(rosa_case).objects.get(pk=rosa_case.pk).description == rosa_case.description


def test_the_database_refuses_updates_again_once_the_run_is_over(old_cases):
    retention_apply(today=TODAY, actor=None)

    assert raw_update_is_refused(CaseEvent.objects.filter(complaint=old_cases[1]).first())


def test_a_complaint_answered_within_the_retention_period_is_kept_whatever_its_closure(old_cases):
    rosa_case, _ = old_cases
    # Closed in 2019, but its final response is recent (e.g. reopened at stage 2 and answered).
    Stage.objects.filter(complaint=rosa_case, number=2).update(
        responded_on=TODAY - timedelta(days=30)
    )

    retention_apply(today=TODAY, actor=None)

    assert type(rosa_case).objects.get(pk=rosa_case.pk).description == rosa_case.description
