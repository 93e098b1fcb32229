"""Choices and fixed values of the reporting app."""

from django.db import models


class Trigger(models.TextChoices):
    """Why a self-assessment was carried out (Code 8.3)."""

    ANNUAL = "annual", "Annual review"
    RESTRUCTURE = "restructure", "Restructure, merger or change in procedure"
    OMBUDSMAN = "ombudsman", "After an Ombudsman investigation"


class Comply(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class ImprovementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Finding(models.TextChoices):
    """The Ombudsman's determination on one element of a complaint."""

    NO_MALADMINISTRATION = "no_maladministration", "No maladministration"
    SERVICE_FAILURE = "service_failure", "Service failure"
    MALADMINISTRATION = "maladministration", "Maladministration"
    SEVERE_MALADMINISTRATION = "severe_maladministration", "Severe maladministration"
    REASONABLE_REDRESS = "reasonable_redress", "Reasonable redress"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "Outside jurisdiction"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MEDIATION = "mediation", "Mediation"


# Findings that count as the Ombudsman finding the landlord at fault (Code 8.1d).
ADVERSE_FINDINGS = frozenset(
    {Finding.SERVICE_FAILURE, Finding.MALADMINISTRATION, Finding.SEVERE_MALADMINISTRATION}
)


class OrderKind(models.TextChoices):
    ORDER = "order", "Order"
    RECOMMENDATION = "recommendation", "Recommendation"


# Which CH02 numerator goes on the regulator's return: the Code's timescales include an
# extension the Code allows (6.4 / 6.15), so the return counts "within a Code-compliant
# extension"; the "within the original limit" figure is shown beside it for scrutiny.
CH02_RETURN_BASIS = "extension"
