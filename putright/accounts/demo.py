"""The demo's two-step verification: one published TOTP key for the demo officer and admin.

For `make demo` only (create_demo_users). Anyone who reads this file can make its codes, so
an account with this key is no better protected than by its password.
"""

from base64 import b32encode
from binascii import unhexlify

from django_otp.oath import totp

DEMO_TOTP_KEY = "50757452696768742d64656d6f2d6f6e6c792121"  # hex of "PutRight-demo-only!!"


def demo_totp_secret() -> str:
    """The key as authenticator apps take it (base32)."""
    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def demo_totp_code() -> str:
    """The code an authenticator app with the demo key shows now."""
    return f"{totp(unhexlify(DEMO_TOTP_KEY)):06d}"
