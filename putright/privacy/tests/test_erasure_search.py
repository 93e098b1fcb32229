"""After erasure, nothing finds the resident by who they were: the search tables forget too."""

from putright.complaints import search
from putright.complaints.models import ComplaintSearch
from putright.people import search as resident_search
from putright.people.models import ResidentSearch
from putright.privacy.services import resident_erase


def test_an_erased_resident_is_found_by_no_detail_and_their_complaint_by_no_word(
    old_cases, administrator
):
    rosa_case, tom_case = old_cases
    rosa = rosa_case.resident
    before = {
        "name": rosa.full_name,
        "email": rosa.email,
        "text": rosa_case.description.split()[-1],
    }
    assert all(search.search(q).count() >= 1 for q in before.values())
    assert resident_search.find(rosa.full_name).count() == 1

    resident_erase(resident=rosa, reason="Request by letter", actor=administrator)

    for query in (rosa.full_name, rosa.email, rosa.phone):
        assert rosa_case.pk not in search.search(query)[0:50], query
        assert rosa.pk not in resident_search.find(query)[0:50], query
    document = ComplaintSearch.objects.get(complaint=rosa_case).document
    assert rosa.full_name.split()[-1].lower() not in document
    assert (
        rosa.email.split("@")[0].lower() not in ResidentSearch.objects.get(resident=rosa).document
    )
    assert search.search(tom_case.reference).count() == 1  # others untouched
