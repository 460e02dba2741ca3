"""Wording the bot must never use about itself: a therapist, a counsellor, therapy.

It is a self-help companion.  Calling it a therapist or what it does therapy
would mislead the people it talks to, and the law in several places forbids it
(Illinois and Nevada: an AI must not be presented as providing therapy).  Saying
what it is *not* ("I'm a bot, not a therapist") and pointing to real ones ("a
therapist, a crisis line") stay allowed: a claim is only a claim when it is not
negated.  One job: find such a claim in a text, in each language the bot speaks.
"""

from __future__ import annotations

import re

__all__ = ["therapy_claim"]

_ROLE_EN = r"(?:therap(?:ist|y)|counsell?or|counsell?ing|psycho(?:logist|therapist|therapy))"
_ROLE_ES = r"(?:terapeuta|terapia|psic[oó]log[oa]|consejer[oa]|psicoterapia)"
_ROLE_DE = r"(?:therapeut(?:in)?|therapie|psychotherapie|berater(?:in)?|psycholog(?:e|in))"
_ROLE_PT = r"(?:terapeuta|terapia|psic[oó]log[oa]|conselheir[oa]|psicoterapia)"

_CLAIMS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    # English: "I'm your therapist", "as an AI counsellor", "this therapy session",
    # "I offer therapy", "a therapy bot".
    rf"\b(?:i am|i'm|i’m|im|as)\s+(?:a|an|your|the)?\s*(?:[\w-]+\s)?{_ROLE_EN}\b",
    rf"\b(?:this|our|these|my)\s+(?:[\w-]+\s)?{_ROLE_EN}(?:\s+sessions?)?\b",
    rf"\b(?:offer|give|provide|do|practi[sc]e)\w*\s+(?:you\s+)?(?:[\w-]+\s)?{_ROLE_EN}\b",
    rf"\b{_ROLE_EN}[\s-]*(?:bot|chatbot|app|companion)\b",
    rf"\b(?:ai|bot)[\s-]+{_ROLE_EN}\b",
    # Spanish: "soy tu terapeuta", "esta terapia", "te ofrezco terapia".
    rf"\bsoy\s+(?:tu|un|una)?\s*(?:[\wáéíóú]+\s)?{_ROLE_ES}\b",
    rf"\b(?:esta|nuestra|estas|nuestras)\s+(?:sesi[oó]n(?:es)?\s+de\s+)?{_ROLE_ES}\b",
    rf"\b(?:ofrezco|doy|hago)\s+(?:\w+\s)?{_ROLE_ES}\b",
    # German: "ich bin deine Therapeutin", "diese Therapie", "ich biete Therapie an".
    rf"\bich\s+bin\s+(?:dein|deine|ein|eine)?\s*(?:[\wäöüß]+\s)?{_ROLE_DE}\b",
    rf"\b(?:diese|unsere|deine)\s+(?:[\wäöüß]+\s)?{_ROLE_DE}\b",
    rf"\b(?:biete|mache|gebe)\s+(?:dir\s+)?(?:eine\s+)?{_ROLE_DE}\b",
    # Portuguese: "sou seu terapeuta", "esta terapia", "ofereço terapia".
    rf"\bsou\s+(?:o\s+seu|a\s+sua|seu|sua|um|uma)?\s*(?:[\wáéíóúãõç]+\s)?{_ROLE_PT}\b",
    rf"\b(?:esta|nossa|estas|nossas)\s+(?:sess[aã]o\s+de\s+)?{_ROLE_PT}\b",
    rf"\b(?:ofere[cç]o|fa[cç]o|dou)\s+(?:\w+\s)?{_ROLE_PT}\b",
))

# A claim preceded closely, in the same sentence, by one of these is a denial
# ("no soy terapeuta", "I don't offer therapy", "não sou terapeuta").
_NEGATION = re.compile(
    r"(?:\b(?:not|no|never|don't|do not|cannot|can't|isn't|kein\w*|nicht|nie|"
    r"não|nao|nem|nunca|ni|tampoco)\b|n't\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;:]")
# How far back a denial reaches.
_NEGATION_REACH = 30


# Every claim names one of these; the few texts that do are searched in full (the
# dialogues are checked at every start, and most of their two thousand texts name none).
_ROLE_STEM = re.compile(r"therap|counsel|psycho|terapeut|terapia|berater|consejer|conselheir",
                        re.IGNORECASE)


def therapy_claim(text: str) -> str | None:
    """The words of ``text`` that present the bot as a therapist, counsellor or
    therapy, or ``None`` when there are none."""
    if _ROLE_STEM.search(text) is None:
        return None
    for claim in _CLAIMS:
        for found in claim.finditer(text):
            before = text[max(0, found.start() - _NEGATION_REACH):found.start()]
            if _NEGATION.search(_SENTENCE_END.split(before)[-1]):
                continue
            return found.group(0)
    return None
