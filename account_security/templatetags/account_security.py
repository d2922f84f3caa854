from typing import Any

from django import template

from account_security import idle
from account_security.second_factor import codes_to_show

register = template.Library()


@register.inclusion_tag("account_security/recovery_codes_notice.html", takes_context=True)
def recovery_codes_notice(context: template.Context) -> dict[str, Any]:
    """The recovery codes just made, shown on this page and never again."""
    request = context.get("request")
    return {"codes": codes_to_show(request) if request is not None else []}


@register.inclusion_tag("account_security/idle_warning.html", takes_context=True)
def idle_warning(context: template.Context) -> dict[str, Any]:
    """The dialog that warns before an idle session ends (static/js/idle-timeout.js)."""
    return {
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "idle_seconds": round(idle.idle_seconds()),
        "warning_seconds": round(idle.warning_seconds()),
    }
