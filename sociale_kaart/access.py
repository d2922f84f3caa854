"""Who may do what on the sociale kaart. The user and practice are the core's; this
module knows them only through KaartUser, so it imports nothing of the core.

- Everyone logged in (professionals and map keepers) may search and read services of
  their practice's maps.
- Map keepers (praktijkmanager, beheerder) may change services of those maps: their
  practice's own additions, and the care group's shared map, which the practice
  managers of its practices keep together.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from sociale_kaart.csv_models import ImportJob
from sociale_kaart.models import Service


@runtime_checkable
class KaartUser(Protocol):
    """What the sociale kaart needs of the person using it; the core's User provides it."""

    @property
    def pk(self) -> int: ...

    @property
    def keeps_map(self) -> bool:
        """May change the services of the practice's maps, and import and export them."""

    @property
    def own_map_id(self) -> int | None:
        """The practice's own additions to the sociale kaart."""

    @property
    def shared_map_id(self) -> int | None:
        """The map the practice's care group shares, if it has one."""


def kaart_user(request: HttpRequest) -> KaartUser:
    """The logged-in user of a request (every view here requires a login)."""
    user = request.user
    if not isinstance(user, KaartUser):
        raise PermissionDenied
    return user


def map_ids_for(user: KaartUser) -> list[int]:
    return [map_id for map_id in (user.shared_map_id, user.own_map_id) if map_id]


def map_keeper_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not kaart_user(request).keeps_map:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def get_service_for(user: KaartUser, service_id: UUID) -> Service:
    service = Service.objects.filter(
        public_id=service_id, service_map_id__in=map_ids_for(user)
    ).first()
    if service is None:
        raise Http404
    return service


def get_import_job_for(user: KaartUser, job_id: UUID) -> ImportJob:
    """Only the user who uploaded the file, and only while the map is still theirs."""
    job = (
        ImportJob.objects.select_related("service_map")
        .filter(public_id=job_id, created_by_id=user.pk, service_map_id__in=map_ids_for(user))
        .first()
    )
    if job is None:
        raise Http404
    return job
