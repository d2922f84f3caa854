"""The app's URLs plus the bare views the benchmarks compare with: one that reads one
row and writes one row, and, for the browser (bench/browser.py), a page that reads one
row."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from brede_gesprek.urls import urlpatterns as app_urlpatterns
from consult.models import Goal


@require_POST
def bare(request: HttpRequest, pk: int) -> HttpResponse:
    """Reads one row and writes one row, through the same middleware as the app, posted
    the same form body as an autosave."""
    goal = Goal.objects.get(pk=pk)
    Goal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
    return HttpResponse(goal.text)


@require_GET
def bare_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole page, the least a browser can be sent: one row read, no styles, no
    scripts."""
    goal = Goal.objects.get(pk=pk)
    return HttpResponse(
        format_html(
            '<!doctype html><html lang="nl"><title>{}</title><p>{}</p></html>', pk, goal.text
        )
    )


urlpatterns = [
    *app_urlpatterns,
    path("bench/bare/<int:pk>/", bare),
    path("bench/page/<int:pk>/", bare_page),
]
