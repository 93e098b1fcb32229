"""Choices of the hazards app; the hazards themselves are data in ``rules/hazards.py``."""

from django.db import models

from putright.rules.hazards import HAZARDS, Assessment

HAZARD_CHOICES = [(h.code, f"{h.number}. {h.label}") for h in HAZARDS]


class AssessmentChoice(models.TextChoices):
    EMERGENCY = Assessment.EMERGENCY.value, "Emergency hazard (24 hours)"
    SIGNIFICANT = Assessment.SIGNIFICANT.value, "Significant hazard (working-day clocks)"
    NOT = Assessment.NOT.value, "Not an emergency or significant hazard"


class Source(models.TextChoices):
    COMPLAINT = "complaint", "A complaint"
    SERVICE_REQUEST = "service_request", "A repair or service request"
    INTAKE = "intake", "An intake item (email, form, call)"
    STAFF = "staff", "Staff or a contractor saw it"
    OTHER = "other", "Someone else"


class Accommodation(models.TextChoices):
    NONE = "", "Not needed or not yet offered"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Offered and accepted (household decanted)"
    REFUSED = "refused", "Offered and refused"


class StepKind(models.TextChoices):
    RAISED = "raised", "Hazard report raised"
    INVESTIGATION = "investigation", "Investigation concluded"
    SUMMARY = "summary", "Written summary sent"
    SAFETY_WORK = "safety_work", "Safety work done"
    FURTHER_WORK = "further_work", "Further work"
    ACCOMMODATION = "accommodation", "Alternative accommodation"
    STOP = "stop", "Clock stopped"
    LETTER = "letter", "Letter"


class StopReason(models.TextChoices):
    DECANTED = "decanted", "The household was decanted to suitable alternative accommodation"
    CONSENT_REFUSED = "consent_refused", "Consent refused after all reasonable steps"
    CLEARED = "cleared", "A further investigation found no hazard, or the work is not required"
