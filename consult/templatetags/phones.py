"""Phone numbers on the screen as on paper: grouped as a Dutch reader writes them
(sociale_kaart.phone_display), whatever way they were typed or stored."""

from django import template

from sociale_kaart.phone_display import format_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """'0501234567' -> '050 123 4567'; empty stays empty."""
    return format_phone(value) if value else ""
