"""The staff menu is drawn from each page's own rule in the permission matrix: every role sees
every section it may open and nothing it may not; refusals and missing pages are styled."""

import re

import pytest

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<a class="govuk-service-navigation__link" href="([^"]+)"')


def menu(client) -> list[str]:
    return NAV.findall(client.get("/").content.decode())


@pytest.mark.parametrize("persona", ["handler", "officer", "viewer", "administrator"])
def test_every_menu_link_opens_for_the_role_that_sees_it(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    links = menu(client)
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href


def test_imports_are_in_the_menu_for_officers_and_not_for_handlers(
    client, officer, handler, viewer
):
    client.force_login(officer)
    assert "/imports/" in menu(client)
    client.force_login(handler)
    assert "/imports/" not in menu(client)
    assert "/people/" in menu(client)
    client.force_login(viewer)
    assert "/imports/" not in menu(client)
    assert "/people/" in menu(client)  # everyone on staff reads residents


def test_a_refusal_is_a_styled_page_that_says_why(client, handler):
    client.force_login(handler)
    response = client.get("/imports/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot open this page</h1>' in page
    assert "Only a complaints officer or an administrator can import." in page
    assert "govuk-service-navigation" in page  # the staff shell, so there is a way on


def test_a_missing_page_is_a_styled_page(client, handler):
    client.force_login(handler)
    response = client.get("/complaints/CMP-2099-999999/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()
