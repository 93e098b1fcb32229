"""Capture every work-queue view's HTML, to show a change to the queue leaves pages the same.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python bench/queue_html.py --out /tmp/before
    (change the code)
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python bench/queue_html.py --out /tmp/after
    diff -r /tmp/before /tmp/after            # nothing: the pages are the same

Each page is fetched through Django's test client as several kinds of staff member (every
role the demo has, or the bench's handler0 on a seeded bench database), full page and the
htmx partial; CSRF tokens and CSP nonces (new on every request) are replaced by a fixed
marker. The paths are the benches' (`seed.queue_paths`, `queue_and_case.queue_pages`, their
later pages) and every scope with every "needs attention" tab, filters, a bad page number,
an invalid filter and a search, each on the first and a later page.
"""

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+(")')
NONCE = re.compile(r'(nonce="|"inlineStyleNonce": ")[^"]+(")')


def normalised(html: str) -> str:
    """The page without what changes on every request: CSRF tokens and CSP nonces."""
    return NONCE.sub(r"\1NONCE\2", CSRF.sub(r"\1CSRF\2", html))


def paths() -> list[str]:
    from putright.accounts.models import User
    from putright.complaints.models import Category
    from putright.complaints.selectors import QueueAttention, QueueScope

    found: list[str] = ["/"]
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    handler = (
        User.objects.filter(role="handler").order_by("pk").values_list("pk", flat=True).first()
    )
    for scope in QueueScope:
        found.append(f"/?scope={scope}")
        for attention in QueueAttention:
            found.append(f"/?scope={scope}&attention={attention}")
    filters = [
        "stage=1",
        "stage=2",
        "status=received",
        "status=stage1_open",
        "status=stage2_requested",
        "status=stage2_open",
        "status=closed",
        "status=withdrawn",
        "channel=email",
        "channel=letter",
        "overdue=on",
        "extended=on",
        "vulnerable=on",
        "hazard=open",
        "stage=1&overdue=on&vulnerable=on",
        "stage=2&extended=on&overdue=on",
        "stage=bad",
        "page=0",
        "page=abc",
        "page=99999",
        "q=leak",
        "q=Smith",
        "q=leak&channel=email",
    ]
    if category:
        filters += [f"category={category}", f"category={category}&overdue=on"]
    if handler:
        filters += [f"handler={handler}", f"handler={handler}&vulnerable=on"]
    for scope in ("all", "mine", "team"):
        found += [f"/?scope={scope}&{f}" for f in filters]
    if User.objects.filter(username="handler1").exists():  # a bench database
        import queue_and_case
        import seed

        found += seed.queue_paths()
        found += [path for _label, path in queue_and_case.queue_pages()]
    later = [f"{p}{'&' if '?' in p else '?'}page=2" for p in found if "page=" not in p]
    seen: dict[str, None] = {}
    for path in found + later:
        seen.setdefault(path, None)
    return list(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", default="", help="comma-separated usernames (default: all)")
    args = parser.parse_args()
    import queue_and_case

    queue_and_case.configure(os.environ.get("DATABASE_URL", "sqlite:////tmp/demo.sqlite3"))
    from django.test import Client

    from putright.accounts.constants import SESSION_VERIFIED
    from putright.accounts.models import User

    names = [n for n in args.users.split(",") if n] or list(
        User.objects.filter(is_active=True).order_by("username").values_list("username", flat=True)
    )[:12]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    every = paths()
    pages = 0
    for name in names:
        client = Client()
        client.force_login(User.objects.get(username=name))
        session = client.session
        session[SESSION_VERIFIED] = True
        session.save()
        for path in every:
            for htmx in (False, True):
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                response = client.get(path, **headers)
                body = response.content.decode() if response.status_code == 200 else ""
                key = hashlib.sha256(path.encode()).hexdigest()[:10]
                file = out / name / f"{key}{'-htmx' if htmx else ''}.html"
                file.parent.mkdir(exist_ok=True)
                file.write_text(f"{response.status_code} {path}\n{normalised(body)}")
                pages += 1
    print(f"{pages} pages ({len(every)} paths, {len(names)} users) in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
