"""Add a few Awaab's Law hazard reports to the demo, through the hazard services.

Run after `seed_demo`: on open damp and mould complaints, one report investigated with its
summary sent and safety work overdue, one still waiting for its investigation, and an
emergency made safe in time. Safe to run twice: it does nothing when reports already exist.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from putright.accounts.models import User
from putright.complaints.models import Complaint
from putright.core.clock import now, today
from putright.hazards import services
from putright.hazards.models import HazardReport
from putright.rules.workflow import OPEN_STATES


class Command(BaseCommand):
    help = "Add demo hazard reports (Awaab's Law) to open damp and mould complaints."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if HazardReport.objects.exists():
            self.stdout.write("Hazard reports already exist; nothing added.")
            return
        actor = User.objects.filter(is_active=True).order_by("pk").first()
        damp = list(
            Complaint.objects.filter(category__code="damp-mould", status__in=OPEN_STATES)
            .select_related("resident")
            .order_by("-received_on")[:2]
        )
        moment = now()
        made = 0
        if damp:
            report = services.hazard_report_raise(
                complaint=damp[0],
                aware_at=moment - timedelta(days=9),
                source="complaint",
                told_by=damp[0].resident.full_name,
                hazard="damp_mould",
                description=damp[0].description[:500],
                occupiers="Two adults and a child",
                vulnerabilities="Child with asthma",
                assessment="significant",
                actor=actor,
            )
            services.hazard_investigation_record(
                report=report,
                investigator="Dev Patel, damp and mould surveyor",
                concluded_at=moment - timedelta(days=8),
                findings="Condensation mould in the bedroom from a failed extractor fan.",
                hazard_found=True,
                further_work_needed=True,
                actor=actor,
            )
            services.hazard_summary_record(
                report=report, sent_on=today() - timedelta(days=7), actor=actor
            )
            made += 1
        if len(damp) > 1:
            services.hazard_report_raise(
                complaint=damp[1],
                aware_at=moment - timedelta(days=6),
                source="complaint",
                told_by=damp[1].resident.full_name,
                hazard="damp_mould",
                description=damp[1].description[:500],
                assessment="significant",
                actor=actor,
            )
            made += 1
        emergency = services.hazard_report_raise(
            address="Flat 3, 8 Canal Street",
            aware_at=moment - timedelta(hours=30),
            source="service_request",
            told_by="Repairs call centre",
            hazard="electrical",
            description="Exposed live wiring at a broken light switch in the hall.",
            assessment="emergency",
            actor=actor,
        )
        services.hazard_investigation_record(
            report=emergency,
            investigator="Sam Reid, electrician",
            concluded_at=moment - timedelta(hours=27),
            findings="Switch plate broken, live conductors exposed.",
            hazard_found=True,
            further_work_needed=False,
            actor=actor,
        )
        services.hazard_safety_work_record(
            report=emergency,
            done_at=moment - timedelta(hours=26),
            detail="Circuit isolated and switch replaced.",
            actor=actor,
        )
        self.stdout.write(f"Added {made + 1} hazard reports.")
