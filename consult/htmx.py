from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def is_htmx_swap_of(request: HttpRequest, target_id: str) -> bool:
    """True when htmx asks for the fragment with this id, so the view can answer with
    just that partial; a plain request (no JavaScript) gets the whole page."""
    htmx = getattr(request, "htmx", None)
    return isinstance(htmx, HtmxDetails) and bool(htmx) and htmx.target == target_id
