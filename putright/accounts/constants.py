"""Sign-in messages, as constants so tests assert them exactly."""

LOCKED_OUT = (
    "Too many failed attempts to sign in. This account is locked: try again in "
    "{minutes} minutes, or ask an administrator to unlock it."
)
MFA_CODE_WRONG = "The code is not right or has expired. Enter the latest code from your app."
MFA_CODE_MISSING = "Enter the 6-digit code from your authenticator app, or a recovery code."
MFA_NEEDED_FOR_TOKEN = "Set up two-step verification and sign in with it before making a token."  # noqa: S105  (a message, not a secret)
TOKEN_NAME_MISSING = "Enter a name for the token, such as the system that will use it."  # noqa: S105  (a message)
TOKEN_ALREADY_REVOKED = "This token has already been revoked."  # noqa: S105  (a message)

SESSION_VERIFIED = "putright_two_step_verified"
SESSION_STARTED = "putright_session_started"
SESSION_LAST_SEEN = "putright_session_last_seen"
SESSION_PENDING_DEVICE = "putright_two_step_pending_device"

RECOVERY_CODE_COUNT = 10
TOKEN_KEY_PREFIX = "pr_"  # noqa: S105  (a public prefix)

PASSKEY_NAME_MISSING = "Enter a name for the passkey, such as the device it is on."
PASSKEY_NOT_MADE = (
    "Your device did not make a passkey. Select “Add passkey” and follow your device’s "
    "instructions, or set up an authenticator app instead."
)
PASSKEY_WRONG = "Your passkey was not accepted. Try again, or enter a code instead."
