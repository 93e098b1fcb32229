"""Awaab's Law in the annual report and the MRC pack: compliance with each hazard clock for
the reports the landlord became aware of in the period (the compliance page's figures, from
``hazards.selectors.compliance``). A separate section, so the reports only include it."""

from dataclasses import dataclass

from putright.hazards.selectors import ComplianceRow, compliance
from putright.reporting.figures import Period


@dataclass(frozen=True)
class HazardSection:
    period: Period
    rows: list[ComplianceRow]

    @property
    def reports_seen(self) -> bool:
        return any(row.met or row.missed or row.open or row.stopped for row in self.rows)


def hazard_section(period: Period) -> HazardSection:
    rows, _ = compliance(start=period.start, end=period.end)
    return HazardSection(period=period, rows=rows)
