"""Choices and fixed values of the reporting app."""

from django.db import models

from putright.complaints.constants import ReferralOutcome


class Trigger(models.TextChoices):
    """Why a self-assessment was carried out (Code 8.3)."""

    ANNUAL = "annual", "Annual review"
    RESTRUCTURE = "restructure", "Restructure, merger or change in procedure"
    OMBUDSMAN = "ombudsman", "After an Ombudsman investigation"


class Comply(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    # A provision that does not apply to this landlord (e.g. 5.4-5.5 where there is no
    # third stage to forbid): allowed only with the reason written down.
    NA = "na", "N/A"


class ImprovementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


# The Ombudsman's determination on one element of a complaint: the same findings a referral's
# outcome is recorded with, less "awaiting".
Finding = models.TextChoices(
    "Finding",
    [(o.name, (o.value, o.label)) for o in ReferralOutcome if o != ReferralOutcome.PENDING],
)


# Findings that count as the Ombudsman finding the landlord at fault (reported under 8.1c).
ADVERSE_FINDINGS = frozenset(
    {Finding.SERVICE_FAILURE, Finding.MALADMINISTRATION, Finding.SEVERE_MALADMINISTRATION}
)


class OrderKind(models.TextChoices):
    ORDER = "order", "Order"
    RECOMMENDATION = "recommendation", "Recommendation"


# Which CH02 figure goes on the regulator's return (key suffix): "within the Code's timescales",
# the original limit or a Code-compliant extension (6.4 / 6.15: within the cap, or beyond it with
# a good reason). The parts and "also acknowledged on time" are shown beside it for scrutiny.
CH02_RETURN_BASIS = "extension"
