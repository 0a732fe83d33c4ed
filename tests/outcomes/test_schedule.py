"""The statutory schedule, case by case from the regulations (REFERENCE.md §1.1-§1.7, §3.10).

Each case's id names its rule: reg33 (CLA reviews, CPPCR 2010 reg 33), reg28 (social worker visits),
reg24/reg25 (connected persons), health (§1.4), pep (§1.5), reg41-43 (needs assessment and pathway
plan), cl-reg8 (personal adviser), pathway-review (§1.7), oc3 (§3.10), data (bad history).
Bank holidays of England and Wales, checked with the `holidays` package: Christmas Day and Boxing
Day 2025, New Year's Day 2026, Good Friday 3 April 2026, Easter Monday 6 April 2026, late May
25 May 2026. 15/12/2025, 01/09/2025 and 23/03/2026 are Mondays.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.rules.schedule import (
    ApprovalFact,
    CareLeaverRecordFact,
    ContactFact,
    EpisodeFact,
    EventKind,
    History,
    Item,
    PeriodFact,
    Policy,
    Responsible,
    State,
    schedule,
    state_of,
)

D = dt.date
K = EventKind
CHILD = D(2015, 6, 1)  # aged 10 in 2025-26
TODDLER = D(2023, 3, 1)  # under 5 until 1 March 2028
CARE_LEAVER = D(2009, 1, 1)  # 17 on 1 January 2026, looked after from 14 to 17
TURNS_16 = D(2010, 3, 10)  # 16 on 10 March 2026
CARE_START, CARE_END = D(2023, 1, 1), D(2026, 3, 1)  # CARE_LEAVER's care: relevant from the end


def episode(start, end=None, *, place="U6", ls="C2", rne="S") -> EpisodeFact:
    return EpisodeFact(started_on=start, ended_on=end, place=place, legal_status=ls,
                       reason_new_episode=rne)


def in_care(start: dt.date, *, born=CHILD, place="U6", ls="C2", **facts) -> History:
    """Looked after since `start` in one open episode."""
    return History(date_of_birth=born, periods=(PeriodFact(start),),
                   episodes=(episode(start, place=place, ls=ls),), **facts)


def left_care(*, born=CARE_LEAVER, start=CARE_START, left=CARE_END, **facts) -> History:
    """Looked after from `start` until `left`: relevant at 16-17, former relevant at 18-20."""
    return History(date_of_birth=born, periods=(PeriodFact(start, left),),
                   episodes=(episode(start, left),), **facts)


def of_kind(items: list[Item], kind: EventKind, *, done: bool = False) -> list[Item]:
    return [i for i in items if i.kind is kind and (i.state is State.DONE) == done]


def the_open(items: list[Item], kind: EventKind) -> Item:
    [item] = of_kind(items, kind)
    return item


def the_done(items: list[Item], kind: EventKind) -> Item:
    [item] = of_kind(items, kind, done=True)
    return item


REG24_START = D(2026, 1, 5)  # a connected-person placement under temporary approval from this day
REG24 = {"place": "U3", "approvals": (ApprovalFact(approved_on=REG24_START),)}
SIX_MONTHS_ENDED = D(2025, 3, 1)

# (history, today, kind, due_on, state, words in the reason)
NEXT_DUE = [
    # reg 33(1): within 20 working days of becoming looked after, skipping bank holidays.
    pytest.param(in_care(D(2025, 12, 15)), D(2026, 1, 1), K.CLA_REVIEW, D(2026, 1, 15),
                 State.UPCOMING, "20 working days after becoming looked after on 15/12/2025",
                 id="reg33-1-christmas-boxing-day-new-year-skipped"),
    pytest.param(in_care(D(2026, 3, 23)), D(2026, 4, 1), K.CLA_REVIEW, D(2026, 4, 22),
                 State.UPCOMING, "23/03/2026", id="reg33-1-good-friday-easter-monday-2026-skipped"),
    pytest.param(in_care(D(2026, 5, 11)), D(2026, 5, 20), K.CLA_REVIEW, D(2026, 6, 9),
                 State.UPCOMING, "11/05/2026", id="reg33-1-late-may-bank-holiday-2026-skipped"),
    # reg 33(2): 3 months after the first review as held, then 6 months after the last.
    pytest.param(in_care(D(2024, 12, 2), cla_reviews=(D(2025, 1, 6),)), D(2025, 2, 1),
                 K.CLA_REVIEW, D(2025, 4, 6), State.UPCOMING,
                 "3 months after the first review on 06/01/2025", id="reg33-2-second-review"),
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 9, 10),)), D(2025, 10, 1),
                 K.CLA_REVIEW, D(2025, 12, 10), State.UPCOMING, "first review on 10/09/2025",
                 id="reg33-2-early-first-review-moves-the-second"),
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 10, 20),)), D(2025, 11, 1),
                 K.CLA_REVIEW, D(2026, 1, 20), State.UPCOMING, "first review on 20/10/2025",
                 id="reg33-2-late-first-review-moves-the-second"),
    pytest.param(in_care(D(2025, 11, 3), cla_reviews=(D(2025, 11, 30),)), D(2026, 2, 1),
                 K.CLA_REVIEW, D(2026, 2, 28), State.UPCOMING, "30/11/2025",
                 id="reg33-2-30-nov-plus-3-months-clamps-to-28-feb"),
    pytest.param(in_care(D(2027, 11, 1), cla_reviews=(D(2027, 11, 30),)), D(2028, 2, 1),
                 K.CLA_REVIEW, D(2028, 2, 29), State.UPCOMING, "30/11/2027",
                 id="reg33-2-30-nov-plus-3-months-leap-year-29-feb-2028"),
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 9, 10), D(2025, 12, 1))),
                 D(2026, 1, 1), K.CLA_REVIEW, D(2026, 6, 1), State.UPCOMING,
                 "6 months after the second review on 01/12/2025", id="reg33-2-third-review"),
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 8, 1),)), D(2025, 9, 2),
                 K.CLA_REVIEW, D(2025, 9, 29), State.UPCOMING, "01/09/2025",
                 id="reg33-1-review-before-the-period-belongs-to-an-earlier-one"),
    # reg 28: within a week of the placement, then 6 weeks in its first year.
    pytest.param(in_care(D(2025, 9, 1)), D(2025, 9, 2), K.SOCIAL_WORKER_VISIT, D(2025, 9, 8),
                 State.DUE, "Within 1 week of the placement starting on 01/09/2025",
                 id="reg28-first-visit-within-a-week"),
    pytest.param(in_care(D(2025, 9, 1), social_worker_visits=(D(2025, 9, 5),)), D(2025, 9, 6),
                 K.SOCIAL_WORKER_VISIT, D(2025, 10, 17), State.UPCOMING,
                 "6 weeks after the last visit on 05/09/2025, in the first year",
                 id="reg28-six-weeks-in-the-first-year"),
    pytest.param(in_care(D(2024, 1, 1), place="U4", social_worker_visits=(D(2025, 2, 10),)),
                 D(2025, 3, 1), K.SOCIAL_WORKER_VISIT, D(2025, 5, 10), State.UPCOMING,
                 "3 months after the last visit on 10/02/2025: a long-term foster placement",
                 id="reg28-long-term-fostering-after-a-year-3-months"),
    pytest.param(in_care(D(2024, 1, 1), place="U6", social_worker_visits=(D(2025, 2, 10),)),
                 D(2025, 3, 1), K.SOCIAL_WORKER_VISIT, D(2025, 3, 24), State.UPCOMING,
                 "not long-term fostering", id="reg28-other-placement-after-a-year-6-weeks"),
    pytest.param(in_care(D(2024, 1, 1), place="U4", social_worker_visits=(D(2024, 12, 20),)),
                 D(2025, 1, 2), K.SOCIAL_WORKER_VISIT, D(2025, 1, 31), State.UPCOMING,
                 "in the first year", id="reg28-long-term-fostering-in-its-first-year-6-weeks"),
    # reg 28 with reg 24: weekly until the first review, then at least every 4 weeks.
    pytest.param(in_care(REG24_START, social_worker_visits=(D(2026, 1, 8), D(2026, 1, 15)),
                         **REG24),
                 D(2026, 1, 16), K.SOCIAL_WORKER_VISIT, D(2026, 1, 22), State.DUE,
                 "weekly until the first CLA review while placed with a connected person",
                 id="reg24-reg28-weekly-before-the-first-review"),
    pytest.param(in_care(REG24_START, social_worker_visits=(D(2026, 1, 29),),
                         cla_reviews=(D(2026, 1, 30),), **REG24),
                 D(2026, 1, 31), K.SOCIAL_WORKER_VISIT, D(2026, 2, 5), State.DUE,
                 "weekly", id="reg24-reg28-visit-the-day-before-the-review-still-weekly"),
    pytest.param(in_care(REG24_START, social_worker_visits=(D(2026, 1, 29), D(2026, 2, 2)),
                         cla_reviews=(D(2026, 1, 30),), **REG24),
                 D(2026, 2, 3), K.SOCIAL_WORKER_VISIT, D(2026, 3, 2), State.UPCOMING,
                 "since the first CLA review on 30/01/2026, at least every 4 weeks",
                 id="reg24-reg28-every-4-weeks-after-the-first-review"),
    pytest.param(in_care(REG24_START, place="U3", social_worker_visits=(D(2026, 2, 2),),
                         cla_reviews=(D(2026, 1, 30),),
                         approvals=(ApprovalFact(REG24_START, fully_approved_on=D(2026, 2, 1)),)),
                 D(2026, 2, 3), K.SOCIAL_WORKER_VISIT, D(2026, 3, 16), State.UPCOMING,
                 "6 weeks", id="reg24-reg28-fully-approved-back-to-6-weeks"),
    pytest.param(in_care(D(2026, 1, 5), place="P1", ls="C1", social_worker_visits=(D(2026, 1, 9),)),
                 D(2026, 1, 10), K.SOCIAL_WORKER_VISIT, D(2026, 1, 16), State.DUE,
                 "living with a parent under an interim care order",
                 id="reg28-with-parent-interim-care-order-weekly"),
    pytest.param(in_care(D(2026, 1, 5), place="P1", ls="C2", social_worker_visits=(D(2026, 1, 9),)),
                 D(2026, 1, 10), K.SOCIAL_WORKER_VISIT, D(2026, 2, 20), State.UPCOMING,
                 "6 weeks", id="reg28-with-parent-full-care-order-6-weeks"),
    # Health (§1.4): initial assessment within 20 working days; reviews 6-monthly under 5.
    pytest.param(in_care(D(2025, 12, 15)), D(2026, 1, 9), K.INITIAL_HEALTH_ASSESSMENT,
                 D(2026, 1, 15), State.DUE, "20 working days", id="health-initial-assessment"),
    pytest.param(in_care(D(2026, 1, 5), born=TODDLER,
                         health_assessments=(("initial", D(2026, 1, 20)),)),
                 D(2026, 2, 1), K.REVIEW_HEALTH_ASSESSMENT, D(2026, 7, 20), State.UPCOMING,
                 "6 months after the last health assessment on 20/01/2026: under 5",
                 id="health-under-5-six-months"),
    pytest.param(in_care(D(2026, 1, 5), health_assessments=(("initial", D(2026, 1, 20)),)),
                 D(2026, 2, 1), K.REVIEW_HEALTH_ASSESSMENT, D(2027, 1, 20), State.UPCOMING,
                 "12 months after the last health assessment on 20/01/2026: aged 5 or over",
                 id="health-over-5-twelve-months"),
    pytest.param(in_care(D(2025, 6, 1), born=D(2021, 6, 1),
                         health_assessments=(("initial", D(2025, 6, 20)),
                                             ("review", D(2026, 1, 15)))),
                 D(2026, 2, 1), K.REVIEW_HEALTH_ASSESSMENT, D(2027, 1, 15), State.UPCOMING,
                 "15/01/2026: aged 5", id="health-turns-5-before-the-6-month-date-twelve-months"),
    pytest.param(in_care(D(2025, 6, 1), born=D(2021, 8, 1),
                         health_assessments=(("initial", D(2025, 6, 20)),
                                             ("review", D(2026, 1, 15)))),
                 D(2026, 2, 1), K.REVIEW_HEALTH_ASSESSMENT, D(2026, 7, 15), State.UPCOMING,
                 "under 5 on 15/07/2026", id="health-still-4-on-the-6-month-date-six-months"),
    # PEP (§1.5): initial PEP for the first review, then one each term by its half-term.
    pytest.param(in_care(D(2025, 9, 1)), D(2025, 9, 2), K.PEP, D(2025, 9, 29), State.UPCOMING,
                 "Ready for the first CLA review", id="pep-initial-for-the-first-review"),
    pytest.param(in_care(D(2025, 9, 1), pep_reviews=(D(2025, 9, 20),)), D(2025, 10, 1), K.PEP,
                 D(2026, 2, 28), State.UPCOMING, "spring term's is due by the February half-term",
                 id="pep-initial-in-autumn-term-does-the-term-next-is-spring"),
    pytest.param(in_care(D(2025, 5, 1), pep_reviews=(D(2025, 5, 20),)), D(2025, 11, 5), K.PEP,
                 D(2025, 10, 31), State.OVERDUE, "autumn term's is due by the October half-term",
                 id="pep-autumn-term-not-done-overdue-after-31-october"),
    pytest.param(in_care(D(2027, 9, 1), pep_reviews=(D(2027, 9, 10), D(2027, 10, 15))),
                 D(2028, 1, 10), K.PEP, D(2028, 2, 29), State.UPCOMING, "29/02/2028",
                 id="pep-spring-deadline-29-february-2028"),
    pytest.param(in_care(D(2026, 1, 5), pep_reviews=(D(2026, 1, 20), D(2026, 4, 20))),
                 D(2026, 5, 1), K.PEP, D(2026, 10, 31), State.UPCOMING, "autumn",
                 id="pep-done-in-summer-term-next-is-autumn"),
    pytest.param(in_care(D(2026, 1, 5), pep_reviews=(D(2026, 1, 20),)), D(2026, 5, 1), K.PEP,
                 D(2026, 5, 31), State.UPCOMING, "May half-term", id="pep-summer-deadline-31-may"),
    # Needs assessment and pathway plan (CPPCR 2010 reg 41-43).
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16), D(2026, 3, 10), K.NEEDS_ASSESSMENT,
                 D(2026, 6, 10), State.UPCOMING, "3 months after the 16th birthday on 10/03/2026",
                 id="reg41-turns-16-mid-care-plan-needs-assessment-in-3-months"),
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16), D(2026, 3, 10), K.PATHWAY_PLAN,
                 D(2026, 6, 10), State.UPCOMING, "after the needs assessment",
                 id="reg43-pathway-plan-due-with-the-needs-assessment"),
    pytest.param(in_care(D(2026, 6, 1), born=TURNS_16), D(2026, 9, 1), K.NEEDS_ASSESSMENT,
                 D(2026, 11, 30), State.UPCOMING, "becoming an eligible child on 30/08/2026",
                 id="reg40-reg41-eligible-after-13-weeks-at-16-3-months-from-then"),
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16, needs_assessments=(D(2026, 1, 10),)),
                 D(2026, 5, 1), K.PATHWAY_PLAN, D(2026, 6, 10), State.UPCOMING, "10/06/2026",
                 id="reg43-assessed-3-months-before-16-counts-plan-still-due"),
    # Pathway plan reviews (§1.7): 6 months after the plan, then after each review.
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16, needs_assessments=(D(2026, 4, 1),),
                         plans_agreed=(D(2026, 5, 1),)),
                 D(2026, 6, 1), K.PATHWAY_PLAN_REVIEW, D(2026, 11, 1), State.UPCOMING,
                 "6 months after the pathway plan was agreed on 01/05/2026",
                 id="pathway-review-6-months-after-the-plan"),
    pytest.param(left_care(needs_assessments=(D(2025, 3, 1),), plans_agreed=(D(2025, 4, 1),),
                           pathway_plan_reviews=(D(2025, 9, 15),)),
                 D(2026, 3, 10), K.PATHWAY_PLAN_REVIEW, D(2026, 3, 15), State.DUE,
                 "6 months after the last review on 15/09/2025",
                 id="pathway-review-relevant-6-months-after-the-last-review"),
    # Personal adviser (CL 2010 reg 8): contact every 8 weeks; visits every 2 months when the
    # authority provides the accommodation.
    pytest.param(left_care(), D(2026, 3, 10), K.PA_CONTACT, D(2026, 4, 26), State.UPCOMING,
                 "8 weeks after leaving care on 01/03/2026", id="cl-reg8-first-contact-8-weeks"),
    pytest.param(left_care(pa_contacts=(ContactFact(D(2026, 3, 20), visit=False),)),
                 D(2026, 4, 1), K.PA_CONTACT, D(2026, 5, 15), State.UPCOMING,
                 "8 weeks after the last contact on 20/03/2026", id="cl-reg8-contact-8-weeks"),
    pytest.param(left_care(authority_accommodation=True), D(2026, 3, 2), K.PA_VISIT,
                 D(2026, 3, 8), State.DUE, "Within 7 days of leaving care on 01/03/2026",
                 id="cl-reg8-first-visit-within-7-days-in-authority-accommodation"),
    pytest.param(left_care(authority_accommodation=True,
                           pa_contacts=(ContactFact(D(2026, 3, 5), visit=True),
                                        ContactFact(D(2026, 4, 1), visit=False))),
                 D(2026, 4, 2), K.PA_VISIT, D(2026, 5, 5), State.UPCOMING,
                 "2 months after the last visit on 05/03/2026",
                 id="cl-reg8-visit-2-months-a-call-does-not-count"),
    pytest.param(left_care(born=D(2007, 1, 1), start=D(2021, 1, 1), left=D(2024, 12, 31),
                           pa_contacts=(ContactFact(D(2026, 3, 1), visit=False),)),
                 D(2026, 3, 10), K.PA_CONTACT, D(2026, 4, 26), State.UPCOMING, "01/03/2026",
                 id="cl-reg8-former-relevant-at-19"),
    # Connected persons (reg 24-25): temporary approval ends after 16 weeks, or when extended.
    pytest.param(in_care(REG24_START, **REG24), D(2026, 4, 20), K.CONNECTED_PERSON_APPROVAL,
                 D(2026, 4, 27), State.DUE, "One extension of up to 8 weeks is still possible",
                 id="reg24-16-weeks-extension-still-possible"),
    pytest.param(in_care(REG24_START, place="U3",
                         approvals=(ApprovalFact(REG24_START, extended_until=D(2026, 6, 22)),)),
                 D(2026, 4, 28), K.CONNECTED_PERSON_APPROVAL, D(2026, 6, 22), State.UPCOMING,
                 "No further extension is possible", id="reg25-extension-moves-the-expiry"),
    # OC3 (§3.10): activity and accommodation a month after each birthday from 17 to 21.
    pytest.param(left_care(born=D(2008, 1, 31), start=D(2022, 6, 1), left=D(2025, 3, 1),
                           care_leaver_records=(CareLeaverRecordFact(17, D(2025, 2, 20)),)),
                 D(2026, 2, 1), K.CARE_LEAVER_RECORD, D(2026, 2, 28), State.UPCOMING,
                 "1 month after the 18th birthday on 31/01/2026",
                 id="oc3-31-january-plus-1-month-28-february"),
    pytest.param(left_care(born=D(2010, 1, 31), start=D(2024, 6, 1), left=D(2027, 3, 1)),
                 D(2028, 2, 1), K.CARE_LEAVER_RECORD, D(2028, 2, 29), State.UPCOMING,
                 "18th birthday on 31/01/2028", id="oc3-31-january-plus-1-month-leap-year-2028"),
    pytest.param(left_care(born=D(2008, 2, 29), start=D(2022, 6, 1), left=D(2025, 6, 1)),
                 D(2026, 3, 10), K.CARE_LEAVER_RECORD, D(2026, 4, 1), State.UPCOMING,
                 "18th birthday on 01/03/2026", id="oc3-born-29-february-18-on-1-march-2026"),
    pytest.param(left_care(born=D(2008, 2, 29), start=D(2022, 6, 1), left=D(2025, 6, 1),
                           care_leaver_records=(CareLeaverRecordFact(18, D(2026, 3, 20)),
                                                CareLeaverRecordFact(19, D(2027, 3, 20)))),
                 D(2028, 2, 5), K.CARE_LEAVER_RECORD, D(2028, 3, 29), State.UPCOMING,
                 "20th birthday on 29/02/2028",
                 id="oc3-born-29-february-20-on-29-february-2028"),
    pytest.param(in_care(D(2022, 1, 1), born=D(2008, 11, 20)), D(2025, 10, 25),
                 K.CARE_LEAVER_RECORD, D(2025, 12, 20), State.UPCOMING, "17th birthday",
                 id="oc3-eligible-at-17-window-opens-a-month-before"),
    pytest.param(left_care(born=D(2004, 5, 1), start=D(2018, 6, 1), left=D(2021, 6, 1)),
                 D(2025, 4, 5), K.CARE_LEAVER_RECORD, D(2025, 6, 1), State.UPCOMING,
                 "21st birthday on 01/05/2025", id="oc3-21st-birthday"),
]


@pytest.mark.parametrize(("history", "today", "kind", "due_on", "state", "because"), NEXT_DUE)
def test_next_due(history, today, kind, due_on, state, because):
    item = the_open(schedule(history, today=today), kind)
    assert (item.due_on, item.state) == (due_on, state)
    assert because in item.reason
    # The rule in plain words: the law or guidance by its title, no file name or section sign.
    assert item.rule and ("Regulations 2010" in item.rule or "guidance" in item.rule
                          or "return to the DfE" in item.rule)
    assert "REFERENCE" not in item.rule and "§" not in item.rule and ".md" not in item.rule


# (history, today, kind, due_on, done_on, title)
LAST_DONE = [
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 10, 20),)), D(2025, 11, 1),
                 K.CLA_REVIEW, D(2025, 9, 29), D(2025, 10, 20), "First CLA review",
                 id="reg33-1-late-first-review-done-against-its-due-date"),
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 9, 10), D(2025, 12, 1))),
                 D(2026, 1, 1), K.CLA_REVIEW, D(2025, 12, 10), D(2025, 12, 1), "Second CLA review",
                 id="reg33-2-only-the-latest-review-shown-done"),
    pytest.param(in_care(D(2025, 9, 1), health_assessments=(("initial", D(2025, 7, 15)),)),
                 D(2025, 9, 2), K.INITIAL_HEALTH_ASSESSMENT, D(2025, 9, 29), D(2025, 7, 15),
                 "Initial health assessment", id="health-assessment-in-3-months-before-counts"),
    pytest.param(in_care(D(2025, 9, 1), pep_reviews=(D(2025, 9, 20),)), D(2025, 10, 1), K.PEP,
                 D(2025, 9, 29), D(2025, 9, 20), "Initial PEP", id="pep-initial-done"),
    pytest.param(in_care(D(2027, 9, 1), pep_reviews=(D(2027, 9, 10), D(2027, 10, 15))),
                 D(2028, 1, 10), K.PEP, D(2027, 10, 31), D(2027, 10, 15),
                 "PEP for the autumn term 2027", id="pep-done-in-the-autumn-term"),
    pytest.param(in_care(REG24_START, place="U3",
                         approvals=(ApprovalFact(REG24_START, fully_approved_on=D(2026, 3, 1)),)),
                 D(2026, 3, 10), K.CONNECTED_PERSON_APPROVAL, D(2026, 4, 27), D(2026, 3, 1),
                 "Connected person fully approved", id="reg24-fully-approved-shown-done"),
    pytest.param(left_care(born=D(2008, 1, 31), start=D(2022, 6, 1), left=D(2025, 3, 1),
                           care_leaver_records=(CareLeaverRecordFact(17, D(2025, 2, 20)),)),
                 D(2026, 2, 1), K.CARE_LEAVER_RECORD, D(2025, 2, 28), D(2025, 2, 20),
                 "Care-leaver activity and accommodation at 17", id="oc3-17-done"),
]


@pytest.mark.parametrize(("history", "today", "kind", "due_on", "done_on", "title"), LAST_DONE)
def test_last_done(history, today, kind, due_on, done_on, title):
    item = the_done(schedule(history, today=today), kind)
    assert (item.due_on, item.done_on, item.state, item.title) == (due_on, done_on, State.DONE,
                                                                     title)


# (history, today, kind): nothing of that kind applies.
NOT_DUE = [
    pytest.param(left_care(), D(2026, 3, 10), K.CLA_REVIEW, id="reg33-not-looked-after"),
    pytest.param(left_care(), D(2026, 3, 10), K.SOCIAL_WORKER_VISIT, id="reg28-not-looked-after"),
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16), D(2026, 3, 9), K.NEEDS_ASSESSMENT,
                 id="reg41-the-day-before-16-no-needs-assessment"),
    pytest.param(in_care(D(2023, 1, 1), born=TURNS_16), D(2026, 3, 9), K.PATHWAY_PLAN,
                 id="reg43-the-day-before-16-no-pathway-plan"),
    pytest.param(in_care(D(2026, 1, 5), born=D(2023, 6, 1)), D(2026, 2, 1), K.PEP,
                 id="pep-aged-2-none"),
    pytest.param(in_care(D(2022, 1, 1), born=CARE_LEAVER), D(2025, 10, 1), K.PA_CONTACT,
                 id="cl-reg8-eligible-still-looked-after-no-pa-contact"),
    pytest.param(left_care(born=D(2004, 5, 1), start=D(2018, 6, 1), left=D(2021, 6, 1)),
                 D(2025, 5, 2), K.PA_CONTACT, id="cl-reg8-former-relevant-at-21-duties-end"),
    pytest.param(in_care(D(2022, 1, 1), born=D(2008, 11, 20)), D(2025, 10, 19),
                 K.CARE_LEAVER_RECORD, id="oc3-eligible-before-the-17-window-none"),
    pytest.param(in_care(REG24_START, place="U3",
                         approvals=(ApprovalFact(REG24_START, fully_approved_on=D(2026, 3, 1)),)),
                 D(2026, 6, 2), K.CONNECTED_PERSON_APPROVAL,
                 id="reg24-fully-approved-over-3-months-ago-omitted"),
    pytest.param(in_care(REG24_START, place="U3",
                         approvals=(ApprovalFact(REG24_START, ended_on=D(2026, 2, 1)),)),
                 D(2026, 2, 2), K.CONNECTED_PERSON_APPROVAL, id="reg24-ended-approval-omitted"),
]


@pytest.mark.parametrize(("history", "today", "kind"), NOT_DUE)
def test_not_due(history, today, kind):
    assert [i for i in schedule(history, today=today) if i.kind is kind] == []


DUE_ON = D(2026, 1, 15)


@pytest.mark.parametrize(
    ("today", "done_on", "state"),
    [
        pytest.param(D(2026, 1, 7), None, State.UPCOMING, id="8-days-before-upcoming"),
        pytest.param(D(2026, 1, 8), None, State.DUE, id="7-days-before-due"),
        pytest.param(D(2026, 1, 15), None, State.DUE, id="on-the-day-due"),
        pytest.param(D(2026, 1, 16), None, State.OVERDUE, id="day-after-overdue"),
        pytest.param(D(2026, 1, 16), D(2026, 1, 16), State.DONE, id="done-late-is-done"),
        pytest.param(D(2026, 1, 1), D(2026, 1, 1), State.DONE, id="done-early-is-done"),
    ],
)
def test_state_at_the_boundaries(today, done_on, state):
    assert state_of(DUE_ON, today=today, done_on=done_on) is state
    # The schedule agrees: a first review due 15/01/2026 (reg 33(1), Christmas skipped).
    history = in_care(D(2025, 12, 15), cla_reviews=(done_on,) if done_on else ())
    [review] = [i for i in schedule(history, today=today) if i.key == "cla_review:2025-12-15:1"]
    assert review.state is state


def test_due_soon_days_is_a_policy():
    assert state_of(DUE_ON, today=D(2026, 1, 1), policy=Policy(due_soon_days=14)) is State.DUE


def test_pa_contact_interval_is_a_policy():
    items = schedule(left_care(), today=D(2026, 3, 10), policy=Policy(pa_contact_weeks=4))
    assert the_open(items, K.PA_CONTACT).due_on == D(2026, 3, 29)


def test_reg24_placement_visited_weekly_until_the_first_review_then_every_4_weeks():
    """CPPCR 2010 reg 28 with reg 24: each visit as held moves the next."""
    visits: list[dt.date] = []
    expected = [
        (D(2026, 1, 12), "Within 1 week"),
        (D(2026, 1, 15), "weekly"),  # after the visit on 08/01
        (D(2026, 1, 22), "weekly"),  # after 15/01
        (D(2026, 1, 29), "weekly"),  # after 22/01; the first review is on 30/01
        (D(2026, 3, 2), "every 4 weeks"),  # after 02/02, the first visit after the review
        (D(2026, 3, 30), "every 4 weeks"),  # after 02/03
    ]
    held = [D(2026, 1, 8), D(2026, 1, 15), D(2026, 1, 22), D(2026, 2, 2), D(2026, 3, 2)]
    for n, (due_on, because) in enumerate(expected):
        today = visits[-1] if visits else REG24_START
        history = in_care(REG24_START, social_worker_visits=tuple(visits),
                          cla_reviews=(D(2026, 1, 30),) if today >= D(2026, 1, 30) else (), **REG24)
        item = the_open(schedule(history, today=today), K.SOCIAL_WORKER_VISIT)
        assert (item.key, item.due_on) == (f"sw_visit:2026-01-05:{n + 1}", due_on)
        assert because in item.reason
        if n < len(held):
            visits.append(held[n])


def test_reg25_extension_is_offered_only_once():
    approval = ApprovalFact(REG24_START)
    extended = ApprovalFact(REG24_START, extended_until=D(2026, 6, 22))
    before = the_open(schedule(in_care(REG24_START, place="U3", approvals=(approval,)),
                               today=D(2026, 4, 1)), K.CONNECTED_PERSON_APPROVAL)
    after = the_open(schedule(in_care(REG24_START, place="U3", approvals=(extended,)),
                              today=D(2026, 4, 1)), K.CONNECTED_PERSON_APPROVAL)
    assert "fostering panel's view" in before.reason and "IRO" in before.reason
    assert "nominated officer" in before.reason
    assert "still possible" not in after.reason
    assert before.key == after.key == "connected_person_approval:2026-01-05"
    assert (before.due_on, after.due_on) == (D(2026, 4, 27), D(2026, 6, 22))
    assert before.title == "Connected-person temporary approval ends"


def test_a_child_who_turns_16_mid_plan_gets_a_needs_assessment_from_their_birthday():
    """CPPCR 2010 reg 41-43: nothing at 15, the assessment and plan from 16."""
    history = in_care(D(2023, 1, 1), born=TURNS_16)
    assert not of_kind(schedule(history, today=D(2026, 3, 9)), K.NEEDS_ASSESSMENT)
    items = schedule(history, today=D(2026, 3, 10))
    assessment, plan = the_open(items, K.NEEDS_ASSESSMENT), the_open(items, K.PATHWAY_PLAN)
    assert assessment.due_on == plan.due_on == D(2026, 6, 10)
    assert plan.for_young_person and plan.responsible is Responsible.SOCIAL_WORKER


def test_a_chain_shows_only_its_latest_completed_step():
    """Needs assessment, then the plan, then its reviews: one done, the next open."""
    history = in_care(D(2023, 1, 1), born=TURNS_16, needs_assessments=(D(2026, 4, 1),),
                      plans_agreed=(D(2026, 5, 1),))
    items = schedule(history, today=D(2026, 6, 1))
    kinds = {(i.kind, i.state) for i in items
             if i.kind in {K.NEEDS_ASSESSMENT, K.PATHWAY_PLAN, K.PATHWAY_PLAN_REVIEW}}
    assert kinds == {(K.PATHWAY_PLAN, State.DONE), (K.PATHWAY_PLAN_REVIEW, State.UPCOMING)}


def test_personal_adviser_items_fall_to_the_personal_adviser():
    items = schedule(left_care(), today=D(2026, 3, 10))
    assert the_open(items, K.PA_CONTACT).responsible is Responsible.PERSONAL_ADVISER
    assert the_open(items, K.PATHWAY_PLAN).responsible is Responsible.PERSONAL_ADVISER


# The same occurrence keeps its key from one day to the next (the outbox's unique key uses it).
STABLE = [
    pytest.param(in_care(D(2025, 9, 1), cla_reviews=(D(2025, 9, 10),)), K.CLA_REVIEW,
                 "cla_review:2025-09-01:2", id="reg33-second-review"),
    pytest.param(in_care(D(2025, 9, 1), social_worker_visits=(D(2025, 9, 5),)),
                 K.SOCIAL_WORKER_VISIT, "sw_visit:2025-09-01:2", id="reg28-second-visit"),
    pytest.param(in_care(D(2025, 9, 1)), K.INITIAL_HEALTH_ASSESSMENT,
                 "initial_health_assessment:2025-09-01", id="health-initial"),
    pytest.param(in_care(D(2025, 9, 1), pep_reviews=(D(2025, 9, 5),)), K.PEP,
                 "pep:2025-09-01:spring-2026", id="pep-spring-term"),
    pytest.param(left_care(), K.PA_CONTACT, "pa_contact:2026-03-01:1", id="cl-reg8-contact"),
    pytest.param(in_care(REG24_START, **REG24), K.CONNECTED_PERSON_APPROVAL,
                 "connected_person_approval:2026-01-05", id="reg24-approval"),
    pytest.param(left_care(), K.CARE_LEAVER_RECORD, "care_leaver_record:17", id="oc3-at-17"),
]


@pytest.mark.parametrize(("history", "kind", "key"), STABLE)
def test_keys_are_stable_across_days(history, kind, key):
    first = the_open(schedule(history, today=D(2026, 3, 9)), kind)
    second = the_open(schedule(history, today=D(2026, 3, 11)), kind)
    assert first.key == second.key == key
    assert first.due_on == second.due_on


def test_a_done_occurrence_keeps_the_key_it_had_while_open():
    history = in_care(D(2025, 9, 1))
    before = the_open(schedule(history, today=D(2025, 9, 20)), K.CLA_REVIEW)
    held = in_care(D(2025, 9, 1), cla_reviews=(D(2025, 9, 25),))
    after = the_done(schedule(held, today=D(2025, 9, 26)), K.CLA_REVIEW)
    assert (before.key, before.due_on) == (after.key, after.due_on)


# Bad data: NEEDS_DATA items, never exceptions.
BAD_DATA = [
    pytest.param(
        History(date_of_birth=None, periods=(PeriodFact(D(2025, 12, 15)),),
                episodes=(episode(D(2025, 12, 15)),)),
        ["data:date_of_birth"], True, id="data-no-date-of-birth"),
    pytest.param(
        History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                episodes=(episode(D(2025, 1, 1), D(2025, 3, 1)),
                          episode(D(2025, 3, 5), rne="P"))),
        ["data:episode_gap:2025-03-01:2025-03-05"], False, id="data-gap-between-episodes"),
    pytest.param(
        History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                episodes=(episode(D(2025, 1, 1), D(2025, 3, 1)),)),
        ["data:no_open_episode:2025-01-01"], False, id="data-looked-after-no-open-episode"),
    pytest.param(
        History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                episodes=(episode(D(2024, 6, 1), D(2024, 7, 1)), episode(D(2025, 1, 1)))),
        ["data:episode_outside_period:2024-06-01"], True, id="data-episode-outside-any-period"),
    pytest.param(
        History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                episodes=(episode(D(2025, 1, 1)), episode(D(2025, 3, 1), rne="P"))),
        ["data:episode_overlap:2025-03-01"], False, id="data-open-episode-overlaps-the-next"),
    pytest.param(
        History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                episodes=(episode(D(2025, 1, 1)), episode(D(2025, 3, 1), D(2025, 2, 1)))),
        ["data:episode_overlap:2025-03-01", "data:no_open_episode:2025-01-01"], False,
        id="data-episode-ends-before-it-starts"),
]


@pytest.mark.parametrize(("history", "keys", "visits"), BAD_DATA)
def test_bad_data_is_flagged_not_raised(history, keys, visits):
    items = schedule(history, today=D(2026, 1, 5))
    flagged = [i for i in items if i.state is State.NEEDS_DATA]
    assert [i.key for i in flagged] == keys
    assert all(i.kind is K.DATA and i.due_on is None for i in flagged)
    assert items[: len(flagged)] == flagged  # NEEDS_DATA first
    assert of_kind(items, K.CLA_REVIEW)  # what does not depend on the bad data still comes
    assert bool(of_kind(items, K.SOCIAL_WORKER_VISIT)) is visits


def test_missing_date_of_birth_asks_for_it_and_keeps_the_rest():
    history = History(date_of_birth=None, periods=(PeriodFact(D(2025, 12, 15)),),
                      episodes=(episode(D(2025, 12, 15)),), pep_reviews=(D(2025, 12, 20),),
                      health_assessments=(("initial", D(2025, 12, 20)),))
    items = schedule(history, today=D(2026, 1, 5))
    [data] = [i for i in items if i.kind is K.DATA]
    assert data.reason == "Record the date of birth: no due dates can be worked out without it."
    assert {i.kind for i in items} == {K.DATA, K.CLA_REVIEW, K.SOCIAL_WORKER_VISIT,
                                       K.INITIAL_HEALTH_ASSESSMENT}


def test_a_gap_reason_gives_the_dates():
    history = History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                      episodes=(episode(D(2025, 1, 1), D(2025, 3, 1)), episode(D(2025, 3, 5))))
    [gap] = [i for i in schedule(history, today=D(2026, 1, 5)) if i.kind is K.DATA]
    assert "01/03/2025" in gap.reason and "05/03/2025" in gap.reason


def test_a_change_of_legal_status_keeps_the_placement():
    """CPPCR 2010 reg 28: visits count from the placement, not from the legal-status change."""
    episodes = (episode(D(2025, 1, 1), D(2025, 6, 1), ls="V2"),
                episode(D(2025, 6, 1), ls="C2", rne="L"))
    history = History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                      episodes=episodes, social_worker_visits=(D(2025, 5, 20),))
    item = the_open(schedule(history, today=D(2025, 6, 2)), K.SOCIAL_WORKER_VISIT)
    assert (item.key, item.due_on) == ("sw_visit:2025-01-01:2", D(2025, 7, 1))
    moved = History(date_of_birth=CHILD, periods=(PeriodFact(D(2025, 1, 1)),),
                    episodes=(episodes[0], episode(D(2025, 6, 1), rne="P")))
    item = the_open(schedule(moved, today=D(2025, 6, 2)), K.SOCIAL_WORKER_VISIT)
    assert (item.key, item.due_on) == ("sw_visit:2025-06-01:1", D(2025, 6, 8))


def test_items_are_sorted_needs_data_first_then_by_due_day():
    history = History(date_of_birth=None, periods=(PeriodFact(D(2025, 9, 1)),),
                      episodes=(episode(D(2025, 9, 1)),), cla_reviews=(D(2025, 9, 10),))
    items = schedule(history, today=D(2025, 10, 1))
    assert items[0].state is State.NEEDS_DATA
    dated = [i.due_on for i in items[1:]]
    assert dated == sorted(dated)


days = st.dates(min_value=D(2018, 1, 1), max_value=D(2030, 12, 31))
births = st.dates(min_value=D(2002, 1, 1), max_value=D(2026, 12, 31))


@st.composite
def histories(draw) -> History:
    def some(strategy, n=4):
        return tuple(draw(st.lists(strategy, max_size=n)))
    return History(
        date_of_birth=draw(st.none() | births),
        periods=some(st.builds(PeriodFact, days, st.none() | days)),
        episodes=some(st.builds(EpisodeFact, days, st.none() | days,
                                st.sampled_from(["U1", "U3", "U4", "U6", "P1", "K2"]),
                                st.sampled_from(["C1", "C2", "V2", "V3"]),
                                st.sampled_from(["S", "L", "P", "B"]))),
        cla_reviews=some(days), social_worker_visits=some(days), pep_reviews=some(days),
        health_assessments=some(st.tuples(st.sampled_from(["initial", "review"]), days)),
        needs_assessments=some(days), plans_agreed=some(days), pathway_plan_reviews=some(days),
        pa_contacts=some(st.builds(ContactFact, days, st.booleans())),
        approvals=some(st.builds(ApprovalFact, days, st.none() | days, st.none() | days,
                                 st.none() | days)),
        care_leaver_records=some(st.builds(CareLeaverRecordFact, st.integers(15, 26), days)),
        returned_home_for_six_months_on=draw(st.none() | days),
        in_education_or_training=draw(st.booleans()),
        authority_accommodation=draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(history=histories(), today=days)
def test_any_history_gives_a_schedule_and_never_raises(history, today):
    items = schedule(history, today=today)
    assert all((i.due_on is None) == (i.state is State.NEEDS_DATA) for i in items)
    assert len({(i.key, i.due_on) for i in items}) == len(items)


@st.composite
def care_histories(draw) -> tuple[History, dt.date]:
    """A consistent history: episodes following one another from the start of one period of care."""
    start = draw(days)
    lengths = draw(st.lists(st.integers(1, 500), min_size=1, max_size=5))
    ends = [start + dt.timedelta(days=sum(lengths[: i + 1])) for i in range(len(lengths))]
    still_open = draw(st.booleans())
    episodes = tuple(
        episode(begin, None if still_open and end == ends[-1] else end,
                place=draw(st.sampled_from(["U1", "U3", "U4", "U6", "P1", "K2"])),
                ls=draw(st.sampled_from(["C1", "C2", "V2"])),
                rne="S" if begin == start else draw(st.sampled_from(["L", "P", "B", "T"])))
        for begin, end in zip([start, *ends[:-1]], ends, strict=True))
    after = st.integers(0, 1500).map(lambda n: start + dt.timedelta(days=n))
    history = History(
        date_of_birth=draw(births), periods=(PeriodFact(start, None if still_open else ends[-1]),),
        episodes=episodes, cla_reviews=tuple(draw(st.lists(after, max_size=6))),
        social_worker_visits=tuple(draw(st.lists(after, max_size=10))),
        approvals=tuple(draw(st.lists(st.builds(ApprovalFact, after, st.none() | after,
                                                st.none() | after), max_size=2))))
    return history, draw(after)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(case=care_histories())
def test_a_consistent_history_has_one_next_review_and_visit_while_looked_after(case):
    history, today = case
    items = schedule(history, today=today)
    assert not [i for i in items if i.kind is K.DATA]
    looked_after = history.periods[0].ended_on is None or history.periods[0].ended_on >= today
    assert len(of_kind(items, K.CLA_REVIEW)) == len(of_kind(items, K.SOCIAL_WORKER_VISIT)) == (
        1 if looked_after else 0)
