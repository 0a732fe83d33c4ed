"""import_903: reading the tables, refusing a bad row with the right message (and nothing of that
child, while the others go in), idempotence, updates, and the command's summary and exit status."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from outcomes.services.ssda903_import import ImportSummary, ssda903_import
from outcomes.ssda903.importer import ImportRefused
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2025  # 1 April 2024 to 31 March 2025

# Three children, as a return holds them (SSDA903.md §2.5): 1001 looked after all year with a
# change of placement, 1002 a care leaver (OC3 only), 1003 an unaccompanied child who started
# and left care in the year. {sw} is the social worker's SW_ID.
TABLES = {
    "header.csv": """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
1001,F,15/06/2012,WBRI,A123456789012,0,
1002,M,10/08/2005,BAFR,A318201100012,,
1003,M,02/03/2010,AOTH,UN2,,
""",
    "episodes.csv": """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
1001,01/02/2023,S,C2,N1,U4,PR1,01/10/2024,X1,CARPL,TW1 1AA,TW1 1AF,SC900003
1001,01/10/2024,P,C2,N1,U6,PR4,,,,TW1 1AA,TW2 6JR,SC900004
1003,01/07/2024,S,V2,N8,K2,PR4,01/12/2024,E4A,,,TW1 4BW,SC900001
""",
    "reviews.csv": """CHILD,DOB,REVIEW,REVIEW_CODE
1001,15/06/2012,10/05/2024,PN1
1001,15/06/2012,10/11/2024,PN5
1003,02/03/2010,05/08/2024,PN1
""",
    "oc2.csv": """CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED
1001,15/06/2012,12,,0,,1,1,1,0,,
""",
    "oc3.csv": """CHILD,DOB,IN_TOUCH,ACTIV,ACCOM
1002,10/08/2005,YES,F2,U1
""",
    "uasc.csv": """CHILD,SEX,DOB,DUC
1003,M,02/03/2010,02/03/2028
""",
    "previous_permanence.csv": """CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM
1003,02/03/2010,Z1,,
""",
    "missing.csv": """CHILD,DOB,MISSING,MIS_START,MIS_END
1003,02/03/2010,M,01/09/2024,02/09/2024
""",
    "sw_episodes.csv": """CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON
1001,15/06/2012,{sw},01/02/2023,,FCONTA
1003,02/03/2010,{sw},01/07/2024,01/12/2024,FCONTA
""",
}
AUDITED = (m.YoungPerson, m.PeriodOfCare, m.Episode, m.CLAReview, m.OutcomesRecord,
           m.CareLeaverRecord, m.Allocation)


@pytest.fixture
def team():
    return f.TeamFactory(name="Children in care team")


@pytest.fixture
def admin():
    return f.UserFactory(username="admin-903", role=m.Role.ADMINISTRATOR, team=None)


@pytest.fixture
def social_worker(team):
    return f.UserFactory(username="sw-import", role=m.Role.SOCIAL_WORKER, team=team)


@pytest.fixture
def files(tmp_path, social_worker):
    """The return as files, and a way to change one cell (or a header) before importing."""
    return ReturnFiles(tmp_path / "return", sw=f"SW{social_worker.pk:06d}")


class ReturnFiles:
    def __init__(self, directory: Path, *, sw: str) -> None:
        self.directory = directory
        directory.mkdir()
        self.tables = {name: text.format(sw=sw) for name, text in TABLES.items()}
        self.write()

    def write(self) -> None:
        for name, text in self.tables.items():
            (self.directory / name).write_text(text, encoding="utf-8")

    def set(self, name: str, line: int, column: str, value: str) -> None:
        """Set one cell: `line` is the file's line number (the header is line 1)."""
        rows = list(csv.reader(io.StringIO(self.tables[name])))
        rows[line - 1][rows[0].index(column)] = value
        self.replace(name, rows)

    def rename_column(self, name: str, old: str, new: str) -> None:
        rows = list(csv.reader(io.StringIO(self.tables[name])))
        rows[0][rows[0].index(old)] = new
        self.replace(name, rows)

    def replace(self, name: str, rows: list[list[str]]) -> None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        self.tables[name] = out.getvalue()
        self.write()


def run(files: ReturnFiles, *, actor=None, team=None) -> ImportSummary:
    return ssda903_import(actor=actor, year=YEAR, directory=files.directory,
                          team=team if team is not None else m.Team.objects.get(
                              name="Children in care team"))


def history_rows() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in AUDITED}


def counts(summary: ImportSummary, table: str) -> tuple[int, int, int, int, int]:
    c = summary.tables[table]
    return c.created, c.updated, c.unchanged, c.rejected, c.skipped


def child_ids() -> set[str]:
    return set(m.YoungPerson.objects.values_list("child_id", flat=True))


# --- a clean import ----------------------------------------------------------------------------


def test_imports_every_table_child_by_child_with_history(files, admin, social_worker):
    summary = run(files, actor=admin)

    assert summary.rejections == []
    assert summary.rejected_rows == 0
    assert counts(summary, "Header") == (3, 0, 0, 0, 0)
    assert counts(summary, "Episodes") == (3, 0, 0, 0, 0)
    assert counts(summary, "Reviews") == (3, 0, 0, 0, 0)
    assert counts(summary, "OC3") == (1, 0, 0, 0, 0)
    assert counts(summary, "Missing") == (0, 0, 0, 0, 1)  # checked, not held
    assert (summary.periods_of_care.created, summary.children.created) == (2, 3)

    first = m.YoungPerson.objects.get(child_id="1001")
    assert (first.legal_first_name, first.legal_last_name, first.sex, first.is_mother) == (
        "Child", "1001", "F", False)
    assert first.team.name == "Children in care team"
    episodes = list(first.episodes.order_by("started_on").values_list(
        "place", "ended_on", "reason_ceased", "reason_place_change"))
    assert [e[0] for e in episodes] == ["U4", "U6"]
    assert episodes[1][1:] == (None, "", "")
    (period,) = first.periods_of_care.all()
    assert (period.started_on.isoformat(), period.ended_on) == ("2023-02-01", None)
    assert first.outcomes_records.get(collection_year=YEAR).sdq_score == 12
    allocation = first.allocations.get(role=m.AllocationRole.SOCIAL_WORKER)
    assert (allocation.worker, allocation.reason) == (social_worker, "FCONTA")

    uasc = m.YoungPerson.objects.get(child_id="1003")
    assert uasc.uasc is True
    (period,) = uasc.periods_of_care.all()
    assert (period.ended_on.isoformat(), period.reason_ceased, period.previous_permanence) == (
        "2024-12-01", "E4A", "Z1")

    leaver = m.CareLeaverRecord.objects.get(young_person__child_id="1002")
    assert (leaver.age, leaver.in_touch, leaver.activity, leaver.accommodation, leaver.status) \
        == (19, "YES", "F2", "U1", m.RecordStatus.CONFIRMED)
    assert leaver.recorded_on.isoformat() == "2024-08-10"  # the 19th birthday

    # Every record keeps its history, with the actor and the reason.
    history = m.Episode.history.filter(young_person_id=first.pk)
    assert history.count() == 2
    assert {(h.history_user, h.history_type, h.history_change_reason) for h in history} == {
        (admin, "+", "SSDA903 import, 2024 to 2025")}


def test_importing_the_same_files_twice_changes_nothing(files, admin):
    run(files, actor=admin)
    before = history_rows()

    again = run(files, actor=admin)

    assert again.rejections == []
    for table, c in again.tables.items():
        assert (c.created, c.updated, c.rejected) == (0, 0, 0), table
    assert counts(again, "Episodes") == (0, 0, 3, 0, 0)
    assert (again.periods_of_care.unchanged, again.children.unchanged) == (2, 3)
    assert history_rows() == before


def test_a_change_in_the_file_updates_the_record_and_its_history(files, admin):
    run(files, actor=admin)
    files.set("episodes.csv", 3, "DEC", "01/03/2025")  # 1001's U6 placement ended
    files.set("episodes.csv", 3, "REC", "E4A")

    summary = run(files, actor=admin)

    assert counts(summary, "Episodes") == (0, 1, 2, 0, 0)
    assert (summary.periods_of_care.updated, summary.children.updated) == (1, 1)
    person = m.YoungPerson.objects.get(child_id="1001")
    (period,) = person.periods_of_care.all()
    assert (period.ended_on.isoformat(), period.reason_ceased) == ("2025-03-01", "E4A")
    latest = m.Episode.history.filter(young_person_id=person.pk).latest()
    assert (latest.history_type, latest.history_user, latest.ended_on.isoformat()) == (
        "~", admin, "2025-03-01")


def test_a_blank_dec_leaves_an_ending_after_the_year_alone(files, admin):
    """The export writes an episode still open on 31 March without its later ending."""
    run(files, actor=admin)
    episode = m.Episode.objects.get(young_person__child_id="1001", place="U6")
    episode.ended_on, episode.reason_ceased = episode.started_on.replace(year=2025, month=6), "E4A"
    episode.save()
    period = episode.period_of_care
    period.ended_on, period.reason_ceased = episode.ended_on, "E4A"
    period.save()

    summary = run(files, actor=admin)

    assert counts(summary, "Episodes") == (0, 0, 3, 0, 0)
    episode.refresh_from_db()
    assert (episode.ended_on.isoformat(), episode.reason_ceased) == ("2025-06-01", "E4A")


def test_a_child_who_comes_back_into_care_has_a_second_period_of_care(files, admin):
    files.tables["episodes.csv"] += "1003,01/02/2025,S,V2,N8,K2,PR4,,,,,TW1 4BW,SC900001\n"
    files.write()

    summary = run(files, actor=admin)

    assert summary.rejections == []
    periods = list(m.PeriodOfCare.objects.filter(young_person__child_id="1003").order_by(
        "started_on").values_list("started_on", "ended_on", "previous_permanence"))
    assert [(str(a), str(b), c) for a, b, c in periods] == [
        ("2024-07-01", "2024-12-01", ""), ("2025-02-01", "None", "Z1")]  # the latest start
    assert run(files, actor=admin).periods_of_care.unchanged == 3


def test_a_blank_upn_or_mother_leaves_the_record_as_it_is(files, admin):
    run(files, actor=admin)
    files.set("header.csv", 2, "UPN", "")
    files.set("header.csv", 2, "MOTHER", "")

    summary = run(files, actor=admin)

    assert counts(summary, "Header") == (0, 0, 3, 0, 0)
    person = m.YoungPerson.objects.get(child_id="1001")
    assert (person.upn, person.is_mother) == ("A123456789012", False)


# --- refusals, one field at a time -------------------------------------------------------------


CORRUPTIONS = [
    pytest.param("episodes.csv", 3, "PLACE", "X9", "1001", "PLACE",
                 "'X9' is not a valid PLACE code in 2024 to 2025. Allowed: A3, A4", id="bad PLACE"),
    pytest.param("episodes.csv", 4, "DEC", "01/06/2024", "1003", "DEC",
                 "DEC 01/06/2024 is before DECOM 01/07/2024: an episode cannot end before it "
                 "starts.", id="episode ends before it starts"),
    pytest.param("oc3.csv", 2, "ACCOM", "S1", "1002", "ACCOM",
                 "'S1' is not a valid ACCOM code in 2024 to 2025.", id="OC3 ACCOM S1"),
    pytest.param("reviews.csv", 4, "REVIEW", "31/02/2024", "1003", "REVIEW",
                 "REVIEW '31/02/2024' is not a real date (DD/MM/YYYY).", id="no such date"),
    pytest.param("header.csv", 2, "DOB", "15/06/12", "1001", "DOB",
                 "DOB '15/06/12' is not a date in the form DD/MM/YYYY.", id="2-digit year"),
    pytest.param("header.csv", 4, "UPN", "I23456789012", "1003", "UPN",
                 "UPN 'I23456789012': A UPN is a letter", id="bad UPN"),
    pytest.param("reviews.csv", 2, "DOB", "16/06/2012", "1001", "DOB",
                 "DOB 16/06/2012 differs from the date of birth in header.csv line 2 "
                 "(15/06/2012).", id="DOB differs"),
    pytest.param("oc2.csv", 2, "SDQ_SCORE", "41", "1001", "SDQ_SCORE",
                 "SDQ_SCORE runs 0 to 40, not 41.", id="SDQ out of range"),
    pytest.param("sw_episodes.csv", 2, "SW_ID", "AB12", "1001", "SW_ID",
                 "SW_ID 'AB12' must start with SW or XX.", id="bad SW_ID"),
]


@pytest.mark.parametrize(("name", "line", "column", "value", "child", "field", "reason"),
                         CORRUPTIONS)
def test_a_bad_cell_refuses_that_child_only(files, admin, name, line, column, value, child,
                                            field, reason):
    files.set(name, line, column, value)

    summary = run(files, actor=admin)

    refused = [p for p in summary.rejections if p.field]
    assert [(p.file, p.line, p.child, p.field) for p in refused] == [(name, line, child, field)]
    assert refused[0].reason.startswith(reason)
    assert child_ids() == {"1001", "1002", "1003"} - {child}  # the others are in
    assert summary.children.rejected == 1
    # Every other row of that child is listed too, pointing at the refused one.
    siblings = [p for p in summary.rejections if not p.field]
    assert siblings and all(p.child == child and f"({name} line {line})" in p.reason
                            for p in siblings)
    assert summary.rejected_rows == len(summary.rejections)


def test_the_period_of_care_message_names_the_episode_before(files, admin):
    files.set("episodes.csv", 3, "RNE", "S")  # X1 before it: still looked after

    summary = run(files, actor=admin)

    (problem,) = [p for p in summary.rejections if p.field]
    assert (problem.line, problem.field, problem.reason) == (
        3, "RNE", "RNE S starts a new period of care, but the episode from 01/02/2023 (line 2) "
                  "ends with REC X1 (still looked after): give the RNE of the change.")


def test_an_unknown_header_refuses_the_children_in_that_file(files, admin):
    files.rename_column("episodes.csv", "PLACE", "PLACEMENT")

    summary = run(files, actor=admin)

    assert child_ids() == {"1002"}
    assert summary.tables["episodes.csv"].rejected == 3
    problem = next(p for p in summary.rejections if p.file == "episodes.csv")
    assert problem.line == 2
    assert problem.reason == (
        "The header matches no SSDA903 table of 2024 to 2025; the nearest is Episodes (unknown "
        "column PLACEMENT; missing column PLACE).")
    assert summary.children.rejected == 2


def test_a_refused_row_leaves_a_child_already_in_waymark_untouched(files, admin):
    run(files, actor=admin)
    before = history_rows()
    files.set("episodes.csv", 3, "DEC", "01/03/2025")  # a good change...
    files.set("episodes.csv", 3, "REC", "E4A")
    files.set("reviews.csv", 3, "REVIEW_CODE", "PN9")  # ...with a bad one for the same child

    summary = run(files, actor=admin)

    assert summary.children.rejected == 1
    assert m.Episode.objects.get(young_person__child_id="1001", place="U6").ended_on is None
    assert history_rows() == before


def test_a_refusal_by_the_model_names_the_column(files, admin):
    """What only the model knows (K3 is not a placement type before 2024 to 2025) is refused by
    full_clean inside the child's transaction, and mapped back to the column."""
    files.set("episodes.csv", 2, "PLACE", "K3")  # DECOM 01/02/2023: collection year 2023

    summary = run(files, actor=admin)

    (problem,) = [p for p in summary.rejections if p.field]
    assert (problem.file, problem.line, problem.field) == ("episodes.csv", 2, "PLACE")
    assert problem.reason.startswith("'K3' is not a valid placement type in collection year "
                                     "2022 to 2023.")
    assert child_ids() == {"1002", "1003"}
    assert not m.Episode.objects.filter(young_person__child_id="1001").exists()
    assert not m.YoungPerson.history.filter(child_id="1001").exists()


def test_a_refusal_by_a_database_constraint_is_in_the_models_words(files, admin):
    files.set("oc3.csv", 2, "IN_TOUCH", "DIED")  # with ACTIV F2 and ACCOM U1

    summary = run(files, actor=admin)

    (problem,) = [p for p in summary.rejections if p.field]
    assert (problem.file, problem.line, problem.field, problem.reason) == (
        "oc3.csv", 2, "ACTIV", "When the young person died or returned home, activity and "
                               "accommodation are 0.")
    assert child_ids() == {"1001", "1003"}
    assert not m.YoungPerson.history.filter(child_id="1002").exists()


def test_a_constraint_refusal_in_a_chunk_refuses_that_child_only(files, admin, monkeypatch):
    """The chunk is written in bulk; when the database refuses it (here OC3's check constraint,
    which only the database enforces), the chunk is undone and written child by child: the bad
    child is refused in the constraint's words, the others go in with their history."""
    from outcomes.services import ssda903_import as service

    writes = []
    bulk_save = service._bulk_save
    monkeypatch.setattr(service, "_bulk_save",
                        lambda ops, **kw: writes.append(len(ops)) or bulk_save(ops, **kw))
    files.set("oc3.csv", 2, "IN_TOUCH", "DIED")  # 1002, with ACTIV F2 and ACCOM U1

    summary = ssda903_import(actor=admin, year=YEAR, directory=files.directory,
                             team=m.Team.objects.get(name="Children in care team"),
                             chunk_size=500)

    assert len(writes) == 1  # one bulk write for the chunk, undone
    assert [(p.file, p.line, p.field, p.reason) for p in summary.rejections if p.field] == [
        ("oc3.csv", 2, "ACTIV", "When the young person died or returned home, activity and "
                                "accommodation are 0.")]
    assert (summary.children.created, summary.children.rejected) == (2, 1)
    assert child_ids() == {"1001", "1003"}
    assert not m.YoungPerson.history.filter(child_id="1002").exists()
    assert not m.CareLeaverRecord.history.exists()
    history = m.Episode.history.all()
    assert history.count() == 3
    assert {(h.history_user, h.history_type, h.history_change_reason) for h in history} == {
        (admin, "+", "SSDA903 import, 2024 to 2025")}


def test_a_child_failing_a_check_in_memory_is_refused_and_the_chunk_written_in_bulk(
        files, admin, monkeypatch):
    """A check the model makes (two of a child's episodes overlapping) refuses that child
    before the chunk is written: the others go in by the one bulk write, not child by child."""
    from outcomes.services import ssda903_import as service

    one_by_one = []
    write = service._Run._write
    monkeypatch.setattr(service._Run, "_write",
                        lambda self, *a: one_by_one.append(a) or write(self, *a))
    files.set("episodes.csv", 2, "PLACE", "K3")  # DECOM 01/02/2023: not a type until 2024 to 2025

    summary = run(files, actor=admin)

    (problem,) = [p for p in summary.rejections if p.field]
    assert (problem.file, problem.line, problem.field) == ("episodes.csv", 2, "PLACE")
    assert problem.reason.startswith("'K3' is not a valid placement type")
    assert one_by_one == []
    assert child_ids() == {"1002", "1003"}


def test_a_first_import_costs_the_same_queries_for_5_or_50_children(tmp_path, team):
    def build(n: int) -> Path:
        directory = tmp_path / f"n{n}"
        directory.mkdir()
        header, episodes, reviews = ([line] for line in (
            TABLES["header.csv"].splitlines()[0], TABLES["episodes.csv"].splitlines()[0],
            TABLES["reviews.csv"].splitlines()[0]))
        for i in range(n):
            c = f"N{n}C{i:04d}"
            header.append(f"{c},F,15/06/2012,WBRI,,0,")
            episodes.append(f"{c},01/02/2023,S,C2,N1,U4,PR1,01/10/2024,X1,CARPL,,,")
            episodes.append(f"{c},01/10/2024,P,C2,N1,U1,PR4,,,,,,")
            reviews.append(f"{c},15/06/2012,10/05/2024,PN1")
        for name, lines in (("h.csv", header), ("e.csv", episodes), ("r.csv", reviews)):
            (directory / name).write_text("\n".join(lines) + "\n")
        return directory

    queries = {}
    for n in (5, 50):
        directory = build(n)
        with CaptureQueriesContext(connection) as captured:
            summary = ssda903_import(actor=None, year=YEAR, directory=directory, team=team)
        assert summary.children.created == n
        queries[n] = [q["sql"] for q in captured
                      if "outcomes_scheduleitem" not in q["sql"]]  # the schedule refresh
    assert len(queries[5]) == len(queries[50]), (queries[5], queries[50])
    assert m.Episode.history.count() == 2 * 55


def test_a_new_child_needs_a_team(files, admin):
    summary = ssda903_import(actor=admin, year=YEAR, directory=files.directory, team=None)

    assert child_ids() == set()
    assert {p.reason for p in summary.rejections if p.field} == {
        f"Child {c} is not in Waymark yet, and no team was given for new young people "
        "(import_903 --team)." for c in ("1001", "1002", "1003")}


def test_rows_for_a_child_with_no_header_row_and_no_record_are_refused(files, admin):
    files.replace("header.csv", [row for row in csv.reader(io.StringIO(
        files.tables["header.csv"])) if row[0] != "1003"])

    summary = run(files, actor=admin)

    assert child_ids() == {"1001", "1002"}
    assert any(p.reason == "Child 1003 is not in Waymark and has no Header row: add their "
                           "Header row." for p in summary.rejections)


# --- reading -----------------------------------------------------------------------------------


def test_headers_not_file_names_a_bom_any_column_order_and_lower_case_codes(files, admin):
    (files.directory / "episodes.csv").rename(files.directory / "table-two.csv")
    rows = list(csv.reader(io.StringIO(files.tables["reviews.csv"])))
    reordered = [[r[3], r[2], r[1], r[0]] for r in rows]
    reordered[1][0] = "pn1"
    out = io.StringIO()
    csv.writer(out).writerows(reordered)
    (files.directory / "reviews.csv").write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode())

    summary = run(files, actor=admin)

    assert summary.rejections == []
    assert summary.files["Episodes"] == "table-two.csv"
    assert m.CLAReview.objects.filter(young_person__child_id="1001",
                                      participation="PN1").count() == 1


@pytest.mark.parametrize(("setup", "message"), [
    pytest.param(lambda d: (d / "header.csv").write_bytes(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n".encode("utf-16")),
        "header.csv is UTF-16 text", id="UTF-16"),
    pytest.param(lambda d: (d / "notes.csv").write_text("ID,WHAT\n1,something\n"),
                 "notes.csv: The header matches no SSDA903 table", id="no CHILD column"),
    pytest.param(lambda d: (d / "copy.csv").write_text((d / "oc3.csv").read_text()),
                 "Both copy.csv and oc3.csv hold the OC3 table", id="a table twice"),
])
def test_files_that_cannot_be_read_as_a_return_import_nothing(files, admin, setup, message):
    setup(files.directory)

    with pytest.raises(ImportRefused, match=message):
        run(files, actor=admin)

    assert child_ids() == set()


def test_an_empty_file_is_noted_and_the_rest_imported(files, admin):
    (files.directory / "dolo.csv").write_text("")

    summary = run(files, actor=admin)

    assert child_ids() == {"1001", "1002", "1003"}
    assert "dolo.csv is empty (no header row): not read." in summary.notes


def test_a_row_with_no_child_is_refused_alone(files, admin):
    files.tables["reviews.csv"] += ",15/06/2012,10/12/2024,PN1\n"
    files.write()

    summary = run(files, actor=admin)

    assert child_ids() == {"1001", "1002", "1003"}
    (problem,) = summary.rejections
    assert (problem.file, problem.line, problem.field, problem.reason) == (
        "reviews.csv", 5, "CHILD", "CHILD is blank: Reviews needs it.")


# --- what the return does not carry ------------------------------------------------------------


def test_a_kinship_placement_is_recorded_as_the_return_states_it(files, admin):
    """U1-U3 need a regulation 24 approval when staff record them; the return's placements were
    made already and their approval lives elsewhere: imported, and counted in the notes."""
    files.set("episodes.csv", 3, "PLACE", "U3")

    summary = run(files, actor=admin)

    assert summary.rejections == []
    assert m.Episode.objects.filter(young_person__child_id="1001", place="U3").exists()
    assert any(note.startswith("U1-U3 placements with no regulation 24 approval")
               and count == 1 for note, count in summary.notes.items())


def test_an_sw_id_that_is_no_waymark_worker_is_skipped_not_refused(files, admin):
    files.set("sw_episodes.csv", 2, "SW_ID", "SW999999")

    summary = run(files, actor=admin)

    assert summary.rejections == []
    assert counts(summary, "SWEpisodes") == (1, 0, 0, 0, 1)
    assert not m.Allocation.objects.filter(young_person__child_id="1001").exists()


# --- cost --------------------------------------------------------------------------------------


def test_reading_the_record_costs_the_same_for_5_or_50_unchanged_children(tmp_path, team,
                                                                          social_worker):
    def build(n: int) -> Path:
        directory = tmp_path / f"n{n}"
        directory.mkdir()
        header, episodes, reviews = ([line] for line in (
            TABLES["header.csv"].splitlines()[0], TABLES["episodes.csv"].splitlines()[0],
            TABLES["reviews.csv"].splitlines()[0]))
        for i in range(n):
            c = f"C{i:04d}"
            header.append(f"{c},F,15/06/2012,WBRI,,0,")
            episodes.append(f"{c},01/02/2023,S,C2,N1,U4,PR1,01/10/2024,X1,CARPL,,,")
            episodes.append(f"{c},01/10/2024,P,C2,N1,U6,PR4,,,,,,")
            reviews.append(f"{c},15/06/2012,10/05/2024,PN1")
        for name, lines in (("h.csv", header), ("e.csv", episodes), ("r.csv", reviews)):
            (directory / name).write_text("\n".join(lines) + "\n")
        return directory

    queries = {}
    for n in (5, 50):
        directory = build(n)
        ssda903_import(actor=None, year=YEAR, directory=directory, team=team)
        with CaptureQueriesContext(connection) as captured:
            summary = ssda903_import(actor=None, year=YEAR, directory=directory, team=team)
        assert summary.children.unchanged == n
        queries[n] = len(captured)
    assert queries[5] == queries[50] <= 6


# --- the command -------------------------------------------------------------------------------


def test_command_prints_the_summary_and_exits_0_when_all_is_in(files, admin, team):
    out = io.StringIO()
    call_command("import_903", str(files.directory), "--year", "2025", "--team", team.name,
                 "--user", admin.username, stdout=out)

    text = out.getvalue()
    assert "SSDA903 2024 to 2025: 3 children" in text
    assert "Refused" not in text
    assert "Episodes" in text and "Periods of care" in text
    assert child_ids() == {"1001", "1002", "1003"}


def test_command_exits_3_naming_the_refused_rows_and_writes_them_as_csv(files, admin, team,
                                                                        tmp_path):
    files.set("oc3.csv", 2, "ACCOM", "S1")
    rejected = tmp_path / "rejected.csv"
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_903", str(files.directory), "--year", "2025", "--team", team.name,
                     "--rejected", str(rejected), stdout=out)

    assert refused.value.returncode == 3
    assert str(refused.value) == ("2 rows were refused (1 child not imported); the other "
                                  "children are imported.")
    assert child_ids() == {"1001", "1003"}
    rows = list(csv.DictReader(rejected.open(encoding="utf-8")))
    assert [(r["file"], r["line"], r["child"], r["field"]) for r in rows] == [
        ("header.csv", "3", "1002", ""), ("oc3.csv", "2", "1002", "ACCOM")]
    assert rows[0]["reason"] == "Not imported: another row of this child was refused (oc3.csv " \
                                "line 2)."
    assert rows[1]["reason"].startswith("'S1' is not a valid ACCOM code in 2024 to 2025.")


def test_command_lists_the_first_refusals_without_the_child_ids(files, team):
    files.set("episodes.csv", 3, "PLACE", "X9")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_903", str(files.directory), "--year", "2025", "--team", team.name,
                     stdout=out)

    text = out.getvalue()
    assert "  episodes.csv line 3, PLACE: 'X9' is not a valid PLACE code in 2024 to 2025." in text
    assert "1001" not in text


def test_command_refuses_an_unknown_team_before_reading(files):
    with pytest.raises(CommandError, match="No team 'Nobody'"):
        call_command("import_903", str(files.directory), "--year", "2025", "--team", "Nobody",
                     stdout=io.StringIO())


def test_command_reports_files_it_cannot_read(files, team):
    (files.directory / "notes.csv").write_text("ID,WHAT\n")

    with pytest.raises(CommandError, match=r"^Nothing was imported\. notes\.csv"):
        call_command("import_903", str(files.directory), "--year", "2025", "--team", team.name,
                     stdout=io.StringIO())
    assert child_ids() == set()


# --- the model's switches the import uses ------------------------------------------------------


def test_an_episode_approval_held_elsewhere_skips_only_the_regulation_24_check():
    from django.core.exceptions import ValidationError

    episode = f.EpisodeFactory.build(
        period_of_care=f.PeriodOfCareFactory(), place="U1", place_provider="PR4")
    episode.young_person = episode.period_of_care.young_person
    with pytest.raises(ValidationError, match="regulation 24"):
        episode.full_clean()
    episode.approval_held_elsewhere = True
    episode.full_clean()
    episode.ended_on = episode.started_on  # the other checks still run
    with pytest.raises(ValidationError, match="end after the day it starts"):
        episode.full_clean()


def test_an_episode_checked_against_its_siblings_in_memory_asks_no_query(
        django_assert_num_queries):
    from django.core.exceptions import ValidationError

    period = f.PeriodOfCareFactory()
    first = f.EpisodeFactory.build(period_of_care=period, young_person=period.young_person)
    second = f.EpisodeFactory.build(period_of_care=period, young_person=period.young_person,
                                    started_on=first.started_on.replace(day=20))
    with django_assert_num_queries(0), pytest.raises(
            ValidationError, match="overlaps the episode from 03/05/2022"):
        second.clean(siblings=[first, second])
    first.ended_on, first.reason_ceased = second.started_on, "P1"
    with django_assert_num_queries(0):
        second.clean(siblings=[first, second])
