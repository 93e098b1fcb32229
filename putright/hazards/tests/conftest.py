"""Personas and starting points for hazard tests (the complaint ones are shared)."""

from putright.complaints.tests.conftest import (  # noqa: F401  fixtures used by name
    category,
    complaint,
    monday,
    open_complaint,
    resident,
)
