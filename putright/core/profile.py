"""The complaint handling code in force: the one place PutRight reads PUTRIGHT_CODE_PROFILE."""

from django.conf import settings

from putright.rules.profile import CodeProfile, get_profile


def profile_code() -> str:
    """The code new complaints follow (a complaint keeps the code it was received under)."""
    return str(settings.PUTRIGHT_CODE_PROFILE)


def current_profile() -> CodeProfile:
    """The profile in force, for pages and reports that are not about one complaint."""
    return get_profile(profile_code())
