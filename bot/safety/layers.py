"""The crisis detector as layers behind one seam: :class:`Detector`.

One job: combine the layers into one verdict for one message.

1. **normalise** (:mod:`bot.safety.normalise`): one canonical spelling.  A
   recovery milestone (:mod:`bot.safety.milestones`: "a year clean of self-harm
   today", with nothing saying the danger is back) is no risk, whatever the
   layers below read in it.
2. **rules** (:mod:`bot.safety.detector`): high-precision phrases, with negation,
   idiom, media and accident vetoes, in depth for English, Spanish, French,
   German and Portuguese; phrase lexicons (:mod:`bot.safety.lexicon`) for the
   other languages.  A rule's crisis stands.
3. **learned model** (:mod:`bot.safety.classifier`): the second opinion for
   wording no rule names, in every language of the corpus.  Its crisis
   threshold makes a crisis, its risk threshold a concern.
4. **context** (:mod:`bot.safety.context`): the earlier messages of the moment,
   read with this one by the model; raises a verdict, never lowers it.

``crisis`` where the evidence is strong; ``concern`` ("are you safe right now?")
where it is weaker: a concern costs the person one question, silence may cost far
more, so a layer that is unsure says concern.

The detector keeps no state between calls (the caller holds the context) and
never logs text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from bot.safety.classifier import Classifier, Scores
from bot.safety.detector import about_media, assess_normalised
from bot.safety.lexicon import Lexicon, LexiconHit, load_lexicons
from bot.safety.milestones import is_milestone
from bot.safety.normalise import Normalised, compile_squeezed, normalise, normalise_detail
from bot.types import (
    LANGUAGE_TAG,
    LEXICON_TAG,
    NO_RISK,
    THIRD_PARTY_REASON,
    Assessment,
    RiskLevel,
)

__all__ = ["Detector", "default_detector"]

# The rule reasons that name a topic other than suicide, most specific first: making
# oneself sick is self-harm too, but the eating-disorder lines are the ones for it.
_RULE_TOPICS = {
    "eating_distress": "eating_disorder",
    "self_harm": "self_harm",
    "danger_from_other": "abuse",
}
_RANK: dict[RiskLevel, int] = {"none": 0, "concern": 1, "crisis": 2}
MIN_LETTERS = 4
"""Below this many letters ("ok", "7", "I") the model is not asked."""


class Detector:
    """Rules, then the model, then context; see the module docstring."""

    def __init__(self, classifier: Classifier | None, lexicon: Lexicon | None = None) -> None:
        self.classifier = classifier
        self.lexicon = lexicon

    def __call__(self, text: str, context: Sequence[str] = ()) -> Assessment:
        return self.assess(text, context)

    def assess(self, text: str, context: Sequence[str] = ()) -> Assessment:
        """The verdict on ``text``, read after the earlier messages in ``context``."""
        norm = normalise_detail(text)
        if not norm.text:
            return NO_RISK
        ruled = self._rules(norm)
        model = self.classifier
        if model is None or not _has_letters(norm.text, MIN_LETTERS):
            # "ok", "7", "I": too little for a model to read; the rules have spoken
            if ruled.level == "none" or is_milestone(norm.text):
                return NO_RISK
            return Assessment(ruled.level, ruled.reasons, _topic(ruled, norm.text))
        scores = model.score(norm.text)
        level = ruled.level
        reasons = list(ruled.reasons)
        if ruled.level != "crisis":
            if scores.crisis >= model.thresholds.crisis:
                level = "crisis"
                reasons.append("model")
            elif scores.risk >= model.thresholds.concern and level == "none":
                level = "concern"
                reasons.append("model")
        about, about_scores = norm.text, scores
        if level != "crisis" and context:
            # Each earlier message was read on its own when it came; here only
            # the window as a whole is new.
            texts = [*(_normalised(c) for c in context), norm.text]
            window = model.score_window(texts)
            raised = self._from_context(window, scores)
            if _RANK[raised] > _RANK[level]:
                level = raised
                reasons.append("context")
                # What it is about is read where the risk is: "I took some of my
                # pills earlier" then "the whole bottle really" is an overdose.
                about, about_scores = " ".join(texts), window
        if level == "none" or is_milestone(norm.text):
            # A recovery milestone ("a year clean of self-harm today") is good news
            # in the words of risk.  Checked only once a layer saw risk: it reads
            # the whole text against many phrasings, too slow for every message.
            return NO_RISK
        return Assessment(level=level, reasons=tuple(dict.fromkeys(reasons)),
                          topic=_topic(ruled, about, about_scores))

    def _rules(self, norm: Normalised) -> Assessment:
        """The rule tables, then the phrase lexicons of the other languages."""
        ruled = assess_normalised(norm)
        if ruled.level == "crisis" or self.lexicon is None:
            return ruled
        hits = self.lexicon.hits(norm.text)
        if not hits or about_media(norm.text):
            return ruled
        level: RiskLevel = "crisis" if any(h.level == "crisis" for h in hits) else "concern"
        if _RANK[level] <= _RANK[ruled.level]:
            return ruled
        reasons = (*ruled.reasons, *dict.fromkeys(reason for h in hits for reason in _reasons(h)))
        topic = next((h.topic for h in hits if h.topic is not None), None)
        return Assessment(level=level, reasons=reasons, topic=topic)

    def _from_context(self, window: Scores, alone: Scores) -> RiskLevel:
        """The verdict the window earns.  A crisis needs this message to carry
        enough risk of its own to be asked about alone: evidence spread over
        several messages is weaker, and a harmless reply after a sad hour ("loads
        of people fail exams") must not bring crisis lines, only the question."""
        assert self.classifier is not None
        thresholds = self.classifier.thresholds
        if window.crisis >= thresholds.window_crisis and alone.risk >= thresholds.concern:
            return "crisis"
        if window.risk >= thresholds.window_concern:
            return "concern"
        return "none"


# Written in plain spelling and squeezed like the text they read, as the rules are:
# hand-squeezed spellings ("pils") had let unsqueezed ones in that never matched
# ("pastillas", "Tabletten", "swallowed", "took ... away").
_PILLS = (
    r"\b(?:pills?|tablets?|paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|overdosed?|od|ods"
    r"|sleeping pills|meds|medication|antidepressants?|insulin|bleach|poison|medicines?"
    r"|pastillas?|pildoras?|remedios?|comprimidos?|pilulas?|calmantes?|somniferos?|medicamentos?"
    r"|tabletten?|schlaftabletten?|medikamente?|pillen?|medicijnen|medicaments?|comprimes?"
    r"|cachets?|pillole|pillola|pastiglie|pastiglia|farmaci)\b")
# An act already taken with these is an overdose: the emergency number comes first.
_SWALLOWED = compile_squeezed(_PILLS)
# "I took some of the pills" read as crisis by the model alone: swallowed already,
# so the emergency number comes first too (a trial got the suicide questions).
# Up to six words between: "swallowed like half the bottle of tablets" has five.
# German and Dutch put the verb last ("alle Tabletten genommen").
_TOOK_PILLS = compile_squeezed(
    r"\b(?:took|taken|swallowed|downed|tome|tomei|engoli|avale|pris|preso|ingoiato)\b"
    r"(?:\s+\w+){0,6}?\s+" + _PILLS
    + r"|" + _PILLS + r"(?:\s+\w+){0,3}?\s+(?:genommen|geschluckt|ingenomen|geslikt)\b")
_TAKEN_AWAY = compile_squeezed(r"\b(?:took|taken)\b.*\baway\b")
def _reasons(hit: LexiconHit) -> tuple[str, ...]:
    """The reasons one phrase gives: another person's danger is asked about as
    theirs, as a third-party rule's is."""
    if hit.someone_else:
        return THIRD_PARTY_REASON, LANGUAGE_TAG + hit.lang
    return (LEXICON_TAG + hit.lang,)


def _topic(ruled: Assessment, text: str, scores: Scores | None = None) -> str:
    """What the disclosure is about: the rules' named signal first (an act taken
    with pills is an overdose), then the topic of the phrase list's entry, else
    the model's topic head, else suicide."""
    if "act_taken" in ruled.reasons and _SWALLOWED.search(text):
        return "overdose"
    for reason, topic in _RULE_TOPICS.items():
        if reason in ruled.reasons:
            return topic
    if ruled.topic is not None:
        return ruled.topic
    if scores is None or "ideation" in ruled.reasons:
        return "suicide"
    if _TOOK_PILLS.search(text) and not _TAKEN_AWAY.search(text):
        return "overdose"
    return scores.topic


def _has_letters(text: str, count: int) -> bool:
    """Whether ``text`` has at least ``count`` letters; stops counting there (a
    long message was counted letter by letter, a tenth of the rules' time)."""
    for char in text:
        if char.isalpha():
            count -= 1
            if count <= 0:
                return True
    return count <= 0


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """The normal form of an earlier message: the same few messages are read again
    with every new one, so their forms are kept (text only, in memory, bounded)."""
    return normalise(text)


@cache
def default_detector() -> Detector:
    """The detector with the shipped model, loaded once (read-only data, like the
    compiled rule tables)."""
    return Detector(Classifier.load(), load_lexicons())
