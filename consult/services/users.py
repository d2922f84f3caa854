from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, Role, User
from consult.services.two_factor import two_factor_devices_remove


def user_create(*, actor: Actor, email: str, full_name: str, role: Role, password: str) -> User:
    """A beheerder adds a colleague to their own practice, with a first password that
    the colleague must change at first login."""
    _require_administrator(actor)
    candidate = User(email=email.lower(), full_name=full_name, role=role)
    validate_password(password, user=candidate)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            role=role,
            practice=actor.user.practice,
            must_change_password=True,
        )
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="user",
            object_id=str(user.public_id),
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
) -> User:
    _require_administrator(actor)
    if user.practice_id != actor.user.practice_id:
        raise PermissionError("Users of another practice are out of reach")
    if user.pk == actor.user.pk and (not is_active or role != Role.BEHEERDER):
        raise ValidationError(
            _("You cannot deactivate yourself or take away your own administrator role.")
        )
    user.full_name = full_name
    user.role = role
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["full_name", "role", "is_active"])
        if reset_two_factor:
            two_factor_devices_remove(actor=actor, user=user)
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=str(user.public_id),
        )
    return user


def _require_administrator(actor: Actor) -> None:
    if not actor.user.is_administrator:
        raise PermissionError("Only an administrator manages users")
