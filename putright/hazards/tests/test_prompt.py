"""'Is there a hazard?' when a damp and mould complaint is logged and when it is acknowledged."""

from putright.complaints.models import Complaint
from putright.complaints.tests.stories import received
from putright.complaints.tests.test_double_submit import acknowledge_form, form_token
from putright.core.once import FIELD
from putright.hazards.panels import HAZARD_PROMPT
from putright.hazards.tests.stories import raised

ASKED = "Is there a hazard? This complaint mentions damp or mould."


def _log(client, description: str) -> tuple[Complaint, str]:
    form = {
        "new_resident_name": "Sam Jones",
        "new_address_line_1": "7 Station Road",
        "new_town": "Exampleton",
        "new_postcode": "ex4 7tt",
        "new_tenure": "lcho",
        "channel": "phone",
        "received_on": "2026-03-02",
        "description": description,
        FIELD: form_token(client, "/complaints/new/"),
    }
    response = client.post("/complaints/new/", form, follow=True)
    assert response.status_code == 200
    return Complaint.objects.order_by("-id").first(), response.content.decode()


def test_logging_a_damp_complaint_asks_is_there_a_hazard(client, monday, handler):
    client.force_login(handler)
    _, page = _log(client, "Black mould is growing on the bedroom wall.")
    assert ASKED in page
    assert HAZARD_PROMPT.startswith(ASKED)


def test_logging_another_complaint_does_not_ask(client, monday, handler):
    client.force_login(handler)
    _, page = _log(client, "The lift has been broken for a week.")
    assert "Is there a hazard?" not in page


def test_acknowledging_a_damp_complaint_asks_on_the_form_and_after(
    client, monday, handler, resident
):
    client.force_login(handler)
    complaint = received(resident=resident, actor=handler, description="Damp in the hallway.")
    url = f"/complaints/{complaint.reference}/acknowledge/"
    form_page = client.get(url).content.decode()
    assert ASKED in form_page
    token = form_token(client, url)
    done = client.post(url, acknowledge_form(token), follow=True).content.decode()
    assert "acknowledged" in done.lower()
    assert done.count(ASKED) == 1  # the banner (the case panel words its prompt differently)


def test_no_prompt_once_a_hazard_report_is_linked(client, monday, handler, resident):
    client.force_login(handler)
    complaint = received(resident=resident, actor=handler, description="Damp in the hallway.")
    raised(actor=handler, complaint=complaint)
    url = f"/complaints/{complaint.reference}/acknowledge/"
    assert "Is there a hazard?" not in client.get(url).content.decode()
    done = client.post(url, acknowledge_form(form_token(client, url)), follow=True)
    assert "Is there a hazard?" not in done.content.decode()
