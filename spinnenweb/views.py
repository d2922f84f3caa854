from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from consult.conversation_api import Actor, step_action
from consult.models import Consult
from spinnenweb import services


@step_action
def take_up_home_web(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    """Start from what the patient filled in at home."""
    if services.home_web_take_up(actor=actor, consult=consult) is None:
        raise ValidationError(_("There is no web from home to start from."))
