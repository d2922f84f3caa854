"""Who is asking, in one query instead of two: the second factor's device of the session
is read together with its user, and Django's authentication takes that user instead of
reading it again.

Every request of a logged-in professional reads the session, the user and the device
that passed the second factor; autosaves are most requests, so these lookups were about
a third of an autosave. Django still checks the session as before (the backend in the
session, the hash of the password), on the user loaded here."""

import contextvars
from typing import Any

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from brede_gesprek.queries import one_or_none

_session_device: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "session_device", default=None
)


class Backend(ModelBackend):
    """Django's model backend, taking the user already loaded for this request."""

    def get_user(self, user_id: Any) -> Any:
        device = _session_device.get()
        if device is not None and str(device.user_id) == str(user_id):
            user = device.user
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)


class DeviceWithUserMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's device with its user in one query
    and handing that user to Django's authentication (Backend above). django-otp still
    checks that the device is the user's and confirmed."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        token = _session_device.set(self._device_with_user(request))
        try:
            return super()._verify_user_sync(request, user)
        finally:
            _session_device.reset(token)

    def _device_with_user(self, request: HttpRequest) -> Any:
        session = request.session
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        user_id = session.get(SESSION_KEY)
        if not persistent_id or user_id is None:
            return None
        try:
            model_label, pk = self._normalize_persistent_id(persistent_id).split("/", 1)
            model = apps.get_model(model_label)
            return one_or_none(
                model._default_manager.select_related("user").filter(
                    pk=int(pk), user_id=int(user_id)
                )
            )
        except (LookupError, ValueError):
            return None

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        """The device read with the user (above), not a second time."""
        device = _session_device.get()
        if device is not None:
            return device
        return super()._device_from_persistent_id(persistent_id)
