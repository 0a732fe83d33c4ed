"""chronology_for: one dated timeline generated from the records, in a deterministic order, with
the young person's own view leaving out case notes and workers' names."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from outcomes.selectors.chronology import (
    ADVISER_ONLY_KINDS,
    KINDS,
    ChronologyEntry,
    chronology_for,
)
from tests import factories as f

D = dt.date
UTC = dt.UTC
# One query per source table (22); the young person's view skips the seven adviser-only tables.
STAFF_QUERIES = 22
YOUNG_PERSON_QUERIES = 15

# Where each record model's rows come from, as a lookup to the young person (and a filter, for
# rows that are deliberately left out), or why the model is not in the chronology at all. A new
# model must be put in one or the other, or test_every_record_model_is_classified fails.
IN_CHRONOLOGY: dict[type[Model], tuple[str, dict]] = {
    m.PeriodOfCare: ("young_person", {}),
    m.Episode: ("young_person", {}),
    m.Allocation: ("young_person", {}),
    m.ConnectedPersonApproval: ("young_person", {}),
    m.AdoptionDecision: ("young_person", {}),
    m.Adoption: ("young_person", {}),
    m.PathwayPlan: ("young_person", {}),
    m.YoungPersonView: ("section__plan__young_person", {}),
    m.GoalProgress: ("goal__section__plan__young_person", {}),
    m.CLAReview: ("young_person", {}),
    m.PathwayPlanReview: ("young_person", {}),
    m.PEPReview: ("young_person", {}),
    m.NeedsAssessment: ("young_person", {}),
    m.HealthAssessment: ("young_person", {}),
    m.SocialWorkerVisit: ("young_person", {}),
    m.PAContact: ("young_person", {}),
    m.SchoolEnrolment: ("young_person", {}),
    m.KS2Result: ("young_person", {}),
    m.KS4Result: ("young_person", {}),
    # Termly attendance is too fine-grained: only a permanent exclusion is an event.
    m.Attendance: ("young_person", {"permanently_excluded": True}),
    m.CareLeaverRecord: ("young_person", {}),
    m.SafeguardingAlert: ("young_person", {}),
}
NOT_IN_CHRONOLOGY: dict[type[Model], str] = {
    m.Team: "not about one young person",
    m.User: "an account, not an event",
    m.YoungPerson: "the subject of the chronology",
    m.PlanSection: "a heading of a plan: its views and its goals' progress are the events",
    m.Goal: "undated: its progress entries are the events",
    m.GoalAction: "a to-do within a goal: its progress entries are the events",
    m.NationalBenchmark: "not about one young person",
    m.AccessEvent: "who read the record, not what happened in the young person's life",
    m.ApiToken: "a credential of a user, not about one young person",
    m.TelegramLink: "a user's chat, not an event in the young person's life",
    m.TelegramLinkCode: "a one-time code to link a chat, not an event in the young person's life",
    m.Notification: "a reminder sent about the record, not an event in the young person's life",
    m.ScheduleEntry: "a due date worked out from the records, not an event",
    m.ScheduleItemClosure: "a manager's decision about a due date (its reason shows on the "
                           "schedule, its history in the admin), not an event in their life",
    m.DataJob: "an import or export run by staff, not about one young person",
    m.OutcomesRecord: "the SSDA903 OC2 yearly outcome flags: a return figure, not an event",
    m.SafeguardingMessage: "the young person's words: read on the alert's own page, not here",
    m.SecurityEvent: "a sign-in or token event of an account, not about one young person",
}


@dataclass
class History:
    """A young person's records, one or more of every kind, all valid (full_clean passes)."""

    young_person: m.YoungPerson
    carer_name: str
    case_notes: list[str]
    records: list[Model] = field(default_factory=list)
    by_name: dict[str, Model] = field(default_factory=dict)

    def add(self, name: str, record: Model) -> Model:
        record.full_clean()
        self.records.append(record)
        self.by_name[name] = record
        return record

    def __getitem__(self, name: str) -> Model:
        return self.by_name[name]


def at_london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment given in UTC (London is on GMT in winter, BST in summer)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def build_history(young_person: m.YoungPerson, *, young_person_user: m.User | None = None,
                  tag: str = "a") -> History:
    """A young person looked after twice, with a temporary move, a connected-person placement,
    three plans, reviews, visits, contacts, schools, results and a care-leaver check."""
    yp = young_person
    sw1 = f.UserFactory(username=f"sw1-{tag}", first_name="Morgan", last_name=f"Hale{tag}",
                        role=m.Role.SOCIAL_WORKER)
    sw2 = f.UserFactory(username=f"sw2-{tag}", first_name="Dana", last_name=f"Price{tag}",
                        role=m.Role.SOCIAL_WORKER)
    iro = f.UserFactory(username=f"iro-{tag}", first_name="Chris", last_name=f"Ngata{tag}",
                        role=m.Role.IRO)
    adviser = f.UserFactory(username=f"pa-{tag}", first_name="Robin", last_name=f"Osei{tag}",
                            role=m.Role.PERSONAL_ADVISER)
    officer = f.UserFactory(username=f"no-{tag}", first_name="Jo", last_name=f"Marsh{tag}",
                            role=m.Role.TEAM_MANAGER)
    h = History(yp, carer_name=f"Pat Kinship{tag}", case_notes=[
        f"Quiet but settled {tag}", f"Talked about money {tag}", f"Keep the college plan {tag}",
        f"Tutoring agreed {tag}",
    ])

    # First period of care: a move, a temporary stay in hospital, back, then a legal-status change.
    p1 = h.add("period1", f.PeriodOfCareFactory(young_person=yp, started_on=D(2022, 5, 3),
                                                ended_on=D(2022, 11, 20), reason_ceased="E4A"))
    episodes = [
        # name, start, end, RNE, LS, PLACE, PLACE_PROVIDER, REC, REASON_PLACE_CHANGE
        ("ep1", D(2022, 5, 3), D(2022, 8, 1), "S", "C1", "U4", "PR1", "X1", "CREQB"),
        ("ep2", D(2022, 8, 1), D(2022, 9, 10), "P", "C1", "R1", "PR4", "X1", ""),
        ("ep3", D(2022, 9, 10), D(2022, 9, 14), "P", "C1", "T1", "", "X1", ""),
        ("ep4", D(2022, 9, 14), D(2022, 10, 1), "P", "C1", "R1", "PR4", "X1", ""),
        ("ep5", D(2022, 10, 1), D(2022, 11, 20), "L", "C2", "R1", "PR4", "E4A", "CARPL"),
    ]
    # Second period: with a connected person (approved first), then a children's home.
    h.add("approval", f.ConnectedPersonApprovalFactory(
        young_person=yp, carer_name=h.carer_name, relationship="grandmother",
        approved_on=D(2023, 2, 20), nominated_officer=officer,
        extended_until=D(2023, 7, 31), panel_view="Panel supports a short extension.",
        iro_informed_on=D(2023, 6, 1), extension_approved_by=officer,
        fully_approved_on=D(2023, 7, 10), ended_on=D(2023, 12, 1),
    ))
    p2 = h.add("period2", f.PeriodOfCareFactory(young_person=yp, started_on=D(2023, 3, 1)))
    episodes += [
        ("ep6", D(2023, 3, 1), D(2023, 7, 10), "S", "C1", "U3", "PR1", "X1", "PLACE"),
        ("ep7", D(2023, 7, 10), D(2023, 12, 1), "U", "C2", "U1", "PR1", "X1", "CHILD"),
        ("ep8", D(2023, 12, 1), D(2024, 2, 1), "B", "V2", "K2", "PR4", "X1", ""),
        ("ep9", D(2024, 2, 1), None, "T", "V2", "K2", "PR4", "", ""),
    ]
    for name, start, end, rne, ls, place, provider, rec, rpc in episodes:
        h.add(name, f.EpisodeFactory(
            young_person=yp, period_of_care=p1 if start < D(2023, 1, 1) else p2,
            started_on=start, ended_on=end, reason_new_episode=rne, legal_status=ls, place=place,
            place_provider=provider, reason_ceased=rec, reason_place_change=rpc,
        ))

    # Adoption: a decision to place reversed, a second one, the best-interests decision the same
    # day, then the match with adopters.
    h.add("placed1", f.AdoptionDecisionFactory(young_person=yp, decided_on=D(2023, 4, 3),
                                               reversed_on=D(2023, 9, 4), reversal_reason="RD1"))
    h.add("placed2", f.AdoptionDecisionFactory(young_person=yp, decided_on=D(2024, 3, 5)))
    h.add("adoption", f.AdoptionFactory(young_person=yp, best_interests_on=D(2024, 3, 5),
                                        matched_on=D(2024, 6, 10), by_foster_carers=True,
                                        number_of_adopters="2", sex_of_adopters="MF",
                                        legal_status_of_adopters="L11"))

    # Workers: an IRO's allocation ends the day the second social worker's starts.
    for name, worker, role, start, end in (
        ("sw1", sw1, m.AllocationRole.SOCIAL_WORKER, D(2022, 5, 3), D(2023, 1, 14)),
        ("sw2", sw2, m.AllocationRole.SOCIAL_WORKER, D(2023, 1, 15), D(2025, 10, 1)),
        ("iro1", iro, m.AllocationRole.IRO, D(2022, 5, 3), D(2023, 1, 15)),
    ):
        h.add(name, f.AllocationFactory(young_person=yp, worker=worker, role=role,
                                        started_on=start, ended_on=end))

    # Plans: the first is replaced the day the second is agreed; the third is a draft.
    plan1 = h.add("plan1", f.PathwayPlanFactory(young_person=yp, number=1, created_by=adviser,
                                                status=m.PlanStatus.SUPERSEDED,
                                                agreed_on=D(2025, 11, 1)))
    plan2 = h.add("plan2", f.PathwayPlanFactory(young_person=yp, number=2, created_by=adviser,
                                                agreed_on=D(2026, 3, 10)))
    plan3 = h.add("plan3", f.PathwayPlanFactory(young_person=yp, number=3, created_by=adviser,
                                                status=m.PlanStatus.DRAFT, agreed_on=None))
    for plan, created in ((plan1, at_london(D(2025, 10, 20), 10)),
                          (plan2, at_london(D(2026, 3, 1), 9)),
                          (plan3, at_london(D(2026, 11, 20), 14))):
        m.PathwayPlan.objects.filter(pk=plan.pk).update(created_at=created)
        plan.refresh_from_db()
    section = f.PlanSectionFactory(plan=plan2)
    h.add("view_own", f.YoungPersonViewFactory(
        section=section, text="I want to go to college", expressed_on=D(2026, 3, 5),
        recorded_by=young_person_user or adviser, channel=m.Channel.TELEGRAM))
    h.add("view_heard", f.YoungPersonViewFactory(
        section=section, text="I miss my sister", expressed_on=D(2026, 3, 6),
        recorded_by=adviser))
    goal = f.GoalFactory(section=section, owner=adviser)
    # Two entries on one day, the later one saved first; a third just before midnight UTC on a
    # summer night, which is the next day in England.
    for name, when in (("progress_afternoon", at_london(D(2026, 4, 2), 14)),
                       ("progress_morning", at_london(D(2026, 4, 2), 8)),
                       ("progress_midnight", at_london(D(2026, 6, 30), 23, 30))):
        progress = h.add(name, f.GoalProgressFactory(goal=goal, actor=adviser))
        m.GoalProgress.objects.filter(pk=progress.pk).update(recorded_at=when)
        progress.refresh_from_db()

    # Reviews, assessments, visits and contacts.
    h.add("cla1", f.CLAReviewFactory(young_person=yp, held_on=D(2022, 6, 1), chair=iro,
                                     participation="PN1"))
    h.add("cla2", f.CLAReviewFactory(young_person=yp, held_on=D(2023, 3, 20), chair=iro,
                                     participation="PN5"))
    h.add("ppr", f.PathwayPlanReviewFactory(young_person=yp, plan=plan2, held_on=D(2026, 9, 1),
                                            reviewer=adviser, outcome=h.case_notes[2]))
    h.add("pep", f.PEPReviewFactory(young_person=yp, held_on=D(2022, 6, 15),
                                    summary=h.case_notes[3]))
    h.add("needs", f.NeedsAssessmentFactory(young_person=yp, completed_on=D(2022, 9, 1),
                                            assessor=sw1, summary=h.case_notes[3]))
    h.add("health", f.HealthAssessmentFactory(young_person=yp, held_on=D(2022, 5, 20),
                                              kind=m.HealthAssessmentKind.INITIAL))
    h.add("visit1", f.SocialWorkerVisitFactory(young_person=yp, visited_on=D(2022, 5, 10),
                                               worker=sw1, seen_alone=True,
                                               note=h.case_notes[0]))
    h.add("visit2", f.SocialWorkerVisitFactory(young_person=yp, visited_on=D(2023, 3, 8),
                                               worker=sw2, seen_alone=None, note=""))
    h.add("contact1", f.PAContactFactory(young_person=yp, contact_on=D(2026, 10, 5),
                                         adviser=adviser, method="phone", note=h.case_notes[1]))
    h.add("contact2", f.PAContactFactory(young_person=yp, contact_on=D(2026, 10, 5),
                                         adviser=adviser, method="message", note=""))

    # Education: a same-day school move, results, a permanent exclusion, an ordinary term.
    h.add("primary", f.SchoolEnrolmentFactory(young_person=yp, urn="100002",
                                              school_name="Hillside Primary",
                                              started_on=D(2016, 9, 1), ended_on=D(2021, 7, 21)))
    h.add("secondary", f.SchoolEnrolmentFactory(young_person=yp, school_name="Riverside Academy",
                                                started_on=D(2021, 9, 1), ended_on=D(2023, 1, 9)))
    h.add("secondary2", f.SchoolEnrolmentFactory(young_person=yp, urn="100003",
                                                 school_name="Northgate School",
                                                 started_on=D(2023, 1, 9)))
    h.add("ks2", f.KS2ResultFactory(young_person=yp, academic_year=2021))
    h.add("ks4", f.KS4ResultFactory(young_person=yp, academic_year=2026))
    h.add("excluded", f.AttendanceFactory(young_person=yp, academic_year=2023,
                                          term=m.Term.AUTUMN, permanently_excluded=True))
    h.add("ordinary_term", f.AttendanceFactory(young_person=yp, academic_year=2023,
                                               term=m.Term.SPRING))
    h.add("safeguarding", f.SafeguardingAlertFactory(
        young_person=yp, raised_at=at_london(D(2026, 11, 21), 2, 10), status="acknowledged",
        acknowledged_by=adviser, acknowledged_at=at_london(D(2026, 11, 21), 2, 40),
        action=m.SafeguardingAction.CALLED))
    h.add("oc3", f.CareLeaverRecordFactory(young_person=yp, age=17, recorded_on=D(2026, 11, 20),
                                           recorded_by=adviser))
    return h


def source(record: Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def expected_records(young_person: m.YoungPerson) -> list[Model]:
    """Every record of the young person that the chronology must show, found without it."""
    return [record for model, (lookup, only) in IN_CHRONOLOGY.items()
            for record in model.objects.filter(**{lookup: young_person}, **only)]


def expected_sources(young_person: m.YoungPerson) -> set[str]:
    return {source(record) for record in expected_records(young_person)}


def by_kind(entries: list[ChronologyEntry], kind: str) -> list[ChronologyEntry]:
    return [e for e in entries if e.kind == kind]


def on_day(entries: list[ChronologyEntry], day: dt.date) -> list[str]:
    return [e.kind for e in entries if e.on == day]


@pytest.fixture
def history(personas):
    return build_history(personas.young_person, young_person_user=personas.young_person_user)


# --- Ordering -------------------------------------------------------------------------------


def test_a_full_history_comes_out_in_date_order(history):
    entries = chronology_for(young_person=history.young_person)

    assert [e.on for e in entries] == sorted(e.on for e in entries)
    assert len({e.sort_key for e in entries}) == len(entries), "a total order: ties never fall to input order"
    assert entries == sorted(entries, key=lambda e: e.sort_key)
    assert chronology_for(young_person=history.young_person) == entries


def test_same_day_entries_come_in_a_sensible_fixed_order(history):
    entries = chronology_for(young_person=history.young_person)

    # The last placement ends, then care ends; care starts, then the first placement.
    assert on_day(entries, D(2022, 11, 20)) == ["episode.ended", "care.ended"]
    assert on_day(entries, D(2023, 3, 1)) == ["care.started", "episode.started"]
    # What stops on a day comes before what begins on it.
    assert on_day(entries, D(2023, 1, 15)) == ["allocation.ended", "allocation.started"]
    assert on_day(entries, D(2023, 1, 9)) == ["school.left", "school.started"]
    assert on_day(entries, D(2023, 12, 1)) == ["approval.ended", "episode.moved"]
    assert on_day(entries, D(2023, 7, 10)) == ["approval.full", "episode.legal_status"]
    assert on_day(entries, D(2026, 3, 10)) == ["plan.superseded", "plan.agreed"]
    # Timestamped records by their time, then records of one kind by their source.
    assert [e.source for e in entries if e.on == D(2026, 4, 2)] == [
        source(history["progress_morning"]), source(history["progress_afternoon"])]
    assert [e.source for e in entries if e.on == D(2026, 10, 5)] == [
        source(history["contact1"]), source(history["contact2"])]


def test_the_care_history_reads_in_plain_words(history):
    entries = chronology_for(young_person=history.young_person)

    care = [(e.on, e.kind, e.title) for e in entries if e.kind.split(".")[0] in {"care", "episode"}]
    assert care == [
        (D(2022, 5, 3), "care.started", "Started to be looked after"),
        (D(2022, 5, 3), "episode.started", "Placed: Foster with other carer, long-term"),
        (D(2022, 8, 1), "episode.moved", "Moved placement: Residential care home"),
        (D(2022, 9, 10), "episode.temporary_move", "Temporary move: Temporary period in hospital"),
        (D(2022, 9, 14), "episode.moved", "Back from a temporary move: Residential care home"),
        (D(2022, 10, 1), "episode.legal_status", "Legal status changed: Full care order"),
        (D(2022, 11, 20), "episode.ended", "Left placement: Residential care home"),
        (D(2022, 11, 20), "care.ended", "Stopped being looked after"),
        (D(2023, 3, 1), "care.started", "Started to be looked after"),
        (D(2023, 3, 1), "episode.started",
         "Placed: Foster with relative or friend, not long-term or FFA"),
        (D(2023, 7, 10), "episode.legal_status", "Legal status changed: Full care order"),
        (D(2023, 12, 1), "episode.moved", "Moved placement: Children's home subject to "
                                          "Children's Homes Regulations"),
        (D(2024, 2, 1), "episode.placement_changed", "Placement changed, same carer: "
                                                     "Children's home subject to Children's "
                                                     "Homes Regulations"),
    ]
    detail = {e.source: e.detail for e in entries if e.kind.startswith("episode.")}
    # The reason for a move is held on the episode that ends (REFERENCE.md §3.8).
    assert ("Reason for the placement change: Carer requests end because of the child's "
            "behaviour.") in detail[source(history["ep2"])]
    assert detail[source(history["ep8"])].startswith(
        "Reason for new episode: Change of legal status and of placement and carer. "
        "Legal status changed: Single period of accommodation under s20.")
    assert "Placement changed, same carer: Foster with relative or friend, long-term." in (
        detail[source(history["ep7"])])
    ended = by_kind(entries, "episode.ended")[0].detail
    assert "Returned home to parents or person with PR, planned" in ended
    assert "Change to or implementation of care plan" in ended
    assert by_kind(entries, "care.ended")[0].detail == (
        "Reason: Returned home to parents or person with PR, planned.")


def test_dates_follow_the_records(history):
    entries = chronology_for(young_person=history.young_person)
    first = {(e.kind, e.source): e for e in entries}

    # A plan is replaced on the day the next one is agreed.
    assert first["plan.superseded", source(history["plan1"])].on == D(2026, 3, 10)
    # Timestamps are dated in England: 23:30 UTC on 30 June is 00:30 on 1 July.
    assert first["goal.progress", source(history["progress_midnight"])].on == D(2026, 7, 1)
    # Results on fixed days of their academic year; an exclusion on the first day of its term.
    assert first["education.ks2", source(history["ks2"])].on == D(2021, 7, 1)
    assert first["education.ks4", source(history["ks4"])].on == D(2026, 8, 31)
    exclusion = first["school.permanent_exclusion", source(history["excluded"])]
    assert (exclusion.on, exclusion.title) == (
        D(2022, 9, 1), "Permanently excluded (autumn term 2022/23)")
    assert first["approval.extended", source(history["approval"])].on == D(2023, 6, 1)
    views = by_kind(entries, "plan.view")
    assert [v.on for v in views] == [D(2026, 3, 5), D(2026, 3, 6)]
    assert views[0].detail.startswith("Said in their own words: I want to go to college.")
    assert first["review.cla", source(history["cla2"])].detail.startswith(
        "Participation: Absent, briefs an advocate or the IRO.")


def test_adoption_events_read_in_plain_words(history):
    entries = chronology_for(young_person=history.young_person)

    adoption = [(e.on, e.kind, e.title, e.detail) for e in entries
                if e.kind.startswith("adoption.")]
    assert adoption == [
        (D(2023, 4, 3), "adoption.decided", "Decision that they should be placed for adoption",
         ""),
        (D(2023, 9, 4), "adoption.decision_reversed",
         "Decision that they should no longer be placed for adoption",
         "Reason: The child's needs changed."),
        (D(2024, 3, 5), "adoption.best_interests",
         "Decision that adoption is in their best interests", ""),
        (D(2024, 3, 5), "adoption.decided", "Decision that they should be placed for adoption",
         ""),
        (D(2024, 6, 10), "adoption.matched", "Matched with adopters",
         "Their foster carers are adopting them. Adopters: Couple; male and female couple; "
         "married couple (different sex)."),
    ]
    # The adopters' details are theirs: the young person's own view leaves them out.
    own = chronology_for(young_person=history.young_person, viewer_is_young_person=True)
    [matched] = by_kind(own, "adoption.matched")
    assert matched.detail == "Their foster carers are adopting them."
    assert not [e for e in entries if e.kind.startswith("adoption.") and e.adviser_only]


# --- Completeness: every record, each event once --------------------------------------------


def test_every_record_model_is_classified():
    record_models = {model for model in apps.get_app_config("outcomes").get_models()
                     if not hasattr(model, "instance_type")}  # simple-history's copies
    assert record_models == set(IN_CHRONOLOGY) | set(NOT_IN_CHRONOLOGY)
    assert not set(IN_CHRONOLOGY) & set(NOT_IN_CHRONOLOGY)


def test_every_record_of_every_kind_appears(history):
    entries = chronology_for(young_person=history.young_person)

    records = expected_records(history.young_person)
    assert {type(r) for r in records} == set(IN_CHRONOLOGY), "at least one of every kind"
    assert {e.source for e in entries} == {source(r) for r in records}
    assert {e.kind for e in entries} == set(KINDS)
    assert source(history["ordinary_term"]) not in {e.source for e in entries}


def events_in(record: Model, *, followed_on: set[tuple[int, dt.date]]) -> int:
    """How many events a record stands for, worked out from the record alone."""
    if isinstance(record, m.Episode):
        told_by_next = (record.period_of_care_id, record.ended_on) in followed_on
        return 1 + bool(record.ended_on and not told_by_next)
    if isinstance(record, m.ConnectedPersonApproval):
        return 1 + sum(map(bool, (record.extended_until, record.fully_approved_on,
                                  record.ended_on)))
    if isinstance(record, m.PathwayPlan):
        return 1 + bool(record.agreed_on) + (record.status == m.PlanStatus.SUPERSEDED)
    if isinstance(record, m.AdoptionDecision):
        return 1 + bool(record.reversed_on)
    if isinstance(record, m.SafeguardingAlert):
        return 1 + bool(record.action)
    if isinstance(record, m.Adoption):
        return 2  # the best-interests decision and the match
    if isinstance(record, m.PeriodOfCare | m.Allocation | m.SchoolEnrolment):
        return 1 + bool(record.ended_on)
    return 1


def test_each_event_appears_once(history):
    entries = chronology_for(young_person=history.young_person)

    followed_on = {(e.period_of_care_id, e.started_on)
                   for e in m.Episode.objects.filter(young_person=history.young_person)}
    expected = Counter({source(r): events_in(r, followed_on=followed_on)
                        for r in expected_records(history.young_person)})
    assert Counter(e.source for e in entries) == expected
    assert len({(e.source, e.kind) for e in entries}) == len(entries)
    # A move is one event: the next episode's start, not also the last one's end.
    assert not [e for e in by_kind(entries, "episode.ended")
                if e.source == source(history["ep1"])]


# --- Who sees what --------------------------------------------------------------------------


def test_the_young_persons_view_leaves_out_case_notes_and_workers_names(history, personas):
    staff = chronology_for(young_person=history.young_person)
    own = chronology_for(young_person=history.young_person, viewer_is_young_person=True)

    assert {e.kind for e in staff if e.adviser_only} == ADVISER_ONLY_KINDS
    assert all(e.adviser_only == (e.kind in ADVISER_ONLY_KINDS) for e in staff)
    assert not [e for e in own if e.adviser_only]
    assert {e.kind for e in own} == set(KINDS) - ADVISER_ONLY_KINDS
    # Nothing else is lost: the same events on the same days.
    assert [(e.on, e.kind, e.source) for e in own] == [
        (e.on, e.kind, e.source) for e in staff if not e.adviser_only]

    names = [str(u) for u in m.User.objects.exclude(young_person=history.young_person)]
    private = [*names, history.carer_name, *history.case_notes]
    staff_text = " ".join(f"{e.title} {e.detail}" for e in staff)
    own_text = " ".join(f"{e.title} {e.detail}" for e in own)
    assert [p for p in private if p in staff_text], "the staff view does name people"
    assert [p for p in private if p in own_text] == []
    assert "Written by the young person." in own_text
    assert "grandmother" in own_text


def test_other_childrens_records_never_appear(history, personas):
    other = build_history(personas.other_young_person, tag="b")

    mine = chronology_for(young_person=history.young_person)
    theirs = chronology_for(young_person=other.young_person, viewer_is_young_person=True)

    assert {e.source for e in mine} == expected_sources(history.young_person)
    assert {e.source for e in theirs} <= expected_sources(other.young_person)
    assert not {source(r) for r in other.records} & {e.source for e in mine}
    assert not {source(r) for r in history.records} & {e.source for e in theirs}
    mine_text = " ".join(f"{e.title} {e.detail}" for e in mine)
    assert other.carer_name not in mine_text
    assert not [note for note in other.case_notes if note in mine_text]


# --- Queries ----------------------------------------------------------------------------------


def count_queries(**kwargs) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        entries = chronology_for(**kwargs)
    return len(queries), len(entries)


def test_query_count_does_not_grow_with_the_records(history, personas,
                                                    django_assert_max_num_queries):
    few = f.YoungPersonFactory(team=personas.team)
    f.EpisodeFactory(period_of_care=f.PeriodOfCareFactory(young_person=few))
    f.PAContactFactory(young_person=few, adviser=personas.adviser)

    section = m.PlanSection.objects.get(plan=history["plan2"])
    goal = m.Goal.objects.get(section=section)
    for n in range(25):
        day = D(2026, 1, 1) + dt.timedelta(days=n)
        f.PAContactFactory(young_person=history.young_person, contact_on=day,
                           adviser=f.UserFactory())
        f.SocialWorkerVisitFactory(young_person=history.young_person, visited_on=day,
                                   worker=f.UserFactory(role=m.Role.SOCIAL_WORKER))
        f.GoalProgressFactory(goal=goal, actor=f.UserFactory())
        f.YoungPersonViewFactory(section=section, expressed_on=day, recorded_by=f.UserFactory())
        f.CLAReviewFactory(young_person=history.young_person, held_on=day,
                           chair=f.UserFactory(role=m.Role.IRO))

    with django_assert_max_num_queries(STAFF_QUERIES):
        chronology_for(young_person=history.young_person)
    with django_assert_max_num_queries(YOUNG_PERSON_QUERIES):
        chronology_for(young_person=history.young_person, viewer_is_young_person=True)

    many_queries, many_entries = count_queries(young_person=history.young_person)
    few_queries, few_entries = count_queries(young_person=few)
    assert many_entries > 10 * few_entries
    assert many_queries == few_queries == STAFF_QUERIES
    assert (count_queries(young_person=history.young_person, viewer_is_young_person=True)[0]
            == count_queries(young_person=few, viewer_is_young_person=True)[0]
            == YOUNG_PERSON_QUERIES)


def test_entries_are_frozen(history):
    entry = chronology_for(young_person=history.young_person)[0]
    with pytest.raises(AttributeError):
        entry.title = "changed"  # type: ignore[misc]
