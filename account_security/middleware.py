from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from account_security import idle
from account_security.sessions import remember_session
from consult.access import Actor
from consult.audit import audit_account
from consult.models import AuditAction, AuditEventType, User


class SessionGuardMiddleware:
    """Ends a session idle for longer than SESSION_IDLE_MINUTES, and counts every other
    request of a logged-in user (htmx and autosave too) as activity, except the
    browser's question how long the session has left. Keeps the record of the user's
    session current when its key changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and idle.seconds_left(request) <= 0:
            _end_idle_session(request, user)
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponseClientRedirect(reverse("login"))
        response = self.get_response(request)
        user = request.user  # the view may have logged in or out
        if isinstance(user, User):
            remember_session(request, user)
            if request.path != reverse("session_status"):
                idle.mark_activity(request, response)
        return response


def _end_idle_session(request: HttpRequest, user: User) -> None:
    audit_account(
        actor=Actor.from_request(request),
        event=AuditEventType.SESSION,
        action=AuditAction.EXECUTE,
        account=user,
        details={"reason": "idle timeout"},
    )
    logout(request)
    minutes = idle.idle_minutes_shown()
    messages.warning(
        request,
        ngettext(
            "You were logged out because you did nothing for %(minutes)d minute.",
            "You were logged out because you did nothing for %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
