"""Replaying one plan's lifecycle through the real complaint services, at its real dates."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from putright.complaints import services
from putright.complaints.models import Complaint, Stage
from putright.complaints.services import DecisionInput, RemedyInput, ResponseInput
from putright.complaints.services.common import stage_numbered
from putright.complaints.services.record import latest_referral
from putright.complaints.services.stages import definition_points
from putright.core import held
from putright.imports.plans import ComplaintPlan, StagePlan
from putright.people.models import Property, Resident, Tenancy
from putright.people.services import resident_add, tenancies_changed, tenancy_start
from putright.rules.profile import CodeProfile

NOT_RECORDED = "Not recorded in the previous system."
RESPONSE_SUMMARY = "Stage {n} response sent from the previous system (imported)."
DECISION_REASONS = "The reasons are in the response kept in the previous system."
NO_REMEDY = "No remedy was recorded in the previous system."
REMEDY_DESCRIPTION = "{label} (recorded in the previous system)."
# Policy 6.5: a payment is on the schedule or says why not; an imported one predates it here.
IMPORTED_PAYMENT = "Offered in the previous system; its compensation band was not recorded."
CLOSE_REASON = "Closed in the previous system."
WITHDRAW_REASON = "Withdrawn in the previous system."
# Code 5.9 asks for an agreed update interval; old systems rarely kept it.
DEFAULT_UPDATE_INTERVAL = 5

# Which columns each step reads: a correction to a later, not-yet-applied step is applied.
STEP_COLUMNS: dict[str, tuple[str, ...]] = {
    "exclude": (
        "excluded_on",
        "exclusion_ground",
        "exclusion_reasoning",
        "exclusion_discretion_considered",
    ),
    "close": ("closed_on",),
    "escalate": ("s2_requested_on",),
    "withdraw": ("withdrawn_on", "withdrawal_reason"),
    "refer": ("ombudsman_referred_on", "ombudsman_reference"),
    "ombudsman_outcome": ("ombudsman_outcome", "ombudsman_outcome_on"),
}
for _n in (1, 2):
    STEP_COLUMNS[f"acknowledge_{_n}"] = (f"s{_n}_acknowledged_on", f"s{_n}_handler") + (
        ("s1_points",) if _n == 1 else ()
    )
    STEP_COLUMNS[f"extend_{_n}"] = tuple(
        f"s{_n}_{c}"
        for c in (
            "extended_to",
            "extension_reason",
            "extended_on",
            "resident_told_on",
            "extension_good_reason",
        )
    )
    STEP_COLUMNS[f"respond_{_n}"] = tuple(
        f"s{_n}_{c}" for c in ("responded_on", "decision", "summary", "remedies")
    )


def _key(obj: Any) -> tuple[str, int]:
    """A cache key for a row that may not be written yet (held by an import's chunk)."""
    return ("pk", obj.pk) if obj.pk is not None else ("held", id(obj))


@dataclass
class People:
    """Residents, homes and tenancies matched or created once per import, cached.

    Rows created here go through ``core.held``: written at once row by row, or held with the
    rest of a chunk's rows by the bulk path. A row the services refuse forgets what it added
    (`mark` / `forget_since`)."""

    residents: dict[str, Resident] = field(default_factory=dict)
    homes: dict[str, Property] = field(default_factory=dict)
    # (resident, home, tenure) → [resident, home, tenancy id or held tenancy, start date]: the
    # chunk's.
    tenancies: dict[tuple, list[Any]] = field(default_factory=dict)
    looked_up: set[str] = field(default_factory=set)  # property refs read this chunk
    # Residents whose tenancies were all read this chunk: a tenancy not cached is new.
    tenancies_read: set[int] = field(default_factory=set)
    held_residents: list[Resident] = field(default_factory=list)  # new, not written yet
    undo: list[Callable[[], None]] = field(default_factory=list)  # what this chunk changed

    def prefetch(self, plans: list[ComplaintPlan]) -> None:
        """Three queries per chunk of rows instead of several per row."""
        from putright.imports.models import ImportedResident

        # Only this chunk's people are kept, so memory stays flat however long the file is.
        self.residents.clear()
        self.homes.clear()
        wanted = {p.resident.legacy_id for p in plans}
        # With their homes: a new complaint's search row is built from its resident's home
        # (complaints.search.index_new_rows), which would otherwise be read while the chunk is
        # written, and on PostgreSQL wait there for every INSERT sent before it (core.held).
        for link in ImportedResident.objects.filter(legacy_id__in=wanted).select_related(
            "resident__home"
        ):
            self.residents[link.legacy_id] = link.resident
        refs = {p.resident.property_ref for p in plans if p.resident.property_ref}
        for home in Property.objects.filter(uprn__in=refs).order_by("-id"):
            self.homes[home.uprn] = home  # the oldest wins, as in _home()
        self.looked_up = refs
        known = [r.pk for r in self.residents.values()]
        self.tenancies_read = set(known)
        # Every tenancy of the chunk's known residents is read again (earlier chunks' are
        # written): none kept from them, so memory stays flat and `written` stays cheap.
        self.tenancies.clear()
        if known:
            columns = ("resident_id", "home_id", "tenure", "pk", "start_on")
            tenancies = Tenancy.objects.filter(resident_id__in=known).order_by("id")
            for resident_id, home_id, tenure, pk, start_on in tenancies.values_list(*columns):
                key = (("pk", resident_id), ("pk", home_id), tenure)
                self.tenancies.setdefault(key, [None, None, pk, start_on])

    def mark(self) -> int:
        return len(self.undo)

    def forget_since(self, mark: int) -> None:
        """Forget what a refused row added or changed (its rows were never written)."""
        for step in reversed(self.undo[mark:]):
            step()
        del self.undo[mark:]

    def written(self) -> None:
        """After a chunk's held rows are written: key the tenancies by their new ids, keeping
        only ids and dates (memory stays flat)."""
        self.tenancies = {
            ((_key(r), _key(h), key[2]) if r is not None else key): [None, None, _pk(t), start]
            for key, (r, h, t, start) in self.tenancies.items()
        }
        self.undo.clear()
        # A resident this import created has only the tenancies it cached (a chunk written
        # part-way keeps its residents): none to look for in the database.
        self.tenancies_read |= {r.pk for r in self.held_residents if r.pk is not None}
        self.held_residents.clear()

    def _remember(self, cache: dict, key: Any, value: Any) -> None:
        missing = object()
        old = cache.get(key, missing)
        self.undo.append(
            (lambda: cache.pop(key, None)) if old is missing else (lambda: cache.update({key: old}))
        )
        cache[key] = value

    def resident_for(self, plan: ComplaintPlan) -> tuple[Resident, Property | None]:
        from putright.imports.models import ImportedResident

        p = plan.resident
        home = self._home(plan) if p.tenure != "non_customer" else None
        resident = self.residents.get(p.legacy_id)
        new = resident is None
        if resident is None:
            resident = resident_add(
                full_name=p.name,
                email=p.email,
                phone=p.phone,
                home=home,
                is_customer=p.tenure != "non_customer",
                actor=None,  # the import records the history, not a member of staff
            )
            held.create(ImportedResident, legacy_id=p.legacy_id, resident=resident)
            if resident.pk is None:
                self.held_residents.append(resident)
            self._remember(self.residents, p.legacy_id, resident)
        if home is not None:
            self._tenancy(resident, home, p.tenure, plan.received_on, new=new)
        return resident, home

    def _tenancy(self, resident: Resident, home: Property, tenure: str, on: date, *, new: bool):
        """The tenancy the complaint was made under; the old system rarely gives its start, so
        it starts no later than the resident's earliest imported complaint (TSM CH01 counts
        complaints by the tenure at the time)."""
        key = (_key(resident), _key(home), tenure)
        known = self.tenancies.get(key)
        if known is None:
            tenancy = None
            # A resident and home both written before, whose tenancies were not all read this
            # chunk, may hold it already.
            written = not (new or resident.pk is None or home.pk is None)
            if written and resident.pk not in self.tenancies_read:
                tenancy = (
                    Tenancy.objects.filter(resident=resident, home=home, tenure=tenure)
                    .order_by("id")
                    .first()
                )
            if tenancy is None:
                tenancy = tenancy_start(resident=resident, home=home, tenure=tenure, start_on=on)
            known = [resident, home, _pk(tenancy), tenancy.start_on]
            self._remember(self.tenancies, key, known)
        if on < known[3]:
            tenancy = known[2]
            if isinstance(tenancy, Tenancy):  # held: not written yet
                was = tenancy.start_on
                tenancy.start_on = on
                self.undo.append(lambda: setattr(tenancy, "start_on", was))
            else:
                held.update(Tenancy, tenancy, start_on=on)
                # Earlier complaints of theirs may now fall under it (their tenure at receipt).
                held.after_write(tenancies_changed, [held.pk_of(resident)])
            self._remember(self.tenancies, key, [*known[:3], on])

    def _home(self, plan: ComplaintPlan) -> Property:
        p = plan.resident
        home = self.homes.get(p.property_ref)
        if home is None:
            home = None
            if p.property_ref not in self.looked_up:
                home = Property.objects.filter(uprn=p.property_ref).order_by("id").first()
            if home is None:
                home = held.create(
                    Property,
                    uprn=p.property_ref,
                    address_line_1=p.address_line_1 or f"Property {p.property_ref}",
                    town=p.town,
                    postcode=p.postcode,
                )
            self._remember(self.homes, p.property_ref, home)
        return home


def _pk(tenancy: Any) -> Any:
    """A tenancy's id, or the held tenancy itself until it is written."""
    if isinstance(tenancy, Tenancy):
        return tenancy.pk if tenancy.pk is not None else tenancy
    return tenancy


def _stage(complaint: Complaint, number: int) -> Stage:
    stage = stage_numbered(complaint, number)
    stage.complaint = complaint  # the services then update this very instance
    return stage


def _response(complaint: Complaint, s: StagePlan, profile: CodeProfile) -> ResponseInput:
    numbers = sorted(p.number for p in definition_points(complaint))
    return ResponseInput(
        summary=s.summary or RESPONSE_SUMMARY.format(n=s.number),
        decisions=[
            DecisionInput(point=n, outcome=s.decision, reasons=DECISION_REASONS) for n in numbers
        ],
        remedies=[
            RemedyInput(
                remedy_type=r.remedy_type,
                description=REMEDY_DESCRIPTION.format(
                    label=profile.remedy_type(r.remedy_type).label
                ),
                due_on=s.responded_on,
                amount=r.amount,
                deviation_reason=IMPORTED_PAYMENT if r.amount is not None else "",
            )
            for r in s.remedies
        ],
        no_remedy_reason="" if s.remedies else NO_REMEDY,
    )


def apply_step(
    step: str, complaint: Complaint, plan: ComplaintPlan, *, actor: Any, profile: CodeProfile
) -> None:
    """Run one lifecycle step through its service, dated as the old system recorded it."""
    if step in {"acknowledge_1", "extend_1", "respond_1", "acknowledge_2", "extend_2", "respond_2"}:
        kind, number = step.split("_")
        s = plan.stages[int(number) - 1]
        stage_actor = s.handler or actor
        stage = _stage(complaint, s.number)
        if kind == "acknowledge":
            ack_on: date = s.acknowledged_on  # type: ignore[assignment]
            services.stage_acknowledge(
                stage=stage,
                points=(s.points or [plan.description]) if s.number == 1 else [],
                outcomes_sought=plan.outcome_wanted or NOT_RECORDED,
                responsible_for=NOT_RECORDED,
                actor=stage_actor,
                acknowledged_on=ack_on,
                handler=s.handler,
                points_added_on=ack_on,
            )
        elif kind == "extend":
            services.stage_extend(
                stage=stage,
                new_due=s.extended_to,  # type: ignore[arg-type]
                reason=s.extension_reason,
                resident_informed_on=s.resident_told_on,
                update_interval_days=DEFAULT_UPDATE_INTERVAL,
                actor=stage_actor,
                good_reason=s.extension_good_reason,
                extended_on=s.extended_on,
            )
        else:
            services.stage_respond(
                stage=stage,
                data=_response(complaint, s, profile),
                actor=stage_actor,
                issued_on=s.responded_on,
            )
    elif step == "exclude":
        services.complaint_exclude(
            complaint=complaint,
            ground=plan.exclusion_ground,
            reasoning=plan.exclusion_reasoning,
            discretion_considered=plan.discretion_considered,
            actor=actor,
            decided_on=plan.excluded_on,
            issue_started_on=plan.issue_started_on,
            became_aware_on=plan.became_aware_on,
        )
    elif step == "escalate":
        services.complaint_escalate(
            complaint=complaint, actor=actor, requested_on=plan.stages[1].requested_on
        )
    elif step == "close":
        services.complaint_close(
            complaint=complaint, reason=CLOSE_REASON, actor=actor, closed_on=plan.closed_on
        )
    elif step == "withdraw":
        services.complaint_withdraw(
            complaint=complaint,
            reason=plan.withdrawal_reason or WITHDRAW_REASON,
            actor=actor,
            withdrawn_on=plan.withdrawn_on,
        )
    elif step == "refer":
        services.ombudsman_referral_record(
            complaint=complaint,
            referred_on=plan.ombudsman_referred_on,  # type: ignore[arg-type]
            actor=actor,
            ombudsman_reference=plan.ombudsman_reference,
        )
    elif step == "ombudsman_outcome":
        services.ombudsman_outcome_record(
            referral=latest_referral(complaint),  # type: ignore[arg-type]
            outcome=plan.ombudsman_outcome,
            outcome_on=plan.ombudsman_outcome_on,  # type: ignore[arg-type]
            actor=actor,
        )
    else:  # pragma: no cover - the plan only produces the steps above
        raise ValueError(step)
