"""Play one planned complaint through the real services, each step on its own historical day."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from putright.accounts.models import User
from putright.complaints.constants import Channel, Direction
from putright.complaints.demo.plans import Days, Plan, Promise, StagePlan, schedule
from putright.complaints.demo.text import (
    CATEGORY_TEXT,
    DECISION_REASONS,
    ESCALATION_REASONS,
    EXCLUSION_TEXT,
    EXTENSION_REASONS,
    GOOD_REASONS,
    NO_REMEDY,
    NOT_RESPONSIBLE_FOR,
    RESPONSIBLE_FOR,
    SUMMARIES,
    WITHDRAWAL_REASONS,
    fill,
)
from putright.complaints.models import Category, Complaint, OmbudsmanReferral, Stage
from putright.complaints.services import (
    ActionInput,
    DecisionInput,
    RemedyInput,
    ResponseInput,
    action_complete,
    complaint_add_points,
    complaint_close,
    complaint_escalate,
    complaint_exclude,
    complaint_receive,
    complaint_withdraw,
    correspondence_add,
    note_add,
    ombudsman_outcome_record,
    ombudsman_referral_record,
    remedy_complete,
    stage_acknowledge,
    stage_assign,
    stage_extend,
    stage_respond,
)
from putright.rules.profile import HOUSING_OMBUDSMAN_2024

LONDON = ZoneInfo("Europe/London")

HEARD_BY = {
    Channel.CONTRACTOR: "An operative from Apex Property Care, at the resident's door",
    Channel.STAFF: "The neighbourhood officer, on an estate walkabout",
    Channel.SOCIAL_MEDIA: "The communications team (a Facebook message)",
    Channel.SERVICE_REQUEST: "The repairs contact centre, while booking a repair",
}
SELF_SERVICE = {Channel.ONLINE_FORM: "Online complaint form", Channel.PORTAL: "Resident portal"}


def moment(day: date, n: int) -> datetime:
    """An office-hours time on `day` for the n-th step taken that day."""
    return datetime.combine(day, time(9, 5), tzinfo=LONDON) + timedelta(minutes=min(n, 40) * 11)


class Story:
    """One complaint's plan, played forward step by step up to `today`."""

    def __init__(
        self,
        plan: Plan,
        *,
        rng: random.Random,
        days: Days,
        staff: dict[str, User],
        categories: dict[str, Category],
        made: dict[int, Complaint],
    ) -> None:
        self.plan, self.rng, self.days, self.staff = plan, rng, days, staff
        self.categories, self.made = categories, made
        self.complaint: Complaint | None = None
        self.points: list[str] = []
        self.outcome_wanted = ""
        self.follow_ups: dict[tuple[int, int], object] = {}
        self.referral: OmbudsmanReferral | None = None

    def play(self, today: date) -> None:
        per_day: dict[date, int] = {}
        for step in schedule(self.plan, self.days):
            if step.on > today:
                break
            n = per_day[step.on] = per_day.get(step.on, -1) + 1
            with time_machine.travel(moment(step.on, n), tick=False):
                kind = step.kind.rstrip("12")
                number = int(step.kind[-1]) if step.kind[-1] in "12" else 0
                getattr(self, f"_{kind}")(step.on, number, step.arg)

    # --- helpers -------------------------------------------------------------------------------

    @property
    def c(self) -> Complaint:
        if self.complaint is None:
            raise RuntimeError(f"Demo complaint {self.plan.index} was never received.")
        return self.complaint

    def stage(self, number: int) -> Stage:
        return self.c.stages.get(number=number)

    def stage_plan(self, number: int) -> StagePlan:
        sp = self.plan.stage1 if number == 1 else self.plan.stage2
        if sp is None:
            raise RuntimeError(f"Demo complaint {self.plan.index} has no stage {number} plan.")
        return sp

    def handler(self, number: int) -> User:
        return self.staff[self.plan.handler if number == 1 else self.plan.stage2_handler]

    def write(self, subject: str, body: str) -> None:
        resident = self.plan.household.resident
        correspondence_add(
            complaint=self.c,
            direction=Direction.OUTGOING,
            channel=Channel.EMAIL if resident.email else Channel.LETTER,
            counterpart=resident.full_name,
            subject=subject,
            body=body,
            occurred_at=timezone.now(),
            actor=self.staff["olivia"],
        )

    # --- steps ---------------------------------------------------------------------------------

    def _receive(self, on: date, _n: int, _a: int) -> None:
        p, rng = self.plan, self.rng
        text = CATEGORY_TEXT[p.category]
        since = p.received_on - timedelta(days=p.issue_days_ago)
        description = fill(
            rng.choice(text["descriptions"]), rng, since=since, home=p.household.address
        )
        self.points = rng.sample(text["points"], min(len(text["points"]), rng.choice([1, 2, 2, 3])))
        self.outcome_wanted = rng.choice(text["outcomes"])
        officer = self.staff["olivia"]
        if p.linked_from is not None:
            result = complaint_add_points(
                complaint=self.made[p.linked_from],
                points=self.points,
                related=False,
                actor=officer,
                received_on=p.received_on,
            )
            self.complaint = result.complaint
            return
        self_service = SELF_SERVICE.get(Channel(p.channel))
        self.complaint = complaint_receive(
            resident=p.household.resident,
            channel=p.channel,
            received_on=p.received_on,
            description=description,
            actor=None if self_service else officer,
            actor_label=self_service or "",
            issue_started_on=since,
            became_aware_on=since,
            spoken_to="Rang the repairs line twice; spoke to the contact centre."
            if p.channel == Channel.PHONE
            else "",
            outcome_wanted=self.outcome_wanted,
            category=self.categories[p.category],
            heard_by=HEARD_BY.get(Channel(p.channel), ""),
        ).complaint
        if p.channel == Channel.EMAIL:
            correspondence_add(
                complaint=self.c,
                direction=Direction.INCOMING,
                channel=Channel.EMAIL,
                counterpart=p.household.name,
                subject=f"Complaint - {p.household.address}",
                body=description,
                occurred_at=timezone.now() - timedelta(minutes=30),
                actor=officer,
            )

    def _exclude(self, on: date, number: int, _a: int) -> None:
        p = self.plan
        ground = (p.stage2_exclusion if number == 2 else p.exclusion) or "service_request"
        reasoning, notes = EXCLUSION_TEXT[ground]
        when = p.received_on - timedelta(days=p.issue_days_ago if number == 1 else 40)
        args = {"since": when, "home": p.household.address, "name": p.household.name}
        discretion = HOUSING_OMBUDSMAN_2024.exclusion_ground(ground).discretion
        complaint_exclude(
            complaint=self.c,
            ground=ground,
            reasoning=fill(reasoning, self.rng, **args),
            discretion_considered=discretion,
            discretion_notes=fill(notes, self.rng, **args),
            actor=self.staff["olivia"],
            decided_on=on,
            # The 12-month ground is measured from these (Code 2.2-2.3); the story knows them.
            issue_started_on=self.c.issue_started_on or when,
            became_aware_on=self.c.became_aware_on or self.c.issue_started_on or when,
        )
        self.write(
            f"Your complaint {self.c.reference}",
            "We are not able to take this through our complaints procedure; this letter "
            "explains why and how to ask the Housing Ombudsman to look at our decision.",
        )

    def _ack(self, on: date, number: int, _a: int) -> None:
        p, sp = self.plan, self.stage_plan(number)
        handler = self.handler(number)
        actor = self.staff["olivia"] if number == 1 and p.triaged else handler
        stage = stage_acknowledge(
            stage=self.stage(number),
            points=self.points if number == 1 else sp.extra_points,
            outcomes_sought=self.outcome_wanted
            if number == 1
            else "A fresh look at the complaint and a fair remedy.",
            responsible_for=RESPONSIBLE_FOR[p.category],
            not_responsible_for=NOT_RESPONSIBLE_FOR.get(p.category, ""),
            to_clarify="Confirm the dates of the missed appointments."
            if self.rng.random() < 0.2
            else "",
            actor=actor,
            acknowledged_on=on,
            handler=handler,
        )
        self.write(
            f"Your complaint {self.c.reference}: we have received it (stage {number})",
            f"{handler} is dealing with your complaint. We will respond by "
            f"{stage.response_due:%-d %B %Y}.",
        )

    def _related_points(self, on: date, _n: int, _a: int) -> None:
        complaint_add_points(
            complaint=self.c,
            related=True,
            actor=self.handler(1),
            received_on=on,
            points=["The resident was not told the outcome of the inspection visit."],
        )

    def _extend(self, on: date, number: int, i: int) -> None:
        stage, ext = self.stage(number), self.stage_plan(number).extensions[i]
        original = stage.response_due_original or on  # set by the acknowledgement
        stage_extend(
            stage=stage,
            new_due=self.days.after(original, ext.extra),
            reason=self.rng.choice(EXTENSION_REASONS),
            resident_informed_on=on,
            update_interval_days=5,
            actor=self.handler(number),
            good_reason=self.rng.choice(GOOD_REASONS) if ext.good_reason else "",
        )

    def _review(self, on: date, number: int, _a: int) -> None:
        reviewer = "hamid" if self.handler(number).get_username() == "olivia" else "olivia"
        note_add(
            complaint=self.c,
            actor=self.staff[reviewer],
            text=(
                f"Stage {number} response reviewed before sending: every point has a decision and "
                "reasons, the remedy says what and by when, and the escalation route is included."
            ),
        )

    def _outcomes(self, numbers: list[int], verdict: str) -> list[str]:
        if verdict != "partly_upheld":
            return [verdict] * len(numbers)
        if len(numbers) == 1:
            return ["partly_upheld"]
        rest = [self.rng.choice(["upheld", "partly_upheld", "not_upheld"]) for _ in numbers[2:]]
        return ["upheld", "not_upheld", *rest]

    def _respond(self, on: date, number: int, _a: int) -> None:
        sp, rng = self.stage_plan(number), self.rng
        stage = self.stage(number)
        numbers = list(self.c.points.values_list("number", flat=True))
        outcomes = self._outcomes(numbers, sp.verdict)
        remedies = [p for p in sp.promises if p.kind != "action"]
        actions = [p for p in sp.promises if p.kind == "action"]
        text = CATEGORY_TEXT[self.plan.category]
        summary = SUMMARIES[sp.verdict]
        if number == 2:
            summary = f"This is our final response to your complaint. {summary}"
        response = stage_respond(
            stage=stage,
            actor=self.handler(number),
            issued_on=on,
            data=ResponseInput(
                summary=summary,
                decisions=[
                    DecisionInput(point=n, outcome=o, reasons=rng.choice(DECISION_REASONS[o]))
                    for n, o in zip(numbers, outcomes, strict=True)
                ],
                remedies=[
                    RemedyInput(
                        remedy_type=r.kind,
                        description=r.description,
                        due_on=self.days.after(on, r.due),
                        amount=r.amount,
                        band=r.band,
                        units=r.units,
                    )
                    for r in remedies
                ],
                actions=[
                    ActionInput(
                        description=a.description,
                        owner_name=a.owner,
                        due_on=self.days.after(on, a.due),
                    )
                    for a in actions
                ],
                learning=rng.choice(text["learning"]) if sp.verdict != "not_upheld" else "",
                no_remedy_reason="" if remedies else NO_REMEDY,
                early_resolution=sp.early_resolution,
            ),
        )
        made = list(response.remedies.order_by("id")) + list(
            response.outstanding_actions.order_by("id")
        )
        ordered: list[Promise] = remedies + actions
        for promise, item in zip(ordered, made, strict=True):
            self.follow_ups[(number, sp.promises.index(promise))] = item
        self.write(f"Your complaint {self.c.reference}: our stage {number} response", summary)

    def _done(self, on: date, number: int, i: int) -> None:
        item = self.follow_ups[(number, i)]
        who = self.handler(number)
        if self.stage_plan(number).promises[i].kind == "action":
            action_complete(
                action=item,
                actor=who,
                completed_on=on,  # type: ignore[arg-type]
                note="Completed and confirmed to the resident by phone.",
            )
        else:
            remedy_complete(
                remedy=item,
                actor=who,
                completed_on=on,  # type: ignore[arg-type]
                note="Done; the resident has been told.",
            )

    def _close(self, on: date, _n: int, _a: int) -> None:
        final = self.c.current_stage == 2
        complaint_close(
            complaint=self.c,
            closed_on=on,
            actor=self.handler(self.c.current_stage),
            reason="Final response issued; the resident has been told how to refer the complaint "
            "to the Housing Ombudsman."
            if final
            else "Stage 1 response issued and the resident has not asked to escalate; remedies and "
            "actions stay tracked to completion.",
        )

    def _escalate(self, on: date, _n: int, _a: int) -> None:
        complaint_escalate(
            complaint=self.c,
            actor=None,
            requested_on=on,
            actor_label=f"{self.plan.household.name} (resident)",
            reason=self.rng.choice(ESCALATION_REASONS),
        )

    def _assign(self, on: date, number: int, _a: int) -> None:
        stage_assign(
            stage=self.stage(number),
            handler=self.handler(number),
            actor=self.staff["olivia"],
            conflict="none",
        )

    def _withdraw(self, on: date, _n: int, _a: int) -> None:
        complaint_withdraw(
            complaint=self.c,
            reason=self.rng.choice(WITHDRAWAL_REASONS),
            actor=self.staff["olivia"],
            withdrawn_on=on,
        )

    def _refer(self, on: date, _n: int, _a: int) -> None:
        self.referral = ombudsman_referral_record(
            complaint=self.c,
            referred_on=on,
            actor=self.staff["olivia"],
            ombudsman_reference=f"{on:%Y}{self.plan.index:06d}",
            notes="The Ombudsman has asked for the complaint file and our final response.",
        )

    def _ombudsman_outcome(self, on: date, _n: int, _a: int) -> None:
        if self.referral is None or self.plan.ombudsman is None:
            raise RuntimeError(f"Demo complaint {self.plan.index} has no referral to decide.")
        ombudsman_outcome_record(
            referral=self.referral,
            outcome=self.plan.ombudsman[1],
            outcome_on=on,
            actor=self.staff["olivia"],
            notes="Determination received; any orders are logged as actions on the case.",
        )
