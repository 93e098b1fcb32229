from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts import two_step
from putright.accounts.demo import DEMO_TOTP_KEY, demo_totp_secret
from putright.accounts.models import User

DEMO_PASSWORD = "putright-demo"

# username, first name, last name, role, team
DEMO_STAFF = [
    ("olivia", "Olivia", "Okafor", User.Role.OFFICER, "Complaints"),
    ("hamid", "Hamid", "Shah", User.Role.HANDLER, "Complaints"),
    ("hannah", "Hannah", "Lee", User.Role.HANDLER, "Repairs"),
    ("harry", "Harry", "Jones", User.Role.HANDLER, "Housing management"),
    ("vera", "Vera", "Mills", User.Role.MRC, "Governing body"),
    ("gita", "Gita", "Rao", User.Role.GOVERNING_BODY, "Governing body"),
    ("simon", "Simon", "Clarke", User.Role.SENIOR_LEAD, "Executive team"),
    ("admin", "System", "Administrator", User.Role.ADMIN, ""),
]


class Command(BaseCommand):
    help = "Create or reset the demo staff accounts (idempotent) and print their logins."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        for username, first, last, role, team in DEMO_STAFF:
            user, created = User.objects.get_or_create(username=username)
            user.first_name = first
            user.last_name = last
            user.email = f"{username}@thrive.example"
            user.role = role
            user.team = team
            user.is_active = True
            # Only the administrator gets Django admin access; everyone else works in PutRight.
            user.is_staff = user.is_superuser = role == User.Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
            if two_step.required_for(user):
                # The published demo key, so a newcomer can pass two-step verification.
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                TOTPDevice.objects.create(
                    user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
                )
            verb = "Created" if created else "Updated"
            self.stdout.write(f"{verb} {username}", self.style.SUCCESS)

        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<10} {'name':<22} role")
        for username, first, last, role, _team in DEMO_STAFF:
            self.stdout.write(f"  {username:<10} {first + ' ' + last:<22} {role.label}")
        self.stdout.write("")
        self.stdout.write(
            "Officers and administrators also need a two-step code: add this demo-only key to "
            f"an authenticator app: {demo_totp_secret()}"
        )
        self.stdout.write("  or print the current code with: python manage.py demo_two_step_code")
