"""Fill the reporting records for the demo landlord, through the reporting services.

Run after `seed_demo`: homes counts for each reporting year the complaints span, a
self-assessment for the current year answered and approved, service improvements built from
the learning recorded on responses, and the Ombudsman's casework on decided referrals.
Safe to run twice: it does nothing when homes counts already exist.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from putright.accounts.models import User
from putright.complaints.constants import ReferralOutcome
from putright.complaints.models import Complaint, OmbudsmanReferral, Response
from putright.complaints.services import exceptional
from putright.reporting import services
from putright.reporting.constants import (
    Comply,
    Finding,
    ImprovementStatus,
    OrderKind,
)
from putright.reporting.figures import reporting_year_of
from putright.reporting.models import HomesCount
from putright.reporting.services import ImprovementInput

# Provisions the demo landlord says it does not yet meet, with its plan.
NOT_YET = {
    "3.3": "Publish the complaints policy in Easy Read and in the five most-used languages.",
    "9.8": "Add the complaint-handling objective to every manager's appraisal.",
}
# As the landlord answered them in its own self-assessment (seeds/code-self-assessment-form.txt).
NOT_APPLICABLE = {
    "5.4": "We do not have a third party for handling complaints: they are handled in house.",
    "5.5": "We do not have a third party for handling complaints: they are handled in house.",
}
FINDING_FOR = {
    ReferralOutcome.NO_MALADMINISTRATION: Finding.NO_MALADMINISTRATION,
    ReferralOutcome.SERVICE_FAILURE: Finding.SERVICE_FAILURE,
    ReferralOutcome.MALADMINISTRATION: Finding.MALADMINISTRATION,
    ReferralOutcome.SEVERE_MALADMINISTRATION: Finding.SEVERE_MALADMINISTRATION,
    ReferralOutcome.REASONABLE_REDRESS: Finding.REASONABLE_REDRESS,
    ReferralOutcome.OUTSIDE_JURISDICTION: Finding.OUTSIDE_JURISDICTION,
    ReferralOutcome.WITHDRAWN: Finding.WITHDRAWN,
    ReferralOutcome.MEDIATION: Finding.MEDIATION,
}


def _sentences(texts: Iterable[str]) -> str:
    """Learning texts as one paragraph: each once, each a sentence (never ".;" joins)."""
    unique = list(dict.fromkeys(t.strip().rstrip(".;").strip() for t in texts if t.strip()))
    return " ".join(f"{text}." for text in unique)


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        if HomesCount.objects.exists():
            self.stdout.write("Reporting demo data already present; nothing to do.")
            return
        officer = User.objects.filter(role="officer").order_by("id").first()
        board = User.objects.filter(role="mrc").order_by("id").first()
        if officer is None or board is None or not Complaint.objects.exists():
            self.stderr.write("Run `manage.py seed_demo` first.")
            return
        today = timezone.localdate()
        span = Complaint.objects.aggregate(first=Min("received_on"), last=Max("received_on"))
        for year in range(reporting_year_of(span["first"]), reporting_year_of(span["last"]) + 1):
            services.homes_count_set(
                year=year, lcra_homes=2650 + 10 * (year - 2024), lcho_homes=310, actor=officer
            )
        self._self_assessment(reporting_year_of(today) - 1, officer, board, today)
        self._improvements(officer, today)
        self._ombudsman(officer, today)
        self._exceptional(officer, today)
        self.stdout.write(self.style.SUCCESS("Reporting demo data ready."))

    def _exceptional(self, officer, today):
        """A period of exceptional circumstances (Code 8.5) in force for one category."""
        lead = User.objects.filter(role="senior_lead", is_active=True).order_by("id").first()
        latest = Complaint.objects.open().exclude(category=None).order_by("-received_on").first()
        if lead is None or latest is None:
            return
        period = exceptional.exceptional_declare(
            reason=(
                "A cyber incident took our repairs system offline: we cannot see repair "
                "histories or book contractors until it is restored."
            ),
            starts_on=today - timedelta(days=10),
            expected_end_on=today + timedelta(days=20),
            categories=[latest.category],
            actor=officer,
        )
        exceptional.exceptional_approve(period=period, actor=lead, note="Agreed by the exec.")
        exceptional.exceptional_ombudsman_notified(
            period=period, notified_on=today - timedelta(days=9), actor=officer
        )

    def _self_assessment(self, year, officer, board, today):
        assessment = services.self_assessment_start(year=year, actor=officer)
        for row in assessment.rows.all():
            if row.provision in NOT_APPLICABLE:
                services.self_assessment_row_update(
                    row=row,
                    comply=Comply.NA,
                    evidence="",
                    actor=officer,
                    commentary=NOT_APPLICABLE[row.provision],
                )
            elif row.provision in NOT_YET:
                services.self_assessment_row_update(
                    row=row,
                    comply=Comply.NO,
                    evidence="",
                    actor=officer,
                    commentary="Partly in place; see the action.",
                    action=NOT_YET[row.provision],
                    action_due=today + timedelta(days=120),
                )
            else:
                services.self_assessment_row_update(
                    row=row,
                    comply=Comply.YES,
                    actor=officer,
                    evidence="Complaints policy (published on our website); PutRight case records.",
                    commentary="",
                )
        services.self_assessment_approve(
            assessment=assessment,
            approved_on=today,
            actor=board,
            minute="Board meeting: self-assessment approved with two actions.",
        )

    def _improvements(self, officer, today):
        # Each improvement is driven by the complaints whose learning is about it, so its
        # description is that learning (not another improvement's).
        plans = [
            ("Book damp surveys at acknowledgement", ImprovementStatus.DONE, "Repairs", "damp"),
            (
                "Call residents back within one working day",
                ImprovementStatus.IN_PROGRESS,
                "Contact centre",
                "call-back",
            ),
            (
                "Check contractor appointments the day before",
                ImprovementStatus.PROPOSED,
                "Repairs",
                "appointment",
            ),
        ]
        for title, status, owner, theme in plans:
            drivers = list(
                Response.objects.filter(learning__icontains=theme)
                .select_related("stage__complaint")
                .order_by("issued_on", "pk")[:2]
            )
            services.improvement_create(
                data=ImprovementInput(
                    title=title,
                    description=_sentences(r.learning for r in drivers) or title,
                    status=status,
                    owner_name=owner,
                    due_on=today + timedelta(days=60),
                    completed_on=today if status == ImprovementStatus.DONE else None,
                    references=tuple(r.stage.complaint.reference for r in drivers),
                ),
                actor=officer,
            )

    def _ombudsman(self, officer, today):
        decided = OmbudsmanReferral.objects.filter(outcome_on__isnull=False).order_by("outcome_on")
        waiting = OmbudsmanReferral.objects.filter(outcome_on__isnull=True).order_by("referred_on")
        chosen = list(decided[:8])
        latest = chosen[-1] if chosen else None
        for referral in [*chosen, *waiting[:3]]:
            services.ombudsman_information_request_add(
                referral=referral,
                requested_on=referral.referred_on,
                due_on=referral.referred_on + timedelta(days=14),
                description="The complaint file, repair history and stage 2 response.",
                actor=officer,
            )
            finding = FINDING_FOR.get(referral.outcome)
            if finding is None or referral.outcome_on is None:
                continue
            services.ombudsman_finding_add(
                referral=referral,
                element="The landlord's handling of the repair",
                finding=finding,
                determined_on=referral.outcome_on,
                actor=officer,
            )
            services.ombudsman_finding_add(
                referral=referral,
                element="The landlord's complaint handling",
                finding=Finding.SERVICE_FAILURE,
                determined_on=referral.outcome_on,
                actor=officer,
            )
            orders = [
                services.ombudsman_order_add(
                    referral=referral,
                    kind=OrderKind.ORDER,
                    description="Pay the resident £250 for distress and inconvenience.",
                    due_on=referral.outcome_on + timedelta(days=28),
                    actor=officer,
                ),
                services.ombudsman_order_add(
                    referral=referral,
                    kind=OrderKind.RECOMMENDATION,
                    description="Review how repair appointments are confirmed.",
                    due_on=referral.outcome_on + timedelta(days=56),
                    actor=officer,
                ),
            ]
            # Orders are mostly met on time; the latest determination's are still open, so
            # the reports show both states (one of them overdue once its date has passed).
            if referral != latest:
                for order in orders:
                    services.ombudsman_order_complete(
                        order=order,
                        completed_on=min(order.due_on - timedelta(days=3), today),
                        evidence="Payment record and letter to the resident sent to the Ombudsman.",
                        actor=officer,
                    )
