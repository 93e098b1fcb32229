"""Refusal letters say who to contact instead (policy 4.4); letters tell a non-customer they
may not reach the Ombudsman (policy 5.5) and a resident of a higher-risk building about the
Building Safety Regulator (policy 5.3). The gate requires each where it applies (issue 18)."""

import pytest

from putright.complaints import services
from putright.complaints.tests.stories import responded
from putright.letters.conf import NON_CUSTOMER_CAVEAT
from putright.letters.constants import LetterKind
from putright.letters.gate import LetterIncomplete
from putright.letters.models import Letter
from putright.letters.recipients import recipients_for
from putright.letters.services.letters import letter_prepare
from putright.letters.services.templates import template_preview
from putright.letters.templating import DEFAULT_SUBJECTS, default_body
from putright.letters.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db

BSR = "Building Safety Regulator"


def refuse(complaint, actor, ground="legal_proceedings"):
    return services.complaint_exclude(
        complaint=complaint,
        ground=ground,
        reasoning="A claim about these repairs was filed at the county court on 3 February.",
        discretion_considered=False,
        actor=actor,
    )


def letter_text(kind: str) -> str:
    return pdf_text(Letter.objects.get(kind=kind).pdf.path)


def test_a_refusal_says_who_to_contact_instead_for_its_ground(
    complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(complaint, handler, ground="lettings_decision")
    text = letter_text(LetterKind.REFUSAL)
    assert "Who to contact instead" in text
    assert "Your local authority" in text
    assert "www.gov.uk/find-local-council" in text


def test_a_refusal_for_a_criminal_matter_points_to_the_police(
    complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(complaint, handler, ground="criminal")
    assert "call 999 in an emergency, or 101" in letter_text(LetterKind.REFUSAL)


def test_a_customers_letter_has_no_caveat_and_no_regulator(
    complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(complaint, handler)
    text = letter_text(LetterKind.REFUSAL)
    assert "may not be able to look at your complaint" not in text
    assert BSR not in text


def test_a_non_customer_is_told_the_ombudsman_may_not_look_at_it(
    complaint, resident, handler, django_capture_on_commit_callbacks
):
    resident.is_customer = False
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        refuse(complaint, handler)
    assert "the Housing Ombudsman may not be able to look at your complaint" in letter_text(
        LetterKind.REFUSAL
    )


def test_a_high_rise_resident_is_told_about_the_building_safety_regulator(
    open_complaint, resident, handler, django_capture_on_commit_callbacks
):
    resident.home.high_rise = True
    resident.home.save()
    with django_capture_on_commit_callbacks(execute=True):
        responded(open_complaint, actor=handler)
    text = letter_text(LetterKind.RESPONSE)
    assert "refer it to the Building Safety Regulator" in text
    assert "www.gov.uk/guidance/the-building-safety-act" in text


EDITED_WITHOUT = {
    "contact_instead": '{% element "explanation" %}{% element "ombudsman_right" %}'
    '{% element "non_customer" %}{% element "building_safety" %}',
    "non_customer": '{% element "explanation" %}{% element "contact_instead" %}'
    '{% element "ombudsman_right" %}{% element "building_safety" %}',
    "building_safety": '{% element "explanation" %}{% element "contact_instead" %}'
    '{% element "ombudsman_right" %}{% element "non_customer" %}',
}


@pytest.mark.parametrize("dropped", sorted(EDITED_WITHOUT))
def test_an_edited_refusal_template_must_keep_each_signpost(dropped):
    from putright.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        template_preview(kind=LetterKind.REFUSAL, subject="About", body=EDITED_WITHOUT[dropped])
    assert f'{{% element "{dropped}" %}}' in refused.value.message


@pytest.mark.parametrize("dropped", sorted(EDITED_WITHOUT))
def test_the_gate_refuses_a_letter_whose_template_drops_a_signpost_that_applies(
    complaint, resident, handler, dropped
):
    from putright.letters.context import refusal_context

    resident.is_customer = False
    resident.save()
    resident.home.high_rise = True
    resident.home.save()
    exclusion = refuse(complaint, handler)
    (recipient,) = recipients_for(complaint)
    with pytest.raises(LetterIncomplete) as refused:
        letter_prepare(
            kind=LetterKind.REFUSAL,
            resident=resident,
            recipient=recipient,
            context=refusal_context(exclusion),
            complaint=complaint,
            template=(DEFAULT_SUBJECTS[LetterKind.REFUSAL], EDITED_WITHOUT[dropped], 1),
        )
    assert [m.element.key for m in refused.value.missing] == [dropped]


def test_the_shipped_refusal_template_passes_with_every_signpost(complaint, resident, handler):
    from putright.letters.context import refusal_context

    resident.is_customer = False
    resident.save()
    resident.home.high_rise = True
    resident.home.save()
    exclusion = refuse(complaint, handler)
    (recipient,) = recipients_for(complaint)
    _full, rendered, _ = letter_prepare(
        kind=LetterKind.REFUSAL,
        resident=resident,
        recipient=recipient,
        context=refusal_context(exclusion),
        complaint=complaint,
        template=(DEFAULT_SUBJECTS[LetterKind.REFUSAL], default_body(LetterKind.REFUSAL), 0),
    )
    assert NON_CUSTOMER_CAVEAT in rendered.text
    assert BSR in rendered.text


def test_a_template_edited_before_the_signposts_gains_them_as_a_new_version(db):
    import importlib

    from django.apps import apps

    from putright.letters.models import LetterTemplate

    migration = importlib.import_module(
        "putright.letters.migrations.0006_signposts_in_edited_templates"
    )
    LetterTemplate.objects.create(
        kind=LetterKind.REFUSAL,
        subject="About your complaint",
        body='<p>Our own words.</p>{% element "explanation" %}{% element "ombudsman_right" %}',
        version=3,
    )
    migration.add_signposts(apps, None)
    edited = LetterTemplate.objects.get(kind=LetterKind.REFUSAL)
    assert edited.version == 4
    template_preview(kind=LetterKind.REFUSAL, subject=edited.subject, body=edited.body)
