"""Write a resident's subject-access ZIP to a file; the reason is recorded in the audit log."""

import shutil

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from putright.core.errors import ComplaintError
from putright.people.models import Resident
from putright.privacy.export import resident_export


class Command(BaseCommand):
    help = "Export everything held about a resident (UK GDPR Art. 15) as a ZIP."

    def add_arguments(self, parser):
        parser.add_argument("resident", type=int, help="The resident's number.")
        parser.add_argument("--reason", required=True, help="Why (no names: it is audited).")
        parser.add_argument("--user", required=True, help="The administrator's username.")
        parser.add_argument("--output", help="Where to write the ZIP (default: its own name).")

    def handle(self, *args, **options):
        try:
            resident = Resident.objects.get(pk=options["resident"])
        except Resident.DoesNotExist as exc:
            raise CommandError(f"No resident number {options['resident']}.") from exc
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']}.")
        try:
            result = resident_export(resident=resident, reason=options["reason"], actor=user)
        except ComplaintError as exc:
            raise CommandError(exc.message) from exc
        path = options["output"] or result.filename
        with result.file, open(path, "wb") as out:
            shutil.copyfileobj(result.file, out)
        self.stdout.write(f"Wrote {path}: {result.files} file(s); audit entry {result.audit.pk}.")
