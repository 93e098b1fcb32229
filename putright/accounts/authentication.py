"""DRF authentication by PutRight API token: `Authorization: Token <key>`."""

from datetime import timedelta
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from putright.accounts.models import ApiToken, User
from putright.accounts.services import token_digest
from putright.core.clock import now
from putright.core.jsonrows import prepared_first

INVALID = "Invalid, expired or revoked token."
# "Last used" is kept to the minute: a busy integration need not write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)
# Where one request keeps the token it was authenticated with (the key and the answer).
SEEN = "_putright_api_token"


def _token_by_digest(digest: str) -> Any:
    return ApiToken.objects.select_related("user").filter(digest=digest)[:1]


class ApiTokenAuthentication(BaseAuthentication):
    """Looks the key up by its digest; refuses expired and revoked tokens and inactive users;
    records when the token was last used."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID) from exc
        # The Idempotency-Key middleware authenticates before the view does: look up once.
        http_request = getattr(request, "_request", request)
        seen = getattr(http_request, SEEN, None)
        if seen is not None and seen[0] == key:
            return seen[1]
        moment = now()
        # The digest is unique: one row or none, checked here rather than in SQL, so the
        # statement is the same on every API request and is built once (jsonrows.prepared_first).
        token = prepared_first("api_token", _token_by_digest, token_digest(key))
        if (
            token is None
            or token.revoked_at is not None
            or token.expires_at <= moment
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(INVALID)
        if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        setattr(http_request, SEEN, (key, (token.user, token)))
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (the same header DRF's own token used)."""

    target_class = "putright.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token with the prefix "Token", e.g. "Token pr_…"',
        }
