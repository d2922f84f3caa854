"""Asking for the password again before a change to the second factor, so someone at
an unattended logged-in computer cannot take it over. A confirmation holds for
REAUTHENTICATION_MINUTES in this session. Wrong passwords here count towards the
lockout like those at the login."""

import time
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from account_security.lockout import lockout_error, password_failed
from consult.access import Actor, View
from consult.audit import audit_account
from consult.models import AuditAction, AuditEventType

REAUTHENTICATION_MINUTES = 5
REAUTHENTICATED_AT = "account_security_reauthenticated_at"
_PURPOSE = {"purpose": "reauthentication"}


def reauthenticate(request: HttpRequest, password: str) -> None:
    """Check the logged-in user's password (logged either way); a ValidationError with
    the message to show when it is wrong or the account is locked."""
    actor = Actor.from_request(request)
    email = actor.user.email
    if error := lockout_error(actor=actor, email=email):
        raise error
    if not actor.user.check_password(password):
        password_failed(actor=actor, email=email, event=AuditEventType.PASSWORD, details=_PURPOSE)
        raise lockout_error(actor=actor, email=email) or ValidationError(
            _("This is not your password. Capitals count."), code="wrong_password"
        )
    audit_account(
        actor=actor,
        event=AuditEventType.PASSWORD,
        action=AuditAction.EXECUTE,
        account=actor.user,
        details=_PURPOSE,
    )
    request.session[REAUTHENTICATED_AT] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    confirmed_at = request.session.get(REAUTHENTICATED_AT, 0)
    return time.time() - confirmed_at <= REAUTHENTICATION_MINUTES * 60


def reauthentication_required[**P](view: View[P]) -> View[P]:
    """The view runs only with the password confirmed within the last few minutes;
    otherwise the password prompt, which comes back here (or, after a POST, to the
    security page)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else reverse("account_security")
        return HttpResponseRedirect(f"{reverse('reauthenticate')}?{urlencode({'next': back})}")

    return wrapped
