"""Waymark's records, one module per area."""

from .audit import AccessEvent, AppendOnlyError
from .base import Channel
from .education import (
    Attendance,
    BenchmarkCohort,
    BenchmarkMeasure,
    CareLeaverRecord,
    KS2Result,
    KS4Result,
    NationalBenchmark,
    RecordStatus,
    SchoolEnrolment,
    Term,
)
from .people import (
    STAFF_ROLES,
    Allocation,
    AllocationRole,
    ContactMethod,
    Role,
    SENStatus,
    Sex,
    Team,
    User,
    YoungPerson,
)
from .placements import ConnectedPersonApproval, Episode, PeriodOfCare
from .plans import (
    Goal,
    GoalAction,
    GoalProgress,
    GoalStatus,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    YoungPersonView,
)
from .reviews import (
    CLAReview,
    HealthAssessment,
    HealthAssessmentKind,
    PAContact,
    PathwayPlanReview,
    PEPReview,
    SocialWorkerVisit,
)

__all__ = [
    "STAFF_ROLES", "AccessEvent", "Allocation", "AllocationRole", "AppendOnlyError", "Attendance",
    "BenchmarkCohort", "BenchmarkMeasure", "CLAReview", "CareLeaverRecord", "Channel",
    "ConnectedPersonApproval", "ContactMethod", "Episode", "Goal", "GoalAction", "GoalProgress",
    "GoalStatus", "HealthAssessment", "HealthAssessmentKind", "KS2Result", "KS4Result",
    "NationalBenchmark", "PAContact", "PEPReview", "PathwayPlan", "PathwayPlanReview",
    "PeriodOfCare", "PlanHeading", "PlanSection", "PlanStatus", "RecordStatus", "Role",
    "SENStatus", "SchoolEnrolment", "Sex", "SocialWorkerVisit", "Team", "Term", "User",
    "YoungPerson", "YoungPersonView",
]
