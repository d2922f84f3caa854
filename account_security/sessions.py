"""Which sessions each user is logged in with, so they can all be ended: a deactivated
account or a reset second factor must not come back to life in an open browser.

A session is recorded at login, and again whenever its key changes (after the second
factor, with a new password): SessionGuardMiddleware calls remember_session."""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from account_security import idle
from account_security.models import UserSession
from consult.access import Actor, client_address
from consult.audit import audit_account
from consult.models import AuditAction, AuditEventType, User

RECORDED_KEY = "account_security_session_key"


def end_sessions(user: User) -> int:
    """Delete every session the user is logged in with from the session store: each of
    their browsers is logged out at its next request. Returns how many there were."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        sessions = UserSession.objects.select_for_update().filter(user=user)
        keys = list(sessions.values_list("session_key", flat=True))
        for key in keys:
            store().delete(key)
        sessions.delete()
    return len(keys)


def remember_session(request: HttpRequest, user: User) -> None:
    """Record the request's session as the user's, once per session key."""
    key = request.session.session_key
    previous = request.session.get(RECORDED_KEY)
    if key is None or key == previous:
        return
    with transaction.atomic():
        if previous:
            UserSession.objects.filter(session_key=previous).delete()
        UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
    request.session[RECORDED_KEY] = key


@receiver(user_logged_in, dispatch_uid="account_security_logged_in")
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    _forget_ended_sessions(user)
    remember_session(request, user)
    idle.start(request)


@receiver(user_logged_out, dispatch_uid="account_security_logged_out")
def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        audit_account(
            actor=Actor(user=user, client_address=client_address(request)),
            event=AuditEventType.LOGOUT,
            action=AuditAction.EXECUTE,
            account=user,
        )


def _forget_ended_sessions(user: User) -> None:
    """Drop the records of the user's sessions that ended without a logout (a closed
    browser), so the table stays small."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = [
        key
        for key in UserSession.objects.filter(user=user).values_list("session_key", flat=True)
        if not store().exists(key)
    ]
    UserSession.objects.filter(session_key__in=ended).delete()
