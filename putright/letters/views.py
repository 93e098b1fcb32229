"""Staff pages for letters: outbox, print queue, review before sending, template editing.

Every view states who may use it. Views parse input, call one service or selector, render.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from putright.complaints import selectors as complaint_selectors
from putright.complaints.models import ResponseDraft
from putright.complaints.services.review import (
    eligible_reviewers,
    response_draft_approve,
    response_draft_input,
    response_draft_return,
    review_team,
)
from putright.core.errors import ComplaintError
from putright.core.permissions import Action, allowed, permission_required_for
from putright.letters import selectors
from putright.letters.checks import response_letter_preview
from putright.letters.constants import LetterKind
from putright.letters.forms import OutboxFilterForm, ReviewForm, TemplateForm
from putright.letters.models import Letter, LetterRequest, LetterTemplate, OutboxItem
from putright.letters.services.outbox import outbox_mark_posted, outbox_retry
from putright.letters.services.recovery import letter_request_retry
from putright.letters.services.templates import (
    letter_template_save,
    template_preview,
)
from putright.letters.templating import current_template


@permission_required_for(Action.VIEW_CASES)
def outbox(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    items = list(selectors.outbox_items(status=status or None)[:200])
    not_produced = selectors.letters_not_produced()
    return render(
        request,
        "letters/pages/outbox.html",
        {
            "items": items,
            "form": form,
            "can_act": allowed(request.user, Action.MANAGE_LETTERS),
            "not_produced": list(not_produced[:20]),
            "not_produced_count": not_produced.count(),
            "unconfirmed_count": selectors.unconfirmed_count(),
        },
    )


@require_POST
@permission_required_for(Action.MANAGE_LETTERS)
def outbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OutboxItem, pk=pk)
    try:
        outbox_retry(item=item, actor=request.user)
        messages.success(request, "Sending again now.")
    except ComplaintError as exc:
        messages.error(request, exc.message)
    return redirect("letters:outbox")


@require_POST
@permission_required_for(Action.MANAGE_LETTERS)
def letter_request_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(LetterRequest, pk=pk)
    try:
        letter_request_retry(request_id=pk, actor=request.user)
        messages.success(request, "Producing the letter again now.")
    except ComplaintError as exc:
        messages.error(request, exc.message)
    return redirect("letters:outbox")


@permission_required_for(Action.VIEW_CASES)
def print_queue(request: HttpRequest) -> HttpResponse:
    items = list(selectors.print_queue()[:200])
    return render(
        request,
        "letters/pages/print_queue.html",
        {"items": items, "can_act": allowed(request.user, Action.MANAGE_LETTERS)},
    )


@require_POST
@permission_required_for(Action.MANAGE_LETTERS)
def mark_posted(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OutboxItem, pk=pk)
    try:
        outbox_mark_posted(item=item, actor=request.user)
        messages.success(request, f"Marked as posted: {item.letter}.")
    except ComplaintError as exc:
        messages.error(request, exc.message)
    return redirect("letters:print_queue")


@permission_required_for(Action.VIEW_CASES)
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    letter = get_object_or_404(Letter, pk=pk)
    if not letter.pdf:
        raise Http404
    return FileResponse(
        letter.pdf.open("rb"),
        content_type="application/pdf",
        filename=letter.pdf.name.rsplit("/", 1)[-1],
    )


@permission_required_for(Action.VIEW_CASES)
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        letter = selectors.letter_detail(pk)
    except Letter.DoesNotExist:
        raise Http404 from None
    return render(request, "letters/pages/letter.html", {"letter": letter})


@permission_required_for(Action.REVIEW_RESPONSES)
def reviews(request: HttpRequest) -> HttpResponse:
    drafts = list(complaint_selectors.drafts_waiting())
    returned = list(complaint_selectors.drafts_returned())
    return render(request, "letters/pages/reviews.html", {"drafts": drafts, "returned": returned})


def _draft_preview(draft: ResponseDraft) -> tuple[str, str]:
    """The response letter as the first recipient would get it, or the gate's message."""
    return response_letter_preview(draft.stage, response_draft_input(draft))


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.REVIEW_RESPONSES)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        draft, history = complaint_selectors.draft_with_history(pk)
    except ResponseDraft.DoesNotExist:
        raise Http404 from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if form.cleaned_data["decision"] == "approve":
                response_draft_approve(draft=draft, actor=request.user, comments=comments)
                messages.success(request, "Approved: the response is issued and its letter sent.")
            else:
                response_draft_return(draft=draft, actor=request.user, comments=comments)
                messages.success(request, "Returned to the author with your comments.")
            return redirect("letters:reviews")
        except ComplaintError as exc:
            form.add_error("comments" if exc.field == "comments" else None, exc.message)
    html, gate_message = _draft_preview(draft)
    return render(
        request,
        "letters/pages/review.html",
        {
            "draft": draft,
            "history": history,
            "form": form,
            "preview_html": html,
            "gate_message": gate_message,
            "is_author": draft.author_id == request.user.pk,
            # Policy 6.4: reviewed in the relevant business area (the category's setting).
            "review_team": review_team(draft.stage),
            "reviewers": eligible_reviewers(draft),
        },
    )


@permission_required_for(Action.EDIT_LETTER_TEMPLATES)
def templates(request: HttpRequest) -> HttpResponse:
    edited = dict(LetterTemplate.objects.values_list("kind", "version"))
    rows = [
        {"kind": kind, "label": label, "version": edited.get(kind, 0)}
        for kind, label in LetterKind.choices
    ]
    return render(request, "letters/pages/templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.EDIT_LETTER_TEMPLATES)
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LetterKind.values:
        raise Http404
    subject, body, version = current_template(kind)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    preview_html = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "save" in request.POST:
                letter_template_save(
                    kind=kind, subject=data["subject"], body=data["body"], actor=request.user
                )
                messages.success(request, "Template saved. New letters use it from now on.")
                return redirect("letters:template_edit", kind=kind)
            preview_html = template_preview(
                kind=kind,
                subject=data["subject"],
                body=data["body"],
                stage=data["stage"] or 1,
                large_print=data["large_print"],
            ).html
        except ComplaintError as exc:
            form.add_error("body", exc.message)
    return render(
        request,
        "letters/pages/template_edit.html",
        {
            "kind": kind,
            "label": LetterKind(kind).label,
            "version": version,
            "form": form,
            "preview_html": preview_html,
        },
    )
