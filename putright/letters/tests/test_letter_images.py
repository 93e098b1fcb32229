"""Letters show the landlord's logo from our own files, and load nothing from anywhere else."""

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from putright.core.urlfetcher import AssetRefused, AssetURLFetcher, resolve_asset
from putright.letters.constants import LetterKind
from putright.letters.preview import SAMPLE_REFERENCE, sample_context
from putright.letters.recipients import Recipient
from putright.letters.rendering import render_pdf
from putright.letters.services.letters import letter_prepare
from putright.people.models import Resident


def png(width: int = 4, height: int = 2) -> bytes:
    """A small, valid, solid green PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x00\x70\x3c" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def branding(settings, tmp_path):
    """The landlord's branding folder with logo.png, served as /static/branding/logo.png."""
    folder = tmp_path / "branding"
    folder.mkdir()
    (folder / "logo.png").write_bytes(png())
    settings.STATICFILES_DIRS = [("branding", str(folder))]
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    finders.get_finder.cache_clear()
    yield folder
    finders.get_finder.cache_clear()


def images_in(pdf: bytes, tmp_path: Path) -> list[str]:
    """The image rows of `pdfimages -list` (poppler-utils)."""
    assert shutil.which("pdfimages"), "poppler-utils is needed: scripts/system-deps.sh"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(  # noqa: S603
        ["pdfimages", "-list", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return listing.splitlines()[2:]  # two header lines


def letter_pdf(**kwargs) -> bytes:
    recipient = Recipient(name="Alex Example", role="resident", channel="post", **kwargs)
    _full, rendered, _v = letter_prepare(
        kind=LetterKind.ACKNOWLEDGEMENT,
        resident=Resident(full_name="Alex Example"),
        recipient=recipient,
        context={
            **sample_context(LetterKind.ACKNOWLEDGEMENT, stage=1),
            "reference": SAMPLE_REFERENCE,
        },
        stage=1,
    )
    return render_pdf(rendered.html)


@pytest.mark.django_db
def test_the_logo_from_our_static_files_is_in_the_letter(branding, settings, tmp_path):
    settings.PUTRIGHT_LOGO_URL = "/static/branding/logo.png"

    images = images_in(letter_pdf(postal_address="1 High Street, EX1 1AA"), tmp_path)

    assert len(images) == 1
    assert images[0].split()[3:5] == ["4", "2"]  # the logo's width and height in pixels


@pytest.mark.django_db
def test_a_logo_from_the_media_folder_works_too(settings, tmp_path):
    (Path(settings.MEDIA_ROOT) / "branding").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "branding" / "logo.png").write_bytes(png())
    settings.PUTRIGHT_LOGO_URL = "https://complaints.thrive.example/media/branding/logo.png"
    settings.ALLOWED_HOSTS = ["complaints.thrive.example"]

    assert len(images_in(letter_pdf(postal_address="1 High Street"), tmp_path)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/static/branding/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/logo.png",
    ],
)
def test_a_letter_with_a_forbidden_image_renders_without_it_and_logs_why(
    url, branding, settings, tmp_path, caplog
):
    settings.PUTRIGHT_LOGO_URL = url

    pdf = letter_pdf(postal_address="1 High Street")

    assert pdf.startswith(b"%PDF")
    assert images_in(pdf, tmp_path) == []
    refusals = [r for r in caplog.records if r.name == "putright.pdf"]
    assert len(refusals) == 1
    assert refusals[0].levelname == "WARNING"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "a file outside the static and media folders"),
        ("file:///work/../etc/passwd", "a file outside the static and media folders"),
        ("http://127.0.0.1/latest", "host 127.0.0.1 is not this installation"),
        ("http://localhost/static/x.png", "host localhost is not this installation"),
        ("http://169.254.169.254/", "host 169.254.169.254 is not this installation"),
        ("http://[::1]/static/x.png", "host ::1 is not this installation"),
        ("https://putright.invalid/etc/passwd", "only static and media files can be used"),
        ("https://putright.invalid/static/../../settings.py", "no such static or media file"),
        ("https://putright.invalid/media/../../../etc/passwd", "no such static or media file"),
        ("ftp://files.example/logo.png", "the ftp scheme is not allowed"),
        ("data:text/html,<script>", "a data: URL that is not an image (text/html)"),
        ("data:image/png;base64," + "A" * 300_000, "a data: image larger than 256 KB"),
    ],
)
def test_every_other_url_is_refused_with_its_reason(url, reason, branding, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", ".thrive.example"]
    with pytest.raises(AssetRefused) as refused:
        resolve_asset(url)
    assert str(refused.value) == reason


def test_our_static_file_is_served_from_disk_by_the_fetcher(branding):
    response = AssetURLFetcher().fetch("https://putright.invalid/static/branding/logo.png")
    assert response.content_type == "image/png"
    assert response.read() == png()


def test_a_file_url_inside_the_static_folder_is_allowed(branding):
    assert resolve_asset((branding / "logo.png").as_uri()) == branding / "logo.png"


def test_a_small_data_image_is_allowed():
    response = AssetURLFetcher().fetch("data:image/png;base64,iVBORw0KGgo=")
    assert response.read() == b"\x89PNG\r\n\x1a\n"
