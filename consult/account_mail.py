"""E-mails to a colleague about their own account: the one-time link to activate it,
and the notice that their second factor was reset. Sent to the address on the
account, so the beheerder who made the account never holds its password."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from consult.models import User


def set_password_url(request: HttpRequest, user: User) -> str:
    """A link that sets the account's password once: the token is void as soon as the
    password changes, and after PASSWORD_RESET_TIMEOUT seconds."""
    path = reverse(
        "account_set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def send_activation(request: HttpRequest, user: User) -> None:
    _send(
        user,
        "registration/mail/activation",
        {
            "user": user,
            "url": set_password_url(request, user),
            "practice": user.practice.name,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def send_second_factor_reset(user: User) -> None:
    _send(user, "registration/mail/second_factor_reset", {"user": user})


def _send(user: User, template: str, context: dict[str, object]) -> None:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
