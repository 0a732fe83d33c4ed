"""Issue 15: with DEBUG off, the settings are secure by default: `check --deploy` passes at the
WARNING level with only the secret key, the hosts and the trusted origins set, and
X-Forwarded-Proto is believed only when a setting says so. Run in subprocesses with a clean
environment, as production starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "pQ7vX2mL9sK4tR8wZ1nB6cY3hJ5gF0dA-production-like-secret-key-9Tq",
    "ALLOWED_HOSTS": "waymark.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://waymark.example.gov.uk",
}


def run(args: list[str], **extra: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
           **PRODUCTION, **extra}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_check_deploy_passes_with_only_the_secret_hosts_and_origins():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_check_deploy_still_catches_an_insecure_setting():
    """The check is real: switching HSTS off makes it fail."""
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
               SECURE_HSTS_SECONDS="0")
    assert done.returncode != 0
    assert "security.W004" in done.stdout + done.stderr


SHOW = ("import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT, "
        "settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)")


def test_x_forwarded_proto_is_trusted_only_when_configured():
    done = run(["-c", SHOW])
    assert done.stdout.strip() == "None True True", done.stderr
    done = run(["-c", SHOW], WAYMARK_TRUST_X_FORWARDED_PROTO="true")
    assert done.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') True True", done.stderr


def test_a_bad_value_is_a_loud_error():
    for name, value in (("SESSION_IDLE_MINUTES", "0"), ("API_TOKEN_DAYS", "1000"),
                        ("WAYMARK_LOGIN_ADDRESS_LIMIT", "0"), ("DATA_JOB_FILE_HOURS", "0"),
                        ("WAYMARK_SECURITY_ALERT_THRESHOLD", "-1"),
                        ("API_TOKEN_DAYS", "thirty")):
        done = run(["-c", SHOW], **{name: value})
        assert done.returncode != 0, (name, value)
        assert name in done.stderr, (name, value, done.stderr[-400:])
