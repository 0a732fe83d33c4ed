"""The forms that change a pathway plan: its ten sections, and a goal.

Each form carries what it was read at: the record's version (the services compare-and-swap on
it) and, for each field, a fingerprint of the value as read. The fingerprints say which fields
the user changed, so only those are sent, and so that when someone else saved first (StaleVersion)
the form can be laid again on the record as it is now: every field the user changed keeps what
they typed, every field they did not change shows what is saved now, and the fields someone
else changed are pointed out (`Conflict`). Nothing typed is lost and nothing saved by another
is overwritten without the user seeing it first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats

from outcomes.models import Goal, GoalStatus, User
from outcomes.selectors.plan_editing import OwnerChoice, PlanForEditing

# The API takes the same length of text (api/serializers/plans.py); a page must not take less.
ASSESSMENT_MAX_LENGTH = 20_000
DESCRIPTION_MAX_LENGTH = Goal._meta.get_field("description").max_length
READ_SUFFIX = "-read"


def normalised(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; the record keeps LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def as_text(value: Any) -> str:
    """A field's value as the text its fingerprint is taken of."""
    if value is None:
        return ""
    if isinstance(value, User):
        return str(value.pk)
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalised(str(value))


def fingerprint(value: Any) -> str:
    return hashlib.sha256(as_text(value).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Conflict:
    """A field someone else changed after the form was read."""

    name: str  # the form field
    label: str
    saved: Any  # what is saved now
    yours: Any  # what the user typed
    you_changed: bool  # the user changed it too: their text is kept, and differs from saved


class ReadAtForm(forms.Form):
    """A form whose `tracked` fields carry a fingerprint of the value they were read at."""

    tracked: tuple[str, ...] = ()
    change_labels: Mapping[str, str] = {}  # a field's name in "... was changed", if not its label

    def track(self, names: Iterable[str]) -> None:
        self.tracked = tuple(names)
        for name in self.tracked:
            self.fields[name + READ_SUFFIX] = forms.CharField(
                required=False, widget=forms.HiddenInput)

    def read_initial(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`initial` for a form read now: each tracked value and its fingerprint."""
        initial = dict(values)
        for name in self.tracked:
            initial[name + READ_SUFFIX] = fingerprint(values.get(name))
        return initial

    def shown(self, name: str, value: Any) -> Any:
        """A tracked value as a person reads it."""
        return value

    def changed_values(self) -> dict[str, Any]:
        """The tracked fields the user changed from what they read (after `is_valid()`)."""
        return {name: self.cleaned_data.get(name) for name in self.tracked
                if fingerprint(self.cleaned_data.get(name))
                != self.cleaned_data.get(name + READ_SUFFIX)}

    def rebased_data(self, saved: Mapping[str, Any], raw: Mapping[str, Any],
                     *, read_at: Mapping[str, Any]) -> tuple[dict[str, Any], list[Conflict]]:
        """The form's data laid on the record as saved now, and the fields changed meanwhile.

        `saved`: each tracked field's value now; `raw`: the data to post again for a field the
        user did not change (the saved value as the form shows it); `read_at`: the non-tracked
        fields (version, plan) at their current values."""
        data = {key: self.data.get(key) for key in self.data}  # every field takes one value
        data.update(read_at)
        changed = self.changed_values()
        conflicts = []
        for name in self.tracked:
            was_read = self.cleaned_data.get(name + READ_SUFFIX)
            now = fingerprint(saved.get(name))
            if name not in changed:
                data.update(raw[name])
            if now != was_read:
                conflicts.append(Conflict(
                    name=name,
                    label=self.change_labels.get(name) or str(self.fields[name].label),
                    saved=self.shown(name, saved.get(name)),
                    yours=self.shown(name, self.cleaned_data.get(name)),
                    you_changed=name in changed
                    and fingerprint(self.cleaned_data.get(name)) != now))
            data[name + READ_SUFFIX] = now
        return data, conflicts


class PlanSectionsForm(ReadAtForm):
    """The assessment of need under each of the ten headings of Schedule 1."""

    plan = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, editing: PlanForEditing, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for item in editing.sections:
            label = item.heading.label
            self.fields[item.heading.value] = forms.CharField(
                label=label, required=False, strip=False, max_length=ASSESSMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"max_length": f"{label} must be {ASSESSMENT_MAX_LENGTH:,} "
                                             "characters or fewer"})
        self.track(item.heading.value for item in editing.sections)
        if not self.is_bound:
            self.initial = self.read_initial({
                "plan": editing.plan.pk, "version": editing.plan.version,
                **{item.heading.value: item.assessment for item in editing.sections}})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.tracked:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = normalised(cleaned[name])
        return cleaned

    def sections(self) -> list[dict[str, str]]:
        """The changed sections, as `plan_update` takes them."""
        return [{"heading": heading, "assessment": text}
                for heading, text in self.changed_values().items()]

    def rebased(self, fresh: PlanForEditing) -> tuple[PlanSectionsForm, list[Conflict]]:
        """This form laid on the plan as saved now (see the module docstring)."""
        saved = {item.heading.value: item.assessment for item in fresh.sections}
        data, conflicts = self.rebased_data(
            saved, {name: {name: text} for name, text in saved.items()},
            read_at={"plan": fresh.plan.pk, "version": fresh.plan.version})
        return PlanSectionsForm(data, editing=fresh), conflicts


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year, each its own box."""

    def __init__(self) -> None:
        super().__init__({"day": forms.TextInput, "month": forms.TextInput,
                          "year": forms.TextInput})

    def decompress(self, value: dt.date | None) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class DateField(forms.MultiValueField):
    """An optional date given as day, month and year, with GOV.UK's error messages."""

    widget = DateInput

    def __init__(self, *, label: str, **kwargs) -> None:
        parts = [forms.CharField(required=False) for _ in range(3)]
        super().__init__(parts, label=label, required=False, require_all_fields=False,
                         **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        day, month, year = [*data_list, "", "", ""][:3]
        if not (day or month or year):
            return None
        missing = [name for name, part in (("day", day), ("month", month), ("year", year))
                   if not part]
        if missing:
            raise ValidationError(f"{self.label} must include a {' and a '.join(missing)}")
        try:
            if len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date") from None


class GoalForm(ReadAtForm):
    """A new goal, or a change to one (`goal` given: with its status and version)."""

    description = forms.CharField(
        label="What is the goal?", max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the goal is",
                        "max_length": "The goal must be "
                                      f"{DESCRIPTION_MAX_LENGTH} characters or fewer"})
    owner = forms.TypedChoiceField(
        label="Who makes sure it happens?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select who makes sure it happens",
                        "invalid_choice": "Select who makes sure it happens"})
    target_date = DateField(label="Target date")
    change_labels = {"description": "The goal", "owner": "Who makes sure it happens"}

    def __init__(self, *args, owners: list[OwnerChoice], goal: Goal | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {choice.user.pk: choice.user for choice in owners}
        self.fields["owner"].choices = [(choice.user.pk, choice.label) for choice in owners]
        names = ["description", "owner", "target_date"]
        if goal is not None:
            self.fields["status"] = forms.ChoiceField(
                label="Status", choices=GoalStatus.choices, widget=forms.RadioSelect,
                error_messages={"required": "Select the goal's status",
                                "invalid_choice": "Select the goal's status"})
            self.fields["version"] = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
            names.append("status")
        self.track(names)
        if goal is not None and not self.is_bound:
            self.initial = self.read_initial(self.values_of(goal))

    @staticmethod
    def values_of(goal: Goal) -> dict[str, Any]:
        return {"description": goal.description, "owner": goal.owner_id,
                "target_date": goal.target_date, "status": goal.status,
                "version": goal.version}

    def clean_description(self) -> str:
        return normalised(self.cleaned_data["description"])

    def clean_owner(self) -> User:
        return self.owners[self.cleaned_data["owner"]]

    def goal_data(self) -> dict[str, Any]:
        """What `goal_create` takes, or the changed fields `goal_update` takes."""
        if "version" not in self.fields:
            return {name: self.cleaned_data[name] for name in self.tracked}
        return self.changed_values()

    def shown(self, name: str, value: Any) -> Any:
        if name == "status":
            return GoalStatus(value).label if value in GoalStatus.values else value
        if name == "target_date":
            return formats.date_format(value, "j F Y") if value else "No date"
        if name == "owner" and isinstance(value, int):
            return self.owners.get(value, value)
        return value

    def rebased(self, fresh: Goal, owners: list[OwnerChoice]) -> tuple[GoalForm, list[Conflict]]:
        """This form laid on the goal as saved now (see the module docstring)."""
        saved = self.values_of(fresh)
        saved_owner = saved["owner"]
        saved["owner"] = fresh.owner
        date_parts = DateInput().decompress(fresh.target_date)
        raw = {
            "description": {"description": fresh.description},
            "owner": {"owner": str(saved_owner)},
            "target_date": dict(zip(("target_date_day", "target_date_month",
                                     "target_date_year"), date_parts, strict=True)),
            "status": {"status": fresh.status},
        }
        data, conflicts = self.rebased_data(saved, raw, read_at={"version": fresh.version})
        return GoalForm(data, owners=owners, goal=fresh), conflicts
