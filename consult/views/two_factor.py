from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from account_security.forms import RecoveryCodeForm
from account_security.second_factor import (
    AUTHENTICATOR,
    recovery_code_verify,
    recovery_codes_create,
    recovery_codes_throttled,
    second_factor_failed,
    second_factor_passed,
    show_codes_once,
)
from consult.access import Actor
from consult.forms import CodeForm
from consult.models import User
from consult.services.two_factor import two_factor_device_confirm, two_factor_device_for_setup
from consult.two_factor import (
    has_confirmed_device,
    is_throttled,
    setup_qr_data_uri,
    setup_secret,
    verify_code,
)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not has_confirmed_device(user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_code(request, user, form.cleaned_data["token"]):
            second_factor_passed(request, method=AUTHENTICATOR)
            return _next_or_home(request)
        second_factor_failed(request, method=AUTHENTICATOR)
        if is_throttled(user):
            form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("token", _("This code is not right. Enter the code your app shows now."))
    return render(request, "registration/two_factor_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    if has_confirmed_device(actor.user):
        return redirect("two_factor_verify")
    device = two_factor_device_for_setup(actor=actor)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_device_confirm(actor=actor, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            second_factor_passed(request, method=AUTHENTICATOR)
            show_codes_once(request, recovery_codes_create(actor=actor))
            messages.success(request, _("Two-step verification is on."))
            return _next_or_home(request)
        form.add_error(
            "token", _("This code is not right. Check that the app shows Brede Gesprek.")
        )
    context = {"form": form, "qr": setup_qr_data_uri(device), "secret": setup_secret(device)}
    return render(request, "registration/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """A recovery code instead of the app's code, for a lost phone: each works once."""
    user = request.user
    assert isinstance(user, User)
    if not has_confirmed_device(user):
        return redirect("two_factor_setup")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = recovery_codes_throttled(user)
        left = recovery_code_verify(request, code=form.cleaned_data["code"])
        if left is not None:
            messages.warning(request, _recovery_code_used_message(left))
            return _next_or_home(request)
        if throttled:
            form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("code", _("This recovery code is not right, or it has been used."))
    return render(request, "registration/two_factor_recovery.html", {"form": form})


def _recovery_code_used_message(left: int) -> str:
    return ngettext(
        "You logged in with a recovery code; it no longer works. You have %(count)d code "
        "left. Under Security you can make new codes and link a new phone.",
        "You logged in with a recovery code; it no longer works. You have %(count)d codes "
        "left. Under Security you can make new codes and link a new phone.",
        left,
    ) % {"count": left}


def _next_or_home(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): that would read a bare word as the name of a URL.
        return HttpResponseRedirect(target)
    return redirect("home")
