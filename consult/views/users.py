from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from account_security.lockout import is_locked, unlock
from consult.access import Actor, administrator_required, clinician_required
from consult.account_mail import send_activation, send_second_factor_reset
from consult.forms import UserCreateForm, UserUpdateForm
from consult.models import Role, User
from consult.services.users import (
    accounts_awaiting_confirmation,
    colleague_confirm,
    user_create,
    user_update,
)


@administrator_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    users = User.objects.filter(practice_id=actor.user.practice_id).order_by(
        "-is_active", "full_name"
    )
    return render(request, "consult/user_list.html", {"users": users})


@administrator_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = user_create(
            actor=actor, email=data["email"], full_name=data["full_name"], role=Role(data["role"])
        )
        send_activation(request, account)
        messages.success(
            request,
            _(
                "Account created. %(name)s gets an e-mail at %(email)s to activate it "
                "and choose a password."
            )
            % {"name": account.full_name, "email": account.email},
        )
        return redirect("user_list")
    return render(request, "consult/user_form.html", {"form": form, "account": None})


@administrator_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    account = get_object_or_404(User, public_id=user_id, practice_id=actor.user.practice_id)
    initial = {
        "full_name": account.full_name,
        "role": account.role,
        "is_active": account.is_active,
        "reviews_audit": account.reviews_audit,
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                actor=actor,
                user=account,
                full_name=data["full_name"],
                role=Role(data["role"]),
                is_active=data["is_active"],
                reset_two_factor=data["reset_two_factor"],
                reviews_audit=data["reviews_audit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if data["reset_two_factor"]:
                send_second_factor_reset(account)
            messages.success(request, _("Changes saved."))
            return redirect("user_list")
    context = {"form": form, "account": account, "locked": is_locked(account)}
    return render(request, "consult/user_form.html", context)


@administrator_required
@require_POST
def user_activation_resend(request: HttpRequest, user_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    account = get_object_or_404(User, public_id=user_id, practice_id=actor.user.practice_id)
    if account.has_usable_password() or not account.is_active:
        messages.error(request, _("This account is already activated, or deactivated."))
    else:
        send_activation(request, account)
        messages.success(
            request, _("A new activation link was sent to %(email)s.") % {"email": account.email}
        )
    return redirect("user_edit", user_id=account.public_id)


@administrator_required
@require_POST
def user_unlock(request: HttpRequest, user_id: UUID) -> HttpResponse:
    """Lift the lock after too many wrong passwords (the colleague called, it was them)."""
    actor = Actor.from_request(request)
    account = get_object_or_404(User, public_id=user_id, practice_id=actor.user.practice_id)
    if unlock(account, actor=actor):
        messages.success(request, _("%(name)s can log in again.") % {"name": account.full_name})
    else:
        messages.info(request, _("This account was not locked."))
    return redirect("user_edit", user_id=account.public_id)


@clinician_required
def colleagues_to_confirm(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    waiting = accounts_awaiting_confirmation(actor)
    return render(request, "consult/colleague_confirm.html", {"waiting": waiting})


@clinician_required
@require_POST
def colleague_confirm_view(request: HttpRequest, user_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    account = get_object_or_404(User, public_id=user_id, practice_id=actor.user.practice_id)
    try:
        colleague_confirm(actor=actor, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is confirmed and can now see patient data.") % {"name": account.full_name},
        )
    return redirect("colleagues_to_confirm")
