"""Changes to a professional's authenticator (django-otp's TOTPDevice), each with its
audit record in the same transaction. A device has no public id of its own, so its
audit record names whose device it is: the owner's public id."""

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, AuditEventType, User
from consult.two_factor import DEVICE_NAME

OBJECT_TYPE = "two_factor_device"


def two_factor_device_for_setup(*, actor: Actor) -> TOTPDevice:
    """The device the actor is setting up: the same one until it is confirmed, so
    reloading the page shows the same QR code."""
    user = actor.user
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
            _audit(actor, AuditAction.CREATE, owner=user)
    return device


def two_factor_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm the actor's device with the code their app shows; False for a wrong
    code (which django-otp counts towards slowing down the next tries)."""
    if device.user_id != actor.user.pk:
        raise PermissionError("A professional confirms only their own authenticator")
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _audit(actor, AuditAction.UPDATE, owner=actor.user)
        abandoned = TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()[0]
        if abandoned:
            _audit(actor, AuditAction.DELETE, owner=actor.user)
    return True


def two_factor_devices_remove(*, actor: Actor, user: User) -> None:
    """A beheerder removes a colleague's authenticators (a lost phone): the next login
    sets up a new one."""
    if not actor.user.is_administrator or user.practice_id != actor.user.practice_id:
        raise PermissionError("Only an administrator of the practice resets authenticators")
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        if devices:
            _audit(actor, AuditAction.DELETE, owner=user)


def _audit(actor: Actor, action: AuditAction, *, owner: User) -> None:
    audit_log(
        actor=actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=str(owner.public_id),
        event=AuditEventType.SECOND_FACTOR,
    )
