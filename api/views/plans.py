"""Pathway plans, their sections and goals.

Everyone with the plans in their scope reads them (each read audited). Changes go through
`outcomes.services.plan_edits`, which decides who may make them: outside your scope, 404; a plan
you may see but not change this way, 403 (a young person records progress on their goals and adds
their views; their workers do the rest). Plans and goals carry an ETag; a change needs it in
If-Match (428 without, 412 when someone changed the record first, with the current record)."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedReadMixin, ScopedViewSet
from api.concurrency import CONCURRENCY_RESPONSES, VersionedMixin, if_match_parameter
from api.filters import IdFilter
from api.serializers.plans import (
    GoalChangeInput,
    GoalCreateInput,
    GoalProgressInput,
    GoalSerializer,
    PathwayPlanDetailSerializer,
    PathwayPlanSerializer,
    PlanAgreeInput,
    PlanChangeInput,
    PlanCreateInput,
    RecordedProgressSerializer,
    YoungPersonViewInput,
    YoungPersonViewSerializer,
)
from api.strict import JSON_ONLY
from outcomes import access
from outcomes.access import Area, NotVisible
from outcomes.models import Channel, Goal, PathwayPlan, PlanSection
from outcomes.services import plan_edits

FORBIDDEN = {403: OpenApiResponse(description="You may see this record but not change it.")}


def _validated(serializer_class, request: Request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class PlanEndpoint(VersionedMixin, ScopedReadMixin, ScopedViewSet):
    """Reads, audited, with an ETag on each detail; writes in JSON, through the services."""

    area = Area.PLANS
    parser_classes = JSON_ONLY
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return self.serializer_class if self.action == "list" else self.detail_serializer_class

    def created(self, instance) -> Response:
        response = self.record_response(instance, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse(f"api:{self.basename}-detail", args=[instance.pk])
        return response


class PathwayPlanFilter(django_filters.FilterSet):
    young_person = IdFilter(label="Young person (id)")

    class Meta:
        model = PathwayPlan
        fields = ["young_person", "status"]


@extend_schema_view(
    list=extend_schema(summary="Pathway plans: current, draft and earlier versions"),
    retrieve=extend_schema(summary="A pathway plan, with its sections, views and goals",
                           description='Sent with ETag: "<version>", for If-Match.'),
)
class PathwayPlanViewSet(PlanEndpoint):
    """Pathway plans: every version, the current (agreed) one, a draft and superseded ones."""

    queryset = PathwayPlan.objects.all()
    serializer_class = PathwayPlanSerializer
    detail_serializer_class = PathwayPlanDetailSerializer
    filterset_class = PathwayPlanFilter
    ordering_fields = ["number", "agreed_on", "created_at"]
    ordering = ["young_person_id", "-number"]

    def base_queryset(self):
        queryset = super().base_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "sections__views", "sections__goals__actions", "sections__goals__progress")

    @extend_schema(summary="Start the next version of a plan, as a draft",
                   request=PlanCreateInput,
                   responses={201: PathwayPlanDetailSerializer, **FORBIDDEN})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Carries over the assessments of the current plan. Workers only."""
        pk = _validated(PlanCreateInput, request)["young_person"]
        young_person = access.young_people_visible_to(request.user, self.area).filter(
            pk=pk).first()
        if young_person is None:
            raise NotVisible
        return self.created(
            plan_edits.plan_draft_create(actor=request.user, young_person=young_person))

    @extend_schema(summary="Change the assessments of a draft or the current plan",
                   request=PlanChangeInput, parameters=[if_match_parameter()],
                   responses={200: PathwayPlanDetailSerializer, **FORBIDDEN,
                              **CONCURRENCY_RESPONSES})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        """A superseded plan cannot be changed (400). Workers only."""
        plan = self.get_object()
        expected = self.expected_version(request)
        data = _validated(PlanChangeInput, request)
        return self.record_response(plan_edits.plan_update(
            actor=request.user, plan=plan, data=data, expected_version=expected))

    @extend_schema(summary="Agree a draft plan: it becomes the current plan",
                   request=PlanAgreeInput, parameters=[if_match_parameter()],
                   responses={200: PathwayPlanDetailSerializer, **FORBIDDEN,
                              **CONCURRENCY_RESPONSES})
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str | None = None) -> Response:
        """The plan it replaces is superseded. Workers only."""
        plan = self.get_object()
        expected = self.expected_version(request)
        data = _validated(PlanAgreeInput, request)
        return self.record_response(plan_edits.plan_agree(
            actor=request.user, plan=plan, agreed_on=data["agreed_on"],
            expected_version=expected))


class GoalFilter(django_filters.FilterSet):
    young_person = IdFilter(field_name="section__plan__young_person", label="Young person (id)")
    plan = IdFilter(field_name="section__plan", label="Pathway plan (id)")

    class Meta:
        model = Goal
        fields = ["young_person", "plan", "status"]


@extend_schema_view(
    list=extend_schema(summary="Goals, with their actions and progress"),
    retrieve=extend_schema(summary="A goal, with its actions and progress",
                           description='Sent with ETag: "<version>", for If-Match.'),
)
class GoalViewSet(PlanEndpoint):
    """Goals of pathway plans, each with its actions and its progress log."""

    young_person_path = "section__plan__young_person"
    queryset = Goal.objects.select_related("section__plan").prefetch_related(
        "actions", "progress")
    serializer_class = GoalSerializer
    detail_serializer_class = GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = ["target_date"]
    ordering = ["pk"]

    @extend_schema(summary="Add a goal to a plan section", request=GoalCreateInput,
                   responses={201: GoalSerializer, **FORBIDDEN})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Every goal has an owner. Workers only; not on a superseded plan."""
        data = _validated(GoalCreateInput, request)
        visible = access.young_people_visible_to(request.user, self.area).values("pk")
        section = PlanSection.objects.select_related("plan").filter(
            plan__young_person__in=visible, pk=data.pop("section")).first()
        if section is None:
            raise NotVisible
        return self.created(plan_edits.goal_create(actor=request.user, section=section, **data))

    @extend_schema(summary="Change a goal's description, target date, status or owner",
                   request=GoalChangeInput, parameters=[if_match_parameter()],
                   responses={200: GoalSerializer, **FORBIDDEN, **CONCURRENCY_RESPONSES})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        """Workers only; not on a superseded plan."""
        goal = self.get_object()
        expected = self.expected_version(request)
        data = _validated(GoalChangeInput, request)
        return self.record_response(plan_edits.goal_update(
            actor=request.user, goal=goal, data=data, expected_version=expected))

    @extend_schema(summary="Record progress on a goal", request=GoalProgressInput,
                   parameters=[if_match_parameter(required=False)],
                   responses={201: RecordedProgressSerializer, **FORBIDDEN,
                              **CONCURRENCY_RESPONSES})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """The young person themselves or their workers. Send the goal's ETag in If-Match, or
        its version as "version" in the body."""
        goal = self.get_object()
        data = _validated(GoalProgressInput, request)
        expected = self.expected_version(request, body_version=data.pop("version", None))
        entry = plan_edits.goal_progress_record(
            actor=request.user, goal=goal, channel=Channel.API, expected_version=expected, **data)
        # The goal's new version is in the body (goal_version): an ETag here would be taken
        # for the progress entry's own.
        return Response(
            RecordedProgressSerializer(entry, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED)


class PlanSectionViewSet(ScopedViewSet):
    """A plan section: the young person's own views are added to it."""

    area = Area.PLANS
    young_person_path = "plan__young_person"
    queryset = PlanSection.objects.select_related("plan")
    serializer_class = YoungPersonViewSerializer
    parser_classes = JSON_ONLY

    @extend_schema(summary="Add the young person's view, in their own words",
                   request=YoungPersonViewInput,
                   responses={201: YoungPersonViewSerializer, **FORBIDDEN})
    @action(detail=True, methods=["post"])
    def views(self, request: Request, pk: str | None = None) -> Response:
        """The young person themselves or their workers; not on a superseded plan."""
        section = self.get_object()
        data = _validated(YoungPersonViewInput, request)
        view = plan_edits.young_person_view_record(
            actor=request.user, section=section, channel=Channel.API, **data)
        return Response(YoungPersonViewSerializer(view, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


ROUTES = [
    ("pathway-plans", PathwayPlanViewSet, "pathway-plan"),
    ("goals", GoalViewSet, "goal"),
    ("plan-sections", PlanSectionViewSet, "plan-section"),
]
