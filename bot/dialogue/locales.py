"""The dialogues in other languages: English structure, translated texts.

One job: read a locale folder (``dialogues/locales/<code>/``) and lay its texts
over the English dialogues, giving a :class:`~bot.dialogue.loader.DialogueSet`
for that language that is validated like the English one.

Why one tree with per-locale texts, not a tree per locale: the steps, their
order, the branches and what is saved are the care the dialogues give, and
they must not drift apart between languages.  A translated file is a copy of
the English file with its texts translated; only the texts are read from it
(``title``, ``description``, every ``say``, ``invalid``, ``stuck``, ``empty``,
button ``label``, ``private_button``, the ``system`` lines), and ``also``
(what people type instead of pressing a button) and ``contains_word`` (what a
branch listens for) are replaced by the locale's own words.  Everything else
comes from English, so a change of structure in English reaches every language
at once, and a translation can only lag in
words, which :class:`Coverage` counts.

A text the locale does not give is said in English only where the locale says
so: a whole file listed under ``english_files`` in ``locale.yaml``.  Anywhere
else it is a problem that ``compassion-bot dialogues check`` names (file,
dialogue, step), as are a translated line with fewer wordings than the English
one, a placeholder the English line does not fill, and a step or button the
English file no longer has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.dialogue.spec import PLACEHOLDER
from bot.text import answer_key, primary_language

__all__ = [
    "ENGLISH",
    "HELP_MEANING",
    "HUMAN_MEANING",
    "LOCALES_DIR",
    "LOCALE_FILE",
    "SKIP_MEANING",
    "STOP_MEANING",
    "UNSURE_MEANING",
    "Coverage",
    "LocaleInfo",
    "LocaleWords",
    "control_words",
    "locale_folders",
    "merge_texts",
    "pick_locale",
    "plain_key",
    "read_locale_info",
]

LOCALES_DIR = "locales"
"""Beside the English dialogues: one folder per language code."""
LOCALE_FILE = "locale.yaml"

# The keys whose values are what a person reads.
_TEXT_KEYS = frozenset(
    {"title", "description", "say", "invalid", "stuck", "empty", "header", "label",
     "private_button"}
)
# Words people type, given by each locale for itself: a button's synonyms, and the
# words a branch listens for ("fracaso", "Versager" for "failure").
_OWN_WORDS = frozenset({"also", "contains_word"})
_LINES = "lines"  # the system dialogue's lines: name -> wordings


Word = Annotated[str, Field(min_length=1)]


class LocaleWords(BaseModel):
    """Whole answers the bot understands in this language, beside English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skip: tuple[Word, ...] = ()
    stop: tuple[Word, ...] = ()
    goodbye: tuple[Word, ...] = ()
    """Leaving ("hasta luego", "tschüss"): a stop, except inside the crisis and
    concern conversations, where it is listened to as an answer."""
    unsure: tuple[Word, ...] = ()
    help: tuple[Word, ...] = ()
    yes: tuple[Word, ...] = ()
    no: tuple[Word, ...] = ()
    greetings: tuple[Word, ...] = ()
    human: tuple[Word, ...] = ()
    """Asking whether a person is writing ("¿eres una persona real?"): answered,
    anywhere, with the reminder that this is a bot."""


class LocaleInfo(BaseModel):
    """``locale.yaml``: what the language is called and the words it is typed in."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[a-z]+)?$")]
    name: Annotated[str, Field(min_length=1)]
    """The language's own name, as ``/language`` shows it."""
    address: str = Field("", alias="register")
    """How the bot addresses the person ("tú", "du", "você")."""
    words: LocaleWords = LocaleWords()
    numbers: dict[Word, Annotated[int, Field(ge=0, le=100)]] = Field(default_factory=dict)
    """Numbers in words ("siete": 7) for scales."""
    filler: tuple[Word, ...] = ()
    """Words around an answer that matching a button ignores ("about", "please")."""
    common: tuple[Word, ...] = ()
    """Frequent words of the language ("que", "und"), to recognise a first message
    written in it when the platform does not say which language the person uses."""
    english_files: tuple[Word, ...] = ()
    """Dialogue files said in English in this language, on purpose."""


@dataclass(slots=True)
class Coverage:
    """How much of one language is translated: lines (a text and its wordings)."""

    lines: int = 0
    translated: int = 0
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    """``(file, step, field)`` said in English, where the locale allows it."""

    @property
    def share(self) -> float:
        return self.translated / self.lines if self.lines else 1.0


@dataclass(slots=True)
class _Merge:
    """What laying one file's texts over English found."""

    file: str
    english_allowed: bool
    coverage: Coverage
    problems: list[tuple[str, str]] = field(default_factory=list)  # (step, message)

    def text(self, english: Any, local: Any, where: tuple[str | int, ...]) -> Any:
        """The locale's text for one English text (a string or its wordings)."""
        self.coverage.lines += 1
        step, name = _step_of(where), _field_of(where)
        if local is None:
            if self.english_allowed:
                self.coverage.missing.append((self.file, step, name))
            else:
                self.problems.append((step, f"{name}: no translation"))
            return english
        wanted = [english] if isinstance(english, str) else list(english)
        given = [local] if isinstance(local, str) else local
        if not isinstance(given, list) or not all(isinstance(t, str) and t.strip()
                                                  for t in given):
            self.problems.append((step, f"{name}: must be text, or a list of wordings"))
            return english
        if len(given) < len(wanted):
            self.problems.append(
                (step, f"{name}: {len(given)} wording(s), English has {len(wanted)}"))
        known = {m.group(1) for text in wanted for m in PLACEHOLDER.finditer(text)}
        for text in given:
            unknown = {m.group(1) for m in PLACEHOLDER.finditer(text)} - known
            if unknown:
                self.problems.append(
                    (step, f"{name}: {{{', '.join(sorted(unknown))}}} is not in the English line"))
        self.coverage.translated += 1
        return given[0] if isinstance(english, str) and len(given) == 1 else given


def _step_of(where: tuple[str | int, ...]) -> str:
    return str(where[1]) if len(where) > 1 and where[0] == "steps" else ""


def _field_of(where: tuple[str | int, ...]) -> str:
    start = 2 if _step_of(where) else 0
    return ".".join(str(p) for p in where[start:]) or "(file)"


def merge_texts(
    english: Mapping[str, Any], local: Mapping[str, Any], *, file: str,
    english_allowed: bool = False, coverage: Coverage | None = None,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """English ``english`` (one parsed dialogue file) with the texts of ``local``
    laid over it, and the problems found as ``(step, message)``."""
    merge = _Merge(file, english_allowed, coverage if coverage is not None else Coverage())
    merged = _merge(merge, english, local, ())
    steps, local_steps = english.get("steps"), local.get("steps")
    if isinstance(steps, Mapping) and isinstance(local_steps, Mapping):
        for stale in sorted(set(local_steps) - set(steps), key=str):
            merge.problems.append((str(stale), "no such step in the English file"))
    return merged, merge.problems


def _merge(merge: _Merge, english: Any, local: Any, where: tuple[str | int, ...]) -> Any:
    if isinstance(english, Mapping):
        local_map = local if isinstance(local, Mapping) else {}
        out: dict[str, Any] = {}
        for key, value in english.items():
            here = (*where, key)
            given = local_map.get(key)
            if key in _TEXT_KEYS or (where and where[-1] == _LINES):
                out[key] = merge.text(value, given, here)
            elif key in _OWN_WORDS:
                # The locale's own words, not the English ones translated.
                out[key] = given if isinstance(given, list) else value
            else:
                out[key] = _merge(merge, value, given, here)
        return out
    if isinstance(english, list):
        local_list = local if isinstance(local, list) else []
        return [_merge(merge, item, _counterpart(item, index, local_list, merge, where),
                       (*where, index))
                for index, item in enumerate(english)]
    return english


def _counterpart(item: Any, index: int, local: list[Any], merge: _Merge,
                 where: tuple[str | int, ...]) -> Any:
    """The locale's version of a list item: by ``id`` where items have one
    (buttons), else by position."""
    if isinstance(item, Mapping) and "id" in item:
        for candidate in local:
            if isinstance(candidate, Mapping) and candidate.get("id") == item["id"]:
                return candidate
        return None
    return local[index] if index < len(local) else None


ENGLISH = "en"
# A first message names its language when at least this many of its words are
# frequent words of that language, and more of them than of any other.
_MIN_COMMON_WORDS = 2
_ENGLISH_GREETINGS = frozenset({"hi", "hey", "hello", "hiya", "yo", "ok", "okay", "thanks",
                                "thank you", "good morning", "sup", "heya", "hi there"})
_WORD = re.compile(r"[^\W\d_]+")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Frequent words of languages the bot does not speak, that an installed language's
# common words would otherwise claim: "j'ai besoin de parler à quelqu'un" has "de"
# and "a" of Spanish, "hallo, ik moet met iemand praten" opens with a German hello.
# A first message that is more of one of these is answered in English, not in a
# third language the person may not read.
_UNSPOKEN_COMMON: Mapping[str, frozenset[str]] = {
    "fr": _word_set("je j ai suis pas les des et est du au avec mais moi ce cette qui ne besoin"
                    " parler quelqu bonjour salut merci vous tu tres aujourd veux peux sais plus"
                    " rien"),
    "it": _word_set("sono non il di che io ho per ma questo oggi voglio tutto ciao grazie bisogno"
                    " parlare qualcuno molto sto gli della perche niente"),
    "nl": _word_set("ik het een niet je dat met voor op zijn heb moet praten iemand"
                    " goed wil maar mijn ben hoi niks echt vandaag"),
}


def pick_locale(platform_language: str | None, text: str,
                locales: Mapping[str, LocaleInfo], written_in: str | None = None) -> str:
    """The language to speak with someone new: the one their platform reports
    ("es-419" is Spanish) when it is installed; else the one their first message
    is written in, when that is clear from its common words, or from
    ``written_in`` (the language of the safety rule or phrase it matched: "me
    quiero morir" has one common word, and its safety question must not come in
    English); else English."""
    if platform_language:
        primary = primary_language(platform_language)
        if primary == ENGLISH or primary in locales:
            return primary
    typed = [w.casefold() for w in _WORD.findall(text)]
    folded = plain_key(text)
    # A greeting of the language ("hola", "guten morgen"), alone or opening the
    # message ("Hola, necesito ayuda", a trial met in English), is as clear as two
    # words, unless English says it too ("hi" is in German chat as much as English).
    scores: dict[str, int] = {}
    for code, info in locales.items():
        common = frozenset(info.common)
        greeting = any(_opens_with(folded, plain_key(g)) for g in info.words.greetings
                       if plain_key(g) not in _ENGLISH_GREETINGS)
        scores[code] = sum(w in common for w in typed) + _MIN_COMMON_WORDS * greeting
    for code, common in _UNSPOKEN_COMMON.items():
        if code not in locales:
            scores[code] = sum(w in common for w in typed)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if ranked and ranked[0][1] >= _MIN_COMMON_WORDS and (
            len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0] if ranked[0][0] in locales else ENGLISH
    if written_in is not None and written_in in locales:
        return written_in
    return ENGLISH


def _opens_with(folded: str, greeting: str) -> bool:
    """Whether a message (as :func:`plain_key` folds it) is, or opens with, a greeting;
    punctuation aside ("hola, necesito ayuda")."""
    said = " ".join(_WORD.findall(folded))
    wanted = " ".join(_WORD.findall(greeting))
    return bool(wanted) and (said == wanted or said.startswith(wanted + " "))


# The English word each of a locale's control words stands for: the engine reads
# "skip", "stop", "I don't know" and "help" in English, whatever the language.
SKIP_MEANING, STOP_MEANING, UNSURE_MEANING, HELP_MEANING = "skip", "stop", "i dont know", "help"
HUMAN_MEANING = "are you human"
GOODBYE_MEANING = "bye"
_CONTROL_MEANINGS = {"skip": SKIP_MEANING, "stop": STOP_MEANING, "unsure": UNSURE_MEANING,
                     "help": HELP_MEANING, "human": HUMAN_MEANING, "goodbye": GOODBYE_MEANING}


def plain_key(text: str) -> str:
    """A typed answer as compared with a locale's words: its answer key without
    accents ("No sé" and "no se" are the same answer)."""
    decomposed = unicodedata.normalize("NFD", answer_key(text))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def control_words(info: LocaleInfo) -> dict[str, str]:
    """A locale's whole answers that the engine understands in English: its words
    for skip, stop, "I don't know" and help, and its numbers in words ("siete": "7")."""
    table: dict[str, str] = {}
    for field_name, meaning in _CONTROL_MEANINGS.items():
        for word in getattr(info.words, field_name):
            table.setdefault(plain_key(word), meaning)
    for word, number in info.numbers.items():
        table.setdefault(plain_key(word), str(number))
    return table


def read_locale_info(raw: Any, *, folder: str) -> tuple[LocaleInfo | None, list[str]]:
    """``locale.yaml`` as :class:`LocaleInfo`, or the problems that prevent it."""
    if not isinstance(raw, Mapping):
        return None, [f"{LOCALE_FILE}: must hold one mapping"]
    try:
        info = LocaleInfo.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{LOCALE_FILE}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                      for e in exc.errors()]
    if info.language != folder:
        return None, [f"{LOCALE_FILE}: language '{info.language}' is in folder '{folder}'"]
    return info, []


def locale_folders(english_dir: Path) -> Iterable[Path]:
    """The language folders beside the English dialogues (each with a locale.yaml)."""
    base = english_dir / LOCALES_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / LOCALE_FILE).is_file())
