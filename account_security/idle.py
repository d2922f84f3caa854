"""The idle timeout: a session ends after SESSION_IDLE_MINUTES without a request.

The time of the last request travels in a signed cookie bound to the session, not in
the session itself, so an ordinary request writes nothing to the database. Without a
valid cookie (deleted, or from another session) the clock runs from the login."""

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

ACTIVITY_COOKIE = "activity"
STARTED_AT = "account_security_started_at"
_SALT = "account_security.idle"
# The warning comes this long before the end, or half-way for a very short timeout.
WARNING_SECONDS = 60


def idle_seconds() -> float:
    return float(settings.SESSION_IDLE_MINUTES * 60)


def warning_seconds() -> float:
    return min(WARNING_SECONDS, idle_seconds() / 2)


def idle_minutes_shown() -> int:
    return max(1, round(settings.SESSION_IDLE_MINUTES))


def start(request: HttpRequest) -> None:
    """At login: the clock starts."""
    request.session[STARTED_AT] = time.time()


def seconds_left(request: HttpRequest) -> float:
    return max(0.0, _last_activity(request) + idle_seconds() - time.time())


def mark_activity(request: HttpRequest, response: HttpResponse) -> None:
    value = signing.dumps({"session": _session_tag(request), "at": time.time()}, salt=_SALT)
    response.set_cookie(
        ACTIVITY_COOKIE,
        value,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _last_activity(request: HttpRequest) -> float:
    try:
        activity = signing.loads(request.COOKIES.get(ACTIVITY_COOKIE, ""), salt=_SALT)
    except signing.BadSignature:
        activity = None
    if isinstance(activity, dict) and activity.get("session") == _session_tag(request):
        return float(activity["at"])
    # A session no login started here (one from before the idle timeout) starts now.
    return float(request.session.setdefault(STARTED_AT, time.time()))


def _session_tag(request: HttpRequest) -> str:
    return salted_hmac(_SALT, request.session.session_key or "", algorithm="sha256").hexdigest()
