"""Safeguarding alerts on the staff pages (issue 12): the list of open and recent alerts in the
user's scope, and each alert with the young person's words, who was told, and the form that
records what was done. The banner on every page comes from `web.context_processors`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from outcomes.models import Channel, SafeguardingAction
from outcomes.rules.safeguarding import kind_labels
from outcomes.selectors.safeguarding import safeguarding_alert_detail_for, safeguarding_alerts_for
from outcomes.services import access_event_record, access_events_record
from outcomes.services.safeguarding import safeguarding_alert_acknowledge
from web.decorators import staff_page


class AcknowledgeForm(forms.Form):
    action = forms.ChoiceField(
        label="What did you do?", choices=SafeguardingAction.choices,
        error_messages={"required": "Choose what you did",
                        "invalid_choice": "Choose what you did"})
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer"})

    def clean(self):
        data = super().clean()
        if data.get("action") == SafeguardingAction.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say what you did")
        return data


def safeguarding_alerts_shown(user, *, open_only: bool = False) -> list:
    """The alerts in the user's scope (`safeguarding_alerts_for`), each with its kinds in words."""
    alerts = list(safeguarding_alerts_for(user=user, open_only=open_only))
    for alert in alerts:
        alert.kind_words = kind_labels(alert.kinds)
    return alerts


@staff_page
def safeguarding_list(request: HttpRequest) -> HttpResponse:
    """Open alerts, oldest first, then those acknowledged in the last week. Each young person
    named is audited (one insert)."""
    alerts = safeguarding_alerts_shown(request.user)
    access_events_record(actor=request.user, what="web.safeguarding",
                         channel=Channel.WEB, young_person_ids=[a.young_person_id for a in alerts])
    return render(request, "web/safeguarding/list.html", {
        "open_alerts": [a for a in alerts if a.is_open],
        "recent_alerts": [a for a in alerts if not a.is_open],
    })


@staff_page
def safeguarding_alert(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the alert, the young person's words and who was told. POST: acknowledge."""
    detail = safeguarding_alert_detail_for(user=request.user, alert_id=pk)
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            asked_at = timezone.now()
            try:
                alert = safeguarding_alert_acknowledge(
                    actor=request.user, alert_id=pk, action=form.cleaned_data["action"],
                    note=form.cleaned_data["note"], channel=Channel.WEB)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                if alert.acknowledged_at >= asked_at:  # this request's acknowledgement
                    messages.success(request, "Recorded. The duty team has been told."
                                     if alert.is_open else "Recorded. The alert is closed.")
                else:
                    when = timezone.localtime(alert.acknowledged_at)
                    messages.info(request, f"Already acknowledged by {alert.acknowledged_by} "
                                           f"at {when:%H:%M}.")
                return redirect("web:safeguarding-alert", pk=pk)
        status = 400
    access_event_record(actor=request.user, young_person_id=detail.alert.young_person_id,
                        what="web.safeguarding_alert", channel=Channel.WEB)
    return render(request, "web/safeguarding/alert.html", {
        "detail": detail, "alert": detail.alert, "person": detail.alert.young_person,
        "kind_words": kind_labels(detail.alert.kinds), "form": form,
    }, status=status)
