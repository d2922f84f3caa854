"""The small pieces every editable record and plan row repeats, written in Python:
`{% record_form_open %}`, `{% record_status %}` and `{% plan_button %}`.

A plan panel shows them some seventy times and each step a few more; as included
templates they cost a tenth of a millisecond each, most of a plan panel's rendering
beside its forms. As tags they write the same HTML in a fraction of that."""

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from consult.templatetags.paths import path_to

register = template.Library()
# What `{% csrf_token %}` writes, written by the same node.
_CSRF_TOKEN = CsrfTokenNode()


def _current_path(context: Context) -> str:
    request = context.get("request")
    return request.get_full_path() if request is not None else ""


@register.simple_tag(takes_context=True)
def record_form_open(context: Context) -> SafeString:
    """Opens the autosave form of `record` (edited with `form`, from the context); close
    it with </form> and put `{% record_status %}` after it. Each field's value as shown
    goes with it as base:<name>: a post without JavaScript then saves only what changed,
    and conflicts only where someone else changed it too."""
    form, record = context["form"], context["record"]
    record_id = record.public_id
    # As `{{ value }}` prints them: a date or a number localised, as the form shows it.
    bases = format_html_join(
        "",
        '<input type="hidden" name="base:{}" value="{}">',
        (
            (
                field.html_name,
                "" if (value := field.value()) is None else render_value_in_context(value, context),
            )
            for field in form
        ),
    )
    return format_html(
        '<form method="post" action="{}" class="autosave" hx-target="#status-{}"'
        ' hx-swap="innerHTML" hx-sync="closest form:queue all" hx-indicator="#saving-{}">'
        '{}<input type="hidden" name="next" value="{}">'
        '<input type="hidden" id="version-{}" name="{}-version" value="{}">{}',
        form.save_url,
        record_id,
        record_id,
        _CSRF_TOKEN.render(context),
        _current_path(context),
        record_id,
        record_id,
        render_value_in_context(record.version, context),
        bases,
    )


@register.simple_tag(takes_context=True)
def record_status(context: Context) -> SafeString:
    """The line under an editable record (`record`, from the context): "Saving…" while a
    save is under way, and the outcome of the last one."""
    record_id = context["record"].public_id
    return format_html(
        '<div class="save-line"><span class="htmx-indicator saving" id="saving-{}">{}</span>'
        '<span class="save-state" id="status-{}" role="status"></span></div>',
        record_id,
        gettext("Saving…"),
        record_id,
    )


# URL name -> the keyword of the item's id in its path.
_ITEM_KEYS = {
    "goal_move": "goal_id",
    "goal_remove": "goal_id",
    "agreement_move": "agreement_id",
    "agreement_remove": "agreement_id",
    "network_regiehouder": "member_id",
    "network_remove": "member_id",
}


@register.simple_tag(takes_context=True)
def plan_button(
    context: Context, url_name: str, item_id: Any, label: str, direction: str = ""
) -> SafeString:
    """A button that posts one plan action (move, remove, make regiehouder) on one item
    of the consult's plan and swaps the plan panel with the answer."""
    kwargs: dict[str, Any] = {
        "consult_id": context["consult"].public_id,
        _ITEM_KEYS[url_name]: item_id,
    }
    if direction:
        kwargs["direction"] = direction
    action = path_to(url_name, **kwargs)
    button_id = f"{url_name}-{item_id}" + (f"-{direction}" if direction else "")
    return format_html(
        '<form method="post" action="{}" hx-post="{}" hx-target="#plan-panel"'
        ' class="inline-form">{}<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="small" id="{}">{}</button></form>',
        action,
        action,
        _CSRF_TOKEN.render(context),
        context.get("next_url") or _current_path(context),
        button_id,
        label,
    )
