"""The compensation schedule as data (policy 6.5, Code 7.4; issue 18): bands per line, edited
by the complaints officer, proposed on the response form, and a payment outside its band (or
off the schedule) needs a reason."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from putright.complaints.compensation import band_on, schedule_on, seed_default_schedule
from putright.complaints.demo import compensation_table
from putright.complaints.models import CompensationBand, Remedy
from putright.complaints.services.compensation import (
    BAND_HIGH_BELOW_LOW,
    NOT_ALLOWED,
    PROPOSED_OUTSIDE_BAND,
    compensation_band_save,
)
from putright.complaints.services.stages import (
    BAND_ONLY_FINANCIAL,
    BAND_OR_REASON,
    UNKNOWN_BAND,
)
from putright.complaints.tests.stories import (
    apology,
    compensation,
    reload,
    responded,
    snapshot,
    travel,
)
from putright.core.errors import InvalidInput, RuleBroken
from putright.rules.compensation import band_range, within_band

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def schedule(db):
    """The default schedule (the migration writes it; a flushing test elsewhere may not)."""
    seed_default_schedule()


# --- the rule -------------------------------------------------------------------------------


def test_a_band_scales_with_its_units_and_may_have_no_ceiling():
    assert band_range(low=Decimal(10), high=Decimal(25), units=4) == (Decimal(40), Decimal(100))
    assert within_band(Decimal(100), low=Decimal(10), high=Decimal(25), units=4)
    assert not within_band(Decimal("100.01"), low=Decimal(10), high=Decimal(25), units=4)
    assert not within_band(Decimal("39.99"), low=Decimal(10), high=Decimal(25), units=4)
    assert within_band(Decimal(5000), low=Decimal(1000), high=None, units=1)


# --- the service ----------------------------------------------------------------------------


def test_a_payment_inside_its_band_keeps_the_band_it_was_offered_under(open_complaint, handler):
    responded(
        open_complaint,
        actor=handler,
        remedies=[compensation("60.00", band="loss_of_room", units=4)],
    )
    remedy = Remedy.objects.get()
    assert (remedy.band, remedy.units) == ("loss_of_room", 4)
    assert (remedy.band_low, remedy.band_high) == (Decimal("10.00"), Decimal("25.00"))
    assert remedy.deviation_reason == ""


@pytest.mark.parametrize("amount", ["39.99", "100.01"])
def test_a_payment_outside_its_band_needs_a_reason(open_complaint, handler, amount):
    before = snapshot(open_complaint)
    with pytest.raises(InvalidInput) as refused:
        responded(
            open_complaint,
            actor=handler,
            remedies=[apology(), compensation(amount, band="loss_of_room", units=4)],
        )
    assert refused.value.field == "remedies[1].deviation_reason"
    assert refused.value.message.startswith(f"£{amount} is outside the schedule's band")
    assert "£40.00 to £100.00" in refused.value.message
    assert snapshot(reload(open_complaint)) == before


def test_a_payment_outside_its_band_with_a_reason_is_recorded(open_complaint, handler):
    reason = "Four weeks without a kitchen while caring for a newborn: the impact was greater."
    responded(
        open_complaint,
        actor=handler,
        remedies=[compensation("200.00", band="loss_of_room", units=4, deviation_reason=reason)],
    )
    assert Remedy.objects.get().deviation_reason == reason


def test_a_payment_off_the_schedule_needs_a_reason(open_complaint, handler):
    with pytest.raises(InvalidInput) as refused:
        responded(open_complaint, actor=handler, remedies=[compensation(deviation_reason="")])
    assert (refused.value.field, refused.value.message) == ("remedies[0].band", BAND_OR_REASON)


def test_a_band_must_be_a_line_in_force(open_complaint, handler):
    with pytest.raises(InvalidInput) as refused:
        responded(open_complaint, actor=handler, remedies=[compensation(band="gold_plated")])
    assert refused.value.message == UNKNOWN_BAND


def test_only_a_payment_has_a_band(open_complaint, handler):
    wrong = apology()
    wrong = type(wrong)(**{**wrong.__dict__, "band": "distress"})
    with pytest.raises(InvalidInput) as refused:
        responded(open_complaint, actor=handler, remedies=[wrong])
    assert refused.value.message == BAND_ONLY_FINANCIAL


# --- editing the schedule -------------------------------------------------------------------


def test_the_officer_changes_a_band_from_today_and_earlier_offers_keep_theirs(
    open_complaint, handler, officer, time_machine, monday
):
    responded(open_complaint, actor=handler, remedies=[compensation("300.00", band="distress")])
    travel(time_machine, monday + timedelta(days=7))
    compensation_band_save(
        code="distress",
        label="Distress and inconvenience: adverse effect",
        unit="award",
        low=Decimal("150"),
        high=Decimal("700"),
        proposed=Decimal("300"),
        actor=officer,
    )
    assert band_on("distress", monday).high == Decimal("600.00")
    assert band_on("distress", monday + timedelta(days=7)).high == Decimal("700.00")
    assert Remedy.objects.get().band_high == Decimal("600.00")  # settled: never recomputed
    assert CompensationBand.objects.filter(code="distress").count() == 2


def test_a_handler_cannot_change_the_schedule(handler, monday):
    with pytest.raises(RuleBroken) as refused:
        compensation_band_save(
            label="x", unit="award", low=Decimal(1), high=None, proposed=Decimal(1), actor=handler
        )
    assert refused.value.message == NOT_ALLOWED


@pytest.mark.parametrize(
    ("low", "high", "proposed", "field", "message"),
    [
        ("100", "50", "75", "high", BAND_HIGH_BELOW_LOW),
        ("100", "200", "250", "proposed", PROPOSED_OUTSIDE_BAND),
    ],
)
def test_a_band_must_make_sense(officer, monday, low, high, proposed, field, message):
    with pytest.raises(InvalidInput) as refused:
        compensation_band_save(
            label="Lost wages",
            unit="day",
            low=Decimal(low),
            high=Decimal(high),
            proposed=Decimal(proposed),
            actor=officer,
        )
    assert (refused.value.field, refused.value.message) == (field, message)


def test_the_demo_uses_the_schedule_in_the_database(officer, monday):
    compensation_band_save(
        code="loss_of_heating",
        label="Loss of heating or hot water",
        unit="day",
        low=Decimal("4"),
        high=Decimal("12"),
        proposed=Decimal("7"),
        actor=officer,
    )
    assert compensation_table(monday)["loss_of_heating"] == (
        "Loss of heating or hot water",
        Decimal("7.00"),
        "day",
    )
    assert len(schedule_on(monday)) == len(compensation_table(date(2026, 3, 2)))


# --- the pages ------------------------------------------------------------------------------

PAGE = "/compensation-schedule/"
LINE = {
    "label": "Lost wages for a missed appointment",
    "unit": "day",
    "low": "50",
    "high": "120",
    "proposed": "80",
}


def test_the_officer_sees_and_edits_the_schedule(client, officer, monday):
    client.force_login(officer)
    page = client.get(PAGE).content.decode()
    assert "Distress and inconvenience: adverse effect" in page
    assert "£100.00 to £600.00 per award" in page

    response = client.post(PAGE, LINE)
    assert response.status_code == 302
    assert band_on("lost-wages-for-a-missed-appointment", monday).proposed == Decimal("80.00")


def test_the_schedule_form_shows_refusals_on_their_field(client, officer, monday):
    client.force_login(officer)
    response = client.post(PAGE, {**LINE, "proposed": "500"})
    assert response.status_code == 400
    assert response.context["form"].errors["proposed"] == [PROPOSED_OUTSIDE_BAND]
    assert "There is a problem" in response.content.decode()


def test_a_handler_reads_the_schedule_but_cannot_change_it(client, handler, monday):
    client.force_login(handler)
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, LINE).status_code == 403
    assert not CompensationBand.objects.filter(code="lost-wages-for-a-missed-appointment").exists()


def test_the_response_form_proposes_the_amount_beside_each_line(client, handler, open_complaint):
    client.force_login(handler)
    page = client.get(f"/complaints/{open_complaint.reference}/respond/").content.decode()
    assert "Loss of use of a room: £10.00 to £25.00 per week, proposed £15.00" in page
    assert 'name="remedy_0_deviation_reason"' in page


def test_the_response_form_shows_a_deviation_on_its_row(client, hamid_or_handler, open_complaint):
    client, _user = hamid_or_handler
    data = {
        "summary": "We are sorry.",
        "outcome_1": "upheld",
        "reasons_1": "We did not repair it.",
        "outcome_2": "not_upheld",
        "reasons_2": "We did call back.",
        "remedy_0_type": "financial",
        "remedy_0_description": "Compensation for four weeks without a kitchen.",
        "remedy_0_due_on": "2026-03-09",
        "remedy_0_amount": "500",
        "remedy_0_band": "loss_of_room",
        "remedy_0_units": "4",
        "action_0_description": "Replace the tiles.",
        "action_0_due_on": "2026-03-20",
        "action_0_owner_name": "Roofing contractor",
    }
    response = client.post(f"/complaints/{open_complaint.reference}/respond/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors["remedy_0_deviation_reason"]
    assert errors[0].startswith("£500.00 is outside the schedule's band (£40.00 to £100.00)")


@pytest.fixture
def hamid_or_handler(client, handler):
    client.force_login(handler)
    return client, handler
