"""Waymark settings: every environment variable is read here, once, typed.

The defaults make `make run` work on a fresh clone with nothing installed (SQLite under var/,
an embedded filesystem broker). Production sets DATABASE_URL, CELERY_BROKER_URL,
DJANGO_SECRET_KEY and ALLOWED_HOSTS; any of them may come from a file named by `<NAME>_FILE`.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv()

# `make run` writes the development settings it runs with to `.env` (git-ignored), so the
# README's commands in a second terminal (`manage.py botchat --as yp1`) run with the same ones.
# The environment always wins over the file. WAYMARK_ENV_FILE names another file, or "" for none
# (the test suite reads none).
ENV_FILE = os.environ.get("WAYMARK_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.FileAwareEnv.read_env(ENV_FILE, overwrite=False)

# Where the zero-setup defaults keep their files: the SQLite database and the broker's queue.
VAR_DIR = Path(env.str("WAYMARK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-waymark-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE) in production, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

COUNCIL_NAME = env.str("WAYMARK_COUNCIL_NAME", default="Waymark Borough Council")
# The ONS code of the authority, used in the SSDA903 return (REFERENCE.md §3; SSDA903.md §3.1).
LOCAL_AUTHORITY_CODE = env.str("WAYMARK_LA_CODE", default="E09000027")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "outcomes",
    "tasks",
    "web",
    "bot",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs a session out after SESSION_IDLE_MINUTES without a request; `no-store` on the API
    # and on every page sent to someone signed in.
    "config.middleware.IdleSessionMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.service",
                "web.context_processors.safeguarding",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: one SQLite file shared by web, worker, beat and bot. WAL lets readers and one writer
# work together; busy_timeout and IMMEDIATE transactions avoid "database is locked".
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'waymark.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; "
            "PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "outcomes.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale and time (DESIGN.md rule 8: store UTC, decide "today" in Europe/London) ----------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# SSDA903 imports and exports from the staff pages: uploads and results, one folder per job.
# Holds children's data: keep it on the server's private disk, never under STATIC or a web root.
DATA_JOBS_DIR = Path(env.str("WAYMARK_DATA_JOBS_DIR", default=str(VAR_DIR / "data-jobs")))
# A running job whose worker has not written its heartbeat for this long (seconds) is failed by
# the sweep (`tasks.data_jobs.fail_interrupted`): the worker died. Heartbeats come every 30 s.
DATA_JOB_HEARTBEAT_LIMIT = env.int("WAYMARK_DATA_JOB_HEARTBEAT_LIMIT", default=10 * 60)

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Served by WhiteNoise; outside DEBUG from `collectstatic`, compressed and with hashed names.
if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# --- Staff sign-in (web/): django-axes locks a username from an address after 5 failures ------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before checking
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:caseload"
LOGOUT_REDIRECT_URL = "web:login"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# How many proxies in front of the web server add to X-Forwarded-For (0: none, REMOTE_ADDR is
# the client). Behind a proxy, without this every sign-in would share the proxy's address.
WAYMARK_TRUSTED_PROXIES = env.int("WAYMARK_TRUSTED_PROXIES", default=0)
if not 0 <= WAYMARK_TRUSTED_PROXIES <= 5:
    raise ImproperlyConfigured("WAYMARK_TRUSTED_PROXIES must be between 0 and 5.")
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Secure by default: `check --deploy --fail-level WARNING` passes with only the secret key,
    # ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS set (tests/outcomes/test_security_settings.py).
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Only a directive in the header: a domain goes on browsers' preload lists when its owner
    # submits it (gov.uk's subdomains are on them already).
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if SECURE_HSTS_SECONDS < 0:
        raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be 0 or more.")

# --- Identity, sessions and security events (issue 15) --------------------------------------
# X-Forwarded-Proto is trusted only when the proxy in front says so and strips what clients send
# (WAYMARK_TRUST_X_FORWARDED_PROTO=true); otherwise a client could claim HTTPS.
WAYMARK_TRUST_X_FORWARDED_PROTO = env.bool("WAYMARK_TRUST_X_FORWARDED_PROTO", default=False)
if WAYMARK_TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions end when the browser closes, and after SESSION_IDLE_MINUTES without a request (the
# pages warn two minutes before, GOV.UK's timeout warning; the server decides without script).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
if not 2 <= SESSION_IDLE_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be between 2 and 1440.")
# API tokens stop working this many days after they are issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
if not 1 <= API_TOKEN_DAYS <= 366:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be between 1 and 366.")
# Password spraying: failed sign-ins from one address in an hour, whatever the usernames, after
# which that address is refused (web and API) until the hour is out.
WAYMARK_LOGIN_ADDRESS_LIMIT = env.int("WAYMARK_LOGIN_ADDRESS_LIMIT", default=20)
if not 1 <= WAYMARK_LOGIN_ADDRESS_LIMIT <= 10_000:
    raise ImproperlyConfigured("WAYMARK_LOGIN_ADDRESS_LIMIT must be between 1 and 10000.")
# Security events (spraying, lockouts, token misuse) in an hour that send an e-mail to every
# active administrator with an e-mail address (one e-mail each time the count reaches it).
WAYMARK_SECURITY_ALERT_THRESHOLD = env.int("WAYMARK_SECURITY_ALERT_THRESHOLD", default=10)
if not 1 <= WAYMARK_SECURITY_ALERT_THRESHOLD <= 10_000:
    raise ImproperlyConfigured("WAYMARK_SECURITY_ALERT_THRESHOLD must be between 1 and 10000.")
# SSDA903 export and rejection files are deleted this many hours after they were made.
DATA_JOB_FILE_HOURS = env.int("DATA_JOB_FILE_HOURS", default=24)
if not 1 <= DATA_JOB_FILE_HOURS <= 24 * 31:
    raise ImproperlyConfigured("DATA_JOB_FILE_HOURS must be between 1 and 744.")

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from another
# site. tests/browser/test_csp.py loads every page and fails on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Cache: throttling counters and the like. Redis in production, shared by every process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://waymark")}

# --- REST API (api/) ---------------------------------------------------------------------------
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("API_LOGIN_THROTTLE", default="5/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The client's address for the throttles: the same proxy count as the sign-in lockout.
    "NUM_PROXIES": WAYMARK_TRUSTED_PROXIES,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Waymark API",
    "DESCRIPTION": (
        "Records of looked-after children and care leavers. Every read is scoped by the one "
        "access policy and audited; records outside your scope answer 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.IsStaff"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields a persona may not see are left out of its responses, so none is required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # Plans and goals both have a "status", each with its own choices: name them apart.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "outcomes.models.plans.PlanStatus",
        "GoalStatusEnum": "outcomes.models.plans.GoalStatus",
        "HealthAssessmentKindEnum": "outcomes.models.reviews.HealthAssessmentKind",
    },
}

# --- Celery (the app lives in config/celery.py) ----------------------------------------------
# Default: kombu's filesystem transport under var/ - an embedded broker that needs no server and
# works across processes. Production: redis://.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Unacknowledged tasks come back after this; every countdown stays well below it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60 * 5)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 6)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Email: the console in development, SMTP in production (EMAIL_URL=smtp+tls://user:pw@host:587)
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Waymark <waymark@localhost>")

# --- Reminders (issue 4): the daily sweep and the outbox ---------------------------------------
# Beat entries are created by `manage.py setup_schedules` and edited in the admin afterwards.
REMINDER_SWEEP_HOUR = env.int("REMINDER_SWEEP_HOUR", default=7)  # 07:00 Europe/London
REMINDER_LEAD_DAYS = tuple(env.list("REMINDER_LEAD_DAYS", cast=int, default=[14, 7, 0]))
REMINDER_ESCALATE_AFTER_WORKING_DAYS = env.int("REMINDER_ESCALATE_AFTER_WORKING_DAYS", default=5)
PA_CONTACT_WEEKS = env.int("PA_CONTACT_WEEKS", default=8)
# An open statutory item due before this day is shown apart as "not recorded in Waymark" (met,
# most likely, before the records were kept here), not as overdue, and is never escalated:
# SCHEDULE_NOT_RECORDED_BEFORE (an ISO date: the day the authority started keeping its records
# here) if set, else the items due more than SCHEDULE_NOT_RECORDED_AFTER_MONTHS months ago.
_not_recorded_before = env.str("SCHEDULE_NOT_RECORDED_BEFORE", default="").strip()
try:
    SCHEDULE_NOT_RECORDED_BEFORE = (datetime.date.fromisoformat(_not_recorded_before)
                                    if _not_recorded_before else None)
except ValueError:
    raise ImproperlyConfigured("SCHEDULE_NOT_RECORDED_BEFORE must be a date like 2025-04-01.") \
        from None
SCHEDULE_NOT_RECORDED_AFTER_MONTHS = env.int("SCHEDULE_NOT_RECORDED_AFTER_MONTHS", default=12)
if SCHEDULE_NOT_RECORDED_AFTER_MONTHS < 1:
    raise ImproperlyConfigured("SCHEDULE_NOT_RECORDED_AFTER_MONTHS must be 1 or more.")

# --- Telegram --------------------------------------------------------------------------------
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_BASE_URL = env.str("TELEGRAM_API_BASE_URL", default="https://api.telegram.org/bot")
# Telegram's broadcast limit: about 30 messages a second overall (1 a second per chat is fixed).
# Counted in the cache, so every worker counts together when CACHE_URL is Redis.
TELEGRAM_MAX_PER_SECOND = env.int("TELEGRAM_MAX_PER_SECOND", default=30)
# The bot's @username, for the t.me links that carry a link code.
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="waymark_bot").lstrip("@")
if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", TELEGRAM_BOT_USERNAME):
    raise ImproperlyConfigured(
        f"TELEGRAM_BOT_USERNAME {TELEGRAM_BOT_USERNAME!r} is not a Telegram username: 4 to 32 "
        "letters, digits and underscores, starting with a letter (e.g. waymark_bot).")
# How long a one-time link code works, in minutes.
TELEGRAM_LINK_CODE_MINUTES = env.int("TELEGRAM_LINK_CODE_MINUTES", default=15)
if not 1 <= TELEGRAM_LINK_CODE_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("TELEGRAM_LINK_CODE_MINUTES must be between 1 and 1440.")
# `runbot --webhook URL`: Telegram sends it in X-Telegram-Bot-Api-Secret-Token with each update.
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
if TELEGRAM_WEBHOOK_SECRET and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}",
                                                TELEGRAM_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "TELEGRAM_WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or - (Telegram's rule).")
# The council's out-of-hours duty team, which the bot's /help gives with the national lines.
OUT_OF_HOURS_PHONE = env.str("WAYMARK_OUT_OF_HOURS_PHONE", default="")

# --- Safeguarding alerts (issue 12) ---------------------------------------------------------
# The out-of-hours duty team's address: told at once out of office hours or when nobody holds
# the case, and whenever an alert waits SAFEGUARDING_ACK_MINUTES without an acknowledgement.
WAYMARK_DUTY_EMAIL = env.str("WAYMARK_DUTY_EMAIL", default="")
# Minutes an alert may wait for someone to act before duty is told (and again after each round).
SAFEGUARDING_ACK_MINUTES = env.int("SAFEGUARDING_ACK_MINUTES", default=15)
if not 1 <= SAFEGUARDING_ACK_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("SAFEGUARDING_ACK_MINUTES must be between 1 and 1440.")
# Office hours on working days, Europe/London; outside them duty is told at once.
SAFEGUARDING_OFFICE_HOURS_TEXT = env.str("SAFEGUARDING_OFFICE_HOURS", default="09:00-17:00")
_office = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*",
                       SAFEGUARDING_OFFICE_HOURS_TEXT)
try:
    SAFEGUARDING_OFFICE_HOURS = (
        datetime.time(int(_office[1]), int(_office[2])),
        datetime.time(int(_office[3]), int(_office[4])))
except (TypeError, ValueError) as _error:
    raise ImproperlyConfigured(
        "SAFEGUARDING_OFFICE_HOURS must be two times, e.g. 09:00-17:00.") from _error
if SAFEGUARDING_OFFICE_HOURS[0] >= SAFEGUARDING_OFFICE_HOURS[1]:
    raise ImproperlyConfigured("SAFEGUARDING_OFFICE_HOURS must start before it ends.")
# The address the staff pages are reached at, for links in emails and Telegram messages.
WAYMARK_BASE_URL = env.str("WAYMARK_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Logging: no personal data in logs (DESIGN.md, dangerous constructs) ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request's URL at INFO, and a Bot API URL holds the bot's token.
        "httpx": {"level": "WARNING"},
        # python-telegram-bot logs every update it receives at DEBUG: what people typed.
        "telegram": {"level": "INFO"},
    },
}

# --- Operations (issue 16, ops/): health, readiness, metrics, JSON logs, limits, Sentry -------
# Kept in one block, appended, so it merges cleanly with the settings above.
INSTALLED_APPS += ["ops"]
# First: the request id, the log line and the metrics cover every other middleware; /healthz,
# /readyz and /metrics are answered there, before host checks and the HTTPS redirect.
MIDDLEWARE.insert(0, "ops.middleware.RequestContextMiddleware")
# After the user is known, before anything reads the body (CSRF reads the form).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "ops.middleware.BodyLimitMiddleware")

# Request bodies, refused by their Content-Length before they are read (413). Anonymous: a
# sign-in form, the bot's webhook. Signed in: the largest SSDA903 upload (200 MB) and its form.
# Set the proxy's limit (nginx client_max_body_size) to the signed-in one.
WAYMARK_ANONYMOUS_MAX_BODY_BYTES = env.int("WAYMARK_ANONYMOUS_MAX_BODY_BYTES",
                                           default=1024 * 1024)
WAYMARK_MAX_BODY_BYTES = env.int("WAYMARK_MAX_BODY_BYTES", default=210 * 1024 * 1024)
if not 1024 <= WAYMARK_ANONYMOUS_MAX_BODY_BYTES <= WAYMARK_MAX_BODY_BYTES:
    raise ImproperlyConfigured("WAYMARK_ANONYMOUS_MAX_BODY_BYTES must be at least 1024 and at "
                               "most WAYMARK_MAX_BODY_BYTES.")
# Form fields (not files) Django keeps in memory: 2.5 MB, Django's default, set here on purpose.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)


def _networks(name: str, default: list[str]) -> tuple:
    """A list of addresses or networks from the environment, each checked."""
    import ipaddress

    try:
        return tuple(ipaddress.ip_network(value, strict=False)
                     for value in env.list(name, default=default))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


# The addresses of the proxies in front of gunicorn (addresses or networks): gunicorn believes
# their X-Forwarded-Proto (config/gunicorn.conf.py reads the same variable). The count of
# proxies, for the client's address, is WAYMARK_TRUSTED_PROXIES above.
WAYMARK_PROXY_ADDRESSES = [str(network) for network in _networks(
    "WAYMARK_PROXY_ADDRESSES", ["127.0.0.1", "::1"])]

# /metrics: shown to these addresses or networks (the client's address as config/client_ip.py
# reads it), or to a request with "Authorization: Bearer <METRICS_TOKEN>"; a 404 to anyone else.
METRICS_ALLOWED_IPS = _networks("METRICS_ALLOWED_IPS", [])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters.")

# /readyz: the beat counts as stopped when it has sent no scheduled task for this long (the
# outbox dispatcher is due every minute and django-celery-beat saves its last run at least every
# 3 minutes). 0 leaves the beat out of /readyz.
WAYMARK_READYZ_BEAT_SECONDS = env.int("WAYMARK_READYZ_BEAT_SECONDS", default=10 * 60)

# Error reports (optional). Personal data is scrubbed before anything leaves (ops/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# Logs: one JSON object a line in production (LOG_FORMAT=json), plain text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING["filters"] = {"request_id": {"()": "ops.logs.RequestIdFilter"}}
LOGGING["formatters"]["json"] = {"()": "ops.logs.WaymarkJsonFormatter"}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
# Celery logs through the handler above, so a worker's lines are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
