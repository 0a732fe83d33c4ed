"""The SSDA903 export's own rules, without the validator: cohorts, what the year does not yet
know, MOTHER (whose DfE rule 165 checks nothing since the 2024 to 2025 sex codes, SSDA903.md §2.6
item 9), the query budget, and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from outcomes.ssda903.export import ssda903_export
from outcomes.ssda903.tables import EPISODES, HEADER, OC3, PREV_PERM, SW_EPISODES, UASC
from tests import factories as f

from . import fixture

pytestmark = pytest.mark.django_db
D = dt.date


def read(directory, table) -> list[dict[str, str]]:
    with (directory / table.filename).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


BORN = D(2010, 5, 5)
STARTED = D(2023, 6, 1)


def looked_after(*, born=BORN, start=STARTED, end=None, rec="", sex="M",
                 **person) -> m.YoungPerson:
    person = f.YoungPersonFactory(date_of_birth=born, sex=sex, upn="A123456789012", **person)
    period = f.PeriodOfCareFactory(young_person=person, started_on=start, ended_on=end,
                                   reason_ceased=rec, previous_permanence="Z1")
    f.EpisodeFactory(period_of_care=period, started_on=start, ended_on=end, reason_ceased=rec)
    return person


def test_an_episode_still_open_on_31_march_is_written_open(tmp_path):
    child = looked_after(end=D(2025, 5, 1), rec="E4A")
    ssda903_export(year=2025, directory=tmp_path)
    [episode] = read(tmp_path, EPISODES)
    assert (episode["CHILD"], episode["DEC"], episode["REC"]) == (child.child_id, "", "")


def test_the_year_holds_the_children_looked_after_on_any_day_of_it(tmp_path):
    left_before = looked_after(start=D(2022, 1, 1), end=D(2024, 3, 31), rec="E4A")
    left_on_1_april = looked_after(start=D(2022, 1, 1), end=D(2024, 4, 1), rec="E13")
    came_after = looked_after(start=D(2025, 4, 1))
    came_on_31_march = looked_after(start=D(2025, 3, 31))
    ssda903_export(year=2025, directory=tmp_path)
    children = {r["CHILD"] for r in read(tmp_path, HEADER)}
    assert children == {left_on_1_april.child_id, came_on_31_march.child_id}
    assert {r["CHILD"] for r in read(tmp_path, EPISODES)} == children
    assert left_before.child_id not in children and came_after.child_id not in children
    # Dates are DD/MM/YYYY; the one who started in the year has a PrevPerm row (rule 630).
    assert {r["DECOM"] for r in read(tmp_path, EPISODES)} == {"01/01/2022", "31/03/2025"}
    assert [r["CHILD"] for r in read(tmp_path, PREV_PERM)] == [came_on_31_march.child_id]


def test_oc3_holds_the_confirmed_record_of_the_birthday_in_the_year(tmp_path):
    nineteen = f.YoungPersonFactory(date_of_birth=D(2005, 11, 2))  # 19 on 2 November 2024
    for age in (18, 19, 20):
        f.CareLeaverRecordFactory(young_person=nineteen, age=age, recorded_on=D(2024, 11, 4),
                                  activity="F2", accommodation="U1")
    draft = f.YoungPersonFactory(date_of_birth=D(2006, 6, 1))
    f.CareLeaverRecordFactory(young_person=draft, age=18, recorded_on=D(2024, 6, 3),
                              status=m.RecordStatus.DRAFT)
    summary = ssda903_export(year=2025, directory=tmp_path)
    assert [(r["CHILD"], r["ACTIV"], r["ACCOM"]) for r in read(tmp_path, OC3)] == [
        (nineteen.child_id, "F2", "U1")]
    assert summary.left_out == {"OC3 draft records": 1}
    # A care leaver with no episode in the year: in Header, with nothing asked of a child.
    [header] = read(tmp_path, HEADER)
    assert (header["CHILD"], header["MOTHER"], header["MC_DOB"]) == (nineteen.child_id, "", "")


def test_mother_is_asked_of_girls_looked_after_as_it_stood_at_the_end(tmp_path):
    not_asked_yet = looked_after(sex="F", is_mother=None)
    no = looked_after(sex="F", is_mother=False)
    mother = looked_after(sex="F", born=D(2007, 1, 1), is_mother=True,
                          first_child_born_on=D(2024, 12, 1))
    later = looked_after(sex="F", born=D(2007, 1, 1), is_mother=True,
                         first_child_born_on=D(2025, 6, 1))
    boy = looked_after(sex="M")
    ssda903_export(year=2025, directory=tmp_path)
    header = {r["CHILD"]: (r["MOTHER"], r["MC_DOB"]) for r in read(tmp_path, HEADER)}
    assert header == {not_asked_yet.child_id: ("", ""), no.child_id: ("0", ""),
                      mother.child_id: ("1", "01/12/2024"), later.child_id: ("0", ""),
                      boy.child_id: ("", "")}


def test_uasc_gives_the_18th_birthday_as_the_day_the_status_ceases(tmp_path):
    child = looked_after(born=D(2008, 2, 29), uasc=True)
    ssda903_export(year=2025, directory=tmp_path)
    assert [(r["CHILD"], r["DUC"]) for r in read(tmp_path, UASC)] == [
        (child.child_id, "01/03/2026")]


def test_social_worker_episodes_come_from_the_allocations(tmp_path):
    child = looked_after()
    worker = f.UserFactory(role=m.Role.SOCIAL_WORKER)
    f.AllocationFactory(young_person=child, worker=worker, role=m.AllocationRole.SOCIAL_WORKER,
                        started_on=D(2023, 6, 1), ended_on=D(2025, 1, 9), reason="FCONTA")
    f.AllocationFactory(young_person=child, worker=worker, role=m.AllocationRole.SOCIAL_WORKER,
                        started_on=D(2025, 1, 10), reason="LEFTRL")
    f.AllocationFactory(young_person=child, role=m.AllocationRole.PERSONAL_ADVISER,
                        started_on=D(2024, 1, 10))
    ssda903_export(year=2025, directory=tmp_path)
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"])
            for r in read(tmp_path, SW_EPISODES)] == [
        (f"SW{worker.pk:06d}", "01/06/2023", "09/01/2025", "FCONTA"),
        (f"SW{worker.pk:06d}", "10/01/2025", "", "LEFTRL")]


def test_the_export_makes_the_same_few_queries_however_many_children(tmp_path):
    fixture.build()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ssda903_export(year=2026, directory=tmp_path)
        return len(captured)

    few = queries()
    for _ in range(20):
        looked_after(start=D(2024, 9, 1))
    assert queries() == few <= 20


def test_every_file_has_its_header_row_even_when_empty(tmp_path):
    summary = ssda903_export(year=2026, directory=tmp_path)
    for written in summary.tables:
        assert written.rows == 0
        first = written.path.read_text(encoding="utf-8").splitlines()[0]
        assert "," in first and first.startswith("CHILD,")


def test_the_command_writes_this_year_and_last(tmp_path):
    looked_after()
    out = io.StringIO()
    call_command("export_903", str(tmp_path / "2026"), "--year", "2026",
                 "--previous-year-dir", str(tmp_path / "2025"), stdout=out)
    assert "Collection year 2025 to 2026: 1 children" in out.getvalue()
    assert "Collection year 2024 to 2025: 1 children" in out.getvalue()
    assert len(read(tmp_path / "2025", EPISODES)) == len(read(tmp_path / "2026", EPISODES)) == 1
    with pytest.raises(CommandError):
        call_command("export_903", str(tmp_path / "x"), "--year", "2024", stdout=out)


def test_the_command_records_each_child_exported_in_the_access_trail(tmp_path):
    from outcomes.models import AccessEvent, Channel

    admin = f.UserFactory(username="exporter", role=m.Role.ADMINISTRATOR, team=None)
    f.UserFactory(username="adviser", role=m.Role.PERSONAL_ADVISER)
    child = looked_after()
    out = io.StringIO()
    call_command("export_903", str(tmp_path / "2026"), "--year", "2026", "--by", "exporter",
                 stdout=out)
    events = AccessEvent.objects.filter(what="ssda903.export.command")
    assert [(e.young_person_id, e.actor_id, e.channel) for e in events] == [
        (child.pk, admin.pk, Channel.COMMAND)]
    assert "Access trail: 1 children recorded as exported." in out.getvalue()
    # Without --by: still recorded, by no one named. A non-administrator is refused.
    call_command("export_903", str(tmp_path / "again"), "--year", "2026", stdout=out)
    assert AccessEvent.objects.filter(what="ssda903.export.command", actor=None).count() == 1
    with pytest.raises(CommandError, match="No active administrator"):
        call_command("export_903", str(tmp_path / "x"), "--year", "2026", "--by", "adviser",
                     stdout=out)
