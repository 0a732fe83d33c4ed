"""Measured recall and precision of the risk detector (issue 12) on labelled sets of messages.

Each set is JSON lines: {"text": ..., "label": "risk" | "none", "kinds": [...], "note": ...}.
`dev_set.jsonl` is ours (the rules were tuned on it); `eval_set.jsonl` (thresholds tuned on it)
and `holdout2_set.jsonl` (blind, run once) were written by people who had not read the rules or
the corpus. The first holdout, run once, is now training data (EVALUATION.md). The thresholds
are on risk versus none; recall wins where they conflict (a miss can cost a life).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from outcomes.rules.risk import DETECTED_KINDS, RiskKind, assess

HERE = Path(__file__).parent
SETS = ("dev_set.jsonl", "eval_set.jsonl", "holdout2_set.jsonl")
MIN_RECALL = 0.97
MIN_PRECISION = 0.95


def read_set(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        assert isinstance(row.get("text"), str), f"{path.name}:{number}: text"
        assert row.get("label") in ("risk", "none"), f"{path.name}:{number}: label"
        rows.append(row)
    return rows


def evaluate(path: Path) -> tuple[float, float, dict[str, int]]:
    """(recall, precision, confusion) of `assess` on the set at `path`, risk being positive.
    The confusion also counts, for risk messages, how many had every labelled kind found."""
    confusion = Counter(tp=0, fn=0, fp=0, tn=0, kinds_right=0, kinds_labelled=0)
    for row in read_set(path):
        finding = assess(row["text"])
        if row["label"] == "risk":
            confusion["tp" if finding.at_risk else "fn"] += 1
            wanted = {RiskKind(k) for k in row.get("kinds", []) if k in DETECTED_KINDS}
            if wanted:
                confusion["kinds_labelled"] += 1
                confusion["kinds_right"] += wanted <= finding.kinds
        else:
            confusion["fp" if finding.at_risk else "tn"] += 1
    found = confusion["tp"] + confusion["fn"]
    flagged = confusion["tp"] + confusion["fp"]
    recall = confusion["tp"] / found if found else 1.0
    precision = confusion["tp"] / flagged if flagged else 1.0
    return recall, precision, dict(confusion)


def misses(path: Path) -> tuple[list[str], list[str]]:
    """The risk messages missed and the everyday ones flagged: printed when a set fails."""
    missed, flagged = [], []
    for row in read_set(path):
        at_risk = assess(row["text"]).at_risk
        if row["label"] == "risk" and not at_risk:
            missed.append(row["text"])
        elif row["label"] == "none" and at_risk:
            flagged.append(row["text"])
    return missed, flagged


HOLDOUT_BELOW = pytest.mark.xfail(
    strict=True,
    reason="holdout 2 run once after tuning (EVALUATION.md): recall 0.927, precision 0.867, "
           "below 0.97 / 0.95. Strict: this turns red when the detector passes; then drop the "
           "mark.")


@pytest.mark.parametrize("name", [pytest.param(n, marks=HOLDOUT_BELOW)
                                  if n == "holdout2_set.jsonl" else n for n in SETS])
def test_recall_and_precision_meet_the_thresholds(name):
    path = HERE / name
    if not path.exists():
        pytest.skip(f"{name} has not been written yet")
    recall, precision, confusion = evaluate(path)
    missed, flagged = misses(path)
    detail = (f"{name}: recall {recall:.3f}, precision {precision:.3f}, {confusion}\n"
              f"missed: {missed}\nflagged: {flagged}")
    print(detail)
    assert recall >= MIN_RECALL, detail
    assert precision >= MIN_PRECISION, detail


def test_the_development_set_is_big_and_varied_enough():
    rows = read_set(HERE / "dev_set.jsonl")
    labels = Counter(row["label"] for row in rows)
    assert labels["risk"] >= 250 and labels["none"] >= 250
    kinds = Counter(k for row in rows for k in row["kinds"])
    assert all(kinds[kind] >= 20 for kind in DETECTED_KINDS), kinds
    texts = [row["text"] for row in rows]
    assert len(texts) == len(set(texts)), "a message is in the set twice"


def test_evaluate_counts_what_it_is_given(tmp_path):
    path = tmp_path / "tiny.jsonl"
    rows = [("i want to die", "risk", ["self_harm"]), ("kms", "risk", ["self_harm"]),
            ("what time is my review", "none", []), ("my phone died", "none", []),
            ("when is my next meeting", "risk", ["self_harm"]),  # labelled wrongly on purpose
            ("he hit me", "none", [])]  # and this one
    path.write_text("\n".join(json.dumps({"text": t, "label": label, "kinds": k, "note": ""})
                              for t, label, k in rows), encoding="utf-8")
    recall, precision, confusion = evaluate(path)
    assert (confusion["tp"], confusion["fn"], confusion["fp"], confusion["tn"]) == (2, 1, 1, 2)
    assert recall == pytest.approx(2 / 3) and precision == pytest.approx(2 / 3)
    assert confusion["kinds_right"] == 2 and confusion["kinds_labelled"] == 3


# Ordinary bot traffic: short replies, requests and news, written by the lead apart from the
# training corpus (no line within rapidfuzz ratio 90 of a training line). The precision
# is measured on the labelled sets above; this list guards what those sets under-represent, the
# two-to-five-word answers a young person types all day ("not yet", "i wont be there").
MAX_TRAFFIC_FLAGGED = 0.03


def test_ordinary_bot_traffic_is_rarely_flagged():
    lines = [line.strip() for line in
             (HERE / "everyday_traffic.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    flagged = [line for line in lines if assess(line).at_risk]
    assert len(lines) >= 100
    assert len(flagged) / len(lines) <= MAX_TRAFFIC_FLAGGED, flagged
