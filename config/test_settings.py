"""Settings for the test suite: the real services, PostgreSQL and Redis, on their standard ports.

Override with TEST_DATABASE_URL and TEST_BROKER_URL. tests/conftest.py stops with a clear message
when they cannot be reached.
"""

import os

os.environ["WAYMARK_ENV_FILE"] = ""  # never the development settings `make run` leaves in .env
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"
)
os.environ["CELERY_BROKER_URL"] = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["CELERY_BROKER_URL"])
# The test client and the browser tests' live server speak plain HTTP; production redirects.
# In the environment, so that the processes the tests start (the smoke test) inherit it.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Pages find their static files in the app folders, without a `collectstatic` first;
# tests/web/test_assets.py runs the production storage (hashed, compressed) on its own.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
