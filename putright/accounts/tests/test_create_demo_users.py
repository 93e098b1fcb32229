from io import StringIO

import pytest
from django.core.management import call_command

from putright.accounts.models import User


@pytest.mark.django_db
def test_create_demo_users_is_idempotent_and_prints_the_logins():
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=out)

    assert User.objects.count() == 8
    olivia = User.objects.get(username="olivia")
    assert olivia.get_full_name() == "Olivia Okafor"
    assert olivia.is_officer
    assert olivia.check_password("putright-demo")
    vera = User.objects.get(username="vera")
    assert vera.is_read_only
    assert vera.role == User.Role.MRC  # the one Member Responsible for Complaints (9.5)
    assert User.objects.get(username="gita").role == User.Role.GOVERNING_BODY
    assert User.objects.get(username="simon").role == User.Role.SENIOR_LEAD
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="hamid").is_staff
    assert "Demo logins (password for all: putright-demo)" in out.getvalue()
    assert "Member Responsible for Complaints (governing body)" in out.getvalue()
    assert "Senior lead for complaints" in out.getvalue()


@pytest.mark.django_db
def test_create_demo_users_resets_a_changed_demo_password():
    call_command("create_demo_users", stdout=StringIO())
    hamid = User.objects.get(username="hamid")
    hamid.set_password("something-else")
    hamid.save()

    call_command("create_demo_users", stdout=StringIO())

    hamid.refresh_from_db()
    assert hamid.check_password("putright-demo")


@pytest.mark.django_db
def test_demo_officer_and_admin_get_the_published_two_step_key_and_handlers_none():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from putright.accounts.demo import demo_totp_code, demo_totp_secret

    out = StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=out)

    assert sorted(TOTPDevice.objects.values_list("user__username", flat=True)) == [
        "admin",
        "olivia",
    ]
    assert demo_totp_secret() in out.getvalue()
    code = StringIO()
    call_command("demo_two_step_code", stdout=code)
    assert code.getvalue().strip() == demo_totp_code()
    assert TOTPDevice.objects.get(user__username="olivia").verify_token(demo_totp_code())


@pytest.mark.django_db
def test_there_is_only_one_active_member_responsible_for_complaints():
    from django.db import IntegrityError, transaction

    call_command("create_demo_users", stdout=StringIO())
    gita = User.objects.get(username="gita")
    gita.role = User.Role.MRC
    with pytest.raises(IntegrityError), transaction.atomic():
        gita.save()
    User.objects.filter(username="vera").update(is_active=False)
    gita.save()  # once Vera has stood down, Gita may be designated
