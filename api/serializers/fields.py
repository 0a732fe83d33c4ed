"""What the record serializers share: derived fields hidden with their source, and the fields
that show a code's label or a user's name."""

from __future__ import annotations

from rest_framework import serializers

from api.base import RecordSerializer
from outcomes import access


class LabelledRecordSerializer(RecordSerializer):
    """A RecordSerializer whose derived fields (a user's name, a code's label) are left out
    with the field they come from, when the access policy hides that field."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            hidden = access.hidden_fields(request.user, self.Meta.model._meta.model_name)
            for name, field in list(fields.items()):
                if (field.source or name).split(".")[0] in hidden:
                    fields.pop(name)
        return fields

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from read-only fields; a code field left blank ("" for no
        # reason ceased yet) must still say so in the schema, or "" would break its enum.
        blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs


class CodeLabelField(serializers.CharField):
    """The label of a code from its SSDA903 code list ("C2" -> "Full care order"); null when
    no code is recorded."""

    def __init__(self, code_list: dict, **kwargs) -> None:
        self.code_list = code_list
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        label = self.code_list.get(value, value)
        return label[0] if isinstance(label, tuple) else label


def user_name(source: str) -> serializers.CharField:
    """The full name of the user at `source` (a foreign key), or null when there is none."""
    return serializers.CharField(source=f"{source}.get_full_name", read_only=True,
                                 allow_null=True)
