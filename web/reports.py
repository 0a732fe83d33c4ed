"""The manager reports the staff pages offer: each address's slug, the selector module that
answers it, and the choices it takes beyond year and team.

The selectors are imported by dotted name when a report is asked for, not when the site starts:
a report whose selector module is not there (yet) answers 404, and the rest of the site works.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass


class ReportUnavailable(Exception):
    """The report's selector module, or one of its two functions, does not exist."""


@dataclass(frozen=True)
class Option:
    """A choice a report takes besides year and team, passed to both of its functions by `name`
    (shown as radios)."""

    name: str
    legend: str
    choices: tuple[tuple[str, str], ...]   # (value, words)
    default: str
    hint: str = ""

    @property
    def values(self) -> frozenset[str]:
        return frozenset(value for value, _ in self.choices)

    def label_for(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class ReportPage:
    slug: str
    title: str
    summary: str
    module: str          # dotted path of the selector module
    report: str          # its `*_report(*, user, year, team_id, **options) -> Report`
    children: str        # its `*_children(*, user, drill, year, team_id, **options) -> QuerySet`
    options: tuple[Option, ...] = ()

    def functions(self) -> tuple[Callable, Callable]:
        """The report and children functions. Raises ReportUnavailable when the selector module
        is missing; an import error inside an existing module is a bug and is raised as it is."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as error:
            if error.name and (self.module == error.name
                               or self.module.startswith(error.name + ".")):
                raise ReportUnavailable(self.slug) from error
            raise
        try:
            return getattr(module, self.report), getattr(module, self.children)
        except AttributeError as error:
            raise ReportUnavailable(self.slug) from error

    @property
    def available(self) -> bool:
        """Whether the selector module exists (found, not imported)."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False


COHORT = Option(
    name="cohort",
    legend="Which children in care to count",
    hint="The Department for Education publishes both.",
    choices=(
        ("at_31_march", "Looked after on 31 March"),
        ("twelve_months", "Looked after continuously for 12 months or more on 31 March"),
    ),
    default="at_31_march",
)

REPORTS: dict[str, ReportPage] = {page.slug: page for page in (
    ReportPage(
        slug="attainment-gap",
        title="Attainment gap",
        summary="Key stage 2 and key stage 4 results of children in care against the national "
                "figures, the gap and its trend, with breakdowns.",
        module="outcomes.selectors.reports.attainment",
        report="attainment_gap_report",
        children="attainment_gap_children",
        options=(COHORT,),
    ),
    ReportPage(
        slug="placement-stability",
        title="Placement stability",
        summary="Children with 3 or more placements in the year or in 2 years, and long-term "
                "stability, by age band and over time.",
        module="outcomes.selectors.reports.stability",
        report="placement_stability_report",
        children="placement_stability_children",
    ),
    ReportPage(
        slug="care-leavers",
        title="Care leavers",
        summary="Care leavers in touch, in education, employment or training, and in suitable "
                "accommodation; pathway plans in date; advisers allocated.",
        module="outcomes.selectors.reports.care_leavers",
        report="care_leavers_report",
        children="care_leavers_children",
    ),
    ReportPage(
        slug="timeliness",
        title="Timeliness",
        summary="Reviews, personal education plans, visits and health assessments on time.",
        module="outcomes.selectors.reports.timeliness",
        report="timeliness_report",
        children="timeliness_children",
    ),
)}
