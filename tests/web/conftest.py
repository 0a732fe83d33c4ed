"""The staff pages' test set-up: a browser-less client signed in as any persona, and a young
person's record with a plan, views, goals, a care history and a schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from outcomes import models as m
from tests import factories as f


class Pages:
    """A test client that can act as any persona (signed in without the sign-in form)."""

    def as_user(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def pages():
    return Pages()


@dataclass
class Record:
    plan: m.PathwayPlan
    view: m.YoungPersonView
    goal: m.Goal
    overdue: m.ScheduleEntry
    due_soon: m.ScheduleEntry


def build_record(personas, *, young_person=None) -> Record:
    """Looked after now (so the virtual school sees them), with an agreed plan (a view and a goal
    under education, an assessment under health), a PA contact with a case note, a CLA review,
    a school, a KS4 result, a term's attendance, and two schedule entries: one overdue, one due
    in three days."""
    person = young_person or personas.young_person
    today = timezone.localdate()
    f.EpisodeFactory(period_of_care__young_person=person, legal_status="C2", place="U1")
    plan = f.PathwayPlanFactory(young_person=person, created_by=personas.adviser)
    education = f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.EDUCATION_TRAINING,
                                     assessment="Wants to start college in September.")
    f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.HEALTH,
                         assessment="Registered with a GP near the flat.")
    view = f.YoungPersonViewFactory(section=education, text="I want to be a chef.",
                                    expressed_on=today - dt.timedelta(days=20),
                                    recorded_by=personas.adviser)
    goal = f.GoalFactory(section=education, description="Apply for the catering course",
                         owner=personas.adviser, status=m.GoalStatus.STARTED)
    f.PAContactFactory(young_person=person, adviser=personas.adviser,
                       note="Worried about the new flat.")
    f.CLAReviewFactory(young_person=person, chair=personas.iro)
    f.SchoolEnrolmentFactory(young_person=person, school_name="Riverside Academy")
    f.KS4ResultFactory(young_person=person, academic_year=2025, attainment8="31.50")
    f.AttendanceFactory(young_person=person, academic_year=2025, sessions_possible=140,
                        sessions_attended=126)
    overdue = f.ScheduleEntryFactory(young_person=person, title="Health assessment",
                                     kind="health_assessment", responsible="social_worker",
                                     due_on=today - dt.timedelta(days=10))
    due_soon = f.ScheduleEntryFactory(young_person=person, title="Second CLA review",
                                      due_on=today + dt.timedelta(days=3))
    return Record(plan, view, goal, overdue, due_soon)


@pytest.fixture
def record(personas) -> Record:
    return build_record(personas)
