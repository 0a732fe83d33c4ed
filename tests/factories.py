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
