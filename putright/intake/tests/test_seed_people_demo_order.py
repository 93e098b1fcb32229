"""seed_people_demo builds on seed_demo's residents, so it refuses to run without them.

Kept apart from test_seed_people_demo.py, whose module-wide seeded database would hide this.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.django_db
def test_it_needs_seed_demo_first(db):
    with pytest.raises(CommandError, match="Run seed_demo first"):
        call_command("seed_people_demo", stdout=StringIO())
