#!/usr/bin/env python3
"""Production smoke test: PutRight built and served as `make serve` runs it, fetched over HTTP.

    .venv/bin/python scripts/smoke.py        (scripts/test.sh runs it; so does CI)

With PUTRIGHT_DEBUG=false and production settings it collects the static files (hashed and
compressed), migrates a fresh database (a temporary SQLite file, or a fresh PostgreSQL database
named after DATABASE_URL's with a "_smoke" suffix), creates demo staff and a little demo data,
then starts the Procfile's processes (gunicorn and the task worker) under scripts/supervise.py
on a free local port. Requests come as a TLS-terminating proxy forwards them
(X-Forwarded-Proto: https, PUTRIGHT_BEHIND_TLS_PROXY=true), so HTTPS redirects, secure cookies
and CSRF's origin checks are the production ones. It signs in as staff (CSRF and all), signs a
resident into the portal through the emailed link (caught by a local SMTP server), uses the API
with a token, and fetches every page: each named URL pattern must be fetched (or listed in
NOT_FETCHED with a reason), so a new page cannot be forgotten. Each answer must have its
expected status and none may be a 500; the server's log must hold no error. Then SIGTERM must
stop everything cleanly.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PASSWORD = "putright-demo"  # noqa: S105  (create_demo_users' public demo password)
SERVER_START_TIMEOUT = 60
STOP_TIMEOUT = 45

OK, FOUND, UNAUTHORISED, FORBIDDEN, NOT_ALLOWED, CONFLICT = 200, 302, 401, 403, 405, 409

# Named URL patterns the smoke test does not fetch, each with its reason. Everything else in the
# URLconf must be fetched below.
NOT_FETCHED: dict[str, str] = {}


def say(message: str) -> None:
    sys.stdout.write(f"smoke: {message}\n")
    sys.stdout.flush()


class SmokeFailure(Exception):
    pass


# --- HTTP, as a browser behind the TLS proxy -----------------------------------------------


class _ProxiedHttpsCookies(http.cookiejar.DefaultCookiePolicy):
    """The proxy speaks HTTPS to the browser, so Secure cookies are sent (we talk plain HTTP to
    gunicorn on loopback, exactly as the proxy does)."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    def __init__(self, base: str, *, token: str = "") -> None:
        self.base = base
        self.origin = "https://" + base.split("://", 1)[1]
        self.token = token
        self.jar = http.cookiejar.CookieJar(policy=_ProxiedHttpsCookies())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def request(
        self, method: str, path: str, *, form: dict[str, str] | None = None, **headers: str
    ) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("X-Forwarded-For", "203.0.113.7")
        if method != "GET":
            # A browser sends Origin with a form post; CSRF checks it against the HTTPS origin.
            request.add_header("Origin", self.origin)
            request.add_header("Referer", self.origin + path)
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, **headers)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not match:
            raise SmokeFailure(f"no CSRF token on {path} ({page.status})")
        return match.group(1)

    def post_form(self, path: str, form: dict[str, str], *, token_from: str = "") -> Answer:
        token = self.csrf_token(token_from or path)
        return self.request("POST", path, form={"csrfmiddlewaretoken": token, **form})


# --- Set-up: environment, database, data -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smoke_database_url(workdir: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database for this run, and how to drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{workdir / 'putright.sqlite3'}", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "putright"
    smoke_name = f"{name}_smoke"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{smoke_name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{smoke_name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{smoke_name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{smoke_name}" WITH (FORCE)'
    )


def production_environment(workdir: Path, *, port: int, smtp_port: int, database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PUTRIGHT_", "SECURE_", "EMAIL_", "DJANGO_"))
    }
    env.update(
        {
            "PUTRIGHT_DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PUTRIGHT_BEHIND_TLS_PROXY": "true",
            "DATABASE_URL": database_url,
            "PUTRIGHT_STATIC_ROOT": str(workdir / "static"),
            "PUTRIGHT_MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "PUTRIGHT_BIND": f"127.0.0.1:{port}",
            "PUTRIGHT_WEB_WORKERS": "2",
            "PUTRIGHT_LOG_FORMAT": "json",
            "PUTRIGHT_SUPERVISE_STOP_TIMEOUT": "30",
            "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


def manage(env: dict, *args: str, **extra_env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603  (our own manage.py)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**env, **extra_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(process: subprocess.Popen[bytes], what: str) -> str:
    output, _ = process.communicate()
    text = output.decode(errors="replace")
    if process.returncode != 0:
        raise SmokeFailure(f"{what} failed ({process.returncode}):\n{text[-3000:]}")
    return text


def build(env: dict, timings: dict[str, float]) -> subprocess.Popen[bytes]:
    """check --deploy, migrate and a little demo data, in this process (one Django start-up),
    while collectstatic (the slow part: hashing and compressing) runs alongside. Returns the
    collectstatic process to finish."""
    started = time.monotonic()
    check = manage(env, "check", "--deploy", "--fail-level", "ERROR")
    collect = manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    finish(check, "check --deploy")
    setup_django(env)
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", interactive=False, verbosity=0)
    # One scheduler tick now (the worker ticks on its own later): /healthz needs a heartbeat.
    call_command("run_scheduler", once=True, verbosity=0)
    timings["check --deploy and migrate"] = time.monotonic() - started
    quiet = io.StringIO()
    call_command("seed_demo", complaints=32, seed=11, stdout=quiet)
    # Replayed history: its letters went out at the time (as make demo runs these).
    with override_settings(PUTRIGHT_LETTERS_AUTOMATIC=False):
        call_command("seed_people_demo", stdout=quiet)
        call_command("seed_reports_demo", stdout=quiet)
    timings["migrate and demo data"] = time.monotonic() - started
    return collect


def setup_django(env: dict) -> None:
    """Django in this process, with the server's settings, on the smoke database."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "putright.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter


@dataclass
class Fixtures:
    """The objects whose pages are fetched, found or made through PutRight's own services."""

    token: str
    complaint: str  # an open stage 1 complaint whose resident has an email address
    resident_email: str
    resident: int
    attachment: int
    letter: int
    draft: int
    import_batch: int
    service_request: int
    follow_up: int
    inbound_email: int
    intake_item: int
    outbox_item: int
    restriction: int
    representative: int
    support_kind: str
    support: int
    self_assessment: int
    provision: str
    improvement: int
    ombudsman_referral: int
    information_request: int
    order: int
    remedy: int
    action: int
    year: int
    figure: str
    quarter: int
    hazard: int
    exceptional: int
    admin_changelists: list[str] = field(default_factory=list)
    url_names: set[str] = field(default_factory=set)
    step_names: list[str] = field(default_factory=list)
    action_slugs: list[str] = field(default_factory=list)
    refused_slugs: set[str] = field(default_factory=set)


def prepare() -> Fixtures:
    """The objects to fetch, made in this process before the server starts."""
    from django.contrib import admin
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections, transaction
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from putright.accounts.models import User
    from putright.accounts.services import api_token_create
    from putright.complaints.constants import Channel, Direction
    from putright.complaints.forms import CASE_ACTIONS
    from putright.complaints.models import Complaint, OmbudsmanReferral, OutstandingAction, Remedy
    from putright.complaints.services.exceptional import exceptional_declare
    from putright.complaints.services.record import correspondence_add
    from putright.complaints.services.review import response_draft_submit
    from putright.complaints.tests.stories import response_input
    from putright.core.clock import now, today
    from putright.hazards.services import hazard_report_raise
    from putright.imports.services import import_queue
    from putright.imports.templates_files import csv_template
    from putright.intake.forms import STEPS
    from putright.intake.models import FollowUpTask, InboundEmail, IntakeItem, ServiceRequest
    from putright.letters.models import OutboxItem
    from putright.letters.services.letters import survey_follow_up_send
    from putright.people.models import ContactRestriction, Representative
    from putright.reporting import reports
    from putright.reporting.figures import reporting_year_of
    from putright.reporting.models import (
        OmbudsmanInformationRequest,
        OmbudsmanOrder,
        SelfAssessment,
        ServiceImprovement,
    )
    from putright.rules.workflow import State

    officer = User.objects.get(username="olivia")
    handler = User.objects.get(username="hamid")
    complaint = (
        Complaint.objects.filter(status=State.STAGE1_OPEN, resident__email__contains="@")
        .exclude(stages__acknowledged_on=None)
        .order_by("pk")
        .first()
    )
    if complaint is None:
        raise SmokeFailure("the demo data has no open, acknowledged stage 1 complaint")
    with transaction.atomic():
        # An outgoing letter's enclosure: the resident may download it in the portal too.
        sent = correspondence_add(
            complaint=complaint,
            direction=Direction.OUTGOING,
            channel=Channel.LETTER,
            counterpart=complaint.resident.full_name,
            subject="Photos of the repair",
            files=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
            actor=officer,
        )
        attachment = sent.attachments.get()
        letter = survey_follow_up_send(resident=complaint.resident, actor=officer)
        draft = response_draft_submit(
            stage=complaint.stages.get(number=1), data=response_input(complaint), actor=handler
        )
        batch = import_queue(
            data=csv_template(),
            file_name="smoke.csv",
            actor=officer,
            dry_run=True,
            skip_invalid=True,
        )
        hazard = hazard_report_raise(
            complaint=complaint,
            aware_at=now(),
            source="complaint",
            told_by="Smoke test",
            hazard="damp_mould",
            description="Mould in the bedroom.",
            assessment="significant",
            actor=handler,
        )
        # Declared, not approved: no resident is written to by the smoke test.
        exceptional = exceptional_declare(
            reason="Smoke test: a declared period that is never approved or applied.",
            starts_on=today(),
            expected_end_on=today(),
            all_complaints=True,
            actor=officer,
        )
    support = complaint.resident.adjustments.first() or _any_adjustment()
    year = reporting_year_of(today())
    fixtures = Fixtures(
        token=api_token_create(
            user=officer, name="smoke test", days=1, actor=officer, two_step_verified=True
        )[1],
        complaint=complaint.reference,
        resident_email=complaint.resident.email,
        resident=complaint.resident_id,
        attachment=attachment.pk,
        letter=letter.pk,
        draft=draft.pk,
        import_batch=batch.pk,
        service_request=ServiceRequest.objects.order_by("pk").first().pk,
        follow_up=FollowUpTask.objects.order_by("pk").first().pk,
        inbound_email=InboundEmail.objects.order_by("pk").first().pk,
        intake_item=IntakeItem.objects.order_by("pk").first().pk,
        outbox_item=OutboxItem.objects.order_by("pk").first().pk,
        restriction=ContactRestriction.objects.order_by("pk").first().pk,
        representative=Representative.objects.order_by("pk").first().pk,
        support_kind="adjustment",
        support=support.pk,
        self_assessment=SelfAssessment.objects.order_by("pk").first().pk,
        provision=SelfAssessment.objects.order_by("pk").first().rows.first().provision,
        improvement=ServiceImprovement.objects.order_by("pk").first().pk,
        ombudsman_referral=OmbudsmanReferral.objects.order_by("pk").first().pk,
        information_request=OmbudsmanInformationRequest.objects.order_by("pk").first().pk,
        order=OmbudsmanOrder.objects.order_by("pk").first().pk,
        remedy=Remedy.objects.order_by("pk").first().pk,
        action=OutstandingAction.objects.order_by("pk").first().pk,
        year=year,
        figure=next(iter(reports.all_figures(year))),
        quarter=(today().month - 4) % 12 // 3 + 1,
        hazard=hazard.pk,
        exceptional=exceptional.pk,
        step_names=[name for name, _form in STEPS],
        action_slugs=sorted(CASE_ACTIONS),
        # An action the complaint's state does not allow sends staff back to the case page.
        refused_slugs={
            slug
            for slug, form in CASE_ACTIONS.items()
            if form.workflow_action not in complaint.allowed_actions
        },
    )
    fixtures.admin_changelists = sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )

    def names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from names(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    fixtures.url_names = {n for n in names(get_resolver()) if not n.startswith("admin:")}
    connections.close_all()
    return fixtures


def _any_adjustment() -> Any:
    from putright.people.models import Adjustment

    return Adjustment.objects.order_by("pk").first()


# A 1 x 1 PNG: an allowed attachment type whose content matches its name.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


# --- The pages ---------------------------------------------------------------------------------


@dataclass
class Page:
    name: str  # the URL pattern's name, checked against the URLconf
    path: str
    expect: int
    who: str  # anonymous, staff, admin, resident or api


def pages(f: Fixtures) -> list[Page]:
    """Every page to fetch, in order. Each name must match the URL pattern its path resolves to."""
    from django.urls import reverse

    def p(name: str, expect: int, who: str, *args: Any, suffix: str = "") -> Page:
        return Page(name, reverse(name, args=args) + suffix, expect, who)

    ref = f.complaint
    staff = [
        p("complaints:queue", OK, "staff"),
        p("complaints:queue", OK, "staff", suffix="?overdue=1&q=a"),
        p("complaints:dashboard", OK, "staff"),
        p("complaints:follow_ups", OK, "staff"),
        p("complaints:follow_ups", OK, "staff", suffix="?tab=mine&state=overdue&kind=action"),
        p("complaints:log", OK, "staff"),
        p("complaints:compensation_schedule", OK, "staff"),
        p("complaints:compensation_schedule", OK, "staff", suffix="?line=distress"),
        p("complaints:case", OK, "staff", ref),
        p("complaints:attachment", OK, "staff", ref, f.attachment),
        p("complaints:extension_preview", OK, "staff", ref),
        *(
            p("complaints:action", FOUND if slug in f.refused_slugs else OK, "staff", ref, slug)
            for slug in f.action_slugs
        ),
        p("people:list", OK, "staff"),
        p("people:reviews", OK, "staff"),
        p("people:resident", OK, "staff", f.resident),
        p("people:representative_add", NOT_ALLOWED, "staff", f.resident),
        p("people:restriction_add", NOT_ALLOWED, "staff", f.resident),
        p("people:adjustment_add", NOT_ALLOWED, "staff", f.resident),
        p("people:vulnerability_add", NOT_ALLOWED, "staff", f.resident),
        p("people:restriction_review", NOT_ALLOWED, "staff", f.restriction),
        p("people:support_review", NOT_ALLOWED, "staff", f.support_kind, f.support),
        p("people:representative_authorise", NOT_ALLOWED, "staff", f.representative),
        p("people:representative_end", NOT_ALLOWED, "staff", f.representative),
        p("intake:home", OK, "staff"),
        p("intake:inbox", OK, "staff"),
        p("intake:inbox_spam", NOT_ALLOWED, "staff"),
        p("intake:item_new", OK, "staff"),
        p("intake:item", OK, "staff", f.intake_item),
        p("intake:item_decide", NOT_ALLOWED, "staff", f.intake_item),
        p("intake:item_hazard", OK, "staff", f.intake_item),
        p("intake:service_request_new", OK, "staff", f.resident),
        p("intake:service_request", OK, "staff", f.service_request),
        p("intake:service_request_hazard", OK, "staff", f.service_request),
        p("intake:service_request_update", NOT_ALLOWED, "staff", f.service_request),
        p("intake:service_request_dissatisfied", NOT_ALLOWED, "staff", f.service_request),
        p("intake:surveys", OK, "staff"),
        p("intake:follow_up_done", NOT_ALLOWED, "staff", f.follow_up),
        p("intake:mailbox", OK, "staff"),
        p("intake:mailbox_resolve", NOT_ALLOWED, "staff", f.inbound_email),
        p("intake:triage", OK, "staff", ref),
        p("letters:outbox", OK, "staff"),
        p("letters:outbox_retry", NOT_ALLOWED, "staff", f.outbox_item),
        p("letters:request_retry", NOT_ALLOWED, "staff", f.outbox_item),
        p("letters:print_queue", OK, "staff"),
        p("letters:mark_posted", NOT_ALLOWED, "staff", f.outbox_item),
        p("letters:letter", OK, "staff", f.letter),
        p("letters:letter_pdf", OK, "staff", f.letter),
        p("letters:reviews", OK, "staff"),
        p("letters:review", OK, "staff", f.draft),
        p("letters:templates", FORBIDDEN, "staff"),  # administrators only
        p("letters:templates", OK, "admin"),
        p("letters:template_edit", OK, "admin", "acknowledgement"),
        p("privacy:home", FORBIDDEN, "staff"),  # administrators only (UK GDPR data rights)
        p("people:merge", OK, "admin", f.resident),
        p("people:merge", OK, "admin", f.resident, suffix="?find=a"),
        p("people:merge_reverse", NOT_ALLOWED, "admin", f.resident),
        p("complaints:queue", OK, "staff", suffix="?q=closed+leak&scope=all&page=2"),
        p("privacy:home", OK, "admin", suffix="?q=a"),
        p("privacy:resident", OK, "admin", f.resident),
        p("privacy:export", NOT_ALLOWED, "admin", f.resident),
        p("privacy:erase", NOT_ALLOWED, "admin", f.resident),
        p("imports:upload", OK, "staff"),
        p("imports:batch", OK, "staff", f.import_batch),
        p("imports:template-csv", OK, "staff"),
        p("imports:template-xlsx", OK, "staff"),
        p("reporting:index", OK, "staff"),
        p("reporting:homes", OK, "staff"),
        p("reporting:tsm", OK, "staff", f.year),
        p("reporting:tsm_export", OK, "staff", f.year, "csv"),
        p("reporting:tsm_export", OK, "staff", f.year, "xlsx"),
        p("reporting:figure", OK, "staff", f.year, f.figure),
        p("reporting:self_assessments", OK, "staff"),
        p("reporting:self_assessment", OK, "staff", f.self_assessment),
        p("reporting:self_assessment_row", OK, "staff", f.self_assessment, f.provision),
        p("reporting:self_assessment_measure", NOT_ALLOWED, "staff", f.self_assessment),
        # Approval is the governing body's (viewer) or an administrator's, not an officer's.
        p("reporting:self_assessment_approve", FORBIDDEN, "staff", f.self_assessment),
        p("reporting:self_assessment_export", OK, "staff", f.self_assessment, "docx"),
        p("reporting:annual", OK, "staff", f.year),
        p("reporting:annual_pdf", OK, "staff", f.year),
        p("reporting:annual_notes", OK, "staff", f.year),
        p("reporting:governing_body_response", FORBIDDEN, "staff", f.year),
        p("reporting:mrc", OK, "staff", f.year, f.quarter),
        p("reporting:mrc_pdf", OK, "staff", f.year, f.quarter),
        p("reporting:themes", OK, "staff", f.year, f.quarter),
        p("reporting:learning", OK, "staff"),
        p("reporting:improvement_new", OK, "staff"),
        p("reporting:improvement_edit", OK, "staff", f.improvement),
        p("reporting:exceptional_list", OK, "staff"),
        p("reporting:exceptional", OK, "staff", f.exceptional),
        p("reporting:exceptional_approve", FORBIDDEN, "staff", f.exceptional),
        p("reporting:exceptional_refuse", FORBIDDEN, "staff", f.exceptional),
        p("reporting:exceptional_end", NOT_ALLOWED, "staff", f.exceptional),
        p("reporting:exceptional_notified", NOT_ALLOWED, "staff", f.exceptional),
        p("reporting:exceptional_notification", OK, "staff", f.exceptional),
        p("reporting:ombudsman_cases", OK, "staff"),
        p("reporting:ombudsman_case", OK, "staff", f.ombudsman_referral),
        p("reporting:ombudsman_request_sent", NOT_ALLOWED, "staff", f.information_request),
        p("reporting:ombudsman_order_complete", NOT_ALLOWED, "staff", f.order),
        p("hazards:list", OK, "staff"),
        p("hazards:list", OK, "staff", suffix="?show=all"),
        p("hazards:list", OK, "staff", suffix="?show=due"),
        p("hazards:list", OK, "staff", suffix="?show=overdue&mine=1"),
        p("hazards:raise", OK, "staff"),
        p("hazards:compliance", OK, "staff"),
        p(
            "hazards:compliance",
            OK,
            "staff",
            suffix="?start=2025-10-27&end=2026-12-31&clock=investigation&bucket=open",
        ),
        p("hazards:detail", OK, "staff", f.hazard),
        p("hazards:step", NOT_ALLOWED, "staff", f.hazard, "summary"),
        p("password_change", OK, "staff"),
        p("password_change_done", OK, "staff"),
    ]
    api = [
        p("api-root", OK, "api"),
        p("complaint-list", OK, "api"),
        p("complaint-list", OK, "api", "json"),
        p("complaint-detail", OK, "api", ref),
        p("complaint-detail", OK, "api", ref, "json"),
        p("complaint-record", OK, "api", ref),
        p("complaint-correspondence-list", OK, "api", ref),
        p("hazard-list", OK, "api"),
        p("hazard-detail", OK, "api", f.hazard),
        *(
            p(f"hazard-{step}", NOT_ALLOWED, "api", f.hazard)
            for step in (
                "investigation",
                "summary",
                "safety-work",
                "further-work",
                "accommodation",
                "stop",
            )
        ),
        *(
            p(f"complaint-{action}", NOT_ALLOWED, "api", ref)
            for action in (
                "acknowledge",
                "assign",
                "attachments",
                "close",
                "corrections",
                "correspondence",
                "escalate",
                "exclude",
                "extend",
                "notes",
                "points",
                "referrals",
                "reinstate",
                "respond",
                "withdraw",
            )
        ),
        p("follow-up-list", OK, "api"),
        p("follow-up-list", OK, "api", suffix="?mine=true&state=overdue"),
        p("intake-recognise", NOT_ALLOWED, "api"),  # POST only: the smoke test only reads
        p("intake-item-list", OK, "api"),
        p("intake-item-list", OK, "api", suffix="?decision=all&channel=email"),
        p("intake-item-detail", OK, "api", f.intake_item),
        p("remedy-detail", OK, "api", f.remedy),
        p("remedy-complete", NOT_ALLOWED, "api", f.remedy),
        p("action-detail", OK, "api", f.action),
        p("action-complete", NOT_ALLOWED, "api", f.action),
        p("referral-detail", OK, "api", f.ombudsman_referral),
        p("referral-outcome", NOT_ALLOWED, "api", f.ombudsman_referral),
        p("resident-list", OK, "api"),
        p("resident-detail", OK, "api", f.resident),
        p("category-list", OK, "api"),
        p("profile-list", OK, "api"),
        p("draft-list", OK, "api"),
        p("draft-detail", OK, "api", f.draft),
        p("draft-approve", NOT_ALLOWED, "api", f.draft),
        p("draft-return-", NOT_ALLOWED, "api", f.draft),
        p("schema", OK, "api"),
        p("api-docs", OK, "api"),
        p("api-redoc", OK, "api"),
        p("api-not-found", 404, "api", "v1/no-such-collection/"),
    ]
    public = [
        p("login", OK, "anonymous"),
        # The scheduler ticked once at set-up, so the heartbeat is fresh.
        p("healthz", OK, "anonymous"),
        p("password_reset", OK, "anonymous"),
        p("password_reset_done", OK, "anonymous"),
        p("password_reset_confirm", OK, "anonymous", "MQ", "set-password"),
        p("password_reset_complete", OK, "anonymous"),
        p("complain:start", OK, "anonymous"),
        *(p("complain:step", OK, "anonymous", name) for name in f.step_names[:1]),
        p("complain:check", FOUND, "anonymous"),
        p("complain:confirmation", FOUND, "anonymous"),
        # Without signing in: the sign-in page or a redirect to it, never a page of data.
        p("complaints:queue", FOUND, "anonymous"),
        p("reporting:index", FOUND, "anonymous"),
        p("privacy:home", FOUND, "anonymous"),
        p("complaint-list", UNAUTHORISED, "anonymous"),
        p("portal:home", OK, "anonymous"),
        p("portal:complaint", FOUND, "anonymous", ref),
    ]
    portal = [
        p("portal:home", OK, "resident"),
        p("portal:complaint", OK, "resident", ref),
        p("portal:add", NOT_ALLOWED, "resident", ref),
        # Stage 1 is not answered yet: the page explains why stage 2 cannot be asked for.
        p("portal:escalate", CONFLICT, "resident", ref),
        p("portal:attachment", OK, "resident", f.attachment),
        p("portal:sign_out", NOT_ALLOWED, "resident"),
    ]
    admin_pages = [
        p("admin:index", OK, "admin"),
        p("web:scheduled-jobs", OK, "admin"),
        p("security_log", OK, "admin"),
        p("security_log", FORBIDDEN, "staff"),
        p("signin_unlock", NOT_ALLOWED, "admin"),
        p("two_step", OK, "staff"),
        p("two_step_setup", OK, "staff"),
        p("two_step_verify", OK, "staff"),
        p("two_step_recovery", NOT_ALLOWED, "staff"),
        p("two_step_remove", NOT_ALLOWED, "staff"),
        p("passkey_add", OK, "staff"),
        p("passkey_remove", NOT_ALLOWED, "staff", 1),
        p("api_tokens", OK, "staff"),
        p("api_token_revoke", NOT_ALLOWED, "staff", 1),
        p("web:scheduled-jobs", FORBIDDEN, "staff"),
        *(Page("admin:changelist", path, OK, "admin") for path in f.admin_changelists),
    ]
    return staff + api + public + portal + admin_pages


# --- The run -----------------------------------------------------------------------------------


class MailCatcher:
    """A local SMTP server: the portal's sign-in link arrives here as it would by email."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[str] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content.decode(errors="replace"))
        return "250 OK"

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                # quoted-printable soft line breaks would split the link
                match = re.search(pattern, message.replace("=\r\n", "").replace("=\n", ""))
                if match:
                    return match
            time.sleep(0.1)
        raise SmokeFailure(f"no email matching {pattern!r} within {timeout:.0f} s")


def wait_until_serving(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeFailure(f"the server stopped at start-up ({server.returncode})")
        try:
            if Browser(base).get("/accounts/login/").status == OK:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SmokeFailure(f"the server did not answer within {SERVER_START_TIMEOUT} s")


def sign_in(browser: Browser, username: str) -> None:
    answer = browser.post_form(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
    )
    if answer.status != FOUND:
        raise SmokeFailure(f"signing in as {username} answered {answer.status}")
    # Officers and administrators are then held at two-step verification (any page redirects).
    if "/two-step/" in browser.get("/").headers.get("Location", ""):
        # The demo staff's published demo-only key (putright/accounts/demo.py).
        from putright.accounts.demo import demo_totp_code

        answer = browser.post_form("/accounts/two-step/verify/", {"code": demo_totp_code()})
        if answer.status != FOUND:
            raise SmokeFailure(f"two-step verification as {username} answered {answer.status}")


def portal_sign_in(browser: Browser, fixtures: Fixtures, mail: MailCatcher) -> None:
    answer = browser.post_form("/portal/", {"email": fixtures.resident_email})
    if answer.status not in {OK, FOUND}:
        raise SmokeFailure(f"asking for a portal link answered {answer.status}")
    link = mail.wait_for(r"https?://[^\s/]+(/portal/sign-in/[^\s/]+/)").group(1)
    # The link is a page that signs in with a button (a link preview must not use it up).
    answer = browser.get(link)
    if answer.status == OK and "csrfmiddlewaretoken" in answer.text:
        answer = browser.post_form(link, {})
    if answer.status != FOUND:
        raise SmokeFailure(f"the portal sign-in link answered {answer.status}")


def check_static(browser: Browser) -> list[str]:
    """The stylesheet and script on a page, by their hashed URLs, compressed by WhiteNoise."""
    page = browser.get("/accounts/login/").text
    found = re.findall(r'(?:href|src|from) ?=? ?"(/static/[^"]+)"', page)
    hashed = [url for url in found if re.search(r"\.[0-9a-f]{12}\.(css|js)$", url)]
    if len(hashed) < 3:
        raise SmokeFailure(f"expected hashed static URLs on the sign-in page, found {found}")
    for url in hashed:
        answer = browser.get(url, Accept_Encoding="gzip")
        if answer.status != OK or answer.headers.get("Content-Encoding") != "gzip":
            raise SmokeFailure(f"{url} answered {answer.status} {dict(answer.headers)}")
        if "immutable" not in answer.headers.get("Cache-Control", ""):
            raise SmokeFailure(f"{url} is not cached forever: {answer.headers['Cache-Control']}")
    return hashed


def fetch_all(base: str, fixtures: Fixtures, mail: MailCatcher) -> list[tuple[Page, int, float]]:
    from django.urls import resolve

    browsers = {
        "anonymous": Browser(base),
        "staff": Browser(base),
        "admin": Browser(base),
        "resident": Browser(base),
        "api": Browser(base, token=fixtures.token),
    }
    sign_in(browsers["staff"], "olivia")
    sign_in(browsers["admin"], "admin")
    portal_sign_in(browsers["resident"], fixtures, mail)

    results = []
    problems = []
    for page in pages(fixtures):
        resolved = resolve(page.path.split("?")[0])
        if page.name != "admin:changelist" and resolved.view_name != page.name:
            problems.append(f"{page.path} is {resolved.view_name}, not {page.name}")
        started = time.monotonic()
        answer = browsers[page.who].get(page.path)
        took = time.monotonic() - started
        results.append((page, answer.status, took))
        if answer.status != page.expect:
            problems.append(
                f"{page.who} GET {page.path} ({page.name}): {answer.status}, "
                f"expected {page.expect} [request id {answer.headers.get('X-Request-ID')}]"
            )
        if not answer.headers.get("X-Request-ID"):
            problems.append(f"{page.path} has no X-Request-ID header")

    # Writes through the real stack: a form post with CSRF, and signing out.
    note = browsers["staff"].post_form(
        f"/complaints/{fixtures.complaint}/note/", {"text": "Smoke test: called the resident."}
    )
    if note.status != FOUND:
        problems.append(f"posting a note answered {note.status}")
    forged = browsers["staff"].request(
        "POST", f"/complaints/{fixtures.complaint}/note/", form={"text": "no token"}
    )
    if forged.status != FORBIDDEN:
        problems.append(f"a post without a CSRF token answered {forged.status}, not 403")
    for who, path, expect in (
        ("resident", "/portal/sign-out/", OK),
        ("staff", "/accounts/logout/", FOUND),
    ):
        answer = browsers[who].post_form(
            path, {}, token_from="/portal/" if who == "resident" else "/"
        )
        if answer.status != expect:
            problems.append(f"signing out ({who}) answered {answer.status}")

    # Signing in to the portal and signing out of the staff pages are posts, done above.
    fetched = {page.name for page, _status, _took in results} | {"portal:redeem", "logout"}
    missing = fixtures.url_names - fetched - set(NOT_FETCHED)
    if missing:
        problems.append(
            "URL patterns the smoke test does not fetch (add them to pages() in "
            f"scripts/smoke.py, or to NOT_FETCHED with a reason): {sorted(missing)}"
        )
    if problems:
        raise SmokeFailure("\n  ".join(["pages answered wrongly:", *problems]))
    return results


def wait_for_import(fixtures: Fixtures, timeout: float = 30) -> None:
    """The task worker (the Procfile's second process) ran the queued import."""
    from putright.imports.models import ImportBatch

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = ImportBatch.objects.get(pk=fixtures.import_batch).status
        if status not in {ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING}:
            return
        time.sleep(0.25)
    raise SmokeFailure(f"the task worker did not run the queued import within {timeout:.0f} s")


def log_errors(log: Path) -> list[str]:
    errors = []
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            errors.append(f"not one JSON object per line: {line[:200]}")
            continue
        if entry.get("level") in {"ERROR", "CRITICAL"} or '" 500 ' in entry.get("message", ""):
            errors.append(line[:2000])
    return errors


def stop(server: subprocess.Popen[bytes]) -> int:
    server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.kill()
        raise SmokeFailure(f"the server did not stop within {STOP_TIMEOUT} s of SIGTERM") from None


def main() -> int:
    started = time.monotonic()
    timings: dict[str, float] = {}
    workdir = Path(tempfile.mkdtemp(prefix="putright-smoke-"))
    database_url, drop_database = smoke_database_url(workdir)
    label = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    mail = MailCatcher()
    mail.controller.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_environment(workdir, port=port, smtp_port=mail.port, database_url=database_url)
    server = None
    log = workdir / "server.log"
    try:
        say(f"building for production on {label} in {workdir}")
        collect = build(env, timings)
        fixtures = prepare()
        finish(collect, "collectstatic")
        timings["build (collectstatic alongside)"] = time.monotonic() - started
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603  (the supervisor and the Procfile)
                [PYTHON, "scripts/supervise.py", "Procfile"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server_started = time.monotonic()
        wait_until_serving(base, server)
        timings["server start"] = time.monotonic() - server_started
        fetching = time.monotonic()
        static = check_static(Browser(base))
        results = fetch_all(base, fixtures, mail)
        wait_for_import(fixtures)
        timings["fetching"] = time.monotonic() - fetching
        code = stop(server)
        server = None
        if code != 0:
            raise SmokeFailure(f"the supervisor exited with {code} after SIGTERM")
        errors = log_errors(log)
        if errors:
            raise SmokeFailure("the server logged errors:\n" + "\n".join(errors))
    except SmokeFailure as failure:
        say(f"FAILED on {label}: {failure}")
        say(", ".join(f"{what}: {seconds:.1f} s" for what, seconds in timings.items()))
        if server is not None:
            stop(server)
        if log.exists():
            say("last lines of the server log:\n" + "\n".join(log.read_text().splitlines()[-40:]))
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        mail.controller.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)

    say(f"{len(results)} pages and {len(static)} static files answered as expected on {label}:")
    for page, status, took in results:
        say(f"  {status} {took * 1000:6.0f} ms  {page.who:<9} {page.path}")
    slowest = max(results, key=lambda result: result[2])
    say(f"slowest page: {slowest[0].path} ({slowest[2]:.1f} s)")
    for what, seconds in timings.items():
        say(f"{what}: {seconds:.1f} s")
    say(f"passed on {label} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
