"""The risk detector (outcomes/rules/risk.py, issue 12) over the labelled sets of messages in
tests/outcomes/safeguarding/: recall, precision and the time per message, against a floor of
the cheapest possible scan (lower-case the text, one `in` check for one word).

Pure Python: no database, so `bench/run.py --only risk` runs it on its own in a second or two.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

SETS_DIR = Path(__file__).resolve().parent.parent / "tests" / "outcomes" / "safeguarding"
SETS = ("dev_set.jsonl", "eval_set.jsonl", "holdout_set.jsonl")
ROUNDS = 20  # passes over each set, so the times are steady; the first (cold) pass is reported too


def _floor(text: str) -> bool:
    """The cheapest possible scan: what `bot.intents.normalised` starts with, then one `in`."""
    return "die" in text.lower()


def _micro(seconds: float) -> str:
    return f"{seconds * 1_000_000:.0f}"


def benchmark() -> list[dict]:
    from outcomes.rules import risk

    rows = []
    for name in SETS:
        path = SETS_DIR / name
        if not path.exists():
            continue
        messages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
        texts = [m["text"] for m in messages]
        risk._corrected.cache_clear()
        cold = []
        for text in texts:
            started = time.perf_counter()
            risk.assess(text)
            cold.append(time.perf_counter() - started)
        each: list[float] = []
        started_all = time.perf_counter()
        for _ in range(ROUNDS):
            for text in texts:
                started = time.perf_counter()
                risk.assess(text)
                each.append(time.perf_counter() - started)
        seconds = time.perf_counter() - started_all
        started_floor = time.perf_counter()
        for _ in range(ROUNDS):
            for text in texts:
                _floor(text)
        floor = time.perf_counter() - started_floor

        tp = fn = fp = tn = 0
        for message in messages:
            at_risk = risk.assess(message["text"]).at_risk
            if message["label"] == "risk":
                tp, fn = (tp + 1, fn) if at_risk else (tp, fn + 1)
            else:
                fp, tn = (fp + 1, tn) if at_risk else (fp, tn + 1)
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        ordered = sorted(each)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        # Each message's best of the rounds: what it costs when the machine is not busy elsewhere.
        best = sorted(min(each[r * len(texts) + i] for r in range(ROUNDS))
                      for i in range(len(texts)))
        best_p95 = best[min(len(best) - 1, round(0.95 * (len(best) - 1)))]
        label = name.removesuffix(".jsonl")
        rows.append({
            "name": f"risk detector ({label})",
            "size": f"{tp + fn} risk + {fp + tn} everyday messages",
            "seconds": seconds, "rows": len(texts) * ROUNDS, "floor_seconds": floor,
            "floor": f"text.lower() and one `in` check, the same messages x {ROUNDS}",
            "notes": (
                f"recall {recall:.3f}, precision {precision:.3f} "
                f"(tp {tp}, fn {fn}, fp {fp}, tn {tn}; thresholds 0.97 / 0.95)",
                f"per message: mean {_micro(statistics.fmean(each))} us, "
                f"p95 {_micro(p95)} us, max {_micro(ordered[-1])} us; first cold pass mean "
                f"{_micro(statistics.fmean(cold))} us; floor mean "
                f"{floor / (len(texts) * ROUNDS) * 1_000_000:.2f} us",
                f"per message, best of {ROUNDS} rounds each (less noise from other load): mean "
                f"{_micro(statistics.fmean(best))} us, p95 {_micro(best_p95)} us, "
                f"max {_micro(best[-1])} us",
            ),
        })
    return rows
