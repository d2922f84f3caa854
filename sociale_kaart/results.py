"""The search results as the page shows them: per row what the template prints,
worked out in Python with what is the same for every row (the link's pattern, the
labels of themes, costs and referral, today) looked up once. The template then only
prints four cells a row, and fifty rows cost little more than none."""

import uuid
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sociale_kaart.models import Costs, Referral, Service
from sociale_kaart.search import theme_slugs
from sociale_kaart.themes import ThemeSlug

_PLACEHOLDER = uuid.UUID(int=0)


@dataclass(frozen=True)
class ResultRow:
    service: Service
    # The link to the service's page (with the query that carries a referral on), its
    # organisation, and a badge when it is not checked for a year or inactive.
    service_cell: SafeString
    themes: SafeString  # a badge per theme
    costs: str
    referral: str


def result_rows(services: list[Service], query: str = "") -> list[ResultRow]:
    """The rows for these services, which must come from search.for_results; `query`
    is added to each link (see ReferContext.query)."""
    if not services:
        return []
    url_pattern = reverse("service_detail", kwargs={"service_id": _PLACEHOLDER})
    if query:
        url_pattern = f"{url_pattern}?{query}"
    badges = {
        value: format_html('<span class="badge">{}</span> ', label)
        for value, label in ThemeSlug.choices
    }
    costs = {value: str(label) for value, label in Costs.choices}
    referrals = {value: str(label) for value, label in Referral.choices}
    today = timezone.localdate()
    # Each part after the link follows a space, as the words of a sentence.
    stale = format_html(
        ' <span class="badge badge-warn">{}</span>', gettext("not checked for over a year")
    )
    inactive = format_html(' <span class="badge">{}</span>', gettext("inactive"))
    return [
        ResultRow(
            service=service,
            service_cell=format_html(
                '<a href="{}">{}</a>{}{}{}',
                url_pattern.replace(str(_PLACEHOLDER), str(service.public_id), 1),
                service.name,
                (
                    format_html(' <br><span class="hint">{}</span>', service.organisation)
                    if service.organisation
                    else ""
                ),
                stale if service.is_stale_on(today) else "",
                "" if service.is_active else inactive,
            ),
            themes=mark_safe(  # noqa: S308 - badges made by format_html
                "".join(
                    badges.get(slug) or format_html('<span class="badge">{}</span> ', slug)
                    for slug in theme_slugs(service)
                )
            ),
            costs=costs.get(service.costs, service.costs),
            referral=referrals.get(service.referral, service.referral),
        )
        for service in services
    ]
