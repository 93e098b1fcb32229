"""Staff pages: the work queue, the case page and its actions, logging, the dashboard.

Each view states who may use it (a decorator below), parses input with a form, calls ONE
service or selector, and renders. Refused changes come back as field errors; nothing is saved.
"""

import contextlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from putright.complaints import display, hooks, team
from putright.complaints.calendar import calendar_pinned, landlord_history
from putright.complaints.constants import Channel, DraftStatus
from putright.complaints.deadlines import (
    action_update_due,
    extension_check,
    stage_clocks,
    stage_update_clock,
)
from putright.complaints.followups import COUNT_CAP as FOLLOW_UP_COUNT_CAP
from putright.complaints.followups import FollowUpFilters, follow_up_counts, follow_up_page
from putright.complaints.forms import (
    CASE_ACTIONS,
    FollowUpFilterForm,
    LogComplaintForm,
    QueueFilterForm,
)
from putright.complaints.forms.respond import with_row_added, with_row_removed, working_values
from putright.complaints.models import Attachment, Complaint
from putright.complaints.selectors import (
    QUEUE_ATTENTION_LABELS,
    QUEUE_SCOPE_LABELS,
    TIMELINE_KINDS,
    QueueAttention,
    QueueFilters,
    QueueScope,
    case_page,
    case_timeline,
    dashboard_figures,
    needs_attention_counts,
    open_tally,
    reporting_year_start,
    search_everything,
    stage_days,
    work_queue,
    work_queue_rows,
)
from putright.complaints.services.common import profile_for
from putright.complaints.services.review import response_draft_save
from putright.complaints.services.stages import ALREADY_ESCALATED
from putright.complaints.triage import triage_prompts
from putright.core import fulltext, once
from putright.core import permissions as perms
from putright.core.clock import today
from putright.core.dates import date_from_query
from putright.core.errors import ComplaintError
from putright.core.permissions import allowed, permission_required_for
from putright.core.profile import current_profile
from putright.people import search as resident_search
from putright.people import selectors as people_selectors
from putright.people.models import Resident
from putright.rules.workflow import State, TransitionNotAllowed, allowed_actions, next_steps
from putright.web.charts import bar_chart

# Triage prompts help decide whether to accept: at receipt and at an escalation request.
TRIAGE_STATES = frozenset({State.RECEIVED, State.STAGE2_REQUESTED})

QUEUE_PAGE_SIZE = 25
FINDER_PAGE_SIZE = 10  # residents offered at a time when logging a complaint
View = Callable[..., HttpResponse]


# Every signed-in staff member, including the read-only viewer role, may read.
staff_may_read = permission_required_for(perms.Action.VIEW_CASES)
# Handlers, officers and administrators may change cases; viewers never.
case_workers_only = permission_required_for(perms.Action.WORK_CASES)


# --- the work queue ----------------------------------------------------------------------------


@require_GET
@staff_may_read
def queue(request: HttpRequest) -> HttpResponse:
    """Open complaints, the next deadline first, with due-soon and overdue markers."""
    # Handlers start on their own cases; officers (who allocate) and viewers on everything.
    scope_value = request.GET.get("scope") or (
        QueueScope.MINE
        if allowed(request.user, perms.Action.WORK_CASES)
        and not allowed(request.user, perms.Action.ASSIGN)
        else QueueScope.ALL
    )
    scope = QueueScope(scope_value) if scope_value in QueueScope else QueueScope.ALL
    attention = request.GET.get("attention", "")
    attention = attention if attention in QueueAttention else ""
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = QueueFilters(
        scope=scope,
        stage=data.get("stage"),
        status=data.get("status") or "",
        category_id=data["category"].pk if data.get("category") else None,
        handler_id=data["handler"].pk if data.get("handler") else None,
        channel=data.get("channel") or "",
        overdue=bool(data.get("overdue")),
        extended=bool(data.get("extended")),
        vulnerable=bool(data.get("vulnerable")),
        search=data.get("q") or "",
        extra=form.extra_values(),
        attention=attention,
    )
    on = today()
    searching = bool(filters.search.strip())
    if searching:
        # Search everything: open and closed complaints, whoever handles them.
        ids: Any = search_everything(filters=filters, today=on)
    else:
        # Counted up to the cap, as a search is: the count is what costs at a million.
        ids = fulltext.SearchHits.capped(
            "queue",
            work_queue(user=request.user, filters=filters, today=on).values_list("pk", flat=True),
        )
    page_obj = Paginator(ids, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = landlord_history().as_of(on)
    due_soon = current_profile().due_soon_working_days
    rows = [
        (c, display.queue_marker(c, today=on, calendar=calendar, due_soon=due_soon))
        for c in work_queue_rows(list(page_obj.object_list))
    ]
    params = request.GET.copy()
    params.pop("page", None)
    scope_params = request.GET.copy()
    scope_params.pop("page", None)
    scope_params.pop("scope", None)
    attention_params = request.GET.copy()
    for key in ("page", "attention"):
        attention_params.pop(key, None)
    context = {
        "form": form,
        "rows": rows,
        "page_obj": page_obj,
        "scope": scope,
        "scopes": [(s, label) for s, label in QUEUE_SCOPE_LABELS.items()],
        "query_string": params.urlencode(),
        "scope_query_string": scope_params.urlencode(),
        "attention": attention,
        # The queue lists open complaints unless a status or the failed-letter tab says else.
        "open_only": not filters.status and attention != QueueAttention.LETTER_FAILED,
        "attentions": list(QUEUE_ATTENTION_LABELS.items()),
        "attention_query_string": attention_params.urlencode(),
        "filtered": any(
            v for k, v in request.GET.items() if k not in {"scope", "page", "attention"}
        ),
        "filters_applied": any(
            v for k, v in request.GET.items() if k not in {"scope", "page", "q", "attention"}
        ),
        "today": on,
        "searching": searching,
        "search_kind": ids.kind if searching else "",
        "search_capped": searching and ids.more_than_cap,
        "count_capped": ids.more_than_cap,
        "count_cap": f"{fulltext.COUNT_CAP:,}",
        "results_template": (
            "complaints/_search_results.html" if searching else "complaints/_queue_results.html"
        ),
    }
    template = context["results_template"] if request.htmx else "complaints/queue.html"
    return render(request, template, context)


# --- the follow-through tracker ----------------------------------------------------------------

FOLLOW_UP_TABS = {"all": "All follow-ups", "mine": "My follow-ups"}


@require_GET
@staff_may_read
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Every remedy and outstanding action, open or closed complaint (Code 6.6, 6.17, 7.3)."""
    tab = request.GET.get("tab") if request.GET.get("tab") in FOLLOW_UP_TABS else "all"
    form = FollowUpFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    owner_id = (
        request.user.pk if tab == "mine" else (data["owner"].pk if data.get("owner") else None)
    )
    filters = FollowUpFilters(
        owner_id=owner_id,
        team=(data.get("team") or "").strip(),
        kind=data.get("kind") or "",
        state=data.get("state") or "",
        stage=data.get("stage"),
        status=data.get("status") or "",
    )
    on = today()
    page_obj, rows = follow_up_page(filters=filters, today=on, page=request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    tab_params = request.GET.copy()
    for key in ("page", "tab"):
        tab_params.pop(key, None)
    return render(
        request,
        "complaints/follow_ups.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "tab": tab,
            "tabs": list(FOLLOW_UP_TABS.items()),
            "query_string": params.urlencode(),
            "tab_query_string": tab_params.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k not in {"tab", "page"}),
            "can_complete": allowed(request.user, perms.Action.WORK_CASES),
            "count_cap": f"{FOLLOW_UP_COUNT_CAP:,}",
            "today": on,
        },
    )


# --- the case page -----------------------------------------------------------------------------


def _case_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    on = today()
    history = landlord_history()
    profile = profile_for(complaint)
    stopped_by = display.stopped_by(complaint)
    stages = []
    for stage in complaint.stages.all():
        clocks = stage_clocks(stage, state=complaint.state, on=on, history=history, profile=profile)
        stopped = None if clocks.running else stopped_by
        stages.append(
            {
                "stage": stage,
                "rule": profile.stage(stage.number),
                "clocks": clocks,
                "ack": display.ClockView.of(clocks.acknowledgement, stopped_by=stopped),
                "response": display.ClockView.of(clocks.response, stopped_by=stopped),
                "response_obj": getattr(stage, "response", None)
                if hasattr(stage, "response")
                else None,
            }
        )
    follow_ups = {
        "remedies": [(r, *display.follow_up_status(r, on)) for r in complaint.remedies.all()],
        "actions": [
            (a, *display.follow_up_status(a, on)) for a in complaint.outstanding_actions.all()
        ],
    }
    current = next(
        (s["stage"] for s in stages if s["stage"].number == complaint.current_stage), None
    )
    update_clock = stage_update_clock(
        current.update_due if current else None, on=on, history=history, profile=profile
    )
    kind = request.GET.get("show", "")
    primary, actions = _offered_actions(request, complaint)
    resident = complaint.resident
    drafts = [d for s in complaint.stages.all() for d in s.open_drafts]
    return {
        "complaint": complaint,
        "triage": triage_prompts(complaint) if complaint.state in TRIAGE_STATES else [],
        "representatives": [
            r
            for r in resident.representatives.all()
            if r.ended_on is None and r.covers(complaint.pk)
        ],
        "restrictions": [r for r in resident.contact_restrictions.all() if r.active],
        "exceptional_periods": complaint.flagged_periods,
        "drafts_in_review": [d for d in drafts if d.status == DraftStatus.IN_REVIEW],
        "drafts_returned": [d for d in drafts if d.status == DraftStatus.RETURNED],
        "drafts_saved": [d for d in drafts if d.status == DraftStatus.SAVED],
        "stages": stages,
        "stopped_by": stopped_by,
        "follow_ups": follow_ups,
        "primary_action": primary,
        "actions": actions,
        "letters": display.letters_sent(complaint.attachments.all()),
        "timeline": case_timeline(complaint, kind=kind if kind in TIMELINE_KINDS else ""),
        "timeline_kinds": [(k, label) for k, (label, _) in TIMELINE_KINDS.items()],
        "timeline_kind": kind,
        "state_tag": display.STATE_TAGS.get(complaint.status, ""),
        "today": on,
        "case_panels": hooks.case_panels(request, complaint),
        "update_clock": update_clock,
        "action_updates": [
            (a, due)
            for a in complaint.outstanding_actions.all()
            if (due := action_update_due(a, on=on, history=history)) is not None
        ],
        "update_stage": current,
        "letter_troubles": display.letter_trouble_rows(complaint.letter_trouble_rows),
    }


def _offered_actions(request: HttpRequest, complaint: Complaint) -> tuple[Any, list[Any]]:
    """The next step the Code expects (if this user may take it) and every other action the
    workflow table allows now; nothing the state refuses is offered."""
    if not allowed(request.user, perms.Action.WORK_CASES):
        return None, []
    offered = [form for form in CASE_ACTIONS.values() if form.available(complaint, request.user)]
    steps = next_steps(
        complaint.state, stage=complaint.current_stage, assigned=complaint.handler_id is not None
    )
    primary = next(
        (form for step in steps for form in offered if form.workflow_action == step), None
    )
    return primary, [form for form in offered if form is not primary]


def _load_case(reference: str) -> Complaint:
    try:
        return case_page(reference)
    except Complaint.DoesNotExist:
        raise Http404("No complaint with that reference.") from None


@require_GET
@staff_may_read
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything about one complaint, with the actions its state allows."""
    complaint = _load_case(reference)
    with calendar_pinned(complaint.calendar_history):  # one read of the calendar a page
        context = _case_context(request, complaint)
    if request.htmx and request.GET.get("partial") == "timeline":
        return render(request, "complaints/_timeline.html", context)
    return render(request, "complaints/case.html", context)


@require_GET
@staff_may_read
def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A document from the record, only through its complaint."""
    attachment = get_object_or_404(Attachment, pk=pk, complaint__reference=reference)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- lifecycle actions on a case ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@case_workers_only
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One lifecycle action as a form; irreversible ones ask for confirmation first."""
    form_class = CASE_ACTIONS.get(action)
    if form_class is None:
        raise Http404("No such action.")
    complaint = get_object_or_404(Complaint.objects.select_related("resident"), reference=reference)
    if form_class.permission is not None and not form_class.available(complaint, request.user):
        raise PermissionDenied
    if request.method == "GET" and form_class.workflow_action not in complaint.allowed_actions:
        # Refused before any form, not after its confirmation: the same table the page uses.
        # (A form posted after the state moved on keeps its input and shows the refusal.)
        messages.error(
            request,
            str(TransitionNotAllowed(complaint.state, form_class.workflow_action))
            if form_class.workflow_action not in allowed_actions(complaint.state)
            else ALREADY_ESCALATED,
        )
        return redirect("complaints:case", complaint.reference)
    kwargs = {"complaint": complaint, "user": request.user}
    confirming = False
    case_url = reverse("complaints:case", args=[complaint.reference])
    if request.method == "POST" and action == "respond" and request.POST.get("step"):
        return _respond_step(request, complaint, form_class)
    if request.method == "POST" and (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, case_url)  # a double-click: the first one acted
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            if form_class.confirm and request.POST.get("confirmed") != "yes":
                confirming = True
            else:
                try:
                    with transaction.atomic(), once.submitted_once(request) as spending:
                        message = form.run(actor=request.user)
                        spending.result_url = case_url
                except once.AlreadySubmitted as already:
                    return once.replayed(request, already.result_url, case_url)
                except ComplaintError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(request, message)
                    if action == "acknowledge":
                        for prompt in hooks.case_prompts(complaint, "acknowledged"):
                            messages.warning(request, prompt)
                    return redirect(case_url)
    else:
        initial = {"item": request.GET.get("item")} if request.GET.get("item") else None
        form = form_class(initial=initial, **kwargs)
    context = {
        "complaint": complaint,
        "form": form,
        "action": form_class,
        "confirming": confirming,
        "posted": [
            (k, v)
            for k in request.POST
            if k not in {"csrfmiddlewaretoken", "confirmed"}
            for v in request.POST.getlist(k)
        ],
    }
    if action == "extend":
        context.update(_extension_limits(complaint))
    if action == "assign":
        on = today()
        context["caseload"] = team.caseload(today=on, calendar=team.working_calendar(on))
    if action == "acknowledge":
        context["prompts"] = hooks.case_prompts(complaint, "acknowledged")
    template = getattr(form_class, "template", "complaints/action.html")
    if confirming:
        template = "complaints/confirm.html"
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


_ROW_STEP = re.compile(r"^(add|remove)-(remedy|action)(?:-(\d+))?$")


def _respond_step(request: HttpRequest, complaint: Complaint, form_class: Any) -> HttpResponse:
    """The respond form's other buttons: save the draft, preview the letter, add or remove a
    remedy or action row (HTMX swaps the rows; without JavaScript the page comes back)."""
    step = request.POST.get("step", "")
    values = working_values(request.POST)
    kwargs: dict[str, Any] = {"complaint": complaint, "user": request.user}
    context: dict[str, Any] = {"complaint": complaint, "action": form_class}
    if step == "save":
        form = form_class(initial=values, **kwargs)
        try:
            response_draft_save(stage=form.stage, form_data=values, actor=request.user)
        except ComplaintError as exc:
            form = form_class(request.POST, **kwargs)
            form.errors.clear()
            form.add_service_error(exc)
            return render(request, form_class.template, {**context, "form": form}, status=400)
        messages.success(
            request,
            "Your draft is saved. Nobody reviews it until you send it for review; "
            "come back to it with \u201cDraft the response\u201d.",
        )
        return redirect("complaints:case", complaint.reference)
    if step == "preview":
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            return render(request, form_class.template, {**context, "form": form}, status=400)
        html, problem = hooks.response_preview(form.stage, form.response_input())
        context.update({"preview_html": html, "preview_problem": problem})
        return render(request, form_class.template, {**context, "form": form})
    match = _ROW_STEP.match(step)
    if match is None:
        raise Http404("No such step.")
    verb, kind, index = match.group(1), match.group(2), match.group(3)
    if verb == "add":
        values, new = with_row_added(values, kind)
        focus = (kind, new)
    else:
        values = with_row_removed(values, kind, int(index or 0))
        focus = (kind, -1)  # the "add another" button of that list
    form = form_class(initial=values, focus=focus, **kwargs)
    return render(request, form_class.template, {**context, "form": form})


def _extension_limits(complaint: Complaint) -> dict[str, Any]:
    stage = complaint.stages.get(number=complaint.current_stage)
    rule = profile_for(complaint).stage(stage.number)
    if stage.response_due is None:
        return {"stage": stage, "rule": rule, "cap_due": None}
    # The cap an extension agreed today would have: the one clock, asked with the first date
    # it would accept (the cap does not depend on the date proposed).
    probe = _check(stage, stage.response_due + timedelta(days=1))
    return {"stage": stage, "rule": rule, "cap_due": probe.cap_due}


def _check(stage: Any, new_due: date) -> Any:
    return extension_check(
        stage,
        new_due=new_due,
        agreed_on=today(),
        good_reason=False,
        on=today(),
        history=landlord_history(),
        profile=profile_for(stage.complaint),
    )


@require_GET
@case_workers_only
def extension_preview(request: HttpRequest, reference: str) -> HttpResponse:
    """HTMX: the proposed date measured against the Code's cap, before anything is saved, by
    the same clock the service then applies."""
    complaint = get_object_or_404(Complaint, reference=reference)
    limits = _extension_limits(complaint)
    stage = limits["stage"]
    context: dict[str, Any] = {**limits, "complaint": complaint}
    new_due = date_from_query(request.GET, "new_due")
    if new_due and stage.response_due:
        try:
            context.update({"new_due": new_due, "check": _check(stage, new_due)})
        except ValueError as exc:
            context["problem"] = str(exc)
    return render(request, "complaints/_extension_preview.html", context)


# --- logging a complaint -----------------------------------------------------------------------


def _log_prefill(query: Any) -> dict[str, Any]:
    """Initial values from a link that suggests a complaint (the recognition assistant's
    "log it?" prompt, Code 1.4–1.6): the resident, their words, when and how they came in.
    Only starting values: staff check them and the form validates them as usual."""
    initial: dict[str, Any] = {}
    if (resident := query.get("resident", "")).isdigit():
        initial["resident"] = int(resident)
    if description := query.get("description", "")[:10_000]:
        initial["description"] = description
    with contextlib.suppress(ValueError):
        initial["received_on"] = date.fromisoformat(query.get("received_on", ""))
    if query.get("channel") in Channel.values:
        initial["channel"] = query["channel"]
    if name := query.get("name", "")[:200]:
        initial["new_resident_name"] = name
    if email := query.get("email", "")[:254]:
        initial["new_resident_email"] = email
    return initial


@require_http_methods(["GET", "POST"])
@case_workers_only
def log_complaint(request: HttpRequest) -> HttpResponse:
    """Log a complaint from any channel, dated when anyone first received it."""
    find = (request.GET.get("find") or request.POST.get("find") or "").strip()
    # The resident finder: name, address, postcode, email, phone or property reference, paged.
    found = Paginator(resident_search.find(find) if find else [], FINDER_PAGE_SIZE).get_page(
        request.GET.get("rpage") or request.POST.get("rpage")
    )
    residents = people_selectors.residents_in_order(list(found.object_list)) if find else []
    chosen = request.POST.get("resident")
    if chosen and chosen.isdigit() and all(r.pk != int(chosen) for r in residents):
        residents += list(Resident.objects.select_related("home").filter(pk=int(chosen)))
    if request.method == "POST" and (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, reverse("complaints:queue"))
    duplicates: list[Resident] = []
    if request.method == "POST" and not chosen and request.POST.get("new_resident_name"):
        # Before recording someone new: anyone already recorded who may be them.
        duplicates = people_selectors.possible_duplicates(
            full_name=request.POST.get("new_resident_name", ""),
            postcode=request.POST.get("new_postcode", ""),
            email=request.POST.get("new_resident_email", ""),
            phone=request.POST.get("new_resident_phone", ""),
        )
    if request.method == "POST":
        form = LogComplaintForm(request.POST, residents=residents, duplicates=duplicates)
        if form.is_valid():
            try:
                with transaction.atomic(), once.submitted_once(request) as spending:
                    result = form.run(actor=request.user)
                    spending.result_url = reverse(
                        "complaints:case", args=[result.complaint.reference]
                    )
            except once.AlreadySubmitted as already:
                return once.replayed(request, already.result_url, reverse("complaints:queue"))
            except ComplaintError as exc:
                form.add_service_error(exc)
            else:
                complaint = result.complaint
                messages.success(
                    request,
                    f"Complaint {complaint.reference} logged. "
                    f"Acknowledge it by {complaint.next_due:%-d %B %Y}.",
                )
                if result.passed_on_late_by:
                    days = result.passed_on_late_by
                    messages.warning(
                        request,
                        f"This complaint was passed on {days} working day{'s' if days != 1 else ''} "
                        "later than the 1 working day allowed (policy 5.1). The clock started "
                        "on the day it was received, so less time is left.",
                    )
                for prompt in hooks.case_prompts(complaint, "logged"):
                    messages.warning(request, prompt)
                return redirect("complaints:case", reference=complaint.reference)
    else:
        initial = _log_prefill(request.GET)
        if (pk := initial.get("resident")) and all(r.pk != pk for r in residents):
            residents += list(Resident.objects.select_related("home").filter(pk=pk))
        form = LogComplaintForm(residents=residents, initial=initial)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "complaints/log.html",
        {
            "form": form,
            "find": find,
            "residents": residents,
            "found": found,
            "duplicates": duplicates,
            "finder_capped": bool(find) and found.paginator.object_list.more_than_cap,
            "count_cap": f"{fulltext.COUNT_CAP:,}",
            "finder_query_string": urlencode({"find": find}),
        },
        status=status,
    )


# --- the complaints officer's dashboard --------------------------------------------------------


def _team_context(on: date, **read_once: Any) -> dict[str, Any]:
    """The team view (Code 9.6, 9.7): caseload, ageing and trend, with their two charts."""
    view = team.team_view(today=on, **read_once)
    return {
        "view": view,
        "ageing_chart": bar_chart(
            chart_id="ageing-chart",
            title="Open complaints by working days since receipt",
            description="; ".join(f"{b.label}: {b.count}" for b in view.ageing) + ".",
            labels=[b.label.replace(" working days", "").replace(" to ", "–") for b in view.ageing],
            series=[("Open complaints", [b.count for b in view.ageing])],
        ),
        "trend_chart": bar_chart(
            chart_id="trend-chart",
            title="Complaints received and responses sent, last 12 months",
            description="; ".join(
                f"{m.month:%B %Y}: {m.received} received, {m.responded} responded"
                for m in view.trend
            )
            + ".",
            labels=[f"{m.month:%b}\n{m.month:%Y}" for m in view.trend],
            series=[
                ("Received", [m.received for m in view.trend]),
                ("Responded", [m.responded for m in view.trend]),
            ],
        ),
    }


@require_GET
@staff_may_read
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open work by stage, what is due and overdue, and timeliness this month and year."""
    # One read of the landlord's calendar for the page (the figures, the team view and the
    # hazard panel each read it otherwise).
    with calendar_pinned():
        on = today()
        week_end = on + timedelta(days=6 - on.weekday())
        # Read once, shared by the figures and the team view: the open tally, and the stage
        # responses since the earlier of the reporting year and the trend's first month.
        read_once = {
            "tally": open_tally(),
            "responses": stage_days(
                "responded_on",
                "response_due",
                since=min(reporting_year_start(on), team.trend_since(on)),
                until=on,
            ),
        }
        figures = dashboard_figures(today=on, week_end=week_end, **read_once)
        follow_up_figures = follow_up_counts(today=on)
        attention = needs_attention_counts(today=on)
        return render(
            request,
            "complaints/dashboard.html",
            {
                "team": _team_context(on, **read_once),
                "f": figures,
                "follow_up_figures": follow_up_figures,
                "attention": attention,
                "follow_ups_url": reverse("complaints:follow_ups"),
                "today": on,
                "week_end": week_end,
                "timeliness_rows": [
                    ("Acknowledged on time", n, figures.ack_month.get(n), figures.ack_year.get(n))
                    for n in (1, 2)
                ]
                + [
                    (
                        "Responded on time",
                        n,
                        figures.response_month.get(n),
                        figures.response_year.get(n),
                    )
                    for n in (1, 2)
                ],
                "queue_url": reverse("complaints:queue"),
                "panels": hooks.dashboard_panels(request),
            },
        )
