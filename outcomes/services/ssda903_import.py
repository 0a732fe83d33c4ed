"""Import an SSDA903 return (a directory of CSV tables) into the record: young people, periods of
care, episodes, reviews, OC2 outcomes, OC3 care-leaver records, adoption, previous permanence and
social-worker allocations.

Contract:
- Each child's rows go in together, in one transaction, or not at all: a refused row refuses the
  child, and every row of theirs is listed with the reason (file, line, field, reason).
- Every write is validated (`full_clean`: each field, the model's `clean()`, unique fields) and
  keeps its history with the actor and the reason "SSDA903 import, 2024/25". The models' check
  and unique constraints are enforced by the database as it writes, and a refusal is reported in
  the constraint's own words (see `_Op.save`). A record the file does not change is not written,
  so the same files imported twice change nothing and add no history.
- The file says what was known when the year ended, as the export writes it: an episode open on
  31 March is blank-ended there even if it has ended since, so a blank DEC (or SW_DEC, or
  DATE_PLACED_CEASED) leaves a later ending alone. A blank MOTHER was not asked, and a blank
  UPN is one the authority's system lacks: both leave the record as it is. Nothing the file does
  not mention is deleted.
- Young people are matched by the LA child id (CHILD), episodes by their start (DECOM), reviews by
  their date, OC3 records by the birthday the year holds, periods of care through their episodes.
- The return carries no names: a new young person is "Child <CHILD>" in the team given, until
  staff add their names. It carries no regulation 24 decisions either: a U1-U3 placement is
  recorded as the return states it (the decision lives in the authority's case system) and
  counted in the summary's notes when Waymark holds no approval in force.
- SWEpisodes rows are imported when SW_ID names a Waymark social worker as the export writes it
  ("SW" and the worker's number); others are skipped and counted. Missing episodes and the UASC
  DUC are read and checked but not held.

Cost: children are read in chunks with a fixed number of queries a chunk; a child whose rows all
match the record costs nothing more. The children of a chunk with changes are read again, locked,
in one transaction; each child's writes are checked in memory (each field and the model's
`clean()`, the child's episodes and allocations checked against each other as they will be), a
child failing a check is refused before anything is written, and the rest are written in bulk,
model by model, each INSERT or UPDATE with its history rows (`bulk_create_with_history`,
`bulk_update_with_history`): a fixed number of queries a chunk. What only the database knows
(unique and check constraints, the episode exclusion constraint, foreign keys) it enforces on that
write; if it refuses, the chunk's transaction is undone and its children are written again one
by one, each in its own transaction with the full checks (`_Op.save`), so only the bad child is
refused, in the constraint's own words.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from outcomes import codes
from outcomes.models import (
    Adoption,
    AdoptionDecision,
    Allocation,
    AllocationRole,
    CareLeaverRecord,
    CLAReview,
    ConnectedPersonApproval,
    Episode,
    OutcomesRecord,
    PeriodOfCare,
    RecordStatus,
    Role,
    Team,
    User,
    YoungPerson,
)
from outcomes.rules.dates import birthday
from outcomes.rules.years import CollectionYear
from outcomes.ssda903 import tables as t
from outcomes.ssda903.importer import (
    ChildRows,
    Period,
    Problem,
    Reading,
    Row,
    oc3_age,
    ssda903_read,
)

from ._save import _refuse_nul_characters as refuse_nul_characters
from .reminders import schedule_refresh

CHUNK = 500
BATCH = 1000  # rows an INSERT or UPDATE statement carries
IMPORTED_FIRST_NAME = "Child"  # "Child 1001": the return has no names
PERIODS_OF_CARE = "Periods of care"  # derived from Episodes: counted by record, not by row
SW_ID = re.compile(r"^SW(\d{1,10})$")
REJECTION_HEADER = ("file", "line", "child", "field", "reason")

NOTE_NO_APPROVAL = ("U1-U3 placements with no regulation 24 approval in Waymark (recorded as the "
                    "return states them; add the approval on the young person's page)")
NOTE_UNKNOWN_WORKER = ("SWEpisodes rows whose SW_ID is not a Waymark social worker (not "
                       "imported)")
NOTE_MISSING = "Missing rows (checked; Waymark does not hold missing episodes)"
NOTE_DUC = ("UASC rows whose DUC is not the 18th birthday (Waymark keeps the UASC flag and "
            "derives DUC as the 18th birthday)")

# Where each model field comes from, to name the column when the model refuses a value.
_COLUMNS: dict[type[models.Model], dict[str, str]] = {
    YoungPerson: {"child_id": "CHILD", "sex": "SEX", "date_of_birth": "DOB",
                  "ethnicity": "ETHNIC", "upn": "UPN", "is_mother": "MOTHER",
                  "first_child_born_on": "MC_DOB", "team": "CHILD"},
    Episode: {"started_on": "DECOM", "reason_new_episode": "RNE", "legal_status": "LS",
              "category_of_need": "CIN", "place": "PLACE", "place_provider": "PLACE_PROVIDER",
              "ended_on": "DEC", "reason_ceased": "REC",
              "reason_place_change": "REASON_PLACE_CHANGE", "home_postcode": "HOME_POST",
              "placement_postcode": "PL_POST", "urn": "URN", "period_of_care": "DECOM"},
    CLAReview: {"held_on": "REVIEW", "participation": "REVIEW_CODE"},
    OutcomesRecord: {"sdq_score": "SDQ_SCORE", "sdq_reason": "SDQ_REASON",
                     "convicted": "CONVICTED", "health_check": "HEALTH_CHECK",
                     "immunisations": "IMMUNISATIONS", "teeth_check": "TEETH_CHECK",
                     "health_assessment": "HEALTH_ASSESSMENT",
                     "substance_misuse": "SUBSTANCE_MISUSE",
                     "intervention_received": "INTERVENTION_RECEIVED",
                     "intervention_offered": "INTERVENTION_OFFERED"},
    CareLeaverRecord: {"age": "DOB", "in_touch": "IN_TOUCH", "activity": "ACTIV",
                       "accommodation": "ACCOM"},
    Adoption: {"best_interests_on": "DATE_INT", "matched_on": "DATE_MATCH",
               "by_foster_carers": "FOSTER_CARE", "number_of_adopters": "NB_ADOPTR",
               "sex_of_adopters": "SEX_ADOPTR", "legal_status_of_adopters": "LS_ADOPTR"},
    AdoptionDecision: {"decided_on": "DATE_PLACED", "reversed_on": "DATE_PLACED_CEASED",
                       "reversal_reason": "REASON_PLACED_CEASED"},
    Allocation: {"worker": "SW_ID", "started_on": "SW_DECOM", "ended_on": "SW_DEC",
                 "reason": "SW_REASON"},
}
_PREVIOUS_PERMANENCE = {"previous_permanence": "PREV_PERM", "previous_permanence_la": "LA_PERM",
                        "previous_permanence_on": "DATE_PERM"}


# --- the summary -------------------------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected + self.skipped

    def add(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


@dataclass
class ImportSummary:
    """What an import did: rows per table (created / updated / unchanged / rejected / skipped),
    periods of care (derived), children, every refused row with its reason, and notes."""

    year: int
    files: dict[str, str]  # table key -> the file it was read from
    tables: dict[str, Counts]  # by table key; a file no table matches, by its name
    periods_of_care: Counts = field(default_factory=Counts)
    children: Counts = field(default_factory=Counts)
    rejections: list[Problem] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)

    @property
    def rejected_rows(self) -> int:
        return sum(c.rejected for c in self.tables.values())

    def rejections_write(self, out: IO[str]) -> None:
        """The refused rows as CSV: file, line, child, field, reason."""
        writer = csv.writer(out)
        writer.writerow(REJECTION_HEADER)
        for p in self.rejections:
            writer.writerow((p.file, p.line, p.child, p.field, p.reason))


# --- the import --------------------------------------------------------------------------------


def ssda903_import(
    *, actor: User | None, year: int, directory: Path, team: Team | None = None,
    progress: Callable[[int, int], None] | None = None, chunk_size: int = CHUNK,
) -> ImportSummary:
    """Import the CSV tables in `directory` as collection year `year` (2025 = 2024/25).

    Covers the whole authority: the caller decides who may run it. New young people join `team`
    (without one, a child not yet in Waymark is refused). After each chunk, `progress` is called
    with the number of children the chunk held and the number in the files. Raises
    ImportRefused (nothing imported) when the files cannot be read as a return."""
    reading = ssda903_read(directory=directory, year=year)
    run = _Run(reading, actor=actor, team=team)
    for row in reading.orphans:
        run.summary.tables[row.key].rejected += 1
        run.summary.rejections.extend(row.problems)
    children = sorted(reading.children)
    for chunk in _chunks(children, chunk_size):
        run.chunk(chunk)
        if progress:
            progress(len(chunk), len(children))
    run.summary.rejections.sort(key=lambda p: (p.file, p.line, p.field))
    return run.summary


def _chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass(eq=False)
class _Existing:
    """What the record holds for one child, read in bulk."""

    person: YoungPerson | None = None
    periods: dict[int, PeriodOfCare] = field(default_factory=dict)
    episodes: dict[dt.date, Episode] = field(default_factory=dict)
    approvals: list[ConnectedPersonApproval] = field(default_factory=list)
    reviews: dict[dt.date, CLAReview] = field(default_factory=dict)
    oc2: OutcomesRecord | None = None
    oc3: dict[int, CareLeaverRecord] = field(default_factory=dict)
    adoption: Adoption | None = None
    decisions: dict[dt.date, AdoptionDecision] = field(default_factory=dict)
    allocations: dict[dt.date, Allocation] = field(default_factory=dict)


class _Run:
    def __init__(self, reading: Reading, *, actor: User | None, team: Team | None) -> None:
        self.reading = reading
        self.actor = actor
        self.team = team
        self.cy = CollectionYear(reading.year)
        self.reason = f"SSDA903 import, {CollectionYear(reading.year).label}"
        keys = [table.key for table in t.tables_for(reading.year) if reading.given(table)]
        unrecognised = sorted({row.file for child in reading.children.values()
                               for row in child.unrecognised}
                              | {row.key for row in reading.orphans})
        self.summary = ImportSummary(
            year=reading.year, files=dict(reading.files),
            tables={key: Counts() for key in [*keys, *unrecognised]},
            notes=Counter(dict.fromkeys(reading.notes, 1)))

    # one chunk of children

    def chunk(self, child_ids: list[str]) -> None:
        sound = []
        for child_id in child_ids:
            child = self.reading.children[child_id]
            problems = child.refused()
            if problems:
                self._reject(child, problems)
            else:
                sound.append(child)
        if not sound:
            return
        existing = self._load([c.child for c in sound])
        workers = self._workers(sound)
        to_write: list[ChildRows] = []
        for child in sound:
            plan = _Plan(self, child, existing[child.child], workers)
            if plan.problems:
                self._reject(child, plan.problems)
            elif not plan.ops:
                self._count(child, plan)
            else:
                to_write.append(child)
        if not to_write:
            return
        changed = self._write_together(to_write, workers)
        if changed:
            # The statutory schedule follows the care history (as after any episode write).
            with transaction.atomic():
                schedule_refresh(young_people=changed)

    def _write_together(self, children: list[ChildRows],
                        workers: dict[int, User]) -> list[YoungPerson]:
        """Plan again from the record as it is now, locked; check each child's writes in
        memory, refusing a child that fails; write the others in bulk, all in one transaction.
        If the database refuses the bulk write, undo it and write child by child (`_write`)."""
        results: list[tuple[ChildRows, _Plan | list[Problem]]] = []
        try:
            with transaction.atomic():
                existing = self._load([c.child for c in children], lock=True)
                plans: list[_Plan] = []
                for child in children:
                    plan = _Plan(self, child, existing[child.child], workers)
                    problems = plan.problems or plan.check()
                    if problems:
                        results.append((child, problems))
                    else:
                        plans.append(plan)
                        results.append((child, plan))
                _bulk_save([op for plan in plans for op in plan.ops], actor=self.actor,
                           reason=self.reason)
        except IntegrityError:
            # A constraint only the database knows: find the child, each in a transaction.
            return [person for child in children
                    if (person := self._write(child, workers)) is not None]
        changed = []
        for child, result in results:
            if isinstance(result, _Plan):
                self._count(child, result)
                if result.ops:
                    changed.append(result.person)
            else:
                self._reject(child, result)
        return changed

    def _write(self, child: ChildRows, workers: dict[int, User]) -> YoungPerson | None:
        """Plan again from the record as it is now, locked, and write: all or nothing."""
        op: _Op | None = None
        try:
            with transaction.atomic():
                plan = _Plan(self, child, self._load([child.child], lock=True)[child.child],
                             workers)
                if plan.problems:
                    raise _Refused(plan.problems)
                for op in plan.ops:
                    op.save(actor=self.actor, reason=self.reason)
        except _Refused as refused:
            self._reject(child, refused.problems)
            return None
        except ValidationError as error:
            self._reject(child, _problems_from(error, op))
            return None
        except IntegrityError as error:
            self._reject(child, [_constraint_problem(error, op)])
            return None
        self._count(child, plan)
        return plan.person if plan.ops else None

    # bulk reads

    def _load(self, child_ids: list[str], *, lock: bool = False) -> dict[str, _Existing]:
        """The records of these children, in a fixed number of queries."""
        people = YoungPerson.objects.filter(child_id__in=child_ids)
        if lock:
            people = people.select_for_update()
        found = {p.pk: _Existing(person=p) for p in people}
        out = {c: _Existing() for c in child_ids}
        out.update({e.person.child_id: e for e in found.values()})
        if not found:
            return out
        mine = {"young_person_id__in": list(found)}
        given = self.reading.given
        if given(t.EPISODES) or given(t.PREV_PERM):
            for period in PeriodOfCare.objects.filter(**mine):
                found[period.young_person_id].periods[period.pk] = period
            for episode in Episode.objects.filter(**mine):
                mine_ = found[episode.young_person_id]
                episode.period_of_care = mine_.periods[episode.period_of_care_id]
                mine_.episodes[episode.started_on] = episode
        if given(t.EPISODES):
            for approval in ConnectedPersonApproval.objects.filter(**mine):
                found[approval.young_person_id].approvals.append(approval)
        if given(t.REVIEWS):
            for review in CLAReview.objects.filter(**mine):
                found[review.young_person_id].reviews[review.held_on] = review
        if given(t.OC2):
            for record in OutcomesRecord.objects.filter(**mine, collection_year=self.cy.year):
                found[record.young_person_id].oc2 = record
        if given(t.OC3):
            for record in CareLeaverRecord.objects.filter(**mine):
                found[record.young_person_id].oc3[record.age] = record
        if given(t.AD1):
            for adoption in Adoption.objects.filter(**mine):
                found[adoption.young_person_id].adoption = adoption
        if given(t.PLACED_ADOPTION):
            for decision in AdoptionDecision.objects.filter(**mine):
                found[decision.young_person_id].decisions[decision.decided_on] = decision
        if given(t.SW_EPISODES):
            for allocation in Allocation.objects.filter(
                    **mine, role=AllocationRole.SOCIAL_WORKER).select_related("worker"):
                found[allocation.young_person_id].allocations[allocation.started_on] = allocation
        return out

    def _workers(self, children: list[ChildRows]) -> dict[int, User]:
        """The social workers the chunk's SWEpisodes name, by number."""
        numbers = set()
        for child in children:
            for row in child.rows.get(t.SW_EPISODES.key, ()):
                match = SW_ID.match(row["SW_ID"])
                if match:
                    numbers.add(int(match[1]))
        if not numbers:
            return {}
        return {u.pk: u for u in User.objects.filter(pk__in=numbers, role=Role.SOCIAL_WORKER)}

    # the tally

    def _count(self, child: ChildRows, plan: _Plan) -> None:
        outcome: dict[Row, str] = {}
        for op in plan.ops:
            if op.derived:
                self.summary.periods_of_care.add("created" if op.created else "updated")
            for row in op.rows:
                if outcome.get(row) != "created":
                    outcome[row] = "created" if op.created else "updated"
        for row in child.all_rows():
            if row in plan.skipped:
                self.summary.tables[row.key].skipped += 1
                self.summary.notes[plan.skipped[row]] += 1
            else:
                self.summary.tables[row.key].add(outcome.get(row, "unchanged"))
        self.summary.notes.update(plan.notes)
        self.summary.periods_of_care.unchanged += plan.periods_unchanged
        person_op = next((op for op in plan.ops if isinstance(op.instance, YoungPerson)), None)
        self.summary.children.add(
            "created" if person_op and person_op.created else "updated" if plan.ops
            else "unchanged")

    def _reject(self, child: ChildRows, problems: list[Problem]) -> None:
        self.summary.children.rejected += 1
        first = min(problems, key=lambda p: (p.file, p.line))
        refused = {(p.file, p.line) for p in problems}
        for row in child.all_rows():
            self.summary.tables[row.key].rejected += 1
            if (row.file, row.line) not in refused:
                self.summary.rejections.append(Problem(
                    row.file, row.line, row.child, "",
                    f"Not imported: another row of this child was refused ({first.file} line "
                    f"{first.line})."))
        self.summary.rejections.extend(problems)


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


# --- planning one child's writes ---------------------------------------------------------------


@dataclass(eq=False)
class _Op:
    """One record to create or change, with where its values came from."""

    instance: models.Model
    created: bool
    row: Row  # the row blamed for a refusal no field explains
    rows: tuple[Row, ...] = ()  # the rows whose outcome this write decides
    columns: dict[str, tuple[Row, str]] = field(default_factory=dict)
    parents: dict[str, models.Model] = field(default_factory=dict)
    derived: bool = False  # a period of care: counted apart from the rows
    fields: frozenset[str] = frozenset()  # of a change: the fields it changes

    def attach(self) -> None:
        """Point the record at its parents (their ids are set once they are saved)."""
        for name, parent in self.parents.items():
            setattr(self.instance, name, parent)

    def check(self, *, siblings: list[models.Model] | None = None) -> None:
        """Validate as `save` does, without a query: each field and the model's `clean()` (with
        the record's `siblings`, the child's episodes or allocations as they will be, when
        given). Left to the database, which enforces them on the bulk write: unique fields,
        the check and unique constraints, and that a record a foreign key names exists."""
        instance = self.instance
        self.attach()
        refuse_nul_characters(instance)
        exclude = set(self.parents) | {
            f.name for f in instance._meta.concrete_fields if f.is_relation
            and (getattr(instance, f.attname) is not None
                 or (f.is_cached(instance) and f.get_cached_value(instance) is not None))}
        errors: dict[str, Any] = {}
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            if siblings is None:
                instance.clean()
            else:
                instance.clean(siblings=siblings)  # type: ignore[call-arg]
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save(self, *, actor: User | None, reason: str) -> None:
        """Validate and save with the actor in the history, as `validated_save` does, in fewer
        round trips: the parents are records this transaction holds (saved just now, or
        locked), so their existence needs no query; and the check and unique constraints are
        enforced by the database on the write itself, whose refusal is reported in the
        constraint's own words (`_constraint_problem`). full_clean would ask the database the
        same thing, with a SELECT and a savepoint for each constraint of each record."""
        instance = self.instance
        self.attach()  # the parents are saved now, so their ids are set too
        refuse_nul_characters(instance)
        instance.full_clean(exclude=set(self.parents), validate_constraints=False)
        instance._history_user = actor
        instance._change_reason = reason
        instance.save()

    def problem(self, reason: str, field_name: str | None = None) -> Problem:
        row, column = self.columns.get(field_name or "", (self.row, ""))
        return Problem(row.file, row.line, row.child, column, reason)


# The order of the bulk writes: parents before the records that name them.
_WRITE_ORDER: tuple[type[models.Model], ...] = (
    YoungPerson, PeriodOfCare, Episode, CLAReview, OutcomesRecord, CareLeaverRecord, Adoption,
    AdoptionDecision, Allocation)


def _bulk_save(ops: list[_Op], *, actor: User | None, reason: str) -> None:
    """Write checked records model by model, changes before new records (a period or episode
    closed before the next one opens), each with its history row (actor and reason)."""
    assert all(type(op.instance) in _WRITE_ORDER for op in ops)
    for model in _WRITE_ORDER:
        mine = [op for op in ops if type(op.instance) is model]
        for op in mine:
            op.attach()  # the parents were written just before: their ids are set now
        changes = [op for op in mine if not op.created]
        if changes:
            fields = sorted(frozenset().union(*(op.fields for op in changes)))
            bulk_update_with_history([op.instance for op in changes], model, fields,
                                     batch_size=BATCH, default_user=actor,
                                     default_change_reason=reason)
        new = [op.instance for op in mine if op.created]
        if new:
            bulk_create_with_history(new, model, batch_size=BATCH, default_user=actor,
                                     default_change_reason=reason)


class _Plan:
    """Compare one child's rows with the record and list the writes, in an order the models'
    checks accept: the young person, each period of care before its episodes (oldest first),
    then the rest."""

    def __init__(self, run: _Run, child: ChildRows, existing: _Existing,
                 workers: dict[int, User]) -> None:
        self.run = run
        self.cy = run.cy
        self.child = child
        self.existing = existing
        self.workers = workers
        self.ops: list[_Op] = []
        self.problems: list[Problem] = []
        self.skipped: dict[Row, str] = {}
        self.notes: Counter[str] = Counter()
        self.periods_unchanged = 0
        self.person = self._person()
        if self.problems or self.person is None:
            return
        self._care()
        self._reviews()
        self._oc2()
        self._oc3()
        self._adoption()
        self._decisions()
        self._social_workers()
        for row in child.rows.get(t.MISSING.key, ()):
            self.skipped[row] = NOTE_MISSING

    def refuse(self, row: Row, column: str, reason: str) -> None:
        self.problems.append(Problem(row.file, row.line, row.child, column, reason))

    def check(self) -> list[Problem]:
        """Each write checked in memory (`_Op.check`): what refuses the child, or nothing."""
        episodes = [*self.existing.episodes.values(),
                    *(op.instance for op in self.ops if op.created
                      and isinstance(op.instance, Episode))]
        allocations = [*self.existing.allocations.values(),
                       *(op.instance for op in self.ops if op.created
                         and isinstance(op.instance, Allocation))]
        problems: list[Problem] = []
        for op in self.ops:
            siblings = (episodes if isinstance(op.instance, Episode) else allocations
                        if isinstance(op.instance, Allocation) else None)
            try:
                op.check(siblings=siblings)
            except ValidationError as error:
                problems.extend(_problems_from(error, op))
        return problems

    def upsert(self, model: type[models.Model], current: models.Model | None,
               values: dict[str, Any], *, row: Row, parents: dict[str, models.Model],
               on_create: dict[str, Any] | None = None,
               columns: dict[str, tuple[Row, str]] | None = None,
               ) -> tuple[models.Model, _Op | None, set[str]]:
        """The record with `values`, and the write that makes it so (None if it already is)."""
        if columns is None:
            columns = {name: (row, column) for name, column in _COLUMNS[model].items()}
        if current is None:
            instance = model(**values, **(on_create or {}))
            op = _Op(instance, True, row, columns=columns, parents=parents)
            self.ops.append(op)
            return instance, op, set(values)
        changed = {name for name, value in values.items() if getattr(current, name) != value}
        changed |= {name for name, parent in parents.items()
                    if getattr(current, f"{name}_id") != parent.pk}
        if not changed:
            return current, None, changed
        for name in changed & set(values):
            setattr(current, name, values[name])
        op = _Op(current, False, row, columns=columns, parents=parents,
                 fields=frozenset(changed))
        self.ops.append(op)
        return current, op, changed

    # the young person

    def _person(self) -> YoungPerson | None:
        child, person = self.child, self.existing.person
        header = child.first(t.HEADER)
        uasc = child.first(t.UASC)
        if person is None:
            first_row = header or next(child.all_rows())
            if header is None:
                self.refuse(first_row, "CHILD", f"Child {child.child} is not in Waymark and has "
                                                "no Header row: add their Header row.")
                return None
            if self.run.team is None:
                self.refuse(header, "CHILD", f"Child {child.child} is not in Waymark yet, and "
                                             "no team was given for new young people "
                                             "(import_903 --team).")
                return None
        else:
            born = person.date_of_birth
            for row in child.all_rows() if header is None else ():
                if row.table is not None and "DOB" in row.table.header and row["DOB"] != born:
                    self.refuse(row, "DOB", f"DOB {t.format_date(row['DOB'])} differs from the "
                                            f"date of birth in Waymark ({t.format_date(born)}).")
            if self.problems:
                return None
        values: dict[str, Any] = {}
        if header is not None:
            is_mother, first_child = self._mother(header, person)
            values.update(sex=header["SEX"], date_of_birth=header["DOB"],
                          ethnicity=header["ETHNIC"], is_mother=is_mother,
                          first_child_born_on=first_child,
                          # A blank UPN is one the authority's system lacks: keep ours.
                          upn=header["UPN"] or (person.upn if person else ""))
        if self.run.reading.given(t.UASC):
            if uasc is not None:
                values["uasc"] = True
                if uasc["DUC"] is not None and uasc["DUC"] != birthday(uasc["DOB"], 18):
                    self.notes[NOTE_DUC] += 1
            elif child.rows.get(t.EPISODES.key):
                values["uasc"] = False  # looked after in the year, and not in the UASC table
        blamed = header or uasc or next(child.all_rows())
        columns = {name: (blamed, column) for name, column in _COLUMNS[YoungPerson].items()}
        columns["uasc"] = (uasc or blamed, "CHILD")
        person, op, changed = self.upsert(
            YoungPerson, person, values, row=blamed, parents={"team": self.run.team} if
            person is None else {}, columns=columns,
            on_create={"child_id": child.child, "legal_first_name": IMPORTED_FIRST_NAME,
                       "legal_last_name": child.child})
        if op is not None:
            op.rows = tuple(r for r, fields in ((header, changed - {"uasc"}),
                                                (uasc, changed & {"uasc"}))
                            if r is not None and (op.created or fields))
            if not op.rows:
                op.rows = (blamed,)
        return person

    def _mother(self, header: Row, person: YoungPerson | None) -> tuple[bool | None,
                                                                          dt.date | None]:
        """MOTHER and MC_DOB as the export writes them: MOTHER 0 is also what a mother whose
        first child was born after she left care (or whose child's birth date is not known)
        reads as, so it leaves such a record alone."""
        had = (person.is_mother, person.first_child_born_on) if person else (None, None)
        if header["MOTHER"] is True:
            return True, header["MC_DOB"] or had[1]
        if header["MOTHER"] is False:
            if had[0] is True and (had[1] is None or had[1] > self._left_care_on()):
                return had
            return False, None
        return had  # not asked

    def _left_care_on(self) -> dt.date:
        in_year = [row for row in self.child.rows.get(t.EPISODES.key, ())
                   if row["DECOM"] <= self.cy.end
                   and (row["DEC"] is None or row["DEC"] >= self.cy.start)]
        if in_year:
            last = max(in_year, key=lambda row: row["DECOM"])
            if last["DEC"] is not None and last["DEC"] <= self.cy.end and last["REC"] != "X1":
                return last["DEC"]
        return self.cy.end

    # periods of care and episodes

    def _care(self) -> None:
        prev_perm = self.child.first(t.PREV_PERM)
        periods = self.child.periods
        target: Period | None = None
        if prev_perm is not None and periods:
            target = next((p for p in reversed(periods)
                           if p.starts_care and p.episodes[0]["DECOM"] in self.cy), None)
            if target is None:
                self.refuse(prev_perm, "PREV_PERM", self._no_period_starts())
        elif prev_perm is not None:
            self._prev_perm_only(prev_perm)
        used: set[int] = set()
        for period in periods:
            self._period(period, prev_perm if period is target else None, used)

    def _no_period_starts(self) -> str:
        return (f"PrevPerm is asked when a child starts to be looked after, and no period of "
                f"care of this child starts (RNE S) in {CollectionYear(self.cy.year).label}.")

    def _prev_perm_only(self, row: Row) -> None:
        starting = [p for p in self.existing.periods.values() if p.started_on in self.cy]
        if not starting:
            self.refuse(row, "PREV_PERM", self._no_period_starts())
            return
        period = max(starting, key=lambda p: p.started_on)
        _, op, _ = self.upsert(PeriodOfCare, period, _previous_permanence(row), row=row,
                               parents={}, columns=_prev_perm_columns(row))
        if op is not None:
            op.rows, op.derived = (row,), True

    def _period(self, period: Period, prev_perm: Row | None, used: set[int]) -> None:
        first, last = period.episodes[0], period.episodes[-1]
        existing = self.existing
        matched = {existing.episodes[row["DECOM"]].period_of_care_id for row in period.episodes
                   if row["DECOM"] in existing.episodes}
        if len(matched) > 1:
            starts = sorted(existing.periods[pk].started_on for pk in matched)
            self.refuse(first, "DECOM", "In Waymark these episodes belong to different periods "
                                        "of care (from " + " and ".join(map(t.format_date, starts))
                        + "): the file makes them one.")
            return
        current = existing.periods[matched.pop()] if matched else next(
            (p for p in existing.periods.values()
             if period.starts_care and p.started_on == first["DECOM"]), None)
        if current is not None and current.pk in used:
            self.refuse(first, "RNE", "In Waymark this episode belongs to the same period of care "
                                      "as an earlier one; the file starts a new one (RNE S).")
            return
        if current is not None:
            used.add(current.pk)
        start = first["DECOM"]
        if not period.starts_care and current is not None and current.started_on < start:
            start = current.started_on  # it began before the file's first episode
        if last["DEC"] is not None and last["REC"] != "X1":
            end, reason = last["DEC"], last["REC"]
        else:
            known_until = last["DEC"] or self.cy.end
            end, reason = ((current.ended_on, current.reason_ceased)
                           if current is not None and current.ended_on is not None
                           and current.ended_on > known_until else (None, ""))
        values: dict[str, Any] = {"started_on": start, "ended_on": end, "reason_ceased": reason}
        columns = {"started_on": (first, "DECOM"), "ended_on": (last, "DEC"),
                   "reason_ceased": (last, "REC"), "young_person": (first, "CHILD")}
        if prev_perm is not None:
            values.update(_previous_permanence(prev_perm))
            columns.update(_prev_perm_columns(prev_perm))
        instance, op, changed = self.upsert(
            PeriodOfCare, current, values, row=first, parents={"young_person": self.person},
            columns=columns)
        if op is None:
            self.periods_unchanged += 1
        else:
            op.derived = True
            if prev_perm is not None and changed & set(_PREVIOUS_PERMANENCE):
                op.rows = (prev_perm,)
        for row in period.episodes:
            self._episode(row, instance)

    def _episode(self, row: Row, period: PeriodOfCare) -> None:
        current = self.existing.episodes.get(row["DECOM"])
        end, reason, change = row["DEC"], row["REC"], row["REASON_PLACE_CHANGE"]
        if end is None and current is not None and current.ended_on is not None \
                and current.ended_on > self.cy.end:
            # Open when the year ended; it has ended since (the export writes it so).
            end, reason, change = (current.ended_on, current.reason_ceased,
                                   current.reason_place_change)
        values = {
            "started_on": row["DECOM"], "reason_new_episode": row["RNE"],
            "legal_status": row["LS"], "category_of_need": row["CIN"], "place": row["PLACE"],
            "place_provider": row["PLACE_PROVIDER"], "ended_on": end, "reason_ceased": reason,
            "reason_place_change": change, "home_postcode": row["HOME_POST"],
            "placement_postcode": row["PL_POST"], "urn": row["URN"],
        }
        _, op, _ = self.upsert(Episode, current, values, row=row,
                               parents={"young_person": self.person, "period_of_care": period})
        if op is None:
            return
        op.rows = (row,)
        if row["PLACE"] in codes.CONNECTED_PERSON_PLACEMENTS:
            # The return states placements already made; their regulation 24 decisions live in
            # the authority's case system, not in the return (counted in the summary's notes).
            op.instance.approval_held_elsewhere = True
            if not any(a.in_force_on(row["DECOM"]) for a in self.existing.approvals):
                self.notes[NOTE_NO_APPROVAL] += 1

    # the other tables

    def _simple(self, model: type[models.Model], current: models.Model | None, row: Row,
                values: dict[str, Any], *, parents: dict[str, models.Model] | None = None,
                on_create: dict[str, Any] | None = None) -> None:
        _, op, _ = self.upsert(model, current, values, row=row,
                               parents={"young_person": self.person, **(parents or {})},
                               on_create=on_create)
        if op is not None:
            op.rows = (row,)

    def _reviews(self) -> None:
        for row in self.child.rows.get(t.REVIEWS.key, ()):
            self._simple(CLAReview, self.existing.reviews.get(row["REVIEW"]), row,
                         {"held_on": row["REVIEW"], "participation": row["REVIEW_CODE"]})

    def _oc2(self) -> None:
        row = self.child.first(t.OC2)
        if row is not None:
            values = {name: row[column] for name, column in _COLUMNS[OutcomesRecord].items()}
            values["collection_year"] = self.cy.year
            self._simple(OutcomesRecord, self.existing.oc2, row, values)

    def _oc3(self) -> None:
        row = self.child.first(t.OC3)
        if row is None:
            return
        age = oc3_age(row["DOB"], year=self.cy.year)
        values = {"age": age, "in_touch": row["IN_TOUCH"], "activity": row["ACTIV"],
                  "accommodation": row["ACCOM"], "status": RecordStatus.CONFIRMED}
        self._simple(CareLeaverRecord, self.existing.oc3.get(age), row, values,
                     on_create={"recorded_on": birthday(row["DOB"], age),
                                "recorded_by": self.run.actor})

    def _adoption(self) -> None:
        row = self.child.first(t.AD1)
        if row is not None:
            values = {name: row[column] for name, column in _COLUMNS[Adoption].items()}
            self._simple(Adoption, self.existing.adoption, row, values)

    def _decisions(self) -> None:
        for row in self.child.rows.get(t.PLACED_ADOPTION.key, ()):
            current = self.existing.decisions.get(row["DATE_PLACED"])
            reversed_on, reason = row["DATE_PLACED_CEASED"], row["REASON_PLACED_CEASED"]
            if reversed_on is None and current is not None and current.reversed_on is not None \
                    and current.reversed_on > self.cy.end:
                reversed_on, reason = current.reversed_on, current.reversal_reason
            self._simple(AdoptionDecision, current, row,
                         {"decided_on": row["DATE_PLACED"], "reversed_on": reversed_on,
                          "reversal_reason": reason})

    def _social_workers(self) -> None:
        for row in self.child.rows.get(t.SW_EPISODES.key, ()):
            match = SW_ID.match(row["SW_ID"])
            worker = self.workers.get(int(match[1])) if match else None
            if worker is None:
                self.skipped[row] = NOTE_UNKNOWN_WORKER
                continue
            current = self.existing.allocations.get(row["SW_DECOM"])
            end = row["SW_DEC"]
            if end is None and current is not None and current.ended_on is not None \
                    and current.ended_on > self.cy.end:
                end = current.ended_on
            self._simple(Allocation, current, row,
                         {"role": AllocationRole.SOCIAL_WORKER, "started_on": row["SW_DECOM"],
                          "ended_on": end, "reason": row["SW_REASON"]},
                         parents={"worker": worker})


def _previous_permanence(row: Row) -> dict[str, Any]:
    return {name: row[column] for name, column in _PREVIOUS_PERMANENCE.items()}


def _prev_perm_columns(row: Row) -> dict[str, tuple[Row, str]]:
    return {name: (row, column) for name, column in _PREVIOUS_PERMANENCE.items()}


# --- refusals ----------------------------------------------------------------------------------


def _problems_from(error: ValidationError, op: _Op | None) -> list[Problem]:
    assert op is not None  # a ValidationError comes from a write
    if not hasattr(error, "error_dict"):
        return [op.problem(message) for message in error.messages]
    return [op.problem(message, None if name == NON_FIELD_ERRORS else name)
            for name, messages in error.message_dict.items() for message in messages]


# The field a constraint is about, so a refusal names the column (others name the row).
_CONSTRAINT_FIELDS = {
    "young_person_child_born_only_to_mother": "first_child_born_on",
    "period_previous_permanence_valid": "previous_permanence_on",
    "oc3_died_or_home_has_no_activity": "activity",
    "adoption_decision_reversal_complete": "reversal_reason",
    "adoption_codes_valid": "matched_on",
    "outcomes_sdq_valid": "sdq_reason",
    "one_open_period_of_care": "ended_on",
    "one_open_allocation_per_role": "ended_on",
}


def _constraint_problem(error: IntegrityError, op: _Op | None) -> Problem:
    """A constraint the database enforced, in the model's own words."""
    assert op is not None
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    for constraint in op.instance._meta.constraints:
        if constraint.name == name:
            return op.problem(str(constraint.get_violation_error_message()),
                              _CONSTRAINT_FIELDS.get(name))
    return op.problem(f"The database refused the change ({name or 'a constraint'}).")


__all__ = ["Counts", "ImportSummary", "ssda903_import"]
