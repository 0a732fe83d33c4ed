"""JSON log lines (python-json-logger), each with the request id of the request or task it
belongs to. What is logged is chosen where it is logged: route names, ids, statuses and times,
never a person's name, what they wrote or a query string."""

from __future__ import annotations

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from . import request_id


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.current()
        return True


class WaymarkJsonFormatter(JsonFormatter):
    """time, level, logger, message, request_id and whatever `extra=` the call site gave."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger"})
        kwargs.setdefault("timestamp", False)
        # Django's request logger passes the request, whose repr holds the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                         *args, **kwargs)
