"""Input serializers that refuse what they do not understand, rather than guess: a field the
client misspelt or may not set, a number where text belongs, text where a number belongs. Each is
a 400 naming the field, never silently dropped or converted. For JSON bodies (`JSON_ONLY`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rest_framework import serializers
from rest_framework.parsers import JSONParser

JSON_ONLY = [JSONParser]
# The largest id a PostgreSQL integer column holds: larger ones are refused, not looked up.
MAX_ID = 2**31 - 1


class StrictFieldsMixin:
    """Refuse keys that are not writable fields of the serializer, nested ones included."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = [f.field_name for f in self._writable_fields]
            errors = {}
            for key in data:
                if key in writable:
                    continue
                errors[str(key)] = [
                    "This field is read-only." if key in self.fields else
                    "Unknown field. The fields are: " + ", ".join(writable) + "."
                ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictCharField(serializers.CharField):
    """Text only: a number or a boolean is refused, not turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: text, decimals and booleans are refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A JSON integer id only, in range; an unknown id is "not found", as usual."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def choice_field(choices: Iterable[tuple[str, str]], **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose error names the values it accepts."""
    choices = list(choices)
    values = ", ".join(value for value, _label in choices)
    messages = {"invalid_choice": f"Not one of the allowed values: {values}."}
    return serializers.ChoiceField(choices=choices, error_messages=messages, **kwargs)
