"""The risk detector's rules (outcomes/rules/risk.py, data in risk_patterns.toml), case by case."""

from __future__ import annotations

import copy
import json
import re
import statistics
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.rules import risk
from outcomes.rules.risk import (
    DATA_FILE,
    KIND_LABELS,
    RULES,
    RiskDataError,
    RiskFinding,
    RiskKind,
    assess,
    load_rules,
    readings,
)

S, N, F, T = (RiskKind.SELF_HARM, RiskKind.NOWHERE_SAFE, RiskKind.HARM_FROM_OTHERS,
              RiskKind.HARM_TO_OTHERS)

# The and the brief's own examples, and more in the same spirit, with the kind expected.
RISK = [
    # suicide and self-harm
    ("I want to die", S), ("i dont want to be here anymore", S), ("kms", S), ("unalive myself", S),
    ("i just want to end it all", S), ("better off dead", S), ("i might just kys", S),
    ("ctb tonight", S), ("sewerslide", S), ("sucidal", S), ("wnt to die", S),
    ("kil myself", S), ("i wanna diiiie", S), ("sooo done with everything", S),
    ("i've got pills and i'm going to take them all", S),
    ("i want to go to sleep and never wake up", S), ("cutting again", S), ("relapsed", S),
    ("burning myself", S), ("took a load of paracetamol", S), ("jump off the bridge", S),
    ("can't go on", S), ("no point anymore", S), ("wanna disappear forever", S),
    ("everyone would be better without me", S), ("wrote my goodbye letter", S),
    ("I DONT WANT TO LIVE", S), ("i want to die 😭😭", S), ("k m s", S),
    ("i dnt want 2 be alive", S), ("im going to kill my self", S),
    ("i want to disappear tonight", S),  # an idiom exception ("disappear to ...") is a whole word
    ("i keep cutting and i can't stop", S),  # ... and "a" does not swallow "and"
    # nowhere safe tonight
    ("I got kicked out and have nowhere to sleep tonight", N), ("sofa surfing", N),
    ("nowhere to kip", N), ("kicked out", N), ("on the streets tonight", N),
    ("sleeping in a stairwell", N), ("need somewhere to stay tonight", N), ("im homless", N),
    # harm from others
    ("my boyfriend hit me again", F), ("got grassed", F),
    ("owe them money and they said they'll hurt me", F), ("they make me carry stuff", F),
    ("county lines", F), ("cuckooed", F), ("he makes me sleep with his mates", F),
    ("he shared my nudes", F), ("my step dad touches me", F), ("my stepdad touches me", F),
    ("he said he'll kill me if i tell", F), ("they keep telling me to kys", F),
    # harm to others
    ("I'll stab him", T), ("gonna batter him", T), ("I'll shank him", T),
    ("i want to hurt someone", T), ("im gonna run him over", T),
]

# Everyday messages: the and the brief's idioms first.
EVERYDAY = [
    "dying to see the flat", "college is killing me", "I could murder a pizza", "my phone died",
    "this song slaps, I'm dead", "kill time", "killing it at work", "the battery is dead",
    "she'll kill me if I'm late", "I'm homeless-looking in these clothes",
    "hit me up later", "he beat me at fifa", "kicked out of class for talking",
    "locked out of my account", "i want to dye my hair", "killing myself laughing", "kmsl",
    "what's the point of revising", "i cut my finger chopping onions", "suicide squad was mid",
    "i'm going to end it with my boyfriend", "hopeless at maths", "when is my next meeting",
    "my rent is overdue", "i'm looking for somewhere to live next year",
    "i need to take my tablets tonight", "my mum is going to kill me lol",
    "i'm going to smash this exam", "that's so cringe i want to die", "",
]


@pytest.mark.parametrize(("text", "kind"), RISK)
def test_risk_is_found_with_its_kind(text, kind):
    finding = assess(text)
    assert finding.at_risk, text
    assert kind in finding.kinds, (text, finding)
    assert RiskKind.UNCLEAR not in finding.kinds
    assert all(entry.split(".")[0] in {k.value for k in RiskKind} or entry.startswith("model:")
               for entry in finding.matched)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_idiom_is_not_a_risk(text):
    finding = assess(text)
    assert not finding.at_risk, (text, finding)
    assert finding.matched == ()


@pytest.mark.parametrize(("text", "kind"), [
    ("college is killing me and i want to die", S),
    ("my mum will kill me if i'm late but he said he'll kill me if i tell", F),
    ("dying to see the flat but tonight i've got nowhere to sleep", N),
    ("killing myself laughing lol. but really i want to kill myself", S),
    ("hit me up later. he hit me again last night", F),
])
def test_an_idiom_guard_never_hides_another_signal(text, kind):
    assert kind in assess(text).kinds


def test_matched_names_entries_never_words():
    finding = assess("i want to die")
    assert finding.matched[0] == "self_harm.want_to_die"
    ids = {rule.id for rule in RULES.rules}
    matched = assess("he hit me and i want to stab him, nowhere to sleep").matched
    assert {m for m in matched if not m.startswith("model:")} <= ids
    assert all(re.fullmatch(r"model:[01]\.\d\d", m) for m in matched if m.startswith("model:"))


@pytest.mark.parametrize(("text", "reading"), [
    ("I'M SOOO DONE", "i am soo done"),
    ("he'll kill me", "he will kill me"),
    ("she\u2019ll be late", "she will be late"),  # a curly apostrophe
    ("dont wanna", "do not want to"),
    ("i can't", "i can not"),
    ("Nooooo!!!", "noo"),
    ("sucidal", "suicidal"),
    ("k1ll myslef", "kill myself"),
    ("want 2 be", "want to be"),
    ("took 2 pills", "took 2 pills"),
])
def test_normalisation(text, reading):
    assert reading in readings(text)


def test_elongated_letters_are_read_both_ways():
    assert readings("diiiie") == ("diie", "die")
    assert readings("kiiiill myself")[-1] == "kill myself"


def test_short_words_are_never_guessed_at():
    # "kill" and "will" are one letter apart: short words are not fuzzy-matched.
    assert readings("i will") == ("i will",)
    assert readings("overdue rent") == ("overdue rent",)
    assert readings("hopeless") == ("hopeless",)


def test_unclear_and_labels():
    unclear = RiskFinding.unclear()
    assert unclear.at_risk and unclear.kinds == {RiskKind.UNCLEAR} and unclear.matched == ()
    assert set(KIND_LABELS) == set(RiskKind)
    assert KIND_LABELS[RiskKind.UNCLEAR] == "Not sure (treated as a risk)"
    assert not assess("hello").at_risk


def _fullwidth(text: str) -> str:
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


def _script(text: str) -> str:  # MATHEMATICAL BOLD SCRIPT letters, as some keyboards offer
    return "".join(chr(0x1D4EA + ord(c) - ord("a")) if c.isalpha() else c for c in text)


ODD = ["", " ", "\x00", "\x00kms\x00", "🙂" * 500, "مرحبا أريد أن أموت", "\u202eeid ot tnaw i",
       "a" * 10_000, "kill " * 2_000, "i want to die " * 700, "'" * 1000, "\ud800", "\n\t\r",
       _script("i want to die"), _fullwidth("I want to die"), "\u24d8 \u24e6", "$$$ @@@ 1111 2 2 2 4 4"]


@pytest.mark.parametrize("text", ODD)
def test_never_raises_on_odd_input(text):
    finding = assess(text)
    assert isinstance(finding, RiskFinding)


def test_fancy_unicode_letters_are_read_as_letters():
    assert assess(_script("i want to die")).at_risk  # NFKC folds the maths letters
    assert assess(_fullwidth("I want to die")).at_risk


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(text):
    finding = assess(text)
    assert isinstance(finding, RiskFinding)
    assert RiskKind.UNCLEAR not in finding.kinds  # a real answer, not the error fallback


def test_not_a_string_is_unclear_not_an_error():
    assert assess(None) == RiskFinding.unclear()  # type: ignore[arg-type]


def test_an_internal_error_answers_unclear(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(risk, "readings", broken)
    assert assess("anything") == RiskFinding.unclear()


def test_fast_enough():
    rows = [json.loads(line)["text"] for line in
            (Path(__file__).parent / "dev_set.jsonl").read_text(encoding="utf-8").splitlines()]
    risk._corrected.cache_clear()
    times = []
    for text in rows:
        started = time.perf_counter()
        assess(text)
        times.append(time.perf_counter() - started)
    # Typical well under a millisecond (issue 12); generous, as the CI machine is shared.
    assert statistics.median(times) < 0.001, statistics.median(times)


# --- the data file -------------------------------------------------------------------------

def _data() -> dict:
    return tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_every_entry_gives_its_reason():
    data = _data()
    for section in ("macro", "textspeak", "correct", "pattern", "near", "guard"):
        for entry in data[section]:
            assert len(entry["why"].strip()) >= 15, entry


def test_every_kind_has_entries():
    counts = RULES.counts()
    assert set(counts) == set(RiskKind) - {RiskKind.UNCLEAR}
    assert all(n >= 3 for n in counts.values()), counts


def test_every_rule_and_guard_is_exercised_by_the_development_set():
    """A rule that never fires, or a guard that never vetoes, on our own set is untested."""
    texts = [json.loads(line)["text"] for line in
             (Path(__file__).parent / "dev_set.jsonl").read_text(encoding="utf-8").splitlines()]
    fired = {entry for text in texts for entry in assess(text).matched}
    unused = {rule.id for rule in RULES.rules} - fired
    assert not unused, unused
    guarded = set()
    for text in texts:
        for reading in readings(text):
            for guard in RULES.guards:
                if guard.regex.search(reading):
                    guarded.add(guard.id)
    assert not {g.id for g in RULES.guards} - guarded


def _broken(change) -> dict:
    data = copy.deepcopy(_data())
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["pattern"][0].update(colour="red"), "unknown key"),
    (lambda d: d["pattern"][0].update(why="   "), "'why' must be non-empty"),
    (lambda d: d["pattern"][0].pop("why"), "missing key"),
    (lambda d: d["pattern"][0].update(regex="(unclosed"), "bad regex"),
    (lambda d: d["pattern"][0].update(regex="a|"), "matches empty text"),
    (lambda d: d["pattern"][0].update(regex="<<NOPE>>"), "unknown macro"),
    (lambda d: d["pattern"][0].update(kind="sadness"), "unknown kind"),
    (lambda d: d["pattern"][0].update(kind="unclear"), "for callers"),
    (lambda d: d["pattern"][1].update(id=d["pattern"][0]["id"]), "duplicate id"),
    (lambda d: d["guard"][0].update(vetoes=["self_harm.nothing_like_this"]), "vetoes no such"),
    (lambda d: d["near"][0].update(within=99), "within"),
    (lambda d: d["near"][0].update(a=[]), "non-empty list"),
    (lambda d: d["correct"][0].update(word="kil"), "lower-case letters"),
    (lambda d: d["correct"][0].update(min_score=40), "min_score"),
    (lambda d: d["textspeak"][0].update(words=["Two Words"]), "a word is"),
    (lambda d: d.update(extras=[]), "unknown section"),
    (lambda d: d["settings"].update(min_fuzzy_length=2), "min_fuzzy_length"),
    (lambda d: d.update(pattern=[p for p in d["pattern"]
                                 if p["kind"] != "harm_to_others"],
                        near=[n for n in d["near"] if n["kind"] != "harm_to_others"],
                        guard=[g for g in d["guard"]
                               if not any(v.startswith("harm_to_others") for v in g["vetoes"])]),
     "every kind"),
])
def test_a_bad_data_file_fails_loudly(change, message):
    with pytest.raises(RiskDataError, match=message):
        load_rules(_broken(change))


def test_the_real_data_file_loads():
    assert load_rules(_data()).counts() == RULES.counts()


def test_a_file_that_is_not_toml_fails_loudly(tmp_path):
    bad = tmp_path / "risk_patterns.toml"
    bad.write_text("[[pattern]\nid = ", encoding="utf-8")
    with pytest.raises(RiskDataError, match="not valid TOML"):
        risk.load_file(bad)
