"""Reviews, assessments, visits and contacts. All can be read and recorded (POST), each by the
roles that keep it (outcomes.access.RECORDERS, decided in the services)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ScopedReadOnlyViewSet
from api.filters import young_person_filterset
from api.serializers.reviews import (
    CLAReviewInput,
    CLAReviewSerializer,
    HealthAssessmentInput,
    HealthAssessmentSerializer,
    NeedsAssessmentInput,
    NeedsAssessmentSerializer,
    PAContactInput,
    PAContactSerializer,
    PathwayPlanReviewInput,
    PathwayPlanReviewSerializer,
    PEPReviewInput,
    PEPReviewSerializer,
    SocialWorkerVisitInput,
    SocialWorkerVisitSerializer,
)
from api.strict import JSON_ONLY
from outcomes import access
from outcomes.access import RECORDERS, Area, NotVisible, RecordKind
from outcomes.models import (
    CLAReview,
    HealthAssessment,
    NeedsAssessment,
    PAContact,
    PathwayPlanReview,
    PEPReview,
    SocialWorkerVisit,
    YoungPerson,
)
from outcomes.services import contacts, records


class RecordCreateMixin:
    """POST: read the body strictly, find the young person in the actor's scope (404 if not),
    and hand both to the service, which decides whether the actor may record it (403 if not)."""

    input_serializer_class: type[serializers.Serializer]
    record: Callable[..., Model]  # the service, as a staticmethod
    record_kind: RecordKind | None = None  # found in this kind's area (a PEP: education)
    parser_classes = JSON_ONLY

    def create(self, request: Request, *args, **kwargs) -> Response:
        body = self.input_serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        young_person = self._young_person(values.pop("young_person"))
        record = self.record(actor=request.user, young_person=young_person, **values)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def _young_person(self, pk: int) -> YoungPerson:
        area = RECORDERS[self.record_kind][0] if self.record_kind else self.area
        young_person = access.young_people_visible_to(self.request.user, area).filter(
            pk=pk).first()
        if young_person is None:
            raise NotVisible
        return young_person


@extend_schema_view(create=extend_schema(request=CLAReviewInput,
                                         responses={201: CLAReviewSerializer}))
class CLAReviewViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Looked-after child reviews, chaired by the IRO, with how the child took part (REVIEW_CODE)."""

    area = Area.REVIEWS
    queryset = CLAReview.objects.select_related("chair")
    serializer_class = CLAReviewSerializer
    filterset_class = young_person_filterset(CLAReview, "participation")
    input_serializer_class = CLAReviewInput
    record = staticmethod(contacts.cla_review_record)
    ordering_fields = ["held_on"]
    ordering = ["young_person_id", "-held_on", "-pk"]


@extend_schema_view(create=extend_schema(request=PathwayPlanReviewInput,
                                         responses={201: PathwayPlanReviewSerializer}))
class PathwayPlanReviewViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Reviews of the pathway plan. The outcome is the worker's: not shown to the young person.
    Recorded by the social worker or personal adviser, against the plan agreed on the day."""

    area = Area.REVIEWS
    input_serializer_class = PathwayPlanReviewInput
    record = staticmethod(records.pathway_plan_review_record)
    queryset = PathwayPlanReview.objects.select_related("plan", "reviewer")
    serializer_class = PathwayPlanReviewSerializer
    filterset_class = young_person_filterset(PathwayPlanReview, "plan")
    ordering_fields = ["held_on"]
    ordering = ["young_person_id", "-held_on", "-pk"]


@extend_schema_view(create=extend_schema(request=PEPReviewInput,
                                         responses={201: PEPReviewSerializer}))
class PEPReviewViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Personal education plan meetings, with their targets. The summary is not shown to the
    young person. Recorded by the virtual school or the social worker."""

    area = Area.REVIEWS
    record_kind = RecordKind.PEP
    input_serializer_class = PEPReviewInput
    record = staticmethod(records.pep_review_record)
    queryset = PEPReview.objects.all()
    serializer_class = PEPReviewSerializer
    filterset_class = young_person_filterset(PEPReview)
    ordering_fields = ["held_on"]
    ordering = ["young_person_id", "-held_on", "-pk"]


@extend_schema_view(create=extend_schema(request=NeedsAssessmentInput,
                                         responses={201: NeedsAssessmentSerializer}))
class NeedsAssessmentViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Needs assessments of eligible children, due within 3 months of the 16th birthday (CPPCR
    2010 reg 41-43). The summary is not shown to the young person."""

    area = Area.REVIEWS
    input_serializer_class = NeedsAssessmentInput
    record = staticmethod(records.needs_assessment_record)
    queryset = NeedsAssessment.objects.select_related("assessor")
    serializer_class = NeedsAssessmentSerializer
    filterset_class = young_person_filterset(NeedsAssessment)
    ordering_fields = ["completed_on"]
    ordering = ["young_person_id", "-completed_on", "-pk"]


@extend_schema_view(create=extend_schema(request=HealthAssessmentInput,
                                         responses={201: HealthAssessmentSerializer}))
class HealthAssessmentViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Initial and review health assessments, recorded by the social worker."""

    area = Area.REVIEWS
    input_serializer_class = HealthAssessmentInput
    record = staticmethod(records.health_assessment_record)
    queryset = HealthAssessment.objects.all()
    serializer_class = HealthAssessmentSerializer
    filterset_class = young_person_filterset(HealthAssessment, "kind")
    ordering_fields = ["held_on"]
    ordering = ["young_person_id", "-held_on", "-pk"]


@extend_schema_view(create=extend_schema(request=SocialWorkerVisitInput,
                                         responses={201: SocialWorkerVisitSerializer}))
class SocialWorkerVisitViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Statutory social worker visits. The worker who records a visit is its worker; the note
    and whether the child was seen alone are not shown to the young person."""

    area = Area.REVIEWS
    queryset = SocialWorkerVisit.objects.select_related("worker")
    serializer_class = SocialWorkerVisitSerializer
    filterset_class = young_person_filterset(SocialWorkerVisit, "worker")
    input_serializer_class = SocialWorkerVisitInput
    record = staticmethod(contacts.social_worker_visit_record)
    ordering_fields = ["visited_on"]
    ordering = ["young_person_id", "-visited_on", "-pk"]


@extend_schema_view(create=extend_schema(request=PAContactInput,
                                         responses={201: PAContactSerializer}))
class PAContactViewSet(RecordCreateMixin, ScopedReadOnlyViewSet):
    """Personal adviser contacts with care leavers. The adviser who records a contact is its
    adviser; the note is not shown to the young person."""

    area = Area.REVIEWS
    queryset = PAContact.objects.select_related("adviser")
    serializer_class = PAContactSerializer
    filterset_class = young_person_filterset(PAContact, "adviser", "method")
    input_serializer_class = PAContactInput
    record = staticmethod(contacts.pa_contact_record)
    ordering_fields = ["contact_on"]
    ordering = ["young_person_id", "-contact_on", "-pk"]


ROUTES = [
    ("cla-reviews", CLAReviewViewSet, "cla-review"),
    ("pathway-plan-reviews", PathwayPlanReviewViewSet, "pathway-plan-review"),
    ("pep-reviews", PEPReviewViewSet, "pep-review"),
    ("needs-assessments", NeedsAssessmentViewSet, "needs-assessment"),
    ("health-assessments", HealthAssessmentViewSet, "health-assessment"),
    ("social-worker-visits", SocialWorkerVisitViewSet, "social-worker-visit"),
    ("pa-contacts", PAContactViewSet, "pa-contact"),
]
