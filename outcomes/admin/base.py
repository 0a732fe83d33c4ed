"""What the admin pages share: audited reads, versioned saves, read-only inlines, code columns."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from outcomes.models import Channel, YoungPerson
from outcomes.services import access_event_record, access_events_record


def _snake_case(name: str) -> str:
    """YoungPerson -> young_person, CLAReview -> cla_review, KS2Result -> ks2_result."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class AuditedReadsMixin:
    """Write an AccessEvent for the young person whenever an admin page shows one of their
    records: the change page, its history, a past version, the delete confirmation
    (DESIGN.md rule 5: every read of a child's record leaves a trace).

    `young_person_lookup` is the ORM path from the model to its young person's id ("id" for the
    young person itself). A record with no young person (a staff account) writes nothing.
    """

    young_person_lookup = "young_person"

    def changelist_view(self, request, extra_context=None):
        """The list and its search results: one AccessEvent for each young person whose
        record is on the page shown (what = "<model>.admin.list" or "...admin.search")."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = [obj.pk for obj in changelist.result_list]
            ids = set(self.model._default_manager.filter(pk__in=shown).exclude(
                **{f"{self.young_person_lookup}__isnull": True})
                .values_list(self.young_person_lookup, flat=True)) if shown else set()
            view = "admin.search" if request.GET.get("q") else "admin.list"
            if ids:
                access_events_record(
                    actor=request.user, young_person_ids=sorted(ids),
                    what=f"{_snake_case(self.model.__name__)}.{view}", channel=Channel.ADMIN)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_read(request, response, object_id, "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_read(request, response, object_id, "admin.history")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._record_read(request, response, object_id, "admin.history")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._record_read(request, response, object_id, "admin.delete")
        return response

    def _record_read(self, request, response, object_id, view: str) -> None:
        # Anything but 200 showed nothing: refused, not found, or a redirect after a save.
        if response.status_code != 200:
            return
        young_person_id = self._young_person_id_of(unquote(object_id))
        if young_person_id is not None:
            access_event_record(
                actor=request.user, young_person_id=young_person_id,
                what=f"{_snake_case(self.model.__name__)}.{view}", channel=Channel.ADMIN,
            )

    def _young_person_id_of(self, pk) -> int | None:
        lookup = self.young_person_lookup
        found = self.model._default_manager.filter(pk=pk).values_list(lookup, flat=True)
        for young_person_id in found:
            return young_person_id
        # A deleted record's history pages still show it: find its child from that history.
        history = getattr(self.model, "history", None)
        if history is None:
            return None
        past = (history.filter(**{self.model._meta.pk.attname: pk}).order_by("-history_date")
                .values_list(lookup, flat=True)[:1])
        for young_person_id in past:
            if YoungPerson.objects.filter(pk=young_person_id).exists():
                return young_person_id
        return None


class ChildRecordAdmin(AuditedReadsMixin, SimpleHistoryAdmin):
    """The admin of a record about one young person: audited reads, kept history, and no
    second COUNT(*) over the whole table on every changelist page."""

    show_full_result_count = False


class VersionedForm(forms.ModelForm):
    """Carries the version the editor read, and refuses the save if the record has changed since
    (DESIGN.md rule 6), so an admin edit can neither lose someone's update nor be lost."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # From the table, not the instance: a past version being restored carries its own.
            self.fields["read_version"].initial = self._current_version()

    def _current_version(self, *, lock: bool = False) -> int | None:
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock and transaction.get_connection().in_atomic_block:
            # The admin saves in the same transaction: the row stays locked until then.
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and (
            cleaned_data.get("read_version") != self._current_version(lock=True)
        ):
            raise ValidationError(
                "Someone changed this record after you opened it. Open it again to see their "
                "change, then make yours."
            )
        return cleaned_data


class VersionedAdminMixin:
    """For records with an optimistic-concurrency `version`: shown, never typed, and moved on by
    every save made here, so other channels holding the old version see theirs refused."""

    form = VersionedForm

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "version")

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.cleaned_data["read_version"] + 1
        super().save_model(request, obj, form, change)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on a parent page for context and changed on their own page: whether a row is
    valid depends on its neighbours (overlaps, one open period), which only the record's own
    form checks against the database; a formset would check each new row on its own."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def code_column(model: type[models.Model], field_name: str) -> Callable[[models.Model], str]:
    """A changelist column showing a coded field as its short code (U4, E13), with the label on
    hover: the codes are what SSDA903 users read, the labels are long."""
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name, ordering=field_name)
    def column(obj: models.Model) -> str:
        value = getattr(obj, field_name)
        if not value:
            return "-"
        return format_html('<abbr title="{}">{}</abbr>',
                           getattr(obj, f"get_{field_name}_display")(), value)

    column.__name__ = f"{field_name}_code"
    return column


def young_person_column(lookup: str) -> Callable[[models.Model], YoungPerson]:
    """A changelist column for the young person a nested record belongs to (select it related)."""

    @admin.display(description="young person", ordering=lookup.replace(".", "__"))
    def column(obj: models.Model) -> YoungPerson:
        for name in lookup.split("."):
            obj = getattr(obj, name)
        return obj

    column.__name__ = "young_person"
    return column
