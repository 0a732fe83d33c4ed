"""Ofsted Annex A (ILACS): List 8 (children in care) and List 9 (care leavers), from our records.

The headers are the current Annex A template's, as the LA analyst network encodes it
(SocialFinanceDigitalLabs/liia-tools `liiatools/annex_a_pipeline/spec/Annex_A_schema.yml`; the same
columns as data-to-insight/ssd-data-model `AnnexA_sqlserver_*.sql`). Coded cells use the template's
drop-down values from the same schema ("a) Male", "C2: FCO", "d) U4: Foster placement - long term").

Every column is either worked out from what Waymark holds (`Column.source` says how) or left
blank (`Column.blank_because` says why); a value is never made up (DESIGN.md). The workbook's
notes sheet repeats both, with the cohort rules.

Reads are scoped by `access.young_people_visible_to` and open only to those who may use the data
pages (`access.may_export_903`: team managers and administrators). A fixed number of queries however many children: List 8 takes two,
List 9 three.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from django.db.models import (
    CharField,
    Exists,
    F,
    Model,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.utils import timezone

from outcomes import access, codes
from outcomes.access import Area
from outcomes.models import (
    Allocation,
    AllocationRole,
    CareLeaverRecord,
    CLAReview,
    Episode,
    HealthAssessment,
    PAContact,
    PathwayPlanReview,
    RecordStatus,
    SocialWorkerVisit,
    User,
    YoungPerson,
)
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.rules.dates import add_months, age_on
from outcomes.rules.placements import EPISODE_FIELDS, EpisodeFacts, open_on, placements_from

from .care_leavers import care_leaver_statuses_for

ONE_DAY = dt.timedelta(days=1)

# The template's List 8 takes children in care at the point of inspection "and all those children
# who ceased to be looked after in the six months before the inspection".
CEASED_WITHIN_MONTHS = 6
# The template's Eligibility Category lists all four categories of care leaver.
LIST_9_CATEGORIES = (CareLeaverCategory.RELEVANT, CareLeaverCategory.FORMER_RELEVANT,
                     CareLeaverCategory.QUALIFYING, CareLeaverCategory.ELIGIBLE)

TEMPLATE_SOURCE = (
    "Headers and coded values: the current Ofsted Annex A template as encoded by the LA analyst "
    "network (SocialFinanceDigitalLabs/liia-tools, liiatools/annex_a_pipeline/spec/"
    "Annex_A_schema.yml; the same columns as data-to-insight/ssd-data-model, AnnexA SQL)."
)

Cell = str | int | dt.date | None


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    """One column of a list: its header exactly as the template has it, and either how its value
    is worked out (`source`) or why it is always blank (`blank_because`)."""

    header: str
    kind: Kind = Kind.TEXT
    source: str = ""
    blank_because: str = ""

    @property
    def derived(self) -> bool:
        return not self.blank_because


@dataclass(frozen=True)
class AnnexAList:
    """One list: its columns, the rules for who is on it, and a row per young person (values in
    column order; `young_person_ids` gives each row's record, for the access trace)."""

    number: int
    title: str
    cohort: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    young_person_ids: tuple[int, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    def records(self) -> list[dict[str, Cell]]:
        """The rows as {header: value}."""
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class AnnexA:
    as_of: dt.date
    lists: tuple[AnnexAList, ...]


# --- The template's coded values -----------------------------------------------------------------

YES, NO = "a) Yes", "b) No"
GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITY = {code: f"{letter}) {code}" for letter, code in zip("abcdefghijklmnopqrst", (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"), strict=True)}
CATEGORY_OF_NEED = {
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
}
LEGAL_STATUS = {
    "C1": "C1: ICO",
    "C2": "C2: FCO",
    "D1": "D1: Freeing order",
    "E1": "E1: Placement order",
    "V2": "V2: Single period under S20",
    "V3": "V3: Short term breaks, episodes recorded",
    "V4": "V4: Short term breaks, agreements recorded",
    "L1": "L1: Police protection LA accommodation",
    "L2": "L2: EPO",
    "L3": "L3: Child assessment order LA accommodation",
    "J1": "J1: Remanded to LA or youth detention",
    "J2": "J2: LA accommodation under PACE",
    "J3": "J3: Youth rehabilitation order",
}
REASON_CEASED = {
    "E11": "a) E11: Adopted - application unopposed",
    "E12": "b) E12: Adopted - consent dispensed",
    "E2": "c) E2: Died",
    "E3": "d) E3: Care taken by another LA",
    "E4A": "e) E4A: Returned home to live with parents or relatives - part of planning",
    "E4B": "f) E4B: Returned home to live with parents or relatives - not part of planning",
    "E13": "g) E13: Parents, relatives or other with no parental responsibility",
    "E41": "h) E41: Residence order granted",
    "E45": "i) E45: Special Guardianship Orders - former carer relative/friend",
    "E46": "j) E46: Special Guardianship Orders - former carer other",
    "E47": "k) E47: Special Guardianship Orders - relative/friend",
    "E48": "l) E48: Special Guardianship Orders - other",
    "E5": "m) E5: Moved into independent living - supported",
    "E6": "n) E6: Moved into independent living - no support",
    "E7": "o) E7: Transferred to residential care funded by adult social services",
    "E9": "p) E9: Sentenced to custody",
    "E14": "q) E14: Accommodation on remand ended",
    "E15": "r) E15: Age assessment determined child was 18 or over",
    "E16": "s) E16: Child moved abroad",
    "E8": "t) E8: Care ceased for any other reason",
    "X1": "u) X1: CodeError",
    "E17": "v) E17: Aged 18+ and remained with current carers",
}
PLACEMENT_TYPE = {
    "U1": "a) U1: Foster placement - relatives - long term",
    "U2": "b) U2: Foster placement - relative - FFA",
    "U3": "c) U3: Foster placement - relative - not FFA",
    "U4": "d) U4: Foster placement - long term",
    "U5": "e) U5: Foster placement - FFA",
    "U6": "f) U6: Foster placement - not FFA",
    "A3": "g) A3: Placed for adoption - consent - current foster",
    "A4": "h) A4: Placed for adoption - consent - not foster",
    "A5": "i) A5: Placed for adoption - order - foster",
    "A6": "j) A6: Placed for adoption - order - not foster",
    "P1": "k) P1: Placed with parents",
    "P2": "l) P2: Independent living",
    "P3": "m) P3: Residential employment",
    "H5": "n) H5: Residential accommodation",
    "K1": "o) K1: Secure Children's Homes",
    "K2": "p) K2: Children's Homes",
    "R1": "q) R1: Residential Care Home",
    "R2": "r) R2: NHS/Health Trust",
    "R3": "s) R3: Family Centre or Mother and Baby Unit",
    "R5": "t) R5: Young Offender Institution",
    "S1": "u) S1: Residential school",
    "Z1": "v) Z1: Other placements",
    "T0": "w) T0: Temporary placement",
    "T1": "x) T1: Temporary placement - hospital",
    "T2": "y) T2: Temporary placement - holiday",
    "T3": "z) T3: Temporary placement - carer holiday",
    "T4": "zz) T4: Temporary placement - seven days or less",
}
PLACEMENT_PROVIDER = {
    "PR0": "a) PR0: Parents/Parental responsibility",
    "PR1": "b) PR1: Own provision",
    "PR2": "c) PR2: Other LA provision",
    "PR3": "d) PR3: Other public provision",
    "PR4": "e) PR4: Private provision",
    "PR5": "f) PR5: Voluntary/third sector",
}
ELIGIBILITY = {
    CareLeaverCategory.RELEVANT: "a) Relevant child",
    CareLeaverCategory.FORMER_RELEVANT: "b) Former relevant child",
    CareLeaverCategory.QUALIFYING: "c) Qualifying care leaver",
    CareLeaverCategory.ELIGIBLE: "d) Eligible child",
}
IN_TOUCH = {"YES": "a) Yes", "NO": "b) No", "DIED": "c) Died", "REFU": "d) Refu",
            "NREQ": "e) NREQ", "RHOM": "f) Rhom"}
ACCOMMODATION_TYPE = {
    "B": "B: Parents/relatives",
    "C": "C: Community home/residential care",
    "D": "D: Semi-independent, transitional accommodation and self-contained accommodation",
    "E": "E: Supported lodgings",
    "G": "G: Abroad",
    "H": "H: Deported",
    "K": "K: Ordinary lodgings, without formal support",
    "R": "R: Residence not known",
    "S": "S: No fixed abode/homeless",
    "T": "T: Foyers and similar supported accommodation",
    "U": "U: Independent living",
    "V": "V: Emergency accommodation",
    "W": "W: Bed and breakfast",
    "X": "X: In custody",
    "Y": "Y: Other accommodation",
    "Z": "Z: With former foster carers",
}
SUITABILITY = {"1": "a) Suitable", "2": "b) Unsuitable"}
ACTIVITY = {
    "F1": "F1: Full time in higher education",
    "P1": "P1: Part time in higher education",
    "F2": "F2: Full time in education other than higher",
    "P2": "P2: Part time in education other than higher",
    "F4": "F4: Young person engaged full time in an apprenticeship",
    "P4": "P4: Young person engaged part time in an apprenticeship",
    "F5": "F5: Young person engaged full time in training or employment (not apprenticeship)",
    "P5": "P5: Young person engaged part time in training or employment (not apprenticeship)",
    "G4": "G4: Not in education, employment or training - illness or disability",
    "G5": "G5: Not in education, employment or training - other",
    "G6": "G6: Not in education, employment or training - pregnancy or parenting",
}
CODED_VALUES_NOTE = (
    "Coded cells use the template's drop-down values. A code newer than the template's list "
    "(placement types K3 and Z11-Z14) is written as the SSDA903 code and its meaning, e.g. "
    "'K3: Registered supported accommodation'. OC3 code 0 (no information) is left blank."
)


def _coded(values: dict[str, str], code: str, labels: dict | None = None) -> str | None:
    """The template's value for an SSDA903 code; a code the template has no value for as
    "CODE: meaning" from our code list; None for no code."""
    if not code:
        return None
    if code in values:
        return values[code]
    label = (labels or {}).get(code)
    label = label[0] if isinstance(label, tuple) else label
    return f"{code}: {label}" if label else code


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


# --- The columns ---------------------------------------------------------------------------------

_NOT_HELD_MISSING = ("Missing and absence episodes (the SSDA903 Missing table) are not recorded "
                     "in Waymark. Left blank, not 0: no record is not the same as no episodes.")
_NOT_HELD_RETURN = "Return home interviews after a missing episode are not recorded in Waymark."
_NOT_HELD_AREA = ("Waymark holds neither the authority's own area nor the local authority of a "
                  "placement postcode, so it cannot say whether a placement is in or out of area.")
_NOT_HELD_PLACEMENT_LA = ("Waymark does not record which local authority a placement is in, and "
                          "cannot work it out from a postcode district or sector alone.")

COMMON_COLUMNS = (
    Column("Child Unique ID", source="The LA child id (SSDA903 CHILD)."),
    Column("Gender", source="Sex on the record (M, F, U) as the template's codes."),
    Column("Ethnicity", source="The SSDA903 ethnicity code on the record."),
    Column("Date of Birth", Kind.DATE, source="The date of birth on the record."),
    Column("Age of Child (Years)", Kind.NUMBER,
           source="Age in whole years on the as-of date."),
)

LIST_8_COLUMNS = (
    *COMMON_COLUMNS,
    Column("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
           source="Yes when the record is marked UASC. Waymark holds no date UASC status ended "
                  "(SSDA903 DUC), so a child whose status ended within the 12 months and whose "
                  "record was unmarked shows No."),
    Column("Does the Child have a Disability", source="The disability flag on the record."),
    Column("Date Started to be Looked After", Kind.DATE,
           source="Start of the period of care of the latest episode."),
    Column("Child's Category of Need",
           source="CIN of the latest episode (recorded at the start of the period of care)."),
    Column("Is this a second or subsequent period of being a Looked After Child within the last "
           "12 months (Y/N)",
           source="Yes when an earlier period of care (other than short breaks) ended within the "
                  "12 months up to the as-of date."),
    Column("Start date of current legal status", Kind.DATE,
           source="Start (DECOM) of the unbroken run of episodes in this period of care that have "
                  "the latest episode's legal status."),
    Column("Child's Legal Status", source="LS of the latest episode."),
    Column("Date of Latest Statutory Review", Kind.DATE,
           source="The latest CLA review on or before the as-of date in this period of care; "
                  "blank when none is recorded."),
    Column("Date of Last Social Work Visit", Kind.DATE,
           source="The latest statutory visit (CPPCR 2010 reg 28) on or before the as-of date in "
                  "this period of care; blank when none is recorded."),
    Column("What is the permanence plan for this child?",
           blank_because="Waymark holds no care plan or permanence decision for a looked-after "
                         "child (its pathway plans are for care leavers)."),
    Column("Date of Last IRO Visit / Contact to the Child", Kind.DATE,
           blank_because="IRO visits and contacts outside reviews are not recorded; the review "
                         "itself is in 'Date of Latest Statutory Review'."),
    Column("Date of Last Health Assessment", Kind.DATE,
           source="The latest health assessment (initial or review) on or before the as-of "
                  "date."),
    Column("Date of Last Dental Check", Kind.DATE,
           blank_because="Dental checks are not recorded (health assessments only)."),
    Column("Number of Placements in the Last 12 months", Kind.NUMBER,
           source="Placements open on at least one day of the 12 months up to the as-of date, "
                  "counted from the episodes as REFERENCE.md §4.1 counts them: short breaks "
                  "left out; changes of legal status, moves with the same carer (RNE L, T, U), "
                  "temporary moves (T0-T4) and adoption by the current foster carer (A3, A5) do "
                  "not start a placement."),
    Column("Date Ceased to be Looked After", Kind.DATE,
           source="For a child no longer looked after on the as-of date: the day care ceased "
                  "(DEC of the last episode). Blank while looked after."),
    Column("Reason Ceased to be Looked After",
           source="REC of the last episode, for a child no longer looked after."),
    Column("Start Date of Most Recent Placement", Kind.DATE,
           source="Start of the latest placement, counted as for the number of placements."),
    Column("Placement Type", source="PLACE of the latest episode."),
    Column("Placement Provider",
           source="PLACE_PROVIDER of the latest episode (none is recorded for T0-T3 and Z1)."),
    Column("Placement postcode", source="PL_POST of the latest episode."),
    Column("URN of Placement",
           source="URN of the latest episode as recorded (XXXXXXX where the setting has none)."),
    Column("Placement Location", blank_because=_NOT_HELD_AREA),
    Column("LA of Placement", blank_because=_NOT_HELD_PLACEMENT_LA),
    Column("Number of Episodes the Child has been 'Missing' from their Placement in the last "
           "12 months", Kind.NUMBER, blank_because=_NOT_HELD_MISSING),
    Column("Number of Episodes the Child has been 'Absent' from their Placement in the last "
           "12 months", Kind.NUMBER, blank_because=_NOT_HELD_MISSING),
    Column("Was the child offered a Return Interview after their last missing episode (Y/N)?",
           blank_because=_NOT_HELD_RETURN),
    Column("Did the child accept a Return Interview after their last missing episode (Y/N)?",
           blank_because=_NOT_HELD_RETURN),
    Column("Allocated Team", source="The team responsible for the young person."),
    Column("Allocated Worker",
           source="The social worker allocated on the as-of date; for a child who has left "
                  "care and has none now, the last social worker allocated."),
)

LIST_9_COLUMNS = (
    *COMMON_COLUMNS,
    Column("Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
           source="Yes when the record is marked UASC (a mark removed at 18 would show No)."),
    Column("Does the Child have a Disability", source="The disability flag on the record."),
    Column("Allocated Team", source="The team responsible for the young person."),
    Column("Allocated Worker",
           source="The social worker allocated on the as-of date; blank when there is none."),
    Column("Allocated Personal Advisor",
           source="The personal adviser allocated on the as-of date; blank when there is none."),
    Column("Eligibility Category",
           source="The care-leaver category on the as-of date, worked out from the care history "
                  "and the OC3 records by Waymark's care-leaver rules."),
    Column("Latest Pathway Plan Review Date", Kind.DATE,
           source="The latest pathway plan review on or before the as-of date."),
    Column("LA in Touch",
           source="IN_TOUCH on the latest confirmed OC3 record on or before the as-of date. OC3 "
                  "records are made around each birthday from 17, so this may be up to a year "
                  "old; a young person's own draft is not used until the adviser confirms it."),
    Column("Latest Date of Contact", Kind.DATE,
           source="The latest personal-adviser contact or social-worker visit on or before the "
                  "as-of date."),
    Column("Type of Accommodation",
           source="The letter of ACCOM on the latest confirmed OC3 record; blank for 0."),
    Column("Suitability of Accommodation",
           source="The suffix of ACCOM on the same record: 1 suitable, 2 unsuitable."),
    Column("Activity Status", source="ACTIV on the latest confirmed OC3 record; blank for 0."),
)


# --- Reading ---------------------------------------------------------------------------------------


def annex_a_for(*, user: User | None, as_of: dt.date | None = None) -> AnnexA:
    """Lists 8 and 9 on `as_of` (default today, in Europe/London), over the young people the user
    may see. Raises NotVisible unless the user reads reports. Five queries."""
    day = as_of or timezone.localdate()
    return AnnexA(as_of=day, lists=(annex_a_children_in_care(user=user, as_of=day),
                                    annex_a_care_leavers(user=user, as_of=day)))


class _EpisodeRow(NamedTuple):
    young_person_id: int
    period_id: int
    period_started_on: dt.date
    category_of_need: str
    facts: EpisodeFacts


def annex_a_children_in_care(*, user: User | None, as_of: dt.date | None = None) -> AnnexAList:
    """List 8: children looked after on `as_of`, and those who ceased to be in the 6 months up to
    it; short breaks (V3/V4) left out. Raises NotVisible unless the user reads reports. Two
    queries."""
    _require_reports(user)
    day = as_of or timezone.localdate()
    since = add_months(day, -CEASED_WITHIN_MONTHS)
    care = Episode.objects.counted()
    in_care = care.looked_after_on(day)
    ceased = care.filter(ended_on__gte=since, ended_on__lte=day).exclude(reason_ceased="X1")
    cohort = access.young_people_visible_to(user, Area.CARE_HISTORY).filter(
        Exists(in_care.filter(young_person=OuterRef("pk")))
        | Exists(ceased.filter(young_person=OuterRef("pk"))))
    people = list(cohort.order_by("child_id").values(
        "pk", "child_id", "sex", "ethnicity", "date_of_birth", "uasc", "disability",
        team_name=F("team__name"),
        latest_review=_latest(CLAReview, "held_on", day),
        latest_visit=_latest(SocialWorkerVisit, "visited_on", day),
        latest_health=_latest(HealthAssessment, "held_on", day),
        social_worker_now=_worker(AllocationRole.SOCIAL_WORKER, day),
        social_worker_last=_worker(AllocationRole.SOCIAL_WORKER, day, last=True),
    ))
    episodes: dict[int, list[_EpisodeRow]] = defaultdict(list)
    for pk, period_id, period_start, need, *facts in (
        care.filter(young_person__in=cohort.values("pk"), started_on__lte=day)
        .order_by("young_person_id", "started_on")
        .values_list("young_person_id", "period_of_care_id", "period_of_care__started_on",
                     "category_of_need", *EPISODE_FIELDS)
    ):
        episodes[pk].append(_EpisodeRow(pk, period_id, period_start, need, EpisodeFacts(*facts)))
    rows = [_children_in_care_row(person, episodes[person["pk"]], day) for person in people]
    return AnnexAList(
        number=8, title="Children in care",
        cohort=(
            f"Children looked after on {day:%d/%m/%Y}: an episode started on or before that day "
            "and not ended by it (an episode's DEC is the day care ceased).",
            f"And, as the template asks, children who ceased to be looked after in the "
            f"{CEASED_WITHIN_MONTHS} months before: an episode ending from {since:%d/%m/%Y} to "
            f"{day:%d/%m/%Y} with a reason other than X1.",
            "Short breaks (legal status V3/V4) are left out, as in every DfE figure for children "
            "looked after (REFERENCE.md §4.1 a2): a child only on short breaks is not listed, "
            "and short-break episodes count nowhere in the other columns.",
        ),
        columns=LIST_8_COLUMNS,
        rows=tuple(rows),
        young_person_ids=tuple(person["pk"] for person in people),
    )


def annex_a_care_leavers(*, user: User | None, as_of: dt.date | None = None) -> AnnexAList:
    """List 9: young people who are eligible, relevant, former relevant or qualifying on `as_of`
    by the care-leaver rules. Raises NotVisible unless the user reads reports. Three queries."""
    _require_reports(user)
    day = as_of or timezone.localdate()
    oc3 = (CareLeaverRecord.objects.filter(young_person=OuterRef("pk"), recorded_on__lte=day)
           .exclude(status=RecordStatus.DRAFT).order_by("-recorded_on", "-age", "-pk"))
    candidates = (
        access.young_people_visible_to(user, Area.CARE_LEAVER)
        # Aged 16 to 24: born on or before the day 16 years ago and after the day 25 years ago.
        .filter(date_of_birth__lte=add_months(day, -12 * 16),
                date_of_birth__gt=add_months(day, -12 * 25))
        .filter(Exists(Episode.objects.filter(young_person=OuterRef("pk"), started_on__lte=day)))
        .select_related("team")
        .only("pk", "child_id", "sex", "ethnicity", "date_of_birth", "uasc", "disability",
              "team__name")
        .annotate(
            latest_pathway_review=_latest(PathwayPlanReview, "held_on", day),
            latest_pa_contact=_latest(PAContact, "contact_on", day),
            latest_visit=_latest(SocialWorkerVisit, "visited_on", day),
            in_touch=Subquery(oc3.values("in_touch")[:1]),
            activity=Subquery(oc3.values("activity")[:1]),
            accommodation=Subquery(oc3.values("accommodation")[:1]),
            social_worker=_worker(AllocationRole.SOCIAL_WORKER, day),
            personal_adviser=_worker(AllocationRole.PERSONAL_ADVISER, day),
        )
        .order_by("child_id")
    )
    people = list(candidates)
    statuses = care_leaver_statuses_for(young_people=people, on=day)
    listed = [p for p in people if statuses[p.pk].category in LIST_9_CATEGORIES]
    return AnnexAList(
        number=9, title="Care leavers",
        cohort=(
            f"Young people aged 16 to 24 on {day:%d/%m/%Y} who are then eligible, relevant, "
            "former relevant or qualifying care leavers (the template's four categories), by "
            "Waymark's care-leaver rules (Children Act 1989 Sch 2 para 19B, s23A, s23C, s24; "
            "CPPCR 2010 reg 40; CL 2010 reg 3).",
            "Short breaks (V3/V4) do not make a young person eligible or relevant (CPPCR 2010 "
            "reg 40(2)). From 21 a young person is listed only when their latest OC3 activity "
            "is education or training (s23C(7), s24B); requests for a personal adviser's "
            "support to 25 (s23CZB) are not recorded.",
            "Not modelled by the rules: special guardianship orders, and being accommodated or "
            "privately fostered outside the authority's care (s24(1A), s24(2)).",
        ),
        columns=LIST_9_COLUMNS,
        rows=tuple(_care_leaver_row(p, statuses[p.pk].category, day) for p in listed),
        young_person_ids=tuple(p.pk for p in listed),
    )


def _require_reports(user: User | None) -> None:
    if not access.may_export_903(user):
        raise access.NotVisible


def _latest(model: type[Model], field: str, day: dt.date) -> Subquery:
    """The young person's latest `field` on or before `day`."""
    return Subquery(model.objects.filter(young_person=OuterRef("pk"), **{f"{field}__lte": day})
                    .order_by(f"-{field}").values(field)[:1])


def _worker(role: AllocationRole, day: dt.date, *, last: bool = False) -> Subquery:
    """The full name of the worker allocated in `role` on `day`; with `last`, of the latest
    allocation that had started by then (open first, then the one that ended latest)."""
    allocations = Allocation.objects.filter(young_person=OuterRef("pk"), role=role,
                                            started_on__lte=day)
    if not last:
        allocations = allocations.current(day)
    return Subquery(
        allocations.order_by(F("ended_on").desc(nulls_first=True), "-started_on")
        .annotate(name=Concat("worker__first_name", Value(" "), "worker__last_name",
                              output_field=CharField()))
        .values("name")[:1])


def _common(*, child_id: str, sex: str, ethnicity: str, born: dt.date, day: dt.date) -> list[Cell]:
    return [child_id, GENDER.get(sex), ETHNICITY.get(ethnicity), born, age_on(born, day)]


def _name(value: str | None) -> str | None:
    return (value or "").strip() or None


def _children_in_care_row(person: dict, episodes: list[_EpisodeRow], day: dt.date
                          ) -> tuple[Cell, ...]:
    current = [e for e in episodes if open_on(e.facts.started_on, e.facts.ended_on, day)]
    looked_after = bool(current)
    # The cohort query guarantees an episode: the current one, or the last that has ended.
    last = current[-1] if looked_after else episodes[-1]
    facts = last.facts
    year_start = add_months(day, -12) + ONE_DAY
    placements = placements_from(e.facts for e in episodes)
    worker = person["social_worker_now"] if looked_after else (
        person["social_worker_now"] or person["social_worker_last"])
    return (
        *_common(child_id=person["child_id"], sex=person["sex"], ethnicity=person["ethnicity"],
                 born=person["date_of_birth"], day=day),
        _yes_no(person["uasc"]),
        _yes_no(person["disability"]),
        last.period_started_on,
        _coded(CATEGORY_OF_NEED, last.category_of_need, codes.CATEGORY_OF_NEED),
        _yes_no(_earlier_period_ended_since(episodes, last, year_start)),
        _legal_status_since(episodes, last),
        _coded(LEGAL_STATUS, facts.legal_status, codes.LEGAL_STATUS),
        _within_period(person["latest_review"], last),
        _within_period(person["latest_visit"], last),
        None,
        None,
        person["latest_health"],
        None,
        sum(1 for p in placements if p.overlaps(year_start, day)),
        None if looked_after else facts.ended_on,
        None if looked_after else _coded(REASON_CEASED, facts.reason_ceased,
                                         codes.REASON_EPISODE_CEASED),
        placements[-1].started_on if placements else None,
        _coded(PLACEMENT_TYPE, facts.place, codes.PLACEMENT_TYPE),
        _coded(PLACEMENT_PROVIDER, facts.place_provider, codes.PLACEMENT_PROVIDER),
        facts.placement_postcode or None,
        facts.urn or None,
        None,
        None,
        None,
        None,
        None,
        None,
        person["team_name"],
        _name(worker),
    )


def _within_period(day: dt.date | None, last: _EpisodeRow) -> dt.date | None:
    """`day` if it falls in `last`'s period of care (it is never after the as-of date)."""
    return day if day and day >= last.period_started_on else None


def _earlier_period_ended_since(episodes: Iterable[_EpisodeRow], last: _EpisodeRow,
                                since: dt.date) -> bool:
    """Whether an earlier period of care than `last`'s ended on or after `since`."""
    return any(e.period_id != last.period_id and e.period_started_on < last.period_started_on
               and e.facts.ended_on is not None and e.facts.ended_on >= since
               for e in episodes)


def _legal_status_since(episodes: list[_EpisodeRow], last: _EpisodeRow) -> dt.date:
    """The start of the unbroken run of episodes, in `last`'s period of care, with its legal
    status (a new episode starts on every change of legal status, RNE L, B or U)."""
    index = episodes.index(last)
    while index > 0:
        before, this = episodes[index - 1], episodes[index]
        if (before.period_id != last.period_id or before.facts.ended_on != this.facts.started_on
                or before.facts.legal_status != last.facts.legal_status):
            break
        index -= 1
    return episodes[index].facts.started_on


def _care_leaver_row(person: YoungPerson, category: CareLeaverCategory, day: dt.date
                     ) -> tuple[Cell, ...]:
    accommodation = person.accommodation if person.accommodation not in (None, "0") else ""
    contacts = [d for d in (person.latest_pa_contact, person.latest_visit) if d]
    return (
        *_common(child_id=person.child_id, sex=person.sex, ethnicity=person.ethnicity,
                 born=person.date_of_birth, day=day),
        _yes_no(person.uasc),
        _yes_no(person.disability),
        person.team.name,
        _name(person.social_worker),
        _name(person.personal_adviser),
        ELIGIBILITY[category],
        person.latest_pathway_review,
        IN_TOUCH.get(person.in_touch or ""),
        max(contacts) if contacts else None,
        _coded(ACCOMMODATION_TYPE, accommodation[:1], codes.ACCOMMODATION_TYPE),
        SUITABILITY.get(accommodation[1:]),
        ACTIVITY.get(person.activity or ""),
    )

