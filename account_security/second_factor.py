"""The second factor beside the authenticator app: one-time recovery codes for a lost
phone (django-otp's static device), and what every second-factor check does: log it
either way, and give the session a new key when it succeeds."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.access import Actor
from consult.audit import audit_account
from consult.models import AuditAction, AuditEventType, AuditOutcome, User

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"
AUTHENTICATOR = "authenticator"
RECOVERY_CODE = "recovery_code"
# Codes made but not shown yet: the next page shows them, once.
_CODES_TO_SHOW = "account_security_codes_to_show"


def recovery_codes_create(*, actor: Actor) -> list[str]:
    """A new set of recovery codes for the actor; the earlier ones stop working."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=actor.user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit_account(
            actor=actor,
            event=AuditEventType.SECOND_FACTOR,
            action=AuditAction.CREATE,
            account=actor.user,
            details={"recovery_codes": RECOVERY_CODE_COUNT},
        )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_code_verify(request: HttpRequest, *, code: str) -> int | None:
    """Log in with a recovery code, which is used up; how many are left, or None for a
    code that is wrong or used (or while wrong codes are being slowed down)."""
    actor = Actor.from_request(request)
    device = StaticDevice.objects.filter(user=actor.user, confirmed=True).first()
    token = code.replace("-", "").replace(" ", "").lower()
    if device is None or verify_token(actor.user, device.persistent_id, token) is None:
        second_factor_failed(request, method=RECOVERY_CODE)
        return None
    otp_login(request, device)
    left = recovery_codes_left(actor.user)
    second_factor_passed(request, method=RECOVERY_CODE, details={"recovery_codes_left": left})
    return left


def recovery_codes_throttled(user: User) -> bool:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device is not None and not device.verify_is_allowed()[0]


def second_factor_passed(
    request: HttpRequest, *, method: str, details: dict[str, Any] | None = None
) -> None:
    """Logged, and a new session key: a key seen before the second factor is worth
    nothing after it."""
    actor = Actor.from_request(request)
    audit_account(
        actor=actor,
        event=AuditEventType.SECOND_FACTOR,
        action=AuditAction.EXECUTE,
        account=actor.user,
        details={"method": method, **(details or {})},
    )
    request.session.cycle_key()


def second_factor_failed(request: HttpRequest, *, method: str) -> None:
    actor = Actor.from_request(request)
    audit_account(
        actor=actor,
        event=AuditEventType.SECOND_FACTOR,
        action=AuditAction.EXECUTE,
        account=actor.user,
        outcome=AuditOutcome.FAILED,
        details={"method": method},
    )


def authenticator_replace(request: HttpRequest, *, new: TOTPDevice) -> None:
    """The new authenticator app, just confirmed, takes over: the old one stops
    working, and this session continues with the new one."""
    actor = Actor.from_request(request)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor.user, confirmed=True).exclude(pk=new.pk).delete()
        audit_account(
            actor=actor,
            event=AuditEventType.SECOND_FACTOR,
            action=AuditAction.UPDATE,
            account=actor.user,
            details={"authenticator": "replaced"},
        )
    otp_login(request, new)
    request.session.cycle_key()


def show_codes_once(request: HttpRequest, codes: list[str]) -> None:
    request.session[_CODES_TO_SHOW] = codes


def codes_to_show(request: HttpRequest) -> list[str]:
    """The codes just made, for this page only."""
    codes: list[str] = request.session.pop(_CODES_TO_SHOW, [])
    return codes
