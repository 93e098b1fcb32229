import pytest


@pytest.mark.django_db
def test_the_openapi_schema_is_served_under_the_putright_title(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"PutRight API" in response.content


@pytest.mark.django_db
def test_the_api_needs_a_login(client):
    response = client.get("/api/v1/")
    assert response.status_code in {401, 403, 404}


def test_the_login_page_is_at_accounts_login(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_handler_can_sign_in(client, handler):
    from putright.accounts.factories import TEST_PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(handler.pk)
