from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedReadOnlyViewSet
from api.filters import PolicyFilterSet, young_person_filterset
from api.serializers.people import (
    AllocationSerializer,
    TelegramLinkCodeSerializer,
    YoungPersonSerializer,
)
from outcomes import access
from outcomes.access import Area
from outcomes.models import Allocation, AllocationRole, Team, YoungPerson
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.selectors import young_people as selectors
from outcomes.selectors.care_leavers import care_leaver_statuses_for
from outcomes.services import telegram_link_code_create


class YoungPersonFilter(PolicyFilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=100,
                                       label="Child id or part of a name")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    adviser = django_filters.NumberFilter(method="filter_adviser", min_value=1, max_value=2**31,
                                          label="Current personal adviser (user id)")
    age_band = django_filters.ChoiceFilter(
        choices=[(band, band.replace("_", " to ")) for band in selectors.AGE_BANDS],
        method="filter_age_band")
    care_leaver_category = django_filters.ChoiceFilter(
        choices=[(c.value, c.label) for c in CareLeaverCategory], method="filter_category")
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue",
        label="With (true) or without (false) a statutory item past its due date")

    class Meta:
        model = YoungPerson
        fields = ["search", "team", "adviser", "age_band", "care_leaver_category", "overdue",
                  "sen_status", "uasc"]

    def filter_search(self, queryset, name, value):
        return selectors.young_people_matching(queryset, text=value)

    def filter_adviser(self, queryset, name, value):
        return selectors.young_people_allocated_to(queryset, worker=int(value),
                                                   role=AllocationRole.PERSONAL_ADVISER)

    def filter_age_band(self, queryset, name, value):
        return selectors.young_people_in_age_band(queryset, band=value)

    def filter_overdue(self, queryset, name, value):
        if not access.sees_whole_schedule(self.request.user):
            raise ValidationError({"overdue": ["Your role does not see what is overdue."]})
        return selectors.young_people_overdue(queryset, overdue=value == "true")

    def filter_category(self, queryset, name, value):
        return selectors.young_people_in_category(queryset,
                                                  category=CareLeaverCategory(value))


class YoungPersonViewSet(ScopedReadOnlyViewSet):
    """Young people in your scope. Records outside it answer 404."""

    area = Area.PROFILE
    young_person_path = ""
    queryset = YoungPerson.objects.select_related("team")
    serializer_class = YoungPersonSerializer
    filterset_class = YoungPersonFilter
    ordering_fields = ["legal_last_name", "date_of_birth", "child_id"]
    ordering = ["legal_last_name", "legal_first_name", "pk"]

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else None
        if rows is not None:
            people = rows if isinstance(rows, list) else [rows]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["care_leaver_statuses"] = care_leaver_statuses_for(
                young_people=people)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        summary="A one-time link that connects the young person's Telegram to the bot",
        request=None,
        responses={201: TelegramLinkCodeSerializer, 403: OpenApiResponse(
            description="You may see this young person but not link their Telegram.")},
    )
    @action(detail=True, methods=["post"], url_path="telegram-link", url_name="telegram-link")
    def telegram_link(self, request: Request, pk: str | None = None) -> Response:
        """Hand the link over in person: it works once, for TELEGRAM_LINK_CODE_MINUTES minutes,
        and is shown only now. The young person's account is made if they have none. Only for
        those aged 16 or over (Telegram's terms); for the people who may change their profile."""
        young_person = self.get_object()
        issued = telegram_link_code_create(actor=request.user, young_person=young_person)
        response = Response(TelegramLinkCodeSerializer(issued).data,
                            status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class AllocationViewSet(ScopedReadOnlyViewSet):
    """Who is allocated to whom, and when: the history, not only the current worker."""

    area = Area.ALLOCATIONS
    queryset = Allocation.objects.select_related("worker")
    serializer_class = AllocationSerializer
    filterset_class = young_person_filterset(Allocation, "worker", "role")
    ordering_fields = ["started_on"]
    ordering = ["young_person_id", "role", "-started_on"]


ROUTES = [
    ("young-people", YoungPersonViewSet, "young-person"),
    ("allocations", AllocationViewSet, "allocation"),
]
