"""One door out: nothing but the letters outbox sends email (issue 12, Code 5.12).

Everything sent to a resident or to staff goes through the outbox, so it is retried, sent
through GOV.UK Notify when configured, never sent inside a request and filed in the case
record. This test reads the source and fails on any other way of sending mail.
"""

import ast
from pathlib import Path

import putright

ROOT = Path(putright.__file__).resolve().parent
# The outbox sends; the SMTP backend it uses is a mailer, not a sender.
ALLOWED = {ROOT / "letters" / "services" / "outbox.py", ROOT / "letters" / "mail.py"}
SENDING_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
    "mailers",
}
SENDING_METHODS = {"send_messages", "sendmail", "send_message"}


def stray_sends(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            found += [
                f"{path}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name in SENDING_NAMES or alias.name == "*"
            ]
        if isinstance(node, ast.Import):
            found += [
                f"{path}:{node.lineno} imports {alias.name}"
                for alias in node.names
                if alias.name in {"smtplib", "django.core.mail"}
            ]
        if isinstance(node, ast.Attribute) and node.attr in SENDING_METHODS:
            found.append(f"{path}:{node.lineno} calls .{node.attr}()")
    return found


def source_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and path not in ALLOWED
    ]


def test_only_the_outbox_sends_email():
    strays = [line for path in source_files() for line in stray_sends(path)]
    assert strays == []


def test_the_check_would_catch_a_stray_send(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text(
        "from django.core.mail import send_mail\n"
        "def receipt():\n"
        "    send_mail('Hi', 'Body', None, ['a@example.org'])\n"
    )
    assert stray_sends(stray) == [f"{stray}:1 imports send_mail"]
    assert source_files()  # it does read the project
