"""Recovery codes are stored only as slow salted hashes, work once, and keep django-otp's
throttling; codes made before hashing are migrated and still work (ASVS 2.6.2)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from putright.accounts.models import RecoveryCode
from putright.accounts.recovery import code_use, codes_replace

BEFORE = [("accounts", "0003_oversight_roles_and_one_mrc")]
AFTER = [("accounts", "0004_recovery_codes_hashed_and_passkeys")]


def use(device, code):
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        return code_use(device, code)


@pytest.mark.django_db
def test_the_database_never_holds_a_code_in_clear(officer):
    codes = codes_replace(user=officer)

    digests = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(codes) == len(digests) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert not any(code in digest for digest in digests)
    assert not StaticToken.objects.exists()
    # A Django password hash, salted: "<algorithm>$...$<salt>$<hash>".
    assert all(digest.count("$") >= 2 for digest in digests)


@pytest.mark.django_db
def test_each_set_has_its_own_salt(officer, handler):
    codes_replace(user=officer)
    codes_replace(user=handler)

    salts = {d.digest.split("$")[-2] for d in RecoveryCode.objects.all()}
    assert len(salts) == 2


@pytest.mark.django_db
def test_a_code_works_once_and_only_its_own(officer, handler, time_machine):
    codes = codes_replace(user=officer)
    other = codes_replace(user=handler)
    device = StaticDevice.objects.get(user=officer)

    assert use(device, codes[4].upper())  # as typed, in any case
    assert RecoveryCode.objects.filter(device=device).count() == 9
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=5))
    assert not use(device, codes[4])
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=10))
    assert not use(device, other[0])
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=15))
    assert use(device, codes[0])


@pytest.mark.django_db
def test_a_wrong_code_throttles_even_the_right_one(officer, time_machine):
    codes = codes_replace(user=officer)
    device = StaticDevice.objects.get(user=officer)

    assert not use(device, "wrongcod")
    # Within django-otp's back-off (1 s after one failure) the right code is refused too.
    assert not use(device, codes[0])
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=5))

    assert use(device, codes[0])
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@pytest.mark.django_db(transaction=True)
def test_codes_made_before_hashing_are_migrated_and_still_work(django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state([*BEFORE, ("otp_static", "0003_add_timestamps")]).apps
    user = old_apps.get_model("accounts", "User").objects.create(username="early", role="officer")
    device = old_apps.get_model("otp_static", "StaticDevice").objects.create(
        user=user, name="Recovery codes", confirmed=True
    )
    old_apps.get_model("otp_static", "StaticToken").objects.create(device=device, token="early234")
    old_apps.get_model("otp_static", "StaticToken").objects.create(device=device, token="early567")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    assert not StaticToken.objects.exists()
    digests = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(digests) == 2
    assert not any("early" in d for d in digests)
    device = StaticDevice.objects.get(pk=device.pk)
    assert use(device, "early567")
    assert RecoveryCode.objects.count() == 1
