"""Referring from the sociale kaart's own pages, when a professional opened them from
somewhere that refers (the core's consult). The sociale kaart knows nothing of consults
or goals: whoever refers registers one provider that reads the request and answers
with a ReferContext, or None. The search and service pages then filter for that
person and show a button that posts to the provider's URL:

    <form method="post" action="{{ refer.action_url }}">
      service = the service's public id
      next    = refer.return_url (where the referrer sends the professional back to)

The provider checks that the user may see what the request points at; the pages
carry `refer.carry` on to the next page (as query parameters) and trust nothing else.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest

from sociale_kaart.models import Service


@dataclass(frozen=True)
class ReferContext:
    label: str  # what the referral is for, as the professional reads it (a goal)
    action_url: str  # the referrer's view the Refer button posts to
    return_url: str  # where to go back to, with or without referring
    return_label: str
    carry: dict[str, str]  # query parameters that keep the context on the next page
    postcode: str = ""  # of the person referred: the area filter starts with it
    age: int | None = None  # of the person referred: the age filter starts with it
    referred: frozenset[int] = field(default_factory=frozenset)  # services (pks) referred to

    @property
    def query(self) -> str:
        return urlencode(self.carry)

    def has_referred(self, service: Service) -> bool:
        return service.pk in self.referred

    def fits_age(self, service: Service) -> bool:
        if self.age is None:
            return True
        return (service.age_min is None or service.age_min <= self.age) and (
            service.age_max is None or self.age <= service.age_max
        )


type ReferContextProvider = Callable[[HttpRequest], ReferContext | None]

_providers: list[ReferContextProvider] = []


def register_refer_context(provider: ReferContextProvider) -> None:
    """Called once by the app that refers, in its AppConfig.ready()."""
    if provider not in _providers:
        _providers.append(provider)


def refer_context(request: HttpRequest) -> ReferContext | None:
    """The first context a provider finds in the request; None for a plain visit."""
    for provider in _providers:
        context = provider(request)
        if context is not None:
            return context
    return None
