"""The page layout: the landlord's theme, never GOV.UK's crown or font, staff navigation."""

import pytest

from putright.web.context_processors import FALLBACK_BRAND_COLOUR, brand_colour


def test_the_header_carries_the_landlords_name_logo_and_colour(client, settings):
    settings.PUTRIGHT_LANDLORD_NAME = "Riverside Homes"
    settings.PUTRIGHT_BRAND_COLOUR = "#5a2d82"
    settings.PUTRIGHT_LOGO_URL = "https://riverside.example/logo.png"
    page = client.get("/accounts/login/").content.decode()
    assert "Riverside Homes complaints" in page
    assert "--govuk-brand-colour: #5a2d82;" in page
    assert 'src="https://riverside.example/logo.png"' in page
    assert "govuk-header__logotype" not in page  # no crown


@pytest.mark.parametrize(
    ("configured", "used"),
    [
        ("#1d3557", "#1d3557"),
        ("#ffeb3b", FALLBACK_BRAND_COLOUR),  # too pale for white text
        ("red; } body { display: none", FALLBACK_BRAND_COLOUR),  # not a colour
        ("", FALLBACK_BRAND_COLOUR),
    ],
)
def test_only_a_hex_colour_dark_enough_for_white_text_is_used(configured, used):
    assert brand_colour(configured) == used


def test_the_built_stylesheet_never_uses_the_gds_transport_font():
    from pathlib import Path

    css = Path(__file__).resolve().parents[1] / "static" / "web" / "vendor" / "putright.css"
    if not css.exists():
        pytest.fail("front end not built: run npm run build (scripts/setup.sh does)")
    text = css.read_text()
    assert "GDS Transport" not in text
    assert "system-ui" in text


@pytest.mark.django_db
def test_staff_navigation_shows_only_to_signed_in_staff(client, handler, viewer):
    assert "Staff menu" not in client.get("/accounts/login/").content.decode()
    client.force_login(handler)
    page = client.get("/").content.decode()
    assert "Staff menu" in page
    assert "Log a complaint" in page
    assert 'href="/people/"' in page  # other areas' staff pages
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "Staff menu" in page
    assert "Log a complaint" not in page
    # A viewer may read residents (the page's rule is view_cases), so the menu links them.
    assert 'href="/people/"' in page
    assert 'href="/imports/"' not in page


def test_the_menu_links_reports_for_those_who_may_read_them(client, officer, viewer, handler):
    for user, shown in ((officer, True), (viewer, True), (handler, False)):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert ('href="/reports/"' in page) is shown, user.role
