"""Care-leaver categories, case by case from the law (REFERENCE.md §1.6).

Each case's id names the rule it comes from: para19B and reg40 (eligible: Children Act 1989 Sch 2
para 19B, CPPCR 2010 reg 40), s23A (relevant), cl-reg3 (CL 2010 reg 3), s23C (former relevant),
s23CZB (personal-adviser support on request to 25), s24 (qualifying). Spells follow SSDA903: looked
after from the start day, not on the end day. 13 weeks is 91 days.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from outcomes.rules import care_leaver, dates
from outcomes.rules.care_leaver import (
    CareLeaverCategory,
    CareSpell,
    care_leaver_status,
    days_looked_after_since_14,
)
from outcomes.rules.dates import birthday

ELIGIBLE = CareLeaverCategory.ELIGIBLE
RELEVANT = CareLeaverCategory.RELEVANT
FORMER_RELEVANT = CareLeaverCategory.FORMER_RELEVANT
QUALIFYING = CareLeaverCategory.QUALIFYING
NONE = CareLeaverCategory.NONE

DOB = dt.date(2007, 9, 15)
LEAPLING = dt.date(2008, 2, 29)  # 14th 1 Mar 2022, 16th 29 Feb 2024, 18th 1 Mar 2026, 21st 1 Mar 2029

EDUCATION = {"in_education_or_training": True}
REQUESTED = {"requested_support": True}
DETAINED = {"detained_or_in_hospital_on_16th_birthday": True}


def at(age: int, days: int = 0) -> dt.date:
    """`days` after (or before) DOB's birthday at `age`."""
    return birthday(DOB, age) + dt.timedelta(days=days)


def spell(start: dt.date, end: dt.date | None = None, *, short_break: bool = False) -> CareSpell:
    return CareSpell(start=start, end=end, short_break=short_break)


def home(day: dt.date) -> dict:
    return {"returned_home_for_six_months_on": day}


IN_CARE_SINCE_12 = [spell(at(12))]  # looked after throughout, until the day before 18
LEFT_AT_17 = [spell(at(15), at(17, 30))]  # eligible when leaving: relevant
SHORT_OF_13_WEEKS = [spell(at(17), at(17, 30))]  # looked after after 16, 30 days: qualifying

CASES = [
    # The 13-week rule (CPPCR 2010 reg 40(1)): 91 days from the 14th birthday, some after the 16th.
    pytest.param([spell(at(16), at(16, 91))], at(17), {}, RELEVANT, at(18), "s23A",
                 id="reg40-exactly-91-days-then-left-care-relevant"),
    pytest.param([spell(at(16), at(16, 90))], at(17), {}, QUALIFYING, at(21), "s24",
                 id="reg40-90-days-then-left-care-qualifying-s24"),
    pytest.param([spell(at(16))], at(16, 90), {}, ELIGIBLE, at(18), "reg 40",
                 id="reg40-para19B-91st-day-looked-after-eligible"),
    pytest.param([spell(at(16))], at(16, 89), {}, NONE, None, "eligible from",
                 id="reg40-90th-day-looked-after-not-yet-eligible"),
    pytest.param([spell(at(13), at(14, 60)), spell(at(16), at(16, 30))], at(17), {}, QUALIFYING,
                 at(21), "12 weeks and 6 days", id="reg40-days-before-14th-birthday-do-not-count"),
    pytest.param([spell(at(13), at(14, 61)), spell(at(16), at(16, 30))], at(17), {}, RELEVANT,
                 at(18), "s23A", id="reg40-spell-across-14th-birthday-counts-from-14"),
    pytest.param([spell(at(14, 10), at(14, 40)), spell(at(15), at(15, 31)),
                  spell(at(16, 100), at(16, 130))], at(17), {}, RELEVANT, at(18), "13 weeks",
                 id="reg40-periods-amounting-in-all-to-13-weeks"),
    pytest.param([spell(at(14, 10), at(14, 40)), spell(at(15), at(15, 30)),
                  spell(at(16, 100), at(16, 130))], at(17), {}, QUALIFYING, at(21), "reg 40",
                 id="reg40-periods-amounting-to-90-days-qualifying-s24"),
    pytest.param([spell(at(16), at(16, 60)), spell(at(16, 30), at(16, 80))], at(17), {},
                 QUALIFYING, at(21), "11 weeks and 3 days", id="reg40-overlapping-spells-count-once"),
    # Short breaks (V3/V4, CPPCR 2010 reg 48) never count towards eligibility (reg 40(2)).
    pytest.param([spell(at(15), at(15, 60), short_break=True), spell(at(16), at(16, 60))], at(17),
                 {}, QUALIFYING, at(21), "8 weeks and 4 days",
                 id="reg40-2-short-breaks-left-out-of-13-weeks"),
    pytest.param([spell(at(16), at(17, 100), short_break=True)], at(17, 50), {}, NONE, None,
                 "reg 40(2)", id="reg40-2-reg48-on-short-breaks-not-eligible"),
    pytest.param([spell(at(14), at(15)), spell(at(16, 10), at(16, 12), short_break=True)], at(17),
                 {}, QUALIFYING, at(21), "short breaks",
                 id="s24-short-breaks-after-16-still-looked-after-so-qualifying"),
    # The period must end after the 16th birthday (para 19B(2)(b)).
    pytest.param([spell(at(14), at(15, 300))], at(17), {}, NONE, None, "16th birthday",
                 id="para19B-looked-after-only-before-16-none"),
    pytest.param([spell(at(14), at(16))], at(17), {}, NONE, None, "16th birthday",
                 id="para19B-care-ceased-on-16th-birthday-none"),
    pytest.param([spell(at(14), at(16, 1))], at(17), {}, RELEVANT, at(18), "s23A",
                 id="para19B-looked-after-on-16th-birthday-relevant"),
    pytest.param([spell(at(14), at(15)), spell(at(17), at(17, 7))], at(17, 30), {}, RELEVANT,
                 at(18), "s23A", id="para19B-one-week-after-16-completes-earlier-care"),
    # Eligible and relevant (para 19B, s23A).
    pytest.param(IN_CARE_SINCE_12, at(17), {}, ELIGIBLE, at(18), "para 19B",
                 id="para19B-still-looked-after-at-17-eligible"),
    pytest.param(LEFT_AT_17, at(17, 60), {}, RELEVANT, at(18), "s23A",
                 id="s23A-left-care-at-17-relevant"),
    pytest.param(LEFT_AT_17, at(17, 29), {}, ELIGIBLE, at(18), "para 19B",
                 id="s23A-last-day-in-care-still-eligible"),
    pytest.param(LEFT_AT_17, at(17, 30), {}, RELEVANT, at(18), "s23A",
                 id="s23A-relevant-from-the-day-care-ceased"),
    pytest.param([spell(at(15), at(16, 200)), spell(at(17))], at(17, 3), {}, ELIGIBLE, at(18),
                 "para 19B", id="para19B-relevant-child-back-in-care-eligible-again"),
    # Six months at home with a parent ends relevance (CL 2010 reg 3).
    pytest.param(LEFT_AT_17, at(17, 60), home(at(17, 40)), QUALIFYING, at(21), "six continuous months",
                 id="cl-reg3-relevant-home-six-months-qualifying"),
    pytest.param(LEFT_AT_17, at(17, 60), home(at(17, 90)), RELEVANT, at(18), "s23A",
                 id="cl-reg3-six-months-not-yet-reached-still-relevant"),
    pytest.param([spell(at(14), at(14, 100)), spell(at(16), at(16, 100))], at(17), home(at(15)),
                 RELEVANT, at(18), "s23A", id="cl-reg3-home-before-last-spell-of-care-ignored"),
    pytest.param(LEFT_AT_17, at(19), home(at(17, 40)), QUALIFYING, at(21), "six continuous months",
                 id="s23C-1-a-home-six-months-before-18-not-former-relevant"),
    pytest.param(LEFT_AT_17, at(19, 200), home(at(19, 100)), QUALIFYING, at(21), "s24",
                 id="s23C-1-a-would-not-be-relevant-if-under-18-qualifying"),
    pytest.param(IN_CARE_SINCE_12, at(19, 200), home(at(19, 100)), FORMER_RELEVANT, at(21),
                 "s23C(1)(b)", id="s23C-1-b-looked-after-at-18-unaffected-by-home"),
    # Detained or in hospital on the 16th birthday (CL 2010 reg 3).
    pytest.param([spell(at(14), at(16, -10))], at(16, 30), DETAINED, RELEVANT, at(18), "CL 2010 reg 3",
                 id="cl-reg3-detained-on-16th-birthday-relevant"),
    pytest.param([spell(at(14), at(16, -10))], at(16, 30), {}, NONE, None, "16th birthday",
                 id="cl-reg3-same-history-not-detained-none"),
    pytest.param([spell(at(16, -100), at(16, -10))], at(16, 30), DETAINED, NONE, None,
                 "16th birthday", id="cl-reg3-detained-but-only-90-days-none"),
    pytest.param([spell(at(14), at(16, -10))], at(19), DETAINED, FORMER_RELEVANT, at(21),
                 "s23C(1)(a)", id="cl-reg3-s23C-detained-at-16-former-relevant-at-19"),
    # Former relevant (s23C): to 21, to 25 in education or training or on request (s23CZB).
    pytest.param(IN_CARE_SINCE_12, at(19), {}, FORMER_RELEVANT, at(21), "s23C(1)(b)",
                 id="s23C-1-b-looked-after-until-18-former-relevant"),
    pytest.param(LEFT_AT_17, at(20), {}, FORMER_RELEVANT, at(21), "s23C(1)(a)",
                 id="s23C-1-a-relevant-before-18-former-relevant"),
    pytest.param(IN_CARE_SINCE_12, at(19), EDUCATION, FORMER_RELEVANT, at(25), "s23CA",
                 id="s23C-7-in-education-support-runs-to-25"),
    pytest.param(LEFT_AT_17, at(20), REQUESTED, FORMER_RELEVANT, at(25), "s23CZB",
                 id="s23CZB-asked-for-support-at-20-runs-to-25"),
    pytest.param(IN_CARE_SINCE_12, at(22), {}, NONE, None, "end at 21",
                 id="s23C-6-aged-22-not-in-education-none"),
    pytest.param(IN_CARE_SINCE_12, at(22), EDUCATION, FORMER_RELEVANT, at(25), "s23CA",
                 id="s23CA-aged-22-in-education-former-relevant"),
    pytest.param(LEFT_AT_17, at(23), REQUESTED, FORMER_RELEVANT, at(25), "s23CZB",
                 id="s23CZB-aged-23-requested-adviser-support"),
    pytest.param(IN_CARE_SINCE_12, at(26), EDUCATION, NONE, None, "end at 25",
                 id="s23C-aged-26-none-even-in-education"),
    # Qualifying (s24): to 21; help with education or training to 25 (s24B).
    pytest.param(SHORT_OF_13_WEEKS, at(17, 60), {}, QUALIFYING, at(21), "s24",
                 id="s24-left-care-at-17-short-of-13-weeks"),
    pytest.param(SHORT_OF_13_WEEKS, at(19), {}, QUALIFYING, at(21), "s24",
                 id="s24-aged-19-qualifying"),
    pytest.param(SHORT_OF_13_WEEKS, at(19), EDUCATION, QUALIFYING, at(25), "s24B",
                 id="s24B-aged-19-in-education-help-to-25"),
    pytest.param(SHORT_OF_13_WEEKS, at(22), {}, NONE, None, "ends at 21",
                 id="s24-aged-22-none"),
    pytest.param(SHORT_OF_13_WEEKS, at(22), EDUCATION, QUALIFYING, at(25), "s24B",
                 id="s24B-aged-22-in-education-qualifying"),
    pytest.param(SHORT_OF_13_WEEKS, at(22), REQUESTED, NONE, None, "ends at 21",
                 id="s23CZB-request-is-for-former-relevant-only"),
    pytest.param([spell(at(18, -60))], at(18), {}, QUALIFYING, at(21), "s24",
                 id="s24-entered-care-60-days-before-18-qualifying"),
    pytest.param([spell(at(18, -90))], at(18, -1), {}, NONE, None, "reg 40",
                 id="reg40-day-before-18-only-90-days-not-eligible"),
    pytest.param([spell(at(18, -90))], at(18, 5), {}, QUALIFYING, at(21), "12 weeks and 6 days",
                 id="reg40-no-care-counted-from-18th-birthday"),
    pytest.param([], at(17), {}, NONE, None, "16th birthday", id="never-looked-after-none"),
    # Birthdays: the day before and the day of the 16th, 18th, 21st and 25th.
    pytest.param(IN_CARE_SINCE_12, at(16, -1), {}, NONE, None, "start at 16",
                 id="para19B-day-before-16th-birthday-none"),
    pytest.param(IN_CARE_SINCE_12, at(16), {}, ELIGIBLE, at(18), "para 19B",
                 id="para19B-on-16th-birthday-eligible"),
    pytest.param(IN_CARE_SINCE_12, at(18, -1), {}, ELIGIBLE, at(18), "para 19B",
                 id="para19B-day-before-18th-birthday-eligible"),
    pytest.param(IN_CARE_SINCE_12, at(18), {}, FORMER_RELEVANT, at(21), "s23C",
                 id="s23C-on-18th-birthday-former-relevant"),
    pytest.param(LEFT_AT_17, at(18, -1), {}, RELEVANT, at(18), "s23A",
                 id="s23A-day-before-18th-birthday-relevant"),
    pytest.param(LEFT_AT_17, at(18), {}, FORMER_RELEVANT, at(21), "s23C",
                 id="s23C-relevant-on-18th-birthday-former-relevant"),
    pytest.param(IN_CARE_SINCE_12, at(21, -1), {}, FORMER_RELEVANT, at(21), "s23C",
                 id="s23C-day-before-21st-birthday-former-relevant"),
    pytest.param(IN_CARE_SINCE_12, at(21), {}, NONE, None, "end at 21",
                 id="s23C-6-on-21st-birthday-none"),
    pytest.param(IN_CARE_SINCE_12, at(21), REQUESTED, FORMER_RELEVANT, at(25), "s23CZB",
                 id="s23CZB-on-21st-birthday-on-request"),
    pytest.param(SHORT_OF_13_WEEKS, at(21, -1), {}, QUALIFYING, at(21), "s24",
                 id="s24-day-before-21st-birthday-qualifying"),
    pytest.param(SHORT_OF_13_WEEKS, at(21), {}, NONE, None, "ends at 21",
                 id="s24-on-21st-birthday-none"),
    pytest.param(IN_CARE_SINCE_12, at(25, -1), EDUCATION, FORMER_RELEVANT, at(25), "s23CA",
                 id="s23CA-day-before-25th-birthday-former-relevant"),
    pytest.param(IN_CARE_SINCE_12, at(25), EDUCATION, NONE, None, "end at 25",
                 id="s23CA-on-25th-birthday-none"),
    pytest.param(SHORT_OF_13_WEEKS, at(25, -1), EDUCATION, QUALIFYING, at(25), "s24B",
                 id="s24B-day-before-25th-birthday-qualifying"),
    pytest.param(SHORT_OF_13_WEEKS, at(25), EDUCATION, NONE, None, "end at 25",
                 id="s24B-on-25th-birthday-none"),
]


@pytest.mark.parametrize(("spells", "on", "facts", "category", "support_until", "cites"), CASES)
def test_care_leaver_category(spells, on, facts, category, support_until, cites):
    status = care_leaver_status(date_of_birth=DOB, spells=spells, on=on, **facts)
    assert (status.category, status.support_until) == (category, support_until), status.reason
    assert cites in status.reason


D = dt.date
LEAPLING_IN_CARE = [spell(D(2020, 1, 1))]

LEAPLING_CASES = [
    pytest.param(LEAPLING_IN_CARE, D(2024, 2, 28), NONE, None, id="para19B-day-before-16th-29-feb"),
    pytest.param(LEAPLING_IN_CARE, D(2024, 2, 29), ELIGIBLE, D(2026, 3, 1),
                 id="para19B-16th-birthday-on-29-feb-eligible"),
    pytest.param(LEAPLING_IN_CARE, D(2026, 2, 28), ELIGIBLE, D(2026, 3, 1),
                 id="para19B-28-feb-still-17-in-common-year"),
    pytest.param(LEAPLING_IN_CARE, D(2026, 3, 1), FORMER_RELEVANT, D(2029, 3, 1),
                 id="s23C-18th-birthday-on-1-march"),
    pytest.param(LEAPLING_IN_CARE, D(2029, 2, 28), FORMER_RELEVANT, D(2029, 3, 1),
                 id="s23C-28-feb-still-20"),
    pytest.param(LEAPLING_IN_CARE, D(2029, 3, 1), NONE, None, id="s23C-6-21st-birthday-on-1-march"),
    pytest.param([spell(D(2025, 12, 1))], D(2026, 2, 28), NONE, None,
                 id="reg40-90-days-on-28-feb-not-yet-eligible"),
    pytest.param([spell(D(2025, 12, 1))], D(2026, 3, 1), QUALIFYING, D(2029, 3, 1),
                 id="s24-care-stops-before-1-march-18th-birthday"),
]


@pytest.mark.parametrize(("spells", "on", "category", "support_until"), LEAPLING_CASES)
def test_care_leaver_category_born_on_29_february(spells, on, category, support_until):
    status = care_leaver_status(date_of_birth=LEAPLING, spells=spells, on=on)
    assert (status.category, status.support_until) == (category, support_until), status.reason


@pytest.mark.parametrize(
    ("date_of_birth", "spells", "through", "days"),
    [
        pytest.param(DOB, [spell(at(16), at(16, 91))], at(17), 91, id="reg40-one-spell"),
        pytest.param(DOB, [spell(at(16))], at(16), 1, id="reg40-the-day-itself-counts"),
        pytest.param(DOB, [spell(at(13), at(14, 10))], at(17), 10, id="reg40-from-14th-birthday"),
        pytest.param(DOB, [spell(at(16))], at(19), (at(18) - at(16)).days,
                     id="reg40-nothing-from-18th-birthday"),
        pytest.param(DOB, [spell(at(16), at(16, 30), short_break=True)], at(17), 0,
                     id="reg40-2-short-breaks-count-nothing"),
        pytest.param(LEAPLING, [spell(D(2022, 2, 1), D(2022, 5, 31))], D(2023, 1, 1), 91,
                     id="reg40-14th-birthday-1-march-for-29-feb"),
    ],
)
def test_days_looked_after_since_14(date_of_birth, spells, through, days):
    assert days_looked_after_since_14(
        date_of_birth=date_of_birth, spells=spells, through=through
    ) == days


def test_status_reports_weeks_looked_after_since_14():
    status = care_leaver_status(date_of_birth=DOB, spells=[spell(at(16), at(16, 140))], on=at(17))
    assert status.days_looked_after_since_14 == 140
    assert status.weeks_looked_after_since_14 == 20
    assert status.reason.startswith("Left care on")
    assert "20 weeks since age 14, including after 16" in status.reason


@pytest.mark.parametrize("end", [at(16), at(16, -1)], ids=["same-day", "before-start"])
def test_a_spell_must_end_after_it_starts(end):
    with pytest.raises(ValueError, match="end after"):
        CareSpell(start=at(16), end=end)


@pytest.mark.parametrize(
    ("category", "label"),
    [(FORMER_RELEVANT, "Former relevant"), (ELIGIBLE, "Eligible"), (NONE, "Not a care leaver")],
    ids=["former-relevant", "eligible", "none"],
)
def test_category_labels(category, label):
    assert category.label == label


@pytest.mark.parametrize("module", [care_leaver, dates], ids=["care_leaver", "dates"])
def test_rules_import_no_django(module):
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in imported if name.split(".")[0] == "django"]
