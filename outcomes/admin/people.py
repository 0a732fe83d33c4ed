"""Admin for people: teams, user accounts, young people and their allocations."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from outcomes.access import NotVisible
from outcomes.models import Allocation, Team, User, YoungPerson
from outcomes.qrcodes import qr_svg
from outcomes.services import telegram_link_code_create

from .base import AuditedReadsMixin, ChildRecordAdmin, ReadOnlyInline
from .placements import EpisodeInline, PeriodOfCareInline


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(AuditedReadsMixin, SimpleHistoryAdmin, BaseUserAdmin):
    """Staff and young people's accounts. A young person's account is part of their record,
    so opening it is audited like the record."""

    young_person_lookup = "young_person"
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Waymark", {"fields": ("role", "team", "young_person")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Waymark", {
            "classes": ("wide",),
            "fields": ("role", "team", "young_person", "first_name", "last_name", "email"),
            "description": "Link a young person's record for the young-person role, and only then.",
        }),
    )
    list_display = ("username", "first_name", "last_name", "email", "role", "team", "is_staff",
                    "is_active")
    list_filter = ("role", "team", "is_staff", "is_superuser", "is_active")
    list_select_related = ("team",)
    search_fields = ("username", "first_name", "last_name", "email", "=young_person__child_id")
    autocomplete_fields = ("young_person",)
    actions = ("telegram_link_code",)

    @admin.action(description="Create a Telegram link code (for one selected person)")
    def telegram_link_code(self, request, queryset):
        """Shows the code and its t.me link once, here: only its hash is kept."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "Select exactly one person to make a link code for.",
                              messages.WARNING)
            return
        try:
            issued = telegram_link_code_create(actor=request.user, user=users[0])
        except NotVisible:
            self.message_user(request, "This person is not in your scope.", messages.ERROR)
            return
        except (PermissionDenied, ValidationError) as refusal:
            reason = " ".join(getattr(refusal, "messages", None) or [str(refusal)])
            self.message_user(request, reason, messages.ERROR)
            return
        expires = date_format(timezone.localtime(issued.expires_at), "H:i")
        self.message_user(request, format_html(
            "Telegram link for {}: <a href=\"{}\">{}</a> (code <code>{}</code>). It works "
            "once, until {}, and is shown only now: hand it over in person, or let them scan "
            "the QR code.<br>{}",
            issued.user, issued.url, issued.url, issued.code, expires,
            qr_svg(issued.url, title=f"QR code for the Telegram link for {issued.user}")),
            messages.SUCCESS)


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ("role", "worker", "started_on", "ended_on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("worker")


@admin.register(YoungPerson)
class YoungPersonAdmin(ChildRecordAdmin):
    young_person_lookup = "id"
    list_display = ("child_id", "legal_last_name", "legal_first_name", "preferred_name",
                    "date_of_birth", "age", "sex", "team", "uasc")
    list_display_links = ("child_id", "legal_last_name")
    list_filter = ("team", "sex", "uasc", "disability", "sen_status", "preferred_contact")
    list_select_related = ("team",)
    search_fields = ("=child_id", "=upn", "legal_last_name", "legal_first_name", "preferred_name")
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("child_id", ("legal_first_name", "legal_last_name"), "preferred_name",
                           "date_of_birth", "sex", "ethnicity", "upn", "team")}),
        ("Needs", {"fields": ("uasc", "disability", "sen_status")}),
        ("Contact", {"fields": ("preferred_contact", "phone", "email", "contact_notes")}),
        (None, {"fields": ("created_at",)}),
    )
    inlines = (AllocationInline, PeriodOfCareInline, EpisodeInline)

    def get_inlines(self, request, obj):
        # A new record has nothing to show yet.
        return self.inlines if obj is not None else ()

    @admin.display(description="age", ordering="-date_of_birth")
    def age(self, obj: YoungPerson) -> int:
        return obj.age_on(timezone.localdate())


@admin.register(Allocation)
class AllocationAdmin(ChildRecordAdmin):
    list_display = ("young_person", "role", "worker", "started_on", "ended_on")
    list_filter = ("role", "ended_on", "young_person__team")
    list_select_related = ("young_person", "worker")
    search_fields = ("=young_person__child_id", "young_person__legal_last_name",
                     "=worker__username", "worker__last_name")
    autocomplete_fields = ("young_person", "worker")
    date_hierarchy = "started_on"
    ordering = ("-started_on", "-id")
