"""Filters shared by the record endpoints."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.strict import MAX_ID
from outcomes import access


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.Filter):
    """An exact match on an id. Unlike a model choice, an id outside the caller's scope gives an
    empty list rather than an error, so whether it exists is not disclosed."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class PolicyFilterSet(django_filters.FilterSet):
    """Refuses (400, naming the filter) a filter on what the access policy hides from the user,
    so a filter is never a side channel (`access.filter_refused`)."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        user = getattr(self.request, "user", None)
        model_name = self._meta.model._meta.model_name
        refused = [name for name in self.filters
                   if self.data.get(name) not in (None, "")
                   and access.filter_refused(user, model_name, name)]
        for name in refused:
            self.form.add_error(name, access.FILTER_REFUSED)
        return valid and not refused


class YoungPersonFilterSet(PolicyFilterSet):
    young_person = IdFilter(label="Young person (id)")


def young_person_filterset(model: type[Model], *fields: str) -> type[YoungPersonFilterSet]:
    """A filter set for `model` by young person, and by `fields` (exact matches; a foreign key
    by its id, see IdFilter)."""
    attrs: dict = {
        name: IdFilter(label=f"{model._meta.get_field(name).verbose_name.capitalize()} (id)")
        for name in fields if model._meta.get_field(name).is_relation
    }
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": ["young_person", *fields]})
    return type(f"{model.__name__}Filter", (YoungPersonFilterSet,), attrs)
