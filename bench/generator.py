"""A deterministic synthetic local authority: teams, staff, and young people aged 10 to 24 with
SSDA903-valid care histories and every record Waymark keeps about them.

Nobody here is real: names come from small built-in lists, dates and codes from one
``random.Random(seed)``, so the same seed and "today" give the same people, dates and codes.
Rows are streamed in chunks, with PostgreSQL ``COPY`` (psycopg 3) on PostgreSQL and
``bulk_create`` elsewhere. Both bypass django-simple-history, so the synthetic records have no
history rows: acceptable for a seed, and what keeps 100,000 young people inside minutes.

Waymark is taken to have gone live ``GO_LIVE_DAYS`` before "today": pathway plans are kept from
the plan current at go-live onwards (numbered by their place in the young person's history), and
visits, contacts and PEP meetings cover the last year. Care histories, reviews, health
assessments and education go back to the start.
"""

from __future__ import annotations

import datetime as dt
import itertools
import queue
import random
import threading
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from outcomes import codes
from outcomes import models as m

DEMO_PASSWORD = "waymark-demo"  # noqa: S105 - the published demo password (README)
LONDON = ZoneInfo("Europe/London")
CHUNK = 2000  # young people generated and written per round trip
GO_LIVE_DAYS = 365
RECENT_DAYS = 365
ANCHOR_AGES = (17, 19, 17, 20, 18, 21, 17, 19)  # the first young people: the demo caseload
MIN_YOUNG_PEOPLE = len(ANCHOR_AGES)

TEAM_LEAVING_CARE = "Leaving care team"
TEAM_NORTH = "Children in care team (North)"
TEAM_SOUTH = "Children in care team (South)"

# Collection-year boundaries (codes.PLACEMENT_TYPE): K3 from 2024-25, H5/P2/Z1 end with 2024-25.
K3_FROM = dt.date(2024, 4, 1).toordinal()
CUTOVER_2026 = dt.date(2025, 4, 1).toordinal()
PLACEMENT_ORDERS_FROM = dt.date(2005, 12, 30).toordinal()  # E1 replaced D1 (REFERENCE.md 3.2)
RETIRED = {"H5": "K3", "P2": "K3", "Z1": "Z11"}
NO_KS2_TESTS = frozenset({2020, 2021})  # no KS2 tests in the pandemic years
NO_PROGRESS8 = frozenset({2020, 2021, 2025, 2026})

FEMALE_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Ella", "Evie", "Chloe",
    "Sophie", "Ruby", "Poppy", "Jessica", "Emily", "Holly", "Megan", "Amy", "Leah", "Jade", "Aisha",
    "Zara", "Maya", "Hannah", "Lucy", "Katie", "Bethany", "Courtney", "Tia", "Niamh", "Demi",
    "Abigail", "Layla", "Nadia", "Shannon", "Kayleigh", "Precious", "Amira", "Rosie",
)
MALE_NAMES = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Charlie", "Jacob", "Alfie", "Freddie",
    "Oscar", "Thomas", "Joshua", "James", "Daniel", "Kyle", "Callum", "Connor", "Liam", "Ryan",
    "Tyler", "Jordan", "Kai", "Reece", "Lewis", "Mohammed", "Ahmed", "Yusuf", "Ibrahim", "Samuel",
    "Ethan", "Mason", "Jayden", "Dylan", "Nathan", "Aaron", "Kieran", "Bradley", "Elijah", "Omar",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Cooper", "Ward",
    "Morris", "King", "Harris", "Baker", "Lewis", "Carter", "Mitchell", "Phillips", "Allen",
    "Young", "Scott", "Adams", "Campbell", "Kelly", "Begum", "Khan", "Ali", "Hussain", "Ahmed",
    "Mensah", "Okafor", "Campbell", "Francis", "Murphy", "Price", "Bennett", "Gray", "Shaw",
    "Lloyd", "Ellis", "Reid", "Marshall",
)
SHORT_NAMES = {"Olivia": "Liv", "Jessica": "Jess", "Abigail": "Abi", "Thomas": "Tom",
               "Joshua": "Josh", "James": "Jamie", "Daniel": "Dan", "Samuel": "Sam",
               "Nathan": "Nate", "Bethany": "Beth", "Mohammed": "Mo", "Alfie": "Alf",
               "Kayleigh": "Kay", "Elijah": "Eli", "Charlie": "Chaz", "Freddie": "Fred"}

# Postcode districts in and around a west-London borough (Richmond upon Thames, E09000027).
NORTH_DISTRICTS = ("TW1", "TW2", "TW9", "TW10", "TW11")
SOUTH_DISTRICTS = ("TW12", "KT1", "KT2", "SW14", "SW15")
OUT_OF_AREA = ("GU1", "RG1", "SL1", "CR0", "BN1", "MK9", "SM1", "HA1", "UB3", "RH1", "ME1", "KT6")
LA_DISTRICTS = (*NORTH_DISTRICTS, "TW12", "SW14")  # inside the borough
# Real postcodes (ONS postcode directory, as bundled with the SSDA903 validator), because the
# validator derives the placement's authority and distance from them (SSDA903.md §2.6 item 6).
# Homes take the first three of a district and placements the last three, so a placement never
# shares the home's postcode (rule 392d).
REAL_POSTCODES = {
    "TW1": ("TW1 1AA", "TW1 1UA", "TW1 2QA", "TW1 3JB", "TW1 4BW", "TW1 4WH"),
    "TW2": ("TW2 5AA", "TW2 5LZ", "TW2 5WZ", "TW2 6JR", "TW2 6UN", "TW2 7LN"),
    "TW9": ("TW9 1AA", "TW9 1RN", "TW9 2FP", "TW9 2XD", "TW9 3RX", "TW9 4RN"),
    "TW10": ("TW10 3DJ", "TW10 6AA", "TW10 6HZ", "TW10 6TG", "TW10 7BT", "TW10 7PF"),
    "TW11": ("TW11 0AA", "TW11 0QF", "TW11 1EL", "TW11 8LQ", "TW11 8XJ", "TW11 9LF"),
    "TW12": ("TW12 1AA", "TW12 1PD", "TW12 2BU", "TW12 2PS", "TW12 2ZE", "TW12 3TH"),
    "KT1": ("KT1 1AA", "KT1 1TD", "KT1 2NP", "KT1 3DQ", "KT1 3WP", "KT1 9LP"),
    "KT2": ("KT2 5AA", "KT2 5LX", "KT2 5YA", "KT2 6LH", "KT2 7AF", "KT2 7PB"),
    "SW14": ("SW14 7AA", "SW14 7JR", "SW14 7WN", "SW14 8EJ", "SW14 8PP", "SW14 8XL"),
    "SW15": ("SW15 1AA", "SW15 1ZQ", "SW15 2WQ", "SW15 3ZE", "SW15 5HR", "SW15 6PQ"),
    "GU1": ("GU1 1AA", "GU1 1WF", "GU1 2RN", "GU1 3PH", "GU1 4HS", "GU1 9DY"),
    "RG1": ("RG1 1AA", "RG1 2PE", "RG1 4AZ", "RG1 5QX", "RG1 7FW", "RG1 8PL"),
    "SL1": ("SL1 0AA", "SL1 1BH", "SL1 2EY", "SL1 3GY", "SL1 4LQ", "SL1 5RD"),
    "CR0": ("CR0 0AA", "CR0 1PJ", "CR0 2XD", "CR0 4NW", "CR0 6JA", "CR0 7UP"),
    "BN1": ("BN1 1AA", "BN1 2HB", "BN1 3TA", "BN1 4XU", "BN1 6JR", "BN1 8FH"),
    "MK9": ("MK9 1AA", "MK9 1LN", "MK9 2EB", "MK9 2PH", "MK9 3DL", "MK9 3NZ"),
    "SM1": ("SM1 1AA", "SM1 1XG", "SM1 2TT", "SM1 3QT", "SM1 4NE", "SM1 9EG"),
    "HA1": ("HA1 1AA", "HA1 1UA", "HA1 2PU", "HA1 3HP", "HA1 4EL", "HA1 4YA"),
    "UB3": ("UB3 1AA", "UB3 1WG", "UB3 2RQ", "UB3 3QA", "UB3 4TL", "UB3 9FF"),
    "RH1": ("RH1 1AA", "RH1 1TY", "RH1 2WG", "RH1 4AJ", "RH1 5SH", "RH1 6QQ"),
    "ME1": ("ME1 1AA", "ME1 1PF", "ME1 2AX", "ME1 2RQ", "ME1 3HX", "ME1 9EY"),
    "KT6": ("KT6 4AA", "KT6 4PY", "KT6 5BQ", "KT6 6ET", "KT6 6WX", "KT6 7NE"),
}
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

SCHOOL_WORDS = (
    "Riverside", "Meadow", "Oakfield", "Hillview", "Orchard", "Kingsmead", "Larkrise", "Fairway",
    "Brookside", "Heathfield", "Woodlands", "Parkside", "Greenacre", "Mill Lane", "Elmtree",
    "Ashgrove", "Beechwood", "Castlebar", "Willow Bank", "Hollyfield", "Redbridge", "Stonegate",
    "Lakeside", "Thornbury", "Chestnut", "Foxhill", "Bramble", "Highcroft", "Marsh Lane", "Rowan",
)
RELATIONSHIPS = (("grandmother", "F", 30), ("aunt", "F", 25), ("family friend", "", 15),
                 ("grandfather", "M", 7), ("uncle", "M", 8), ("older sibling", "", 8),
                 ("cousin", "", 7))

Table = tuple[tuple, list[float]]


def _table(pairs: Iterable[tuple[object, float]]) -> Table:
    """A weighted choice table: the items and their cumulative weights."""
    pairs = list(pairs)
    return tuple(p[0] for p in pairs), list(itertools.accumulate(p[1] for p in pairs))


AGES = _table([(10, 5), (11, 5), (12, 6), (13, 7), (14, 8), (15, 9), (16, 11), (17, 12), (18, 10),
               (19, 9), (20, 8), (21, 7), (22, 4), (23, 3), (24, 3)])
CAREERS_UNDER_16 = _table([("cla", 70), ("adopted", 7), ("sgo", 8), ("home", 11),
                           ("short_break", 4)])
CAREERS_16_17 = _table([("cla", 78), ("leaver", 8), ("home", 6), ("sgo", 3), ("short_break", 5)])
CAREERS_ADULT = _table([("leaver", 86), ("sgo", 3), ("home", 6), ("adopted", 2),
                        ("short_break", 3)])
ETHNICITIES = _table([("WBRI", 58), ("WOTH", 8), ("WIRI", 1), ("WIRT", 1), ("WROM", 1.5),
                      ("MWBC", 4), ("MWBA", 2), ("MWAS", 2), ("MOTH", 3), ("AIND", 1),
                      ("APKN", 1.5), ("ABAN", 1), ("AOTH", 1.5), ("BCRB", 2), ("BAFR", 4),
                      ("BOTH", 2), ("CHNE", 0.3), ("OOTH", 3), ("REFU", 0.5), ("NOBT", 1)])
UASC_ETHNICITIES = _table([("AOTH", 30), ("OOTH", 30), ("BAFR", 25), ("MOTH", 5), ("WOTH", 10)])
NEEDS = _table([("N1", 57), ("N2", 2), ("N3", 3), ("N4", 8), ("N5", 15), ("N6", 2), ("N7", 0.3),
                ("N8", 4)])
SEN = _table([("none", 50), ("sen_support", 28), ("ehcp", 22)])
EXTRA_PLACEMENTS = _table([(0, 36), (1, 26), (2, 16), (3, 9), (4, 5), (5, 4), (6, 2), (7, 2)])
PLACES_CHILD = _table([("U6", 44), ("U4", 20), ("U3", 14), ("U1", 5), ("P1", 6), ("K2", 4),
                       ("U5", 2), ("S1", 1)])
PLACES_TEEN = _table([("U6", 33), ("U4", 18), ("U3", 9), ("U1", 5), ("K2", 24), ("P1", 4),
                      ("S1", 3), ("K1", 1)])
PLACES_OLDER = _table([("U6", 20), ("U4", 12), ("U3", 5), ("U1", 3), ("K2", 16), ("SEMI", 36),
                       ("INDEP", 2), ("P1", 3), ("OTHER", 1), ("K1", 1), ("R5", 1)])
FIRST_STATUS_CARE_ORDER = _table([("C1", 65), ("V2", 20), ("L1", 10), ("L2", 5)])
TEMPORARY = _table([("T4", 50), ("T3", 20), ("T1", 12), ("T2", 10), ("T0", 8)])
PLACE_CHANGE_REASONS = _table([("CARPL", 31), ("OTHER", 22), ("CREQB", 8), ("CREQO", 6),
                               ("CHILD", 3), ("LAREQ", 1), ("STAND", 1), ("CLOSE", 1),
                               ("ALLEG", 1), ("APPRR", 0.5)])
FOSTER_PROVIDERS = _table([("PR1", 55), ("PR4", 40), ("PR5", 5)])
PROVIDERS = {
    "K1": _table([("PR1", 50), ("PR2", 50)]),
    "K2": _table([("PR4", 75), ("PR1", 15), ("PR5", 10)]),
    "H5": _table([("PR4", 70), ("PR5", 20), ("PR1", 10)]),
    "K3": _table([("PR4", 70), ("PR5", 20), ("PR1", 10)]),
    "A5": _table([("PR1", 50), ("PR2", 20), ("PR5", 30)]),
    "A6": _table([("PR1", 50), ("PR2", 20), ("PR5", 30)]),
}
FIXED_PROVIDERS = {"U1": "PR1", "U2": "PR1", "U3": "PR1", "P1": "PR0", "P2": "PR1", "S1": "PR4",
                   "R5": "PR3"}
HOME_ENDINGS = _table([("E4A", 60), ("E4B", 15), ("E13", 15), ("E41", 5), ("E8", 5)])
EARLY_LEAVING = _table([("E5", 35), ("E6", 20), ("E13", 20), ("E4A", 15), ("E4B", 10)])
FOSTER_LEAVING = _table([("E17", 62), ("E5", 18), ("E6", 12), ("E13", 8)])
OTHER_LEAVING = _table([("E5", 58), ("E6", 30), ("E13", 6), ("E8", 4), ("E7", 2)])
PARTICIPATION = _table([("PN1", 55), ("PN2", 8), ("PN3", 3), ("PN4", 4), ("PN5", 10), ("PN6", 12),
                        ("PN7", 8)])
# Never None: SocialWorkerVisit.seen_alone is null=True without blank=True, so full_clean()
# refuses the "unknown" its help text describes.
SEEN_ALONE = _table([(True, 80), (False, 20)])
PA_METHODS = _table([("visit", 35), ("phone", 25), ("message", 20), ("video", 8), ("email", 5),
                     ("office", 7)])
IN_TOUCH = _table([("YES", 86), ("NO", 5), ("REFU", 3), ("NREQ", 3), ("RHOM", 2)])
ACTIVITY_18 = _table([("F2", 40), ("F4", 5), ("F5", 8), ("P5", 5), ("P2", 3), ("G5", 26),
                      ("G4", 7), ("G6", 6)])
ACTIVITY_19 = _table([("F1", 8), ("P1", 1), ("F2", 15), ("P2", 3), ("F4", 6), ("P4", 1),
                      ("F5", 20), ("P5", 8), ("G5", 24), ("G4", 8), ("G6", 6)])
ACTIVITY_EET = _table([("F1", 15), ("F2", 25), ("F4", 10), ("F5", 40), ("P5", 10)])
ACCOMMODATION_18 = _table([("D1", 24), ("E1", 8), ("K1", 4), ("U1", 10), ("T1", 3), ("B1", 8),
                           ("C1", 3), ("Y1", 2), ("B2", 2), ("D2", 2), ("S2", 1), ("V2", 1),
                           ("X2", 1), ("W2", 0.5)])
ACCOMMODATION_19 = _table([("U1", 38), ("D1", 15), ("Z1", 6), ("B1", 9), ("E1", 4), ("K1", 6),
                           ("T1", 3), ("Y1", 2), ("U2", 4), ("S2", 2), ("V2", 2), ("X2", 2),
                           ("W2", 1), ("B2", 2), ("K2", 1), ("G1", 0.5)])
CONTACT_PREFERENCES = _table([("telegram", 20), ("phone", 35), ("text", 30), ("email", 10),
                              ("visit", 5)])
CONTACT_NOTES = ("Best after 3pm on weekdays.", "Prefers texts to calls.",
                 "Works Saturdays; not before 11am.", "Ask for them at reception, not the flat.",
                 "Do not leave voicemails.", "Happy to meet at the library.")


@dataclass(frozen=True)
class Section:
    """Template text for one statutory heading of a pathway plan."""

    assessments: tuple[str, ...]
    goals: tuple[str, ...]
    views: tuple[str, ...]


SECTIONS: dict[str, Section] = {
    m.PlanHeading.SUPPORT_CONTACT: Section(
        ("Sees their PA every four to six weeks and texts in between.",
         "Keyworker at the placement offers daily support; PA visits monthly."),
        ("Agree how and when we keep in touch", "Meet the new PA before the handover"),
        ("I'd rather text than have calls.", "I want the same worker for longer.")),
    m.PlanHeading.EDUCATION_TRAINING: Section(
        ("On a level 2 course at college; attendance has dipped since the move.",
         "Out of education since the summer; interested in a construction course.",
         "Studying for A levels; needs a quiet place to revise."),
        ("Enrol on the level 2 course", "Apply for the care leaver bursary",
         "Get maths and English to grade 4"),
        ("I want to finish my course.", "College is too far from the flat.")),
    m.PlanHeading.EMPLOYMENT: Section(
        ("Part-time work at a cafe; would like more hours.",
         "No work experience yet; open to an apprenticeship."),
        ("Apply for three apprenticeships", "Write a CV with the employment adviser"),
        ("I want a job that pays properly.", "I'd like to work with animals.")),
    m.PlanHeading.CONTINGENCY: Section(
        ("If the placement ends, the duty PA arranges emergency accommodation the same day.",
         "If the tenancy is at risk, the PA asks housing for an early review."),
        ("Keep the out-of-hours number on the phone",),
        ("I know who to call if things go wrong.",)),
    m.PlanHeading.ACCOMMODATION: Section(
        ("Staying Put with former foster carers; suitable.",
         "In supported accommodation; ready to bid for a council flat next year.",
         "Own tenancy; rent arrears building up."),
        ("Register on the housing list", "Set up a rent payment plan", "Visit the new flat"),
        ("I want to stay where I am until I finish college.", "I want to move nearer my sister.")),
    m.PlanHeading.RELATIONSHIPS: Section(
        ("Sees mum monthly, supervised; close to an older brother.",
         "No contact with birth family at their request; strong friendships."),
        ("Arrange contact with siblings", "Look at life-story work together"),
        ("I want to see my brother more.", "I don't want contact with my dad.")),
    m.PlanHeading.INDEPENDENT_LIVING_SKILLS: Section(
        ("Cooks simple meals; needs help with budgeting and bills.",
         "Manages well day to day; has not yet registered with a GP on their own."),
        ("Complete the independent living skills course", "Open a bank account"),
        ("I can cook but I'm rubbish with money.",)),
    m.PlanHeading.FINANCE: Section(
        ("Receives the setting-up-home allowance and a bursary; some debt on a phone contract.",
         "Universal Credit in payment; council tax exemption applied."),
        ("Apply for the setting-up-home allowance", "Check council tax exemption is in place"),
        ("I need help sorting out my phone bill.",)),
    m.PlanHeading.HEALTH: Section(
        ("Registered with a GP and dentist; on the waiting list for counselling.",
         "Good physical health; smoking, wants to stop."),
        ("Book a dental check-up", "Referral to the young people's counselling service"),
        ("I want to talk to someone about how I feel.", "I'm fine, I just need my medication.")),
    m.PlanHeading.IDENTITY: Section(
        ("Proud of their heritage; attends church with a family friend.",
         "Has their passport and birth certificate; exploring their family history."),
        ("Apply for a passport", "Find a mentor from the same community"),
        ("I want to learn more about where my family is from.",)),
}
HEADINGS = tuple(m.PlanHeading)
REVIEW_OUTCOMES = ("Plan still right; actions carried forward.",
                   "Accommodation section rewritten after the move.",
                   "New education goals agreed after results day.")
PANEL_VIEWS = ("Panel supports a short extension while the assessment is completed.",
               "Panel content for the placement to continue; assessment nearly done.")
NEEDS_SUMMARY = "Needs assessed with the young person before the pathway plan."
PEP_SUMMARIES = ("Targets reviewed; PP+ funds a maths tutor.", "Attendance plan agreed.",
                 "Settling well after the school move.", "")

# Rows are written as tuples in these column orders (attribute names). Tables that other tables
# point at carry their own ids, which the generator assigns so it never has to read them back.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    m.YoungPerson: ("id", "child_id", "legal_first_name", "legal_last_name", "preferred_name",
                    "date_of_birth", "sex", "ethnicity", "upn", "uasc", "disability",
                    "sen_status", "team_id", "preferred_contact", "phone", "email",
                    "contact_notes", "created_at", "authority_accommodation", "is_mother",
                    "first_child_born_on"),
    m.PeriodOfCare: ("id", "young_person_id", "started_on", "ended_on", "reason_ceased",
                     "previous_permanence", "previous_permanence_la", "previous_permanence_on"),
    m.Episode: ("young_person_id", "period_of_care_id", "started_on", "reason_new_episode",
                "legal_status", "category_of_need", "place", "place_provider", "ended_on",
                "reason_ceased", "reason_place_change", "home_postcode", "placement_postcode",
                "urn"),
    m.ConnectedPersonApproval: ("young_person_id", "carer_name", "relationship", "approved_on",
                                "nominated_officer_id", "extended_until", "panel_view",
                                "iro_informed_on", "extension_approved_by_id",
                                "fully_approved_on", "ended_on"),
    m.Allocation: ("young_person_id", "worker_id", "role", "started_on", "ended_on", "reason"),
    m.PathwayPlan: ("id", "young_person_id", "number", "status", "agreed_on", "created_by_id",
                    "created_at", "updated_at", "version"),
    m.PlanSection: ("id", "plan_id", "heading", "assessment"),
    m.Goal: ("id", "section_id", "description", "owner_id", "target_date", "status", "version"),
    m.GoalAction: ("goal_id", "description", "owner_id", "due_on", "done_on"),
    m.GoalProgress: ("goal_id", "actor_id", "status", "note", "channel", "recorded_at"),
    m.YoungPersonView: ("section_id", "text", "expressed_on", "recorded_by_id", "channel",
                        "recorded_at"),
    m.PathwayPlanReview: ("young_person_id", "plan_id", "held_on", "reviewer_id", "outcome"),
    m.NeedsAssessment: ("young_person_id", "completed_on", "assessor_id", "summary"),
    m.CLAReview: ("young_person_id", "held_on", "chair_id", "participation"),
    m.PEPReview: ("young_person_id", "held_on", "school_urn", "summary"),
    m.HealthAssessment: ("young_person_id", "kind", "held_on"),
    m.SocialWorkerVisit: ("young_person_id", "visited_on", "worker_id", "seen_alone", "note"),
    m.PAContact: ("young_person_id", "contact_on", "adviser_id", "method", "note"),
    m.SchoolEnrolment: ("young_person_id", "urn", "school_name", "started_on", "ended_on"),
    m.KS2Result: ("young_person_id", "academic_year", "reading_expected", "writing_expected",
                  "maths_expected", "reading_scaled", "maths_scaled", "sen_status"),
    m.KS4Result: ("young_person_id", "academic_year", "attainment8", "english_grade",
                  "maths_grade", "progress8", "sen_status"),
    m.Attendance: ("young_person_id", "academic_year", "term", "sessions_possible",
                   "sessions_attended", "suspensions", "permanently_excluded"),
    m.CareLeaverRecord: ("young_person_id", "age", "recorded_on", "in_touch", "activity",
                         "accommodation", "status", "recorded_by_id"),
    m.OutcomesRecord: ("young_person_id", "collection_year", "sdq_score", "sdq_reason",
                       "convicted", "health_check", "immunisations", "teeth_check",
                       "health_assessment", "substance_misuse", "intervention_received",
                       "intervention_offered"),
    m.AdoptionDecision: ("young_person_id", "decided_on", "reversed_on", "reversal_reason"),
    m.Adoption: ("young_person_id", "best_interests_on", "matched_on", "by_foster_carers",
                 "number_of_adopters", "sex_of_adopters", "legal_status_of_adopters"),
}
WRITE_ORDER = tuple(COLUMNS)  # parents before children, so checked foreign keys always resolve
WITH_IDS = tuple(model for model, cols in COLUMNS.items() if cols[0] == "id")
EDUCATION = (m.SchoolEnrolment, m.KS2Result, m.KS4Result, m.Attendance)


# --- Where the rows go --------------------------------------------------------------------------


class Sink:
    """Receives the generated rows; the database sinks write them, the null sink only counts."""

    writes_database = True

    def first_id(self, model: type[models.Model]) -> int:
        """The first free id of a table whose ids the generator assigns."""
        return (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1

    def team(self, name: str) -> int:
        return m.Team.objects.get_or_create(name=name)[0].pk

    def create(self, objects: list[models.Model]) -> list[int]:
        """Create a few ORM objects of one model (staff, logins) and return their ids."""
        type(objects[0]).objects.bulk_create(objects, batch_size=500)
        return [obj.pk for obj in objects]

    def write(self, model: type[models.Model], rows: list[tuple]) -> None:
        """Write (or queue) a batch of rows; the sink owns the list from here on."""
        raise NotImplementedError

    def open(self) -> None:
        """Called before the first write."""

    def close(self) -> None:
        """Called after the last write, also when generating failed; raises a write error."""

    def finish(self) -> None:
        """Point the id sequences past the ids the generator assigned."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(WITH_IDS)):
                cursor.execute(statement)


class CopySink(Sink):
    """PostgreSQL: one COPY per table and chunk, through psycopg 3, on a writer thread.

    The thread uses the transaction's own psycopg connection, so the server ingests one chunk
    while Python generates the next; the generating thread leaves the connection alone meanwhile.
    """

    def __init__(self) -> None:
        self._batches: queue.Queue = queue.Queue(maxsize=2 * len(WRITE_ORDER))
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def open(self) -> None:
        connection.ensure_connection()
        raw = connection.connection
        self._thread = threading.Thread(target=self._copy_batches, args=(raw,), daemon=True)
        self._thread.start()

    def write(self, model: type[models.Model], rows: list[tuple]) -> None:
        if self._error is not None:
            raise self._error
        if rows:
            self._batches.put((model, rows))

    def close(self) -> None:
        if self._thread is not None:
            self._batches.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error

    def _copy_batches(self, raw: psycopg.Connection) -> None:
        statements = {model: self._statement(model) for model in WRITE_ORDER}
        while (batch := self._batches.get()) is not None:
            if self._error is not None:
                continue  # drain the queue so the generating thread never blocks
            model, rows = batch
            try:
                with raw.cursor() as cursor, cursor.copy(statements[model]) as copy:
                    for row in rows:
                        copy.write_row(row)
            except BaseException as error:  # re-raised in the generating thread
                self._error = error

    @staticmethod
    def _statement(model: type[models.Model]) -> sql.Composed:
        columns = [model._meta.get_field(name).column for name in COLUMNS[model]]
        return sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        )


class BulkCreateSink(Sink):
    """Any other database (SQLite by default): bulk_create in batches."""

    def write(self, model: type[models.Model], rows: list[tuple]) -> None:
        if not rows:
            return
        names = COLUMNS[model]
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        # auto_now(_add) would stamp every row with the moment of seeding; keep the history dates.
        stamped = [f for f in model._meta.concrete_fields
                   if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
        try:
            for f in stamped:
                f.auto_now = f.auto_now_add = False
            model.objects.bulk_create(objects, batch_size=500)
        finally:
            for f, now, now_add in saved:
                f.auto_now, f.auto_now_add = now, now_add


class NullSink(Sink):
    """Writes nothing: the in-memory floor the benchmark compares a seed against."""

    writes_database = False

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def first_id(self, model: type[models.Model]) -> int:
        return 1

    def team(self, name: str) -> int:
        return next(self._ids)

    def create(self, objects: list[models.Model]) -> list[int]:
        return [next(self._ids) for _ in objects]

    def write(self, model: type[models.Model], rows: list[tuple]) -> None:
        pass

    def finish(self) -> None:
        pass


def sink_for_connection() -> Sink:
    """COPY on PostgreSQL, bulk_create on anything else."""
    return CopySink() if connection.vendor == "postgresql" else BulkCreateSink()


# --- The seed -----------------------------------------------------------------------------------


@dataclass
class SeedResult:
    """What a seed made: row counts by model, and the demo logins with their roles."""

    counts: dict[type[models.Model], int]
    demo_logins: list[tuple[str, str]]

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())

    @property
    def education_rows(self) -> int:
        return sum(self.counts.get(model, 0) for model in EDUCATION)


DEMO_STAFF = (
    # username, role, team, is_staff, is_superuser
    ("admin", m.Role.ADMINISTRATOR, None, True, True),
    # The admin bypasses the access policy, so only administrators are staff there; managers
    # see their team through the API and the staff pages.
    # `manager` heads the service: their own leaving-care team and SERVICE_TEAMS besides.
    ("manager", m.Role.TEAM_MANAGER, TEAM_LEAVING_CARE, False, False),
    ("adviser", m.Role.PERSONAL_ADVISER, TEAM_LEAVING_CARE, False, False),
    ("adviser2", m.Role.PERSONAL_ADVISER, TEAM_LEAVING_CARE, False, False),
    ("socialworker", m.Role.SOCIAL_WORKER, TEAM_NORTH, False, False),
    ("iro", m.Role.IRO, None, False, False),
    ("virtualschool", m.Role.VIRTUAL_SCHOOL, None, False, False),
)
SERVICE_TEAMS = (TEAM_NORTH, TEAM_SOUTH)
YOUNG_PERSON_LOGINS = 5
DEMO_USERNAMES = tuple(row[0] for row in DEMO_STAFF) + tuple(
    f"yp{n}" for n in range(1, YOUNG_PERSON_LOGINS + 1)
)


def seed(
    *,
    young_people: int,
    seed: int = 1,
    today: dt.date | None = None,
    sink: Sink | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Create a synthetic authority with `young_people` young people in one transaction.

    The caller checks the database is empty; the same seed and today always give the same data.
    """
    if young_people < MIN_YOUNG_PEOPLE:
        raise ValueError(f"Seed at least {MIN_YOUNG_PEOPLE} young people.")
    sink = sink or sink_for_connection()
    today = today or timezone.localdate()
    if not sink.writes_database:
        return _generate(young_people, seed, today, sink, progress)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Check foreign keys per COPY, not all at commit: keeps the pending-trigger queue small.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return _generate(young_people, seed, today, sink, progress)


def _generate(n: int, seed_value: int, today: dt.date, sink: Sink,
              progress: Callable[[int], None] | None) -> SeedResult:
    rng = random.Random(seed_value)
    staff = _Staff.create(rng, n, sink)
    generator = _Generator(rng=rng, today=today, staff=staff,
                           first_ids={model: sink.first_id(model) for model in WITH_IDS})
    child_numbers = rng.sample(range(1, 10_000_000), n)
    counts: dict[type[models.Model], int] = dict.fromkeys(WRITE_ORDER, 0)
    sink.open()
    try:
        for start in range(0, n, CHUNK):
            for index in range(start, min(start + CHUNK, n)):
                generator.young_person(index, child_numbers[index])
            for model in WRITE_ORDER:
                counts[model] += len(generator.rows[model])
                sink.write(model, generator.rows[model])
                generator.rows[model] = []
            if progress:
                progress(min(CHUNK, n - start))
    finally:
        sink.close()
    sink.finish()
    logins = staff.young_person_logins(sink, generator.login_candidates)
    counts[m.User] = staff.count + len(logins)
    counts[m.Team] = len(staff.teams)
    return SeedResult(counts=counts,
                      demo_logins=[(u, role.label) for u, role, *_ in DEMO_STAFF] + logins)


# --- Staff --------------------------------------------------------------------------------------


@dataclass
class _Staff:
    """The teams and workers, by role, and which demo worker takes which open cases."""

    teams: dict[str, int]
    demo: dict[str, int]
    advisers: list[int]
    social_workers: dict[str, list[int]]
    iros: list[int]
    virtual_school: list[int]
    managers: list[int]
    count: int
    password: str
    quotas: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(cls, rng: random.Random, n: int, sink: Sink) -> _Staff:
        """Create the teams, the demo staff and enough generated workers for realistic caseloads."""
        teams = {name: sink.team(name) for name in (TEAM_LEAVING_CARE, TEAM_NORTH, TEAM_SOUTH)}
        # One PBKDF2 hash for all demo logins: hashing is deliberately slow, the password public.
        password = make_password(DEMO_PASSWORD) if sink.writes_database else "!"
        users: list[m.User] = []
        for username, role, team, is_staff, is_superuser in DEMO_STAFF:
            first = rng.choice(FEMALE_NAMES + MALE_NAMES)
            users.append(m.User(
                username=username, first_name=first, last_name=rng.choice(LAST_NAMES),
                email=f"{username}@example.invalid", role=role,
                team_id=teams[team] if team else None, is_staff=is_staff,
                is_superuser=is_superuser, password=password))
        plan = [  # prefix, role, team, how many (caseloads: PA ~20, SW ~15, IRO ~55)
            ("tm", m.Role.TEAM_MANAGER, TEAM_NORTH, 1),
            ("tm", m.Role.TEAM_MANAGER, TEAM_SOUTH, 1),
            ("pa", m.Role.PERSONAL_ADVISER, TEAM_LEAVING_CARE, max(3, round(n * 0.44 / 20))),
            ("swn", m.Role.SOCIAL_WORKER, TEAM_NORTH, max(2, round(n * 0.42 / 15 / 2))),
            ("sws", m.Role.SOCIAL_WORKER, TEAM_SOUTH, max(2, round(n * 0.42 / 15 / 2))),
            ("iro", m.Role.IRO, None, max(2, round(n * 0.42 / 55))),
            ("vs", m.Role.VIRTUAL_SCHOOL, None, max(1, round(n / 600))),
        ]
        numbers: dict[str, itertools.count] = {}
        for prefix, role, team, how_many in plan:
            counter = numbers.setdefault(prefix, itertools.count(1))
            for _ in range(how_many):
                username = f"{prefix}{next(counter):04d}"
                users.append(m.User(
                    username=username, first_name=rng.choice(FEMALE_NAMES + MALE_NAMES),
                    last_name=rng.choice(LAST_NAMES), email=f"{username}@example.invalid",
                    role=role, team_id=teams[team] if team else None,
                    password=make_password(None) if sink.writes_database else "!"))
        ids = sink.create(users)
        by_name = {u.username: pk for u, pk in zip(users, ids, strict=True)}
        # `manager` heads the service: the leaving-care team is theirs, and they oversee the
        # children-in-care teams too (access.teams_managed_by).
        if sink.writes_database:
            m.User.managed_teams.through.objects.bulk_create(
                m.User.managed_teams.through(user_id=by_name["manager"], team_id=teams[name])
                for name in SERVICE_TEAMS)

        def generated(prefix: str) -> list[int]:
            return [pk for name, pk in by_name.items()
                    if name.startswith(prefix) and name[len(prefix):].isdigit()]

        return cls(
            teams=teams, demo={name: by_name[name] for name, *_ in DEMO_STAFF},
            advisers=generated("pa"),
            social_workers={TEAM_NORTH: generated("swn"), TEAM_SOUTH: generated("sws")},
            iros=generated("iro"), virtual_school=[by_name["virtualschool"], *generated("vs")],
            managers=[by_name["manager"], *generated("tm")], count=len(users), password=password,
            quotas={"adviser": 20, "adviser2": 15, "socialworker": 18, "iro": 45},
        )

    def young_person_logins(self, sink: Sink,
                            candidates: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
        """yp1..yp5: logins for young people on `adviser`'s current caseload."""
        users = [m.User(username=f"yp{n}", first_name=first, last_name=last, role=m.Role.YOUNG_PERSON,
                        young_person_id=pk, password=self.password)
                 for n, (pk, first, last) in enumerate(candidates[:YOUNG_PERSON_LOGINS], start=1)]
        if users:
            sink.create(users)
        return [(u.username, m.Role.YOUNG_PERSON.label) for u in users]


# --- One young person at a time -----------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    id: int
    index: int
    dob: dt.date
    age: int
    birthdays: list[int]
    sex: str
    uasc: bool
    sen: str
    anchor: bool
    district: str
    periods: list[_Period] = field(default_factory=list)
    social_workers: list[tuple[int, int | None, int]] = field(default_factory=list)
    iros: list[tuple[int, int | None, int]] = field(default_factory=list)
    advisers: list[tuple[int, int | None, int]] = field(default_factory=list)
    enrolments: list[tuple[int, int | None, str]] = field(default_factory=list)
    staying_put: bool = False
    died_on: int | None = None

    def birthday(self, years: int) -> int:
        return self.birthdays[years]


@dataclass(slots=True)
class _Period:
    start: int
    end: int | None
    short_break: bool
    moves: list[int]


class _Generator:
    """Builds the rows for one young person at a time into per-table lists."""

    def __init__(self, *, rng: random.Random, today: dt.date, staff: _Staff,
                 first_ids: dict[type[models.Model], int]) -> None:
        self.rng = rng
        self.r = rng.random
        self.today = today.toordinal()
        self.staff = staff
        self.rows: dict[type[models.Model], list[tuple]] = {model: [] for model in WRITE_ORDER}
        self.ids = {model: itertools.count(first_ids[model]) for model in WITH_IDS}
        self.login_candidates: list[tuple[int, str, str]] = []
        self.open_counts: dict[str, int] = {}
        self.go_live = self.today - GO_LIVE_DAYS
        self.recent = self.today - RECENT_DAYS
        self.homes = [f"SC{rng.randrange(900000, 999999)}" for _ in range(80)]
        self.agencies = [f"SC{rng.randrange(900000, 999999)}" for _ in range(20)]
        self.own_fostering = f"SC{rng.randrange(900000, 999999)}"
        words = list(SCHOOL_WORDS)
        self.primaries = [(str(900000 + i), f"{w} Primary School") for i, w in enumerate(words)]
        self.secondaries = [(str(910000 + i), f"{w} {kind}") for i, (w, kind) in enumerate(
            zip(words[::2], itertools.cycle(("Academy", "School", "High School")), strict=False))]
        self.special = [(str(920000 + i), f"{w} Special School") for i, w in enumerate(words[:4])]
        self.colleges = [(str(930000 + i), f"{w} College") for i, w in enumerate(words[5:11])]

    # -- small helpers: fast, and all drawing from the one generator ---------------------------

    def ri(self, low: int, high: int) -> int:
        """A random integer in [low, high]; faster than randint in the hot loops."""
        return low + int(self.r() * (high - low + 1))

    def pick(self, table: Table):
        items, cumulative = table
        return items[bisect(cumulative, self.r() * cumulative[-1])]

    def choice(self, items: Sequence):
        return items[int(self.r() * len(items))]

    def postcode(self, districts: Sequence[str], *, home: bool = False) -> str:
        known = REAL_POSTCODES[self.choice(districts)]
        return self.choice(known[:3] if home else known[3:])

    def at(self, day: int, minutes: int) -> dt.datetime:
        """An aware time `minutes` after 08:00 in London on `day`, but no later than yesterday, so
        nothing looks recorded after the moment of seeding."""
        return dt.datetime.combine(dt.date.fromordinal(min(day, self.today - 1)),
                                   dt.time(8 + minutes // 60, minutes % 60), tzinfo=LONDON)

    # -- the young person ------------------------------------------------------------------------

    def young_person(self, index: int, number: int) -> None:
        """Generate one young person and everything recorded about them."""
        r, ri = self.r, self.ri
        anchor = index < len(ANCHOR_AGES)
        age = ANCHOR_AGES[index] if anchor else self.pick(AGES)
        today = dt.date.fromordinal(self.today)
        latest = _years_before(today, age).toordinal()
        earliest = _years_before(today, age + 1).toordinal() + 1
        dob = dt.date.fromordinal(ri(earliest, latest))
        sex = "M" if r() < 0.56 else "F"
        if anchor:
            career = "cla" if age < 18 else "leaver"
        elif age < 16:
            career = self.pick(CAREERS_UNDER_16)
        elif age < 18:
            career = self.pick(CAREERS_16_17)
        else:
            career = self.pick(CAREERS_ADULT)
        uasc = career in ("cla", "leaver") and age >= 16 and not anchor and r() < 0.14
        if uasc:
            sex = "M" if r() < 0.9 else "F"
        district = self.choice(NORTH_DISTRICTS + SOUTH_DISTRICTS)
        p = _Person(
            id=next(self.ids[m.YoungPerson]), index=index, dob=dob, age=age,
            birthdays=[_birthday(dob, years) for years in range(26)], sex=sex, uasc=uasc,
            sen="none" if uasc else self.pick(SEN), anchor=anchor, district=district,
        )
        getattr(self, f"_career_{career}")(p)
        self._care_allocations(p, career)
        if career in ("cla", "leaver"):
            self._leaving_care(p)
        self._education(p)
        self._person_row(p, career, number)

    def _person_row(self, p: _Person, career: str, number: int) -> None:
        r = self.r
        names = FEMALE_NAMES if p.sex == "F" else MALE_NAMES
        first = self.choice(names)
        last = self.choice(LAST_NAMES)
        preferred = SHORT_NAMES.get(first, "") if r() < 0.3 else ""
        open_care = bool(p.periods) and p.periods[-1].end is None
        open_adviser = bool(p.advisers) and p.advisers[-1][1] is None
        if p.age >= 18 or (open_adviser and not open_care):
            team = TEAM_LEAVING_CARE
        else:
            team = TEAM_NORTH if p.district in NORTH_DISTRICTS else TEAM_SOUTH
        adult = p.age >= 16
        upn = "UN2" if p.uasc else "UN5" if r() < 0.08 else (
            f"{self.choice(UPN_LETTERS)}{self.rng.randrange(10**11, 10**12):012d}")
        first_day = p.periods[0].start if p.periods else self.today
        ethnicity = self.pick(UASC_ETHNICITIES if p.uasc else ETHNICITIES)
        self.rows[m.YoungPerson].append((
            p.id, f"C{number:07d}", first, last, preferred, p.dob, p.sex, ethnicity, upn, p.uasc,
            r() < 0.1 or career == "short_break", p.sen, self.staff.teams[team],
            self.pick(CONTACT_PREFERENCES) if adult else "phone",
            f"07700 900{self.ri(0, 999):03d}" if p.age >= 13 and r() < 0.7 else "",
            f"{first}.{last}{self.ri(1, 99)}@example.invalid".lower() if adult and r() < 0.4
            else "",
            self.choice(CONTACT_NOTES) if adult and r() < 0.2 else "",
            self.at(first_day, self.ri(60, 420)),
            # About a third of care leavers live in accommodation the authority provides. Decided
            # from the id, not the random stream, so the rest of the data is as before.
            career == "leaver" and not open_care and (p.id * 2654435761) % 100 < 35,
            *_motherhood(p, self.today),
        ))
        self._outcomes_records(p)
        if p.anchor and p.advisers and p.advisers[-1][2] == self.staff.demo["adviser"] \
                and p.advisers[-1][1] is None:
            self.login_candidates.append((p.id, first, last))

    # -- careers: which care history a young person has --------------------------------------

    def _career_cla(self, p: _Person) -> None:
        """Looked after now, with perhaps an earlier period that ended at home."""
        ri = self.ri
        length = int(self.rng.expovariate(1 / 1100))
        if p.anchor:
            length = max(length, 400)
        if p.uasc:
            start = ri(max(p.birthday(15), self.today - 900), self.today - 30)
        else:
            start = max(self.today - length, p.dob.toordinal() + ri(1, 60))
        start = min(start, self.today - 1)
        born = p.dob.toordinal()
        if not p.uasc and self.r() < 0.15 and start - born > 500:
            earlier = ri(born + 30, start - 300)
            end = earlier + ri(20, min(400, start - 120 - earlier))
            self._period(p, earlier, end, self.pick(HOME_ENDINGS), care_order=False)
        teen = start >= p.birthday(14)
        care_order = not p.uasc and self.r() < (0.3 if teen else 0.75)
        self._period(p, start, None, "", care_order=care_order,
                     track="uasc" if p.uasc else "general")

    def _career_leaver(self, p: _Person) -> None:
        """Left care at 16 or over, having been looked after for 13 weeks or more since 14."""
        ri, r = self.ri, self.r
        b16, b18 = p.birthday(16), p.birthday(18)
        early = p.age < 18 or (not p.anchor and r() < 0.1)
        if early:
            last_day = min(b18 - 1, self.today - 1)
            if last_day - b16 < 40:
                self._career_cla(p)  # too recently 16 to have left care already
                return
            end = ri(b16 + 30, last_day)
        else:
            end = b18
        if p.uasc:
            start = ri(max(p.birthday(15), end - 1000), end - 120)
        else:
            band = r()
            if band < 0.45:
                start = ri(p.dob.toordinal() + 30, p.birthday(14))
            elif band < 0.75:
                start = ri(p.birthday(14), b16)
            else:
                start = ri(b16, end - 120)
            start = min(start, end - 92)  # eligibility needs 13 weeks looked after
        teen = start >= p.birthday(14)
        care_order = not p.uasc and r() < (0.3 if teen else 0.75)
        self._period(p, start, end, "early" if early else "", care_order=care_order,
                     track="uasc" if p.uasc else "leaver")

    def _career_home(self, p: _Person) -> None:
        """Looked after for a while, then home; sometimes twice."""
        ri = self.ri
        last = min(self.today - 1, p.birthday(18) - 1)
        start = ri(p.dob.toordinal() + 30, last - 60)
        end = start + min(int(self.rng.expovariate(1 / 220)) + 14, last - start)
        self._period(p, start, end, self.pick(HOME_ENDINGS), care_order=self.r() < 0.4)
        again = end + ri(60, 900)
        if self.r() < 0.2 and again < last - 60:
            end2 = again + min(int(self.rng.expovariate(1 / 180)) + 14, last - again)
            self._period(p, again, end2, self.pick(HOME_ENDINGS), care_order=self.r() < 0.5)

    def _career_adopted(self, p: _Person) -> None:
        """Came into care as a baby or toddler, placed for adoption, adopted."""
        ri = self.ri
        start = p.dob.toordinal() + ri(1, 700)
        hearing = start + ri(150, 330)
        placed = hearing + ri(30, 200)
        end = placed + ri(120, 400)
        self._period(p, start, end, "E11" if self.r() < 0.75 else "E12", care_order=True,
                     track="adoption", hearing=hearing, placed=placed)
        self._adoption(p, start, hearing, placed)

    def _adoption(self, p: _Person, start: int, hearing: int, placed: int) -> None:
        """The decision that the child should be placed for adoption, and the adoption (AD1):
        decided after care began and by the placement order, matched before the placement."""
        rng = _rng(p, "adoption")
        decided = rng.randint(start + 1, max(start + 1, hearing - 1))
        matched = rng.randint(decided + 1, placed - 1)
        place = next(row[6] for row in reversed(self.rows[m.Episode])
                     if row[0] == p.id and row[6] in codes.ADOPTION_PLACEMENTS)
        if rng.random() < 0.75:
            sex, status = rng.choice((("MF", "L11"), ("MF", "L3"), ("FF", "L12"), ("MM", "L4"),
                                      ("FF", "L2"), ("MM", "L2")))
            number = "2"
        else:
            sex, status, number = rng.choice(("F1", "M1")), "L0", "1"
        self.rows[m.AdoptionDecision].append((p.id, _d(decided), None, ""))
        self.rows[m.Adoption].append((p.id, _d(decided), _d(matched), place in ("A3", "A5"),
                                      number, sex, status))

    def _career_sgo(self, p: _Person) -> None:
        """Looked after, then a special guardianship order, usually to family."""
        ri = self.ri
        latest = min(p.dob.toordinal() + 3650, self.today - 1000)
        start = ri(p.dob.toordinal() + 200, latest)
        end = start + ri(250, 900)
        self._period(p, start, end, "", care_order=True, track="sgo")

    def _career_short_break(self, p: _Person) -> None:
        """An agreed series of short breaks (V3): each break its own period and episode."""
        ri = self.ri
        window_end = min(self.today - 1, p.birthday(18) - 1)
        window_start = max(p.birthday(8), window_end - ri(200, 1100))
        day = window_start
        # In a residential home (R1): the validator asks a children's home or foster carer for
        # a URN (rule 218, 2025/26) and forbids one on a short break (rule 214).
        place, provider = ("R1", "PR1") if self.r() < 0.6 else ("R1", "PR5")
        while day + 10 < window_end:
            end = day + ri(1, 5)
            period_id = next(self.ids[m.PeriodOfCare])
            self.rows[m.PeriodOfCare].append((period_id, p.id, _d(day), _d(end), "E4A",
                                              *_previous_permanence(p, period_id, day)))
            self.rows[m.Episode].append((p.id, period_id, _d(day), "S", "V3", "N2", place,
                                         provider, _d(end), "E4A", "", "", "", ""))
            p.periods.append(_Period(day, end, True, []))
            day = end + ri(20, 60)

    # -- a period of care ----------------------------------------------------------------------

    def _period(self, p: _Person, start: int, end: int | None, reason: str, *, care_order: bool,
                track: str = "general", hearing: int = 0, placed: int = 0) -> None:
        """One period of care: its placements, legal statuses and temporary moves as episodes."""
        stop = end if end is not None else self.today
        statuses = self._legal_statuses(p, start, stop, track, care_order, hearing)
        segments = self._placements(p, start, stop, track, care_order, placed)
        self._not_with_parents_under_s20(segments, statuses, stop)
        if reason == "early":
            reason = self.pick(EARLY_LEAVING)
        elif track in ("leaver", "uasc") and end is not None:
            reason = self.pick(FOSTER_LEAVING if segments[-1][2] in codes.FOSTER_PLACEMENTS
                               else OTHER_LEAVING)
            p.staying_put = reason == "E17"
        elif track == "sgo":
            reason = "E45" if segments[-1][2] in codes.CONNECTED_PERSON_PLACEMENTS else (
                "E46" if self.r() < 0.7 else "E48")
        temporary = self._temporary_moves(segments, statuses)
        period_id = next(self.ids[m.PeriodOfCare])
        self.rows[m.PeriodOfCare].append((period_id, p.id, _d(start), _d(end) if end else None,
                                          reason if end else "",
                                          *_previous_permanence(p, period_id, start)))
        need = "N8" if p.uasc else self.pick(NEEDS)
        moves = self._episodes(p, period_id, start, end, reason, need, statuses, segments,
                               temporary)
        self._approvals(p, segments, end)
        p.periods.append(_Period(start, end, False, moves))

    def _legal_statuses(self, p: _Person, start: int, stop: int, track: str, care_order: bool,
                        hearing: int) -> list[tuple[int, str]]:
        """The legal status from the start, and each change strictly inside the period."""
        ri = self.ri
        if track == "uasc":
            return [(start, "V2")]
        if track == "adoption":
            statuses = [(start, "L2" if self.r() < 0.15 else "C1")]
        elif care_order:
            statuses = [(start, self.pick(FIRST_STATUS_CARE_ORDER))]
        elif start >= p.birthday(12) and self.r() < 0.04:
            statuses = [(start, "J1")]  # remanded, then accommodated
        else:
            statuses = [(start, "V2")]

        def change(day: int, status: str) -> None:
            if statuses[-1][0] < day < stop and statuses[-1][1] != status:
                statuses.append((day, status))

        first = statuses[0][1]
        day = start
        if first in ("L1", "L2"):
            day += ri(1, 3) if first == "L1" else ri(1, 8)
            change(day, "C1")
        elif first == "J1":
            change(start + ri(10, 60), "V2")
        elif first == "V2" and (care_order or self.r() < 0.2):
            day += ri(30, 300)
            change(day, "C1")
        if track == "adoption":
            change(hearing, "E1" if hearing >= PLACEMENT_ORDERS_FROM else "D1")
        elif statuses[-1][1] == "C1":
            change(statuses[-1][0] + ri(120, 380), "C2")
        return statuses

    def _place(self, p: _Person, day: int, care_order: bool) -> str:
        """A placement type for the child's age that is valid in the collection year of `day`."""
        if day < p.birthday(12):
            place = self.pick(PLACES_CHILD)
        elif day < p.birthday(16):
            place = self.pick(PLACES_TEEN)
        else:
            place = self.pick(PLACES_OLDER)
        if (place == "P1" and not care_order) or (place == "U5" and day >= p.birthday(2)):
            place = "U6"  # s20 cannot place with parents; fostering for adoption is for babies
        elif place == "SEMI":
            place = "H5" if day < K3_FROM else "K3"
        elif place == "INDEP":
            place = "P2" if day < K3_FROM else "K3"
        elif place == "OTHER":
            place = "Z1" if day < CUTOVER_2026 else "Z11"
        return place

    def _segment(self, p: _Person, start: int, end: int, place: str, carer: int) -> list:
        """A placement: [start, end, place, provider, carer, postcode, urn]."""
        if place in FIXED_PROVIDERS:
            provider = FIXED_PROVIDERS[place]
        elif place in PROVIDERS:
            provider = self.pick(PROVIDERS[place])
        elif place in codes.FOSTER_PLACEMENTS:
            provider = self.pick(FOSTER_PROVIDERS)
        else:
            provider = ""
        if place == "P1":
            postcode = self.postcode((p.district,))
        elif place == "K3" or (provider == "PR1" and place not in codes.FOSTER_PLACEMENTS
                               and place not in codes.ADOPTION_PLACEMENTS):
            postcode = self.postcode(LA_DISTRICTS)  # own provision is in the borough (1015, 241)
        else:
            postcode = self.postcode(OUT_OF_AREA if self.r() < 0.3 else
                                     NORTH_DISTRICTS + SOUTH_DISTRICTS)
        if place in ("K1", "K2", "S1", "H5", "K3"):
            urn = self.choice(self.homes)
        elif place in codes.FOSTER_PLACEMENTS or place in codes.ADOPTION_PLACEMENTS:
            urn = self.own_fostering if provider == "PR1" else self.choice(self.agencies)
        else:
            urn = "XXXXXXX" if place == "P2" else ""
        return [start, end, place, provider, carer, postcode, urn]

    def _placements(self, p: _Person, start: int, stop: int, track: str, care_order: bool,
                    placed: int) -> list[list]:
        """Placements covering [start, stop), each with its own carer; same-carer changes split."""
        ri, r = self.ri, self.r
        carers = itertools.count(1)
        final: list | None = None
        body_stop = stop
        if track == "adoption":
            body_stop = placed
        elif track == "sgo" and r() < 0.75:
            body_stop = max(start + 1, ri(start, stop - 150))
            if body_stop - start < 30:
                body_stop = start
            final = self._segment(p, body_stop, stop, "U3", 0)
        segments: list[list] = []
        if body_stop > start:
            extra = min(self.pick(EXTRA_PLACEMENTS), (body_stop - start) // 45)
            room = range(start + 7, body_stop - 6)
            cuts = sorted(self.rng.sample(room, extra)) if extra and len(room) > extra else []
            bounds = [start, *cuts, body_stop]
            for s, e in itertools.pairwise(bounds):
                place = self._place(p, s, care_order)
                if track == "sgo" and final is None and e == body_stop:
                    place = "U6" if place not in codes.FOSTER_PLACEMENTS else place
                segments.append(self._segment(p, s, e, place, next(carers)))
        if track == "adoption":
            last = segments[-1]
            if last[2] not in codes.FOSTER_PLACEMENTS:
                last[2:4] = ["U6", self.pick(FOSTER_PROVIDERS)]
            if r() < 0.25:  # the foster carers adopt: same carer, A5
                adoptive = self._segment(p, placed, stop, "A5", last[4])
            else:
                adoptive = self._segment(p, placed, stop, "A6", next(carers))
            segments.append(adoptive)
        if final is not None:
            final[4] = next(carers)
            segments.append(final)
        for before, after in itertools.pairwise(segments):
            if before[2:4] == after[2:4] and before[5:7] == after[5:7]:
                # A new carer shows in the episode: not the same place, provider, postcode and
                # URN as the last (rule 435).
                district = after[5].split()[0]
                after[5] = next(pc for pc in REAL_POSTCODES[district][3:] if pc != before[5])
        return self._same_carer_changes(segments)

    def _not_with_parents_under_s20(self, segments: list[list], statuses: list[tuple[int, str]],
                                    stop: int) -> None:
        """A child accommodated under s20 (V2) is not placed with parents (rule 378): foster."""
        bounds = [*(day for day, _ in statuses[1:]), stop]
        s20 = [(day, until) for (day, status), until in zip(statuses, bounds, strict=True)
               if status == "V2"]
        for seg in segments:
            if seg[2] == "P1" and any(day < seg[1] and seg[0] < until for day, until in s20):
                seg[2:4] = ["U6", "PR1"]
                seg[6] = self.own_fostering

    def _same_carer_changes(self, segments: list[list]) -> list[list]:
        """Long-term matches (U6 to U4, U3 to U1), and no retired code (H5, P2, Z1) reaching past
        31 March 2025."""
        out: list[list] = []
        for seg in segments:
            s, e, place = seg[0], seg[1], seg[2]
            if place in ("U6", "U3") and e - s > 300 and self.r() < 0.35:
                cut = s + self.ri(120, min(e - s - 30, 540))
                out.append([s, cut, *seg[2:]])
                out.append([cut, e, "U4" if place == "U6" else "U1", *seg[3:]])
            elif place in RETIRED and e >= CUTOVER_2026:
                # No episode with a retired code may reach into 2025/26, not even ending on
                # 1 April 2025, a day of that year (rule 146 reads every episode open in the year,
                # and the import refuses the code there): semi-independent and independent living became
                # supported accommodation (K3) on 1 April 2024, "other" a children's home.
                if place == "Z1":
                    out.append([s, e, "K2", "PR4", seg[4], seg[5], self.choice(self.homes)])
                else:  # a registered K3 home is in the borough (rule 241)
                    k3 = [K3_FROM if s < K3_FROM else s, e, "K3", seg[3] or "PR4", seg[4],
                          self.postcode(LA_DISTRICTS), self.choice(self.homes)]
                    if s < K3_FROM:
                        out.append([s, K3_FROM, *seg[2:]])
                    out.append(k3)
            else:
                out.append(seg)
        return out

    def _temporary_moves(self, segments: list[list],
                         statuses: list[tuple[int, str]]) -> list[tuple]:
        """Short T0-T4 moves inside a placement, never at its edges nor over a status change."""
        changes = [day for day, _ in statuses[1:]]
        moves = []
        for seg in segments:
            s, e = seg[0], seg[1]
            if e - s < 60 or self.r() > 0.2:
                continue
            kind = self.pick(TEMPORARY)
            if kind == "T3" and seg[2] not in codes.FOSTER_PLACEMENTS:
                kind = "T4"
            length = self.ri(1, 7) if kind == "T4" else self.ri(2, 14)
            begin = self.ri(s + 10, e - 10 - length)
            back = begin + length
            if any(begin - 1 <= day <= back + 1 for day in changes):
                continue
            moves.append((begin, back, kind, FIXED_PROVIDERS.get(kind, ""),
                          self.postcode(NORTH_DISTRICTS + OUT_OF_AREA)))
        moves.sort()
        return moves

    def _episodes(self, p: _Person, period_id: int, start: int, end: int | None, reason: str,
                  need: str, statuses: list[tuple[int, str]], segments: list[list],
                  temporary: list[tuple]) -> list[int]:
        """Episodes: a new one on every change of legal status or placement (SSDA903)."""
        points = {start, *(seg[0] for seg in segments[1:]), *(day for day, _ in statuses[1:])}
        for move in temporary:
            points.update(move[:2])
        # An asylum-seeking child has no home postcode in England (rule 406).
        home = "" if p.uasc else self.postcode((p.district,), home=True)
        episodes: list[list] = []
        moves: list[int] = []
        si = li = ti = 0
        previous: tuple | None = None
        for day in sorted(points):
            while si + 1 < len(segments) and segments[si + 1][0] <= day:
                si += 1
            while li + 1 < len(statuses) and statuses[li + 1][0] <= day:
                li += 1
            while ti < len(temporary) and temporary[ti][1] <= day:
                ti += 1
            status = statuses[li][1]
            if ti < len(temporary) and temporary[ti][0] <= day:
                move = temporary[ti]
                state = (-1 - ti, move[2], move[3], move[4], "", status, True)
            else:
                seg = segments[si]
                state = (seg[4], seg[2], seg[3], seg[5], seg[6], status, False)
            if previous is None:
                new_episode = "S"
            else:
                status_changed = status != previous[5]
                if state[0] != previous[0]:
                    new_episode = "B" if status_changed else "P"
                    if previous[6] or state[6]:
                        episodes[-1][10] = ""
                    else:
                        episodes[-1][10] = ("CUSTOD" if state[1] == "R5"
                                            else self.pick(PLACE_CHANGE_REASONS))
                        moves.append(day)
                elif state[1] != previous[1]:
                    new_episode = "U" if status_changed else "T"
                    episodes[-1][10] = "PLACE"
                elif status_changed:
                    new_episode = "L"
                else:
                    continue
                episodes[-1][8] = _d(day)
                episodes[-1][9] = "X1"
            episodes.append([p.id, period_id, _d(day), new_episode, status, need, state[1],
                             state[2], None, "", "", home, state[3], state[4]])
            previous = state
        if end is not None:
            episodes[-1][8] = _d(end)
            episodes[-1][9] = reason
        self.rows[m.Episode].extend(map(tuple, episodes))
        return moves

    def _approvals(self, p: _Person, segments: list[list], end: int | None) -> None:
        """A reg 24 approval for each connected carer, in force at every episode start with them."""
        spans: dict[int, list[int | None]] = {}
        for seg in segments:
            if seg[2] in codes.CONNECTED_PERSON_PLACEMENTS:
                closes = None if (end is None and seg is segments[-1]) else seg[1]
                spans.setdefault(seg[4], [seg[0], closes])[1] = closes
        ri = self.ri
        for begins, closes in spans.values():
            approved = begins - ri(0, 2)
            full = approved + (ri(60, 110) if self.r() > 0.15 else ri(113, 160))
            if closes is not None and closes <= full:
                fully, needed = None, closes
            elif full > self.today:
                fully, needed = None, self.today
            else:
                fully, needed = full, full
            expiry = approved + 112  # connected_persons.TEMPORARY_APPROVAL
            officer = self.choice(self.staff.managers)
            if needed > expiry:
                until = ri(max(needed, expiry + 1), approved + 168)
                extension = (_d(until), self.choice(PANEL_VIEWS), _d(approved + ri(95, 110)),
                             self.choice(self.staff.managers))
            else:
                extension = (None, "", None, None)
            relationship, sex, _ = self.pick(_RELATIONSHIP_TABLE)
            names = FEMALE_NAMES if sex == "F" else MALE_NAMES if sex == "M" else (
                FEMALE_NAMES + MALE_NAMES)
            self.rows[m.ConnectedPersonApproval].append((
                p.id, f"{self.choice(names)} {self.choice(LAST_NAMES)}", relationship,
                _d(approved), officer, extension[0], extension[1], extension[2], extension[3],
                _d(fully) if fully else None, _d(closes) if closes else None))

    # -- workers ---------------------------------------------------------------------------------

    def _allocate(self, p: _Person, role: str, start: int, end: int | None, pool: list[int],
                  rate: float, demo: Sequence[str] = ()) -> list[tuple[int, int | None, int]]:
        """Allocation history in one role: reallocated now and then; demo workers take open cases."""
        stop = end if end is not None else self.today
        expected = (stop - start) / 365 * rate
        changes = min(4, int(expected) + (self.r() < expected - int(expected)))
        room = range(start + 30, stop - 30)
        cuts = sorted(self.rng.sample(room, changes)) if changes and len(room) > changes else []
        # A worker holds the case for more than a week (SSDA903 rules SW09, SW18).
        cuts = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] > 7]
        bounds = [start, *cuts]
        history = []
        worker = 0
        for i, s in enumerate(bounds):
            last = i == len(bounds) - 1
            e = end if last else bounds[i + 1] - 1
            if last and e is None:
                worker = self._open_worker(role, demo) or self._other(pool, worker)
            else:
                worker = self._other(pool, worker)
            history.append((s, e, worker))
            self.rows[m.Allocation].append((p.id, worker, role, _d(s), _d(e) if e else None,
                                            _social_worker_reason(p, role, i, s)))
        return history

    def _other(self, pool: list[int], current: int) -> int:
        """A worker from the pool other than the current one: a reallocation changes worker."""
        worker = self.choice(pool)
        if worker == current and len(pool) > 1:
            worker = pool[(pool.index(worker) + 1) % len(pool)]
        return worker

    def _open_worker(self, role: str, demo: Sequence[str]) -> int | None:
        """Open cases go to the demo workers in a fixed pattern until their caseloads are full:
        two of every three open PA cases to `adviser`, the third to `adviser2`, every other
        social-worker and IRO case to `socialworker` and `iro`."""
        if not demo:
            return None
        seen = self.open_counts.get(role, 0)
        self.open_counts[role] = seen + 1
        quotas = self.staff.quotas
        if role == m.AllocationRole.PERSONAL_ADVISER:
            name = "adviser2" if seen % 3 == 2 else "adviser"
            if quotas[name] > 0:
                quotas[name] -= 1
                return self.staff.demo[name]
            return None
        name = demo[0]
        if seen % 2 == 0 and quotas[name] > 0:
            quotas[name] -= 1
            return self.staff.demo[name]
        return None

    @staticmethod
    def worker_at(history: list[tuple[int, int | None, int]], day: int) -> int | None:
        for s, e, worker in history:
            if s <= day and (e is None or day <= e):
                return worker
        return None

    def _care_allocations(self, p: _Person, career: str) -> None:
        """Social worker and IRO for each period, then the reviews, visits and assessments."""
        team = TEAM_NORTH if p.district in NORTH_DISTRICTS else TEAM_SOUTH
        social_workers = self.staff.social_workers[team]
        demo_sw = ("socialworker",) if team == TEAM_NORTH else ()
        if career == "short_break":
            first, last = p.periods[0].start, p.periods[-1].end
            ongoing = last is not None and last > self.today - 90 and p.age < 18
            p.social_workers = self._allocate(p, m.AllocationRole.SOCIAL_WORKER, first,
                                              None if ongoing else last, social_workers, 0.5,
                                              demo_sw)
            return
        for period in p.periods:
            p.social_workers += self._allocate(p, m.AllocationRole.SOCIAL_WORKER, period.start,
                                               period.end, social_workers, 0.6, demo_sw)
            if period.end is None or period.end - period.start > 10:
                p.iros += self._allocate(p, m.AllocationRole.IRO, period.start + self.ri(1, 5),
                                         period.end, self.staff.iros, 0.25, ("iro",))
            self._reviews(p, period)
            self._health(p, period)
            self._visits(p, period)

    # -- statutory events while looked after ---------------------------------------------------

    def _reviews(self, p: _Person, period: _Period) -> None:
        """CLA reviews: within 20 working days, then 3 months, then every 6; some now overdue."""
        ri, r = self.ri, self.r
        stop = min(period.end if period.end is not None else self.today + 1, self.today + 1)
        if stop - period.start < 20:
            return
        cut = self.today - ri(190, 280) if period.end is None and r() < 0.08 else stop
        under_four = p.birthday(4)
        day = period.start + ri(14, 28)
        held = 0
        rows = self.rows[m.CLAReview]
        while day < stop and day <= cut:
            rows.append((p.id, _d(day), self.worker_at(p.iros, day),
                         "PN0" if day < under_four else self.pick(PARTICIPATION)))
            held += 1
            day += ri(70, 91) if held == 1 else ri(150, 182)
            if r() < 0.05:
                day += ri(5, 40)

    def _health(self, p: _Person, period: _Period) -> None:
        """An initial health assessment, then reviews every 6 months under 5, yearly after."""
        ri = self.ri
        stop = min(period.end if period.end is not None else self.today + 1, self.today + 1)
        day = period.start + ri(10, 40)
        kind = "initial"
        rows = self.rows[m.HealthAssessment]
        while day < stop:
            rows.append((p.id, kind, _d(day)))
            kind = "review"
            day += (182 if day < p.birthday(5) else 365) + ri(-30, 14)
            if self.r() < 0.08:
                day += ri(20, 90)

    def _visits(self, p: _Person, period: _Period) -> None:
        """Social worker visits over the last year, about every six weeks; some fall behind."""
        stop = min(period.end if period.end is not None else self.today, self.today)
        first = max(period.start, self.recent)
        if stop - first < 7:
            return
        ri = self.ri
        if period.end is None and self.r() < 0.08:
            stop = self.today - ri(50, 100)
        day = first + (ri(2, 7) if period.start >= self.recent else ri(0, 30))
        too_young = p.birthday(5)
        rows = self.rows[m.SocialWorkerVisit]
        while day <= stop:
            worker = self.worker_at(p.social_workers, day)
            if worker:
                rows.append((p.id, _d(day), worker,
                             False if day < too_young else self.pick(SEEN_ALONE), ""))
            day += ri(21, 42)

    # -- leaving care ----------------------------------------------------------------------------

    def _leaving_care(self, p: _Person) -> None:
        """A personal adviser from 16 for eligible young people, their plans, contacts and OC3."""
        main = p.periods[-1]
        b16 = p.birthday(16)
        if self.today < b16 or main.short_break:
            return
        stop = main.end if main.end is not None else self.today
        if stop - max(main.start, p.birthday(14)) < 91 or stop <= b16:
            return
        start = max(b16, main.start + 91) + self.ri(0, 45)
        if start >= self.today - 1:
            return
        if not p.anchor and main.end is not None and self.r() < 0.002:
            p.died_on = self.ri(main.end + 100, self.today + 400)
            if p.died_on >= self.today:
                p.died_on = None
        end: int | None = None
        if p.died_on:
            end = p.died_on
        elif p.age >= 21 and not p.anchor and self.r() < 0.55:
            end = p.birthday(21) + self.ri(0, 60)
        elif not p.anchor and self.r() < 0.05:
            end = self.today - self.ri(10, 120)  # their adviser left; nobody allocated yet
        if end is not None and (end >= self.today or end <= start + 30):
            end = None
        p.advisers = self._allocate(p, m.AllocationRole.PERSONAL_ADVISER, start, end,
                                    self.staff.advisers, 0.4, ("adviser",))
        self._needs_assessment(p, start)
        self._plans(p, start, end)
        self._contacts(p, start, end)
        if main.end is not None:
            self._care_leaver_records(p, main.end)

    def _needs_assessment(self, p: _Person, start: int) -> None:
        """The needs assessment before the first pathway plan, within a month of the adviser
        taking the case: in time, as it is in most authorities (due 3 months after the 16th
        birthday or becoming eligible; CPPCR 2010 reg 41-42). The day comes from the id, not the
        random stream, so the rest of the data is as it was."""
        if not p.advisers:
            return
        day = min(start + (p.id * 2654435761) % 31, self.today - 1)
        assessor = self.worker_at(p.advisers, day) or p.advisers[0][2]
        self.rows[m.NeedsAssessment].append((p.id, _d(day), assessor, NEEDS_SUMMARY))

    def _contacts(self, p: _Person, start: int, end: int | None) -> None:
        """The PA's contacts over the last year, every two to eight weeks."""
        ri = self.ri
        day = max(start, self.recent) + ri(0, 20)
        stop = end if end is not None else self.today
        sparse = self.r() < 0.1
        rows = self.rows[m.PAContact]
        while day <= stop:
            adviser = self.worker_at(p.advisers, day)
            if adviser:
                rows.append((p.id, _d(day), adviser, self.pick(PA_METHODS), ""))
            day += ri(40, 120) if sparse else ri(14, 56)

    def _plans(self, p: _Person, start: int, end: int | None) -> None:
        """Pathway plan versions from go-live on, the last one agreed (or a draft on top)."""
        ri, r = self.ri, self.r
        stop = end if end is not None else self.today
        agreed = []
        day = start + ri(20, 80)
        while day <= stop:
            agreed.append(day)
            day += ri(150, 260)  # a review about every six months; some slip past
        if agreed and end is None and self.today - agreed[-1] < 120 and r() < 0.08 \
                and len(agreed) > 1:
            agreed.pop()  # the latest review never happened: the plan is out of date
        first_kept = 0
        for i, day in enumerate(agreed):
            if day < self.go_live:
                first_kept = i  # the plan current at go-live was migrated
        previous_plan = None
        for i in range(first_kept, len(agreed)):
            current = i == len(agreed) - 1
            plan_id = self._plan(p, i + 1, "agreed" if current else "superseded", agreed[i],
                                 goals=current)
            if previous_plan is not None:
                reviewer = self.worker_at(p.advisers, agreed[i]) or p.advisers[0][2]
                self.rows[m.PathwayPlanReview].append((
                    p.id, previous_plan, _d(agreed[i]), reviewer, self.choice(REVIEW_OUTCOMES)))
            previous_plan = plan_id
        stale = agreed and self.today - agreed[-1] > 150
        if end is None and (not agreed or r() < (0.5 if stale else 0.12)):
            self._plan(p, len(agreed) + 1, "draft", self.today - ri(1, 40), goals=True)

    def _plan(self, p: _Person, number: int, status: str, day: int, *, goals: bool) -> int:
        """One plan version: ten sections; goals, progress and views on the current ones."""
        ri, r = self.ri, self.r
        plan_id = next(self.ids[m.PathwayPlan])
        author = self.worker_at(p.advisers, day) or p.advisers[0][2]
        draft = status == "draft"
        self.rows[m.PathwayPlan].append((
            plan_id, p.id, number, status, None if draft else _d(day), author,
            self.at(day - (0 if draft else ri(7, 40)), ri(0, 480)), self.at(day, ri(0, 480)), 1))
        with_goals = set(self.rng.sample(range(len(HEADINGS)), ri(1, 3) if draft else ri(3, 7))) \
            if goals else set()
        with_views = set(self.rng.sample(range(len(HEADINGS)), ri(1, 2) if draft else ri(2, 4))) \
            if goals else set()
        for h, heading in enumerate(HEADINGS):
            text = SECTIONS[heading]
            section_id = next(self.ids[m.PlanSection])
            self.rows[m.PlanSection].append((section_id, plan_id, heading.value,
                                             self.choice(text.assessments)))
            if h in with_goals:
                self._goal(p, section_id, heading, text, day, draft, author)
            if h in with_views:
                said = min(self.today - 1, day - ri(0, 20) if not draft else day)
                self.rows[m.YoungPersonView].append((
                    section_id, self.choice(text.views), _d(said), author,
                    "meeting" if r() < 0.6 else "web", self.at(min(self.today, said + ri(0, 3)),
                                                                ri(0, 540))))
        return plan_id

    def _goal(self, p: _Person, section_id: int, heading: str, text: Section, day: int,
              draft: bool, author: int) -> None:
        """A goal with an owner, a status that fits its target date, and the progress behind it."""
        ri, r = self.ri, self.r
        owner = author
        if heading in (m.PlanHeading.EDUCATION_TRAINING, m.PlanHeading.EMPLOYMENT) \
                and p.age < 18 and r() < 0.3:
            owner = self.choice(self.staff.virtual_school)
        elif p.social_workers and p.social_workers[-1][1] is None and r() < 0.2:
            owner = p.social_workers[-1][2]
        target = day + ri(60, 240)
        if draft:
            status = "not_started"
        else:
            roll = r()
            if target < self.today:
                status = ("done" if roll < 0.45 else "started" if roll < 0.7
                          else "not_started" if roll < 0.85 else "dropped")
            else:
                status = "not_started" if roll < 0.4 else "started" if roll < 0.9 else "done"
        steps = {"started": ["started"], "done": ["started", "done"] if r() < 0.6 else ["done"],
                 "dropped": ["dropped"]}.get(status, [])
        goal_id = next(self.ids[m.Goal])
        self.rows[m.Goal].append((goal_id, section_id, self.choice(text.goals), owner, _d(target),
                                  status, 1 + len(steps)))
        when = day
        for step in steps:
            when = min(self.today - 1, when + ri(3, 60))
            self.rows[m.GoalProgress].append((goal_id, owner, step, "", "web" if r() < 0.7
                                              else "meeting", self.at(when, ri(0, 540))))
        if r() < 0.35:
            due = day + ri(14, 90)
            done = due - ri(0, 10) if status == "done" or (due < self.today and r() < 0.5) \
                else None
            self.rows[m.GoalAction].append((goal_id, "Book the appointment", owner, _d(due),
                                            _d(min(done, self.today)) if done else None))

    def _outcomes_records(self, p: _Person) -> None:
        """OC2 for each collection year the child was looked after continuously for 12 months
        at 31 March (REFERENCE.md §4.1 c3), with the items each age is asked (SSDA903 rules
        542-547, 186-198, 158-159, 192-193)."""
        rng = _rng(p, "oc2")
        rows = self.rows[m.OutcomesRecord]
        for year in range(2015, dt.date.fromordinal(self.today).year + 1):
            begin, end = _ord(year - 1, 4, 1), _ord(year, 3, 31)
            if end >= self.today or not any(
                    not period.short_break and period.start <= begin
                    and (period.end is None or period.end >= end) for period in p.periods):
                continue
            age_end = _age(p.dob, end)
            age_start = _age(p.dob, begin)
            sdq_score, sdq_reason = None, ""
            if age_end >= 4 and age_start < 17:
                if rng.random() < 0.85:
                    sdq_score = max(0, min(40, round(rng.gauss(14, 6))))
                else:
                    sdq_reason = rng.choice(("SDQ2", "SDQ4", "SDQ5"))
            misuse = age_end >= 11 and rng.random() < 0.06
            received = rng.random() < 0.7 if misuse else None
            offered = (rng.random() < 0.5) if misuse and not received else None
            rows.append((p.id, year, sdq_score, sdq_reason,
                         rng.random() < 0.04 if age_end >= 10 else None,
                         rng.random() < 0.9 if age_end < 5 else None,
                         rng.random() < 0.86, rng.random() < 0.82, rng.random() < 0.9,
                         misuse, received, offered))

    def _care_leaver_records(self, p: _Person, left_on: int) -> None:
        """OC3 activity and accommodation on or around each birthday from 17 to 21."""
        ri, r = self.ri, self.r
        state = "YES"
        for age in range(17, 22):
            birthday = p.birthday(age)
            if birthday > self.today:
                break
            if birthday <= left_on:
                continue  # still looked after on that birthday (rules 1007, 1016)
            recorded = min(self.today, max(left_on, birthday + ri(-20, 40)))
            adviser = self.worker_at(p.advisers, recorded)
            if p.died_on and p.died_on <= recorded:
                state = "DIED"
            elif p.anchor:
                state = "YES"
            elif state == "RHOM" and r() < 0.7:
                pass
            elif adviser is None and p.advisers and p.advisers[-1][1] is not None \
                    and p.advisers[-1][1] < recorded:
                state = "NREQ" if r() < 0.6 else "NO"
            else:
                state = self.pick(IN_TOUCH)
            if state in ("DIED", "RHOM"):
                activity = accommodation = "0"  # validator rules 344/345
            elif state in ("NO", "REFU"):
                activity = "0" if r() < 0.7 else self.pick(ACTIVITY_19)
                accommodation = "0" if r() < 0.6 else "R2" if r() < 0.5 else self.pick(
                    ACCOMMODATION_19)
            else:
                activity = self.pick(ACTIVITY_EET if state == "NREQ" else
                                     ACTIVITY_18 if age <= 18 else ACTIVITY_19)
                if age <= 18 and p.staying_put and r() < 0.75:
                    accommodation = "Z1"
                else:
                    accommodation = self.pick(ACCOMMODATION_18 if age <= 18 else ACCOMMODATION_19)
            status = "draft" if self.today - recorded < 21 and r() < 0.6 else "confirmed"
            self.rows[m.CareLeaverRecord].append((p.id, age, _d(recorded), state, activity,
                                                  accommodation, status, adviser))

    # -- education -------------------------------------------------------------------------------

    def _education(self, p: _Person) -> None:
        """Schools, KS2, KS4, termly attendance while looked after, and PEPs over the last year."""
        ri, r = self.ri, self.r
        reception = p.dob.year + (4 if p.dob.month <= 8 else 5)  # September it starts
        arrived = p.periods[0].start if p.uasc else 0
        moves = [day for period in p.periods for day in period.moves]
        ehcp = p.sen == "ehcp"
        phases = [(_ord(reception, 9, 1), _ord(reception + 7, 7, 22), self.primaries),
                  (_ord(reception + 7, 9, 1), _ord(reception + 12, 7, 22),
                   self.special if ehcp and r() < 0.4 else self.secondaries)]
        if r() < 0.6:
            phases.append((_ord(reception + 12, 9, 1), _ord(reception + 14, 7, 22), self.colleges))
        rows = self.rows[m.SchoolEnrolment]
        for begin, finish, schools in phases:
            if arrived:
                if finish <= arrived + 60:
                    continue
                begin = max(begin, arrived + ri(20, 90))
                if begin >= finish - 10:
                    continue
            if begin > self.today:
                break
            cuts = [day for day in moves if begin + 30 < day < finish - 30 and r() < 0.3]
            for s, e in itertools.pairwise([begin, *cuts, finish]):
                if s > self.today:
                    break
                urn, name = self.choice(schools)
                ended = e - 1 if e != finish else e
                ended_on = ended if ended <= self.today else None
                rows.append((p.id, urn, name, _d(s), _d(ended_on) if ended_on else None))
                p.enrolments.append((s, ended_on, urn))
        ability = self.rng.gauss(0, 1) - {"ehcp": 0.9, "sen_support": 0.4}.get(p.sen, 0)
        self._key_stages(p, reception, arrived, ability)
        self._attendance(p, reception)
        self._peps(p)

    def _key_stages(self, p: _Person, reception: int, arrived: int, ability: float) -> None:
        """KS2 and KS4 calibrated to children looked after: KS2 RWM about 37%, A8 about 19."""
        r, gauss = self.r, self.rng.gauss
        ks2_year = reception + 7
        if (_ord(ks2_year, 7, 10) <= self.today and ks2_year not in NO_KS2_TESTS
                and not (arrived and arrived > _ord(ks2_year - 1, 9, 1)) and r() > 0.06):
            scores = []
            for _ in range(2):
                scores.append(None if r() < 0.04 else
                              max(80, min(120, round(103 + 7 * (ability + gauss(0, 0.6))))))
            reading, maths = scores
            self.rows[m.KS2Result].append((
                p.id, ks2_year, bool(reading and reading >= 100), ability + gauss(0, 0.6) > -0.35,
                bool(maths and maths >= 100), reading, maths, p.sen))
            has_ks2 = True
        else:
            has_ks2 = False
        ks4_year = reception + 12
        if (_ord(ks4_year, 8, 25) <= self.today and r() > 0.05
                and not (arrived and arrived > _ord(ks4_year - 2, 9, 1) and r() < 0.7)):
            if r() < 0.07:
                attainment, english, maths_grade = 0.0, 0, 0
            else:
                # Calibrated to CLA: A8 about 19, grade 4+ in English and maths about 18%.
                attainment = max(0.0, min(90.0, gauss(23 + 9 * ability, 8)))
                english = max(0, min(9, round(attainment / 8.5 + gauss(0.5, 1.0))))
                maths_grade = max(0, min(9, round(attainment / 8.5 + gauss(0.2, 1.0))))
            progress = None if ks4_year in NO_PROGRESS8 or not has_ks2 else Decimal(
                f"{max(-5.0, min(3.0, gauss(-1.2 + 0.5 * ability, 0.9))):.2f}")
            self.rows[m.KS4Result].append((p.id, ks4_year, Decimal(f"{attainment:.2f}"), english,
                                           maths_grade, progress, p.sen))

    def _attendance(self, p: _Person, reception: int) -> None:
        """Attendance for each school term (Year 1 to Year 11) the child was looked after."""
        cared = [(period.start, period.end if period.end is not None else self.today)
                 for period in p.periods if not period.short_break]
        if not cared:
            return
        r, ri, gauss = self.r, self.ri, self.rng.gauss
        roll = r()
        base = (gauss(0.94, 0.03) if roll < 0.7 else gauss(0.82, 0.06) if roll < 0.92
                else gauss(0.55, 0.15))
        suspended = r() < 0.15
        rows = self.rows[m.Attendance]
        for year in range(reception + 2, reception + 13):
            for term, begin, finish, possible in (
                    ("autumn", _ord(year - 1, 9, 1), _ord(year - 1, 12, 20), (136, 146)),
                    ("spring", _ord(year, 1, 4), _ord(year, 3, 28), (112, 124)),
                    ("summer", _ord(year, 4, 15), _ord(year, 7, 22), (118, 130))):
                if finish > self.today:
                    return
                if not any(s < finish and begin < e for s, e in cared):
                    continue
                sessions = ri(*possible)
                rate = max(0.0, min(1.0, base + gauss(0, 0.03)))
                rows.append((p.id, year, term, sessions, round(sessions * rate),
                             ri(1, 3) if suspended and r() < 0.25 else 0,
                             suspended and r() < 0.002))

    def _peps(self, p: _Person) -> None:
        """A PEP meeting early in each school term over the last year, while looked after."""
        rows = self.rows[m.PEPReview]
        year = dt.date.fromordinal(self.recent).year
        starts = [_ord(y, month, day) for y in (year, year + 1)
                  for month, day in ((1, 4), (4, 15), (9, 1))]
        for period in p.periods:
            if period.short_break:
                continue
            stop = min(period.end if period.end is not None else self.today, self.today)
            for term_start in starts:
                day = term_start + self.ri(14, 45)
                if not (self.recent <= day <= stop and day >= period.start):
                    continue
                if not p.birthday(3) <= day < p.birthday(18):
                    continue
                urn = next((u for s, e, u in p.enrolments if s <= day and (e is None or day <= e)),
                           "")
                rows.append((p.id, _d(day), urn, self.choice(PEP_SUMMARIES)))


_RELATIONSHIP_TABLE = _table(((name, sex, weight), weight) for name, sex, weight in RELATIONSHIPS)


def _rng(p: _Person, what: str) -> random.Random:
    """A stream of its own for items added later, so they leave the main stream as it was."""
    return random.Random(f"{what}:{p.id}:{p.dob.isoformat()}")


SW_REASONS = ("MANAGE", "LEFTRL", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "OTHERS")


def _social_worker_reason(p: _Person, role: str, index: int, start: int) -> str:
    """SW_REASON: the first social worker of a period is first contact; then a reason."""
    if role != m.AllocationRole.SOCIAL_WORKER:
        return ""
    if index == 0:
        return "FCONTA"
    return random.Random(f"swreason:{p.id}:{start}").choice(SW_REASONS)


def _age(born: dt.date, day: int) -> int:
    on = dt.date.fromordinal(day)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _motherhood(p: _Person, today: int) -> tuple[bool | None, dt.date | None]:
    """Header MOTHER and MC_DOB: asked of girls and young women; a few are mothers."""
    if p.sex != "F":
        return None, None
    rng = _rng(p, "mother")
    if p.age >= 16 and rng.random() < 0.1:
        first, last = p.birthday(16), min(today - 1, p.birthday(20))
        if first < last:
            return True, _d(rng.randint(first, last))
    return False, None


def _previous_permanence(p: _Person, period_id: int, start: int) -> tuple[str, str, dt.date | None]:
    """PrevPerm for a period of care: mostly none; a few children had an SGO or child
    arrangements order (made here, LA 318) before they first came into care (rules 630-635)."""
    rng = random.Random(f"prevperm:{p.id}:{period_id}")
    first = p.periods[0].start if p.periods else start
    born = p.dob.toordinal()
    if rng.random() < 0.1 and first - born > 400:
        return rng.choice(("P2", "P3")), "318", _d(rng.randint(born + 30, first - 200))
    return "Z1", "", None


def _d(day: int) -> dt.date:
    return dt.date.fromordinal(day)


def _ord(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birthday(dob: dt.date, years: int) -> int:
    """The day a child born on `dob` turns `years` (1 March for a 29 February birthday)."""
    try:
        return dob.replace(year=dob.year + years).toordinal()
    except ValueError:
        return dt.date(dob.year + years, 3, 1).toordinal()


