"""Form fields rendered in Python: the same HTML as Django's own form templates, a
tenth of the time.

Django renders every field of a form through four or five small templates (the field
group, its label, its errors, its widget and the widget's attributes). A workspace
page holds hundreds of fields, and those templates were most of its time. This
renderer writes the HTML of Django's default templates for fields, labels, error
lists and the ordinary widgets directly; every other template (whole forms, formsets,
multi-widgets, a template of the project's own) goes to the template engine as
before. tests/consult/test_form_rendering.py renders every form of the project both
ways and fails on any difference."""

from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from django.forms import renderers
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

type Writer = Callable[[Mapping[str, Any]], str]


def _text(value: Any) -> str:
    """What `{{ value }}` prints: localised, escaped unless marked safe."""
    if type(value) is str:  # the common case, escaped as django.utils.html.escape does
        return escape(value)
    if isinstance(value, SafeString):
        return value
    if not isinstance(value, str):
        value = localize(value)
    return str(conditional_escape(value))


def _formatted(value: Any) -> str:
    """What `{{ value|stringformat:'s' }}` prints."""
    text = str(value)
    if type(text) is str:
        return escape(text)
    return str(conditional_escape(text))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html and django/forms/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _widget_input(context: Mapping[str, Any]) -> str:
    return _input(context["widget"])


def _textarea(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: Mapping[str, Any]) -> str:
    """An option of a select, or an input of radio buttons and checkboxes."""
    template = option["template_name"]
    if template == "django/forms/widgets/select_option.html":
        return (
            f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_text(option['label'])}</option>"
        )
    if template in (
        "django/forms/widgets/radio_option.html",
        "django/forms/widgets/checkbox_option.html",
    ):
        tag = _input(option)
        if not option.get("wrap_label"):
            return tag
        label_id = option["attrs"].get("id")
        label_for = f' for="{_text(label_id)}"' if label_id else ""
        return f"<label{label_for}>{tag} {_text(option['label'])}</label>"
    raise _Unknown


def _select(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _multiple_input(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{_text(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _label(context: Mapping[str, Any]) -> str:
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{_text(context['label'])}</{tag}>"


def _errors(context: Mapping[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown_id = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{shown_id}>{items}</ul>'


def _field(context: Mapping[str, Any]) -> str:
    field = context["field"]
    parts = []
    if field.use_fieldset:
        described = field.aria_describedby
        shown = f' aria-describedby="{_text(described)}"' if described else ""
        parts.append(f"<fieldset{shown}>")
        if field.label:
            parts.append(str(field.legend_tag()))
    elif field.label:
        parts.append(str(field.label_tag()))
    if field.help_text:
        help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(f'<div class="helptext"{help_id}>{field.help_text}</div>')
    parts.append(str(field.errors))
    parts.append(str(field) + ("</fieldset>" if field.use_fieldset else ""))
    return "\n".join(parts)


def _check_field(context: Mapping[str, Any]) -> str:
    """templates/components/check_field.html: the tick box before its words."""
    field = context["field"]
    html = (
        f'{field.errors}<div class="check-field">{field} '
        f'<label for="{_text(field.id_for_label)}">{_text(field.label)}</label></div>\n'
    )
    if field.help_text:
        help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        html += f'<div class="helptext"{help_id}>{field.help_text}</div>'
    return html


class _Unknown(Exception):
    """A template (or option template) this module does not write: the engine does."""


_INPUTS = ("text", "email", "password", "number", "date", "hidden", "checkbox", "url", "tel")
_WRITERS: dict[str, Writer] = {
    "django/forms/field.html": _field,
    "components/check_field.html": _check_field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    "django/forms/widgets/input.html": _widget_input,
    **{f"django/forms/widgets/{name}.html": _widget_input for name in _INPUTS},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _multiple_input,
    "django/forms/widgets/checkbox_select.html": _multiple_input,
    "django/forms/widgets/multiple_input.html": _multiple_input,
}


class ProjectFormTemplates(DjangoTemplates):
    """Django's form renderer, whose engine also reads the project's template folder: a
    field template of the project's own (templates/components/check_field.html, the
    tick box before its words) is found there."""

    @cached_property
    def engine(self) -> Any:
        project_dirs = engines["django"].dirs
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(renderers.__file__).parent / "templates", *project_dirs],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )


class PythonFieldRenderer(ProjectFormTemplates):
    """FORM_RENDERER: Django's templates, with the field-level ones written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = _WRITERS.get(template_name)
        if writer is not None:
            try:
                return mark_safe(writer(context).strip())  # noqa: S308 (every value escaped above)
            except _Unknown:
                pass
        return super().render(template_name, context, request)
