"""Hazard reports built through the real services, as what happened to a resident."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from putright.hazards import services
from putright.hazards.models import HazardReport

LONDON = ZoneInfo("Europe/London")


def london(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=LONDON)


def raised(*, actor: Any, complaint: Any = None, **kwargs: Any) -> HazardReport:
    """Black mould in the bedroom, reported by the resident on the phone."""
    values = {
        "aware_at": london(2026, 3, 2, 9),
        "source": "complaint",
        "told_by": "Rosa Bell, by phone",
        "hazard": "damp_mould",
        "assessment": "significant",
        "description": "Black mould on the bedroom ceiling, spreading.",
        "occupiers": "Rosa and two children",
        "vulnerabilities": "Youngest child (2) has asthma",
    }
    values.update(kwargs)
    if complaint is None and "address" not in values and "resident" not in values:
        values["address"] = "12 Canal Street, Rochdale"
    return services.hazard_report_raise(complaint=complaint, actor=actor, **values)


def investigated(
    report: HazardReport, *, actor: Any, found: bool = True, **kw: Any
) -> HazardReport:
    return services.hazard_investigation_record(
        report=report,
        investigator=kw.pop("investigator", "Dev Patel, damp surveyor"),
        concluded_at=kw.pop("concluded_at", report.aware_at + timedelta(hours=1)),
        findings=kw.pop("findings", "Condensation mould from a failed extractor fan."),
        hazard_found=found,
        further_work_needed=kw.pop("further_work_needed", found),
        actor=actor,
    )
