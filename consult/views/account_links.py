"""Setting one's own password through a one-time link sent by e-mail: to activate a
new account, and when the password is forgotten. Django's own views do the tokens;
these add the audit record and the texts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from account_security.lockout import unlock
from consult.access import client_address
from consult.audit import Visitor
from consult.models import User
from consult.services.users import account_activated, activation_link_refused


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        if not self.validlink and response.status_code == 200:  # not the redirect step
            activation_link_refused(who=Visitor(client_address(request)), user=self.user)
        return response

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        user = form.user
        assert isinstance(user, User)
        first_time = not user.has_usable_password()
        response = super().form_valid(form)
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        account_activated(
            who=Visitor(client_address(self.request)), user=user, by_reset=not first_time
        )
        unlock(user, actor=Visitor(client_address(self.request)))
        messages.success(
            self.request,
            _("Your password is set. Log in with it; next you link your authenticator app.")
            if first_time
            else _("Your new password is set. Log in with it."),
        )
        return response


class PasswordForgottenView(auth_views.PasswordResetView):
    template_name = "registration/password_forgotten.html"
    email_template_name = "registration/mail/password_reset.txt"
    subject_template_name = "registration/mail/password_reset_subject.txt"
    success_url = reverse_lazy("password_forgotten_sent")


class PasswordForgottenSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_forgotten_sent.html"
