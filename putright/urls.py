"""Top-level URL routes for PutRight."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from putright.complaints.api import not_found as api_not_found
from putright.core.views import healthz

# Redoc's and Swagger UI's bundles add <style> elements as they render and cannot be given the
# nonce: these two pages alone (the API's description, no personal data) allow inline style
# elements. Scripts stay as strict as everywhere.
API_DOCS_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src-elem": [CSP.SELF, CSP.UNSAFE_INLINE],
}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("putright.accounts.urls")),  # sign-in with lockout, two-step
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        csp_override(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_override(API_DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
    path("api/v1/", include("putright.hazards.api_urls")),
    path("api/v1/", include("putright.complaints.api_urls")),
    path("api/v1/", include("putright.intake.api_urls")),
    # Any other /api/ address (an id that is not a number...): a 404 in the API's error shape.
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api-not-found"),
    path("complain/", include("putright.intake.public_urls")),
    path("intake/", include("putright.intake.urls")),
    path("people/", include("putright.people.urls")),
    path("portal/", include("putright.portal.urls")),
    path("reports/", include("putright.reporting.urls")),
    path("letters/", include("putright.letters.urls")),
    path("imports/", include("putright.imports.urls")),
    path("hazards/", include("putright.hazards.urls")),
    path("system/", include("putright.web.urls")),
    path("privacy/", include("putright.privacy.urls")),
    path("", include("putright.complaints.urls")),
]

# An unhandled error: a styled page showing the request id (Django logs the error with it).
handler500 = "putright.web.views.server_error"
# A body Django refuses before any view (e.g. too many files): JSON on the API.
handler400 = "putright.core.views.bad_request"
