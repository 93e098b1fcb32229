"""A synthetic year of a large landlord's complaints in the import format, for the import
bench (bench/generate_import.py writes it as CSV) and the test that the chunked import equals
the row-by-row one (imports/tests/test_fast_equals_row_by_row.py).

A fixed seed, so runs compare. The mix: most closed after stage 1, some escalated (with a
different stage 2 handler), some extended, some not accepted, some still open, a few withdrawn
and a few at the Ombudsman. It needs categories repairs/damp-mould/asb/staff and handlers
bench-h1..bench-h20 (bench/setup_import_bench.py makes them).
"""

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta

from putright.imports.columns import COLUMN_NAMES
from putright.rules.calendar import WorkingCalendar, add_working_days

CATEGORIES = ["repairs", "damp-mould", "asb", "staff"]
HANDLERS = [f"bench-h{i}" for i in range(1, 21)]
START = date(2024, 4, 1)
DAYS = 365


def rows(n: int, rng: random.Random) -> Iterator[dict[str, str]]:
    cal = WorkingCalendar.england_and_wales()

    def wd(day: date, k: int) -> date:
        return add_working_days(day, k, calendar=cal)

    for i in range(1, n + 1):
        resident = rng.randrange(1, n // 3 + 2)
        received = START + timedelta(days=rng.randrange(DAYS))
        r = {
            "legacy_reference": f"LEG-{i:07d}",
            "resident_id": f"T-{resident:06d}",
            "resident_name": f"Resident {resident}",
            "resident_email": f"resident{resident}@example.org",
            "tenure": rng.choices(["lcra", "lcho", "leasehold"], [85, 10, 5])[0],
            "property_ref": f"UPRN{resident:08d}",
            "address_line_1": f"{resident} Bench Road",
            "town": "Exampleton",
            "postcode": "EX1 1AA",
            "channel": rng.choice(["phone", "email", "online_form", "letter", "in_person"]),
            "category": rng.choice(CATEGORIES),
            "received_on": received.isoformat(),
            "description": "Synthetic complaint for the import benchmark.",
            "outcome_wanted": "Put it right.",
        }
        kind = rng.random()
        if kind < 0.04:  # not accepted
            r |= {
                "excluded_on": wd(received, 2).isoformat(),
                "exclusion_ground": "asb",
                "exclusion_reasoning": "Handled through the ASB process.",
            }
            yield r
            continue
        if kind < 0.06:  # still awaiting acknowledgement, or withdrawn
            if rng.random() < 0.5:
                r |= {"withdrawn_on": wd(received, 1).isoformat()}
            yield r
            continue
        h1, h2 = rng.sample(HANDLERS, 2)
        ack = wd(received, rng.choice([1, 2, 3, 4, 5, 6]))
        r |= {
            "s1_acknowledged_on": ack.isoformat(),
            "s1_handler": h1,
            "s1_points": "The repair was late | Nobody called back",
        }
        due = wd(ack, 10)
        if rng.random() < 0.15:
            due = wd(due, rng.choice([5, 10]))
            r |= {"s1_extended_to": due.isoformat(), "s1_extension_reason": "Survey needed"}
        if kind < 0.10:  # open at stage 1
            yield r
            continue
        responded = wd(ack, rng.choice([5, 8, 10, 12])) if "s1_extended_to" not in r else due
        r |= {
            "s1_responded_on": responded.isoformat(),
            "s1_decision": rng.choice(["upheld", "partly upheld", "not upheld"]),
            "s1_remedies": rng.choice(["", "apology", "apology; financial:50", "explanation"]),
        }
        if kind < 0.85:  # closed after stage 1
            r["closed_on"] = wd(responded, 2).isoformat()
            yield r
            continue
        requested = wd(responded, rng.randrange(1, 20))
        ack2 = wd(requested, rng.choice([2, 5, 6]))
        r |= {
            "s2_requested_on": requested.isoformat(),
            "s2_acknowledged_on": ack2.isoformat(),
            "s2_handler": h2,
        }
        if kind < 0.97:
            done2 = wd(ack2, rng.choice([15, 20, 22]))
            r |= {
                "s2_responded_on": done2.isoformat(),
                "s2_decision": rng.choice(["upheld", "not upheld"]),
                "s2_remedies": rng.choice(["", "financial:250"]),
                "closed_on": wd(done2, 1).isoformat(),
            }
            if rng.random() < 0.2:
                r |= {
                    "ombudsman_referred_on": wd(done2, 20).isoformat(),
                    "ombudsman_reference": f"HOS{i:07d}",
                }
        yield r


def write_csv(n: int, out, seed: int = 7) -> None:
    writer = csv.DictWriter(out, fieldnames=list(COLUMN_NAMES))
    writer.writeheader()
    for r in rows(n, random.Random(seed)):  # noqa: S311 - synthetic data, seeded on purpose
        writer.writerow(r)
