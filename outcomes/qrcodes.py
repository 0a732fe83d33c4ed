"""A Telegram link code as a QR code, drawn on the server as inline SVG (segno), for the places
that hand a code over in person: the staff page and the admin. No image file, no script, no
outside service."""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TITLE = "QR code that opens the Telegram link"


def qr_svg(url: str, *, title: str = TITLE, scale: int = 5) -> SafeString:
    """`url` as an inline `<svg role="img">` with `title` as its accessible name (its text
    alternative), black on white with the four-module quiet zone scanners need."""
    code = segno.make(url, error="m", boost_error=False, micro=False)
    svg = code.svg_inline(scale=scale, border=4, dark="#0b0c0c", light="#ffffff",
                          title=title, svgclass="waymark-qr", lineclass=None)
    # segno escapes the title inside <title>; the label repeats it for assistive technology
    # that reads aria-label rather than an SVG's <title>. segno's SVG holds no other text.
    labelled = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(labelled)  # noqa: S308
