"""Two-factor login with a TOTP authenticator app (django-otp).

Every account needs a second factor before it sees anything (TWO_FACTOR_REQUIRED).
The first login after the password leads to setting up the app; later logins ask for
the six-digit code. django-otp's device slows down repeated wrong codes. Devices are
created, confirmed and removed through consult.services.two_factor, which audits it."""

from base64 import b32encode

import segno
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.models import User

DEVICE_NAME = "authenticator"


def has_confirmed_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def setup_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup_qr_data_uri(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def verify_code(request: HttpRequest, user: User, token: str) -> bool:
    """The code of the authenticator app (recovery codes have their own page, and their
    own slowing down: account_security.second_factor)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False


def is_throttled(user: User) -> bool:
    return any(not device.verify_is_allowed()[0] for device in TOTPDevice.objects.filter(user=user))
