"""seed_demo builds a believable landlord through the real services; the admin only looks."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from putright.accounts.models import User
from putright.complaints.models import CaseEvent, Complaint, Extension, Stage
from putright.people.models import Tenancy, Tenure
from putright.rules.workflow import State


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small demo for the whole module, rolled back afterwards (seeding takes seconds)."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--complaints", "60", "--seed", "1", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_demo_has_complaints_in_every_state(demo):
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {state.value for state in State}
    assert Complaint.objects.count() == 60


def test_the_summary_counts_each_state(demo):
    assert "Created 60 complaints" in demo
    assert "Stage 2 – escalation requested" in demo


def test_both_tenure_types_of_the_tsm_are_present(demo):
    tenures = set(Tenancy.objects.values_list("tenure", flat=True))
    assert {Tenure.LOW_COST_RENTAL, Tenure.LOW_COST_HOME_OWNERSHIP} <= tenures


def test_every_complaint_was_received_on_its_received_date(demo):
    received = dict(
        CaseEvent.objects.filter(code="complaint.received").values_list(
            "complaint_id", "happened_on"
        )
    )
    for pk, received_on in Complaint.objects.values_list("pk", "received_on"):
        assert received[pk] == received_on


def test_the_record_carries_historical_dates_not_the_day_of_seeding(demo):
    acknowledged = list(CaseEvent.objects.filter(code="stage.acknowledged"))
    assert min(e.happened_on for e in acknowledged) < timezone.localdate() - timedelta(days=90)
    for event in acknowledged:
        assert timezone.localdate(event.recorded_at) == event.happened_on


def test_an_extension_beyond_the_cap_records_a_good_reason(demo):
    beyond = Extension.objects.filter(beyond_cap=True)
    assert beyond.exists()
    assert all(ext.good_reason.strip() for ext in beyond)


def test_stage_two_handlers_always_differ_from_stage_one(demo):
    stage_two = Stage.objects.filter(number=2, handler__isnull=False)
    assert stage_two.exists()
    for stage in stage_two:
        first = Stage.objects.get(complaint=stage.complaint, number=1)
        assert stage.handler_id != first.handler_id


def test_running_it_twice_does_not_duplicate(demo):
    before = (Complaint.objects.count(), Tenancy.objects.count(), CaseEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", "--complaints", "60", "--seed", "1", stdout=out)
    assert "nothing was added" in out.getvalue()
    assert (Complaint.objects.count(), Tenancy.objects.count(), CaseEvent.objects.count()) == before


def test_reset_starts_again_with_the_same_data_for_the_same_seed(demo):
    references = sorted(Complaint.objects.values_list("reference", "status"))
    call_command("seed_demo", "--complaints", "60", "--seed", "1", "--reset", stdout=StringIO())
    assert sorted(Complaint.objects.values_list("reference", "status")) == references
    assert User.objects.filter(username="olivia").count() == 1


# --- Admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_for_demo(demo, client):
    client.force_login(User.objects.get(username="admin"))
    return client


def test_an_admin_can_open_every_registered_changelist(admin_client_for_demo):
    models = [m for m in admin.site._registry if m._meta.app_label in {"complaints", "people"}]
    assert len(models) >= 10
    for model in models:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_for_demo.get(url).status_code == 200, url


def test_the_complaint_admin_searches_by_resident_name(admin_client_for_demo):
    complaint = Complaint.objects.select_related("resident").first()
    url = reverse("admin:complaints_complaint_changelist")
    response = admin_client_for_demo.get(url, {"q": complaint.resident.full_name})
    assert complaint.reference in response.content.decode()


def test_a_complaint_can_be_viewed_but_not_changed_in_the_admin(admin_client_for_demo, rf):
    complaint = Complaint.objects.exclude(status=State.CLOSED).first()
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    response = admin_client_for_demo.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    posted = admin_client_for_demo.post(url, {"status": State.CLOSED})
    assert posted.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status != State.CLOSED
    request = rf.get(url)
    request.user = User.objects.get(username="admin")
    for model in (Complaint, Stage, CaseEvent):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_a_refusal_names_only_what_its_own_complaint_is_about(demo):
    """A boiler complaint is never refused over "the same damp" (the stories hold together)."""
    from putright.complaints.models import Exclusion

    refusals = Exclusion.objects.select_related("complaint__category")
    assert refusals.exists()
    for refusal in refusals:
        category = refusal.complaint.category.code if refusal.complaint.category else ""
        if "damp" in refusal.reasoning.lower():
            assert category == "damp-mould", (category, refusal.reasoning)
