from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails


def is_htmx_swap_of(request: HttpRequest, target_id: str) -> bool:
    """True when htmx asks for the fragment with this id, so the view can answer with
    just that partial; a plain request (no JavaScript) gets the whole page."""
    htmx = getattr(request, "htmx", None)
    return isinstance(htmx, HtmxDetails) and bool(htmx) and htmx.target == target_id


FOCUS_HEADER = "Focus-Next"


def focus_next[R: HttpResponse](response: R, *element_ids: str) -> R:
    """Say where the keyboard focus goes once htmx has swapped this answer in: the
    first of these element ids that is on the page (static/js/focus.js). Without it
    the page puts the focus back in the form that was sent, or on the list it was in."""
    if element_ids:
        response[FOCUS_HEADER] = " ".join(element_ids)
    return response
