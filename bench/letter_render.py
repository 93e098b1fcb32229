"""Seconds to prepare and render each kind of letter as a PDF, standard and large print.

    python bench/letter_render.py [--runs 3]

The letters are prepared from the preview's sample context, as the letter previews are, with
a scratch SQLite database for the settings they read (/tmp/putright-letter-render.sqlite3). Prints the median of --runs for each kind (the tests check that every kind
renders; how long it takes is measured here, not asserted in a timed test).
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/putright-letter-render.sqlite3")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from putright.letters.constants import LetterKind  # noqa: E402
from putright.letters.preview import SAMPLE_REFERENCE, sample_context  # noqa: E402
from putright.letters.recipients import Recipient  # noqa: E402
from putright.letters.rendering import render_pdf  # noqa: E402
from putright.letters.services.letters import letter_prepare  # noqa: E402
from putright.people.models import Resident  # noqa: E402


def seconds(kind: str, *, large_print: bool) -> float:
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
    render_pdf(rendered.html)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    print(f"load average {os.getloadavg()[0]:.1f}; median of {runs} runs, seconds per letter")
    for large_print in (False, True):
        print("large print" if large_print else "standard")
        for kind in LetterKind.values:
            times = [seconds(kind, large_print=large_print) for _ in range(runs)]
            print(f"  {kind:32} {statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
