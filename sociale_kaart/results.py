"""The search results as the page shows them: per row its four cells, worked out in
Python with what is the same for every row (the link's pattern, the labels of themes,
costs and referral, today) looked up once. The template then prints one string a row
(and the refer button, when referring), and fifty rows cost little more than none."""

import uuid
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sociale_kaart.models import REFERRAL_SHORT, Costs, Service
from sociale_kaart.search import theme_slugs
from sociale_kaart.themes import ThemeSlug

_PLACEHOLDER = str(uuid.UUID(int=0))


@dataclass(frozen=True)
class ResultRow:
    service: Service
    # The cells of the service, its themes, its costs and how to be referred. The first
    # holds the link to the service's page (with the query that carries a referral on),
    # its organisation, and a badge when it is not checked for a year or inactive.
    cells: SafeString


def result_rows(services: list[Service], query: str = "") -> list[ResultRow]:
    """The rows for these services, which must come from search.for_results; `query`
    is added to each link (see ReferContext.query).

    Every value is escaped with html.escape, as format_html would (Django's escape
    calls it), a string at a time: fifty rows took 0.88 ms with format_html per part,
    0.38 ms so (6 December)."""
    if not services:
        return []
    url_pattern = escape(reverse("service_detail", kwargs={"service_id": _PLACEHOLDER}))
    if query:
        url_pattern = f"{url_pattern}?{escape(query)}"
    badges = {
        value: f'<span class="badge">{escape(str(label))}</span> '
        for value, label in ThemeSlug.choices
    }
    costs = {value: escape(str(label)) for value, label in Costs.choices}
    referrals = {value.value: escape(str(label)) for value, label in REFERRAL_SHORT.items()}
    today = timezone.localdate()
    # Each part after the link follows a space, as the words of a sentence.
    stale = (
        f' <span class="badge badge-warn">{escape(gettext("not checked for over a year"))}</span>'
    )
    inactive = f' <span class="badge">{escape(gettext("inactive"))}</span>'
    rows = []
    for service in services:
        url = url_pattern.replace(_PLACEHOLDER, str(service.public_id), 1)
        cells = f'<td><a href="{url}">{escape(service.name)}</a>'
        if service.organisation:
            cells += f' <br><span class="hint">{escape(service.organisation)}</span>'
        if service.is_stale_on(today):
            cells += stale
        if not service.is_active:
            cells += inactive
        cells += "</td><td>"
        for slug in theme_slugs(service):
            cells += badges.get(slug) or f'<span class="badge">{escape(slug)}</span> '
        cells += f"</td><td>{costs.get(service.costs) or escape(service.costs)}</td>"
        cells += f"<td>{referrals.get(service.referral) or escape(service.referral)}</td>"
        rows.append(ResultRow(service=service, cells=mark_safe(cells)))  # noqa: S308 - escaped
    return rows
