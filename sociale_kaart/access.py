"""Who may do what on the sociale kaart. The user and practice are the core's; this
module only reads their role flags and map ids, so it imports nothing of the core.

- Everyone logged in (professionals and map keepers) may search and read services of
  their practice's maps.
- Map keepers (praktijkmanager, beheerder) may change services of those maps: their
  practice's own additions, and the care group's shared map, which the practice
  managers of its practices keep together.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from sociale_kaart.models import Service


def map_ids_for(user: Any) -> list[int]:
    practice = user.practice
    return [map_id for map_id in (practice.shared_map_id, practice.own_map_id) if map_id]


def map_keeper_required[**P](
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "keeps_map", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def get_service_for(user: Any, service_id: UUID) -> Service:
    service = Service.objects.filter(
        public_id=service_id, service_map_id__in=map_ids_for(user)
    ).first()
    if service is None:
        raise Http404
    return service
