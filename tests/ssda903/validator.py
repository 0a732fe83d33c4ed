"""Run csc-validator-be-903 0.1.17 (its own virtual environment, var/validator-903) on exported
tables, and read back what it found. The environment is made by `make test`; if it is missing,
the first call makes it (with the same Makefile rule), so the tests never skip the check.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_ENV = ROOT / "var" / "validator-903"
RUNNER = Path(__file__).with_name("validator_runner.py")
TIMEOUT = 900

# Rules that crash on every CSV input in 0.1.17 (SSDA903.md §2.6 item 1). They check nothing;
# any other crash fails the test.
CRASHING_UPSTREAM = {
    "231": "reads Header column UASC_STATUS, but CSV ingress derives a column named UASC",
    "233": "reads DATE_EPISODE_CEASED instead of DEC (2025/26 rules)",
}


@dataclass(frozen=True)
class Issue:
    rule: str
    table: str
    row: int
    child: str | None
    values: dict[str, str | None]


@dataclass(frozen=True)
class ValidatorResult:
    year: int
    rules: int
    ran: list[str]
    skipped: list[str]
    crashed: list[str]
    issues: list[Issue]
    seconds: float
    log: str

    @property
    def unexpected_crashes(self) -> list[str]:
        return sorted(set(self.crashed) - set(CRASHING_UPSTREAM))

    def by_rule(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = {}
        for issue in self.issues:
            out.setdefault(issue.rule, []).append(issue)
        return out


def validator_python() -> Path:
    python = VALIDATOR_ENV / "bin" / "python"
    if not (VALIDATOR_ENV / ".installed").exists():
        subprocess.run(["make", "-s", "var/validator-903/.installed"], cwd=ROOT, check=True,
                       timeout=TIMEOUT)
    return python


def validate(*, year: int, this_year: Path, previous_year: Path | None = None,
             local_authority: str | None = None) -> ValidatorResult:
    """Validate the tables in `this_year` for collection `year`, last year's as "Prev year"."""
    python = validator_python()
    with tempfile.TemporaryDirectory() as scratch:
        out, log = Path(scratch) / "result.json", Path(scratch) / "validator.log"
        command = [str(python), str(RUNNER), "--year", str(year), "--this", str(this_year),
                   "--la", local_authority or settings.LOCAL_AUTHORITY_CODE, "--out", str(out)]
        if previous_year is not None:
            command += ["--previous", str(previous_year)]
        started = time.perf_counter()
        with log.open("w") as stderr:
            completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=stderr,
                                       timeout=TIMEOUT, check=False)
        seconds = time.perf_counter() - started
        text = log.read_text()
        if completed.returncode != 0:
            sys.stderr.write(text[-5000:])
            raise AssertionError(f"The validator failed (exit {completed.returncode}); "
                                 "its log is above.")
        data = json.loads(out.read_text())
    return ValidatorResult(
        year=year, rules=data["rules"], ran=data["ran"], skipped=data["skipped"],
        crashed=data["crashed"], issues=[Issue(**i) for i in data["issues"]], seconds=seconds,
        log=text,
    )
