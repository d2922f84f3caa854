from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consult.access import Actor, administrator_required
from consult.forms import UserCreateForm, UserUpdateForm
from consult.models import Role, User
from consult.services.users import user_create, user_update


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
        try:
            user_create(
                actor=actor,
                email=data["email"],
                full_name=data["full_name"],
                role=Role(data["role"]),
                password=data["password"],
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, _("Account created."))
            return redirect("user_list")
    return render(request, "consult/user_form.html", {"form": form, "account": None})


@administrator_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    account = get_object_or_404(User, public_id=user_id, practice_id=actor.user.practice_id)
    initial = {"full_name": account.full_name, "role": account.role, "is_active": account.is_active}
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
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("user_list")
    return render(request, "consult/user_form.html", {"form": form, "account": account})
