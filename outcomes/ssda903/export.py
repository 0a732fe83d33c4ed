"""Write the SSDA903 return for a collection year from the records, as the validator reads it.

Cohorts (SSDA903.md, REFERENCE.md §3, §3.10, §3.11, §4.1 c3):
- Episodes: every episode open on at least one day of the year (DECOM on or before 31 March and
  DEC blank or on or after 1 April). What happened after 31 March is not yet known to the return:
  an episode still open then is written open (DEC, REC and REASON_PLACE_CHANGE blank).
- Header: the children with an episode in the year, and the care leavers in OC3.
- OC3: care leavers whose 17th to 21st birthday falls in the year, from the confirmed record for
  that birthday (a draft awaiting the adviser is left out and counted in the summary).
- Reviews, UASC, OC2 and the adoption tables: only for children looked after in the year
  (rule 1012: nothing else for care leavers with no episode in the year). MOTHER is asked of
  girls looked after other than on short breaks (rules 393, 399, 628), as it stood when the year
  ended or they left care (rule 625).
- OC2: the outcomes record of the year (children looked after continuously for 12 months).
- AD1: children adopted in the year (REC E11/E12, rules 601/602); PlacedAdoption: decisions that
  a child should be placed for adoption standing at some time in the year; PrevPerm: for each
  child who started to be looked after in the year, their latest period of care (rules 630, 634).
- SWEpisodes: the social-worker allocations of children looked after in the year, open on a day
  (rule SW12 reads every one against the episodes), SW_ID "SW" and the worker's id in 6 digits.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from outcomes.models import (
    Adoption,
    AdoptionDecision,
    Allocation,
    AllocationRole,
    CareLeaverRecord,
    CLAReview,
    Episode,
    OutcomesRecord,
    PeriodOfCare,
    RecordStatus,
    YoungPerson,
)
from outcomes.models.placements import EpisodeQuerySet
from outcomes.rules.dates import birthday
from outcomes.rules.years import CollectionYear

from . import tables as t
from .tables import format_date

CHUNK = 2000
OC3_AGES = range(17, 22)  # rule 391: 17 to 21 during the year


@dataclass(frozen=True)
class TableWritten:
    table: str
    path: Path
    rows: int


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: a file per table with its row count, and what it left out."""

    year: int
    directory: Path
    tables: tuple[TableWritten, ...]
    left_out: dict[str, int] = field(default_factory=dict)

    def rows(self, table: str) -> int:
        return next(w.rows for w in self.tables if w.table == table)

    @property
    def children(self) -> int:
        return self.rows("Header")


def ssda903_export(*, year: int, directory: Path,
                   progress: Callable[[int, int], None] | None = None) -> ExportSummary:
    """Write the CSV tables of collection year `year` (2025 = 2024/25) into `directory`.

    Covers the whole authority: the caller decides who may run it. Files are overwritten. After
    each table is written, `progress` is called with the number of tables that step wrote (1)
    and the number of tables of the year, as the import reports its chunks of children.
    """
    cy = CollectionYear(year)
    tables = t.tables_for(year)  # refuses a year whose tables are not defined
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    writers = {
        t.HEADER.key: _header_rows, t.EPISODES.key: _episode_rows,
        t.REVIEWS.key: _review_rows, t.UASC.key: _uasc_rows, t.OC2.key: _oc2_rows,
        t.OC3.key: _oc3_rows, t.AD1.key: _ad1_rows, t.PLACED_ADOPTION.key: _placed_adoption_rows,
        t.PREV_PERM.key: _prev_perm_rows, t.SW_EPISODES.key: _sw_episode_rows,
    }
    written = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every table, so a child cannot be in one file and miss another
            # (READ COMMITTED would give each query its own).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in tables:
            rows = writers.get(table.key, _no_rows)(cy)
            written.append(_write(directory / table.filename, table, rows))
            if progress:
                progress(1, len(tables))
        drafts = _oc3_cohort(cy, status=RecordStatus.DRAFT).count()
    return ExportSummary(year=year, directory=directory, tables=tuple(written),
                         left_out={"OC3 draft records": drafts} if drafts else {})


def _write(path: Path, table: t.Table, rows: Iterable[dict[str, str]]) -> TableWritten:
    count = 0
    # UTF-8 without a BOM, "\r\n" as the csv module writes; a header row even when empty.
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(table.header)
        for values in rows:
            out.writerow(t.row_of(table, values))
            count += 1
    return TableWritten(table=table.key, path=path, rows=count)


def _no_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    return iter(())


# --- cohorts -----------------------------------------------------------------------------------


def _episodes_in(cy: CollectionYear) -> EpisodeQuerySet:
    return Episode.objects.open_during(cy.start, cy.end)


def _looked_after_in(cy: CollectionYear, *, ref: str = "young_person_id",
                     short_breaks: bool = True) -> Exists:
    episodes = _episodes_in(cy)
    if not short_breaks:
        episodes = episodes.counted()
    return Exists(episodes.filter(young_person=OuterRef(ref)))


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)  # 1 April and 31 March exist in every year


def _oc3_cohort(cy: CollectionYear, *, status: str = RecordStatus.CONFIRMED
                ) -> QuerySet[CareLeaverRecord]:
    """The records for the birthday (17 to 21) each care leaver has during the year."""
    birthday_in_year = Q()
    for age in OC3_AGES:
        birthday_in_year |= Q(age=age, young_person__date_of_birth__range=(
            _years_before(cy.start, age), _years_before(cy.end, age)))
    return CareLeaverRecord.objects.filter(birthday_in_year, status=status)


def _stream(queryset: QuerySet, *fields: str) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


# --- tables ------------------------------------------------------------------------------------


def _header_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    in_cohort = (_looked_after_in(cy, ref="pk")
                 | Exists(_oc3_cohort(cy).filter(young_person=OuterRef("pk"))))
    last_episode = _episodes_in(cy).filter(young_person=OuterRef("pk")).order_by("-started_on")
    people = YoungPerson.objects.filter(in_cohort).annotate(
        asked_mother=_looked_after_in(cy, ref="pk", short_breaks=False),
        last_ended=Subquery(last_episode.values("ended_on")[:1]),
        last_reason=Subquery(last_episode.values("reason_ceased")[:1]),
    ).order_by("child_id")
    for (child, sex, born, ethnic, upn, is_mother, first_child, asked, last_ended,
         last_reason) in _stream(
            people, "child_id", "sex", "date_of_birth", "ethnicity", "upn", "is_mother",
            "first_child_born_on", "asked_mother", "last_ended", "last_reason"):
        left = last_ended if last_ended and last_ended <= cy.end and last_reason != "X1" \
            else cy.end
        mother = mc_dob = ""
        if asked and sex == "F" and is_mother is not None:  # rules 393, 399, 628
            mothered = bool(is_mother and first_child and first_child <= left)
            mother = t.format_flag(mothered)
            mc_dob = format_date(first_child) if mothered else ""  # rules 611, 612, 625
        yield {"CHILD": child, "SEX": sex, "DOB": format_date(born), "ETHNIC": ethnic,
               "UPN": upn, "MOTHER": mother, "MC_DOB": mc_dob}


def _episode_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    episodes = _episodes_in(cy).order_by("young_person__child_id", "started_on")
    for (child, start, rne, ls, cin, place, provider, end, rec, change, home, pl_post,
         urn) in _stream(
            episodes, "young_person__child_id", "started_on", "reason_new_episode",
            "legal_status", "category_of_need", "place", "place_provider", "ended_on",
            "reason_ceased", "reason_place_change", "home_postcode", "placement_postcode",
            "urn"):
        if end is not None and end > cy.end:
            end, rec, change = None, "", ""  # still open on 31 March
        yield {"CHILD": child, "DECOM": format_date(start), "RNE": rne, "LS": ls, "CIN": cin,
               "PLACE": place, "PLACE_PROVIDER": provider, "DEC": format_date(end),
               "REC": rec, "REASON_PLACE_CHANGE": change, "HOME_POST": home,
               "PL_POST": pl_post, "URN": urn}


def _review_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    reviews = CLAReview.objects.filter(
        _looked_after_in(cy, short_breaks=False), held_on__range=(cy.start, cy.end),
    ).order_by("young_person__child_id", "held_on")
    for child, born, held, code in _stream(
            reviews, "young_person__child_id", "young_person__date_of_birth", "held_on",
            "participation"):
        yield {"CHILD": child, "DOB": format_date(born), "REVIEW": format_date(held),
               "REVIEW_CODE": code}


def _uasc_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    people = YoungPerson.objects.filter(
        Exists(_episodes_in(cy).filter(young_person=OuterRef("pk"))), uasc=True,
    ).order_by("child_id")
    for child, sex, born in _stream(people, "child_id", "sex", "date_of_birth"):
        # DUC is the day the status ceases, 18 at the latest, given in advance (rules 205B, 304).
        yield {"CHILD": child, "SEX": sex, "DOB": format_date(born),
               "DUC": format_date(birthday(born, 18))}


def _oc3_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    records = _oc3_cohort(cy).order_by("young_person__child_id")
    for child, born, in_touch, activity, accommodation in _stream(
            records, "young_person__child_id", "young_person__date_of_birth", "in_touch",
            "activity", "accommodation"):
        yield {"CHILD": child, "DOB": format_date(born), "IN_TOUCH": in_touch,
               "ACTIV": activity, "ACCOM": accommodation}


def _oc2_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    records = OutcomesRecord.objects.filter(
        _looked_after_in(cy), collection_year=cy.year).order_by("young_person__child_id")
    flags = ("convicted", "health_check", "immunisations", "teeth_check", "health_assessment",
             "substance_misuse", "intervention_received", "intervention_offered")
    for child, born, score, reason, *values in _stream(
            records, "young_person__child_id", "young_person__date_of_birth", "sdq_score",
            "sdq_reason", *flags):
        row = {"CHILD": child, "DOB": format_date(born),
               "SDQ_SCORE": "" if score is None else str(score), "SDQ_REASON": reason}
        row.update({name.upper(): t.format_flag(v) for name, v in zip(flags, values,
                                                                       strict=True)})
        yield row


def _ad1_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    adopted = _episodes_in(cy).filter(
        young_person=OuterRef("young_person_id"), reason_ceased__in=("E11", "E12"),
        ended_on__range=(cy.start, cy.end))
    adoptions = Adoption.objects.filter(Exists(adopted)).order_by("young_person__child_id")
    for (child, born, best_interests, matched, by_foster_carers, number, sex,
         status) in _stream(
            adoptions, "young_person__child_id", "young_person__date_of_birth",
            "best_interests_on", "matched_on", "by_foster_carers", "number_of_adopters",
            "sex_of_adopters", "legal_status_of_adopters"):
        yield {"CHILD": child, "DOB": format_date(born), "DATE_INT": format_date(best_interests),
               "DATE_MATCH": format_date(matched), "FOSTER_CARE": t.format_flag(by_foster_carers),
               "NB_ADOPTR": number, "SEX_ADOPTR": sex, "LS_ADOPTR": status}


def _placed_adoption_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    decisions = AdoptionDecision.objects.filter(
        _looked_after_in(cy), decided_on__lte=cy.end,
    ).filter(Q(reversed_on__isnull=True) | Q(reversed_on__gte=cy.start)).order_by(
        "young_person__child_id", "decided_on")
    for child, born, decided, reversed_on, reason in _stream(
            decisions, "young_person__child_id", "young_person__date_of_birth", "decided_on",
            "reversed_on", "reversal_reason"):
        if reversed_on is not None and reversed_on > cy.end:
            reversed_on, reason = None, ""  # not yet reversed when the year ended
        yield {"CHILD": child, "DOB": format_date(born), "DATE_PLACED": format_date(decided),
               "DATE_PLACED_CEASED": format_date(reversed_on), "REASON_PLACED_CEASED": reason}


def _prev_perm_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    periods = PeriodOfCare.objects.filter(
        started_on__range=(cy.start, cy.end)).exclude(previous_permanence="").order_by(
        "young_person__child_id", "-started_on")
    last_child = None
    for child, born, code, la, on in _stream(
            periods, "young_person__child_id", "young_person__date_of_birth",
            "previous_permanence", "previous_permanence_la", "previous_permanence_on"):
        if child == last_child:
            continue  # one row a child (INT35): the latest period of care
        last_child = child
        yield {"CHILD": child, "DOB": format_date(born), "PREV_PERM": code, "LA_PERM": la,
               "DATE_PERM": format_date(on)}


def _sw_episode_rows(cy: CollectionYear) -> Iterator[dict[str, str]]:
    allocations = Allocation.objects.filter(
        _looked_after_in(cy, short_breaks=False), role=AllocationRole.SOCIAL_WORKER,
        started_on__lte=cy.end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cy.start)).order_by(
        "young_person__child_id", "started_on")
    for child, born, worker, start, end, reason in _stream(
            allocations, "young_person__child_id", "young_person__date_of_birth", "worker_id",
            "started_on", "ended_on", "reason"):
        if end is not None and end > cy.end:
            end = None  # still allocated when the year ended
        yield {"CHILD": child, "DOB": format_date(born), "SW_ID": f"SW{worker:06d}",
               "SW_DECOM": format_date(start), "SW_DEC": format_date(end), "SW_REASON": reason}


__all__ = ["ExportSummary", "TableWritten", "ssda903_export"]
