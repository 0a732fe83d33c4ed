"""Temporary approval of a connected person as a foster carer.

CPPCR 2010 reg 24 (REFERENCE.md §1.3): a relative, friend or other connected person may be
approved as a foster parent for a temporary period of up to 16 weeks. Reg 25: if the approval is
likely to expire before the full assessment is complete, it may be extended once, by up to
8 weeks (so 24 weeks at most), after seeking the fostering panel's view and informing the IRO,
with a nominated officer's approval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TEMPORARY_APPROVAL = dt.timedelta(weeks=16)  # reg 24
MAX_EXTENSION = dt.timedelta(weeks=8)  # reg 25


def temporary_approval_expiry(*, approved_on: dt.date) -> dt.date:
    """The last day of a reg 24 temporary approval before any extension."""
    return approved_on + TEMPORARY_APPROVAL


def latest_extension(*, approved_on: dt.date) -> dt.date:
    """The furthest a single reg 25 extension can take a temporary approval (24 weeks)."""
    return temporary_approval_expiry(approved_on=approved_on) + MAX_EXTENSION


@dataclass(frozen=True)
class ExtensionProblem:
    field: str
    message: str


def extension_problems(
    *,
    approved_on: dt.date,
    extended_until: dt.date | None,
    panel_view: str,
    iro_informed_on: dt.date | None,
    nominated_officer_approved: bool,
) -> list[ExtensionProblem]:
    """What stops a reg 25 extension from being valid; an empty list when it is."""
    if extended_until is None:
        return []
    problems = []
    expiry = temporary_approval_expiry(approved_on=approved_on)
    if extended_until <= expiry:
        problems.append(ExtensionProblem(
            "extended_until", f"An extension must run past the 16-week expiry ({expiry:%d/%m/%Y})."
        ))
    if extended_until > latest_extension(approved_on=approved_on):
        problems.append(ExtensionProblem(
            "extended_until",
            "Reg 25 allows one extension of at most 8 weeks, to "
            f"{latest_extension(approved_on=approved_on):%d/%m/%Y}.",
        ))
    if not panel_view.strip():
        problems.append(ExtensionProblem(
            "panel_view", "Record the fostering panel's view before extending (reg 25)."
        ))
    if iro_informed_on is None:
        problems.append(ExtensionProblem(
            "iro_informed_on", "Record when the IRO was informed of the extension (reg 25)."
        ))
    if not nominated_officer_approved:
        problems.append(ExtensionProblem(
            "extension_approved_by", "A nominated officer must approve the extension (reg 25)."
        ))
    return problems
