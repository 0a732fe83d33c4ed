"""Linking Telegram: for a young person, or for the member of staff themselves.

A button makes a one-time link code (`telegram_link_code_create`, as the API's
`POST /api/v1/young-people/{id}/telegram-link/` does). The code is shown once, in the answer to
that POST - never in an address, never kept (only its hash is) - as the t.me link, the code, when
it stops working, and a QR code drawn on the server. The page also says whether Telegram is
linked now, and lets those who may link it revoke the link. Who may: the services decide
(outside your scope: 404; in scope but not yours to link: 403).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outcomes import access
from outcomes.models import Channel, User, YoungPerson
from outcomes.qrcodes import qr_svg
from outcomes.selectors.telegram_links import telegram_link_for
from outcomes.services import (
    access_event_record,
    telegram_link_code_create,
    telegram_link_require_may_link,
    telegram_link_revoke,
)
from web.decorators import staff_page

QR_TITLE = "QR code for the Telegram link above: scan it with the phone's camera"


def _young_person_may_link(request: HttpRequest, pk: int) -> YoungPerson:
    person = get_object_or_404(access.young_people_visible_to(request.user), pk=pk)
    telegram_link_require_may_link(actor=request.user, young_person=person)
    return person


def _page(request: HttpRequest, *, whom: dict, person: YoungPerson | None = None,
          user: User | None = None, status: int = 200) -> HttpResponse:
    """The page for `person` (a young person) or `user` (a member of staff); on POST, a new
    code made and shown."""
    context: dict = {"person": person, "minutes": settings.TELEGRAM_LINK_CODE_MINUTES, **whom}
    if request.method == "POST":
        try:
            issued = telegram_link_code_create(actor=request.user, user=user,
                                               young_person=person)
        except ValidationError as refusal:
            context["errors"] = refusal.messages
            status = 400
        else:
            context["issued"] = issued
            context["qr"] = qr_svg(issued.url, title=QR_TITLE)
    context["link"] = telegram_link_for(viewer=request.user, user=user, young_person=person)
    if person is not None:
        access_event_record(actor=request.user, young_person_id=person.pk,
                            what="web.telegram_link", channel=Channel.WEB)
    return render(request, "web/telegram_link.html", context, status=status)


@staff_page
def young_person_telegram(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: whether the young person's Telegram is linked. POST: a new link code, shown once."""
    person = _young_person_may_link(request, pk)
    return _page(request, person=person, whom={
        "subject": person.display_name, "for_yourself": False,
        "revoke_url": reverse("web:telegram-young-person-revoke", args=[person.pk])})


@staff_page
@require_POST
def young_person_telegram_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """End the young person's link; they can be linked again with a new code."""
    person = _young_person_may_link(request, pk)
    link = telegram_link_for(viewer=request.user, young_person=person)
    if link is not None:
        telegram_link_revoke(actor=request.user, link=link)
        messages.success(request, f"{person.display_name}'s Telegram is no longer linked")
    return redirect("web:telegram-young-person", pk=person.pk)


@staff_page
def my_telegram(request: HttpRequest) -> HttpResponse:
    """GET: whether your own Telegram is linked. POST: a new link code for you, shown once."""
    telegram_link_require_may_link(actor=request.user, user=request.user)
    return _page(request, user=request.user, whom={
        "subject": "you", "for_yourself": True, "revoke_url": reverse("web:telegram-revoke")})


@staff_page
@require_POST
def my_telegram_revoke(request: HttpRequest) -> HttpResponse:
    """End your own link."""
    telegram_link_require_may_link(actor=request.user, user=request.user)
    link = telegram_link_for(viewer=request.user, user=request.user)
    if link is not None:
        telegram_link_revoke(actor=request.user, link=link)
        messages.success(request, "Your Telegram is no longer linked")
    return redirect("web:telegram")
