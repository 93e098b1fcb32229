"""Staff pages for people: residents, representatives, restrictions, reviews due."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.accounts.permissions import can_work_cases
from putright.complaints.errors import ComplaintError
from putright.intake.access import staff_view
from putright.people import selectors, services
from putright.people.models import ContactRestriction, Representative, Resident


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    relationship = forms.ChoiceField(
        label="Relationship", choices=Representative.Relationship.choices
    )
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    postal_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    form_received = forms.BooleanField(label="Authorisation form received", required=False)
    authorised_on = forms.DateField(label="Authorised on (YYYY-MM-DD)", required=False)
    scope = forms.ChoiceField(label="Scope", choices=Representative.Scope.choices)
    complaint_reference = forms.CharField(
        label="Complaint reference (scope: one complaint)", required=False
    )
    expires_on = forms.DateField(label="Expires on (YYYY-MM-DD, optional)", required=False)
    letters_to_representative = forms.BooleanField(
        label="Send letters to the representative", required=False, initial=True
    )
    copy_to_resident = forms.BooleanField(label="Copy letters to the resident", required=False)


class RestrictionForm(forms.Form):
    restricts = forms.ChoiceField(
        label="What is restricted", choices=ContactRestriction.Restricts.choices
    )
    restriction_detail = forms.CharField(label="Detail", required=False, max_length=300)
    reason = forms.CharField(
        label="Reason (the behaviour)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    proportionality = forms.CharField(
        label="Why it is proportionate", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    equality_act_considered = forms.CharField(
        label="Equality Act consideration", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    starts_on = forms.DateField(label="Starts on (YYYY-MM-DD)")
    review_on = forms.DateField(label="Review by (YYYY-MM-DD)")


def _detail(request: HttpRequest, resident: Resident, **extra) -> dict:
    return {
        "resident": resident,
        "can_edit": can_work_cases(request.user),
        "rep_form": extra.pop("rep_form", RepresentativeForm(prefix="rep")),
        "restriction_form": extra.pop("restriction_form", RestrictionForm(prefix="res")),
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


def _apply(form: forms.Form, call) -> str | None:
    try:
        call()
    except ComplaintError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return exc.message
    return None


@staff_view
@require_http_methods(["POST"])
def representative_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = RepresentativeForm(request.POST, prefix="rep")
    if form.is_valid():
        d = form.cleaned_data
        complaint = None
        if d["complaint_reference"]:
            complaint = resident.complaints.filter(
                reference=d["complaint_reference"].strip().upper()
            ).first()
        if (
            _apply(
                form,
                lambda: services.representative_add(
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
                ),
            )
            is None
        ):
            return redirect("people:resident", pk=resident.pk)
    resident = selectors.resident_detail(pk)
    return render(
        request,
        "people/resident_detail.html",
        _detail(request, resident, rep_form=form),
        status=400,
    )


@staff_view
@require_http_methods(["POST"])
def restriction_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    form = RestrictionForm(request.POST, prefix="res")
    if form.is_valid():
        d = form.cleaned_data
        if (
            _apply(
                form,
                lambda: services.restriction_add(
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
                ),
            )
            is None
        ):
            return redirect("people:resident", pk=resident.pk)
    resident = selectors.resident_detail(pk)
    return render(
        request,
        "people/resident_detail.html",
        _detail(request, resident, restriction_form=form),
        status=400,
    )


@staff_view
@require_http_methods(["GET"])
def reviews(request: HttpRequest) -> HttpResponse:
    due = selectors.reviews_due(on=timezone.localdate())
    return render(request, "people/reviews.html", {"due": due, "today": timezone.localdate()})
