"""A small reporting year built through the real services, with every date chosen by hand.

Reporting year 2025 runs 1 April 2025 - 31 March 2026. No bank holiday falls in June or
July 2025, so working days are just weekdays there.

| complaint | resident tenure | story                                                                      |
|-----------|-----------------|----------------------------------------------------------------------------|
| H         | LCRA            | received Mon 31 Mar 2025 (last year), acked 31 Mar, answered Mon 14 Apr   |
|           |                 | = 31 Mar + 10 WD: within the original limit                               |
| A         | LCRA            | received Mon 2 Jun, acked 2 Jun, answered Mon 16 Jun (= due): original;   |
|           |                 | escalated Tue 17 Jun, stage 2 acked 17 Jun by Hannah, answered Tue 15 Jul |
|           |                 | (= 17 Jun + 20 WD): original                                              |
| B         | LCRA            | received 2 Jun, acked 2 Jun, extended Fri 13 Jun (resident told 13 Jun)   |
|           |                 | from 16 Jun to Mon 30 Jun (10 WD, the cap), answered Fri 27 Jun: extension |
| C         | LCHO            | received 2 Jun, acked 2 Jun, answered Wed 18 Jun, 2 WD after 16 Jun: late |
| D         | LCRA            | received 2 Jun, refused the same day (already considered): not counted    |
| G         | leasehold       | received 2 Jun, acked Tue 10 Jun (due Mon 9 Jun): acknowledged late       |

Each response carries the stories' default apology, due 7 days after the response. H's
(due 21 Apr) was done 21 Apr and A's stage 1 apology (due 23 Jun) was done 20 Jun.
Reports are run on Fri 1 Aug 2025.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from putright.complaints import services
from putright.complaints.factories import CategoryFactory
from putright.complaints.models import Complaint
from putright.complaints.tests.stories import acknowledged, escalated, received, responded, travel
from putright.people.factories import PropertyFactory, ResidentFactory, TenancyFactory
from putright.people.models import Tenure

REPORT_DAY = date(2025, 8, 1)


@dataclass
class Year2025:
    H: Complaint
    A: Complaint
    B: Complaint
    C: Complaint
    D: Complaint
    G: Complaint


def _resident(name: str, tenure: str, estate: str = "Riverside", block: str = "Alder House"):
    home = PropertyFactory(estate=estate, block=block)
    person = ResidentFactory(full_name=name, home=home)
    TenancyFactory(resident=person, home=home, tenure=tenure, start_on=date(2019, 4, 1))
    return person


@pytest.fixture
def year_2025(db, time_machine, handler, second_handler) -> Year2025:
    repairs = CategoryFactory(code="repairs", name="Repairs")
    damp = CategoryFactory(code="damp", name="Damp and mould")
    hana = _resident("Hana Ito", Tenure.LOW_COST_RENTAL)
    rosa = _resident("Rosa Bell", Tenure.LOW_COST_RENTAL)
    bob = _resident("Bob Hale", Tenure.LOW_COST_RENTAL)
    cara = _resident("Cara Moss", Tenure.LOW_COST_HOME_OWNERSHIP, block="Birch House")
    dan = _resident("Dan Roe", Tenure.LOW_COST_RENTAL, estate="Hilltop", block="")
    lee = _resident("Lee Park", Tenure.LEASEHOLD, estate="Hilltop", block="")

    travel(time_machine, date(2025, 3, 31))
    h = acknowledged(received(resident=hana, actor=handler, category=repairs), actor=handler)

    travel(time_machine, date(2025, 4, 14))
    h = responded(h, actor=handler)

    travel(time_machine, date(2025, 4, 21))
    services.remedy_complete(remedy=h.remedies.get(), actor=handler)

    travel(time_machine, date(2025, 6, 2))
    a = acknowledged(received(resident=rosa, actor=handler, category=repairs), actor=handler)
    b = acknowledged(received(resident=bob, actor=handler, category=damp), actor=handler)
    c = acknowledged(received(resident=cara, actor=handler, category=repairs), actor=handler)
    d = received(resident=dan, actor=handler, category=repairs)
    services.complaint_exclude(
        complaint=d,
        ground="previously_considered",
        reasoning="Final response sent on 3 March 2025 on the same leak.",
        discretion_considered=False,
        actor=handler,
    )
    g = received(resident=lee, actor=handler, category=damp)

    travel(time_machine, date(2025, 6, 10))
    g = acknowledged(g, actor=handler)

    travel(time_machine, date(2025, 6, 13))
    services.stage_extend(
        stage=b.stages.get(number=1),
        new_due=date(2025, 6, 30),
        reason="Waiting for the damp survey.",
        resident_informed_on=date(2025, 6, 13),
        update_interval_days=5,
        actor=handler,
    )

    travel(time_machine, date(2025, 6, 16))
    a = responded(a, actor=handler)

    travel(time_machine, date(2025, 6, 17))
    a = acknowledged(escalated(a, actor=handler), actor=second_handler, handler=second_handler)

    travel(time_machine, date(2025, 6, 18))
    c = responded(c, actor=handler)

    travel(time_machine, date(2025, 6, 20))
    services.remedy_complete(remedy=a.remedies.get(), actor=handler)

    travel(time_machine, date(2025, 6, 27))
    b = responded(b, actor=handler)

    travel(time_machine, date(2025, 7, 15))
    a = responded(a, actor=second_handler)

    travel(time_machine, REPORT_DAY)
    return Year2025(H=h, A=a, B=b, C=c, D=d, G=g)
