"""The forms that record the statutory work from the young person page, one a kind of record.

Each form's fields are named as its service's arguments, so a service's refusal (a
ValidationError naming a field) lands on the field it is about. `service_data()` is what the
service takes; `answers()` the rows of the check-answers page, in plain words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from outcomes import codes
from outcomes.models import Term
from outcomes.models.education import academic_year_label
from outcomes.models.reviews import ContactMethod, HealthAssessmentKind
from outcomes.rules.schedule import CARE_LEAVER_RECORD_AGES
from web.plan_forms import DateField, normalised
from web.templatetags.govuk_forms import first_input_id

NOTE_MAX_LENGTH = 20_000
YES_NO = [("yes", "Yes"), ("no", "No")]


class RequiredDateField(DateField):
    """A GOV.UK date input that must be filled in."""

    def __init__(self, *, label: str, required_message: str) -> None:
        super().__init__(label=label)
        self.required_message = required_message

    def clean(self, value: Any) -> dt.date:
        day = super().clean(value)
        if day is None:
            raise ValidationError(self.required_message)
        return day


def _radios(label: str, choices: list[tuple[str, str]], message: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                             error_messages={"required": message, "invalid_choice": message})


def _select(label: str, choices: list[tuple[str, str]], message: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "Choose one"), *choices],
                             error_messages={"required": message, "invalid_choice": message})


def _text(label: str, *, required: bool = False, message: str = "", rows: int = 4,
          max_length: int = NOTE_MAX_LENGTH) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message,
                        "max_length": f"{label} must be {max_length:,} characters or fewer"})


def _line(label: str, *, max_length: int, message: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length,
        error_messages={"required": message,
                        "max_length": f"{label} must be {max_length} characters or fewer"})


def _whole(label: str, *, low: int, high: int, message: str,
           required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=low, max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": message, "invalid": f"{label} must be a whole number",
                        "min_value": f"{label} must be {low} or more",
                        "max_value": f"{label} must be {high} or less"})


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if value is None or value == "":
        return "Not given"
    return str(value)


def _academic_years() -> list[tuple[str, str]]:
    """This academic year and the five before it, named by the year they end (2025 = 2024/25)."""
    today = timezone.localdate()
    current = today.year + (1 if today.month >= 9 else 0)
    return [(str(year), academic_year_label(year)) for year in range(current, current - 6, -1)]


class RecordForm(forms.Form):
    """A record's form: its fields are its service's arguments."""

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = normalised(value)
        return data

    def answers(self) -> list[tuple[str, str, str]]:
        """(label, answer, id of the field's first input) for each field, as the check-answers
        page shows them."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.ChoiceField) and value not in (None, ""):
                value = dict(field.choices).get(str(value), value)
            rows.append((str(field.label), _shown(value), first_input_id(self[name])))
        return rows


class VisitForm(RecordForm):
    visited_on = RequiredDateField(label="Date of the visit",
                                   required_message="Enter the date of the visit")
    seen_alone = _radios("Was the child seen alone?", YES_NO,
                         "Select whether the child was seen alone")
    note = _text("Note (optional)")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["seen_alone"] = data["seen_alone"] == "yes"
        return data


class ContactForm(RecordForm):
    contact_on = RequiredDateField(label="Date of the contact",
                                   required_message="Enter the date of the contact")
    method = _radios("How did you have contact?", ContactMethod.choices,
                     "Select how you had contact")
    note = _text("Note (optional)")


class CLAReviewForm(RecordForm):
    held_on = RequiredDateField(label="Date of the review",
                                required_message="Enter the date of the review")
    participation = _radios("How did the child take part?",
                            list(codes.REVIEW_PARTICIPATION.items()),
                            "Select how the child took part")


class PathwayPlanReviewForm(RecordForm):
    held_on = RequiredDateField(label="Date of the review",
                                required_message="Enter the date of the review")
    outcome = _text("What was decided", required=True,
                    message="Enter what was decided at the review", rows=5)


class NeedsAssessmentForm(RecordForm):
    completed_on = RequiredDateField(label="Date the assessment was completed",
                                     required_message="Enter the date the assessment was "
                                                      "completed")
    summary = _text("Summary of needs", required=True, message="Enter a summary of needs",
                    rows=6)


class HealthAssessmentForm(RecordForm):
    kind = _radios("Which health assessment?", HealthAssessmentKind.choices,
                   "Select which health assessment")
    held_on = RequiredDateField(label="Date of the assessment",
                                required_message="Enter the date of the assessment")


class PEPForm(RecordForm):
    held_on = RequiredDateField(label="Date of the PEP meeting",
                                required_message="Enter the date of the PEP meeting")
    school_urn = _line("School URN (optional)", max_length=8, message="", required=False)
    targets = _text("Targets agreed", required=True,
                    message="Enter the targets agreed at the meeting", rows=5)
    summary = _text("Summary (optional)")

    def clean_school_urn(self) -> str:
        urn = self.cleaned_data["school_urn"].strip()
        if urn and not urn.isdigit():
            raise ValidationError("School URN must be digits only, like 100000")
        return urn


class SchoolForm(RecordForm):
    school_name = _line("Name of the school or college", max_length=200,
                        message="Enter the name of the school or college")
    urn = _line("School URN", max_length=8, message="Enter the school's URN")
    started_on = RequiredDateField(label="Start date", required_message="Enter the start date")

    def clean_urn(self) -> str:
        urn = self.cleaned_data["urn"].strip()
        if not urn.isdigit():
            raise ValidationError("School URN must be digits only, like 100000")
        return urn


class AttendanceForm(RecordForm):
    academic_year = forms.TypedChoiceField(
        label="Academic year", choices=[], coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the academic year",
                        "invalid_choice": "Select the academic year"})
    term = _radios("Term", Term.choices, "Select the term")
    sessions_possible = _whole("Sessions possible", low=1, high=400,
                               message="Enter the number of sessions possible")
    sessions_attended = _whole("Sessions attended", low=0, high=400,
                               message="Enter the number of sessions attended")
    suspensions = _whole("Suspensions", low=0, high=100, message="Enter the number of "
                         "suspensions, or 0")
    permanently_excluded = _radios("Permanently excluded?", YES_NO,
                                   "Select whether the child was permanently excluded")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = _academic_years()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        possible, attended = cleaned.get("sessions_possible"), cleaned.get("sessions_attended")
        if possible is not None and attended is not None and attended > possible:
            self.add_error("sessions_attended",
                           "Sessions attended cannot be more than sessions possible")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["permanently_excluded"] = data["permanently_excluded"] == "yes"
        return data


class KS2ResultsForm(RecordForm):
    academic_year = forms.TypedChoiceField(
        label="Academic year of the tests", choices=[], coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the academic year",
                        "invalid_choice": "Select the academic year"})
    reading_expected = _radios("Reading at the expected standard?", YES_NO,
                               "Select whether reading was at the expected standard")
    writing_expected = _radios("Writing at the expected standard?", YES_NO,
                               "Select whether writing was at the expected standard")
    maths_expected = _radios("Maths at the expected standard?", YES_NO,
                             "Select whether maths was at the expected standard")
    reading_scaled = _whole("Reading scaled score (optional)", low=80, high=120, message="",
                            required=False)
    maths_scaled = _whole("Maths scaled score (optional)", low=80, high=120, message="",
                          required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = _academic_years()

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in ("reading_expected", "writing_expected", "maths_expected"):
            data[name] = data[name] == "yes"
        return data


class KS4ResultsForm(RecordForm):
    academic_year = forms.TypedChoiceField(
        label="Academic year of the exams", choices=[], coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the academic year",
                        "invalid_choice": "Select the academic year"})
    attainment8 = forms.DecimalField(
        label="Attainment 8 score", min_value=0, max_value=90, max_digits=4, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": "Enter the Attainment 8 score",
                        "invalid": "Attainment 8 score must be a number, like 31.5",
                        "min_value": "Attainment 8 score must be 0 or more",
                        "max_value": "Attainment 8 score must be 90 or less",
                        "max_digits": "Attainment 8 score must be a number, like 31.5",
                        "max_decimal_places": "Attainment 8 score has at most 2 decimal places"})
    english_grade = _whole("English grade", low=0, high=9, message="Enter the English grade")
    maths_grade = _whole("Maths grade", low=0, high=9, message="Enter the maths grade")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = _academic_years()

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["attainment8"] = Decimal(data["attainment8"])
        return data


class CareLeaverRecordForm(RecordForm):
    age = forms.TypedChoiceField(
        label="Which birthday is this record for?", coerce=int, widget=forms.RadioSelect,
        choices=[(str(age), f"{age}th birthday") for age in CARE_LEAVER_RECORD_AGES],
        error_messages={"required": "Select which birthday this record is for",
                        "invalid_choice": "Select which birthday this record is for"})
    in_touch = _radios("Is the authority in touch with them?", list(codes.IN_TOUCH.items()),
                       "Select whether the authority is in touch")
    activity = _select("What are they doing?", codes.choices(codes.ACTIVITY),
                       "Select what they are doing")
    accommodation = _select("Where are they living?", codes.choices(codes.ACCOMMODATION),
                            "Select where they are living")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("in_touch") in ("DIED", "RHOM"):
            for name in ("activity", "accommodation"):
                if cleaned.get(name) not in (None, "0"):
                    self.add_error(name, "When the young person has died or returned home, "
                                         "choose 0: no information")
        return cleaned
