"""The public form sent twice makes one intake item; the hourly limit holds under a burst."""

import pytest
from django.core import mail
from django.test import Client

from putright.complaints.tests.test_concurrency import at_once, on_postgresql
from putright.intake.constants import FORM_DUPLICATE_WINDOW_MINUTES, FORM_RATE_LIMIT
from putright.intake.models import IntakeItem
from putright.intake.services import online
from putright.intake.tests.test_online_form import ANSWERS, answer_all, answers_about

CHECK = "/complain/check-your-answers/"


def answered(answers=ANSWERS) -> Client:
    client = Client()
    answer_all(client, answers)
    return client


@pytest.mark.django_db
def test_the_same_complaint_sent_twice_is_one_complaint_with_one_receipt(
    monday, django_capture_on_commit_callbacks
):
    first, again = answered(), answered()

    with django_capture_on_commit_callbacks(execute=True):
        assert first.post(CHECK).status_code == 302
        assert again.post(CHECK).status_code == 302

    item = IntakeItem.objects.get()
    for client in (first, again):
        page = client.get("/complain/complaint-sent/").content.decode()
        assert item.reference in page
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_same_words_sent_again_after_the_window_are_a_new_complaint(monday, time_machine):
    answered().post(CHECK)
    time_machine.shift((FORM_DUPLICATE_WINDOW_MINUTES + 1) * 60)

    answered().post(CHECK)

    assert IntakeItem.objects.count() == 2


@pytest.mark.django_db
def test_spacing_and_case_do_not_make_a_different_complaint(monday):
    answered().post(CHECK)
    shouted = answers_about("  THE LIFT in our block has been broken   for three weeks. ")

    answered(shouted).post(CHECK)

    assert IntakeItem.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_form_at_the_same_instant_make_one_complaint(monday):
    for attempt in range(3):
        words = answers_about(f"The lift has been broken (report {attempt}).")
        clients = [answered(words), answered(words)]

        responses = at_once(*(lambda c=c: c.post(CHECK) for c in clients))

        assert [r.status_code for r in responses] == [302, 302]
        assert IntakeItem.objects.count() == attempt + 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_address_gets_no_more_than_the_hourly_limit(monday):
    clients = [answered(answers_about(f"Complaint number {n}.")) for n in range(10)]

    responses = at_once(*(lambda c=c: c.post(CHECK) for c in clients))

    assert sorted(r.status_code for r in responses) == [302] * FORM_RATE_LIMIT + [429] * (
        10 - FORM_RATE_LIMIT
    )
    assert IntakeItem.objects.count() == FORM_RATE_LIMIT
    assert online.rate_limited(online.client_key("127.0.0.1"))
