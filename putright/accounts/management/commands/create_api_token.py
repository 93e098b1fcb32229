from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from putright.accounts import services, two_step
from putright.accounts.models import User
from putright.core.errors import ComplaintError


class Command(BaseCommand):
    help = (
        "Make an API token for a member of staff who has set up two-step verification, and "
        "print it once (only its digest is stored)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PUTRIGHT_API_TOKEN_DAYS,
            help="Days until it expires (default PUTRIGHT_API_TOKEN_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(
                f"No active member of staff is called {options['username']}."
            ) from exc
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more.")
        try:
            token, key = services.api_token_create(
                user=user,
                name=options["name"],
                days=options["days"],
                actor=user,
                # At the command line there is no session: the account must at least have
                # two-step verification set up, as the staff page requires it to be used.
                two_step_verified=two_step.enrolled(user),
            )
        except ComplaintError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Token “{token.name}” for {user.username}, expires {token.expires_at:%d %b %Y}:"
        )
        self.stdout.write(key)
        self.stdout.write("Send it as `Authorization: Token <key>`. It will not be shown again.")
