"""The learned half of the risk detector (outcomes/rules/risk_model.py) and how `assess` combines
it with the rules. Figures on the sets are in test_risk_evaluation.py and EVALUATION.md; this file
checks the corpus, the model's mechanics and the combination."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from outcomes.rules import risk, risk_model
from outcomes.rules.risk import MODEL_THRESHOLD, RiskFinding, RiskKind, assess
from outcomes.rules.risk_model import CorpusError, RiskModel, read_corpus

HERE = Path(__file__).parent
NEAR_COPY = 80  # rapidfuzz ratio above which a training line counts as a copy of a test line


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


# --- the corpus --------------------------------------------------------------------------------

def test_corpus_is_large_and_covers_every_kind():
    rows = read_corpus()
    labels = Counter(row.label for row in rows)
    assert labels["risk"] >= 1500 and labels["none"] >= 1500, labels
    kinds = Counter(kind for row in rows for kind in row.kinds)
    assert all(kinds[kind] >= 400 for kind in risk_model.KINDS), kinds
    texts = [_normal(row.text) for row in rows]
    assert len(texts) == len(set(texts)), "a message is in the corpus twice"


def test_no_training_line_copies_a_line_of_the_evaluation_sets():
    """The sets measure generalisation only if the model never saw their messages: no training
    line may be within ratio 80 of any line of the evaluation and holdout sets or the list of
    ordinary traffic. Only the training line
    numbers are reported, so the holdout's text is never printed."""
    training = [_normal(row.text) for row in read_corpus()]
    for name in ("eval_set.jsonl", "holdout2_set.jsonl",
                 "everyday_traffic.txt"):
        path = HERE / name
        if not path.exists():
            continue
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tested = [_normal(line if name.endswith(".txt") else json.loads(line)["text"])
                  for line in lines]
        scores = process.cdist(training, tested, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
        too_close = [number + 1 for number, row in enumerate(scores) if row.max() > NEAR_COPY]
        assert too_close == [], f"risk_training.jsonl lines too close to {name}: {too_close}"


def test_a_bad_corpus_line_is_refused(tmp_path):
    good = {"text": "i want to die", "label": "risk", "kinds": ["self_harm"], "note": "x"}
    bad_lines = [
        "not json",
        json.dumps({**good, "label": "maybe"}),
        json.dumps({**good, "kinds": ["sadness"]}),
        json.dumps({**good, "kinds": []}),  # a risk line names its kind
        json.dumps({**good, "label": "none"}),  # an everyday line names none
        json.dumps({"text": "x", "label": "none", "kinds": []}),  # no note
        json.dumps({**good, "text": "  "}),
    ]
    for line in bad_lines:
        path = tmp_path / "corpus.jsonl"
        path.write_text(json.dumps(good) + "\n" + line + "\n", encoding="utf-8")
        with pytest.raises(CorpusError, match=r"corpus\.jsonl:2"):
            read_corpus(path)


# --- the model ---------------------------------------------------------------------------------

TINY = [("i want to die", "risk", ["self_harm"]), ("i wanna kill myself", "risk", ["self_harm"]),
        ("nowhere to sleep tonight", "risk", ["nowhere_safe"]),
        ("kicked out no bed tonight", "risk", ["nowhere_safe"]),
        ("he hits me", "risk", ["harm_from_others"]), ("my bf hit me", "risk", ["harm_from_others"]),
        ("im gonna stab him", "risk", ["harm_to_others"]),
        ("gonna hurt him bad", "risk", ["harm_to_others"]),
        ("when is my review", "none", []), ("thanks for the bus pass", "none", []),
        ("can i get the bursary", "none", []), ("my phone died", "none", [])]


def _tiny() -> RiskModel:
    return RiskModel.train([t for t, _, _ in TINY], [label for _, label, _ in TINY],
                           [k for _, _, k in TINY])


def test_training_is_deterministic():
    texts = ["i want to die tonight", "when is my review", "he hit me again"]
    first, second = _tiny(), _tiny()
    assert [first.predict(t) for t in texts] == [second.predict(t) for t in texts]


def test_the_fast_scoring_agrees_with_scikit_learn():
    model = risk.model()
    for text in ["bf hit me agen", "when is my review", "im sat outside all night no gaff",
                 "", "zzzz qqqq", "i want to die and my mum is gonna kill me"]:
        reading = risk.model_text(text) if text else text
        fast = model.predict(reading)
        assert [fast.risk, *fast.kinds.values()] == pytest.approx(model.predict_slowly(reading),
                                                                  abs=1e-5)


def test_training_lengths_must_agree():
    with pytest.raises(ValueError, match="same length"):
        RiskModel.train(["a", "b"], ["risk"], [["self_harm"], []])


def test_warm_up_trains_once_and_quickly():
    """First use trains from the corpus (measured in EVALUATION.md: about 1-3 s on the shared
    machine); later calls reuse the model. Generous here, as the CI machine is shared."""
    started = time.perf_counter()
    model = risk_model.train_from_corpus(risk.model_text)
    assert time.perf_counter() - started < 15
    assert model.size == len(read_corpus())
    risk.warm_up()
    assert risk.warm_up() < 0.05  # already trained: nothing to do
    assert risk.model() is risk.model()


# --- the combination in assess -----------------------------------------------------------------

# Written for this test, in words the corpus does not have (checked below): the rules miss them.
UNSEEN_RISK = [
    ("my fella battered me agen last nite", RiskKind.HARM_FROM_OTHERS),
    ("no where 2 kip 2nite, mates sofa fell thru", RiskKind.NOWHERE_SAFE),
    ("gonna shankk that lad wen i see him", RiskKind.HARM_TO_OTHERS),
]


@pytest.mark.parametrize(("text", "kind"), UNSEEN_RISK)
def test_the_model_finds_phrasings_no_rule_has(text, kind):
    assert _normal(text) not in {_normal(row.text) for row in read_corpus()}
    finding = assess(text)
    assert finding.at_risk, finding
    assert kind in finding.kinds, finding
    assert any(m.startswith("model:") for m in finding.matched), finding


def test_matched_shows_the_model_probability():
    finding = assess("he beets me up evry nite")
    entries = [m for m in finding.matched if m.startswith("model:")]
    assert len(entries) == 1
    assert float(entries[0].removeprefix("model:")) >= MODEL_THRESHOLD


@pytest.mark.parametrize("text", [
    "my boss is gonna kill me i overslept",
    "my carer is gonna kill me i forgot the bins 😂",
    "overdosed on chocolate over christmas lol",
    "years ago i was homeless but ive got my own place now",
    "the gp said to take 2 ibuprofen for my back",
])
def test_idiom_guards_hold_back_the_model_and_the_rules(text):
    assert assess(text) == risk.NO_RISK


def test_a_guard_vetoes_only_its_own_span():
    assert not assess("my boss is gonna kill me i overslept").at_risk
    finding = assess("my boss is gonna kill me i overslept and honestly i want to end it all")
    assert RiskKind.SELF_HARM in finding.kinds


def test_a_rule_kind_wins_over_the_model_kind():
    finding = assess("i want to die")
    assert finding.kinds == frozenset({RiskKind.SELF_HARM})


def test_the_model_alone_names_unclear_when_no_kind_is_likely(monkeypatch):
    unsure = risk_model.Prediction(risk=0.99, kinds=dict.fromkeys(risk_model.KINDS, 0.1))
    monkeypatch.setattr(risk.model(), "predict", lambda text: unsure)
    finding = assess("zzqx vlorp")
    assert finding.kinds == frozenset({RiskKind.UNCLEAR})
    assert finding.matched == ("model:0.99",)


def test_the_model_alone_names_its_likeliest_kind(monkeypatch):
    leaning = risk_model.Prediction(risk=0.9, kinds={"self_harm": 0.1, "nowhere_safe": 0.4,
                                                     "harm_from_others": 0.2,
                                                     "harm_to_others": 0.1})
    monkeypatch.setattr(risk.model(), "predict", lambda text: leaning)
    assert assess("zzqx vlorp").kinds == frozenset({RiskKind.NOWHERE_SAFE})


def test_a_model_error_is_a_risk_not_a_silence(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(risk.model(), "predict", broken)
    assert assess("when is my review") == RiskFinding.unclear()


def test_below_the_threshold_the_model_is_silent(monkeypatch):
    low = risk_model.Prediction(risk=MODEL_THRESHOLD - 0.01, kinds={})
    monkeypatch.setattr(risk.model(), "predict", lambda text: low)
    assert assess("zzqx vlorp") == risk.NO_RISK
