"""Report pages at /reports/...: parse input, call one selector or service, render.

Permissions (the matrix in putright/core/permissions.py): reading needs `read_reports` (officer,
senior lead, governing body, MRC, admin); the Ombudsman's casework on named complaints needs
`read_ombudsman` (officer, senior lead, MRC, admin); changing homes counts, self-assessment
answers, learning and Ombudsman records needs `edit_reports` (officer, admin); the governing
body's approval and its response to the annual report (8.2) need `approve_for_governing_body`
(governing body members, the MRC, admin).
"""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from putright.complaints.models import OmbudsmanReferral
from putright.core.errors import ComplaintError, error_into_form
from putright.core.permissions import Action, allowed, permission_required_for
from putright.reporting import documents, exports, reports, selectors, services
from putright.reporting.figures import reporting_year, reporting_year_of
from putright.reporting.forms import (
    AnnualNoteForm,
    ApprovalForm,
    CodeFindingForm,
    FindingForm,
    GoverningBodyResponseForm,
    HomesCountForm,
    ImprovementForm,
    InformationRequestForm,
    InformationSentForm,
    OrderCompleteForm,
    OrderForm,
    SelfAssessmentRowForm,
    SelfAssessmentStartForm,
)
from putright.reporting.models import (
    OmbudsmanInformationRequest,
    OmbudsmanOrder,
    SelfAssessment,
    SelfAssessmentRow,
    ServiceImprovement,
)
from putright.rules.profile import get_profile

View = Callable[..., HttpResponse]


reader = permission_required_for(Action.READ_REPORTS)
editor = permission_required_for(Action.EDIT_REPORTS)
approver = permission_required_for(Action.APPROVE_FOR_GOVERNING_BODY)
ombudsman_reader = permission_required_for(Action.READ_OMBUDSMAN)
ombudsman_reader_editor = permission_required_for(Action.READ_OMBUDSMAN, unsafe=Action.EDIT_REPORTS)
# Pages every report reader sees, where a submitted form changes a figure.
reader_editor = permission_required_for(Action.READ_REPORTS, unsafe=Action.EDIT_REPORTS)


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "can_edit": allowed(request.user, Action.EDIT_REPORTS),
        "can_read_ombudsman": allowed(request.user, Action.READ_OMBUDSMAN),
        "can_respond": allowed(request.user, Action.APPROVE_FOR_GOVERNING_BODY),
        **extra,
    }


@reader
def index(request: HttpRequest) -> HttpResponse:
    year = reporting_year_of(timezone.localdate())
    quarter = (timezone.localdate().month - 4) % 12 // 3 + 1
    return render(
        request,
        "reporting/index.html",
        _base(request, years=[year, year - 1, year - 2], quarter=quarter, year=year),
    )


# --- TSM ------------------------------------------------------------------------------------


@reader
def tsm(request: HttpRequest, year: int) -> HttpResponse:
    result = reports.tsm_return(year)
    return render(request, "reporting/tsm.html", _base(request, tsm=result, year=year))


@reader
def tsm_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    result = reports.tsm_return(year)
    name = f"tsm-{result.period.label.replace('/', '-')}"
    if fmt == "csv":
        return _file(exports.tsm_csv(result), exports.CSV_TYPE, f"{name}.csv")
    return _file(exports.tsm_xlsx(result), exports.XLSX_TYPE, f"{name}.xlsx")


@reader
def figure_drilldown(request: HttpRequest, year: int, key: str) -> HttpResponse:
    figure = reports.figure(year, key)
    if figure is None:
        raise Http404("No such figure.")
    page = Paginator(selectors.complaints_in(figure.complaint_ids), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/drilldown.html",
        _base(request, figure=figure, page=page, year=year, period=reporting_year(year)),
    )


@reader_editor
@require_http_methods(["GET", "POST"])
def homes(request: HttpRequest) -> HttpResponse:
    form = HomesCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.homes_count_set(**form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:tsm", year=form.cleaned_data["year"])
    status = 400 if form.errors else 200
    return render(
        request,
        "reporting/homes.html",
        _base(request, form=form, counts=selectors.homes_counts()),
        status=status,
    )


# --- self-assessment -------------------------------------------------------------------------


@reader_editor
@require_http_methods(["GET", "POST"])
def self_assessments(request: HttpRequest) -> HttpResponse:
    form = SelfAssessmentStartForm(
        request.POST or None, initial={"year": reporting_year_of(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.self_assessment_start(**form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:self_assessment", pk=assessment.pk)
    return render(
        request,
        "reporting/self_assessments.html",
        _base(request, form=form, assessments=selectors.self_assessments()),
        status=400 if form.errors else 200,
    )


def _assessment_or_404(pk: int) -> SelfAssessment:
    try:
        return selectors.self_assessment_detail(pk)
    except SelfAssessment.DoesNotExist:
        raise Http404("No such self-assessment.") from None


def _sections(assessment: Any) -> list[tuple[int, str, list[tuple[Any, str]]]]:
    profile = get_profile(assessment.profile_code)
    requirement = {p.number: p.requirement for p in profile.provisions}
    rows = list(assessment.rows.all())
    return [
        (number, title, [(r, requirement[r.provision]) for r in rows if r.section == number])
        for number, title in profile.sections
    ]


@reader
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    return render(
        request,
        "reporting/self_assessment.html",
        _base(
            request,
            assessment=assessment,
            sections=_sections(assessment),
            can_approve=allowed(request.user, Action.APPROVE_FOR_GOVERNING_BODY),
            approval_form=ApprovalForm(initial={"approved_on": timezone.localdate()}),
        ),
    )


@editor
@require_http_methods(["GET", "POST"])
def self_assessment_row(request: HttpRequest, pk: int, provision: str) -> HttpResponse:
    row = get_object_or_404(
        SelfAssessmentRow.objects.select_related("assessment"),
        assessment_id=pk,
        provision=provision,
    )
    initial = {
        f: getattr(row, f) for f in ("comply", "evidence", "commentary", "action", "action_due")
    }
    form = SelfAssessmentRowForm(request.POST or None, initial=initial)
    order = list(
        SelfAssessmentRow.objects.filter(assessment_id=pk)
        .order_by("position")
        .values_list("provision", flat=True)
    )
    at = order.index(provision)
    previous = order[at - 1] if at > 0 else None
    following = order[at + 1] if at + 1 < len(order) else None
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_row_update(row=row, **form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            if request.POST.get("then") == "next" and following:
                return redirect("reporting:self_assessment_row", pk=pk, provision=following)
            return redirect(f"/reports/self-assessment/{pk}/#provision-{provision}")
    requirement = get_profile(row.assessment.profile_code).provision(provision).requirement
    return render(
        request,
        "reporting/self_assessment_row.html",
        _base(
            request,
            row=row,
            form=form,
            requirement=requirement,
            previous=previous,
            following=following,
            position=at + 1,
            total=len(order),
            history=selectors.text_history(f"self-assessment-row:{row.pk}"),
        ),
        status=400 if form.errors else 200,
    )


@editor
@require_POST
def self_assessment_measure(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    try:
        services.self_assessment_measure(assessment=assessment, actor=request.user)
    except ComplaintError as error:
        return HttpResponse(error.message, status=409)
    return redirect("reporting:self_assessment", pk=pk)


@approver
@require_POST
def self_assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.self_assessment_approve(
                assessment=assessment,
                approved_on=form.cleaned_data["approved_on"],
                minute=form.cleaned_data["minute"],
                actor=request.user,
            )
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:self_assessment", pk=pk)
    return render(
        request,
        "reporting/self_assessment.html",
        _base(
            request,
            assessment=assessment,
            sections=_sections(assessment),
            can_approve=True,
            approval_form=form,
        ),
        status=400,
    )


@reader
def self_assessment_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    name = f"self-assessment-{assessment.year}-{assessment.trigger}-v{assessment.version}"
    if fmt == "docx":
        return _file(
            exports.self_assessment_docx(assessment, documents.landlord_name()),
            exports.DOCX_TYPE,
            f"{name}.docx",
        )
    content = exports.pdf(
        "reporting/pdf/self_assessment.html",
        {
            "assessment": assessment,
            "sections": _sections(assessment),
            "landlord": documents.landlord_name(),
        },
    )
    return _file(content, exports.PDF_TYPE, f"{name}.pdf")


# --- annual report and MRC pack -----------------------------------------------------------------


@reader
def annual(request: HttpRequest, year: int) -> HttpResponse:
    return render(
        request,
        "reporting/annual.html",
        _base(request, year=year, **documents.annual_document(year)),
    )


@reader
def annual_pdf(request: HttpRequest, year: int) -> HttpResponse:
    content = exports.pdf(
        "reporting/pdf/annual.html", {"year": year, **documents.annual_document(year)}
    )
    return _file(content, exports.PDF_TYPE, f"complaints-annual-report-{year}.pdf")


@editor
@require_http_methods(["GET", "POST"])
def annual_notes(request: HttpRequest, year: int) -> HttpResponse:
    note = selectors.annual_note(year)
    initial = {f: getattr(note, f) for f in services.ANNUAL_TEXTS} if note else {}
    form = AnnualNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_note_save(year=year, **form.cleaned_data, actor=request.user)
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:annual", year=year)
    return render(
        request,
        "reporting/annual_notes.html",
        _base(
            request,
            form=form,
            year=year,
            period=reporting_year(year),
            history=selectors.text_history(f"annual:{year}"),
        ),
        status=400 if form.errors else 200,
    )


@approver
@require_http_methods(["GET", "POST"])
def governing_body_response(request: HttpRequest, year: int) -> HttpResponse:
    """The governing body writes and approves its response to the annual report (Code 8.2)."""
    note = selectors.annual_note(year)
    form = GoverningBodyResponseForm(
        request.POST or None,
        initial={"response": note.governing_body_response if note else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.governing_body_response_save(
                year=year, **form.cleaned_data, actor=request.user
            )
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:annual", year=year)
    return render(
        request,
        "reporting/governing_body_response.html",
        _base(
            request,
            form=form,
            note=note,
            year=year,
            period=reporting_year(year),
            history=selectors.text_history(f"annual:{year}").filter(
                field="governing_body_response"
            ),
        ),
        status=400 if form.errors else 200,
    )


def _quarter_or_404(number: int) -> None:
    if number not in (1, 2, 3, 4):
        raise Http404("A quarter is 1 to 4.")


@reader
def mrc(request: HttpRequest, year: int, number: int) -> HttpResponse:
    _quarter_or_404(number)
    return render(
        request, "reporting/mrc.html", _base(request, **documents.mrc_document(year, number))
    )


@reader
def mrc_pdf(request: HttpRequest, year: int, number: int) -> HttpResponse:
    _quarter_or_404(number)
    content = exports.pdf("reporting/pdf/mrc.html", documents.mrc_document(year, number))
    return _file(content, exports.PDF_TYPE, f"mrc-pack-{year}-q{number}.pdf")


@reader
def themes(request: HttpRequest, year: int, number: int) -> HttpResponse:
    _quarter_or_404(number)
    pack = reports.mrc_pack(year, number)
    return render(request, "reporting/themes.html", _base(request, pack=pack))


# --- learning --------------------------------------------------------------------------------


@reader
def learning(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", reporting_year_of(timezone.localdate())))
    except ValueError:
        year = reporting_year_of(timezone.localdate())
    period = reporting_year(year)
    return render(
        request,
        "reporting/learning.html",
        _base(
            request,
            year=year,
            period=period,
            improvements=selectors.improvements().prefetch_related("complaints"),
            learning=selectors.learning_in(period)[:200],
        ),
    )


@editor
@require_http_methods(["GET", "POST"])
def improvement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    improvement = get_object_or_404(ServiceImprovement, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if improvement is not None:
        initial = {
            f: getattr(improvement, f)
            for f in (
                "title",
                "description",
                "status",
                "owner",
                "owner_name",
                "due_on",
                "completed_on",
            )
        }
        initial["references"] = " ".join(improvement.complaints.values_list("reference", flat=True))
    form = ImprovementForm(
        request.POST or None, initial=initial or {"references": request.GET.get("from", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if improvement is None:
                services.improvement_create(data=form.to_input(), actor=request.user)
            else:
                services.improvement_update(
                    improvement=improvement, data=form.to_input(), actor=request.user
                )
        except ComplaintError as error:
            error_into_form(form, error)
        else:
            return redirect("reporting:learning")
    return render(
        request,
        "reporting/improvement_form.html",
        _base(
            request,
            form=form,
            improvement=improvement,
            history=selectors.text_history(f"improvement:{improvement.pk}") if improvement else [],
        ),
        status=400 if form.errors else 200,
    )


# --- Ombudsman cases ---------------------------------------------------------------------------


@ombudsman_reader
def ombudsman_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.referrals(), 50).get_page(request.GET.get("page"))
    return render(request, "reporting/ombudsman_list.html", _base(request, page=page))


OMBUDSMAN_FORMS = {
    "request": InformationRequestForm,
    "finding": FindingForm,
    "code_finding": CodeFindingForm,
    "order": OrderForm,
}


@ombudsman_reader_editor
@require_http_methods(["GET", "POST"])
def ombudsman_case(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        referral = selectors.referral_detail(pk)
    except OmbudsmanReferral.DoesNotExist:
        raise Http404("No such referral.") from None
    forms = {name: cls(prefix=name) for name, cls in OMBUDSMAN_FORMS.items()}
    if request.method == "POST":
        kind = request.POST.get("form", "")
        if kind not in OMBUDSMAN_FORMS:
            raise Http404("Unknown form.")
        form = forms[kind] = OMBUDSMAN_FORMS[kind](request.POST, prefix=kind)
        if form.is_valid():
            adder = {
                "request": services.ombudsman_information_request_add,
                "finding": services.ombudsman_finding_add,
                "code_finding": services.ombudsman_code_finding_add,
                "order": services.ombudsman_order_add,
            }[kind]
            try:
                adder(referral=referral, **form.cleaned_data, actor=request.user)
            except ComplaintError as error:
                error_into_form(form, error)
            else:
                return redirect("reporting:ombudsman_case", pk=pk)
    return render(
        request,
        "reporting/ombudsman_case.html",
        _base(
            request,
            referral=referral,
            forms=forms,
            sent_form=InformationSentForm(),
            complete_form=OrderCompleteForm(),
            today=timezone.localdate(),
        ),
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@editor
@require_POST
def ombudsman_request_sent(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OmbudsmanInformationRequest, pk=pk)
    form = InformationSentForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Give the date the information was sent.", status=400)
    try:
        services.ombudsman_information_sent(request=item, **form.cleaned_data, actor=request.user)
    except ComplaintError as error:
        return HttpResponse(error.message, status=400)
    return redirect("reporting:ombudsman_case", pk=item.referral_id)


@editor
@require_POST
def ombudsman_order_complete(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(OmbudsmanOrder, pk=pk)
    form = OrderCompleteForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Give the date and the evidence of compliance.", status=400)
    try:
        services.ombudsman_order_complete(order=order, **form.cleaned_data, actor=request.user)
    except ComplaintError as error:
        return HttpResponse(error.message, status=400)
    return redirect("reporting:ombudsman_case", pk=order.referral_id)
