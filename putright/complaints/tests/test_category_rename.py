"""A category renamed (in the admin, where staff keep reference data): its complaints are found
by the new name, not the old, once their search rows are written again. At a million
complaints a category holds 100,000, so the rows are written a batch at a time after the save
(``services.categories``), the first batch in the save's own transaction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.complaints import jobs
from putright.complaints import search as complaint_search
from putright.complaints.factories import CategoryFactory
from putright.complaints.models import Category, CategoryReindex
from putright.complaints.services import categories
from putright.complaints.tests.stories import received

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def batches_of_two(monkeypatch):
    """A reindex writes 200 rows a transaction in the product; two here."""
    monkeypatch.setattr(categories, "REINDEX_BATCH", 2)


@pytest.fixture
def brickwork(db):
    return CategoryFactory(code="brickwork", name="Brickwork")


def _five_filed_under(category, handler):
    from putright.people.factories import ResidentFactory

    return [
        received(resident=ResidentFactory(), actor=handler, category=category) for _ in range(5)
    ]


def _found(query: str) -> list[int]:
    return sorted(complaint_search.search(query)[0:50])


def _renamed(category: Category, name: str, actor) -> CategoryReindex | None:
    category.name = name
    return categories.category_save(category=category, actor=actor)


def test_a_renamed_category_is_found_by_its_new_name_once_its_rows_are_written(
    brickwork, handler, batches_of_two, django_capture_on_commit_callbacks
):
    cases = _five_filed_under(brickwork, handler)
    assert _found("Brickwork") == sorted(c.pk for c in cases)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        reindex = _renamed(brickwork, "Masonry", handler)

    # The first batch in the rename's own transaction; the rest wait for the commit.
    assert (reindex.reindexed, reindex.finished_at) == (2, None)
    assert _found("Masonry") == sorted(c.pk for c in cases[:2])
    for callback in queued:  # the commit: the task runs (inline in tests)
        callback()

    reindex.refresh_from_db()
    assert reindex.reindexed == 5
    assert reindex.finished_at is not None
    assert _found("Masonry") == sorted(c.pk for c in cases)
    assert _found("Brickwork") == []


def test_a_category_saved_without_a_new_name_writes_no_rows(brickwork, handler):
    _five_filed_under(brickwork, handler)
    brickwork.review_team = "Estates"
    brickwork.active = False

    assert categories.category_save(category=brickwork, actor=handler) is None
    assert _renamed(brickwork, "Brickwork", handler) is None

    assert not CategoryReindex.objects.exists()
    assert Category.objects.get(pk=brickwork.pk).review_team == "Estates"  # saved all the same


def test_a_reindex_stopped_part_way_is_finished_by_the_scheduler_each_row_once(
    brickwork, handler, batches_of_two, django_capture_on_commit_callbacks, monkeypatch
):
    """A worker killed between batches loses the batch it was in whole; the scheduler's job
    finds the reindex idle for five minutes and carries it on from the last committed batch."""
    cases = _five_filed_under(brickwork, handler)
    with django_capture_on_commit_callbacks(execute=False):  # the queued task is lost
        _renamed(brickwork, "Masonry", handler)

    calls, reindex_rows = [], complaint_search.reindex

    def killed_on_the_second(ids):
        calls.append(list(ids))
        written = reindex_rows(ids)
        if len(calls) == 2:
            raise KeyboardInterrupt("worker stopped")
        return written

    monkeypatch.setattr(categories.search, "reindex", killed_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        categories.reindex_run()
    monkeypatch.undo()
    reindex = CategoryReindex.objects.get()
    assert (reindex.reindexed, reindex.after_complaint) == (4, cases[3].pk)
    assert _found("Masonry") == sorted(c.pk for c in cases[:4])
    assert _found("Brickwork") == [cases[4].pk]  # the killed batch was rolled back whole

    assert jobs.resume_category_reindexes() == "0 search row(s) written."  # not idle long enough
    CategoryReindex.objects.update(progressed_at=timezone.now() - timedelta(minutes=6))
    assert jobs.resume_category_reindexes() == "1 search row(s) written."

    assert categories.reindex_run() == 0
    reindex.refresh_from_db()
    assert (reindex.reindexed, reindex.finished_at is not None) == (5, True)
    assert _found("Masonry") == sorted(c.pk for c in cases)
    assert _found("Brickwork") == []


def test_two_renames_in_a_row_end_with_the_latest_name_everywhere(
    brickwork, handler, batches_of_two, django_capture_on_commit_callbacks
):
    cases = _five_filed_under(brickwork, handler)
    with django_capture_on_commit_callbacks(execute=False):
        first = _renamed(brickwork, "Masonry", handler)
        second = _renamed(brickwork, "Stonework", handler)

    first.refresh_from_db()
    assert (first.overtaken, first.finished_at is not None) == (True, True)  # the second restarts
    categories.reindex_run()

    assert _found("Stonework") == sorted(c.pk for c in cases)
    assert _found("Masonry") == []
    assert _found("Brickwork") == []
    second.refresh_from_db()
    assert (second.reindexed, second.overtaken) == (5, False)


def test_a_complaint_moved_to_another_category_meanwhile_ends_with_the_category_it_is_in(
    brickwork, handler, batches_of_two, django_capture_on_commit_callbacks
):
    """Moved out before the reindex reached it: found by its new category, not the renamed
    one's new name. Moved in after the reindex passed it: found by the new name. (The import's
    correction is what moves a complaint; it rebuilds the row itself, as here.)"""
    from putright.people.factories import ResidentFactory

    roofing = CategoryFactory(code="roofing", name="Roofing")
    earlier = received(resident=ResidentFactory(), actor=handler, category=roofing)
    cases = _five_filed_under(brickwork, handler)
    with django_capture_on_commit_callbacks(execute=False):
        _renamed(brickwork, "Masonry", handler)

    def moved(complaint, category):
        categories.category_hold(category.pk)
        complaint.category = category
        complaint.save(update_fields=["category"])
        complaint_search.reindex([complaint.pk])

    moved(cases[4], roofing)  # not reached yet
    moved(earlier, brickwork)  # before the first batch's: the reindex has passed it
    categories.reindex_run()

    assert _found("Masonry") == sorted([*(c.pk for c in cases[:4]), earlier.pk])
    assert _found("Roofing") == [cases[4].pk]
    assert _found("Brickwork") == []
    assert CategoryReindex.objects.get().reindexed == 4  # the one moved out is not reached


def test_a_batch_asks_the_same_statements_however_many_rows_it_writes(
    brickwork, handler, monkeypatch
):
    """A batch is a fixed number of statements, not a few for each complaint (at 200 a batch,
    100,000 complaints are 500 batches)."""
    _five_filed_under(brickwork, handler)
    counts = []
    for size in (1, 5):
        monkeypatch.setattr(categories, "REINDEX_BATCH", size)
        reindex = CategoryReindex.objects.create(category=brickwork, name="Brickwork")
        with CaptureQueriesContext(connection) as queries:
            categories._reindex_batch(reindex.pk)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- In the admin ------------------------------------------------------------------------------


def _changed_in_the_admin(client, category: Category, **changes: str):
    url = f"/admin/complaints/category/{category.pk}/change/"
    data = {
        "code": category.code,
        "name": category.name,
        "review_team": category.review_team,
        **({"active": "on"} if category.active else {}),
        **changes,
    }
    return client.post(url, data, follow=True)


def test_a_category_renamed_in_the_admin_shows_its_progress_and_is_found_by_it(
    client, brickwork, handler, batches_of_two
):
    from putright.accounts import factories

    client.force_login(factories.administrator(username="root"))
    cases = _five_filed_under(brickwork, handler)

    response = _changed_in_the_admin(client, brickwork, name="Masonry")

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/admin/complaints/category/"
    assert "the rest are being brought up to date in the background" in page
    assert "2 so far (in progress since 02 Mar 10:00)" in page
    categories.reindex_run()  # the task queued on commit (not run inside the test's transaction)
    listing = client.get("/admin/complaints/category/").content.decode()
    assert "in progress" not in listing
    assert _found("Masonry") == sorted(c.pk for c in cases)
    assert _found("Brickwork") == []


def test_a_category_saved_in_the_admin_with_its_name_unchanged_starts_nothing(
    client, brickwork, handler
):
    from putright.accounts import factories

    client.force_login(factories.administrator(username="root"))
    _five_filed_under(brickwork, handler)

    response = _changed_in_the_admin(client, brickwork, review_team="Estates")

    assert response.status_code == 200
    assert Category.objects.get(pk=brickwork.pk).review_team == "Estates"
    assert not CategoryReindex.objects.exists()


def test_only_staff_allowed_to_change_categories_can_rename_one(client, brickwork, handler):
    """A staff member who may look at categories in the admin but not change them is refused:
    the name and the search rows stay as they were."""
    from django.contrib.auth.models import Permission

    from putright.accounts import factories

    viewer = factories.UserFactory(username="vic", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_category"))
    client.force_login(viewer)
    cases = _five_filed_under(brickwork, handler)

    response = _changed_in_the_admin(client, brickwork, name="Masonry")

    assert response.status_code == 403
    assert Category.objects.get(pk=brickwork.pk).name == "Brickwork"
    assert not CategoryReindex.objects.exists()
    assert _found("Brickwork") == sorted(c.pk for c in cases)
