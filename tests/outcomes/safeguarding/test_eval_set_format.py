"""The safeguarding evaluation sets are well formed, large enough and free of near-duplicates.

This checks the data only; it never runs the detector (and so never spends a holdout set).
See EVALUATION.md in this folder.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from rapidfuzz import fuzz

HERE = Path(__file__).parent
KINDS = {"self_harm", "nowhere_safe", "harm_from_others", "harm_to_others"}
# The first holdout, spent on 4 December 2026, is now training data (outcomes/rules/).
MINIMUM = {"eval_set.jsonl": 340, "holdout2_set.jsonl": 250}
NEAR_DUPLICATE = 90  # rapidfuzz ratio above which two messages count as the same message


def _load(name: str) -> list[dict]:
    rows = []
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        row = json.loads(line)
        assert set(row) == {"text", "label", "kinds", "note"}, f"{name}:{number} fields"
        assert row["label"] in {"risk", "none"}, f"{name}:{number} label"
        assert isinstance(row["kinds"], list), f"{name}:{number} kinds"
        assert set(row["kinds"]) <= KINDS, f"{name}:{number} unknown kind"
        assert len(row["kinds"]) == len(set(row["kinds"])), f"{name}:{number} repeated kind"
        assert bool(row["kinds"]) == (row["label"] == "risk"), f"{name}:{number} kinds vs label"
        assert row["text"].strip() and row["note"].strip(), f"{name}:{number} empty"
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_set_is_well_formed_and_large_enough(name):
    rows = _load(name)
    labels = Counter(row["label"] for row in rows)
    assert labels["risk"] >= MINIMUM[name]
    assert labels["none"] >= MINIMUM[name]
    kinds = Counter(kind for row in rows for kind in row["kinds"])
    assert set(kinds) == KINDS, "every kind is represented"
    borderline = sum("borderline" in row["note"] for row in rows)
    assert borderline < 0.05 * len(rows), "borderline items stay a small minority"


def test_no_near_duplicates_within_or_across_sets():
    texts = [
        (name, " ".join(row["text"].lower().split()))
        for name in sorted(MINIMUM)
        for row in _load(name)
    ]
    close = [
        (a, b)
        for (_, a), (_, b) in combinations(texts, 2)
        if fuzz.ratio(a, b) > NEAR_DUPLICATE
    ]
    assert close == []
