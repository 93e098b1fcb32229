"""Background work for the portal (django.tasks; `manage.py db_worker` runs it)."""

from django.tasks import task


@task()
def send_sign_in_links(email: str, base_url: str) -> int:
    """Look `email` up and queue its sign-in links (kept out of the request: see services)."""
    from putright.portal.services import sign_in_links_send

    return sign_in_links_send(email=email, base_url=base_url)
