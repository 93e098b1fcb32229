"""The content gate: every letter has what the Code requires, and says exactly what is not."""

import copy

import pytest

from putright.core.errors import InvalidInput, RuleBroken
from putright.letters.constants import LetterKind
from putright.letters.gate import (
    LETTER_INCOMPLETE,
    LetterIncomplete,
    missing_from_data,
    rendered_sections,
)
from putright.letters.models import LetterTemplate
from putright.letters.preview import sample_context
from putright.letters.requirements import required_elements
from putright.letters.services.templates import (
    ADMINISTRATORS_ONLY,
    letter_template_save,
    template_preview,
)
from putright.letters.templating import default_body
from putright.rules.profile import get_profile

PROFILE = get_profile("hos-2024")


def problems(kind: str, context: dict, stage: int = 1) -> list[str]:
    return [
        str(m)
        for m in missing_from_data(
            context, required_elements(kind, profile=PROFILE, stage=stage, context=context)
        )
    ]


@pytest.mark.parametrize("stage", [1, 2])
def test_the_response_elements_are_the_code_profiles_a_to_g(stage):
    # For a customer in an ordinary home (the letter's data says neither condition applies).
    elements = required_elements(LetterKind.RESPONSE, profile=PROFILE, stage=stage, context={})
    keys = [e.key for e in elements]
    assert keys == [e.key for e in PROFILE.stage(stage).required_elements]
    assert keys == [
        "stage",
        "definition",
        "decisions",
        "reasons",
        "remedy",
        "outstanding_actions",
        "escalation",
    ]


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_default_letter_shows_each_of_its_required_elements(kind, db):
    stages = [1, 2] if kind in {"response", "acknowledgement", "extension"} else [None]
    for stage in stages:
        rendered = template_preview(
            kind=kind, subject="Subject", body=default_body(kind), stage=stage
        )
        shown, points = rendered_sections(rendered.body_html)
        required = {e.key for e in required_elements(kind, profile=PROFILE, stage=stage)}
        assert required <= shown
        if kind == LetterKind.RESPONSE:
            assert points == {1, 2}


def test_a_complete_sample_response_has_nothing_missing():
    assert problems(LetterKind.RESPONSE, sample_context("response")) == []


def _without(kind: str, change, stage: int = 1) -> list[str]:
    context = copy.deepcopy(sample_context(kind, stage=stage))
    change(context)
    return problems(kind, context, stage)


@pytest.mark.parametrize(
    ("change", "stage", "message"),
    [
        (
            lambda c: c.update(stage=None),
            1,
            "(a) The complaint stage – missing (Code 6.9(a))",
        ),
        (
            lambda c: c["definition"].update(outcomes_sought=""),
            1,
            "(b) The complaint definition – the outcomes the resident wants are missing "
            "(Code 6.9(b))",
        ),
        (
            lambda c: c["decisions"][1].update(outcome=""),
            1,
            "(c) The decision on the complaint – missing for point 2 (Code 6.9(c))",
        ),
        (
            lambda c: c["decisions"][0].update(reasons="  "),
            2,
            "(d) The reasons for any decisions made – missing for point 1 (Code 6.19(d))",
        ),
        (
            lambda c: c["remedy"].update(items=[], none_reason=""),
            1,
            "(e) Details of any remedy offered to put things right – no remedy and no "
            "stated “none” (Code 6.9(e))",
        ),
        (
            lambda c: c["remedy"]["items"][0].update(description=" "),
            2,
            "(e) Details of any remedy offered to put things right – remedy 1 does not say what "
            "will happen (Code 6.19(e))",
        ),
        (
            lambda c: c["outstanding_actions"]["items"][0].update(due_on=""),
            1,
            "(f) Details of any outstanding actions – action 1 has no date (Code 6.9(f))",
        ),
        (
            lambda c: c["outstanding_actions"].update(items=[], none=""),
            1,
            "(f) Details of any outstanding actions – no action and no stated “none” (Code 6.9(f))",
        ),
        (
            lambda c: c.update(escalation={}),
            1,
            "(g) How to escalate the complaint to stage 2 if not satisfied – missing (Code 6.9(g))",
        ),
        (
            lambda c: c["escalation"]["ombudsman"].update(phone="", postal_address=""),
            2,
            "(g) How to take the complaint to the Housing Ombudsman if still dissatisfied – "
            "the Ombudsman's phone, postal address missing (Code 6.19(g))",
        ),
    ],
    ids=["a", "b", "c", "d", "e", "e-what", "f-date", "f-none", "g-stage2", "g-ombudsman"],
)
def test_the_gate_refuses_a_response_missing_an_element_and_says_exactly_what(
    change, stage, message
):
    assert _without(LetterKind.RESPONSE, change, stage) == [message]


def test_a_refused_letter_names_every_gap_and_every_provision_in_one_error():
    context = copy.deepcopy(sample_context("response"))
    context.update(stage=None, escalation={})
    gaps = missing_from_data(
        context, required_elements(LetterKind.RESPONSE, profile=PROFILE, stage=1, context=context)
    )
    refused = LetterIncomplete(gaps)
    assert refused.message == (
        f"{LETTER_INCOMPLETE} (a) The complaint stage – missing (Code 6.9(a)); "
        "(g) How to escalate the complaint to stage 2 if not satisfied – missing (Code 6.9(g))."
    )
    assert refused.provision == "6.9(a), 6.9(g)"
    assert refused.missing == gaps


def test_the_gate_lists_every_gap_at_once():
    def strip(c):
        c["decisions"] = []
        c["remedy"] = {"items": [], "none_reason": ""}

    assert _without(LetterKind.RESPONSE, strip) == [
        "(c) The decision on the complaint – missing for point 1 (Code 6.9(c))",
        "(c) The decision on the complaint – missing for point 2 (Code 6.9(c))",
        "(d) The reasons for any decisions made – missing for point 1 (Code 6.9(d))",
        "(d) The reasons for any decisions made – missing for point 2 (Code 6.9(d))",
        "(e) Details of any remedy offered to put things right – no remedy and no stated "
        "“none” (Code 6.9(e))",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(reason=""), "(a) The reason for the extension – missing (Code 6.4)"),
        (lambda c: c.update(new_date=""), "(b) The new response date – missing (Code 6.4)"),
        (
            lambda c: c.update(update_interval=""),
            "(c) When we will update you – missing (Code 5.9)",
        ),
        (
            lambda c: c.update(ombudsman={}),
            "(d) The Housing Ombudsman's contact details – missing (Code 6.5)",
        ),
        (
            lambda c: c["ombudsman"].update(email=""),
            "(d) The Housing Ombudsman's contact details – the Ombudsman's email missing "
            "(Code 6.5)",
        ),
    ],
    ids=["reason", "new-date", "update-interval", "ombudsman", "ombudsman-email"],
)
def test_the_gate_refuses_an_extension_notice_missing_an_element(change, message):
    assert _without(LetterKind.EXTENSION, change) == [message]


def test_a_stage_two_extension_cites_code_6_16_for_the_ombudsman():
    assert _without(LetterKind.EXTENSION, lambda c: c.update(ombudsman={}), stage=2) == [
        "(d) The Housing Ombudsman's contact details – missing (Code 6.16)"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c.update(explanation=""),
            "(a) Why the matter is not suitable for the process – missing (Code 2.4)",
        ),
        (
            lambda c: c.update(ombudsman_right=None),
            "(b) The right to take the decision to the Ombudsman – missing (Code 2.4)",
        ),
    ],
    ids=["explanation", "ombudsman-right"],
)
def test_the_gate_refuses_a_refusal_letter_missing_an_element(change, message):
    assert _without(LetterKind.REFUSAL, change) == [message]


# --- templates edited by an administrator -------------------------------------------------


def test_an_administrator_can_reword_a_letter_and_the_preview_shows_it(administrator):
    body = default_body("response").replace("Thank you for your patience", "Thank you for waiting")
    template = letter_template_save(
        kind="response", subject="Our answer: {{ reference }}", body=body, actor=administrator
    )
    assert template.version == 1
    preview = template_preview(kind="response", subject=template.subject, body=template.body)
    assert "Thank you for waiting" in preview.text
    assert preview.subject == "Our answer: CMP-2026-000123"


def test_an_edit_that_drops_a_required_element_is_refused(administrator):
    body = default_body("response").replace('{% element "decisions" %}', "")
    with pytest.raises(InvalidInput) as refused:
        letter_template_save(kind="response", subject="S", body=body, actor=administrator)
    assert refused.value.message == (
        'Keep {% element "decisions" %}: (c) The decision on the complaint is required '
        "(Code 6.9(c))."
    )
    assert not LetterTemplate.objects.exists()


def test_commenting_an_element_out_does_not_keep_it(administrator):
    body = default_body("extension").replace(
        '{% element "ombudsman" %}', '{% comment %}{% element "ombudsman" %}{% endcomment %}'
    )
    with pytest.raises(InvalidInput) as refused:
        letter_template_save(kind="extension", subject="S", body=body, actor=administrator)
    assert "(d) The Housing Ombudsman's contact details is required (Code 6.5)" in (
        refused.value.message
    )


def test_hiding_an_element_behind_a_condition_is_caught_in_the_rendered_letter(administrator):
    body = default_body("refusal").replace(
        '{% element "ombudsman_right" %}',
        '{% if no_such_flag %}{% element "ombudsman_right" %}{% endif %}',
    )
    with pytest.raises(InvalidInput) as refused:
        letter_template_save(kind="refusal", subject="S", body=body, actor=administrator)
    assert refused.value.message.endswith(
        "(b) The right to take the decision to the Ombudsman – not shown by the letter "
        "template (Code 2.4)."
    )


def test_a_template_syntax_error_is_reported_not_saved(administrator):
    with pytest.raises(InvalidInput) as refused:
        letter_template_save(kind="update", subject="S", body="{% if %}", actor=administrator)
    assert refused.value.message.startswith("The template has an error:")


def test_only_an_administrator_may_edit_templates(officer):
    with pytest.raises(RuleBroken) as refused:
        letter_template_save(kind="update", subject="S", body=default_body("update"), actor=officer)
    assert refused.value.message == ADMINISTRATORS_ONLY


def test_templates_cannot_reach_beyond_the_letter_data(administrator):
    body = default_body("update") + "{{ settings.SECRET_KEY }}{% load static %}"
    with pytest.raises(InvalidInput):
        letter_template_save(kind="update", subject="S", body=body, actor=administrator)


def test_letter_incomplete_carries_the_provisions():
    error = LetterIncomplete([])
    assert error.message.startswith("This letter cannot be sent")


# --- what the resident sees: the gate reads the rendered PDF, not the HTML --------------------

HIDING = {
    "display:none": "display:none",
    "visibility:hidden": "visibility:hidden",
    "font-size:0": "font-size:0",
    "white on white": "color:#fff;background:#fff",
    "off the page": "position:absolute;left:-5000mm;top:0",
}


@pytest.mark.parametrize("style", HIDING.values(), ids=HIDING.keys())
def test_an_element_hidden_by_css_is_refused_and_named(administrator, style):
    body = default_body("response").replace(
        '{% element "escalation" %}',
        f'<div style="{style}">{{% element "escalation" %}}</div>',
    )
    with pytest.raises(InvalidInput) as refused:
        letter_template_save(kind="response", subject="S", body=body, actor=administrator)
    assert (
        "(g) How to escalate the complaint to stage 2 if not satisfied – hidden in the letter "
        "the resident receives (PDF) (Code 6.9(g))"
    ) in refused.value.message
    assert not LetterTemplate.objects.filter(kind="response").exists()


def test_a_visible_restyling_still_passes_the_pdf_gate(administrator):
    body = default_body("response").replace(
        '{% element "escalation" %}',
        '<div style="color:#333;font-size:11pt">{% element "escalation" %}</div>',
    )
    template = letter_template_save(kind="response", subject="S", body=body, actor=administrator)
    assert template.version == 1


# --- a template that only fails when rendered is a field error, never a 500 -------------------

BROKEN_AT_RENDER = {
    "a filter given text": ('{{ "x"|letter_date }}', "The template has an error: Invalid"),
    "an unknown element": ('{% element "nope" %}', "The template has an error:"),
    "a bad widthratio": ('{% widthratio "a" "b" "c" %}', "The template has an error:"),
    "include": ('{% include "letters/letter.html" %}', "A letter cannot use {% include %}"),
    "url": ("{% url 'letters:outbox' %}", "A letter cannot use {% url %}"),
    "debug (dumps the context)": ("{% debug %}", "A letter cannot use {% debug %}"),
}


@pytest.mark.parametrize(("tag", "message"), BROKEN_AT_RENDER.values(), ids=BROKEN_AT_RENDER.keys())
def test_the_template_preview_answers_a_render_error_on_the_body_field(
    administrator, client, tag, message
):
    client.force_login(administrator)
    response = client.post(
        "/letters/templates/response/",
        {"subject": "S", "body": default_body("response") + tag, "stage": "1", "preview": "1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_a_preview_for_a_stage_the_code_does_not_have_is_a_field_error():
    with pytest.raises(InvalidInput) as refused:
        template_preview(kind="response", subject="S", body=default_body("response"), stage=3)
    assert refused.value.field == "stage"


def test_an_element_missing_from_the_plain_text_email_is_refused_though_the_pdf_shows_it(db):
    """The gate reads both things the resident may receive: the PDF and the plain-text
    email. Here the PDF is whole and the text has lost the escalation paragraph."""
    from putright.letters.gate import NOT_VISIBLE, missing_from_view, section_texts
    from putright.letters.rendering import render_pdf

    rendered = template_preview(
        kind="response", subject="Subject", body=default_body("response"), stage=1
    )
    elements = required_elements("response", profile=PROFILE, stage=1)
    pdf = render_pdf(rendered.html)
    whole = missing_from_view(
        body_html=rendered.body_html, pdf=pdf, text=rendered.text, elements=elements
    )
    assert whole == []
    text = "".join(ch for ch in rendered.text.casefold() if ch.isalnum())
    for line in section_texts(rendered.body_html)["escalation"]:
        text = text.replace(line, "")

    missing = missing_from_view(body_html=rendered.body_html, pdf=pdf, text=text, elements=elements)

    assert [(m.element.key, m.detail) for m in missing] == [
        ("escalation", f"{NOT_VISIBLE} (text email)")
    ]
