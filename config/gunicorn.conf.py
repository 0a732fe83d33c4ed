"""gunicorn's settings for the web process (`gunicorn -c config/gunicorn.conf.py config.wsgi`,
which `bin/waymark web` runs). Each can be changed from the environment; the README lists them.
"""

import json
import os
import socket

_env = os.environ.get

bind = [_env("WAYMARK_BIND", "0.0.0.0:8000")]
# Sync workers: (2 x CPUs) + 1, gunicorn's own advice, from the CPUs this process may use (a
# container's share, where the runtime restricts it); WEB_CONCURRENCY overrides.
workers = int(_env("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
threads = int(_env("GUNICORN_THREADS", "1"))
# A request that takes longer is killed and logged: imports and exports run in the worker.
timeout = int(_env("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(_env("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (plus jitter), so a slow leak cannot grow.
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(_env("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Heartbeat files in memory, not on a container's overlay disk.
_SHM = "/dev/shm"  # noqa: S108  gunicorn's advice for containers, not a temporary file
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

# Request line and header limits (gunicorn answers 400 or 431 past them, before Django).
limit_request_line = int(_env("GUNICORN_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = int(_env("GUNICORN_LIMIT_REQUEST_FIELDS", "100"))
limit_request_field_size = int(_env("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))

# The proxies whose X-Forwarded-Proto is believed: the same variable the settings read.
forwarded_allow_ips = ",".join(
    part.strip() for part in _env("WAYMARK_PROXY_ADDRESSES", "127.0.0.1,::1").split(",")
    if part.strip())

# Django writes one JSON line per request (ops/middleware.py). gunicorn's own access log is off
# unless GUNICORN_ACCESS_LOG names a file ("-" for standard output); its lines are JSON too, and
# hold the path without the query string (%(U)s), never the full request line (%(r)s).
accesslog = _env("GUNICORN_ACCESS_LOG") or None
access_log_format = json.dumps({
    "time": "%(t)s", "event": "access", "remote": "%(h)s", "method": "%(m)s",
    "path": "%(U)s", "status": "%(s)s", "bytes": "%(B)s", "duration_us": "%(D)s",
    "request_id": "%({x-request-id}o)s",
})
errorlog = "-"
loglevel = _env("GUNICORN_LOG_LEVEL", "info")
proc_name = "waymark-web"
# gunicorn's control socket (gunicornc) would be made in the user's home, which the image's user
# cannot write; signals (HUP to reload, TERM to stop) do the same work.
control_socket_disable = True


def child_exit(server, worker):
    """A worker is gone: prometheus-client drops its live gauges (ops/metrics.py names the
    files by host name and process id)."""
    if _env("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(f"{socket.gethostname().replace('_', '-')}-{worker.pid}")
