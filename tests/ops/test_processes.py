"""The production processes, started as the image starts them (bin/waymark), outside Docker:
gunicorn answers /healthz, /readyz and /metrics, refuses a large anonymous body unread and logs
JSON; the worker, the beat and the bot start and stop; nothing starts without its settings."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "m" * 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Static files collected as the image collects them (hashed names, compressed)."""
    root = tmp_path_factory.mktemp("static")
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SECRET_KEY": "collectstatic-only",
           "DJANGO_DEBUG": "false", "STATIC_ROOT": str(root),
           "WAYMARK_VAR_DIR": str(root / "var")}
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic",
                    "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300,
                   capture_output=True)
    return root


@pytest.fixture
def production_env(tmp_path, static_root) -> dict[str, str]:
    """A complete production environment on the test database and broker."""
    db = connection.settings_dict
    broker = urlsplit(settings.CELERY_BROKER_URL)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "TEST_", "PYTEST", "CELERY_", "DATABASE_"))}
    env.update({
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "production-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": f"rediscache://{broker.hostname}:{broker.port or 6379}{broker.path}",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "WAYMARK_DUTY_EMAIL": "duty@council.example",
        "TELEGRAM_BOT_TOKEN": "123456:TEST",
        "WAYMARK_VAR_DIR": str(tmp_path / "var"),
        "WAYMARK_DATA_JOBS_DIR": str(tmp_path / "data-jobs"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": TOKEN,
        "LOG_FORMAT": "json",
        "STATIC_ROOT": str(static_root),
    })
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(
            f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    return env


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._file = log.open("wb")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._file,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while needle not in self.text():
            if self.popen.poll() is not None:
                raise AssertionError(f"exited {self.popen.returncode}:\n{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} in {seconds} s:\n{self.text()[-3000:]}")
            time.sleep(0.2)

    def stop(self, seconds: float = 30) -> int:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
                raise AssertionError(
                    f"did not stop in {seconds} s:\n{self.text()[-3000:]}") from None
        self._file.close()
        return self.popen.returncode


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    """GET an http://127.0.0.1 address of the server under test."""
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  (checked above)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nothing_starts_without_its_settings_and_the_message_names_each_one(tmp_path):
    env = {"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin", "DJANGO_DEBUG": "true",
           "DATABASE_URL": "sqlite:///x.sqlite3"}
    for process in ("web", "worker", "beat", "bot"):
        done = subprocess.run(["bin/waymark", process], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "Waymark will not start in production" in done.stderr
        for name in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                     "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "WAYMARK_DUTY_EMAIL"):
            assert f"{name} is not set" in done.stderr
        assert "DATABASE_URL must point at PostgreSQL" in done.stderr
        assert "DJANGO_DEBUG is on" in done.stderr
        assert ("TELEGRAM_BOT_TOKEN is not set" in done.stderr) == (process == "bot")
        assert "Traceback" not in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_web_process_under_gunicorn(production_env, tmp_path):
    call_command("setup_schedules", verbosity=0)
    PeriodicTask.objects.update(last_run_at=timezone.now())
    port = _free_port()
    env = production_env | {"WAYMARK_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    web = Process(["bin/waymark", "web"], env, tmp_path / "web.log")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert web.popen.poll() is None, web.text()[-3000:]
            assert time.monotonic() < deadline, web.text()[-3000:]
            time.sleep(0.3)

        timings = []
        for _ in range(50):
            started = time.perf_counter()
            status, _, body = _get(f"{base}/healthz")
            timings.append(time.perf_counter() - started)
            assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, _, body = _get(f"{base}/readyz")
        assert status == 200, body
        assert json.loads(body)["checks"] == {"database": "ok", "migrations": "ok",
                                              "broker": "ok", "cache": "ok", "beat": "ok"}
        print(f"\n/healthz median {statistics.median(timings) * 1000:.1f} ms over gunicorn")

        ids = set()
        for _ in range(6):
            status, headers, _ = _get(f"{base}/login/?next=/young-people/1/&name=Jordan+Example")
            assert status == 200
            ids.add(headers["X-Request-ID"])
        assert len(ids) == 6

        # An anonymous 60 MB upload to the sign-in page: refused from its headers, unread.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: multipart/form-data; boundary=x\r\n"
                         b"Content-Length: 62914560\r\n\r\n" + b"x" * 65536)
            started = time.perf_counter()
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 413"), answer
            assert time.perf_counter() - started < 5

        # A request line past gunicorn's limit never reaches Django.
        assert _get(f"{base}/login/?{'a' * 5000}")[0] in {400, 414}

        # Metrics from both gunicorn workers, added up (multiprocess mode).
        assert _get(f"{base}/metrics")[0] == 404
        status, _, body = _get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200
        text = body.decode()
        assert ('waymark_http_requests_total{method="GET",status="200",view="web:login"} 6.0'
                in text), text
        assert 'waymark_http_requests_total{method="GET",status="200",view="ops-healthz"}' in text
        assert "waymark_reminder_outbox" in text or "waymark_scrape_errors" in text
        assert len(list((tmp_path / "metrics").glob("counter_*.db"))) >= 1
    finally:
        returncode = web.stop()
    assert returncode == 0, web.text()[-3000:]
    log = web.text()
    assert "Jordan" not in log and "name=" not in log and "next=" not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"
                and line.get("route") == "web:login"]
    assert {line["request_id"] for line in requests} == ids
    assert all(line["status"] == 200 and line["method"] == "GET" for line in requests)


@pytest.mark.django_db(transaction=True)  # the beat writes its default entries: flushed after
def test_the_worker_and_the_beat_start_and_stop(production_env, tmp_path):
    worker = Process(["bin/waymark", "worker", "--pool=solo"], production_env,
                     tmp_path / "worker.log")
    beat = Process(["bin/waymark", "beat"], production_env, tmp_path / "beat.log")
    try:
        worker.wait_for("ready.")
        beat.wait_for("beat: Starting")
    finally:
        worker_code, beat_code = worker.stop(), beat.stop()
    assert worker_code == 0 and beat_code == 0, (worker.text()[-2000:], beat.text()[-2000:])
    # Celery logs through Waymark's JSON handler (the root logger is not taken over).
    assert any(json.loads(line).get("message", "").endswith("ready.")
               for line in worker.text().splitlines() if line.startswith("{"))


@pytest.mark.django_db(transaction=True)
def test_the_bot_starts_polling_and_stops(production_env, tmp_path, bot_api):
    env = production_env | {"TELEGRAM_API_BASE_URL": bot_api.base_url}
    bot = Process(["bin/waymark", "bot"], env, tmp_path / "bot.log")
    try:
        bot.wait_for("The bot is polling for updates")
    finally:
        code = bot.stop()
    assert code == 0, bot.text()[-2000:]
