"""The README and docs/operations.md name what an operator must set and do."""

from __future__ import annotations

import re
from pathlib import Path

from config.production_check import BOT, EVERY_PROCESS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()


def test_every_operations_setting_is_in_the_readme():
    settings = (ROOT / "config" / "settings.py").read_text()
    texts = [settings[settings.index("# --- Operations (issue 16"):],
             (ROOT / "config" / "gunicorn.conf.py").read_text(),
             (ROOT / "bin" / "waymark").read_text()]
    names = set(EVERY_PROCESS) | set(BOT)
    for text in texts:
        names |= set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'_env\("([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'\$\{([A-Z][A-Z0-9_]+):-', text))
    names |= {"WAYMARK_PROXY_ADDRESSES", "METRICS_ALLOWED_IPS"}  # read through _networks()
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"add to the README's configuration table: {missing}"


def test_the_operations_guide_covers_what_the_issue_asks():
    for needed in ("make serve", "docker compose up", "/healthz", "/readyz", "/metrics",
                   "pg_dump", "pg_restore", "WAYMARK_DATA_JOBS_DIR", "DJANGO_SECRET_KEY",
                   "createsuperuser", "import_903", "BotFather", "What Telegram sees",
                   "Rollback", "client_max_body_size", "PROMETHEUS_MULTIPROC_DIR"):
        assert needed in OPERATIONS, needed
    assert "docs/operations.md" in README
