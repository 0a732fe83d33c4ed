"""The learned half of the risk detector (issue 12): a small text classifier beside the rules.

The rules in `risk_patterns.toml` are explainable but brittle: "bf hit me agen", "gonna stabb
him" or "its freezing and im sat in a doorway" need a rule each. This model generalises from a
reviewed corpus of messages (`risk_training.jsonl` beside this module, one JSON object a line:
{"text", "label": "risk" | "none", "kinds": [...], "note"}) instead.

- Features: TF-IDF of character n-grams (2-5, inside word boundaries: robust to misspellings and
  elongations) and of words and word pairs (1-2), over the text as the rules read it (the
  caller passes it normalised by `risk.readings`).
- One binary logistic regression (risk / none, classes balanced) and, over the risk messages
  only, one per kind (that kind / not), to name the kind when only the model fired.
- Deterministic: fixed `random_state`, a solver with no randomness in its result, the corpus read
  in file order. Trained from the corpus in about a second on first use (`train_from_corpus`);
  nothing is downloaded and no model file is kept, so the model can never drift from the corpus.

Pure: no Django, no ORM, no I/O but reading the corpus file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

CORPUS_FILE = Path(__file__).with_name("risk_training.jsonl")
# The corpus is every `risk_training*.jsonl` beside this module, in name order: the first file
# and the batches written after it (everyday replies and commands, further hand-written batches,
# a retired holdout set), each a reviewed file of its own.
CORPUS_FILES = tuple(sorted(Path(__file__).parent.glob("risk_training*.jsonl")))
KINDS = ("self_harm", "nowhere_safe", "harm_from_others", "harm_to_others")
RANDOM_STATE = 12  # the issue number: any fixed value makes training repeatable
C_RISK = 2.0  # regularisation, chosen on eval_set.jsonl with MODEL_THRESHOLD (1, 2, 4, 8, 30 tried)
C_KIND = 8.0  # per-kind models see only risk messages; sharper is better there


class CorpusError(ValueError):
    """A line of the training corpus is malformed: the model refuses to train on it."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # "risk" | "none"
    kinds: tuple[str, ...]


def read_corpus(path: Path | None = None) -> list[Example]:
    """The labelled messages at `path` (default: every corpus file), checked: a bad line raises
    CorpusError."""
    if path is None:
        return [row for each in CORPUS_FILES for row in read_corpus(each)]
    rows: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{where}: not JSON ({error})") from error
        if set(row) != {"text", "label", "kinds", "note"}:
            raise CorpusError(f"{where}: fields must be text, label, kinds, note")
        text, label, kinds = row["text"], row["label"], row["kinds"]
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{where}: empty text")
        if label not in ("risk", "none"):
            raise CorpusError(f"{where}: label must be risk or none")
        if not isinstance(kinds, list) or not set(kinds) <= set(KINDS):
            raise CorpusError(f"{where}: unknown kind in {kinds!r}")
        if bool(kinds) != (label == "risk"):
            raise CorpusError(f"{where}: a risk line names its kinds, an everyday line none")
        rows.append(Example(text=text, label=label, kinds=tuple(kinds)))
    return rows


def _features() -> FeatureUnion:
    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  min_df=2, lowercase=False, dtype=np.float32)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"\S+",  # noqa: S106 - a regex, not a password
                                  lowercase=False, dtype=np.float32)),
    ])


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", solver="newton-cg",
                              max_iter=1000, random_state=RANDOM_STATE)


@dataclass(frozen=True)
class Prediction:
    risk: float  # probability that the message is a risk
    kinds: dict[str, float]  # per kind, the probability of that kind given a risk


class RiskModel:
    """Trained once; `predict` is then pure and thread-safe (it only reads the fitted model)."""

    def __init__(self, features: FeatureUnion, risk: LogisticRegression,
                 kinds: dict[str, LogisticRegression], size: int):
        self._features = features
        self._risk = risk
        self._kinds = kinds
        self.size = size  # messages it was trained on
        # All the models as one weight matrix, so a message is scored in one sparse product
        # (the same numbers as each model's predict_proba: a binary logistic regression's
        # probability is the logistic function of its decision value).
        models = [risk, *kinds.values()]
        self._names = ("risk", *kinds)
        self._weights = np.vstack([m.coef_[0] for m in models]).T.astype(np.float64)
        self._bias = np.array([m.intercept_[0] for m in models], dtype=np.float64)
        # For one message, the TF-IDF by hand from each vectoriser's own analyser, vocabulary and
        # idf: the same vector as `transform` (sublinear tf, idf, l2 per vectoriser), without its
        # per-call overhead (a tenth of the time). A test checks they agree.
        self._parts = []
        offset = 0
        for _, vectoriser in features.transformer_list:
            self._parts.append((vectoriser.build_analyzer(), vectoriser.vocabulary_,
                                vectoriser.idf_.astype(np.float64), offset))
            offset += len(vectoriser.vocabulary_)

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str],
              kinds: Sequence[Iterable[str]]) -> RiskModel:
        """Fit on normalised `texts` with their labels ("risk"/"none") and kinds."""
        if len(texts) != len(labels) or len(texts) != len(kinds):
            raise ValueError("texts, labels and kinds must be the same length")
        features = _features()
        matrix = features.fit_transform(texts)
        risk = _classifier(C_RISK).fit(matrix, [label == "risk" for label in labels])
        at_risk = [i for i, label in enumerate(labels) if label == "risk"]
        kind_sets = [set(k) for k in kinds]
        per_kind = {}
        for kind in KINDS:
            target = [kind in kind_sets[i] for i in at_risk]
            if any(target) and not all(target):
                per_kind[kind] = _classifier(C_KIND).fit(matrix[at_risk], target)
        return cls(features, risk, per_kind, size=len(texts))

    def predict(self, text: str) -> Prediction:
        """For one normalised text: P(risk) and, per kind, P(kind | risk)."""
        decision = self._bias.copy()
        for analyse, vocabulary, idf, offset in self._parts:
            counts = Counter(i for token in analyse(text)
                             if (i := vocabulary.get(token)) is not None)
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64,
                                               count=len(counts)))) * idf[columns]
            values /= np.sqrt(values @ values)
            decision += values @ self._weights[columns + offset]
        scores = 1.0 / (1.0 + np.exp(-decision))
        named = dict(zip(self._names, (float(x) for x in scores), strict=True))
        return Prediction(risk=named.pop("risk"), kinds=named)

    def predict_slowly(self, text: str) -> list[float]:
        """[P(risk), P(kind)...] through scikit-learn's own transform and predict_proba: what
        `predict` must agree with (a test compares them)."""
        row = self._features.transform([text])
        return [float(m.predict_proba(row)[0, 1]) for m in (self._risk, *self._kinds.values())]

    def predict_many(self, texts: Sequence[str]) -> list[float]:
        """P(risk) for many normalised texts at once (cross-validation, the bench)."""
        return [float(p) for p in self._risk.predict_proba(self._features.transform(texts))[:, 1]]


def train_from_corpus(normalise: Callable[[str], str],
                      path: Path | None = None) -> RiskModel:
    """The model trained on the reviewed corpus, each text read by `normalise` first."""
    rows = read_corpus(path)
    return RiskModel.train([normalise(r.text) for r in rows], [r.label for r in rows],
                           [r.kinds for r in rows])
