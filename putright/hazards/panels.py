"""What the hazards app adds to the complaint pages (registered in ``apps.ready``): the panel
on a complaint's case page (hazard clocks beside the Code's, and the "is there a hazard?"
prompt on damp and mould complaints), the work queue's "Hazard" filter, and the dashboard's
hazard clocks due and overdue."""

import re
from datetime import date
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from putright.complaints.hooks import (
    QueueFilter,
    register_case_panel,
    register_case_prompt,
    register_dashboard_panel,
    register_queue_filter,
)
from putright.core.clock import now as clock_now
from putright.core.permissions import Action, allowed
from putright.hazards.selectors import complaint_rows, due_by, handled_by, running_reports

# A complaint "about damp and mould" by its category or its words; a prompt, never a decision.
_DAMP = re.compile(r"\b(damp|mould|mold|condensation|fungal)\b", re.IGNORECASE)


def is_about_damp_or_mould(complaint) -> bool:
    category = getattr(complaint.category, "code", "") or ""
    return "damp" in category or "mould" in category or bool(_DAMP.search(complaint.description))


HAZARD_PROMPT = (
    "Is there a hazard? This complaint mentions damp or mould. If the home may have a "
    "significant hazard, raise a hazard report from the case page: Awaab's Law gives 10 working "
    "days to investigate (24 hours if it is an emergency), from when the landlord became aware."
)


@register_case_prompt
def hazard_prompt(complaint, moment: str) -> str:
    """Ask "is there a hazard?" when a damp and mould complaint is logged or acknowledged,
    unless a hazard report is already linked to it."""
    if not is_about_damp_or_mould(complaint) or complaint.hazard_reports.exists():
        return ""
    return HAZARD_PROMPT


@register_case_panel
def hazard_panel(request, complaint) -> str:
    rows = complaint_rows(complaint.pk)
    prompt = not rows and is_about_damp_or_mould(complaint)
    return render_to_string(
        "hazards/_case_panel.html",
        {
            "complaint": complaint,
            "rows": rows,
            "prompt": prompt,
            "can_record": allowed(request.user, Action.RECORD_HAZARDS),
        },
        request=request,
    )


HAZARD_FILTER_CHOICES = (
    ("open", "Has a hazard clock running"),
    ("due", "A hazard clock is due within 2 working days"),
    ("overdue", "A hazard clock is overdue"),
)


def _narrow(value: str, today: date) -> Any:
    """Complaints with a hazard report whose clocks are running, due or overdue: an IN over
    the (few) running reports, so the queue is not tested complaint by complaint."""
    return Q(pk__in=running_reports(when=value).order_by().values("complaint_id"))


register_queue_filter(
    QueueFilter(
        key="hazard", label="Hazard (Awaab's Law)", choices=HAZARD_FILTER_CHOICES, narrow=_narrow
    )
)


@register_dashboard_panel
def hazard_dashboard(request) -> str:
    """Hazard clocks due and overdue: everyone's, and those the reader handles (on their
    complaints, or reports with no complaint that they raised: ``handled_by``)."""
    moment = clock_now()
    overdue = running_reports(when="overdue", now=moment)
    due = running_reports(when="due", now=moment)
    return render_to_string(
        "hazards/_dashboard.html",
        {
            "overdue": overdue.count(),
            "due": due.count(),
            "running": running_reports(when="open", now=moment).count(),
            "mine_overdue": overdue.filter(handled_by(request.user)).count(),
            "mine_due": due.filter(handled_by(request.user)).count(),
            "due_by": due_by(now=moment),
            "list_url": reverse("hazards:list"),
        },
        request=request,
    )
