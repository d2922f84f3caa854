from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from consult.access import Actor
from consult.audit import audit_account
from consult.forms import PasswordChangeForm
from consult.models import AuditAction, AuditEventType, User


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    user = request.user
    if not isinstance(user, User):
        return redirect("login")
    if user.awaits_confirmation:
        return render(request, "consult/account_waiting.html")
    if user.is_clinician:
        return redirect("patient_list")
    if user.is_administrator:
        return redirect("user_list")
    return redirect("service_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert isinstance(user, User)
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_account(
            actor=Actor.from_request(self.request),
            event=AuditEventType.PASSWORD,
            action=AuditAction.UPDATE,
            account=user,
            details={"via": "own change"},
        )
        return response


password_change = login_required(PasswordChangeView.as_view())
