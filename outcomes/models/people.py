"""People: staff and their roles, teams, young people, and who is allocated to whom."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from outcomes import codes
from outcomes.rules.dates import age_on


class Role(models.TextChoices):
    YOUNG_PERSON = "young_person", "Young person"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    SOCIAL_WORKER = "social_worker", "Social worker"
    IRO = "iro", "Independent reviewing officer"
    VIRTUAL_SCHOOL = "virtual_school", "Virtual school"
    TEAM_MANAGER = "team_manager", "Team manager"
    ADMINISTRATOR = "administrator", "Administrator"


STAFF_ROLES = frozenset(Role) - {Role.YOUNG_PERSON}


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in: staff, or a young person using the bot (linked to their record)."""

    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    young_person = models.OneToOneField(
        "outcomes.YoungPerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
        help_text="Only for the young-person role: the record this account belongs to.",
    )
    # A team manager oversees their own team; one who heads the service (children in care and
    # leaving care) oversees these teams too. Read through access.teams_managed_by.
    managed_teams = models.ManyToManyField(
        Team, blank=True, related_name="managers",
        help_text="Only for team managers: other teams they oversee besides their own (a "
                  "service manager heads several teams).",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=Role.values),
                violation_error_message="Unknown role.",
            ),
            models.CheckConstraint(
                name="user_young_person_iff_role",
                condition=(Q(role=Role.YOUNG_PERSON) & Q(young_person__isnull=False))
                | (~Q(role=Role.YOUNG_PERSON) & Q(young_person__isnull=True)),
                violation_error_message=(
                    "A young-person account must be linked to a young person's record, "
                    "and only a young-person account may be."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_young_person(self) -> bool:
        return self.role == Role.YOUNG_PERSON


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    NOT_KNOWN = "U", "Not known"


class SENStatus(models.TextChoices):
    NONE = "none", "No special educational needs"
    SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"


class ContactMethod(models.TextChoices):
    TELEGRAM = "telegram", "Telegram"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    VISIT = "visit", "Visit"
    POST = "post", "Letter"


# SSDA903 rule 168 (SSDA903.md §3.3): a letter other than I, O or S and 12 digits, or a letter,
# 11 digits and a letter, or UN1-UN5.
UPN_PATTERN = re.compile(r"^([A-HJ-NP-RT-Z]\d{12}|[A-HJ-NP-RT-Z]\d{11}[A-Z]|UN[1-5])$")
CHILD_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{1,10}$")


def validate_upn(value: str) -> None:
    if value and not UPN_PATTERN.match(value):
        raise ValidationError(
            "A UPN is a letter (not I, O or S) and 12 digits, a letter, 11 digits and a letter, "
            "or UN1 to UN5."
        )


def validate_child_id(value: str) -> None:
    if not CHILD_ID_PATTERN.match(value):
        raise ValidationError("The LA child id is 1 to 10 letters or digits.")


class YoungPerson(models.Model):
    """A child looked after, or a care leaver. `child_id` is the SSDA903 CHILD."""

    child_id = models.CharField(
        "LA child id", max_length=10, unique=True, validators=[validate_child_id]
    )
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=codes.choices(codes.ETHNICITY))
    upn = models.CharField(
        "UPN", max_length=13, blank=True, validators=[validate_upn],
        help_text="Unique pupil number.",
    )
    uasc = models.BooleanField("Unaccompanied asylum-seeking child", default=False)
    # SSDA903 Header MOTHER and MC_DOB: asked of every girl or young woman looked after.
    is_mother = models.BooleanField(
        "Is a mother (MOTHER)", null=True, blank=True,
        help_text="Blank until asked; the SSDA903 return needs it for every girl looked after.",
    )
    first_child_born_on = models.DateField(
        "First child's date of birth (MC_DOB)", null=True, blank=True,
    )
    disability = models.BooleanField(default=False)
    sen_status = models.CharField(
        "SEN status", max_length=12, choices=SENStatus.choices, default=SENStatus.NONE
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="young_people",
        help_text="The team responsible for this young person.",
    )
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    contact_notes = models.CharField(
        max_length=500, blank=True, help_text="Best times to reach them, who to avoid, and so on."
    )
    authority_accommodation = models.BooleanField(
        "Accommodation provided by the authority", default=False,
        help_text="For a care leaver: the authority provides the accommodation (s23B/s24B), so "
                  "the personal adviser visits at least every 2 months (CL 2010 reg 8).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        verbose_name = "young person"
        verbose_name_plural = "young people"
        constraints = [
            models.CheckConstraint(
                name="young_person_sex_valid", condition=Q(sex__in=Sex.values),
                violation_error_message="Sex must be M, F or U.",
            ),
            models.CheckConstraint(
                name="young_person_child_born_only_to_mother",
                condition=Q(first_child_born_on__isnull=True) | Q(is_mother=True),
                violation_error_message="A first child's date of birth is only for a mother.",
            ),
            models.CheckConstraint(
                name="young_person_ethnicity_valid",
                condition=Q(ethnicity__in=list(codes.ETHNICITY)),
                violation_error_message="Unknown ethnicity code.",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            # The lists' order (by name), whole or within a team, straight from an index.
            models.Index(fields=["legal_last_name", "legal_first_name", "id"],
                         name="young_person_by_name"),
            models.Index(fields=["team", "legal_last_name", "legal_first_name", "id"],
                         name="young_person_team_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.child_id})"

    @property
    def known_as(self) -> str:
        """The first name they go by: the preferred name, else the legal first name."""
        return self.preferred_name or self.legal_first_name

    @property
    def display_name(self) -> str:
        return f"{self.known_as} {self.legal_last_name}"

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on `day`: `rules.dates.age_on`, the one rule."""
        return age_on(self.date_of_birth, day)


class AllocationRole(models.TextChoices):
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    SOCIAL_WORKER = "social_worker", "Social worker"
    IRO = "iro", "Independent reviewing officer"


class AllocationQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> AllocationQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


class Allocation(models.Model):
    """Who holds a young person's case in a role, from when to when. History, not a field."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="allocations"
    )
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=20, choices=AllocationRole.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(
        "Why it began (SW_REASON)", max_length=6, blank=True,
        choices=codes.choices(codes.SOCIAL_WORKER_CHANGE_REASON),
        help_text="For a social worker: the SSDA903 reason this allocation began.",
    )
    history = HistoricalRecords()

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["young_person_id", "role", "-started_on"]
        constraints = [
            models.CheckConstraint(
                name="allocation_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                violation_error_message="An allocation cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["young_person", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_open_allocation_per_role",
                violation_error_message="This young person already has an open allocation in this role.",
            ),
            models.CheckConstraint(
                name="allocation_reason_valid",
                condition=Q(reason__in=["", *codes.SOCIAL_WORKER_CHANGE_REASON]),
                violation_error_message="Unknown reason for the change of social worker.",
            ),
            models.CheckConstraint(
                name="allocation_role_valid", condition=Q(role__in=AllocationRole.values),
                violation_error_message="Unknown allocation role.",
            ),
        ]
        indexes = [models.Index(fields=["worker", "role", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.worker} for {self.young_person_id}"

    def clean(self, *, siblings: Iterable[Allocation] | None = None) -> None:
        """`siblings`: the young person's allocations as they will be, when the caller holds
        them all (an import): the overlap is then checked among them in memory, not queried."""
        errors = {}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "An allocation cannot end before it starts."
        if self.worker_id and self.role and self.worker.role != self.role:
            errors["worker"] = (
                f"{self.worker} is a {self.worker.get_role_display().lower()}, "
                f"not a {self.get_role_display().lower()}."
            )
        if errors:
            raise ValidationError(errors)
        if siblings is not None and self.started_on:
            end = self.ended_on or dt.date.max
            if any(o is not self and (o.pk is None or o.pk != self.pk) and o.role == self.role
                   and o.started_on <= end
                   and (o.ended_on is None or o.ended_on >= self.started_on) for o in siblings):
                raise ValidationError(
                    {"started_on": "This overlaps another allocation in the same role."}
                )
        elif self.young_person_id and self.started_on:
            end = self.ended_on or dt.date.max
            overlapping = Allocation.objects.filter(
                young_person_id=self.young_person_id, role=self.role, started_on__lte=end
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    {"started_on": "This overlaps another allocation in the same role."}
                )
