"""PutRight settings, read from environment variables (see the README's configuration table).

Defaults suit a local run: SQLite, console email, DEBUG off unless PUTRIGHT_DEBUG=true.
With production variables set, `python manage.py check --deploy` is clean.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from whitenoise.compress import Compressor

from putright.core.logging import logging_config
from putright.env import env_bool, env_choice, env_int, env_list, env_str
from putright.rules.profile import DEFAULT_CODE

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("PUTRIGHT_DEBUG", False)
# Query builds kept for reuse (core.built_once) are built a second time, with the clock moved
# on, and refused if they differ: on with DEBUG and in the tests (conftest.py).
CHECK_BUILT_ONCE = env_bool("PUTRIGHT_CHECK_BUILT_ONCE", DEBUG)

# A fixed, obviously insecure key keeps local runs and tests zero-set-up. `check --deploy`
# flags it (security.W009), and wsgi.py/asgi.py refuse to serve without DEBUG while it is used.
INSECURE_DEV_SECRET_KEY = "django-insecure-putright-local-development-only"  # noqa: S105  (public)
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEV_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "putright.core",
    "putright.accounts",
    "putright.people",
    "putright.complaints",
    "putright.intake",
    "putright.portal",
    "putright.reporting",
    "putright.letters",
    "putright.web",
    "putright.imports",
    "putright.hazards",
    # Above every app it reads; nothing imports it (residents' data rights, UK GDPR).
    "putright.privacy",
    # After PutRight's apps, so letters' `db_worker` (recovery at start and periodically)
    # overrides the package's command of the same name.
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so every response (redirects and errors included) carries the request id.
    "putright.core.requests.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After static files: no-store and Permissions-Policy on the application's own responses.
    "putright.core.hardening.ResponseHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "putright.core.hardening.RequestSizeMiddleware",
    "putright.core.hardening.NulByteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: end idle or over-long staff sessions, then hold a signed-in member
    # of staff at two-step verification until they pass it (admin pages included).
    "putright.accounts.middleware.SessionLimitsMiddleware",
    "putright.accounts.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A retried API POST with the same Idempotency-Key acts once (putright/core/idempotency.py).
    "putright.core.idempotency.IdempotencyKeyMiddleware",
]

ROOT_URLCONF = "putright.urls"
WSGI_APPLICATION = "putright.wsgi.application"
ASGI_APPLICATION = "putright.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "putright" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "putright.web.context_processors.landlord",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# SQLite by default; PostgreSQL (or any dj-database-url URL) through DATABASE_URL.
_database_url = env_str("DATABASE_URL", "")
# WAL lets the web process read while the task worker writes; IMMEDIATE takes the write lock
# at BEGIN so concurrent writers wait (up to the busy timeout) instead of failing with
# "database is locked" part-way through a transaction. Imports commit every few rows, so no
# writer waits long (docs/architecture.md, "Concurrency"). Reads go through a memory map of
# the file (up to SQLITE_MMAP_MB; SQLite caps it at 2 GB) instead of a read() call a page: a
# search inside a queue filter looks up 50,000 complaint rows at 1,000,000 complaints, and the
# calls cost more than the lookups (issue 19, bench/README.md "branch search20").
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    f"PRAGMA mmap_size={env_int('SQLITE_MMAP_MB', 2048, minimum=0) * 1024 * 1024};",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
}
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: PostgreSQL compiles each large grouped query (the reports, a
        # search's capped count) for about a second of server CPU a report more than it saves
        # (issue 19, bench/README.md). Options given in DATABASE_URL come after, so win.
        _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
        _pg_options["options"] = f"-c jit=off {_pg_options.get('options', '')}".strip()
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {
            **SQLITE_OPTIONS,
            **DATABASES["default"].get("OPTIONS", {}),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = LOGIN_URL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two-step verification (TOTP with recovery codes, django-otp). Officers, administrators and
# Django superusers/staff always; handlers and viewers once this is true (or once they enrol).
PUTRIGHT_MFA_REQUIRED_FOR_HANDLERS = env_bool("PUTRIGHT_MFA_REQUIRED_FOR_HANDLERS", False)
OTP_TOTP_ISSUER = env_str("PUTRIGHT_LANDLORD_NAME", "Thrive Homes") + " PutRight"
# Sign-in lockout (ASVS 2.2.1): refused, even with the right password, after this many failures
# for one username (or from one address) within the window, until the window passes or an
# administrator unlocks.
PUTRIGHT_SIGNIN_FAILURE_LIMIT = env_int("PUTRIGHT_SIGNIN_FAILURE_LIMIT", 5, minimum=1)
PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT = env_int("PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT", 20, minimum=1)
PUTRIGHT_SIGNIN_WINDOW_MINUTES = env_int("PUTRIGHT_SIGNIN_WINDOW_MINUTES", 15, minimum=1)
# Portal sign-in link requests allowed from one address per hour.
PUTRIGHT_PORTAL_SIGNIN_PER_IP_PER_HOUR = env_int(
    "PUTRIGHT_PORTAL_SIGNIN_PER_IP_PER_HOUR", 10, minimum=1
)
# Staff sessions (ASVS 3.3): signed out after this long idle, and after this long in any case.
PUTRIGHT_SESSION_IDLE_MINUTES = env_int("PUTRIGHT_SESSION_IDLE_MINUTES", 30, minimum=1)
PUTRIGHT_SESSION_MAX_HOURS = env_int("PUTRIGHT_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = PUTRIGHT_SESSION_MAX_HOURS * 60 * 60
# API tokens expire this many days after they are made, unless a shorter life is chosen.
PUTRIGHT_API_TOKEN_DAYS = env_int("PUTRIGHT_API_TOKEN_DAYS", 90, minimum=1)

# --- Security (secure by default whenever DEBUG is off) --------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network; it carries no personal data.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware): scripts only from our origin or carrying
# the request's nonce (the two inline scripts in web/base.html), never 'unsafe-inline'.
# docs/security.md (V14).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # <style> elements only from us or with the nonce (an injected one cannot read the page
    # through selectors); style="..." attributes allowed: ours, the charts' and the letters'
    # (previews must match the PDF). Browsers without -elem/-attr fall back to style-src.
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-elem": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],  # Redoc (/api/redoc/) renders in a blob: worker
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
_behind_tls_proxy = env_bool("PUTRIGHT_BEHIND_TLS_PROXY", False)
if _behind_tls_proxy:
    # Only behind a proxy that strips and sets this header; otherwise clients could spoof HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front append to X-Forwarded-For: the client's address for the
# security log, sign-in lockout and per-address limits is that many entries from the right.
# 0: REMOTE_ADDR only, the header ignored (a client could forge it). core/security.client_ip.
PUTRIGHT_TRUSTED_PROXY_HOPS = env_int(
    "PUTRIGHT_TRUSTED_PROXY_HOPS", 1 if _behind_tls_proxy else 0, minimum=0
)

# --- Internationalisation: England ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Dates on pages as "3 December 2026" (GOV.UK style): putright/core/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["putright.core.formats"]
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("PUTRIGHT_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# A folder with the landlord's own images (e.g. logo.png), served as /static/branding/...:
# set PUTRIGHT_LOGO_URL=/static/branding/logo.png for pages and letters alike.
_branding_dir = env_str("PUTRIGHT_BRANDING_DIR", "")
STATICFILES_DIRS = [("branding", _branding_dir)] if _branding_dir else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("PUTRIGHT_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, pre-compressed files in production. Compressing takes about a minute on every
    # collectstatic, so local DEBUG runs (make demo) copy files as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Only the hashed names are ever linked ({% static %}), so the unhashed copies are not kept, and
# source maps (14 MB of API-docs bundles, fetched only by browser developer tools) are served
# uncompressed: together they cut collectstatic's compression work by three quarters.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

PUTRIGHT_MAX_ATTACHMENT_MB = env_int("PUTRIGHT_MAX_ATTACHMENT_MB", 10, minimum=1)
# All of one complaint's attachments together (a per-complaint quota).
PUTRIGHT_COMPLAINT_ATTACHMENTS_MB = env_int("PUTRIGHT_COMPLAINT_ATTACHMENTS_MB", 100, minimum=1)
# A whole request body: anything larger is refused (413) before it is read.
PUTRIGHT_MAX_REQUEST_MB = env_int("PUTRIGHT_MAX_REQUEST_MB", 60, minimum=1)

# --- Residents' data (UK GDPR): how long personal data is kept (docs/privacy.md) -------------
# Six years after a complaint ends: the Limitation Act 1980 period for legal claims.
PUTRIGHT_RETAIN_CLOSED_COMPLAINTS_YEARS = env_int(
    "PUTRIGHT_RETAIN_CLOSED_COMPLAINTS_YEARS", 6, minimum=1
)
PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS = env_int(
    "PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS", 180, minimum=1
)
PUTRIGHT_RETAIN_IMPORT_FILES_DAYS = env_int("PUTRIGHT_RETAIN_IMPORT_FILES_DAYS", 30, minimum=1)
# A remedy or action overdue by more than this many working days goes to the complaints
# officers in the daily follow-up review, as well as to its owner (Code 7.3).
PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS = env_int(
    "PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS", 5, minimum=0
)
# Uploads above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Request bodies other than files (form fields, JSON): generous for long complaint narratives.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Background tasks (django.tasks with a database queue; run `manage.py db_worker`) ---------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Scheduled jobs (putright/core/scheduler.py; the tick runs inside `manage.py db_worker`) --
PUTRIGHT_SCHEDULER_TICK_SECONDS = env_int("PUTRIGHT_SCHEDULER_TICK_SECONDS", 60, minimum=5)
# /healthz answers 503 when the scheduler's last tick is older than this. Keep it above the
# longest task a single worker runs (a large import holds the worker, and so the tick).
PUTRIGHT_HEARTBEAT_MAX_AGE_SECONDS = env_int("PUTRIGHT_HEARTBEAT_MAX_AGE_SECONDS", 600, minimum=60)
PUTRIGHT_MAILBOX_POLL_MINUTES = env_int("PUTRIGHT_MAILBOX_POLL_MINUTES", 5, minimum=1)

# --- Email -----------------------------------------------------------------------------------
# Django 6.1's MAILERS replaces the EMAIL_* settings (deprecated); the environment variables keep
# their familiar EMAIL_* names. Without EMAIL_HOST, emails are printed to the console.
_email_host = env_str("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            # Django's SMTP backend, telling a reply lost after DATA apart (letters/mail.py).
            "BACKEND": "putright.letters.mail.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
            },
        }
    }
else:
    # Printed whole, links unbroken (core/mail.py), rather than as quoted-printable MIME.
    MAILERS = {"default": {"BACKEND": "putright.core.mail.ConsoleEmailBackend"}}
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Thrive Homes Complaints <complaints@thrive.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The landlord using this installation (letters, pages, reports) ---------------------------
PUTRIGHT_LANDLORD_NAME = env_str("PUTRIGHT_LANDLORD_NAME", "Thrive Homes")
PUTRIGHT_LANDLORD_ADDRESS = env_str(
    "PUTRIGHT_LANDLORD_ADDRESS", "1 Example Street, Exampleton, EX1 1AA"
)
PUTRIGHT_LANDLORD_PHONE = env_str("PUTRIGHT_LANDLORD_PHONE", "0300 000 0000")
PUTRIGHT_COMPLAINTS_EMAIL = env_str("PUTRIGHT_COMPLAINTS_EMAIL", "complaints@thrive.example")
PUTRIGHT_BRAND_COLOUR = env_str("PUTRIGHT_BRAND_COLOUR", "#00703c")
PUTRIGHT_LOGO_URL = env_str("PUTRIGHT_LOGO_URL", "")
# Which complaint-handling code profile in putright.rules applies (the Housing Ombudsman's
# Complaint Handling Code, in force from 1 April 2024).
PUTRIGHT_CODE_PROFILE = env_str("PUTRIGHT_CODE_PROFILE", DEFAULT_CODE)

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "putright.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error shape: 400 for bad input with field errors, 409 for a broken Code rule.
    "EXCEPTION_HANDLER": "putright.complaints.api.exception_handler",
    # JSON in; the actions that take files (correspondence, attachments, evidence) say so.
    "DEFAULT_PARSER_CLASSES": ["putright.core.hardening.NulRefusingJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "putright.complaints.api_schema.Pagination",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PutRight API",
    "DESCRIPTION": "Complaint case management for social landlords in England.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies as their own components, so a required text says minLength 1.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two "status" fields (a complaint's, a response draft's): name their enums apart.
    # drf-spectacular's own enum hook, then ours: 401/403/404/415 in the one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "putright.complaints.api_schema.add_framework_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "putright.complaints.constants.Status",
        "DraftStatusEnum": "putright.complaints.constants.DraftStatus",
        "ComplaintChannelEnum": "putright.complaints.constants.Channel",
        "IntakeChannelEnum": "putright.intake.constants.IntakeChannel",
    },
}

# Text for people, or one JSON object per line for a log collector; each line carries the
# request id (putright.core.requests), which the 500 page shows staff.
PUTRIGHT_LOG_FORMAT = env_choice("PUTRIGHT_LOG_FORMAT", "text", ("text", "json"))
LOGGING = logging_config(
    log_format=PUTRIGHT_LOG_FORMAT, level=env_str("PUTRIGHT_LOG_LEVEL", "INFO").upper()
)

# --- Complaints mailbox (manage.py poll_imap) -------------------------------------------------
PUTRIGHT_IMAP = {
    "host": env_str("PUTRIGHT_IMAP_HOST", ""),
    "port": env_int("PUTRIGHT_IMAP_PORT", 993, minimum=1),
    "user": env_str("PUTRIGHT_IMAP_USER", ""),
    "password": env_str("PUTRIGHT_IMAP_PASSWORD", ""),
    "folder": env_str("PUTRIGHT_IMAP_FOLDER", "INBOX"),
    # TLS on connect (port 993). Off only for a mailbox on the same machine (tests, a relay).
    "ssl": env_bool("PUTRIGHT_IMAP_SSL", True),
}
