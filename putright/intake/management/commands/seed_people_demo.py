"""manage.py seed_people_demo: representatives, adjustments, restrictions, service requests,
survey answers and mailbox messages for the residents seed_demo created."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from putright.intake import demo


class Command(BaseCommand):
    help = (
        "Add people and intake demo data (representatives, adjustments, vulnerabilities, "
        "contact restrictions, service requests, survey answers with follow-ups, mailbox "
        "messages) to the residents and complaints made by seed_demo. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, seed: int, **options):
        call_command("create_demo_users", stdout=self.stdout, verbosity=0)
        try:
            counts = demo.seed(seed=seed, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if counts:
            self.stdout.write(self.style.SUCCESS("People and intake demo data added."))
        address = demo.portal_demo_address()
        if address:
            self.stdout.write(
                f"Resident portal: go to /portal/ and ask for a link for {address} "
                "(with the console email backend the link is printed by the server)."
            )
