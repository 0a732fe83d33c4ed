"""Django admin pages for every Waymark record, one module per area like `outcomes.models`.

The admin is the administrators' escape hatch, not a channel for casework: it reads and writes
records directly. Two things keep it inside the design: every page that shows a child's record
writes an AccessEvent (`base.AuditedReadsMixin`), and every change is kept by
django-simple-history (`SimpleHistoryAdmin`, which records the admin user as the actor).
"""

from . import (
    audit,
    education,
    exchange,
    notifications,
    people,
    placements,
    plans,
    reviews,
    safeguarding,
)

__all__ = ["audit", "education", "exchange", "notifications", "people", "placements", "plans", "reviews",
           "safeguarding"]
