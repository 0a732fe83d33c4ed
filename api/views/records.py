"""A young person's chronology, and who has looked at their record. Both hang off the young
person: /young-people/{id}/chronology/ and /young-people/{id}/access-events/."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedViewSet
from api.filters import IdFilter, PolicyFilterSet
from api.serializers.records import (
    AccessEventSerializer,
    ChronologyEntrySerializer,
    ScheduleItemSerializer,
)
from outcomes import access
from outcomes.access import Area, NotVisible
from outcomes.models import AccessEvent, Channel, YoungPerson
from outcomes.selectors.chronology import chronology_for
from outcomes.selectors.schedule import schedule_for
from outcomes.services import access_event_record

YOUNG_PERSON_ID = OpenApiParameter("young_person_pk", OpenApiTypes.INT64, OpenApiParameter.PATH,
                                   description="The young person's id.")
# Ids in the path are digits only, so a malformed one is a plain 404.
YOUNG_PERSON_PREFIX = r"young-people/(?P<young_person_pk>[0-9]{1,19})"


def _young_person_read(request: Request, area: Area, pk: str, *, what: str) -> YoungPerson:
    """The young person, if `area` of their record is in the user's scope (404 if not), with
    the read recorded."""
    young_person = access.young_people_visible_to(request.user, area).filter(pk=int(pk)).first()
    if young_person is None:
        raise NotVisible
    access_event_record(actor=request.user, young_person_id=young_person.pk, what=what,
                        channel=Channel.API)
    return young_person


@extend_schema_view(list=extend_schema(parameters=[YOUNG_PERSON_ID]))
class ChronologyViewSet(ScopedViewSet):
    """The young person's history as one dated timeline, oldest first, derived from the records.

    A young person reading their own leaves out adviser-only entries and other people's names.
    Paged like every list; one access event per read.
    """

    area = Area.CHRONOLOGY
    young_person_path = ""
    audit_what = "chronology.list"
    queryset = YoungPerson.objects.all()
    serializer_class = ChronologyEntrySerializer
    filter_backends: list = []

    def list(self, request: Request, young_person_pk: str) -> Response:
        young_person = _young_person_read(request, self.area, young_person_pk,
                                          what=self.audit_what)
        entries = chronology_for(young_person=young_person,
                                 viewer_is_young_person=request.user.is_young_person)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(list=extend_schema(parameters=[YOUNG_PERSON_ID]))
class ScheduleViewSet(ScopedViewSet):
    """The statutory schedule: every event due for the young person, with its due date, the rule
    that sets it, why, and its state (upcoming, due, overdue, done, or needs data). Worked out
    from the records on each read. A young person sees their own reviews and plan only."""

    area = Area.SCHEDULE
    young_person_path = ""
    audit_what = "schedule.list"
    queryset = YoungPerson.objects.all()
    serializer_class = ScheduleItemSerializer
    filter_backends: list = []

    def list(self, request: Request, young_person_pk: str) -> Response:
        young_person = _young_person_read(request, self.area, young_person_pk,
                                          what=self.audit_what)
        items = access.schedule_items_for(request.user, schedule_for(young_person=young_person))
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AccessEventFilter(PolicyFilterSet):
    actor = IdFilter(label="Who looked (user id)")

    class Meta:
        model = AccessEvent
        fields = ["actor", "channel"]


@extend_schema_view(list=extend_schema(parameters=[YOUNG_PERSON_ID]))
class AccessEventViewSet(ScopedViewSet):
    """Who has looked at the young person's record, what, through which channel and when: newest
    first. For staff whose role includes the audit; never for young people. Reading the trail
    is itself a read, and joins it."""

    area = Area.AUDIT
    audit_what = "accessevent.list"
    queryset = AccessEvent.objects.select_related("actor")
    serializer_class = AccessEventSerializer
    filterset_class = AccessEventFilter
    ordering_fields = ["at"]
    ordering = ["-at", "-id"]

    def list(self, request: Request, young_person_pk: str) -> Response:
        young_person = _young_person_read(request, self.area, young_person_pk,
                                          what=self.audit_what)
        events = self.filter_queryset(self.get_queryset().filter(young_person=young_person))
        page = self.paginate_queryset(events)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


ROUTES = [
    (f"{YOUNG_PERSON_PREFIX}/chronology", ChronologyViewSet, "chronology"),
    (f"{YOUNG_PERSON_PREFIX}/access-events", AccessEventViewSet, "access-event"),
    (f"{YOUNG_PERSON_PREFIX}/schedule", ScheduleViewSet, "schedule"),
]
