"""The delivery sweep command, and how long each letter takes to render (measured)."""

import time
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

# A generous ceiling so the test catches a pathological slowdown, not a busy machine.
MAX_SECONDS_PER_LETTER = 3.0


def test_the_sweep_command_reports_what_it_did(open_complaint):
    out = StringIO()
    call_command("letters_deliver", stdout=out)
    assert out.getvalue().strip() == "Sent 0 letter(s). 0 waiting after a failure."


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large-print"])
def test_rendering_time_per_letter_is_measured(large_print, tmp_path, capsys):
    timings = {}
    for kind in LetterKind.values:
        recipient = Recipient(
            name="Alex Example",
            role="resident",
            channel="post",
            postal_address="14 Orchard Road, Exampleton, EX2 4RB",
            large_print=large_print,
        )
        started = time.perf_counter()
        _full, rendered, _v = letter_prepare(
            kind=kind,
            resident=Resident(full_name="Alex Example"),
            recipient=recipient,
            context={**sample_context(kind, stage=2), "reference": SAMPLE_REFERENCE},
            stage=2,
        )
        pdf = render_pdf(rendered.html)
        timings[kind] = time.perf_counter() - started
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf)
        assert "Alex Example" in pdf_text(path)
    with capsys.disabled():
        print(  # noqa: T201  (the measurement is the point of this test)
            f"\nrender+PDF seconds per letter ({'large print' if large_print else 'standard'}): "
            + ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
        )
    assert max(timings.values()) < MAX_SECONDS_PER_LETTER
