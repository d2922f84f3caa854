from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from consult.conversation_api import Actor, step_action
from consult.models import Consult
from emboss import services


@step_action
def take_up_home_card(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    if services.home_card_take_up(actor=actor, consult=consult) is None:
        raise ValidationError(_("There is no card from home to start from."))
