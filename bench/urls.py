"""The app's URLs plus one bare view, the baseline the benchmark compares with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from brede_gesprek.urls import urlpatterns as app_urlpatterns
from consult.models import Goal


@require_POST
def bare(request: HttpRequest, pk: int) -> HttpResponse:
    """Reads one row and writes one row, through the same middleware as the app, posted
    the same form body as an autosave."""
    goal = Goal.objects.get(pk=pk)
    Goal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
    return HttpResponse(goal.text)


urlpatterns = [*app_urlpatterns, path("bench/bare/<int:pk>/", bare)]
