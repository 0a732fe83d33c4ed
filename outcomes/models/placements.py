"""Care history: periods of care, SSDA903 episodes, and connected-person approvals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from outcomes import codes
from outcomes.rules import connected_persons

from .people import User, YoungPerson

# A postcode district ("TW1"), sector ("TW1 1") or full postcode ("TW1 1AA").
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?( \d([A-Z]{2})?)?$")


def validate_postcode(value: str) -> None:
    if value and not POSTCODE_PATTERN.match(value):
        raise ValidationError(
            "Give a postcode district (TW1), sector (TW1 1) or full postcode (TW1 1AA) in capitals."
        )


class PeriodOfCare(models.Model):
    """A continuous period during which the young person was looked after."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="periods_of_care"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason_ceased = models.CharField(
        max_length=3, blank=True, choices=codes.choices(
            {k: v for k, v in codes.REASON_EPISODE_CEASED.items() if k != "X1"}
        ),
    )
    # SSDA903 PrevPerm: asked when a child starts to be looked after (rules 630-635).
    previous_permanence = models.CharField(
        "Previous permanence (PREV_PERM)", max_length=2, blank=True,
        choices=codes.choices(codes.PREVIOUS_PERMANENCE),
        help_text="Was the child adopted, or under an SGO or child arrangements order, before?",
    )
    previous_permanence_la = models.CharField(
        "LA that arranged it (LA_PERM)", max_length=3, blank=True,
        help_text="The DfE 3-digit code of the authority, or WAL, SCO, NIR or NUK.",
    )
    previous_permanence_on = models.DateField("Date of that order (DATE_PERM)", null=True,
                                              blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "started_on"]
        verbose_name_plural = "periods of care"
        constraints = [
            models.CheckConstraint(
                name="period_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                violation_error_message="A period of care cannot end before it starts.",
            ),
            models.CheckConstraint(
                name="period_reason_iff_ended",
                condition=(Q(ended_on__isnull=True) & Q(reason_ceased=""))
                | (Q(ended_on__isnull=False) & ~Q(reason_ceased="")),
                violation_error_message="A period of care that has ended needs a reason, and only then.",
            ),
            models.CheckConstraint(
                name="period_previous_permanence_valid",
                condition=Q(previous_permanence__in=["", *codes.PREVIOUS_PERMANENCE])
                & (Q(previous_permanence__in=["", "Z1"])
                   | Q(previous_permanence_on__isnull=False)),
                violation_error_message="A previous permanence order needs its date.",
            ),
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(ended_on__isnull=True),
                name="one_open_period_of_care",
                violation_error_message="This young person already has an open period of care.",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.ended_on:%d/%m/%Y}" if self.ended_on else "now"
        return f"Looked after {self.started_on:%d/%m/%Y} to {end}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A period of care cannot end before it starts."})
        if bool(self.ended_on) != bool(self.reason_ceased):
            raise ValidationError(
                {"reason_ceased": "Give the reason care ceased when, and only when, it has ended."}
            )


class EpisodeQuerySet(models.QuerySet):
    """The SQL twins of the calendar rules in `outcomes.rules.placements` (one table of cases
    runs through both: tests/outcomes/test_looked_after_on.py)."""

    def counted(self) -> EpisodeQuerySet:
        """Episodes that count as care: short breaks (V3/V4) left out (REFERENCE.md §4.1 a2)."""
        return self.exclude(legal_status__in=codes.SHORT_BREAK_LEGAL_STATUSES)

    def open_on(self, day: dt.date) -> EpisodeQuerySet:
        """Open on `day`, the day it ends included: `rules.placements.open_on`."""
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gte=day))

    def open_during(self, start: dt.date, end: dt.date) -> EpisodeQuerySet:
        """Open on at least one day of `start`..`end`: `rules.placements.open_during`."""
        return self.filter(Q(started_on__lte=end), Q(ended_on__isnull=True)
                           | Q(ended_on__gte=start))

    def looked_after_on(self, day: dt.date) -> EpisodeQuerySet:
        """The episodes that make their young people looked after on `day`:
        `rules.placements.looked_after_on` (§4.1 "CLA at 31 March")."""
        return self.counted().open_on(day)


class Episode(models.Model):
    """An SSDA903 episode: a new one starts on any change of legal status or placement."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="episodes"
    )
    period_of_care = models.ForeignKey(
        PeriodOfCare, on_delete=models.CASCADE, related_name="episodes"
    )
    started_on = models.DateField("DECOM")
    reason_new_episode = models.CharField(
        "RNE", max_length=1, choices=codes.choices(codes.REASON_NEW_EPISODE)
    )
    legal_status = models.CharField("LS", max_length=2, choices=codes.choices(codes.LEGAL_STATUS))
    category_of_need = models.CharField(
        "CIN", max_length=2, choices=codes.choices(codes.CATEGORY_OF_NEED)
    )
    place = models.CharField("PLACE", max_length=3, choices=codes.choices(codes.PLACEMENT_TYPE))
    place_provider = models.CharField(
        "PLACE_PROVIDER", max_length=3, blank=True,
        choices=codes.choices(codes.PLACEMENT_PROVIDER),
    )
    ended_on = models.DateField("DEC", null=True, blank=True)
    reason_ceased = models.CharField(
        "REC", max_length=3, blank=True, choices=codes.choices(codes.REASON_EPISODE_CEASED)
    )
    reason_place_change = models.CharField(
        "REASON_PLACE_CHANGE", max_length=6, blank=True,
        choices=codes.choices(codes.REASON_PLACE_CHANGE),
    )
    home_postcode = models.CharField(
        "HOME_POST", max_length=8, blank=True, validators=[validate_postcode]
    )
    placement_postcode = models.CharField(
        "PL_POST", max_length=8, blank=True, validators=[validate_postcode]
    )
    urn = models.CharField(
        "URN", max_length=8, blank=True,
        help_text="Ofsted URN of the setting (SC999999 or 7 digits), or XXXXXXX.",
    )
    history = HistoricalRecords()
    objects = EpisodeQuerySet.as_manager()

    # Not a field. True on an episode whose regulation 24 decision is held outside Waymark: an
    # SSDA903 import records placements already made as the return states them (the decision
    # lives in the authority's case system, and the import counts such placements in its notes).
    # `clean()` then leaves out the connected-person approval check (REFERENCE.md §1.3); every
    # other check still runs. Only the import sets it; staff pages, the API and the bot never do.
    approval_held_elsewhere: bool = False

    class Meta:
        ordering = ["young_person_id", "started_on"]
        constraints = [
            models.CheckConstraint(
                name="episode_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                violation_error_message="An episode must end after the day it starts.",
            ),
            models.CheckConstraint(
                name="episode_reason_iff_ended",
                condition=(Q(ended_on__isnull=True) & Q(reason_ceased=""))
                | (Q(ended_on__isnull=False) & ~Q(reason_ceased="")),
                violation_error_message="An episode that has ended needs a reason (REC), and only then.",
            ),
            models.UniqueConstraint(
                fields=["young_person", "started_on"], name="one_episode_per_child_per_start",
                violation_error_message="This young person already has an episode starting that day.",
            ),
            models.CheckConstraint(
                name="episode_codes_valid",
                condition=Q(reason_new_episode__in=list(codes.REASON_NEW_EPISODE))
                & Q(legal_status__in=list(codes.LEGAL_STATUS))
                & Q(category_of_need__in=list(codes.CATEGORY_OF_NEED))
                & Q(place__in=list(codes.PLACEMENT_TYPE))
                & Q(place_provider__in=["", *codes.PLACEMENT_PROVIDER])
                & Q(reason_ceased__in=["", *codes.REASON_EPISODE_CEASED])
                & Q(reason_place_change__in=["", *codes.REASON_PLACE_CHANGE]),
                violation_error_message="An SSDA903 code is not in its code list.",
            ),
        ]
        indexes = [models.Index(fields=["started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.place} from {self.started_on:%d/%m/%Y}"

    @property
    def is_temporary(self) -> bool:
        return self.place in codes.TEMPORARY_PLACEMENTS

    @property
    def is_short_break(self) -> bool:
        return self.legal_status in codes.SHORT_BREAK_LEGAL_STATUSES

    def clean(self, *, siblings: Iterable[Episode] | None = None) -> None:
        """The episode's own checks, then its period of care, no overlap with the young person's
        other episodes, and the regulation 24 approval of a connected-person placement (unless
        `approval_held_elsewhere`). `siblings`: the young person's episodes as they will be,
        when the caller holds them all (an import writing a child's history at once); the
        overlap is then checked among them in memory instead of by a query."""
        errors: dict[str, str] = {}
        if self.started_on and self.place:
            try:
                codes.check_placement_type(self.place, on=self.started_on)
            except ValidationError as error:
                errors.update({k: v[0] for k, v in error.message_dict.items()})
        if self.ended_on and self.started_on and self.ended_on <= self.started_on:
            errors["ended_on"] = "An episode must end after the day it starts (DEC after DECOM)."
        if bool(self.ended_on) != bool(self.reason_ceased):
            errors["reason_ceased"] = "Give REC when, and only when, the episode has ended."
        if self.place in codes.NO_PROVIDER_PLACEMENTS and self.place_provider:
            errors["place_provider"] = f"No placement provider is recorded for {self.place}."
        elif self.place and self.place not in codes.NO_PROVIDER_PLACEMENTS and not self.place_provider:
            errors["place_provider"] = f"A placement provider is needed for {self.place}."
        if errors:
            raise ValidationError(errors)
        if not self.started_on:
            return  # the field's own "required" error says it; the checks below need a date
        self._clean_within_period()
        self._clean_no_overlap(siblings)
        if not self.approval_held_elsewhere:
            self._clean_connected_person_approval()

    def _clean_within_period(self) -> None:
        # The period given, saved or not yet (an import checks a child's rows before writing).
        period = getattr(self, "period_of_care", None)
        if period is None:
            return
        if period.young_person_id != self.young_person_id:
            raise ValidationError({"period_of_care": "That period of care is another child's."})
        if self.started_on < period.started_on or (
            period.ended_on and (self.ended_on is None or self.ended_on > period.ended_on)
        ):
            raise ValidationError(
                {"started_on": "The episode falls outside its period of care."}
            )

    def _clean_no_overlap(self, siblings: Iterable[Episode] | None = None) -> None:
        end = self.ended_on or dt.date.max
        # Episodes touch but do not overlap: the next one starts the day the last one ends.
        if siblings is not None:
            other = min((o for o in siblings
                         if o is not self and (o.pk is None or o.pk != self.pk)
                         and o.started_on < end
                         and (o.ended_on is None or o.ended_on > self.started_on)),
                        key=lambda o: o.started_on, default=None)
        else:
            if not (self.young_person_id and self.started_on):
                return
            clash = Episode.objects.filter(
                young_person_id=self.young_person_id, started_on__lt=end
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=self.started_on))
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            other = clash.first()
        if other:
            raise ValidationError(
                {"started_on": f"This episode overlaps the episode from "
                               f"{other.started_on:%d/%m/%Y} ({other.place})."}
            )

    def _clean_connected_person_approval(self) -> None:
        # REFERENCE.md §1.3: never place with a connected person without a reg 24 decision.
        if self.place not in codes.CONNECTED_PERSON_PLACEMENTS or not self.young_person_id:
            return
        approvals = ConnectedPersonApproval.objects.filter(
            young_person_id=self.young_person_id, approved_on__lte=self.started_on
        )
        if not any(a.in_force_on(self.started_on) for a in approvals):
            raise ValidationError(
                {"place": f"{self.place} is a connected-person placement: record the regulation 24 "
                          "approval (date and nominated officer) before the placement."}
            )


class AdoptionDecision(models.Model):
    """The agency decision maker's decision that a child should be placed for adoption, and its
    reversal if it comes (SSDA903 PlacedAdoption)."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="adoption_decisions"
    )
    decided_on = models.DateField("Decided should be placed for adoption (DATE_PLACED)")
    reversed_on = models.DateField(
        "Decided should no longer be placed (DATE_PLACED_CEASED)", null=True, blank=True
    )
    reversal_reason = models.CharField(
        "Why (REASON_PLACED_CEASED)", max_length=3, blank=True,
        choices=codes.choices(codes.REASON_PLACED_CEASED),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "decided_on"]
        constraints = [
            models.UniqueConstraint(fields=["young_person", "decided_on"],
                                    name="one_adoption_decision_per_day",
                                    violation_error_message="A decision is already recorded that day."),
            models.CheckConstraint(
                name="adoption_decision_reversal_complete",
                condition=(Q(reversed_on__isnull=True) & Q(reversal_reason=""))
                | (Q(reversed_on__gte=models.F("decided_on"))
                   & Q(reversal_reason__in=list(codes.REASON_PLACED_CEASED))),
                violation_error_message="A reversal needs its date (on or after the decision) and "
                                        "its reason, and only then.",
            ),
        ]

    def __str__(self) -> str:
        return f"Should be placed for adoption from {self.decided_on:%d/%m/%Y}"


class Adoption(models.Model):
    """The adoption of a child who was looked after (SSDA903 AD1): one per child."""

    young_person = models.OneToOneField(
        YoungPerson, on_delete=models.CASCADE, related_name="adoption"
    )
    best_interests_on = models.DateField("Decided adoption is in the child's best interests "
                                         "(DATE_INT)")
    matched_on = models.DateField("Matched with adopters (DATE_MATCH)")
    by_foster_carers = models.BooleanField("Adopted by their foster carers (FOSTER_CARE)")
    number_of_adopters = models.CharField("NB_ADOPTR", max_length=1,
                                          choices=codes.choices(codes.NUMBER_OF_ADOPTERS))
    sex_of_adopters = models.CharField("SEX_ADOPTR", max_length=2,
                                       choices=codes.choices(codes.SEX_OF_ADOPTERS))
    legal_status_of_adopters = models.CharField(
        "LS_ADOPTR", max_length=3, choices=codes.choices(codes.LEGAL_STATUS_OF_ADOPTERS)
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id"]
        constraints = [
            models.CheckConstraint(
                name="adoption_codes_valid",
                condition=Q(number_of_adopters__in=list(codes.NUMBER_OF_ADOPTERS))
                & Q(sex_of_adopters__in=list(codes.SEX_OF_ADOPTERS))
                & Q(legal_status_of_adopters__in=list(codes.LEGAL_STATUS_OF_ADOPTERS))
                & Q(matched_on__gte=models.F("best_interests_on")),
                violation_error_message="An adoption code is not in its list, or the match is "
                                        "before the decision.",
            ),
        ]

    def __str__(self) -> str:
        return f"Adoption, matched {self.matched_on:%d/%m/%Y}"


class ConnectedPersonApproval(models.Model):
    """A reg 24 temporary approval of a connected person, its single reg 25 extension, and the
    full approval as a foster carer when it comes."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="connected_person_approvals"
    )
    carer_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, help_text="For example: grandmother, family friend.")
    approved_on = models.DateField("Temporary approval on")
    nominated_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+",
        help_text="The nominated officer who made the regulation 24 decision.",
    )
    extended_until = models.DateField(null=True, blank=True)
    panel_view = models.TextField("Fostering panel's view", blank=True)
    iro_informed_on = models.DateField("IRO informed on", null=True, blank=True)
    extension_approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The nominated officer who approved the extension.",
    )
    fully_approved_on = models.DateField(
        null=True, blank=True, help_text="Approved as a foster carer after the full assessment."
    )
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "-approved_on"]
        constraints = [
            models.CheckConstraint(
                name="cp_extension_complete",
                condition=Q(extended_until__isnull=True)
                | (
                    Q(extended_until__gt=models.F("approved_on"))
                    & ~Q(panel_view="")
                    & Q(iro_informed_on__isnull=False)
                    & Q(extension_approved_by__isnull=False)
                ),
                violation_error_message=(
                    "An extension needs the panel's view, the date the IRO was informed and a "
                    "nominated officer's approval."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carer_name} ({self.relationship}), approved {self.approved_on:%d/%m/%Y}"

    @property
    def expires_on(self) -> dt.date | None:
        """The last day of the temporary approval, or None once fully approved."""
        if self.fully_approved_on:
            return None
        return self.extended_until or connected_persons.temporary_approval_expiry(
            approved_on=self.approved_on
        )

    def in_force_on(self, day: dt.date) -> bool:
        if day < self.approved_on or (self.ended_on and day > self.ended_on):
            return False
        if self.fully_approved_on and day >= self.fully_approved_on:
            return True
        return day <= (self.extended_until or connected_persons.temporary_approval_expiry(
            approved_on=self.approved_on))

    def clean(self) -> None:
        problems = connected_persons.extension_problems(
            approved_on=self.approved_on,
            extended_until=self.extended_until,
            panel_view=self.panel_view,
            iro_informed_on=self.iro_informed_on,
            nominated_officer_approved=self.extension_approved_by_id is not None,
        ) if self.approved_on else []
        if problems:
            errors: dict[str, list[str]] = {}
            for problem in problems:
                errors.setdefault(problem.field, []).append(problem.message)
            raise ValidationError(errors)
