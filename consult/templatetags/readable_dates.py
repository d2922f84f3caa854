"""Dates in the patient's copy as the patient reads them. The record holds them as ISO
text ("2026-12-07", "2026-12-07 03:05"), which the data file keeps; the printed copy
says "7 december 2026" and "7 december 2026, 03:05"."""

from datetime import date, datetime

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def readable(value: object) -> object:
    """An ISO date or date and time as Dutch words; anything else as it is."""
    if not isinstance(value, str):
        return value
    try:
        if len(value) == len("2026-12-07"):
            return date_format(date.fromisoformat(value), "j F Y")
        return date_format(datetime.strptime(value, "%Y-%m-%d %H:%M"), "j F Y, H:i")
    except ValueError:
        return value
