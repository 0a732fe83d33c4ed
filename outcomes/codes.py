"""SSDA903 code lists, with the collection years in which each code is valid.

Source: REFERENCE.md §3 (code lists from the DfE validator csc-validator-be-903 and the D2I SSD
data model) and SSDA903.md §3.3. A collection year is named by the year it ends: 2025 means
1 April 2024 - 31 March 2025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from outcomes.rules.years import CollectionYear

ALL_YEARS = None  # marker: valid in every collection year we hold


# §3.2 Legal status
LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under s20",
    "V3": "Agreed series of short-term breaks, individual episodes recorded",
    "V4": "Agreed series of short-term breaks, agreements recorded",
    "L1": "Police protection and in LA accommodation",
    "L2": "Emergency protection order",
    "L3": "Child assessment order and in LA accommodation",
    "J1": "Remanded to LA or youth detention accommodation",
    "J2": "In LA accommodation under PACE 1984",
    "J3": "Youth rehabilitation order with residence or intensive fostering requirement",
}
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})

# §3.3 Category of need
CATEGORY_OF_NEED = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

# §3.4 Reason for new episode
REASON_NEW_EPISODE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer only",
    "T": "Change of placement, same carer only",
    "B": "Change of legal status and of placement and carer",
    "U": "Change of legal status and of placement, same carer",
}

# §3.5 Placement type, with the collection years in which each is valid (first, last).
PLACEMENT_TYPE: dict[str, tuple[str, int | None, int | None]] = {
    "A3": ("Placed for adoption with consent, with current foster carer", None, None),
    "A4": ("Placed for adoption with consent, not with current foster carer", None, None),
    "A5": ("Placed for adoption with placement order, with current foster carer", None, None),
    "A6": ("Placed for adoption with placement order, not with current foster carer", None, None),
    "H5": ("Semi-independent living not subject to children's homes regulations", None, 2025),
    "K1": ("Secure children's home", None, None),
    "K2": ("Children's home subject to Children's Homes Regulations", None, None),
    "K3": ("Registered supported accommodation", 2025, None),
    "P1": ("Placed with own parent(s) or others with parental responsibility", None, None),
    "P2": ("Independent living", None, 2025),
    "P3": ("Residential employment", None, None),
    "R1": ("Residential care home", None, None),
    "R2": ("NHS/health trust or other medical or nursing establishment", None, None),
    "R3": ("Family centre or mother-and-baby unit", None, None),
    "R5": ("Young offender institution", None, None),
    "S1": ("Residential school", None, None),
    "T0": ("Temporary move of any type", None, None),
    "T1": ("Temporary period in hospital", None, None),
    "T2": ("Temporary absence on holiday", None, None),
    "T3": ("Temporary accommodation while the usual foster carer is on holiday", None, None),
    "T4": ("Temporary accommodation of 7 days or less", None, None),
    "U1": ("Foster with relative or friend, long-term", None, None),
    "U2": ("Foster with relative or friend who is also an approved adopter", None, None),
    "U3": ("Foster with relative or friend, not long-term or FFA", None, None),
    "U4": ("Foster with other carer, long-term", None, None),
    "U5": ("Foster with other carer who is also an approved adopter", None, None),
    "U6": ("Foster with other carer, not long-term or FFA", None, None),
    "Z1": ("Other placement", None, 2025),
    "Z11": ("Other placement (2025-26 code Z11)", 2026, None),
    "Z12": ("Other placement (2025-26 code Z12)", 2026, None),
    "Z13": ("Other placement (2025-26 code Z13)", 2026, None),
    "Z14": ("Other placement (2025-26 code Z14)", 2026, None),
}
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
CONNECTED_PERSON_PLACEMENTS = frozenset({"U1", "U2", "U3"})  # §1.3, reg 24
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
# §3.6: no provider for temporary moves or the "other" placements. T4 too: the validator's
# rules 213 and 526 (2022/23 and 2025/26) refuse a provider on any T0-T4.
NO_PROVIDER_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13",
                                    "Z14"})

# §3.6 Placement provider
PLACEMENT_PROVIDER = {
    "PR0": "Parent(s) or others with parental responsibility",
    "PR1": "Own LA provision",
    "PR2": "Other LA provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third-sector provision",
}

# §3.7 Reason episode ceased
REASON_EPISODE_CEASED = {
    "X1": "Episode ends and a new one starts the same day",
    "E11": "Adopted, application unopposed",
    "E12": "Adopted, consent dispensed with",
    "E2": "Died",
    "E3": "Care taken over by another LA",
    "E4A": "Returned home to parents or person with PR, planned",
    "E4B": "Returned home to parents or person with PR, unplanned",
    "E13": "Left care to live with parents or relatives with no PR",
    "E41": "Residence order or child arrangements order granted",
    "E45": "SGO to former foster carers who are relatives or friends",
    "E46": "SGO to former foster carers, not relatives or friends",
    "E47": "SGO to other carers who are relatives or friends",
    "E48": "SGO to other carers, not relatives or friends",
    "E5": "Moved to independent living with formal support",
    "E6": "Moved to independent living without formal support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the young person to be 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 or over and stayed with current carers",
}

# §3.8 Reason for placement change
REASON_PLACE_CHANGE = {
    "CARPL": "Change to or implementation of care plan",
    "CLOSE": "Resignation or closure of provision",
    "ALLEG": "Allegation (s47 investigation)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer requests end because of the child's behaviour",
    "CREQO": "Carer requests end for other reasons",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible or area authority requests placement end",
    "PLACE": "Change in the status of the placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

# §3.9 Review participation
REVIEW_PARTICIPATION = {
    "PN0": "Child under 4 at the time of the review",
    "PN1": "Attends and speaks for self",
    "PN2": "Attends, an advocate or the IRO speaks",
    "PN3": "Attends, conveys views symbolically",
    "PN4": "Attends without contributing",
    "PN5": "Absent, briefs an advocate or the IRO",
    "PN6": "Absent, conveys views by another medium",
    "PN7": "Absent, views not conveyed",
}

# §3.9 Ethnicity
ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# SSDA903.md §3.3 (rule 101, 2024-25 on)
SEX = {"M": "Male", "F": "Female", "U": "Not known"}

# §3.10 Care leavers (OC3)
IN_TOUCH = {
    "YES": "In touch",
    "NO": "Not in touch",
    "DIED": "Died",
    "REFU": "Refuses contact",
    "NREQ": "No longer requires services",
    "RHOM": "Returned home for 6 or more months",
}
ACTIVITY = {
    "F1": "Full-time higher education",
    "P1": "Part-time higher education",
    "F2": "Full-time education other than higher education",
    "P2": "Part-time education other than higher education",
    "F4": "Full-time apprenticeship",
    "P4": "Part-time apprenticeship",
    "F5": "Full-time training or employment",
    "P5": "Part-time training or employment",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other",
    "G6": "Not in education, employment or training: pregnancy or parenting",
    "0": "No information",
}
EET_ACTIVITIES = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"})  # §4.1 d4
NEET_ACTIVITIES = frozenset({"G4", "G5", "G6"})
ACCOMMODATION_TYPE = {
    "B": "With parents or relatives",
    "C": "Community home or other residential care",
    "D": "Semi-independent transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, no formal support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyer or similar accommodation with education, training or employment",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers (Staying Put)",
}
# S (no fixed abode) and X (custody) take only suffix 2 (rule 133).
ACCOMMODATION = {"0": "No information"} | {
    f"{letter}{suffix}": f"{label} ({'suitable' if suffix == '1' else 'unsuitable'})"
    for letter, label in ACCOMMODATION_TYPE.items()
    for suffix in ("1", "2")
    if not (letter in {"S", "X"} and suffix == "1")
}


def choices(codes: dict) -> list[tuple[str, str]]:
    """Django `choices` from a code list: ("U1", "U1: Foster with relative ...")."""
    return [(code, f"{code}: {_label(value)}") for code, value in codes.items()]


def _label(value) -> str:
    return value[0] if isinstance(value, tuple) else value


def placement_types_in(year: int) -> frozenset[str]:
    """The placement types valid in a collection year (REFERENCE.md §3.5)."""
    return frozenset(
        code
        for code, (_, first, last) in PLACEMENT_TYPE.items()
        if (first is None or year >= first) and (last is None or year <= last)
    )


def check_code(value: str, codes: Iterable[str], *, field: str, what: str) -> None:
    """Raise a ValidationError naming the field and the allowed codes."""
    allowed = list(codes)
    if value not in allowed:
        raise ValidationError(
            {field: f"{value!r} is not a valid {what}. Allowed: {', '.join(allowed)}."}
        )


def check_placement_type(place: str, *, on: dt.date, field: str = "place") -> None:
    """Refuse a placement type that is not in the SSDA903 list for the collection year of `on`."""
    year = CollectionYear.of(on).year
    allowed = sorted(placement_types_in(year))
    if place not in allowed:
        raise ValidationError(
            {
                field: f"{place!r} is not a valid placement type in collection year "
                f"{CollectionYear(year).label}. Allowed: {', '.join(allowed)}."
            }
        )


# SSDA903 items the return asks for beyond the care history (SSDA903.md §3.3; REFERENCE.md §3.9).
PREVIOUS_PERMANENCE = {
    "P1": "Adoption",
    "P2": "Special guardianship order",
    "P3": "Residence order or child arrangements order",
    "P4": "Permanence order, type not known",
    "Z1": "No previous permanence order, or not known",
}
SDQ_REASON = {
    "SDQ1": "No form returned: child under 4 or over 16",
    "SDQ2": "Carer refused",
    "SDQ3": "Not possible because of the severity of the child's disability",
    "SDQ4": "Other",
    "SDQ5": "Child or young person refused",
}
REASON_PLACED_CEASED = {
    "RD1": "The child's needs changed",
    "RD2": "The court did not make a placement order",
    "RD3": "Prospective adopters could not be found",
    "RD4": "Any other reason",
}
NUMBER_OF_ADOPTERS = {"1": "Single adopter", "2": "Couple"}
SEX_OF_ADOPTERS = {"M1": "Single male", "F1": "Single female", "MM": "Male couple",
                   "FF": "Female couple", "MF": "Male and female couple"}
# Labels not extracted (REFERENCE.md open items); L0 single, L11/L12 married, L2 civil
# partnership, L3/L4 unmarried couples, as rules 514-524 read them.
LEGAL_STATUS_OF_ADOPTERS = {"L0": "Single adopter", "L11": "Married couple (different sex)",
                            "L12": "Married couple (same sex)", "L2": "Civil partners",
                            "L3": "Unmarried couple (different sex)",
                            "L4": "Unmarried couple (same sex)"}

# SSDA903 SWEpisodes SW_REASON (rule SW13STG1, 2024/25): why a social worker episode began.
SOCIAL_WORKER_CHANGE_REASON = {
    "FCONTA": "First contact: the first social worker",
    "MANAGE": "Management decision",
    "LEFTRL": "Social worker left the role",
    "ORGRST": "Organisational restructure",
    "TSPROC": "Transfer between teams or processes",
    "ABSENC": "Social worker absent",
    "CHCHAN": "Child's request",
    "PCCHAN": "Parent's or carer's request",
    "SWDIED": "Social worker died",
    "OTHERS": "Other",
}
