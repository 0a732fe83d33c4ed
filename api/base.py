"""What every endpoint over a young person's records shares: the scope comes from the one access
policy, fields a persona may not see are left out, and every read leaves a trace."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from outcomes import access
from outcomes.access import Area
from outcomes.models import Channel
from outcomes.services import access_event_record, access_events_record


class RecordSerializer(serializers.ModelSerializer):
    """Leaves out the fields the access policy hides from the requesting user."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            for name in access.hidden_fields(request.user, self.Meta.model._meta.model_name):
                fields.pop(name, None)
        return fields


def young_person_id_of(obj: Model, path: str) -> int:
    """Follow `path` ("section__plan__young_person") to the young person's id, using the
    objects the queryset already joined, so no query is made."""
    if not path:
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose queryset starts from `young_people_visible_to(user, area)`.

    `young_person_path` is the ORM path from the model to its young person ("" for the young
    person itself). Records outside the scope are simply not there: 404.
    """

    area: Area
    young_person_path = "young_person"
    audit_what: str = ""
    ordering = ("pk",)

    def base_queryset(self) -> QuerySet:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet:
        if not self.young_person_path:
            # Young people themselves: the scope's own filter, so the database can use the
            # indexes behind it (a team and the order by name) rather than a nested query.
            return self.base_queryset().filter(access.scope_filter(self.request.user, self.area))
        visible = access.young_people_visible_to(self.request.user, self.area).values("pk")
        return self.base_queryset().filter(**{f"{self.young_person_path}__in": visible})

    def _what(self) -> str:
        return self.audit_what or f"{self.queryset.model._meta.model_name}.{self.action}"

    def audit(self, objects) -> None:
        access_events_record(
            actor=self.request.user, channel=Channel.API, what=self._what(),
            young_person_ids=[young_person_id_of(o, self.young_person_path) for o in objects],
        )


class ScopedReadMixin(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """List and detail, each read audited: one AccessEvent per young person shown."""

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        self.audit(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        access_event_record(actor=request.user, channel=Channel.API, what=self._what(),
                            young_person_id=young_person_id_of(instance, self.young_person_path))
        return Response(self.get_serializer(instance).data)


class ScopedReadOnlyViewSet(ScopedReadMixin, ScopedViewSet):
    pass
