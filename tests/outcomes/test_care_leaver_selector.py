"""The care-leaver category read from a young person's records (rules tested in
test_care_leaver_rules.py; here, that the records feed them correctly)."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.models import CareLeaverRecord
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.selectors.care_leavers import care_leaver_status_for
from tests import factories as f

BORN = dt.date(2007, 6, 15)


@pytest.fixture
def child(db):
    return f.YoungPersonFactory(date_of_birth=BORN)


def in_care(child, start, end=None, legal_status="C2"):
    period = f.PeriodOfCareFactory(young_person=child, started_on=start, ended_on=end,
                                   reason_ceased="E8" if end else "")
    return f.EpisodeFactory(period_of_care=period, started_on=start, ended_on=end,
                            reason_ceased="E8" if end else "", legal_status=legal_status)


def test_looked_after_since_15_is_eligible_at_16_and_relevant_after_leaving(child):
    in_care(child, dt.date(2022, 9, 1), dt.date(2024, 2, 1))
    assert care_leaver_status_for(young_person=child, on=dt.date(2023, 7, 1)).category == \
        CareLeaverCategory.ELIGIBLE  # reg 40: 13 weeks since 14, still looked after at 16
    assert care_leaver_status_for(young_person=child, on=dt.date(2024, 3, 1)).category == \
        CareLeaverCategory.RELEVANT  # s23A
    assert care_leaver_status_for(young_person=child, on=dt.date(2025, 7, 1)).category == \
        CareLeaverCategory.FORMER_RELEVANT  # s23C


def test_short_breaks_do_not_make_a_young_person_eligible(child):
    in_care(child, dt.date(2022, 9, 1), legal_status="V3")
    assert care_leaver_status_for(young_person=child, on=dt.date(2023, 7, 1)).category == \
        CareLeaverCategory.NONE  # reg 40(2)


def test_education_recorded_at_21_extends_former_relevant_support(child):
    in_care(child, dt.date(2022, 9, 1), dt.date(2024, 2, 1))
    on = dt.date(2028, 7, 1)  # aged 21
    assert care_leaver_status_for(young_person=child, on=on).category == CareLeaverCategory.NONE
    CareLeaverRecord.objects.create(young_person=child, age=21, recorded_on=dt.date(2028, 6, 20),
                                    in_touch="YES", activity="F1", accommodation="U1")
    assert care_leaver_status_for(young_person=child, on=on).category == \
        CareLeaverCategory.FORMER_RELEVANT  # s23C(7)


def test_the_selector_reads_a_fixed_number_of_queries(child, django_assert_num_queries):
    for year in range(2021, 2024):
        in_care(child, dt.date(year, 9, 1), dt.date(year, 12, 1))
    with django_assert_num_queries(2):
        care_leaver_status_for(young_person=child, on=dt.date(2024, 3, 1))
