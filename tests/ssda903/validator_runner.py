"""Run the DfE SSDA903 validator (csc-validator-be-903) on a directory of CSV tables.

Runs under the validator's own virtual environment (var/validator-903), never the project's:
it imports nothing from Waymark. tests/ssda903/validator.py calls it in a subprocess.

    python validator_runner.py --year 2026 --this DIR [--previous DIR] --la E09000027 --out FILE

Writes JSON to --out (rules print to stdout, so stdout is not parsed, SSDA903.md §2.6 item 7):
the rules that ran, were skipped (a table they need is missing) and crashed, and one entry per
flagged row: rule, table, row index, CHILD and the row's values.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", required=True, help="collection year, e.g. 2026 for 2025/26")
    parser.add_argument("--this", required=True, type=Path, help="this year's CSV tables")
    parser.add_argument("--previous", type=Path, help="last year's CSV tables")
    parser.add_argument("--la", required=True, help="the long ONS code of the authority")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()

    # The validator logs every rule at INFO; the caller sends stderr to a log file.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    from lac_validator.lac_validator import LacValidator
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    files = {"This year": [str(p) for p in sorted(args.this.glob("*.csv"))]}
    if args.previous:
        files["Prev year"] = [str(p) for p in sorted(args.previous.glob("*.csv"))]
    registry = get_year_ruleset(args.year)
    validator = LacValidator(
        metadata={"collectionYear": args.year, "localAuthority": args.la},
        files=process_uploaded_files(files), registry=registry,
    )
    issues = []
    # Read the ERR_ columns directly: with no issue at all, the package's own report helpers
    # raise "No objects to concatenate" (SSDA903.md §2.6 item 4).
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        data_columns = [c for c in frame.columns
                        if not c.startswith(("ERR_", "__")) and c != "index"]
        for column in frame.columns:
            if not column.startswith("ERR_"):
                continue
            for index in frame.index[frame[column] == True]:  # noqa: E712 - pandas mask
                row = frame.loc[index, data_columns]
                issues.append({
                    "rule": column[4:], "table": table, "row": int(index),
                    "child": None if row.get("CHILD") is None else str(row["CHILD"]),
                    "values": {k: (None if _missing(v) else str(v)) for k, v in row.items()},
                })
    result = {
        "year": args.year, "rules": len(registry), "ran": sorted(validator.dones),
        "skipped": sorted(validator.skips), "crashed": sorted(validator.fails),
        "issues": issues,
    }
    args.out.write_text(json.dumps(result, indent=1))
    return 0


def _missing(value) -> bool:
    try:
        return value != value or value is None  # NaN and None
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
