from typing import Any

from django.core.management.base import BaseCommand

from putright.accounts.demo import demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current two-step code for the demo accounts' published key (make demo). "
        "It knows only that key, never a real user's."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
