"""Export -> import into an empty database -> export gives the same files; and importing an
export back into the records it came from changes nothing.

Uses the hand-built authority of tests/ssda903/fixture.py (every placement type and every reason
an episode ends). "Empty" means no young people and nothing hanging from them: staff accounts
stay, as they do in an authority importing its return (SWEpisodes names Waymark social workers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes import models as m
from outcomes.services.ssda903_import import ssda903_import
from outcomes.ssda903.export import ssda903_export
from tests.ssda903 import fixture

pytestmark = pytest.mark.django_db

AUDITED = (m.YoungPerson, m.PeriodOfCare, m.Episode, m.CLAReview, m.OutcomesRecord,
           m.CareLeaverRecord, m.Adoption, m.AdoptionDecision, m.Allocation)


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def history_rows() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in AUDITED}


@pytest.mark.parametrize("year", [2025, 2026])
def test_export_import_into_an_empty_database_export_gives_identical_files(tmp_path, year):
    people = fixture.build()
    team = people[0].team
    first = ssda903_export(year=year, directory=tmp_path / "first")
    assert first.children > 0

    m.YoungPerson.objects.all().delete()  # and with them, everything of theirs
    assert not m.Episode.objects.exists()
    summary = ssda903_import(actor=None, year=year, directory=tmp_path / "first", team=team)

    assert summary.rejections == []
    assert summary.children.created == first.children
    second = ssda903_export(year=year, directory=tmp_path / "second")
    assert second.children == first.children
    before, after = files_of(tmp_path / "first"), files_of(tmp_path / "second")
    assert list(after) == list(before)
    for name in before:
        assert after[name].decode() == before[name].decode(), name


@pytest.mark.parametrize("year", [2025, 2026])
def test_importing_an_export_into_its_own_records_changes_nothing(tmp_path, year):
    people = fixture.build()
    ssda903_export(year=year, directory=tmp_path)
    before = history_rows()

    summary = ssda903_import(actor=None, year=year, directory=tmp_path, team=people[0].team)

    assert summary.rejections == []
    for table, counts in summary.tables.items():
        assert (counts.created, counts.updated) == (0, 0), table
    assert (summary.periods_of_care.created, summary.periods_of_care.updated) == (0, 0)
    assert history_rows() == before
