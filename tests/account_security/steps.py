"""What a professional does at the login, as plain steps for the tests."""

import re

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.models import User
from tests.conftest import current_code
from tests.factories import PASSWORD

CODE_ON_PAGE = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def enter_password(client: Client, email: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def set_up_app(client: Client, user: User) -> tuple[TOTPDevice, str]:
    """The first login: password, then linking the app. Returns the device and the
    page that follows."""
    enter_password(client, user.email)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("two_factor_setup"), {"token": current_code(device)}, follow=True)
    return device, page.content.decode()


def codes_in(page: str) -> list[str]:
    return CODE_ON_PAGE.findall(page)


def log_in_again(client: Client, user: User) -> None:
    """Log out, then in with the password only: the code page is next."""
    client.post(reverse("logout"))
    enter_password(client, user.email)


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
