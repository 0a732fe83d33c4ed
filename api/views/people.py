from __future__ import annotations

import django_filters

from api.base import ScopedReadOnlyViewSet
from api.filters import young_person_filterset
from api.serializers.people import AllocationSerializer, YoungPersonSerializer
from outcomes.access import Area
from outcomes.models import Allocation, AllocationRole, Team, YoungPerson
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.selectors import young_people as selectors
from outcomes.selectors.care_leavers import care_leaver_statuses_for


class YoungPersonFilter(django_filters.FilterSet):
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
