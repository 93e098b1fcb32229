"""The letters pages: who may use each, what they show, and a fixed number of queries."""

import pytest
from django.urls import reverse

from putright.accounts.factories import TEST_PASSWORD
from putright.complaints.constants import DraftStatus
from putright.complaints.services.review import response_draft_submit
from putright.complaints.tests.stories import response_input
from putright.letters.constants import OutboxStatus
from putright.letters.models import Letter, LetterTemplate, OutboxItem
from putright.letters.templating import default_body
from putright.people.models import Adjustment, ContactChannel

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def draft(open_complaint, handler):
    return response_draft_submit(
        stage=open_complaint.stages.get(number=1),
        data=response_input(open_complaint),
        actor=handler,
    )


@pytest.fixture
def posted_letter(complaint, resident, handler, django_capture_on_commit_callbacks):
    from putright.complaints.tests.stories import acknowledged

    Adjustment.objects.create(
        resident=resident,
        kind=Adjustment.Kind.PREFERRED_CHANNEL,
        channel=ContactChannel.POST,
        detail="post",
    )
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    return OutboxItem.objects.get()


def pages(letter_pk: int, draft_pk: int) -> dict[str, str]:
    return {
        "outbox": reverse("letters:outbox"),
        "print_queue": reverse("letters:print_queue"),
        "letter": reverse("letters:letter", args=[letter_pk]),
        "pdf": reverse("letters:letter_pdf", args=[letter_pk]),
        "reviews": reverse("letters:reviews"),
        "review": reverse("letters:review", args=[draft_pk]),
        "templates": reverse("letters:templates"),
        "template": reverse("letters:template_edit", args=["response"]),
    }


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("anonymous", set()),
        ("viewer", {"outbox", "print_queue", "letter", "pdf"}),
        ("handler", {"outbox", "print_queue", "letter", "pdf", "reviews", "review"}),
        ("officer", {"outbox", "print_queue", "letter", "pdf", "reviews", "review"}),
        (
            "administrator",
            {
                "outbox",
                "print_queue",
                "letter",
                "pdf",
                "reviews",
                "review",
                "templates",
                "template",
            },
        ),
    ],
)
def test_who_may_open_each_letters_page(client, request, draft, persona, allowed):
    if persona != "anonymous":
        signed_in(client, request.getfixturevalue(persona))
    letter = Letter.objects.exclude(pdf="").first()  # not the reviewers' email about the draft
    for name, url in pages(letter.pk, draft.pk).items():
        response = client.get(url)
        if response.streaming:
            # Reading the PDF to the end lets the test client close its file.
            assert b"".join(response.streaming_content).startswith(b"%PDF")
        if persona == "anonymous":
            assert response.status_code == 302, name
            assert response.url.startswith("/accounts/login/")
        elif name in allowed:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, name


def test_the_outbox_shows_a_failed_letter_and_a_case_worker_can_retry_it(
    client, officer, open_complaint, django_capture_on_commit_callbacks
):
    item = OutboxItem.objects.get()
    OutboxItem.objects.filter(pk=item.pk).update(
        status=OutboxStatus.FAILED, last_error="SMTPServerDisconnected: gone", attempts=5
    )
    signed_in(client, officer)
    page = client.get(reverse("letters:outbox"), {"status": "failed"}).content.decode()
    assert "Failed – needs staff action" in page
    assert "SMTPServerDisconnected: gone" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:outbox_retry", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT


def test_a_viewer_cannot_retry_or_mark_posted(client, viewer, posted_letter):
    signed_in(client, viewer)
    assert client.post(reverse("letters:outbox_retry", args=[posted_letter.pk])).status_code == 403
    assert client.post(reverse("letters:mark_posted", args=[posted_letter.pk])).status_code == 403
    posted_letter.refresh_from_db()
    assert posted_letter.status == OutboxStatus.TO_PRINT


def test_retry_and_mark_posted_need_post(client, officer, posted_letter):
    signed_in(client, officer)
    assert client.get(reverse("letters:mark_posted", args=[posted_letter.pk])).status_code == 405


def test_staff_print_and_mark_a_letter_posted(client, officer, posted_letter):
    signed_in(client, officer)
    page = client.get(reverse("letters:print_queue")).content.decode()
    assert "14 Orchard Road" in page
    pdf = client.get(reverse("letters:letter_pdf", args=[posted_letter.letter_id]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(reverse("letters:mark_posted", args=[posted_letter.pk]))
    posted_letter.refresh_from_db()
    assert posted_letter.status == OutboxStatus.SENT
    assert "Nothing to print." in client.get(reverse("letters:print_queue")).content.decode()


def test_the_author_sees_the_draft_but_cannot_approve_it(client, handler, draft):
    signed_in(client, handler)
    page = client.get(reverse("letters:review", args=[draft.pk])).content.decode()
    assert "You wrote this response, so a colleague must review it" in page
    response = client.post(reverse("letters:review", args=[draft.pk]), {"decision": "approve"})
    assert "not by the person who drafted it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_a_colleague_reviews_the_letter_preview_and_approves(
    client, officer, draft, django_capture_on_commit_callbacks
):
    signed_in(client, officer)
    page = client.get(reverse("letters:review", args=[draft.pk])).content.decode()
    # The letter is escaped into the sandboxed frame's srcdoc, never into the page itself.
    assert 'sandbox="" srcdoc="&lt;!DOCTYPE html&gt;' in page
    assert "Our decision on each point" in page
    assert "<h2>Our decision on each point</h2>" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("letters:review", args=[draft.pk]), {"decision": "approve", "comments": ""}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    assert Letter.objects.filter(kind="response").count() == 1


def test_returning_without_comments_shows_a_field_error(client, officer, draft):
    signed_in(client, officer)
    response = client.post(reverse("letters:review", args=[draft.pk]), {"decision": "return"})
    page = response.content.decode()
    assert "Say what needs to change before the response can be sent." in page
    assert 'href="#id_comments"' in page
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_an_administrator_previews_then_saves_a_template(client, administrator, db):
    signed_in(client, administrator)
    url = reverse("letters:template_edit", args=["update"])
    body = default_body("update").replace("We promised", "As promised, we")
    preview = client.post(url, {"subject": "Update {{ reference }}", "body": body, "preview": "1"})
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in preview.content.decode()
    # The frame inherits the page's policy: the letter's stylesheet carries the page's nonce.
    nonce = preview["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f"&lt;style nonce=&quot;{nonce}&quot;&gt;" in preview.content.decode()
    assert not LetterTemplate.objects.exists()
    client.post(url, {"subject": "Update {{ reference }}", "body": body, "save": "1"})
    assert LetterTemplate.objects.get(kind="update").body == body.strip()


def test_a_template_without_a_required_element_is_not_saved(client, administrator, db):
    signed_in(client, administrator)
    url = reverse("letters:template_edit", args=["extension"])
    body = default_body("extension").replace('{% element "ombudsman" %}', "")
    page = client.post(url, {"subject": "S", "body": body, "save": "1"}).content.decode()
    assert "The Housing Ombudsman&#x27;s contact details is required (Code 6.5)" in page
    assert not LetterTemplate.objects.exists()


def test_an_unknown_template_kind_is_not_found(client, administrator, db):
    signed_in(client, administrator)
    assert client.get(reverse("letters:template_edit", args=["nope"])).status_code == 404


# --- query counts ---------------------------------------------------------------------------


def test_the_outbox_and_print_queue_use_a_fixed_number_of_queries(
    client,
    officer,
    resident,
    handler,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    from putright.complaints.tests.stories import acknowledged, received

    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            acknowledged(received(resident=resident, actor=handler), actor=handler)
    signed_in(client, officer)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("letters:outbox")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("letters:print_queue")).status_code == 200


def test_the_review_list_uses_a_fixed_number_of_queries(
    client, officer, draft, django_assert_max_num_queries
):
    signed_in(client, officer)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("letters:reviews")).status_code == 200


def test_the_review_page_uses_a_bounded_number_of_queries(
    client, officer, draft, django_assert_max_num_queries
):
    signed_in(client, officer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("letters:review", args=[draft.pk])).status_code == 200


def test_the_letter_page_and_template_list_use_few_queries(
    client, administrator, open_complaint, django_assert_max_num_queries
):
    signed_in(client, administrator)
    letter = Letter.objects.get()
    with django_assert_max_num_queries(5):
        assert client.get(reverse("letters:letter", args=[letter.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("letters:templates")).status_code == 200
