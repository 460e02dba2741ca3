"""Phrase lexicons: high-precision crisis phrases for the languages without rule tables.

One job: find, in normalised text, the phrases of ``data/lexicon/<lang>.yaml`` that
mean "I am at risk now" (``crisis``) or something weaker (``concern``), unless a
harmless phrase overlaps them (``safe``: "muoio dal ridere"), a negator stands
just before them ("non voglio morire") or just after them, where the language puts
it there ("suicidal thoughts nahi hai", "死にたいとかはない": ``negators_after``).
A crisis phrase in a clause that speaks of the past (``past``: "dwa lata temu",
"geçen yıl", "2年前") is history, not now: it is a concern, unless the clause also
says the danger is here (``present``: "znowu", "yine", "また").  So is one followed,
later in the message, by words saying the urge passed (``passed``: "ale przeszło",
"e mi è passata"): the person coped, and one question is all that is owed.

Crisis phrases about a topic with lines of its own are listed under it
(``self_harm``, ``abuse``, ``eating_disorder``, ``overdose``), so those lines and
care come first; danger told about another person under ``someone_else``, so the
crisis conversation asks about them.  The rule tables of :mod:`bot.safety.rules`
cover English, Spanish, French, German and Portuguese in depth; these lists give
the other languages a first line of high-precision phrases, with the learned
model behind them for everything else.

Phrases are written in natural spelling and run through the same normaliser as
messages, so accents, case, apostrophes and repeated letters never matter.  A
``*`` at the end of a word lets any letters follow (``suicid*``).  In languages
written with spaces a phrase matches whole words; in Japanese (no spaces) it
matches anywhere, so its phrases are written specific enough for that.

Every language's phrases are tried on every message: no guess at the language
is needed, and a person who mixes two languages is still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.dialogue.loader import load_yaml_strict, yaml_problem
from bot.safety.normalise import WORD_CHARS, normalise

__all__ = ["DEFAULT_LEXICON_DIR", "Context", "Lexicon", "LexiconHit", "load_lexicons"]

DEFAULT_LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
# Scripts written without spaces between words: phrases match inside runs of text.
_UNSPACED = frozenset({"ja", "zh", "th"})
_NEGATION_WORDS = 3
_NEGATION_CHARS_UNSPACED = 4

Level = Literal["crisis", "concern"]


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """A phrase that matched and was neither cancelled nor negated."""

    level: Level
    lang: str
    someone_else: bool = False
    """Danger told about another person ("kendini öldüreceğini söyledi": he said he
    would kill himself): the crisis conversation asks about them, not the writer."""
    topic: str | None = None
    """What a crisis phrase is about, when it has lines of its own (``self_harm``,
    ``abuse``, ``eating_disorder``, ``overdose``)."""


def _normal_words(phrase: str) -> list[tuple[str, bool]]:
    """The phrase's words, normalised like messages, each with whether it is
    open-ended (written with a trailing ``*``)."""
    if "*" not in phrase:
        # normalised whole, as a message is: some rewrites read the next word
        return [(word, False) for word in normalise(phrase).split()]
    out: list[tuple[str, bool]] = []
    for word in phrase.split():
        open_ended = word.endswith("*")
        # a stem is not a word: the typo fixer would "correct" suicid* to suicide
        body = normalise(word.rstrip("*"), fix_typos=not open_ended)
        out.extend((piece, False) for piece in body.split()[:-1])
        if body.split():
            out.append((body.split()[-1], open_ended))
    return out


Kind = Literal["crisis", "concern", "someone_else", "safe",
               "self_harm", "abuse", "eating_disorder", "overdose"]
TOPIC_KINDS: tuple[Kind, ...] = ("self_harm", "abuse", "eating_disorder", "overdose")
"""Crisis phrases about a topic with lines of its own (self-harm, abuse, an eating
disorder, an overdose taken), so that its lines and care come first."""
_LISTS: tuple[Kind, ...] = ("crisis", "concern", "someone_else", *TOPIC_KINDS, "safe")
_CONTEXT_KEYS = ("negators_after", "past", "present", "passed")
_KEYS = frozenset({"lang", "negators", "transparent", *_CONTEXT_KEYS, *_LISTS})
_AFTER_WORDS = 1
_AFTER_CHARS_UNSPACED = 8
_TRANSPARENT_WORDS = 5


@dataclass(frozen=True, slots=True)
class Context:
    """A language's words that change what a phrase means where they stand beside it;
    see the module docstring.  Each is matched as whole words (anywhere, in an
    unspaced script), after the same normalisation as messages."""

    transparent: tuple[str, ...] = ()
    """Words that may stand between a negator and the phrase it negates ("non *sto
    pensando di* farla finita"), as the English rules' transparent words do."""
    negators_after: tuple[str, ...] = ()
    past: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _ContextPatterns:
    negators_after: re.Pattern[str] | None
    past: re.Pattern[str] | None
    present: re.Pattern[str] | None
    passed: re.Pattern[str] | None


def _any_of(words: tuple[str, ...], unspaced: bool) -> re.Pattern[str] | None:
    forms = sorted({normalise(w) for w in words if normalise(w)}, key=len, reverse=True)
    if not forms:
        return None
    body = "|".join(re.escape(f) for f in forms)
    if unspaced:
        return re.compile(body)
    return re.compile(f"(?<![{WORD_CHARS}])(?:{body})(?![{WORD_CHARS}])")


@dataclass(slots=True)
class _Phrase:
    kind: Kind
    lang: str
    source: str
    """The phrase's regular expression, compiled the first time a message could
    hold the phrase (:attr:`pattern`): most of the thousands of phrases are never
    tried in a process's life, and compiling all of them took a second at start."""
    second: str | None = None
    """The phrase's second word, when the pattern can match only where the next
    word of the text is that word (``second_open``: begins with it)."""
    second_open: bool = False
    _compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled


def _expression(words: list[tuple[str, bool]], unspaced: bool) -> str:
    joiner = r"\s*" if unspaced else r"\s+"
    body = joiner.join(re.escape(w) + (f"[{WORD_CHARS}]*" if open_ else "")
                       for w, open_ in words)
    return body if unspaced else body + f"(?![{WORD_CHARS}])"


class Lexicon:
    """Every language's phrases, indexed so that a message costs one dictionary
    look-up per word (per character pair in unspaced scripts), not one scan per
    phrase: most words start no phrase at all."""

    def __init__(self) -> None:
        self._first: dict[str, list[_Phrase]] = {}
        self._prefix: dict[str, list[_Phrase]] = {}
        self._stems_by_head: dict[str, list[str]] = {}
        """The stems of ``_prefix`` by their first two letters, shortest first: a
        word costs one look-up of its first two letters, and only the few stems
        that share them are compared with it."""
        self._pairs: dict[str, list[_Phrase]] = {}
        self._negators: dict[str, frozenset[str]] = {}
        self._transparent: dict[str, frozenset[str]] = {}
        self._context: dict[str, _ContextPatterns] = {}
        self.languages: list[str] = []

    def add(self, lang: str, phrases: dict[Kind, list[str]], negators: list[str],
            context: Context = Context()) -> None:
        """Index one language's phrases, negators and context words."""
        unspaced = lang in _UNSPACED
        self.languages.append(lang)
        self._negators[lang] = frozenset(normalise(n) for n in negators if normalise(n))
        self._transparent[lang] = frozenset(normalise(w) for w in context.transparent
                                            if normalise(w))
        self._context[lang] = _ContextPatterns(
            *(_any_of(getattr(context, key), unspaced) for key in _CONTEXT_KEYS))
        for kind, items in phrases.items():
            for phrase in items:
                words = _normal_words(phrase)
                if not words:
                    continue
                second = words[1] if len(words) > 1 and not unspaced else None
                if second is not None and not all(_WORD.fullmatch(w) for w, _ in words[:2]):
                    second = None
                entry = _Phrase(kind, lang, _expression(words, unspaced),
                                *(second or (None, False)))
                first, open_ = words[0]
                if unspaced:
                    self._pairs.setdefault(first[:2], []).append(entry)
                elif open_:
                    self._prefix.setdefault(first, []).append(entry)
                    if len(first) >= 2:  # a one-letter stem is never looked up
                        stems = self._stems_by_head.setdefault(first[:2], [])
                        if first not in stems:
                            stems.append(first)
                            stems.sort(key=len)
                else:
                    self._first.setdefault(first, []).append(entry)

    def _candidates(self, text: str) -> list[tuple[int, _Phrase]]:
        """Where each phrase might begin.  A phrase whose second word is not the
        text's next word (after nothing but spaces) cannot match there and is left
        out: most candidates start with "i" or "to", and each costs a regex."""
        found: list[tuple[int, _Phrase]] = []
        tokens = list(_WORD.finditer(text))
        for i, match in enumerate(tokens):
            word = match.group(0)
            exact = self._first.get(word, ())
            stems = self._stems_by_head.get(word[:2], ())
            if not exact and not stems:
                continue  # most words: two look-ups and on
            start = match.start()
            following = None
            if i + 1 < len(tokens) and _SPACES.fullmatch(text, match.end(), tokens[i + 1].start()):
                following = tokens[i + 1].group(0)
            for entry in exact:
                if _may_follow(entry, following):
                    found.append((start, entry))
            for stem in stems:
                if word.startswith(stem):
                    for entry in self._prefix[stem]:
                        if _may_follow(entry, following):
                            found.append((start, entry))
        if self._pairs and not text.isascii():
            for i in range(len(text) - 1):
                for entry in self._pairs.get(text[i:i + 2], ()):
                    found.append((i, entry))
        return found

    def hits(self, text: str) -> list[LexiconHit]:
        """The crisis and concern phrases in normalised ``text`` that stand: no
        harmless phrase overlaps them and no negator stands just before or after;
        a crisis phrase told as past, or as an urge that passed, counts as concern."""
        spans: list[tuple[int, int, _Phrase]] = []
        for start, entry in self._candidates(text):
            match = entry.pattern.match(text, start)
            if match is not None:
                spans.append((match.start(), match.end(), entry))
        safe = [(lo, hi) for lo, hi, e in spans if e.kind == "safe"]
        # Another person's danger covers the writer's words within it ("vuole
        # uccidersi" holds no wish of the writer's), as a third-party rule does.
        others = [(lo, hi) for lo, hi, e in spans if e.kind == "someone_else"]
        out: list[LexiconHit] = []
        for lo, hi, entry in spans:
            if entry.kind == "safe":
                continue
            if any(lo < s_hi and s_lo < hi for s_lo, s_hi in safe):
                continue
            if entry.kind != "someone_else" and any(
                    lo < o_hi and o_lo < hi for o_lo, o_hi in others):
                continue
            if self._negated(text, lo, entry.lang) or self._negated_after(text, hi, entry.lang):
                continue
            level: Level = "concern" if entry.kind == "concern" else "crisis"
            if level == "crisis" and entry.kind != "someone_else" and self._over(text, lo, hi,
                                                                                  entry.lang):
                level = "concern"
            out.append(LexiconHit(level, entry.lang,
                                  someone_else=entry.kind == "someone_else",
                                  topic=entry.kind if entry.kind in TOPIC_KINDS else None))
        return out

    def _negated(self, text: str, start: int, lang: str) -> bool:
        negators = self._negators.get(lang)
        if not negators:
            return False
        if lang in _UNSPACED:
            before = _CLAUSE_END.split(text[max(0, start - _NEGATION_CHARS_UNSPACED):start])[-1]
            return any(n in before for n in negators)
        clause = _CLAUSE_END.split(text[:start])[-1].split()
        transparent = self._transparent[lang]
        scope = len(clause)
        # "non sto pensando di ...": the negator's scope runs over transparent words
        while scope > 0 and len(clause) - scope < _TRANSPARENT_WORDS and \
                clause[scope - 1] in transparent:
            scope -= 1
        for words in (clause[-_NEGATION_WORDS:], clause[max(0, scope - 2):scope]):
            joined = " ".join(words)
            if any(w in negators for w in words) or any(
                    " " in n and n in joined for n in negators):
                return True
        return False

    def _negated_after(self, text: str, end: int, lang: str) -> bool:
        """Whether a negator follows the phrase closely, in its clause."""
        pattern = self._context[lang].negators_after
        if pattern is None:
            return False
        if lang in _UNSPACED:
            after = _CLAUSE_END.split(text[end:end + _AFTER_CHARS_UNSPACED])[0]
        else:
            clause = _CLAUSE_END.split(text[end:end + 80])[0]
            after = " ".join(clause.split()[:_AFTER_WORDS])
        return pattern.search(after) is not None

    def _over(self, text: str, start: int, end: int, lang: str) -> bool:
        """Whether the phrase is told as past (its clause says so and nothing in it
        says now) or as an urge that passed (said later in the message)."""
        patterns = self._context[lang]
        if patterns.passed is not None and patterns.passed.search(text, end):
            return True
        if patterns.past is None:
            return False
        before = _CLAUSE_END.split(text[max(0, start - 120):start])[-1]
        after = _CLAUSE_END.split(text[end:end + 120])[0]
        # the phrase itself is left out: "again" in "cut again" is the phrase's own
        clause = f"{before} {after}"
        return patterns.past.search(clause) is not None and not (
            patterns.present is not None and patterns.present.search(clause))


_WORD = re.compile(f"[{WORD_CHARS}]+")
_SPACES = re.compile(r"\s+")


def _may_follow(entry: _Phrase, following: str | None) -> bool:
    """Whether ``entry`` may match where ``following`` is the next word (``None``:
    unknown, so it may)."""
    if entry.second is None or following is None:
        return True
    if entry.second_open:
        return following.startswith(entry.second)
    return following == entry.second
# A negation does not reach across a clause: "if it doesn't work out, I'll end it".
_CLAUSE_END = re.compile(r"[.,!?;:\n،؟।、。]")


def _strings(raw: object, where: str, key: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise ValueError(f"{where}: '{key}' must be a list of non-empty strings")
    return [x.strip() for x in raw]


def _read(path: Path, lexicon: Lexicon) -> None:
    """Add one language's file to ``lexicon``; ``ValueError`` names the file."""
    where = str(path)
    try:
        raw = load_yaml_strict(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: {yaml_problem(exc)}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("lang"), str):
        raise ValueError(f"{where}: expected a mapping with 'lang' and phrase lists")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    phrases: dict[Kind, list[str]] = {kind: _strings(raw.get(kind), where, kind)
                                      for kind in _LISTS}
    context = Context(**{key: tuple(_strings(raw.get(key), where, key))
                         for key in ("transparent", *_CONTEXT_KEYS)})
    lexicon.add(raw["lang"], phrases, _strings(raw.get("negators"), where, "negators"), context)


def load_lexicons(directory: Path = DEFAULT_LEXICON_DIR) -> Lexicon:
    """Every language's lexicon in ``directory``, in one index."""
    lexicon = Lexicon()
    for path in sorted(directory.glob("*.yaml")):
        _read(path, lexicon)
    return lexicon
