"""Personas and starting points for letters tests."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from putright.complaints.tests.stories import MONDAY, acknowledged, received, travel
from putright.people.factories import ResidentFactory, TenancyFactory


@pytest.fixture
def monday(time_machine) -> date:
    """Today is Monday 2 March 2026, 10:00 in London, and the clock stands still."""
    travel(time_machine, MONDAY)
    return MONDAY


@pytest.fixture
def resident(db):
    """Rosa Bell, a tenant, who has an email address."""
    rosa = ResidentFactory(
        full_name="Rosa Bell",
        email="rosa.bell@example.org",
        home__address_line_1="14 Orchard Road",
        home__town="Exampleton",
        home__postcode="EX2 4RB",
    )
    TenancyFactory(resident=rosa, home=rosa.home)
    return rosa


@pytest.fixture
def complaint(monday, resident, handler):
    """Rosa's complaint about a leak, received by phone today and not yet acknowledged."""
    return received(resident=resident, actor=handler)


@pytest.fixture
def open_complaint(complaint, handler, django_capture_on_commit_callbacks):
    """Rosa's complaint, acknowledged and defined by Hamid today (its letter sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        return acknowledged(complaint, actor=handler)


def pdf_text(path: str | Path) -> str:
    """The text of a PDF, as pdftotext extracts it (whitespace collapsed)."""
    assert shutil.which("pdftotext"), "poppler-utils is needed: scripts/system-deps.sh"
    out = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(out.split())
