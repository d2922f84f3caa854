"""Writes of the Spinnenweb: the web of a consult, a web sent from home, taking the
home answers over. Each writes its audit record in the same transaction."""

from django.db import transaction
from django.utils import timezone

from consult.conversation_api import (
    Actor,
    AuditAction,
    audit_consult_change,
    require_open,
    sent_from_home,
)
from consult.models import Consult, PatientLink
from spinnenweb.dimensions import DIMENSIONS
from spinnenweb.models import Web, WebDimension, WebSheet, WebSource


def web_of(consult: Consult) -> Web:
    """The web filled in together during this consult, with its six dimensions."""
    web, created = Web.objects.get_or_create(
        consult=consult,
        source=WebSource.TOGETHER,
        defaults={"patient_id": consult.patient_id, "filled_on": timezone.localdate()},
    )
    if created:
        WebDimension.objects.bulk_create(WebDimension(web=web, key=d.key) for d in DIMENSIONS)
    return web


def sheet_of(consult: Consult) -> WebSheet:
    return WebSheet.objects.get_or_create(consult=consult)[0]


def home_web_for(consult: Consult) -> Web | None:
    """The web the patient sent from home for this consult (sent_from_home says which)."""
    home_webs = Web.objects.filter(source=WebSource.HOME).prefetch_related("dimensions")
    return sent_from_home(home_webs, consult).first()


def home_web_take_up(*, actor: Actor, consult: Consult) -> Web | None:
    """Start from the patient's own preparation: their scores, flags and words become
    the web filled in together, where that has no score yet."""
    require_open(consult)
    home = home_web_for(consult)
    if home is None:
        return None
    with transaction.atomic():
        together = web_of(consult)
        from_home = {d.key: d for d in home.dimensions.all()}
        for dimension in together.dimensions.select_for_update():
            source = from_home.get(dimension.key)
            if source is None or dimension.score is not None:
                continue
            dimension.score = source.score
            dimension.talk = source.talk
            dimension.words = source.words
            dimension.version += 1
            dimension.save(update_fields=["score", "talk", "words", "version", "updated_at"])
        Web.objects.filter(pk=home.pk).update(consult=consult)
        audit_consult_change(
            actor=actor,
            consult=consult,
            action=AuditAction.UPDATE,
            object_type="spinnenweb",
            object_id=together.public_id,
        )
    return together


def home_web_claim(*, consult: Consult) -> None:
    """A finished consult keeps the web from home it showed, so the next one does not
    show it again."""
    home = home_web_for(consult)
    if home is not None and home.consult_id is None:
        Web.objects.filter(pk=home.pk).update(consult=consult)


def web_from_home(*, link: PatientLink) -> Web:
    """The answers the patient sent from home become a web of their own."""
    answers = link.answers
    web = Web.objects.create(
        patient_id=link.patient_id,
        source=WebSource.HOME,
        link=link,
        filled_on=timezone.localdate(),
    )
    WebDimension.objects.bulk_create(
        WebDimension(
            web=web,
            key=d.key,
            score=answers.get(d.key, {}).get("score"),
            talk=bool(answers.get(d.key, {}).get("talk")),
            words=answers.get(d.key, {}).get("words", ""),
        )
        for d in DIMENSIONS
    )
    return web
