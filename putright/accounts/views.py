"""Sign-in security pages: two-step verification, own API tokens, the security log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts import constants, lockout, passkeys, services, two_step
from putright.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    PasskeyForm,
    StaffAuthenticationForm,
    UnlockForm,
    passkey_answer,
)
from putright.accounts.models import ApiToken, Passkey
from putright.accounts.recovery import codes_left as recovery_codes_left
from putright.core.errors import ComplaintError, error_into_form
from putright.core.models import SecurityEvent
from putright.core.permissions import Action, permission_required_for

staff_login = LoginView.as_view(authentication_form=StaffAuthenticationForm)


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def two_step_overview(request: HttpRequest) -> HttpResponse:
    """Whether two-step verification is set up, and the buttons to change it."""
    recovery = two_step.recovery_device(request.user)
    return render(
        request,
        "accounts/two_step.html",
        {
            "enrolled": two_step.enrolled(request.user),
            "has_app": two_step.totp_device(request.user) is not None,
            "passkeys": Passkey.objects.filter(user=request.user),
            "required": two_step.required_for(request.user),
            "recovery_left": recovery_codes_left(recovery),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key) into an authenticator app, then prove it with a code."""
    user = request.user
    if two_step.enrolled(user) and not two_step.is_verified(request):
        # Replacing an app needs the current one first.
        return redirect(f"{reverse('two_step_verify')}?next={reverse('two_step_setup')}")
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(constants.SESSION_PENDING_DEVICE)
    ).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        request.session[constants.SESSION_PENDING_DEVICE] = device.pk
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = services.mfa_totp_confirm(
                    user=user, device=device, token=form.cleaned_data["code"], request=request
                )
            except ComplaintError as exc:
                form.add_error(exc.field or None, exc.message)
            else:
                request.session.pop(constants.SESSION_PENDING_DEVICE, None)
                two_step.mark_verified(request)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _next(request), "first_time": True},
                )
        status = 400
    return render(
        request,
        "accounts/two_step_setup.html",
        {
            "form": form,
            "secret": _base32(device),
            "qr_svg": _qr_svg(device.config_url),
            "next": _next(request, reverse("two_step")),
        },
        status=status,
    )


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(
        scale=5, title="QR code to scan with your authenticator app"
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def two_step_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a passkey, a code from the app, or a recovery code."""
    user = request.user
    if not two_step.enrolled(user):
        return redirect(f"{reverse('two_step_setup')}?next={_next(request)}")
    form = CodeForm(request.POST if request.method == "POST" and "code" in request.POST else None)
    passkey_error = ""
    if request.method == "POST" and "assertion" in request.POST:
        state = request.session.pop(passkeys.SESSION_AUTHENTICATE, None)
        answer = passkey_answer(request.POST)
        if services.passkey_verify(user=user, response=answer or {}, state=state, request=request):
            two_step.mark_verified(request)
            return redirect(_next(request))
        passkey_error = constants.PASSKEY_WRONG
    elif request.method == "POST" and form.is_valid():
        if services.mfa_verify(user=user, token=form.cleaned_data["code"], request=request):
            two_step.mark_verified(request)
            return redirect(_next(request))
        form.add_error("code", constants.MFA_CODE_WRONG)
    return render(
        request,
        "accounts/two_step_verify.html",
        {
            "form": form,
            "next": _next(request),
            "passkey_options": passkeys.authentication_options(request),
            "passkey_error": passkey_error,
            "has_app": two_step.totp_device(user) is not None,
            "has_codes": recovery_codes_left(two_step.recovery_device(user)) > 0,
        },
        status=400 if form.errors or passkey_error else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def passkey_add(request: HttpRequest) -> HttpResponse:
    """Add a passkey: as the first second step (enrolment) or, once verified, another one."""
    user = request.user
    if two_step.enrolled(user) and not two_step.is_verified(request):
        return redirect(f"{reverse('two_step_verify')}?next={reverse('passkey_add')}")
    form = PasskeyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        state = request.session.pop(passkeys.SESSION_REGISTER, None)
        if form.is_valid():
            try:
                key, codes = services.passkey_add(
                    user=user,
                    name=form.cleaned_data["name"],
                    response=form.cleaned_data["credential"],
                    state=state,
                    request=request,
                )
            except ComplaintError as exc:
                error_into_form(form, exc)
            else:
                two_step.mark_verified(request)
                if codes:
                    return render(
                        request,
                        "accounts/recovery_codes.html",
                        {"codes": codes, "next": _next(request), "first_time": True},
                    )
                messages.success(request, f"The passkey “{key.name}” is added.")
                return redirect("two_step")
        status = 400
    return render(
        request,
        "accounts/passkey_add.html",
        {
            "form": form,
            "options": passkeys.registration_options(request),
            "next": _next(request, reverse("two_step")),
        },
        status=status,
    )


@require_POST
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not two_step.is_verified(request):
        return redirect(f"{reverse('two_step_verify')}?next={reverse('two_step')}")
    key = get_object_or_404(Passkey, pk=pk, user=request.user)
    services.passkey_remove(key=key, actor=request.user, request=request)
    messages.success(request, f"The passkey “{key.name}” is removed.")
    return redirect("two_step")


@require_POST
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def two_step_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not two_step.is_verified(request):
        return redirect(f"{reverse('two_step_verify')}?next={reverse('two_step')}")
    codes = services.mfa_recovery_codes_renew(user=request.user, request=request)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("two_step")}
    )


@require_POST
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def two_step_remove(request: HttpRequest) -> HttpResponse:
    if not two_step.is_verified(request):
        return redirect(f"{reverse('two_step_verify')}?next={reverse('two_step')}")
    services.mfa_remove(user=request.user, actor=request.user, request=request)
    request.session.pop(constants.SESSION_VERIFIED, None)
    messages.success(request, "Two-step verification is removed.")
    return redirect("two_step")


@require_http_methods(["GET", "POST"])
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your API tokens; make a new one (shown once). Needs two-step verification."""
    if not two_step.is_verified(request):
        if two_step.enrolled(request.user):
            return redirect(f"{reverse('two_step_verify')}?next={reverse('api_tokens')}")
        messages.info(request, constants.MFA_NEEDED_FOR_TOKEN)
        return redirect(f"{reverse('two_step_setup')}?next={reverse('api_tokens')}")
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
                two_step_verified=two_step.is_verified(request),
                request=request,
            )
        except ComplaintError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required_for(Action.MANAGE_OWN_SIGN_IN)
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.api_token_revoke(token=token, actor=request.user, request=request)
    except ComplaintError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("api_tokens")


@permission_required_for(Action.READ_SECURITY_LOG)
def security_log(request: HttpRequest) -> HttpResponse:
    """Sign-ins, failures, lockouts, two-step and token changes, refusals: newest first."""
    events = SecurityEvent.objects.select_related("user")
    kind = request.GET.get("kind", "")
    if kind in SecurityEvent.Kind.values:
        events = events.filter(kind=kind)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    locked_usernames, locked_ips = lockout.currently_locked()
    return render(
        request,
        "accounts/security_log.html",
        {
            "page": page,
            "kinds": SecurityEvent.Kind.choices,
            "kind": kind,
            "locked_usernames": locked_usernames,
            "locked_ips": locked_ips,
            "window": settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES,
        },
    )


@require_POST
@permission_required_for(Action.UNLOCK_SIGN_IN)
def signin_unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            services.signin_unlock(
                actor=request.user,
                username=form.cleaned_data["username"],
                ip=form.cleaned_data["ip"] or "",
                request=request,
            )
        except ComplaintError as exc:
            messages.info(request, exc.message)
        else:
            what = form.cleaned_data["username"] or form.cleaned_data["ip"]
            messages.success(request, f"{what} can sign in again.")
    else:
        messages.info(request, "Choose a username or an address to unlock.")
    return redirect("security_log")
