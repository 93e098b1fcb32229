"""Thrive Homes' reference data, homes, residents and tenancies for the demo."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from putright.complaints.demo.text import CATEGORIES
from putright.complaints.models import Category, NonWorkingDay
from putright.people.models import Property, Resident, Tenancy, Tenure

LANDLORD = "Thrive Homes"

CLOSURES_DECIDED_ON = date(2020, 1, 1)
CLOSURES = [
    (date(2024, 12, 24), "Office closure (Christmas Eve)"),
    (date(2025, 12, 24), "Office closure (Christmas Eve)"),
    (date(2025, 6, 13), "Office closure (staff training day)"),
    (date(2026, 12, 24), "Office closure (Christmas Eve)"),
]

# estate, town, postcode district, blocks (name, storeys, flats per floor), streets (name, houses)
ESTATES = [
    (
        "Riverside",
        "Eastbury",
        "TH1",
        [("Carrow Tower", 20, 6), ("Wensum House", 6, 4)],
        [("Quayside Road", 90), ("Ferry Lane", 70)],
    ),
    (
        "Meadowbank",
        "Eastbury",
        "TH2",
        [("Kestrel Court", 4, 6), ("Linnet Court", 4, 6)],
        [("Meadow Way", 140), ("Clover Close", 60), ("Buttercup Drive", 110)],
    ),
    (
        "Hillcrest",
        "Northcote",
        "TH4",
        [("Beacon Tower", 15, 5), ("Summit House", 8, 4)],
        [("Crest Road", 120), ("Ridgeway", 90)],
    ),
    (
        "Foundry Lane",
        "Northcote",
        "TH5",
        [("Forge House", 5, 8), ("Anvil Court", 3, 6)],
        [("Foundry Lane", 100), ("Bellows Street", 80)],
    ),
    (
        "St Anne's",
        "Hadleigh Green",
        "TH7",
        [("St Anne's Court", 4, 5)],
        [("Church Walk", 120), ("Vicarage Road", 130), ("Chapel Row", 60)],
    ),
    (
        "Orchard Park",
        "Hadleigh Green",
        "TH8",
        [],
        [("Pippin Way", 150), ("Russet Close", 120), ("Bramley Road", 160), ("Cox Lane", 100)],
    ),
    (
        "Kingsway",
        "Eastbury",
        "TH3",
        [("Sovereign House", 10, 6), ("Regent Court", 4, 6)],
        [("Kingsway", 150), ("Crown Street", 100)],
    ),
    (
        "Ashgrove",
        "Northcote",
        "TH6",
        [("Elm Court", 4, 6), ("Birch House", 7, 4)],
        [("Ashgrove Road", 180), ("Larch Close", 90), ("Rowan Way", 130)],
    ),
    ("", "Eastbury", "TH9", [], [("High Street", 60), ("Station Road", 80)]),
]
# A new-build shared-ownership estate; low-cost home ownership lives mostly here.
SHARED_OWNERSHIP_ESTATE = "Orchard Park"

FIRST_NAMES = [
    "Aisha",
    "Amir",
    "Ann",
    "Barbara",
    "Ben",
    "Bogdan",
    "Chloe",
    "Chidi",
    "Claire",
    "Daniel",
    "Deborah",
    "Dylan",
    "Eilidh",
    "Emma",
    "Fatima",
    "Gary",
    "Grace",
    "Hassan",
    "Helen",
    "Ian",
    "Imran",
    "Jade",
    "James",
    "Jasmine",
    "Joanne",
    "John",
    "Karen",
    "Kwame",
    "Laura",
    "Leon",
    "Lisa",
    "Maria",
    "Mark",
    "Mohammed",
    "Nadia",
    "Natalie",
    "Neil",
    "Olu",
    "Patricia",
    "Paul",
    "Priya",
    "Rachel",
    "Ravi",
    "Rebecca",
    "Ryan",
    "Samira",
    "Sarah",
    "Sean",
    "Sharon",
    "Simon",
    "Sophie",
    "Stephen",
    "Tariq",
    "Tracey",
    "Wei",
    "Zofia",
]
LAST_NAMES = [
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Baker",
    "Begum",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Evans",
    "Fernandes",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jackson",
    "Kaur",
    "Khan",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Mitchell",
    "Morris",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okoro",
    "Patel",
    "Phillips",
    "Roberts",
    "Robinson",
    "Shaw",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Walker",
    "Ward",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
]


@dataclass(frozen=True)
class Household:
    """A resident who may complain, with what the story needs to write about them."""

    resident: Resident
    tenure: str  # a Tenure value, or "" for a non-customer

    @property
    def name(self) -> str:
        return self.resident.full_name

    @property
    def address(self) -> str:
        home = self.resident.home
        return home.one_line if home else "their home"


# Policy 6.4: which business area reviews responses in each category (the demo staff's teams).
REVIEW_TEAMS = {
    "repairs": "Repairs",
    "damp-mould": "Repairs",
    "leaks": "Repairs",
    "heating": "Repairs",
    "asb": "Housing management",
    "estate-services": "Housing management",
    "grounds": "Housing management",
}


def seed_reference_data() -> dict[str, Category]:
    """Categories and landlord closures; safe to run again."""
    for day, reason in CLOSURES:
        # The demo's closures were decided before any of its history happened, so every
        # replayed deadline counts them, as a landlord's would have.
        NonWorkingDay.objects.get_or_create(
            day=day,
            withdrawn_on=None,
            defaults={"reason": reason, "decided_on": CLOSURES_DECIDED_ON},
        )
    categories = {}
    for code, name, _share in CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "review_team": REVIEW_TEAMS.get(code, "")}
        )
    return categories


def _postcode(rng: random.Random, district: str) -> str:
    return f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _build_properties(rng: random.Random) -> list[Property]:
    homes: list[Property] = []
    for estate, town, district, blocks, streets in ESTATES:
        for block, storeys, per_floor in blocks:
            postcode = _postcode(rng, district)
            for floor in range(storeys):
                for flat in range(1, per_floor + 1):
                    number = floor * per_floor + flat
                    homes.append(
                        Property(
                            address_line_1=f"Flat {number}, {block}",
                            address_line_2=f"{estate} estate" if estate else "",
                            town=town,
                            postcode=postcode,
                            block=block,
                            estate=estate,
                            # 18 m or 7+ storeys: the Building Safety Regulator's higher-risk route.
                            high_rise=storeys >= 7,
                        )
                    )
        for street, houses in streets:
            for number in range(1, houses + 1):
                if number % 20 == 1:
                    postcode = _postcode(rng, district)
                homes.append(
                    Property(
                        address_line_1=f"{number} {street}",
                        town=town,
                        postcode=postcode,
                        estate=estate,
                    )
                )
    for i, home in enumerate(homes, start=1):
        home.uprn = f"THR{i:06d}"
    return homes


def seed_people(rng: random.Random, *, target_homes: int = 3000) -> list[Household]:
    """About 3,000 homes, 2,800 residents with tenancies and a few non-customers."""
    homes = _build_properties(rng)[:target_homes]
    Property.objects.bulk_create(homes, batch_size=500)
    homes = list(Property.objects.order_by("id"))
    occupied = [h for h in homes if rng.random() < 0.935]  # the rest are empty between lets
    residents: list[Resident] = []
    tenures: list[str] = []
    for home in occupied:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        n = len(residents)
        residents.append(
            Resident(
                full_name=f"{first} {last}",
                home=home,
                email=f"{first}.{last}.{n}@example.com".lower().replace("'", "")
                if rng.random() < 0.7
                else "",
                phone=f"07700 900{n % 1000:03d}",
            )
        )
        if home.estate == SHARED_OWNERSHIP_ESTATE and rng.random() < 0.85:
            tenures.append(Tenure.LOW_COST_HOME_OWNERSHIP)
        elif home.block and rng.random() < 0.04:
            tenures.append(Tenure.LEASEHOLD)  # flats bought under the Right to Buy
        else:
            tenures.append(Tenure.LOW_COST_RENTAL)
    non_customers = [
        Resident(
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            is_customer=False,
            email=f"neighbour{i}@example.com",
            correspondence_address=f"{10 + i} High Street, Eastbury TH1 9ZZ",
        )
        for i in range(6)
    ]
    Resident.objects.bulk_create(residents + non_customers, batch_size=500)
    saved = list(Resident.objects.order_by("id").select_related("home"))
    tenancies = []
    for resident, tenure in zip(saved, tenures, strict=False):
        start = date(1998, 1, 1) + timedelta(days=rng.randint(0, 27 * 365))
        if tenure == Tenure.LOW_COST_HOME_OWNERSHIP:
            start = date(2018, 4, 1) + timedelta(days=rng.randint(0, 6 * 365))
        tenancies.append(
            Tenancy(resident=resident, home=resident.home, tenure=tenure, start_on=start)
        )
    Tenancy.objects.bulk_create(tenancies, batch_size=500)
    return [
        Household(resident=r, tenure=t)
        for r, t in zip(saved, [*tenures, *[""] * len(non_customers)], strict=True)
    ]


def load_households() -> list[Household]:
    """The households already in the database (a re-run after the people were seeded)."""
    tenure = dict(Tenancy.objects.filter(end_on__isnull=True).values_list("resident_id", "tenure"))
    return [
        Household(resident=r, tenure=tenure.get(r.pk, ""))
        for r in Resident.objects.order_by("id").select_related("home")
    ]
