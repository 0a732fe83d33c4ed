"""factory_boy factories for the records. Synthetic people only."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from outcomes import models as m


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Worker"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    role = m.Role.PERSONAL_ADVISER
    team = factory.SubFactory(TeamFactory, name="Leaving care team")
    password = factory.django.Password("waymark-test-password")


class YoungPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.YoungPerson

    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    legal_first_name = factory.Sequence(lambda n: f"Sam{n}")
    legal_last_name = "Testperson"
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate().replace(day=1)
                                         - dt.timedelta(days=365 * 17))
    sex = m.Sex.FEMALE
    ethnicity = "WBRI"
    team = factory.SubFactory(TeamFactory, name="Leaving care team")


class YoungPersonUserFactory(UserFactory):
    role = m.Role.YOUNG_PERSON
    team = None
    young_person = factory.SubFactory(YoungPersonFactory)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Allocation

    young_person = factory.SubFactory(YoungPersonFactory)
    worker = factory.SubFactory(UserFactory)
    role = m.AllocationRole.PERSONAL_ADVISER
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class PeriodOfCareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PeriodOfCare

    young_person = factory.SubFactory(YoungPersonFactory)
    started_on = dt.date(2022, 5, 3)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Episode

    period_of_care = factory.SubFactory(PeriodOfCareFactory)
    young_person = factory.SelfAttribute("period_of_care.young_person")
    started_on = factory.SelfAttribute("period_of_care.started_on")
    reason_new_episode = "S"
    legal_status = "C2"
    category_of_need = "N1"
    place = "U4"
    place_provider = "PR1"
    home_postcode = "TW1"
    placement_postcode = "TW2"
    urn = "XXXXXXX"


class PathwayPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PathwayPlan

    young_person = factory.SubFactory(YoungPersonFactory)
    number = 1
    status = m.PlanStatus.AGREED
    agreed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory)


class PlanSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PlanSection

    plan = factory.SubFactory(PathwayPlanFactory)
    heading = m.PlanHeading.EDUCATION_TRAINING
    assessment = "Wants to start college in September."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Goal

    section = factory.SubFactory(PlanSectionFactory)
    description = "Apply for the level 2 catering course"
    owner = factory.SubFactory(UserFactory)


# --- Appended for the chronology (tests/outcomes/test_chronology.py) ---


def _days_ago(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=days))


class ConnectedPersonApprovalFactory(factory.django.DjangoModelFactory):
    """A reg 24 temporary approval; pass extended_until with panel_view, iro_informed_on and
    extension_approved_by for a reg 25 extension."""

    class Meta:
        model = m.ConnectedPersonApproval

    young_person = factory.SubFactory(YoungPersonFactory)
    carer_name = "Pat Kinship"
    relationship = "aunt"
    approved_on = _days_ago(60)
    nominated_officer = factory.SubFactory(UserFactory, role=m.Role.TEAM_MANAGER)


class YoungPersonViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.YoungPersonView

    section = factory.SubFactory(PlanSectionFactory)
    text = "I want to live near my sister."
    expressed_on = _days_ago(20)
    recorded_by = factory.SubFactory(UserFactory)
    channel = m.Channel.WEB


class GoalProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.GoalProgress

    goal = factory.SubFactory(GoalFactory)
    actor = factory.SubFactory(UserFactory)
    status = m.GoalStatus.STARTED
    note = "Application sent."
    channel = m.Channel.WEB


class CLAReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CLAReview

    young_person = factory.SubFactory(YoungPersonFactory)
    held_on = _days_ago(90)
    chair = factory.SubFactory(UserFactory, role=m.Role.IRO)
    participation = "PN1"


class PathwayPlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PathwayPlanReview

    young_person = factory.SubFactory(YoungPersonFactory)
    held_on = _days_ago(45)
    reviewer = factory.SubFactory(UserFactory)
    outcome = "Plan still right; college application goes ahead."


class PEPReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PEPReview

    young_person = factory.SubFactory(YoungPersonFactory)
    held_on = _days_ago(70)
    school_urn = "100001"
    summary = "Tutoring in maths agreed."


class HealthAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.HealthAssessment

    young_person = factory.SubFactory(YoungPersonFactory)
    kind = m.HealthAssessmentKind.REVIEW
    held_on = _days_ago(100)


class SocialWorkerVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SocialWorkerVisit

    young_person = factory.SubFactory(YoungPersonFactory)
    visited_on = _days_ago(30)
    worker = factory.SubFactory(UserFactory, role=m.Role.SOCIAL_WORKER)
    seen_alone = True
    note = "Settled; talked about school."


class PAContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PAContact

    young_person = factory.SubFactory(YoungPersonFactory)
    contact_on = _days_ago(10)
    adviser = factory.SubFactory(UserFactory)
    method = "phone"
    note = "Talked about the college interview."


class SchoolEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SchoolEnrolment

    young_person = factory.SubFactory(YoungPersonFactory)
    urn = "100001"
    school_name = "Riverside Academy"
    started_on = dt.date(2021, 9, 1)


class KS2ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.KS2Result

    young_person = factory.SubFactory(YoungPersonFactory)
    academic_year = 2021
    reading_expected = True
    writing_expected = False
    maths_expected = True
    reading_scaled = 103
    maths_scaled = 101


class KS4ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.KS4Result

    young_person = factory.SubFactory(YoungPersonFactory)
    academic_year = 2026
    attainment8 = "31.50"
    english_grade = 4
    maths_grade = 3


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Attendance

    young_person = factory.SubFactory(YoungPersonFactory)
    academic_year = 2024
    term = m.Term.AUTUMN
    sessions_possible = 140
    sessions_attended = 126


class CareLeaverRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CareLeaverRecord

    young_person = factory.SubFactory(YoungPersonFactory)
    age = 17
    recorded_on = _days_ago(5)
    in_touch = "YES"
    activity = "F2"
    accommodation = "E1"


# --- Appended for the admin (tests/outcomes/test_admin.py) ---


class GoalActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.GoalAction

    goal = factory.SubFactory(GoalFactory)
    description = "Visit the college open day"
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class NationalBenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.NationalBenchmark

    academic_year = factory.Sequence(lambda n: 2000 + n % 100)
    measure = m.BenchmarkMeasure.KS4_ATTAINMENT8
    cohort = m.BenchmarkCohort.CLA_31_MARCH
    value = "22.90"
    source = "https://explore-education-statistics.service.gov.uk/"


class AccessEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AccessEvent

    actor = factory.SubFactory(UserFactory)
    young_person = factory.SubFactory(YoungPersonFactory)
    what = "young_person.detail"
    channel = m.Channel.WEB


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ApiToken

    user = factory.SubFactory(UserFactory)
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = factory.Sequence(lambda n: f"tok{n:05d}")


class SecurityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SecurityEvent

    kind = m.SecurityEventKind.LOCKOUT
    channel = "web"
    ip_address = "192.0.2.1"
    username_masked = "ad***"


class NeedsAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.NeedsAssessment

    young_person = factory.SubFactory(YoungPersonFactory)
    completed_on = _days_ago(60)
    assessor = factory.SubFactory(UserFactory, role=m.Role.SOCIAL_WORKER)
    summary = "Wants to stay near college; needs help with budgeting."


class TelegramLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TelegramLink

    user = factory.SubFactory(YoungPersonUserFactory)
    telegram_user_id = factory.Sequence(lambda n: 700_000 + n)
    chat_id = factory.SelfAttribute("telegram_user_id")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Notification

    young_person = factory.SubFactory(YoungPersonFactory)
    event_key = factory.Sequence(lambda n: f"cla_review:2026-01-05:{n}")
    event_kind = "cla_review"
    due_on = _days_ago(-7)
    recipient = factory.SubFactory(UserFactory, role=m.Role.SOCIAL_WORKER)
    channel = m.NotificationChannel.EMAIL
    lead = "7d"
    kind = m.NotificationKind.REMINDER
    subject = "Second CLA review is due in a week"
    body = "Second CLA review is due in a week."
    not_before = factory.LazyFunction(timezone.now)


class ScheduleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ScheduleEntry

    young_person = factory.SubFactory(YoungPersonFactory)
    key = factory.Sequence(lambda n: f"cla_review:2026-01-05:{n}")
    kind = "cla_review"
    title = "Second CLA review"
    due_on = _days_ago(-20)
    responsible = "social_worker"
    refreshed_on = factory.LazyFunction(timezone.localdate)


# --- Appended for the Telegram link codes (tests/outcomes/test_telegram_links.py) ---


class TelegramLinkCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TelegramLinkCode

    user = factory.SubFactory(YoungPersonUserFactory)
    created_by = factory.SubFactory(UserFactory)
    code_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(minutes=15))


# --- Appended for the SSDA903 return (tests/ssda903/) ---


class OutcomesRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OutcomesRecord

    young_person = factory.SubFactory(YoungPersonFactory)
    collection_year = 2025
    immunisations = True
    teeth_check = True
    health_assessment = True
    substance_misuse = False


class AdoptionDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AdoptionDecision

    young_person = factory.SubFactory(YoungPersonFactory)
    decided_on = dt.date(2024, 6, 1)


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Adoption

    young_person = factory.SubFactory(YoungPersonFactory)
    best_interests_on = dt.date(2024, 6, 1)
    matched_on = dt.date(2024, 9, 15)
    by_foster_carers = True
    number_of_adopters = "2"
    sex_of_adopters = "MF"
    legal_status_of_adopters = "L11"


class DataJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DataJob

    kind = m.DataJobKind.EXPORT_903
    year = 2025
    requested_by = factory.SubFactory(UserFactory, role=m.Role.ADMINISTRATOR, team=None)


class SafeguardingAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SafeguardingAlert

    young_person = factory.SubFactory(YoungPersonFactory)
    kinds = factory.LazyFunction(lambda: ["self_harm"])
    raised_at = factory.LazyFunction(timezone.now)
    channel = m.Channel.TELEGRAM


class SafeguardingMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SafeguardingMessage

    alert = factory.SubFactory(SafeguardingAlertFactory)
    text = "i dont want to be here anymore"
    kinds = factory.LazyFunction(lambda: ["self_harm"])
    at = factory.LazyFunction(timezone.now)
    channel = m.Channel.TELEGRAM
# --- Appended for closing statutory items (tests/outcomes/test_not_recorded.py) ---


class ScheduleItemClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ScheduleItemClosure

    young_person = factory.SubFactory(YoungPersonFactory)
    key = factory.Sequence(lambda n: f"initial_health_assessment:2022-05-0{n % 9 + 1}")
    title = "Initial health assessment"
    reason = "Assessed by the previous authority."
    closed_by = factory.SubFactory(UserFactory, role=m.Role.TEAM_MANAGER)
    closed_on = factory.LazyFunction(timezone.localdate)
