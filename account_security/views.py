import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from account_security import idle
from account_security.forms import ReauthenticationForm
from account_security.reauth import REAUTHENTICATION_MINUTES, reauthentication_required
from account_security.second_factor import (
    authenticator_replace,
    recovery_codes_create,
    recovery_codes_left,
    show_codes_once,
)
from consult.access import Actor
from consult.forms import CodeForm
from consult.services.two_factor import two_factor_device_confirm, two_factor_device_for_setup
from consult.two_factor import setup_qr_data_uri, setup_secret


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own security page: their second factor and their password."""
    user = Actor.from_request(request).user
    context = {
        "has_authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_codes_left": recovery_codes_left(user),
        "reauthentication_minutes": REAUTHENTICATION_MINUTES,
    }
    return render(request, "account_security/security.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    form = ReauthenticationForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        target = request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Not redirect(): that would read a bare word as the name of a URL.
            return HttpResponseRedirect(target)
        return redirect("account_security")
    return render(request, "account_security/reauthenticate.html", {"form": form})


@login_required
@require_POST
@reauthentication_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    if not TOTPDevice.objects.filter(user=actor.user, confirmed=True).exists():
        return redirect("account_security")
    show_codes_once(request, recovery_codes_create(actor=actor))
    return redirect("account_security")


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def authenticator_new(request: HttpRequest) -> HttpResponse:
    """Link another authenticator app (a new phone); the old one works until the new
    one is confirmed."""
    actor = Actor.from_request(request)
    device = two_factor_device_for_setup(actor=actor)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_device_confirm(actor=actor, device=device, token=form.cleaned_data["token"]):
            authenticator_replace(request, new=device)
            messages.success(
                request, _("Your new authenticator app is linked. The old one no longer works.")
            )
            return redirect("account_security")
        form.add_error(
            "token", _("This code is not right. Check that the app shows Brede Gesprek.")
        )
    context = {"form": form, "qr": setup_qr_data_uri(device), "secret": setup_secret(device)}
    return render(request, "account_security/authenticator_new.html", context)


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left, for the warning in the page; asking is not
    activity (see SessionGuardMiddleware)."""
    left = idle.seconds_left(request) if request.user.is_authenticated else 0
    return JsonResponse({"seconds_left": math.ceil(left)})


@never_cache
@require_POST
def session_keepalive(request: HttpRequest) -> JsonResponse:
    """ "Stay logged in": this request is the activity."""
    left = idle.idle_seconds() if request.user.is_authenticated else 0
    return JsonResponse({"seconds_left": math.ceil(left)})
