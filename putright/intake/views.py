"""Staff pages for intake: service requests, survey follow-ups, the mailbox, triage prompts."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.complaints.models import Complaint
from putright.complaints.triage import triage_prompts
from putright.core import once
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for, staff_view
from putright.hazards.forms import RaisedElsewhereForm
from putright.intake import selectors
from putright.intake.constants import INBOX_PAGE_SIZE, Decision, IntakeChannel
from putright.intake.forms import (
    DecideForm,
    DissatisfiedForm,
    FollowUpForm,
    ItemHazardForm,
    ResolveForm,
    ServiceRequestForm,
    ServiceRequestUpdateForm,
    StaffNoteForm,
    SurveyImportForm,
)
from putright.intake.models import FollowUpTask, InboundEmail, IntakeItem, ServiceRequest
from putright.intake.recognition import service_request_prompts, survey_prompts
from putright.intake.services import email as email_services
from putright.intake.services import items as item_services
from putright.intake.services import service_requests as sr_services
from putright.intake.services import surveys as survey_services
from putright.people.models import Adjustment, Resident
from putright.rules.recognition import LABELS

NOT_CSV_UTF8 = "The file must be a CSV file saved as UTF-8."
MAX_CSV_BYTES = 5 * 1024 * 1024


# Staff pages: every member of staff reads; only case workers change anything.
@staff_view
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intake/staff/home.html",
        {
            "requests": list(selectors.service_requests()[:20]),
            "follow_ups": list(selectors.follow_ups()[:20]),
            "quarantined": list(selectors.quarantined()[:20]),
            "undecided": IntakeItem.objects.filter(decision="").count(),
            "today": timezone.localdate(),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def service_request_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=resident_pk)
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = sr_services.service_request_create(
                resident=resident,
                summary=d["summary"],
                detail=d["detail"],
                reference=d["reference"],
                requested_on=d["requested_on"],
                due_on=d["due_on"],
                owner=request.user,
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("intake:service_request", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "intake/staff/service_request_new.html",
        {"form": form, "resident": resident},
        status=status,
    )


def _sr_page(request, item, *, update_form=None, dissatisfied_form=None, status=200):
    prompts = service_request_prompts(item)
    if dissatisfied_form is None:
        # "Log it on this request" from a prompt: the resident's words go in, staff check them.
        chosen = next((p for p in prompts if p.key == request.GET.get("from")), None)
        dissatisfied_form = DissatisfiedForm(
            initial={"what_is_wrong": chosen.text} if chosen else None
        )
    return render(
        request,
        "intake/staff/service_request.html",
        {
            "item": item,
            "hazard_reports": sr_services.service_request_hazards(item),
            "can_record_hazards": allowed(request.user, Action.RECORD_HAZARDS),
            "can_edit": allowed(request.user, Action.WORK_CASES),
            "update_form": update_form or ServiceRequestUpdateForm(initial={"status": item.status}),
            "dissatisfied_form": dissatisfied_form,
            "prompts": prompts,
        },
        status=status,
    )


@staff_view
@require_http_methods(["GET"])
def service_request(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.service_request_detail(pk)
    except ServiceRequest.DoesNotExist:
        return render(request, "people/not_found.html", status=404)
    return _sr_page(request, item)


def _raise_hazard_page(
    request: HttpRequest,
    *,
    form: RaisedElsewhereForm,
    raise_report,
    back_url: str,
    context: dict,
) -> HttpResponse:
    """Raise an Awaab's Law hazard report from a record intake holds (a service request, an
    inbox item): one flow for both. `form` is unbound with the record's prefill on GET;
    `raise_report(cleaned_data)` calls the record's service. Acts once on a double submit."""
    if request.method == "POST" and (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, back_url)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic(), once.submitted_once(request) as spending:
                    report = raise_report(form.cleaned_data)
                    spending.result_url = reverse("hazards:detail", args=[report.pk])
            except once.AlreadySubmitted as already:
                return once.replayed(request, already.result_url, back_url)
            except ComplaintError as exc:
                error_into_form(form, exc)
            else:
                messages.success(request, "Hazard report raised: its clocks are running.")
                return redirect("hazards:detail", pk=report.pk)
    return render(
        request,
        "intake/staff/raise_hazard.html",
        {**context, "form": form, "back_url": back_url},
        status=status,
    )


def _hazard_fields(d: dict) -> dict:
    return {
        key: d[key]
        for key in (
            "aware_at",
            "told_by",
            "hazard",
            "assessment",
            "description",
            "occupiers",
            "vulnerabilities",
        )
    }


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@permission_required_for(Action.RECORD_HAZARDS)
@require_http_methods(["GET", "POST"])
def service_request_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise an Awaab's Law hazard report from a service request (its resident and home)."""
    item = get_object_or_404(ServiceRequest.objects.select_related("resident", "home"), pk=pk)
    if request.method == "POST":
        form = RaisedElsewhereForm(request.POST)
    else:
        form = RaisedElsewhereForm(
            initial={
                "aware_at": _when(item.created_at),
                "told_by": str(item.resident),
                "description": "\n\n".join(part for part in (item.summary, item.detail) if part),
            }
        )
    return _raise_hazard_page(
        request,
        form=form,
        raise_report=lambda d: sr_services.service_request_hazard_raise(
            request=item, actor=request.user, **_hazard_fields(d)
        ),
        back_url=reverse("intake:service_request", args=[pk]),
        context={
            "caption": f"Service request {item}",
            "who": item.resident,
            "home": item.home,
            "aware_hint": "which may be when this request was made",
        },
    )


@permission_required_for(Action.RECORD_HAZARDS)
@require_http_methods(["GET", "POST"])
def item_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise an Awaab's Law hazard report from an inbox item: the landlord became aware when
    the message arrived; its resident is the complaint's, or the sender's once confirmed."""
    item = get_object_or_404(
        IntakeItem.objects.select_related("complaint__resident", "suggested_resident"), pk=pk
    )
    resident = item.complaint.resident if item.complaint else None
    suggested = None if resident else item.suggested_resident
    if request.method == "POST":
        form = ItemHazardForm(request.POST, suggested=suggested)
    else:
        form = ItemHazardForm(
            suggested=suggested,
            initial={
                "aware_at": _when(item.received_at),
                "told_by": item.sender_name or item.sender_email or item.sender_phone,
                "description": item.text,
                "address": " ".join(item.sender_address.split()) if not resident else "",
            },
        )
    return _raise_hazard_page(
        request,
        form=form,
        raise_report=lambda d: item_services.item_hazard_raise(
            item=item,
            actor=request.user,
            address=d.get("address", ""),
            confirm_match=d.get("confirm_match", False),
            **_hazard_fields(d),
        ),
        back_url=reverse("intake:item", args=[pk]),
        context={
            "caption": f"Message {item.reference}",
            "who": resident,
            "home": resident.home if resident else None,
            "aware_hint": "at the latest when this message arrived",
        },
    )


@staff_view
@require_http_methods(["POST"])
def service_request_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ServiceRequest, pk=pk)
    form = ServiceRequestUpdateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            sr_services.service_request_update(
                request=item,
                status=d["status"],
                due_on=d["due_on"],
                note=d["note"],
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("intake:service_request", pk=pk)
    return _sr_page(request, selectors.service_request_detail(pk), update_form=form, status=400)


@staff_view
@require_http_methods(["POST"])
def service_request_dissatisfied(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise the complaint linked to the request. Acts once on a double submit: the second
    is sent to the request's page, told it was already done, and raises nothing."""
    item = get_object_or_404(ServiceRequest, pk=pk)
    back_url = reverse("intake:service_request", args=[pk])
    if (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, back_url)
    form = DissatisfiedForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic(), once.submitted_once(request) as spending:
                sr_services.service_request_dissatisfied(
                    request=item,
                    what_is_wrong=form.cleaned_data["what_is_wrong"],
                    outcome_wanted=form.cleaned_data["outcome_wanted"],
                    actor=request.user,
                )
                spending.result_url = back_url
        except once.AlreadySubmitted as already:
            return once.replayed(request, already.result_url, back_url)
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect(back_url)
    return _sr_page(
        request, selectors.service_request_detail(pk), dissatisfied_form=form, status=400
    )


@staff_view
@require_http_methods(["GET", "POST"])
def surveys(request: HttpRequest) -> HttpResponse:
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_CSV_BYTES:
                    raise UnicodeDecodeError("utf-8", b"", 0, 1, "too large")
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", NOT_CSV_UTF8)
            else:
                try:
                    result = survey_services.survey_import_csv(
                        text=text, survey=form.cleaned_data["survey"], actor=request.user
                    )
                except ComplaintError as exc:
                    error_into_form(form, exc)
                else:
                    status = 400 if result.errors else 200
    return render(
        request,
        "intake/staff/surveys.html",
        {
            "form": form,
            "result": result,
            "follow_ups": list(selectors.follow_ups(open_only=False)[:200]),
            "prompts": survey_prompts(selectors.survey_comments()),
            "can_edit": allowed(request.user, Action.WORK_CASES),
        },
        status=status,
    )


@staff_view
@require_http_methods(["POST"])
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(FollowUpTask, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            survey_services.follow_up_complete(
                task=task, how_told=form.cleaned_data["how_told"], actor=request.user
            )
        except ComplaintError as error:
            error_into_form(form, error)  # "already done" and the like reach the page
        else:
            return redirect("intake:surveys")
    return render(
        request,
        "intake/staff/follow_up_problem.html",
        {"task": task, "form": form},
        status=400,
    )


@staff_view
@require_http_methods(["GET"])
def mailbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intake/staff/mailbox.html",
        {
            "quarantined": list(selectors.quarantined()),
            "recent": list(selectors.recent_inbound()),
            "can_edit": allowed(request.user, Action.WORK_CASES),
        },
    )


@staff_view
@require_http_methods(["POST"])
def mailbox_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            email_services.inbound_resolve(
                inbound=inbound, resolution=form.cleaned_data["resolution"], actor=request.user
            )
        except ComplaintError:
            pass
        else:
            return redirect("intake:mailbox")
    return render(request, "intake/staff/follow_up_problem.html", {"form": form}, status=400)


@staff_view
@require_http_methods(["GET"])
def triage(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.select_related("resident").prefetch_related(
            "resident__representatives",
            "resident__vulnerabilities",
            "resident__contact_restrictions",
        ),
        reference=reference,
    )
    return render(
        request,
        "intake/staff/triage.html",
        {"complaint": complaint, "prompts": triage_prompts(complaint)},
    )


# The intake inbox: every inbound message until a person decides what it is (Code 1.2-1.6).
@staff_view
@require_http_methods(["GET"])
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "undecided")
    if status not in {"undecided", "", *Decision.values}:
        status = "undecided"
    filters = {
        "status": status,
        "channel": request.GET.get("channel", "")
        if request.GET.get("channel") in IntakeChannel.values
        else "",
        "label": request.GET.get("label", "") if request.GET.get("label") in LABELS else "",
        "q": request.GET.get("q", "")[:200],
    }
    page = Paginator(selectors.inbox(**filters), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "intake/staff/inbox.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode(query),
            "channels": IntakeChannel.choices,
            "labels": [(label, label.replace("_", " ").capitalize()) for label in LABELS],
            "decisions": Decision.choices,
            "can_edit": allowed(request.user, Action.WORK_CASES),
        },
    )


def _item_page(request, item, form=None, status=200):
    return render(
        request,
        "intake/staff/item.html",
        {
            "item": item,
            "form": form or DecideForm(initial={"decision": _suggested_decision(item)}),
            "adjustment_labels": [
                dict(Adjustment.Kind.choices).get(k, k) for k in item.stated_adjustments
            ],
            "can_edit": allowed(request.user, Action.WORK_CASES),
            "hazard_reports": item_services.item_hazards(item),
            "can_record_hazards": allowed(request.user, Action.RECORD_HAZARDS),
        },
        status=status,
    )


def _suggested_decision(item: IntakeItem) -> str:
    if item.quoted_complaint_id:
        return Decision.ADDED_TO_CASE
    return item.suggested_label if item.suggested_label in Decision.values else ""


@staff_view
@require_http_methods(["GET"])
def item(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.intake_item(pk)
    except IntakeItem.DoesNotExist:
        return render(request, "people/not_found.html", status=404)
    return _item_page(request, found)


def _decide(item: IntakeItem, data: dict, actor) -> str:
    """Call the one service for the decision; the URL the decision leads to."""
    decision = data["decision"]
    if decision == Decision.COMPLAINT:
        complaint = item_services.item_decide_complaint(
            item=item,
            actor=actor,
            confirm_match=data["confirm_match"],
            confirm_adjustments=data["confirm_adjustments"],
            note=data["note"],
        )
        return reverse("complaints:case", args=[complaint.reference])
    if decision == Decision.ADDED_TO_CASE:
        complaint = item_services.item_add_to_case(
            item=item, reference=data["reference"], actor=actor, note=data["note"]
        )
        return reverse("complaints:case", args=[complaint.reference])
    item_services.item_decide(item=item, decision=decision, actor=actor, note=data["note"])
    return reverse("intake:item", args=[item.pk])


@staff_view
@require_http_methods(["POST"])
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(IntakeItem, pk=pk)
    detail_url = reverse("intake:item", args=[pk])
    if (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, detail_url)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic(), once.submitted_once(request) as spending:
                spending.result_url = _decide(found, form.cleaned_data, request.user)
        except once.AlreadySubmitted as already:
            return once.replayed(request, already.result_url, detail_url)
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            messages.success(request, f"{found.reference}: decision recorded.")
            return redirect(spending.result_url)
    return _item_page(request, selectors.intake_item(pk), form=form, status=400)


@staff_view
@require_http_methods(["POST"])
def inbox_spam(request: HttpRequest) -> HttpResponse:
    pks = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    if not pks:
        messages.error(request, "Select the messages that are spam.")
        return redirect("intake:inbox")
    count = item_services.items_mark_spam(pks=pks, actor=request.user)
    messages.success(request, f"{count} message(s) marked as spam.")
    return redirect("intake:inbox")


@staff_view
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    form = StaffNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic(), once.submitted_once(request) as spending:
                created = item_services.item_note_record(
                    channel=d["channel"],
                    sender_name=d["sender_name"],
                    sender_email=d["sender_email"],
                    sender_phone=d["sender_phone"],
                    body=d["body"],
                    received_on=d["received_on"],
                    actor=request.user,
                )
                spending.result_url = reverse("intake:item", args=[created.pk])
        except once.AlreadySubmitted as already:
            return once.replayed(request, already.result_url, reverse("intake:inbox"))
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect(spending.result_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "intake/staff/item_new.html", {"form": form}, status=status)
