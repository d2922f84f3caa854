from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from consult.models import User
from consult.two_factor import has_confirmed_device


class AccountGateMiddleware:
    """Before a logged-in user reaches anything: first their own password (when the
    beheerder set it), then the second factor (set it up, or enter the code)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User):
            gate = self._gate_for(request, user)
            if gate is not None and request.path not in {gate, *self._always_open()}:
                query = (
                    urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                )
                return HttpResponseRedirect(f"{gate}?{query}" if query else gate)
        return self.get_response(request)

    def _always_open(self) -> set[str]:
        """Logging out, a recovery code instead of the app's code, and the page's
        questions about the idle timeout."""
        names = ("logout", "two_factor_recovery", "session_status", "session_keepalive")
        return {reverse(name) for name in names}

    def _gate_for(self, request: HttpRequest, user: User) -> str | None:
        if user.must_change_password:
            return reverse("password_change")
        if settings.TWO_FACTOR_REQUIRED and not user.is_verified():  # type: ignore[attr-defined]
            if has_confirmed_device(user):
                return reverse("two_factor_verify")
            return reverse("two_factor_setup")
        return None
