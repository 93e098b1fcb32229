"""The delivery sweep command, and every kind of letter rendering as a PDF (how long each
takes is measured by bench/letter_render.py, not asserted here)."""

from io import StringIO

import pytest
from django.core.management import call_command

from putright.letters.constants import LetterKind
from putright.letters.preview import SAMPLE_REFERENCE, sample_context
from putright.letters.recipients import Recipient
from putright.letters.rendering import render_pdf
from putright.letters.services.letters import letter_prepare
from putright.letters.tests.conftest import pdf_text
from putright.people.models import Resident

pytestmark = pytest.mark.django_db


def test_the_sweep_command_reports_what_it_did(open_complaint):
    out = StringIO()
    call_command("letters_deliver", stdout=out)
    assert out.getvalue().strip() == "Sent 0 letter(s). 0 waiting after a failure."


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large-print"])
def test_every_kind_of_letter_renders_as_a_pdf_naming_the_resident(large_print, tmp_path):
    for kind in LetterKind.values:
        recipient = Recipient(
            name="Alex Example",
            role="resident",
            channel="post",
            postal_address="14 Orchard Road, Exampleton, EX2 4RB",
            large_print=large_print,
        )
        _full, rendered, _v = letter_prepare(
            kind=kind,
            resident=Resident(full_name="Alex Example"),
            recipient=recipient,
            context={**sample_context(kind, stage=2), "reference": SAMPLE_REFERENCE},
            stage=2,
        )
        pdf = render_pdf(rendered.html)
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf)
        assert "Alex Example" in pdf_text(path)
