"""STAND-IN for h1-risk's detector (same interface), so this branch runs until h1-risk lands.
Replaced wholesale by h1-risk's outcomes/rules/risk.py at merge."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RiskKind(StrEnum):
    SELF_HARM = "self_harm"
    NOWHERE_SAFE = "nowhere_safe"
    HARM_FROM_OTHERS = "harm_from_others"
    HARM_TO_OTHERS = "harm_to_others"
    UNCLEAR = "unclear"


KIND_LABELS = {
    RiskKind.SELF_HARM: "suicide or self-harm",
    RiskKind.NOWHERE_SAFE: "nowhere safe to sleep tonight",
    RiskKind.HARM_FROM_OTHERS: "harm or threats from others",
    RiskKind.HARM_TO_OTHERS: "wanting to harm someone else",
    RiskKind.UNCLEAR: "unclear: the message could not be checked",
}


@dataclass(frozen=True)
class RiskFinding:
    kinds: frozenset[RiskKind]
    matched: tuple[str, ...] = ()

    @property
    def at_risk(self) -> bool:
        return bool(self.kinds)

    @classmethod
    def unclear(cls) -> RiskFinding:
        return cls(kinds=frozenset({RiskKind.UNCLEAR}))


def assess(text: str) -> RiskFinding:
    words = (text or "").lower()
    kinds = set()
    if "die" in words or "kill myself" in words:
        kinds.add(RiskKind.SELF_HARM)
    return RiskFinding(kinds=frozenset(kinds))
