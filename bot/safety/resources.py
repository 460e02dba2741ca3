"""Crisis resources by country: load them, pick a country's, and show them.

One job: turn ``data/resources.yaml`` into validated, immutable models and
answer "what should this person call?".  :func:`load_resources` reads the book
(:func:`load_resources_text` reads one from a string);
:meth:`ResourceBook.for_country` gives a country's emergency number and lines,
or the international directory when the country is unknown (the result says so);
:func:`country_from_text` reads what a person typed ("UK", "Deutschland", "the
states", "🇩🇪") into a country code; :func:`format_resources` makes a short
plain-text block for a phone screen, emergency number first.

A crisis may carry a :data:`Topic`: what the person disclosed.  ``suicide`` is
the default and is answered by a country's ``lines``; the other topics
(``self_harm``, ``abuse``, ``eating_disorder``, ``overdose``, ``young_people``)
may have their own lines under a country's ``topics``, which
:func:`format_resources` puts first when given that topic.  An overdose always
opens with "call the emergency number now", whatever the country.
``young_people`` is not something disclosed but who is asking: lines made for
children and young people, for someone under the bot's minimum age.

The data file is found next to this module, so an installed package works too.
Nothing here keeps state between calls: pass a loaded book around rather than
reloading it for every message.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.dialogue.loader import load_yaml_strict, yaml_problem
from bot.text import one_edit

__all__ = [
    "DEFAULT_PHRASES_PATH",
    "DEFAULT_RESOURCES_PATH",
    "ENGLISH_WORDS",
    "TOPICS",
    "CountryResources",
    "Line",
    "ResourceBook",
    "ResourceWords",
    "Topic",
    "country_from_text",
    "format_resources",
    "load_resource_phrases",
    "load_resources",
    "load_resources_text",
    "resource_words",
    "shipped_resource_phrases",
]

Topic = Literal["suicide", "self_harm", "abuse", "eating_disorder", "overdose",
                "young_people"]
"""What a crisis is about.  ``suicide`` is the default; its lines are ``lines``."""
TOPICS: tuple[Topic, ...] = get_args(Topic)
# The topics a country may list lines for (suicide lines are the country's ``lines``).
_TOPIC_KEYS: tuple[Topic, ...] = tuple(t for t in TOPICS if t != "suicide")

DEFAULT_RESOURCES_PATH = Path(__file__).parent / "data" / "resources.yaml"
DEFAULT_PHRASES_PATH = Path(__file__).parent / "data" / "resource_phrases.yaml"
INTERNATIONAL = "INTERNATIONAL"
_CODE = re.compile(r"^[A-Z]{2}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Line(_Model):
    """One crisis line: a phone number, a text service or a web page (or several)."""

    name: str = Field(min_length=1)
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    hours: str | None = None
    note: str | None = None
    source: str = Field(min_length=1)
    young_only: bool = False
    """Made only for children and young people: left out for a known adult."""

    @model_validator(mode="after")
    def _reachable(self) -> Line:
        if not (self.phone or self.text or self.url):
            raise ValueError(f"line {self.name!r} needs a phone, a text service or a url")
        return self


class CountryResources(_Model):
    """What to show a person in one country (or the international directory)."""

    code: str
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    emergency: str | None = None
    emergency_note: str | None = None
    note: str | None = None
    source: str = Field(min_length=1)
    lines: tuple[Line, ...] = Field(min_length=1)
    topics: dict[Topic, tuple[Line, ...]] = Field(default_factory=dict)
    is_fallback: bool = False

    @field_validator("topics", mode="before")
    @classmethod
    def _check_topics(cls, value: Any, info: ValidationInfo) -> Any:
        code = info.data.get("code", "?")
        where = "international" if code == INTERNATIONAL else f"country {code}"
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"{where}: 'topics' must be a mapping of topic to lines")
        for key, lines in value.items():
            if key == "suicide":
                raise ValueError(
                    f"{where}: topic 'suicide' is not listed under topics; "
                    "suicide lines are the country's 'lines'"
                )
            if key not in _TOPIC_KEYS:
                raise ValueError(
                    f"{where}: unknown topic {key!r} (expected one of {', '.join(_TOPIC_KEYS)})"
                )
            if not lines:
                raise ValueError(f"{where}: topic {key!r} has no lines; leave it out instead")
        return value

    def topic_lines(self, topic: Topic | str | None) -> tuple[Line, ...]:
        """This country's own lines for ``topic`` (none for ``suicide`` or an unknown topic)."""
        for key, lines in self.topics.items():
            if key == topic:
                return lines
        return ()


class ResourceBook(_Model):
    """Every country's resources, plus the international fallback."""

    international: CountryResources
    countries: dict[str, CountryResources]

    @field_validator("countries")
    @classmethod
    def _check_countries(cls, value: dict[str, CountryResources]) -> dict[str, CountryResources]:
        for code, entry in value.items():
            if not _CODE.match(code):
                raise ValueError(f"country key {code!r} is not an ISO 3166 alpha-2 code")
            if entry.code != code:
                raise ValueError(f"country {code}: code field says {entry.code!r}")
            if not entry.emergency:
                raise ValueError(f"country {code}: an emergency number is required")
        return value

    def for_country(self, code: str | None) -> CountryResources:
        """The country's resources, or the international directory (``is_fallback``)."""
        if code:
            entry = self.countries.get(code.strip().upper())
            if entry is not None:
                return entry
        return self.international

    def topic_lines(self, code: str | None, topic: Topic | str | None) -> tuple[Line, ...]:
        """The lines for ``topic`` in country ``code`` (the international ones if unknown)."""
        return self.for_country(code).topic_lines(topic)

    def country_from_text(self, text: str) -> str | None:
        """The code of the country in this book that ``text`` names, if any."""
        return country_from_text(text, self)


def _parse_book(raw: Any, where: str) -> ResourceBook:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping at the top level")
    international = dict(raw.get("international") or {})
    international.setdefault("code", INTERNATIONAL)
    international["is_fallback"] = True
    countries_raw = raw.get("countries") or {}
    if not isinstance(countries_raw, dict):
        raise ValueError(f"{where}: 'countries' must be a mapping of codes to entries")
    countries: dict[str, Any] = {}
    for key, entry in countries_raw.items():
        # YAML 1.1 reads a bare NO as false; quoting is required, but say so kindly.
        if not isinstance(key, str):
            raise ValueError(f"{where}: country key {key!r} must be a quoted string")
        countries[key] = {"code": key, **(entry or {})}
    unknown = set(raw) - {"international", "countries"}
    if unknown:
        raise ValueError(f"{where}: unknown top-level keys {sorted(unknown)}")
    return ResourceBook.model_validate({"international": international, "countries": countries})


def load_resources(path: Path | str = DEFAULT_RESOURCES_PATH) -> ResourceBook:
    """Read and validate a resources file (the shipped one by default)."""
    return load_resources_text(Path(path).read_text(encoding="utf-8"), str(path))


def load_resources_text(text: str, where: str = "<resources>") -> ResourceBook:
    """Validate a resources book given as YAML text; ``where`` names it in errors."""
    try:
        raw = load_yaml_strict(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: {yaml_problem(exc)}") from exc
    return _parse_book(raw, where)


# --- reading a country from what a person types ----------------------------------

_REGIONAL_A = 0x1F1E6
_FLAG = re.compile("([\U0001f1e6-\U0001f1ff])([\U0001f1e6-\U0001f1ff])")
_NOT_WORD = re.compile(r"[^\w]+")
# What people put around a country name: "I'm in the UK", "I live in Germany".
_FILLER = re.compile(
    r"^(?:(?:i m|im|i am|we re|we are|i live|we live|living|currently|located|based|from"
    r"|in|at|the|my country is|country is|country|it s|its|i m from|im from|i come from"
    r"|near|right now|now|yes|yeah|ok|okay|um|uh) )*"
)
# Places whose names contain a country's name but are not that country.
_NOT_A_COUNTRY = ("south america", "latin america", "central america", "north korea")
_WORD_CODES = frozenset({"no", "it", "in", "is", "be", "at", "am", "me", "to", "so", "or", "by"})


def _plain(text: str) -> str:
    """Lower case, no accents, no punctuation: "Österreich!" -> "osterreich"."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"(?<=\w)[.'’](?=\w)", "", s)  # "u.s.a" -> "usa", "it's" -> "its"
    return _NOT_WORD.sub(" ", s).strip()


def country_from_text(text: str, book: ResourceBook | None = None) -> str | None:
    """The ISO code of the country named in ``text``, if it is in the book.

    Understands country names and common local names ("Deutschland", "España"),
    parts people name instead ("England", "Scotland"), a few nicknames ("the
    states"), two-letter codes when typed alone ("gb", "de"), and flag emoji.
    Without a ``book`` the shipped one is loaded (a file read): pass one in when
    calling often."""
    book = book if book is not None else load_resources()
    for first, second in _FLAG.findall(text):
        code = chr(ord("A") + ord(first) - _REGIONAL_A) + chr(ord("A") + ord(second) - _REGIONAL_A)
        if code in book.countries:
            return code
    plain = _plain(text)
    for blocked in _NOT_A_COUNTRY:
        plain = plain.replace(blocked, " ")
    plain = " ".join(plain.split())
    if not plain:
        return None
    core = _FILLER.sub("", plain + " ").strip()
    # A whole answer that is a two-letter code ("gb", "de"), unless the code is also
    # an everyday word someone might answer with ("no", "it", "in").
    if core.upper() in book.countries and core not in _WORD_CODES:
        return core.upper()
    best: tuple[int, str] | None = None
    padded = f" {plain} "
    for code, entry in book.countries.items():
        for alias in (entry.name, *entry.aliases):
            name = _plain(alias)
            if not name:
                continue
            if name in (core, plain):
                return code
            # Short aliases ("us", "uk", "hk") are ordinary words or too easy to
            # hit by accident inside a sentence; they count only on their own.
            if len(name) <= 2:
                continue
            if f" {name} " in padded and (best is None or len(name) > best[0]):
                best = (len(name), code)
    return best[1] if best else _near_country(core, book)


# A typo is forgiven only in a name this long: "Germny", "Austrlia"; shorter ones
# ("Iran"/"Iraq", "Mali"/"Bali") are too close to each other or to other words.
_MIN_TYPO_NAME = 5


def _near_country(answer: str, book: ResourceBook) -> str | None:
    """The one country whose name is a single typo away from the whole answer."""
    if len(answer) < _MIN_TYPO_NAME:
        return None
    found = {code for code, entry in book.countries.items()
             for alias in (entry.name, *entry.aliases)
             if len(name := _plain(alias)) >= _MIN_TYPO_NAME and one_edit(answer, name)}
    return found.pop() if len(found) == 1 else None


# --- showing them -------------------------------------------------------------------


# A short plain heading over a topic's own lines.
_TOPIC_HEADINGS: dict[Topic, str] = {
    "self_harm": "Support with self-harm:",
    "abuse": "If someone is hurting you, or a child is being hurt:",
    "eating_disorder": "Support with eating and food:",
    "overdose": "More medical help:",
    "young_people": "Lines for children and young people:",
}


@dataclass(frozen=True, slots=True)
class ResourceWords:
    """The words around the numbers, in the person's language (English by default;
    a language gives its own as ``resources_*`` lines of its ``system`` dialogue).
    ``{number}`` and ``{phone}`` are filled in; the names, hours and notes of the
    lines themselves come from ``resources.yaml`` as they are."""

    call: str = "call {phone}"
    either: str = "or"
    danger: str = "In immediate danger: call {number}."
    danger_unknown: str = "In immediate danger: call your local emergency number."
    talk: str = "To talk to someone:"
    delayed: str = "Some effects can take hours to show, so please don't wait."
    overdose: str = ("Please call {number} now, even if you feel fine, "
                     "or go to the nearest emergency department.")
    overdose_unknown: str = ("Please call your local emergency number now, even if you feel "
                             "fine, or go to the nearest emergency department.")
    anywhere: str = "112 works from mobiles in much of the world."
    headings: Mapping[str, str] = field(
        default_factory=lambda: {str(topic): text for topic, text in _TOPIC_HEADINGS.items()})
    phrases: Mapping[str, str] = field(default_factory=dict)
    """``resources.yaml``'s English hours, notes and texting instructions ("24/7,
    free") -> the same in this language (``data/resource_phrases.yaml``)."""

    def phrase(self, english: str) -> str:
        return self.phrases.get(english, english)
    """Topic (``self_harm``, ``abuse``, ``eating_disorder``, ``overdose``,
    ``young_people``) -> heading."""


ENGLISH_WORDS = ResourceWords()

_NUMBER_SLOT = re.compile(r"\{(number|phone)(?:\|[^{}]*)?\}")


def load_resource_phrases(path: Path = DEFAULT_PHRASES_PATH) -> dict[str, dict[str, str]]:
    """Language -> English phrase of the book -> the phrase in that language."""
    raw = load_yaml_strict(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(
            isinstance(table, dict) and all(isinstance(k, str) and isinstance(v, str)
                                            for k, v in table.items())
            for table in raw.values()):
        raise ValueError(f"{path.name}: must map each language to phrase: translation")
    return {str(language): dict(table) for language, table in raw.items()}


@functools.lru_cache(maxsize=1)
def shipped_resource_phrases() -> Mapping[str, Mapping[str, str]]:
    """The shipped phrase tables, read once per process."""
    return MappingProxyType(load_resource_phrases())


def resource_words(lines: Mapping[str, Sequence[str]], language: str | None = None
                   ) -> ResourceWords:
    """The words a language's ``system`` lines give (``resources_call``...), English
    for any it does not have; with ``language``, the book's phrases in it too."""
    def line(name: str, default: str) -> str:
        found = lines.get(f"resources_{name}")
        return _NUMBER_SLOT.sub(r"{\1}", found[0]) if found else default

    english = ENGLISH_WORDS
    return ResourceWords(
        call=line("call", english.call),
        either=line("or", english.either),
        danger=line("danger", english.danger),
        danger_unknown=line("danger_unknown", english.danger_unknown),
        talk=line("talk", english.talk),
        delayed=line("delayed", english.delayed),
        overdose=line("overdose", english.overdose),
        overdose_unknown=line("overdose_unknown", english.overdose_unknown),
        anywhere=line("anywhere", english.anywhere),
        headings={topic: line(f"heading_{topic}", text)
                  for topic, text in english.headings.items()},
        phrases=shipped_resource_phrases().get(language or "", {}),
    )


def _describe(line: Line, words: ResourceWords = ENGLISH_WORDS) -> str:
    ways: list[str] = []
    if line.phone:
        ways.append(words.call.replace("{phone}", line.phone))
    if line.text:
        ways.append(words.phrase(line.text))
    if not ways and line.url:
        ways.append(line.url)
    detail = f" {words.either} ".join(ways)
    extras = [words.phrase(part) for part in (line.hours, line.note) if part]
    suffix = f" ({'; '.join(extras)})" if extras else ""
    return f"{line.name}: {detail}{suffix}"


def _emergency(res: CountryResources, words: ResourceWords = ENGLISH_WORDS) -> str:
    note = f" ({words.phrase(res.emergency_note)})" if res.emergency_note else ""
    return f"{res.emergency}{note}"


def _overdose_first(res: CountryResources, words: ResourceWords) -> list[str]:
    """Call the emergency number now, even feeling fine: always the first words."""
    if res.emergency:
        return [words.overdose.replace("{number}", _emergency(res, words)), words.delayed]
    return [words.overdose_unknown, f"{words.anywhere} {words.delayed}"]


def _entry(res: CountryResources, line: Line, words: ResourceWords) -> str:
    entry = _describe(line, words)
    if res.is_fallback and line.url and line.url not in entry:
        entry = f"{entry} {line.url}"
    return entry


def format_resources(res: CountryResources, topic: Topic | str | None = None,
                     words: ResourceWords = ENGLISH_WORDS, *, adult: bool = False) -> str:
    """A short plain-text block: the emergency number first, then the lines.

    With a ``topic`` (what the person disclosed) the country's lines for it come
    first under a short heading, then the emergency number and the usual lines.
    For ``overdose`` the first line always says to call the emergency number now
    (or go to an emergency department), known country or not.  ``None`` and
    ``suicide`` give the usual block; so does a topic this module does not know,
    because a crisis reply must never fail over a label.  ``words`` are the
    words around the numbers, in the person's language.  ``adult``: the person
    told us they are 18 or over, so a line made only for children (Childline) is
    left out of the usual lines; someone whose age is unknown still sees it."""
    chosen = next((known for known in _TOPIC_HEADINGS if known == topic), None)
    out: list[str] = []
    if chosen == "overdose":
        out.extend(_overdose_first(res, words))
    own = res.topic_lines(chosen)
    if own and chosen is not None:
        out.append(words.headings.get(chosen, _TOPIC_HEADINGS[chosen]))
        out.extend(_entry(res, line, words) for line in own)
    if chosen != "overdose":
        if res.emergency:
            out.append(words.danger.replace("{number}", _emergency(res, words)))
        elif words.danger_unknown == ENGLISH_WORDS.danger_unknown:  # English
            out.append(res.note or words.danger_unknown)
        else:
            # The book's note is English; the same advice in the person's words.
            out.append(f"{words.danger_unknown} {words.anywhere}")
    shown = {line.name for line in own}
    if chosen == "overdose":
        out.append(words.talk)
    out.extend(_entry(res, line, words) for line in res.lines
               if line.name not in shown and not (adult and line.young_only))
    return "\n".join(out)
