"""What the GOV.UK form markup needs from a Django form: the id of a field's first input, which
the error summary links to."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def first_input_id(field: forms.BoundField) -> str:
    """A field's first input: the text box, the first radio, or a date's day."""
    if isinstance(field.field.widget, forms.MultiWidget):
        return f"{field.auto_id}-day"
    return field.auto_id


@register.filter
def field_id(form: forms.Form, name: str) -> str:
    return first_input_id(form[name])


@register.filter
def date_parts(field: forms.BoundField) -> list[str]:
    """A date field's day, month and year as typed (or as saved, on a form not sent yet)."""
    value = field.value()
    if not isinstance(value, list | tuple):
        value = field.field.widget.decompress(value)
    return [str(part or "") for part in [*value, "", "", ""][:3]]


@register.filter
def widget_kind(field: forms.BoundField) -> str:
    """Which GOV.UK component draws a field: date, radios, select, textarea or input."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"
