"""Staff pages for people: residents, representatives, restrictions, reviews due."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.core import once
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for, staff_view
from putright.people import selectors, services
from putright.people.forms import (
    AdjustmentForm,
    AuthoriseForm,
    MergeForm,
    RepresentativeForm,
    RestrictionForm,
    ReverseMergeForm,
    ReviewForm,
    VulnerabilityForm,
)
from putright.people.models import (
    Adjustment,
    ContactRestriction,
    Representative,
    Resident,
    ResidentMerge,
    Vulnerability,
)


# Staff pages: every member of staff reads; only case workers change anything.
def _detail(request: HttpRequest, resident: Resident, **extra) -> dict:
    return {
        "resident": resident,
        "can_edit": allowed(request.user, Action.WORK_CASES),
        "can_merge": allowed(request.user, Action.MERGE_RESIDENTS),
        "rep_form": extra.pop("rep_form", RepresentativeForm(prefix="rep")),
        "restriction_form": extra.pop("restriction_form", RestrictionForm(prefix="res")),
        "adjustment_form": extra.pop("adjustment_form", AdjustmentForm(prefix="adj")),
        "vulnerability_form": extra.pop("vulnerability_form", VulnerabilityForm(prefix="vul")),
        "problem": extra.pop("problem", ""),
        "today": timezone.localdate(),
        **extra,
    }


@staff_view
@require_http_methods(["GET"])
def resident_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    residents = list(selectors.resident_list(search=search)[:100])
    return render(request, "people/resident_list.html", {"residents": residents, "q": search})


@staff_view
@require_http_methods(["GET"])
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        resident = selectors.resident_detail(pk)
    except Resident.DoesNotExist:
        return render(request, "people/not_found.html", status=404)
    return render(request, "people/resident_detail.html", _detail(request, resident))


def _redisplay(request: HttpRequest, resident_pk: int, status: int = 400, **forms_) -> HttpResponse:
    resident = selectors.resident_detail(resident_pk)
    # The form sent back lists all its errors in the GOV.UK error summary at the top.
    failed = next((f for f in forms_.values() if getattr(f, "errors", None)), None)
    context = _detail(request, resident, failed_form=failed, **forms_)
    return render(request, "people/resident_detail.html", context, status=status)


@staff_view
@require_http_methods(["POST"])
def representative_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = RepresentativeForm(request.POST, prefix="rep")
    if form.is_valid():
        d = form.cleaned_data
        complaint = selectors.resident_complaint(resident, d["complaint_reference"])
        try:
            services.representative_add(
                resident=resident,
                full_name=d["full_name"],
                relationship=d["relationship"],
                email=d["email"],
                phone=d["phone"],
                postal_address=d["postal_address"],
                form_received=d["form_received"],
                authorised_on=d["authorised_on"],
                scope=d["scope"],
                complaint=complaint,
                expires_on=d["expires_on"],
                letters_to_representative=d["letters_to_representative"],
                copy_to_resident=d["copy_to_resident"],
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("people:resident", pk=resident.pk)
    return _redisplay(request, pk, rep_form=form)


@staff_view
@require_http_methods(["POST"])
def restriction_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = RestrictionForm(request.POST, prefix="res")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.restriction_add(
                resident=resident,
                reason=d["reason"],
                evidence=d["evidence"],
                restricts=d["restricts"],
                restriction_detail=d["restriction_detail"],
                starts_on=d["starts_on"],
                review_on=d["review_on"],
                proportionality=d["proportionality"],
                equality_act_considered=d["equality_act_considered"],
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("people:resident", pk=resident.pk)
    return _redisplay(request, pk, restriction_form=form)


@staff_view
@require_http_methods(["GET"])
def reviews(request: HttpRequest) -> HttpResponse:
    due = selectors.reviews_due(on=timezone.localdate())
    return render(request, "people/reviews.html", {"due": due, "today": timezone.localdate()})


@staff_view
@require_http_methods(["POST"])
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = AdjustmentForm(request.POST, prefix="adj")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.adjustment_add(
                resident=resident,
                kind=d["kind"],
                detail=d["detail"],
                channel=d["channel"],
                consent_given=d["consent_given"],
                review_on=d["review_on"],
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("people:resident", pk=pk)
    return _redisplay(request, pk, adjustment_form=form)


@staff_view
@require_http_methods(["POST"])
def vulnerability_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = VulnerabilityForm(request.POST, prefix="vul")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.vulnerability_add(
                resident=resident,
                description=d["description"],
                is_disability=d["is_disability"],
                consent_given=d["consent_given"],
                review_on=d["review_on"],
                actor=request.user,
            )
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            return redirect("people:resident", pk=pk)
    return _redisplay(request, pk, vulnerability_form=form)


SUPPORT_MODELS = {"adjustment": Adjustment, "vulnerability": Vulnerability}


def _problems(form) -> str:
    """An inline form's errors, every one, for the summary at the top of the page (a date
    typed wrongly says so, not only that something is missing)."""
    return " ".join(message for messages_ in form.errors.values() for message in messages_)


def _review(request: HttpRequest, resident_pk: int, call) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _redisplay(request, resident_pk, problem=_problems(form))
    try:
        call(form.cleaned_data["keep"] == "yes", form.cleaned_data["next_review_on"])
    except ComplaintError as exc:
        return _redisplay(request, resident_pk, problem=exc.message)
    return redirect("people:resident", pk=resident_pk)


@staff_view
@require_http_methods(["POST"])
def support_review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = SUPPORT_MODELS.get(kind)
    if model is None:
        return render(request, "people/not_found.html", status=404)
    item = get_object_or_404(model, pk=pk)
    return _review(
        request,
        item.resident_id,
        lambda keep, next_on: services.support_review(
            item=item, still_needed=keep, next_review_on=next_on, actor=request.user
        ),
    )


@staff_view
@require_http_methods(["POST"])
def restriction_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ContactRestriction, pk=pk)
    return _review(
        request,
        item.resident_id,
        lambda keep, next_on: services.restriction_review(
            restriction=item, keep=keep, next_review_on=next_on, actor=request.user
        ),
    )


@staff_view
@require_http_methods(["POST"])
def representative_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    rep = get_object_or_404(Representative, pk=pk)
    form = AuthoriseForm(request.POST)
    if not form.is_valid():
        return _redisplay(request, rep.resident_id, problem=_problems(form))
    try:
        services.representative_authorise(
            representative=rep,
            authorised_on=form.cleaned_data["authorised_on"],
            expires_on=form.cleaned_data["expires_on"],
            actor=request.user,
        )
    except ComplaintError as exc:
        return _redisplay(request, rep.resident_id, problem=exc.message)
    return redirect("people:resident", pk=rep.resident_id)


@staff_view
@require_http_methods(["POST"])
def representative_end(request: HttpRequest, pk: int) -> HttpResponse:
    rep = get_object_or_404(Representative, pk=pk)
    try:
        services.representative_end(representative=rep, actor=request.user)
    except ComplaintError as exc:
        return _redisplay(request, rep.resident_id, problem=exc.message)
    return redirect("people:resident", pk=rep.resident_id)


# --- merging duplicate records -----------------------------------------------------------------

merge_view = permission_required_for(Action.MERGE_RESIDENTS)
MERGE_CANDIDATES = 20


@merge_view
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge a duplicate record into this one: find it, choose it, say why, confirm."""
    try:
        kept = selectors.resident_detail(pk)
    except Resident.DoesNotExist:
        return render(request, "people/not_found.html", status=404)
    if kept.merged_into_id:
        return redirect("people:merge", pk=kept.merged_into_id)
    find = (request.GET.get("find") or request.POST.get("find") or "").strip()
    candidates = selectors.merge_candidates(kept, find=find, limit=MERGE_CANDIDATES)
    chosen = request.POST.get("duplicate", "")
    if chosen.isdigit() and all(c.pk != int(chosen) for c in candidates):
        candidates += list(
            Resident.objects.select_related("home").filter(pk=int(chosen)).exclude(pk=kept.pk)
        )
    if request.method == "POST" and (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, reverse("people:resident", args=[kept.pk]))
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = next(c for c in candidates if c.pk == form.cleaned_data["duplicate"])
        url = reverse("people:resident", args=[kept.pk])
        try:
            with transaction.atomic(), once.submitted_once(request) as spending:
                result = services.residents_merge(
                    kept=kept,
                    merged=duplicate,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                spending.result_url = url
        except once.AlreadySubmitted as already:
            return once.replayed(request, already.result_url, url)
        except ComplaintError as exc:
            error_into_form(form, exc)
        else:
            messages.success(
                request,
                f"{duplicate.full_name} (record {duplicate.pk}) is merged into this record: "
                f"{result.moved_count} item{'s' if result.moved_count != 1 else ''} moved.",
            )
            return redirect(url)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "people/merge.html",
        {"kept": kept, "form": form, "find": find, "candidates": candidates},
        status=status,
    )


@merge_view
@require_http_methods(["POST"])
def merge_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a wrong merge: everything moved goes back to the duplicate record."""
    merge_row = get_object_or_404(ResidentMerge, pk=pk)
    url = reverse("people:resident", args=[merge_row.kept_id])
    if (done := once.spent_result(request)) is not None:
        return once.replayed(request, done, url)
    form = ReverseMergeForm(request.POST)
    if not form.is_valid():
        return _redisplay(request, merge_row.kept_id, problem="Say why the merge was wrong.")
    try:
        with transaction.atomic(), once.submitted_once(request) as spending:
            services.residents_merge_reverse(
                merge=merge_row, reason=form.cleaned_data["reason"], actor=request.user
            )
            spending.result_url = url
    except once.AlreadySubmitted as already:
        return once.replayed(request, already.result_url, url)
    except ComplaintError as exc:
        return _redisplay(request, merge_row.kept_id, problem=exc.message)
    messages.success(request, "The merge is reversed: both records are as they were.")
    return redirect(url)
