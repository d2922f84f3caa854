"""Refusing password guessing. After LOGIN_LOCKOUT_FAILURES wrong passwords for one
e-mail address, or LOGIN_LOCKOUT_ADDRESS_FAILURES from one client address, within
LOGIN_LOCKOUT_MINUTES, every attempt is refused (the right password too) until the
window has passed or an administrator unlocks the account.

Failures count per typed e-mail address whether or not an account has it, so neither
the lock nor its message tells anyone whether an account exists."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from account_security.models import LoginFailure
from consult.access import Actor
from consult.audit import Who, audit_account
from consult.models import AuditAction, AuditEventType, AuditOutcome, User


@dataclass(frozen=True)
class Lock:
    until: datetime
    scope: str  # "account" or "address"

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))


def account_key(email: str) -> str:
    return salted_hmac(
        "account_security.lockout", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


def lock_for(*, email: str, client_address: str | None) -> Lock | None:
    """The lock on this e-mail address or client address (the later-ending one), if any."""
    locks = [
        lock for lock in (_account_lock(email), _address_lock(client_address)) if lock is not None
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def _account_lock(email: str) -> Lock | None:
    failures = LoginFailure.objects.filter(account_key=account_key(email))
    return _lock(failures, limit=settings.LOGIN_LOCKOUT_FAILURES, scope="account")


def _address_lock(client_address: str | None) -> Lock | None:
    failures = LoginFailure.objects.filter(client_address=client_address)
    return _lock(failures, limit=settings.LOGIN_LOCKOUT_ADDRESS_FAILURES, scope="address")


def _lock(failures: QuerySet[LoginFailure], *, limit: int, scope: str) -> Lock | None:
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = failures.filter(at__gte=timezone.now() - window).order_by("-at")
    times = list(recent.values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    # The lock ends when the oldest of the failures that made it leaves the window.
    return Lock(until=times[-1] + window, scope=scope)


def lockout_error(*, actor: Who, email: str) -> ValidationError | None:
    """The error that refuses this attempt while the account or address is locked
    (logged); None when it may go ahead."""
    lock = lock_for(email=email, client_address=actor.client_address)
    if lock is None:
        return None
    account = _account(email)
    audit_account(
        actor=actor,
        event=AuditEventType.LOCKOUT,
        action=AuditAction.EXECUTE,
        account=account,
        outcome=AuditOutcome.REFUSED,
        details={"scope": lock.scope, **_unknown(account)},
    )
    message = ngettext(
        "Too many attempts to log in. Try again in %(minutes)d minute, or ask the "
        "administrator of your practice to unlock your account.",
        "Too many attempts to log in. Try again in %(minutes)d minutes, or ask the "
        "administrator of your practice to unlock your account.",
        lock.minutes_left,
    ) % {"minutes": lock.minutes_left}
    return ValidationError(message, code="locked")


def password_failed(
    *,
    actor: Who,
    email: str,
    event: AuditEventType = AuditEventType.LOGIN,
    details: dict[str, Any] | None = None,
) -> None:
    """A wrong password for this e-mail address: counted towards the lock, and logged
    (with the account when there is one)."""
    account = _account(email)
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        LoginFailure.objects.filter(at__lt=window_start).delete()
        LoginFailure.objects.create(
            account_key=account_key(email), client_address=actor.client_address
        )
        audit_account(
            actor=actor,
            event=event,
            action=AuditAction.EXECUTE,
            account=account,
            outcome=AuditOutcome.FAILED,
            details={**(details or {}), **_unknown(account)},
        )


def login_succeeded(*, actor: Actor) -> None:
    """The right password at the login: the account's failures are forgiven."""
    with transaction.atomic():
        _failures_of(actor.user).delete()
        audit_account(
            actor=actor,
            event=AuditEventType.LOGIN,
            action=AuditAction.EXECUTE,
            account=actor.user,
            details={"factor": "password"},
        )


def is_locked(user: User) -> bool:
    """Whether wrong passwords have locked this account now (a lock on the client
    address is not the account's)."""
    return _account_lock(user.email) is not None


def unlock(user: User, *, actor: Who) -> bool:
    """Lift the lock on the account (an administrator, or the unlock_account command):
    its failures are forgotten. False when it was not locked."""
    locked = is_locked(user)
    with transaction.atomic():
        cleared = _failures_of(user).delete()[0]
        audit_account(
            actor=actor,
            event=AuditEventType.LOCKOUT,
            action=AuditAction.DELETE,
            account=user,
            details={"was_locked": locked, "failures_cleared": cleared},
        )
    return locked


def _failures_of(user: User) -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(account_key=account_key(user.email))


def _account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first() if email else None


def _unknown(account: User | None) -> dict[str, str]:
    """What the audit record says of an e-mail address without an account: never the
    address itself."""
    return {} if account is not None else {"account": "unknown"}
