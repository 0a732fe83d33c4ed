"""The risk detector (outcomes/rules/risk.py with its model, risk_model.py, issue 12) over the labelled sets of messages in
tests/outcomes/safeguarding/: recall, precision and the time per message, against a floor of
the cheapest possible scan (lower-case the text, one `in` check for one word).

No database: `bench/run.py --only risk` runs it on its own in well under a minute (the
cross-validation trains the model five times).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

SETS_DIR = Path(__file__).resolve().parent.parent / "tests" / "outcomes" / "safeguarding"
SETS = ("dev_set.jsonl", "eval_set.jsonl", "holdout2_set.jsonl")
ROUNDS = 20  # passes over each set, so the times are steady; the first (cold) pass is reported too


def _floor(text: str) -> bool:
    """The cheapest possible scan: what `bot.intents.normalised` starts with, then one `in`."""
    return "die" in text.lower()


def _micro(seconds: float) -> str:
    return f"{seconds * 1_000_000:.0f}"


def cross_validate(folds: int = 5) -> dict:
    """A second estimate of how the combined detector generalises: the model trained on four
    fifths of (training corpus + eval set) and the detector (rules OR model) scored on the fifth
    it did not see, five times, by message. Rules and guards are fixed; only the model moves."""
    from sklearn.model_selection import KFold

    from outcomes.rules import risk, risk_model

    messages = [(row.text, row.label, row.kinds) for row in risk_model.read_corpus()]
    messages += [(m["text"], m["label"], tuple(m["kinds"])) for m in
                 map(json.loads, (SETS_DIR / "eval_set.jsonl").read_text(encoding="utf-8")
                     .splitlines()) if m]
    readings = [risk.model_text(text) for text, _, _ in messages]
    kept = risk.model()
    tp = fn = fp = tn = 0
    try:
        for train, test in KFold(folds, shuffle=True,
                                 random_state=risk_model.RANDOM_STATE).split(messages):
            risk._model = risk_model.RiskModel.train(
                [readings[i] for i in train], [messages[i][1] for i in train],
                [messages[i][2] for i in train])
            for i in test:
                at_risk = risk.assess(messages[i][0]).at_risk
                if messages[i][1] == "risk":
                    tp, fn = (tp + 1, fn) if at_risk else (tp, fn + 1)
                else:
                    fp, tn = (fp + 1, tn) if at_risk else (fp, tn + 1)
    finally:
        risk._model = kept
    return {"messages": len(messages), "tp": tp, "fn": fn, "fp": fp, "tn": tn,
            "recall": tp / (tp + fn), "precision": tp / (tp + fp)}


def benchmark() -> list[dict]:
    # Warm-up: the model is trained from the corpus on first use (what the bot and worker do at
    # start). The model is dropped first, so this is the real first-use cost.
    from outcomes.rules import risk, risk_model

    started = time.perf_counter()
    risk_model.read_corpus()
    read_seconds = time.perf_counter() - started  # the floor: only reading the corpus
    risk._model = None
    warm_up_seconds = risk.warm_up()
    rows = [{
        "name": "risk detector warm-up (train the model from the corpus)",
        "size": f"{risk.model().size} corpus messages",
        "seconds": warm_up_seconds, "rows": 1, "floor_seconds": read_seconds,
        "floor": "reading and checking the corpus file only (done once per process)",
        "notes": (f"model threshold {risk.MODEL_THRESHOLD}; rules OR model",),
    }]
    started = time.perf_counter()
    cv = cross_validate()
    cv_seconds = time.perf_counter() - started
    rows.append({
        "name": "risk detector 5-fold cross-validation (corpus + eval, by message)",
        "size": f"{cv['messages']} messages",
        "seconds": cv_seconds, "rows": cv["messages"], "floor_seconds": 5 * warm_up_seconds,
        "floor": "five warm-ups (the training alone, no scoring)",
        "notes": (f"recall {cv['recall']:.3f}, precision {cv['precision']:.3f} (tp {cv['tp']}, "
                  f"fn {cv['fn']}, fp {cv['fp']}, tn {cv['tn']}); the model retrained per fold",),
    })
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
