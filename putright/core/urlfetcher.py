"""What WeasyPrint may load while rendering a PDF: our own static and media files, nothing else.

Letters (and their templates, which administrators edit) can hold images. WeasyPrint would
fetch any URL it meets — `file:///etc/passwd`, a cloud metadata address, an internal service —
so every URL goes through `AssetURLFetcher`, which never touches the network:

- `/static/...` and `/media/...` (relative, root-relative, or on one of our own host names)
  are read from disk: static files through the staticfiles storage and finders, media through
  the default storage (both refuse paths that climb out of their folder);
- `file://` only inside the static and media folders;
- `data:` only for images up to 256 KB;
- anything else is refused, logged, and the document renders without it.
"""

from __future__ import annotations

import ipaddress
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("putright.pdf")

# Documents are rendered against this origin (RFC 2606 reserves .invalid): a relative or
# root-relative URL in a template resolves onto it, and it is never looked up.
DOCUMENT_BASE_URL = "https://putright.invalid/"
DOCUMENT_HOST = "putright.invalid"
MAX_DATA_URI_BYTES = 256 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
DATA_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


class AssetRefused(ValueError):
    """A URL the PDF renderer may not load (WeasyPrint logs it and renders without it)."""


def _path_prefix(url_setting: str) -> str:
    path = urlsplit(url_setting).path
    return "/" + path.strip("/") + "/"


def _own_hosts() -> set[str]:
    """Our host names from ALLOWED_HOSTS, without wildcards, localhost or IP addresses."""
    hosts = {DOCUMENT_HOST}
    for entry in settings.ALLOWED_HOSTS:
        host = entry.lstrip(".").lower()
        if not host or "*" in host or host == "localhost" or host.startswith("["):
            continue
        try:
            ipaddress.ip_address(host)
        except ValueError:
            hosts.add(host)
    return hosts


def _static_file(name: str) -> Path | None:
    try:
        if staticfiles_storage.exists(name):  # collected (and, in production, hashed) names
            return Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


def _media_file(name: str) -> Path | None:
    try:
        return Path(default_storage.path(name)) if default_storage.exists(name) else None
    except (SuspiciousFileOperation, NotImplementedError):
        return None


def _asset_roots() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


def resolve_asset(url: str) -> Path | bytes:
    """The file on disk (or, for a small data: image, the URL's bytes) a URL may load.

    Raises AssetRefused with the reason for anything else.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        media_type = parts.path.split(",", 1)[0].split(";", 1)[0].lower()
        if media_type not in DATA_IMAGE_TYPES:
            raise AssetRefused(f"a data: URL that is not an image ({media_type or 'no type'})")
        if len(url) > MAX_DATA_URI_BYTES:
            raise AssetRefused(f"a data: image larger than {MAX_DATA_URI_BYTES // 1024} KB")
        return url.encode()
    if scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            raise AssetRefused("a file: URL on another machine")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in _asset_roots()):
            raise AssetRefused("a file outside the static and media folders")
        if not path.is_file():
            raise AssetRefused("no such static or media file")
        return path
    if scheme in {"http", "https"}:
        host = (parts.hostname or "").lower()
        if host not in _own_hosts():
            raise AssetRefused(f"host {host or '(none)'} is not this installation")
        path = unquote(parts.path)
        for prefix, finder in (
            (_path_prefix(settings.STATIC_URL), _static_file),
            (_path_prefix(settings.MEDIA_URL), _media_file),
        ):
            if path.startswith(prefix):
                found = finder(path.removeprefix(prefix))
                if found is None:
                    raise AssetRefused("no such static or media file")
                return found
        raise AssetRefused("only static and media files can be used")
    raise AssetRefused(f"the {scheme or 'empty'} scheme is not allowed")


class AssetURLFetcher(URLFetcher):
    """WeasyPrint 70's fetcher (a URLFetcher subclass) limited to `resolve_asset`."""

    def __init__(self) -> None:
        super().__init__(timeout=5, allow_redirects=False, allowed_protocols=("data",))

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            found = resolve_asset(url)
        except AssetRefused as refused:
            logger.warning("PDF renderer refused %s: %s", _shown(url), refused)
            raise
        if isinstance(found, bytes):
            # WeasyPrint's own data: handling (allowed_protocols stops anything else).
            return super().fetch(found.decode(), headers)
        if found.stat().st_size > MAX_FILE_BYTES:
            logger.warning("PDF renderer refused %s: larger than 5 MB", _shown(url))
            raise AssetRefused("a file larger than 5 MB")
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            found.as_uri(), found.read_bytes(), headers={"Content-Type": content_type}
        )


def _shown(url: str) -> str:
    """The URL as logged: no query string (it could carry a token), at most 200 characters."""
    if url.startswith("data:"):
        return url[:40] + "…"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:200]
