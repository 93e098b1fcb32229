"""Figures that never change behind the regulator's back, and that mean what they say (issue 16).

Every expected value is worked out by hand in the comments. Reporting year 2025 runs 1 April
2025 to 31 March 2026; no bank holiday falls in June or July 2025.
"""

from datetime import date

from putright.complaints import services as complaint_services
from putright.complaints.services import closures
from putright.complaints.tests.stories import acknowledged, received, responded, travel
from putright.imports.services import import_complaints
from putright.imports.tests.sheets import csv_bytes, row
from putright.people.factories import ResidentFactory, TenancyFactory
from putright.reporting import reference, selectors
from putright.reporting.figures import ch02, measures, reporting_year
from putright.reporting.reports import tsm_return


def _ch02(year: int, on: date) -> dict:
    facts = reference.stage_facts(reporting_year(year), on=on, stored=True)
    return {f.key: (f.numerator, f.denominator, f.complaint_ids) for f in ch02(facts, year)}


def test_editing_closures_never_changes_a_closed_years_ch02(db, time_machine, handler, year_2025):
    # One more stage 1 complaint, X: on Mon 2 Jun 2025 a closure for Tue 10 Jun is recorded,
    # then X is received and acknowledged that day, so X is due 16 Jun + 1 = Tue 17 Jun, and
    # answered on 17 Jun: within the original limit. (C, in the fixture, was acknowledged 2 Jun,
    # due Mon 16 Jun and answered Wed 18 Jun: late.)
    resident = ResidentFactory()
    TenancyFactory(resident=resident)
    travel(time_machine, date(2025, 6, 2))
    training = closures.closure_add(day=date(2025, 6, 10), reason="Training", actor=handler)
    x = acknowledged(received(resident=resident, actor=handler), actor=handler)
    travel(time_machine, date(2025, 6, 17))
    x = responded(x, actor=handler)

    # 1 May 2026: 2025/26 has closed. Stage 1 responses in the year: H, A (original), B
    # (extension), C (late), X (original): within the Code's timescales 4 of 5.
    travel(time_machine, date(2026, 5, 1))
    before = _ch02(2025, date(2026, 5, 1))
    assert before["ch02-stage1-extension"][:2] == (4, 5)
    stored = list(
        x.stages.values_list("ack_due", "response_due_original", "response_due", "responded_on")
    )

    # Removing the 10 Jun closure would make X due 16 Jun and so late (3 of 5); adding closures
    # on 10 and 11 Jun would make C due 18 Jun and so on time (5 of 5). Neither may change a
    # closed year: each result settled with the calendar as it stood when it was answered.
    closures.closure_remove(closure=training, actor=handler)
    assert _ch02(2025, date(2026, 5, 1)) == before
    closures.closure_add(day=date(2025, 6, 10), reason="Training", actor=handler)
    closures.closure_add(day=date(2025, 6, 11), reason="Training", actor=handler)
    assert _ch02(2025, date(2026, 5, 1)) == before
    assert (
        list(
            x.stages.values_list("ack_due", "response_due_original", "response_due", "responded_on")
        )
        == stored
    )
    # Nothing settled moved, so no case record says it did.
    assert not x.events.filter(code="stage.deadline_moved").exists()


def test_ch02_shows_the_parts_and_also_acknowledged_on_time(db, time_machine, handler):
    # Three stage 1 complaints received Mon 2 Jun 2025:
    #   J acknowledged Mon 9 Jun (5 working days: on time), due 23 Jun, answered 23 Jun:
    #     within the original limit, acknowledged on time.
    #   K acknowledged Tue 10 Jun (6 working days: late), due 24 Jun, answered 24 Jun:
    #     within the original limit but NOT acknowledged on time.
    #   L (ell) acknowledged 2 Jun, due 16 Jun; on 13 Jun extended to Mon 7 Jul, past the 30 Jun
    #     cap, with a good reason; answered Fri 4 Jul: within a Code-compliant extension.
    people = [ResidentFactory() for _ in range(3)]
    for person in people:
        TenancyFactory(resident=person)
    travel(time_machine, date(2025, 6, 2))
    j, k, ell = (received(resident=p, actor=handler) for p in people)
    ell = acknowledged(ell, actor=handler)
    travel(time_machine, date(2025, 6, 9))
    j = acknowledged(j, actor=handler)
    travel(time_machine, date(2025, 6, 10))
    k = acknowledged(k, actor=handler)
    travel(time_machine, date(2025, 6, 13))
    complaint_services.stage_extend(
        stage=ell.stages.get(),
        new_due=date(2025, 7, 7),
        reason="Specialist roofer",
        resident_informed_on=date(2025, 6, 13),
        update_interval_days=5,
        actor=handler,
        good_reason="Only one specialist roofer available in the area.",
    )
    travel(time_machine, date(2025, 6, 23))
    j = responded(j, actor=handler)
    travel(time_machine, date(2025, 6, 24))
    k = responded(k, actor=handler)
    travel(time_machine, date(2025, 7, 4))
    ell = responded(ell, actor=handler)
    travel(time_machine, date(2025, 8, 1))

    figures = {f.key: f for f in tsm_return(2025, on=date(2025, 8, 1)).ch02}
    # Original: J, K = 2 of 3 (66.7%). Code-compliant extension: L = 1 of 3 (33.3%).
    # Within the Code's timescales (the return): 3 of 3. Also acknowledged on time: J, L = 2.
    assert figures["ch02-stage1-original"].complaint_ids == tuple(sorted((j.pk, k.pk)))
    assert figures["ch02-stage1-original"].value == 66.7
    assert figures["ch02-stage1-extended"].complaint_ids == (ell.pk,)
    assert figures["ch02-stage1-extended"].value == 33.3
    assert (figures["ch02-stage1-extension"].numerator, figures["ch02-stage1-extension"].value) == (
        3,
        100.0,
    )
    assert figures["ch02-stage1-ack-on-time"].complaint_ids == tuple(sorted((j.pk, ell.pk)))
    assert figures["ch02-stage1-ack-on-time"].value == 66.7
    assert figures["ch02-stage1-outside"].numerator == 0


def test_an_imported_extension_counts_in_the_year_it_was_agreed_and_told_stays_unknown(
    db, time_machine, handler
):
    # Imported on 1 Aug 2025 (year 2025/26): a complaint acknowledged Mon 3 Mar 2025, due Mon
    # 17 Mar 2025 (4-7 Mar = 4, 10-14 Mar = 9, 17 Mar = 10), extended on Fri 14 Mar 2025
    # (year 2024/25) to Mon 24 Mar, with no date for telling the resident. Another,
    # acknowledged Mon 2 Jun 2025, due 16 Jun, extended on Fri 13 Jun 2025 (year 2025/26) to
    # Mon 23 Jun, resident told 13 Jun. Neither answered yet.
    from putright.complaints.factories import CategoryFactory

    CategoryFactory(code="repairs", name="Repairs")
    travel(time_machine, date(2025, 8, 1))
    unanswered = {
        "s1_handler": handler.username,
        "s1_responded_on": None,
        "s1_decision": None,
        "s1_remedies": None,
        "closed_on": None,
    }
    first = row(
        legacy_reference="OLD-1",
        received_on=date(2025, 3, 3),
        s1_acknowledged_on=date(2025, 3, 3),
        s1_extended_to=date(2025, 3, 24),
        s1_extension_reason="Survey",
        s1_extended_on=date(2025, 3, 14),
        **unanswered,
    )
    second = row(
        legacy_reference="OLD-2",
        resident_id="R-2",
        received_on=date(2025, 6, 2),
        s1_acknowledged_on=date(2025, 6, 2),
        s1_extended_to=date(2025, 6, 23),
        s1_extension_reason="Survey",
        s1_extended_on=date(2025, 6, 13),
        s1_resident_told_on=date(2025, 6, 13),
        **unanswered,
    )
    report = import_complaints(data=csv_bytes(first, second), file_name="history.csv")
    assert report.issues == []

    def found(year: int) -> dict:
        period = reporting_year(year)
        return {
            m.figure.key: m.figure
            for m in measures(
                reference.stage_facts(period, on=date(2025, 8, 1), stored=True),
                selectors.extension_facts(period),
                reference.remedy_facts(period),
                period,
                date(2025, 8, 1),
            )
        }

    # 2024/25 holds OLD-1's extension (agreed 14 Mar 2025), though it was imported in 2025/26.
    earlier = found(2024)
    assert earlier["sa-6.4"].numerator == 1
    # Its resident-told date is unknown: not counted as on time, nor late, but listed.
    assert earlier["sa-6.5"].denominator == 0
    assert earlier["sa-6.5-unknown"].numerator == 1
    # 2025/26 holds only OLD-2's: told 13 Jun, before the 16 Jun due date: 1 of 1.
    later = found(2025)
    assert later["sa-6.4"].numerator == 1
    assert (later["sa-6.5"].numerator, later["sa-6.5"].denominator) == (1, 1)
    assert "sa-6.5-unknown" not in later
