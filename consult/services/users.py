"""Accounts, so that no single person can grant themselves patient data.

A beheerder creates an account without a password: the colleague activates it with a
one-time link sent to their own e-mail address, and sets up their own second factor,
so the beheerder knows neither. A treating account then sees patient data only once a
treating colleague confirmed it; so does an account that is given a treating role,
and one whose second factor was reset. Every change is audited with its old and new
values."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import Who, audit_account
from consult.models import AuditAction, AuditEventType, AuditOutcome, Role, User
from consult.services.two_factor import two_factor_devices_remove


def user_create(*, actor: Actor, email: str, full_name: str, role: Role) -> User:
    """A beheerder adds a colleague to their own practice. The account has no password
    until the colleague activates it (consult.account_mail.send_activation)."""
    _require_administrator(actor)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name=full_name,
            role=role,
            practice=actor.user.practice,
            created_by=actor.user,
        )
        audit_account(
            actor=actor,
            event=AuditEventType.ACCOUNT,
            action=AuditAction.CREATE,
            account=user,
            details={"role": [None, role.value], "active": [None, True]},
        )
    return user


def user_update(
    *,
    actor: Actor,
    user: User,
    full_name: str,
    role: Role,
    is_active: bool,
    reset_two_factor: bool = False,
    reviews_audit: bool = False,
) -> User:
    _require_administrator(actor)
    if user.practice_id != actor.user.practice_id:
        raise PermissionError("Users of another practice are out of reach")
    if user.pk == actor.user.pk and (not is_active or role != Role.BEHEERDER):
        raise ValidationError(
            _("You cannot deactivate yourself or take away your own administrator role.")
        )
    if reviews_audit and role not in (Role.HUISARTS, Role.POH_S, Role.POH_GGZ):
        raise ValidationError(
            _("Only a treating colleague (GP or practice nurse) can review the audit trail.")
        )
    before = _values(user)
    becomes_treating = role in (Role.HUISARTS, Role.POH_S, Role.POH_GGZ) and not (
        user.has_clinical_role
    )
    user.full_name = full_name
    user.role = role
    user.is_active = is_active
    user.reviews_audit = reviews_audit
    if becomes_treating or (reset_two_factor and user.has_clinical_role):
        # A colleague confirms again before this account sees patient data.
        user.confirmed_at = None
        user.confirmed_by = None
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(
            update_fields=[
                "full_name",
                "role",
                "is_active",
                "reviews_audit",
                "confirmed_at",
                "confirmed_by",
            ]
        )
        if reset_two_factor:
            two_factor_devices_remove(actor=actor, user=user)
        changes = _changes(before, _values(user))
        if changes or reset_two_factor:
            audit_account(
                actor=actor,
                event=AuditEventType.ACCOUNT,
                action=AuditAction.UPDATE,
                account=user,
                details={**changes, **({"second_factor": "reset"} if reset_two_factor else {})},
            )
    if not is_active or reset_two_factor:
        _end_sessions(user)
    return user


def colleague_confirm(*, actor: Actor, account: User) -> User:
    """A treating colleague confirms that a new treating account is who it says: only
    then does it see patient data. Nobody confirms themselves."""
    if not actor.user.is_clinician or account.practice_id != actor.user.practice_id:
        raise PermissionError("Only a treating colleague of the practice confirms")
    if account.pk == actor.user.pk:
        raise ValidationError(_("You cannot confirm your own account."))
    if not account.awaits_confirmation or not account.is_active:
        raise ValidationError(_("This account does not wait for confirmation."))
    if not account.has_usable_password():
        raise ValidationError(
            _("The colleague has not activated the account yet: confirm it once they have.")
        )
    with transaction.atomic():
        account.confirmed_at = timezone.now()
        account.confirmed_by = actor.user
        account.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_account(
            actor=actor,
            event=AuditEventType.ACCOUNT,
            action=AuditAction.UPDATE,
            account=account,
            details={"confirmed": [False, True]},
        )
    return account


def accounts_awaiting_confirmation(actor: Actor) -> list[User]:
    if not actor.user.is_clinician:
        return []
    return [
        user
        for user in User.objects.filter(
            practice_id=actor.user.practice_id, is_active=True, confirmed_at__isnull=True
        )
        .exclude(pk=actor.user.pk)
        .select_related("created_by")
        .order_by("created_at")
        if user.awaits_confirmation
    ]


def awaiting_confirmation_count(actor: Actor) -> int:
    """How many activated colleagues wait for a treating colleague's confirmation."""
    if not actor.user.is_clinician:
        return 0
    return sum(1 for user in accounts_awaiting_confirmation(actor) if user.has_usable_password())


def account_activated(*, who: Who, user: User, by_reset: bool) -> None:
    """The colleague set their own password through the link sent to them."""
    audit_account(
        actor=who,
        event=AuditEventType.PASSWORD,
        action=AuditAction.UPDATE,
        account=user,
        details={"via": "reset link" if by_reset else "activation link"},
    )


def activation_link_refused(*, who: Who, user: User | None) -> None:
    audit_account(
        actor=who,
        event=AuditEventType.PASSWORD,
        action=AuditAction.UPDATE,
        account=user,
        outcome=AuditOutcome.REFUSED,
        details={"via": "link", "reason": "invalid or used"},
    )


def _values(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "role": user.role,
        "active": user.is_active,
        "reviews_audit": user.reviews_audit,
        "confirmed": user.confirmed_at is not None,
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


def _end_sessions(user: User) -> None:
    """Sessions of a deactivated account, or one whose second factor was reset, end
    now rather than at their next request."""
    from account_security.sessions import end_sessions

    end_sessions(user)


def _require_administrator(actor: Actor) -> None:
    if not actor.user.is_administrator:
        raise PermissionError("Only an administrator manages users")
