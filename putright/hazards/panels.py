"""The hazard panel on a complaint's case page: hazard clocks beside the Code's, and the
"is there a hazard?" prompt on damp and mould complaints (registered in ``apps.ready``)."""

import re

from django.template.loader import render_to_string

from putright.complaints.hooks import register_case_panel
from putright.core.permissions import Action, allowed
from putright.hazards.selectors import complaint_rows

# A complaint "about damp and mould" by its category or its words; a prompt, never a decision.
_DAMP = re.compile(r"\b(damp|mould|mold|condensation|fungal)\b", re.IGNORECASE)


def is_about_damp_or_mould(complaint) -> bool:
    category = getattr(complaint.category, "code", "") or ""
    return "damp" in category or "mould" in category or bool(_DAMP.search(complaint.description))


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
