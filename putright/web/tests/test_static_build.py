"""Static files build for production: every file the stylesheet refers to ships with it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

WEB = Path(__file__).resolve().parents[1]
CSS_ASSETS = WEB / "css_assets.mjs"
VENDOR_CSS = WEB / "static" / "web" / "vendor" / "putright.css"


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(settings, tmp_path):
    if not VENDOR_CSS.exists():
        pytest.fail("front end not built: run npm run build (scripts/setup.sh does)")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert '"web/vendor/putright.css"' in manifest


def test_the_built_stylesheet_shows_no_gov_uk_crest():
    text = VENDOR_CSS.read_text()
    assert "govuk-crest" not in text
    assert "/fonts/" not in text


def _copy_assets(tmp_path, css: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: scripts/setup.sh installs it for the front-end build")
    source = tmp_path / "dist" / "assets"
    (source / "images").mkdir(parents=True)
    (source / "images" / "arrow.svg").write_text("<svg/>")
    (source / "images" / "govuk-crest.svg").write_text("<svg/>")
    (source / "fonts").mkdir()
    (source / "fonts" / "bold.woff2").write_bytes(b"font")
    out = tmp_path / "out"
    out.mkdir()
    (out / "site.css").write_text(css)
    return subprocess.run(  # noqa: S603  (fixed arguments)
        [node, str(CSS_ASSETS), str(out / "site.css"), str(source), str(out / "govuk" / "assets")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_build_copies_each_file_the_stylesheet_refers_to(tmp_path):
    result = _copy_assets(
        tmp_path,
        '.a{background:url("govuk/assets/images/arrow.svg")}.b{background:url(data:image/png;x)}',
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "govuk" / "assets" / "images" / "arrow.svg").read_text() == "<svg/>"


@pytest.mark.parametrize(
    ("reference", "complaint"),
    [
        ("govuk/assets/images/missing.svg", "missing from"),
        ("../elsewhere/arrow.svg", "outside"),
        ("/assets/images/arrow.svg", "not relative"),
        ("govuk/assets/images/govuk-crest.svg", "GOV.UK's crest"),
        ("govuk/assets/fonts/bold.woff2", "GDS Transport"),
    ],
)
def test_the_build_fails_loudly_on_a_file_it_cannot_ship(tmp_path, reference, complaint):
    result = _copy_assets(tmp_path, f".a{{background:url('{reference}')}}")
    assert result.returncode == 1
    assert reference in result.stderr
    assert complaint in result.stderr
