"""Is a young person at risk, from what they wrote? A pure, explainable rule engine (issue 12).

Safety before silence (shared/DESIGN.md rule 10): where recall and precision conflict, recall
wins - a false alarm costs a phone call, a miss can cost a life. The data (phrases, proximity
rules, the text-speak table, idiom guards) lives in ONE reviewed file, `risk_patterns.toml` beside
this module, where every entry says why it is there. This module only normalises and matches.

How a message is read:
1. Normalised: Unicode NFKC, lower case; "he'll" as "he will", apostrophes dropped; a few emoji
   as words; anything but letters and digits as one space; letters repeated 3+ times cut to two
   ("sooo" -> "soo") and, as a second reading, to one ("diiiie" -> "die"); text-speak and common
   misspellings from the table ("kms" -> "kill myself", "wanna" -> "want to"); then each longer
   word that is close to a key term (rapidfuzz ratio, same first letter, a per-term floor) is read
   as that term ("sucidal" -> "suicidal").
2. Every `pattern` (a regex) and `near` rule (some A term within N words of some B term) of the
   file is run on each reading. A match is dropped only when a `guard` that names that entry
   matches text overlapping it ("college is killing me"); a guard never vetoes another entry.

`assess` never raises: callers treat a failure as `RiskFinding.unclear()` anyway, and this module
catches its own errors and answers that, so a broken detector can only over-alert.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import tomllib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rapidfuzz import fuzz, process

from outcomes.rules.risk_model import RiskModel, train_from_corpus

DATA_FILE = Path(__file__).with_name("risk_patterns.toml")
MODEL_ENTRY = "model"  # `matched` names the learned model as "model:<probability>"


class RiskKind(StrEnum):
    SELF_HARM = "self_harm"  # suicide and self-harm
    NOWHERE_SAFE = "nowhere_safe"  # nowhere safe to sleep tonight / homeless tonight
    HARM_FROM_OTHERS = "harm_from_others"  # abuse, sexual harm, exploitation, county lines, threats
    HARM_TO_OTHERS = "harm_to_others"  # wanting to harm someone else
    UNCLEAR = "unclear"  # the detector failed, or only the model fired and named no kind


KIND_LABELS: dict[RiskKind, str] = {
    RiskKind.SELF_HARM: "Suicide or self-harm",
    RiskKind.NOWHERE_SAFE: "Nowhere safe to sleep",
    RiskKind.HARM_FROM_OTHERS: "Harm from others",
    RiskKind.HARM_TO_OTHERS: "Wants to harm someone",
    RiskKind.UNCLEAR: "Not sure (treated as a risk)",
}

DETECTED_KINDS = frozenset(RiskKind) - {RiskKind.UNCLEAR}


@dataclass(frozen=True)
class RiskFinding:
    kinds: frozenset[RiskKind]
    matched: tuple[str, ...]  # ids of the data-file entries that fired, never the words

    @property
    def at_risk(self) -> bool:
        return bool(self.kinds)

    @classmethod
    def unclear(cls) -> RiskFinding:
        """When in doubt, a risk: what callers use when the detector could not answer."""
        return cls(kinds=frozenset({RiskKind.UNCLEAR}), matched=())


NO_RISK = RiskFinding(kinds=frozenset(), matched=())


class RiskDataError(ValueError):
    """The data file is wrong: the detector refuses to load rather than run on half its rules."""


# --- loading and validating the data file ---------------------------------------------------

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_MACRO = re.compile(r"<<([A-Z_]+)>>")
_SECTIONS = {
    "settings": None,
    "macro": {"name", "regex", "why"},
    "textspeak": {"id", "words", "means", "why"},
    "correct": {"id", "word", "min_score", "why"},
    "pattern": {"id", "kind", "regex", "why"},
    "near": {"id", "kind", "a", "b", "within", "why"},
    "guard": {"id", "vetoes", "regex", "why"},
}
_SETTINGS = {"min_fuzzy_length"}


@dataclass(frozen=True)
class _Rule:
    id: str
    kind: RiskKind
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Guard:
    id: str
    vetoes: frozenset[str]
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Rules:
    """The data file, checked and compiled."""

    textspeak: dict[str, str]  # one normalised word -> its reading
    emoji: dict[str, str]  # a non-word character -> its reading
    corrections: dict[str, int]  # key term -> the least rapidfuzz ratio to read a word as it
    min_fuzzy_length: int
    rules: tuple[_Rule, ...]
    guards: tuple[_Guard, ...]

    def counts(self) -> dict[RiskKind, int]:
        """Entries (patterns and near rules) per kind: for the report and the README."""
        out = dict.fromkeys(sorted(DETECTED_KINDS), 0)
        for rule in self.rules:
            out[rule.kind] += 1
        return out


def _fail(where: str, problem: str) -> RiskDataError:
    return RiskDataError(f"{DATA_FILE.name}: {where}: {problem}")


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{key}' must be non-empty text")
    return value


def _words(entry: dict, key: str, where: str) -> list[str]:
    value = entry.get(key)
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise _fail(where, f"'{key}' must be a non-empty list of non-empty text")
    return value


def _compile(source: str, macros: dict[str, str], where: str, *,
             may_be_empty: bool = False) -> re.Pattern[str]:
    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise _fail(where, f"unknown macro <<{name}>>")
        return macros[name]

    expanded = _MACRO.sub(expand, source)
    try:
        regex = re.compile(expanded)
    except re.error as error:
        raise _fail(where, f"bad regex ({error})") from error
    if not may_be_empty and regex.search(""):
        raise _fail(where, "the regex matches empty text")
    return regex


def _alternation(terms: list[str], macros: dict[str, str], where: str) -> str:
    parts = []
    for term in terms:
        _compile(term, macros, where)  # each term on its own must be a good regex
        parts.append(_MACRO.sub(lambda m: macros.get(m.group(1), ""), term))
    return "(?:" + "|".join(parts) + ")"


def load_rules(data: dict) -> Rules:
    """Check and compile the parsed data file. Unknown sections or keys, an empty `why`, a bad
    regex, an unknown kind or macro, a duplicate id or a guard naming no entry: RiskDataError."""
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise _fail("top level", f"unknown section(s) {sorted(unknown)}")
    settings = data.get("settings", {})
    if not isinstance(settings, dict) or set(settings) - _SETTINGS:
        raise _fail("settings", f"only {sorted(_SETTINGS)} are known")
    min_fuzzy_length = settings.get("min_fuzzy_length", 5)
    if not isinstance(min_fuzzy_length, int) or min_fuzzy_length < 4:
        raise _fail("settings", "min_fuzzy_length must be a whole number of at least 4")

    entries: dict[str, list[dict]] = {}
    for section, keys in _SECTIONS.items():
        if keys is None:
            continue
        rows = data.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _fail(section, "must be a list of tables ([[...]])")
        for number, row in enumerate(rows, start=1):
            where = f"[[{section}]] #{number} ({row.get('id', row.get('name', '?'))})"
            extra, missing = set(row) - keys, keys - set(row)
            if extra:
                raise _fail(where, f"unknown key(s) {sorted(extra)}")
            if missing:
                raise _fail(where, f"missing key(s) {sorted(missing)}")
            _text(row, "why", where)
        entries[section] = rows

    macros: dict[str, str] = {}
    for row in entries["macro"]:
        name = _text(row, "name", "[[macro]]")
        if not re.fullmatch(r"[A-Z_]+", name) or name in macros:
            raise _fail(f"[[macro]] {name}", "name must be CAPITALS and unique")
        macros[name] = "(?:" + _MACRO.sub(lambda m: macros.get(m.group(1), ""),
                                          _text(row, "regex", name)) + ")"
        _compile(macros[name], {}, f"[[macro]] {name}", may_be_empty=True)

    seen: set[str] = set()

    def new_id(row: dict, section: str) -> str:
        ident = _text(row, "id", f"[[{section}]]")
        if not _ID.match(ident):
            raise _fail(f"[[{section}]] {ident}", "id must look like 'kind.short_name'")
        if ident in seen:
            raise _fail(f"[[{section}]] {ident}", "duplicate id")
        seen.add(ident)
        return ident

    def kind_of(row: dict, where: str) -> RiskKind:
        try:
            kind = RiskKind(row["kind"])
        except ValueError as error:
            raise _fail(where, f"unknown kind {row['kind']!r}") from error
        if kind not in DETECTED_KINDS:
            raise _fail(where, "'unclear' is for callers, not for entries")
        return kind

    textspeak: dict[str, str] = {}
    emoji: dict[str, str] = {}
    for row in entries["textspeak"]:
        ident = new_id(row, "textspeak")
        means = _text(row, "means", ident)
        for word in _words(row, "words", ident):
            if re.fullmatch(r"[a-z0-9]+", word):
                table = textspeak
            elif len(word) == 1 or all(not ch.isalnum() for ch in word):
                table = emoji
            else:
                raise _fail(ident, f"{word!r}: a word is lower-case letters and digits, "
                                   "an emoji is one symbol")
            if word in table:
                raise _fail(ident, f"{word!r} is already in the table")
            table[word] = means

    corrections: dict[str, int] = {}
    for row in entries["correct"]:
        ident = new_id(row, "correct")
        word = _text(row, "word", ident)
        score = row["min_score"]
        if not re.fullmatch(r"[a-z]+", word) or len(word) < min_fuzzy_length:
            raise _fail(ident, f"the word must be {min_fuzzy_length}+ lower-case letters")
        if not isinstance(score, int | float) or not 75 <= score <= 100:
            raise _fail(ident, "min_score must be between 75 and 100")
        corrections[word] = score

    rules: list[_Rule] = []
    for row in entries["pattern"]:
        ident = new_id(row, "pattern")
        rules.append(_Rule(ident, kind_of(row, ident), _compile(_text(row, "regex", ident),
                                                                macros, ident)))
    for row in entries["near"]:
        ident = new_id(row, "near")
        within = row["within"]
        if not isinstance(within, int) or not 0 <= within <= 15:
            raise _fail(ident, "within must be a whole number of words from 0 to 15")
        a = _alternation(_words(row, "a", ident), macros, ident)
        b = _alternation(_words(row, "b", ident), macros, ident)
        gap = rf"(?:\s+\S+){{0,{within}}}?\s+"
        source = rf"\b{a}\b{gap}{b}\b|\b{b}\b{gap}{a}\b"
        rules.append(_Rule(ident, kind_of(row, ident), _compile(source, {}, ident)))

    guards: list[_Guard] = []
    for row in entries["guard"]:
        ident = new_id(row, "guard")
        vetoes = frozenset(_words(row, "vetoes", ident))
        guards.append(_Guard(ident, vetoes, _compile(_text(row, "regex", ident), macros, ident)))
    rule_ids = {r.id for r in rules}
    for guard in guards:
        if guard.vetoes - rule_ids:
            raise _fail(guard.id, f"vetoes no such entry {sorted(guard.vetoes - rule_ids)}")
    if {r.kind for r in rules} != DETECTED_KINDS:
        raise _fail("top level", "every kind needs at least one entry")
    return Rules(textspeak=textspeak, emoji=emoji, corrections=corrections,
                 min_fuzzy_length=min_fuzzy_length, rules=tuple(rules), guards=tuple(guards))


def load_file(path: Path = DATA_FILE) -> Rules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RiskDataError(f"{path.name}: not valid TOML ({error})") from error
    return load_rules(data)


RULES = load_file()  # read once at import: a broken file fails loudly here, not per message


# --- normalising ---------------------------------------------------------------------------

_CONTRACTIONS = [  # before apostrophes go: "he'll" is "he will", not "hell"
    (re.compile(r"\b(can|won|ain)[\u2019'`]?t\b"), lambda m: {"can": "can not", "won": "will not",
                                                               "ain": "am not"}[m.group(1)]),
    (re.compile(r"n[\u2019'`]t\b"), lambda m: " not"),
    (re.compile(r"[\u2019'`]ll\b"), lambda m: " will"),
    (re.compile(r"[\u2019'`]re\b"), lambda m: " are"),
    (re.compile(r"[\u2019'`]ve\b"), lambda m: " have"),
    (re.compile(r"\bi[\u2019'`]m\b"), lambda m: "i am"),
    (re.compile(r"\bi[\u2019'`]d\b"), lambda m: "i would"),
]
_APOSTROPHES = re.compile(r"[\u2019\u2018'`\u00b4]")
_NOT_WORDS = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_LEET_SYMBOLS = {"@": "a", "$": "s"}
_SYMBOL_IN_WORD = re.compile(r"(?<=[a-z0-9])[@$]|[@$](?=[a-z])")  # "k!ll" no, "$uicide" yes
_HAS_LETTER = re.compile(r"[a-z]")
_EMOJI = (re.compile("|".join(map(re.escape, sorted(RULES.emoji, key=len, reverse=True))))
          if RULES.emoji else None)


@functools.lru_cache(maxsize=8192)
def _corrected(word: str) -> str:
    """A longer word read as the key term it is close to ("sucidal" -> "suicidal"), else itself.
    Same first letter, and a per-term floor: short words are never guessed at."""
    if len(word) < RULES.min_fuzzy_length or word in RULES.corrections:
        return word
    best = process.extractOne(word, RULES.corrections.keys(), scorer=fuzz.ratio)
    if best is None:
        return word
    term, score, _ = best
    if term[0] == word[0] and score >= RULES.corrections[term]:
        return term
    return word


_NUMBER_BEFORE = frozenset({"took", "taken", "take", "taking", "swallowed", "had", "have", "ate",
                            "necked", "got", "bought", "the", "for", "at", "only", "about", "like",
                            "maybe", "around", "over", "under", "than", "of", "and", "or", "by"})
_SPELT_OUT = frozenset({"kms", "kys", "ctb", "kill", "die", "dead", "suicide", "suicidal"})


def _joined_letters(words: list[str]) -> list[str]:
    """"k m s" -> "kms", "d i e" -> "die": a run of single letters that spells a key word."""
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 1 and words[j].isalpha():
            j += 1
        joined = "".join(words[i:j])
        if j - i >= 3 and (joined in _SPELT_OUT or joined in RULES.textspeak):
            out.append(joined)
            i = j
        else:
            out.append(words[i])
            i += 1
    return out


def _read_words(text: str) -> str:
    words = _joined_letters(text.split())
    out = []
    for n, word in enumerate(words):
        if word in ("2", "4") and 0 < n < len(words) - 1 and words[n - 1].isalpha() \
                and words[n + 1].isalpha() and words[n - 1] not in _NUMBER_BEFORE:
            out.append("to" if word == "2" else "for")  # "want 2 be", "nowhere 4 me"
            continue
        if word in RULES.textspeak:
            out.append(RULES.textspeak[word])
            continue
        if not word.isalpha() and _HAS_LETTER.search(word) and not word.isdigit():
            leet = word.translate(_LEET)  # "k1ll" -> "kill", "2nite" stays for the table
            word = RULES.textspeak.get(leet, leet) if leet.isalpha() else word
        out.append(_corrected(word))
    return " ".join(out)


def readings(text: str) -> tuple[str, ...]:
    """The normalised readings of `text` that the rules are matched against (one or two)."""
    text = unicodedata.normalize("NFKC", text).lower()
    for pattern, replace in _CONTRACTIONS:
        text = pattern.sub(replace, text)
    text = _APOSTROPHES.sub("", text)
    if _EMOJI is not None:
        text = _EMOJI.sub(lambda m: f" {RULES.emoji[m.group()]} ", text)
    text = _NOT_WORDS.sub(" ", _SYMBOL_IN_WORD.sub(lambda m: _LEET_SYMBOLS[m.group()], text))
    two = _REPEATS.sub(r"\1\1", text)
    one = _REPEATS.sub(r"\1", text)
    first = _read_words(two)
    if one == two:
        return (first,)
    second = _read_words(one)
    return (first,) if second == first else (first, second)


# --- matching ------------------------------------------------------------------------------

def _fired(reading: str) -> set[str]:
    fired: set[str] = set()
    guard_spans: dict[str, list[tuple[int, int]]] = {}
    for rule in RULES.rules:
        if rule.id in fired:
            continue
        for match in rule.regex.finditer(reading):
            start, end = match.span()
            vetoed = False
            for guard in RULES.guards:
                if rule.id not in guard.vetoes:
                    continue
                if guard.id not in guard_spans:
                    guard_spans[guard.id] = [m.span() for m in guard.regex.finditer(reading)]
                if any(s < end and start < e for s, e in guard_spans[guard.id]):
                    vetoed = True
                    break
            if not vetoed:
                fired.add(rule.id)
                break
    return fired


_KIND_OF = {rule.id: rule.kind for rule in RULES.rules}


# --- the learned model beside the rules (risk_model.py) --------------------------------------

MODEL_THRESHOLD = 0.65  # P(risk) at which the model alone raises an alert; chosen for recall on
#                         eval_set.jsonl (see tests/outcomes/safeguarding/EVALUATION.md)
MIN_LEFT_AFTER_GUARD = 3  # words an idiom must leave for the model to score what is left
# A message of a few words gives the model little to go on: its everyday replies ("not me", "i
# wont be there", "in bed") scored 0.6-0.99 on a list of ordinary bot traffic
# (tests/outcomes/safeguarding/everyday_traffic.txt) while almost no risk message of the eval set
# found by the model alone scored below 0.85 (chosen on eval with MODEL_THRESHOLD, EVALUATION.md).
# So up to SHORT_WORDS words the model needs SHORT_THRESHOLD; the rules still catch short
# explicit messages ("kms", "suicidal").
SHORT_WORDS = 5
SHORT_THRESHOLD = 0.85
KIND_THRESHOLD = 0.5  # P(kind | risk) at which the model names a kind
KIND_FALLBACK = 0.3  # else its likeliest kind if at least this; else UNCLEAR
_MODEL_GUARDS = RULES.guards  # every idiom guard holds the model back for its own span
_model_lock = threading.Lock()
_model: RiskModel | None = None


def model_text(text: str) -> str:
    """The reading the model is trained on and scores: the first normalised reading."""
    return readings(text)[0]


def warm_up() -> float:
    """Train the model from the corpus now (once per process), rather than on the first message
    a young person sends. Call it at bot and worker start. Returns the seconds it took."""
    global _model
    started = time.perf_counter()
    with _model_lock:
        if _model is None:
            _model = train_from_corpus(model_text)
    return time.perf_counter() - started


def model() -> RiskModel:
    if _model is None:
        warm_up()
    assert _model is not None
    return _model


def _model_finding(reading: str) -> tuple[float, frozenset[RiskKind]] | None:
    """(P(risk), kinds) when the model fires on `reading`, else None. Each idiom guard vetoes
    the model for its own span only: the text without the guards' spans is what is scored, so
    "my boss is gonna kill me i overslept" is held back and "... i overslept and i want to die"
    is not."""
    if not reading.strip():
        return None  # nothing to read (an emoji the table does not know, punctuation)
    kept = [True] * len(reading)
    for guard in _MODEL_GUARDS:  # every span found on the whole reading, then all cut at once
        for match in guard.regex.finditer(reading):
            kept[match.start():match.end()] = [False] * (match.end() - match.start())
    if not all(kept):
        reading = " ".join("".join(ch if keep else " " for ch, keep in zip(reading, kept,
                                                                           strict=True)).split())
        if len(reading.split()) < MIN_LEFT_AFTER_GUARD:
            return None  # "... and loving it" left by an idiom is not a message to score
    if not reading:
        return None
    prediction = model().predict(reading)
    needed = SHORT_THRESHOLD if len(reading.split()) <= SHORT_WORDS else MODEL_THRESHOLD
    if prediction.risk < needed:
        return None
    kinds = frozenset(RiskKind(k) for k, p in prediction.kinds.items() if p >= KIND_THRESHOLD)
    if not kinds and prediction.kinds:
        likeliest, p = max(prediction.kinds.items(), key=lambda item: item[1])
        if p >= KIND_FALLBACK:
            kinds = frozenset({RiskKind(likeliest)})
    return prediction.risk, kinds or frozenset({RiskKind.UNCLEAR})


def assess(text: str) -> RiskFinding:
    """The risks `text` shows: the rules' entries that fired and, when the learned model's
    probability reaches MODEL_THRESHOLD, "model:0.83". A rule's kind wins; the model names the
    kind only when no rule fired. Pure; never raises (an internal error answers
    `RiskFinding.unclear()`, which callers treat as a risk)."""
    try:
        if not isinstance(text, str):
            return RiskFinding.unclear()
        all_readings = readings(text)
        fired: set[str] = set()
        for reading in all_readings:
            fired |= _fired(reading)
        kinds = {_KIND_OF[i] for i in fired}
        matched = sorted(fired)
        by_model = _model_finding(all_readings[0])
        if by_model is not None:
            probability, model_kinds = by_model
            matched.append(f"{MODEL_ENTRY}:{probability:.2f}")
            if not kinds:
                kinds = set(model_kinds)
        if not kinds:
            return NO_RISK
        return RiskFinding(kinds=frozenset(kinds), matched=tuple(matched))
    except Exception:  # never drop a message: an error is a risk, not a silence
        return RiskFinding.unclear()
