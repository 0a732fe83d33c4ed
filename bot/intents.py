"""Free text in plain words understood on this server: rapidfuzz over the phrase lists in
texts.py. No message text leaves the server, none is logged, and none is kept.

A confident match is acted on; a near one is offered with "did you mean ...?" buttons; anything
else gets the menu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from . import texts

SURE = 85  # at or above: do it
UNSURE = 65  # at or above (and below SURE): ask "did you mean ...?"
MAX_OFFERS = 3

_PHRASES = [(phrase, intent) for intent, phrases in texts.INTENT_PHRASES.items()
            for phrase in phrases]
_APOSTROPHES = re.compile(r"[\u2019']")
_NOT_WORDS = re.compile(r"[^a-z0-9]+")


def normalised(text: str) -> str:
    """Lower case, "who's" as "whos", anything but letters and digits as one space."""
    text = _APOSTROPHES.sub("", text.lower())
    return _NOT_WORDS.sub(" ", text).strip()


_CHOICES = [normalised(phrase) for phrase, _ in _PHRASES]


def score(said: str, phrase: str, **_: object) -> float:
    """0-100. Word-set overlap finds a phrase inside a longer message ("when is my next meeting
    please"); word-order similarity keeps one shared word ("my", "it") from being a full match."""
    return (fuzz.token_set_ratio(said, phrase) + fuzz.token_sort_ratio(said, phrase)) / 2


@dataclass(frozen=True)
class Guess:
    intent: str | None  # the action to take, when sure
    offers: tuple[str, ...] = ()  # the actions to offer, when not
    good_news: bool = False  # the sure match was news about a goal ("I've got a job")


def guess(text: str) -> Guess:
    """What `text` asks for: one intent when sure, a few to offer when not, else nothing."""
    said = normalised(text)
    if not said:
        return Guess(None)
    ranked = process.extract(said, _CHOICES, scorer=score, limit=len(_CHOICES),
                             score_cutoff=UNSURE)
    best: dict[str, float] = {}
    best_phrase: dict[str, str] = {}
    for _choice, points, index in ranked:
        phrase, intent = _PHRASES[index]
        if points > best.get(intent, -1):
            best[intent], best_phrase[intent] = points, phrase
    if not best:
        return Guess(None)
    order = sorted(best, key=lambda intent: -best[intent])
    top = order[0]
    runner_up = best[order[1]] if len(order) > 1 else 0
    # Sure only when one action stands out: two close ones are asked about.
    if best[top] >= SURE and best[top] - runner_up >= 5:
        return Guess(top, good_news=best_phrase[top] in texts.GOAL_NEWS_PHRASES)
    return Guess(None, offers=tuple(order[:MAX_OFFERS]))
