from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from consult.conversation_api import Actor, AuditAction, audit_consult_change, require_open
from consult.models import Consult
from models_4d.models import FourDConnection, FourDEntry


def _audit(actor: Actor, consult: Consult, action: AuditAction, kind: str, public_id: UUID) -> None:
    audit_consult_change(
        actor=actor, consult=consult, action=action, object_type=kind, object_id=public_id
    )


def entry_add(*, actor: Actor, consult: Consult, domain: str, kind: str, text: str) -> FourDEntry:
    require_open(consult)
    entry = FourDEntry(consult=consult, domain=domain, kind=kind, text=text)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        _audit(actor, consult, AuditAction.CREATE, "4d_entry", entry.public_id)
    return entry


def connection_add(
    *, actor: Actor, consult: Consult, cause: FourDEntry, effect: FourDEntry
) -> FourDConnection:
    """Link two entries of different domains; that is what the 4D-model is about."""
    require_open(consult)
    if cause.pk == effect.pk:
        raise ValidationError(_("Choose two different entries."))
    if cause.domain == effect.domain:
        raise ValidationError(_("Connect entries of two different domains."))
    try:
        with transaction.atomic():
            connection = FourDConnection.objects.create(consult=consult, cause=cause, effect=effect)
            _audit(actor, consult, AuditAction.CREATE, "4d_connection", connection.public_id)
    except IntegrityError as error:
        raise ValidationError(_("This connection is already drawn.")) from error
    return connection


def connection_remove(*, actor: Actor, consult: Consult, connection: FourDConnection) -> None:
    require_open(consult)
    with transaction.atomic():
        _audit(actor, consult, AuditAction.DELETE, "4d_connection", connection.public_id)
        connection.delete()
