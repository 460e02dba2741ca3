"""The words the nudge settings' parsers accept, read from ``dialogues/library/words.yaml``.

One job: load the file, one section per language (``en``, ``es``, ``de``, ``pt``),
check it, naming the file, the language and the entry of every problem, and hand
:mod:`bot.nudges.parse` a :class:`ParseWords` with its patterns built once.

The composition root loads the file of its dialogues folder (:func:`load_words`)
and passes the words to the parsers; a caller without settings (the group
commands, tests) gets the shipped file's, read once (:func:`shipped_words`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import default_dialogues_dir
from bot.dialogue.loader import read_yaml_file
from bot.nudges.schedule import WEEKDAYS, read_clock

WORDS_FILE = Path("library") / "words.yaml"
"""Where the words live, inside the dialogues folder."""
DEFAULT_LANGUAGE = "en"
"""The section read until the bot speaks more than one language (issue 18)."""


class WordsError(ValueError):
    """The words file is not valid; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the parsers' words:\n"
                         + "\n".join(self.problems))


def fold(text: str) -> str:
    """Case-folded, accents dropped, runs of space and underscores made one space:
    the form people's words are compared in, and the form the file must use."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.replace("_", " ").replace("-", " ").replace(".", " ").split())


class _Meridiem(BaseModel):
    """The 12-hour clock's marks, said right after the time ("9am", "9 p. m.")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    am: list[str] = Field(default_factory=list)
    pm: list[str] = Field(default_factory=list)


class _DayParts(BaseModel):
    """Parts of the day said with an hour, after it or before it ("8 de la tarde",
    "abends um 8").  Unlike am/pm they go with the 24-hour clock too ("20 Uhr abends")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    morning: list[str] = Field(default_factory=list)
    afternoon: list[str] = Field(default_factory=list)
    night: list[str] = Field(default_factory=list)


class _ClockPhrases(BaseModel):
    """Minutes said as words around the hour, and the minutes they add (or take)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after_hour: dict[str, int] = Field(default_factory=dict)
    before_hour: dict[str, int] = Field(default_factory=dict)


class _Language(BaseModel):
    """One language's section, as written (see the file's comments)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    not_places: list[str]
    places: dict[str, str]
    named_times: dict[str, str]
    time_fillers: list[str]
    time_separators: list[str] = Field(min_length=1)
    no_quiet_hours: list[str]
    days: list[list[str]]
    day_plural: str = ""
    day_groups: dict[str, list[str]]
    every_day_alone: list[str]
    except_words: list[str]
    day_range_words: list[str] = Field(min_length=1)
    # Required: a section written before it would lose "9am" without a word.
    meridiem: _Meridiem
    # Optional: a section without them reads what it read before they came.
    day_parts: _DayParts = Field(default_factory=_DayParts)
    hour_marks: list[str] = Field(default_factory=list)
    clock_phrases: _ClockPhrases = Field(default_factory=_ClockPhrases)
    day_suffixes: list[str] = Field(default_factory=list)


DAY_PARTS = ("am", "pm", "morning", "afternoon", "night")
"""What ``ParseWords.time_marks``' groups are named after (``"night_3"``): the
12-hour clock's two marks, then the parts of the day."""


@dataclass(frozen=True, eq=False)
class ParseWords:
    """One language's words, ready for the parsers.  Compared (and cached) by
    identity: one object per loaded section."""

    language: str
    not_places: frozenset[str]
    """Last parts of zone names that are everyday words, never taken as places."""
    places: Mapping[str, str]
    """Folded place name -> IANA zone."""
    named_times: tuple[tuple[re.Pattern[str], str], ...]
    """A time-of-day word and the ``HH:MM`` it stands for, in the file's order."""
    time_fillers: re.Pattern[str]
    time_separator: re.Pattern[str]
    no_quiet_hours: frozenset[str]
    day_names: Mapping[str, int]
    """Day word -> index, Monday 0."""
    day_groups: Mapping[str, frozenset[int]]
    every_day_alone: frozenset[str]
    except_words: frozenset[str]
    day_range_words: frozenset[str]
    dash_word: str
    """The range word a dash between days is read as (the first listed)."""
    time_marks: re.Pattern[str] | None
    """am/pm and the parts of the day, each phrase a group named after its list
    (:data:`DAY_PARTS`) and a number; ``None`` when the section has none."""
    hour_marks: str
    """A regex alternation of the words written after an hour ("20h", "20 Uhr 30"),
    or ``""``."""
    clock_after_hour: tuple[tuple[re.Pattern[str], int], ...]
    """A phrase said after the hour (group ``hour``) and the minutes it adds."""
    clock_before_hour: tuple[tuple[re.Pattern[str], int], ...]
    day_suffixes: re.Pattern[str] | None
    """Words after a day name that add nothing ("segunda-feira"), with the space or dash before."""
    longest_day_group: int
    """The most words in one ``day_groups`` phrase."""


def _spellings(word: str) -> list[str]:
    """The word as written, then without accents, then with a dash as a space: people
    type "às" as "as" and "meia-noite" as "meia noite"."""
    written = unicodedata.normalize("NFKC", word)
    plain = unicodedata.normalize(
        "NFKC", "".join(c for c in unicodedata.normalize("NFKD", written)
                        if not unicodedata.combining(c)))
    found = [written, plain, written.replace("-", " "), plain.replace("-", " ")]
    return list(dict.fromkeys(found))


def _alternatives(words: Sequence[str], space: str = r"\s?") -> str:
    # A space inside a word may be left out ("o clock", "oclock"); the order is
    # the file's, as a regex tries alternatives in turn.
    return "|".join(re.escape(spelling).replace(r"\ ", space)
                    for word in words for spelling in _spellings(word))


def _phrases(words: Sequence[str]) -> str:
    """Longest first, so that "am abend" is tried before "am"; any run of spaces."""
    return _alternatives(sorted(words, key=len, reverse=True), r"\s*")


def _time_marks(section: _Language) -> re.Pattern[str] | None:
    lists = {"am": section.meridiem.am, "pm": section.meridiem.pm,
             "morning": section.day_parts.morning, "afternoon": section.day_parts.afternoon,
             "night": section.day_parts.night}
    # One group per phrase, named after its list ("night_3"), longest phrase first
    # whatever its list: "am abend" is tried before "am".
    marks = sorted(((len(word), name, word) for name, words in lists.items() for word in words),
                   key=lambda mark: -mark[0])
    if not marks:
        return None
    groups = "|".join(f"(?P<{name}_{index}>{_phrases([word])})"
                      for index, (_, name, word) in enumerate(marks))
    # Whole words, or right after the digits ("9am"); "a. m." ends in a dot.
    return re.compile(rf"(?:(?<=\d)|(?<!\w))(?:{groups})(?!\w)")


def _compile(language: str, section: _Language) -> ParseWords:
    """The checked section with its lookups and patterns built once."""
    # An hour mark may stand between the hour and a phrase after it ("8h e meia").
    hour_marks = _phrases(section.hour_marks) if section.hour_marks else "(?!)"
    day_names: dict[str, int] = {}
    for index, names in enumerate(section.days):
        # Only names longer than three letters take the plural: "mons" is no word.
        plurals = [f"{n}{section.day_plural}" for n in names if section.day_plural and len(n) > 3]
        day_names.update(dict.fromkeys((*names, *plurals), index))
    return ParseWords(
        language=language,
        not_places=frozenset(section.not_places),
        places=dict(section.places),
        named_times=tuple((re.compile(rf"\b(?:{_alternatives([word])})\b"), clock)
                          for word, clock in section.named_times.items()),
        time_fillers=re.compile(rf"\b(?:{_alternatives(section.time_fillers)})\b"),
        time_separator=re.compile(
            rf"\s*-\s*|\s+(?:{_alternatives(section.time_separators)})\s+"),
        no_quiet_hours=frozenset(section.no_quiet_hours),
        day_names=day_names,
        day_groups={phrase: frozenset(WEEKDAYS.index(d) for d in days)
                     for phrase, days in section.day_groups.items()},
        every_day_alone=frozenset(section.every_day_alone),
        except_words=frozenset(section.except_words),
        day_range_words=frozenset(section.day_range_words),
        dash_word=section.day_range_words[0],
        time_marks=_time_marks(section),
        hour_marks=_phrases(section.hour_marks) if section.hour_marks else "",
        clock_after_hour=tuple(
            (re.compile(rf"(?<![\d:.])(?P<hour>\d{{1,2}})(?:\s*(?:{hour_marks}))?"
                        rf"\s*(?:{_phrases([phrase])})(?!\w)"), minutes)
            for phrase, minutes in section.clock_phrases.after_hour.items()),
        clock_before_hour=tuple(
            (re.compile(rf"(?<!\w)(?:{_phrases([phrase])})\s*(?P<hour>\d{{1,2}})(?![\d:.])"),
             minutes)
            for phrase, minutes in section.clock_phrases.before_hour.items()),
        day_suffixes=(re.compile(rf"(?<=\w)[\s-]*(?:{_phrases(section.day_suffixes)})(?!\w)")
                      if section.day_suffixes else None),
        longest_day_group=max((len(p.split()) for p in section.day_groups), default=1),
    )


def _check(where: str, section: _Language) -> list[str]:
    """Problems the schema cannot see; ``where`` is ``"words.yaml: en"``."""
    problems: list[str] = []
    # People's words are folded before they are looked up: an entry in any other
    # form would never match.
    folded = {
        "not_places": section.not_places, "places": list(section.places),
        "no_quiet_hours": section.no_quiet_hours, "every_day_alone": section.every_day_alone,
        "except_words": section.except_words, "day_range_words": section.day_range_words,
        "day_groups": list(section.day_groups),
        "days": [name for names in section.days for name in names],
        "day_suffixes": section.day_suffixes,
    }
    for entry, words in folded.items():
        problems += [f"{where}.{entry}: {word!r}: write it as {fold(word)!r}, or it never matches"
                     for word in words if not word or fold(word) != word]
    for entry, words in (("time_fillers", section.time_fillers),
                         ("time_separators", section.time_separators),
                         ("named_times", list(section.named_times)),
                         ("meridiem.am", section.meridiem.am),
                         ("meridiem.pm", section.meridiem.pm),
                         ("day_parts.morning", section.day_parts.morning),
                         ("day_parts.afternoon", section.day_parts.afternoon),
                         ("day_parts.night", section.day_parts.night),
                         ("hour_marks", section.hour_marks),
                         ("clock_phrases.after_hour", list(section.clock_phrases.after_hour)),
                         ("clock_phrases.before_hour", list(section.clock_phrases.before_hour))):
        problems += [f"{where}.{entry}: {word!r}: must be lower-case words"
                     for word in words if not word.strip() or word.casefold() != word]
    if len(section.days) != len(WEEKDAYS) or not all(section.days):
        problems.append(f"{where}.days: needs {len(WEEKDAYS)} lists of names, Monday first")
    seen: dict[str, int] = {}
    for index, names in enumerate(section.days):
        for name in names:
            if seen.setdefault(name, index) != index:
                problems.append(f"{where}.days: {name!r} names two days")
    for phrase, days in section.day_groups.items():
        problems += [f"{where}.day_groups.{phrase}: {day!r} is not one of {', '.join(WEEKDAYS)}"
                     for day in days if day not in WEEKDAYS]
    problems += [f"{where}.named_times.{word}: {clock!r} is not a time (HH:MM)"
                 for word, clock in section.named_times.items() if read_clock(clock) is None]
    for side, phrases in (("after_hour", section.clock_phrases.after_hour),
                          ("before_hour", section.clock_phrases.before_hour)):
        problems += [f"{where}.clock_phrases.{side}.{phrase}: {minutes!r} is not a number of "
                     "minutes from -59 to 59 (not 0)"
                     for phrase, minutes in phrases.items() if not 0 < abs(minutes) < 60]
    marks = [("meridiem.am", section.meridiem.am), ("meridiem.pm", section.meridiem.pm),
             ("day_parts.morning", section.day_parts.morning),
             ("day_parts.afternoon", section.day_parts.afternoon),
             ("day_parts.night", section.day_parts.night)]
    owner: dict[str, str] = {}
    for entry, words in marks:
        for word in words:
            if owner.setdefault(word, entry) != entry:
                problems.append(f"{where}.{entry}: {word!r} is also in {owner[word]}")
    return problems


def parse_words(raw: Any, source: str) -> dict[str, ParseWords]:
    """Check the parsed YAML of a words file; ``source`` names it in problems."""
    if not isinstance(raw, dict) or not raw:
        raise WordsError([f"{source}: the file must map each language to its words"])
    problems: list[str] = []
    languages: dict[str, ParseWords] = {}
    for language, body in raw.items():
        where = f"{source}: {language}"
        try:
            section = _Language.model_validate(body)
        except ValidationError as exc:
            problems += [f"{where}.{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                         if error["loc"] else f"{where}: {error['msg']}"
                         for error in exc.errors()]
            continue
        found = _check(where, section)
        problems += found
        if not found:
            languages[str(language)] = _compile(str(language), section)
    if problems:
        raise WordsError(problems)
    return languages


def load_word_sections(path: Path) -> dict[str, ParseWords]:
    """Load and check a words file: every language's section, each with the
    default language's; raise :class:`WordsError` listing every problem."""
    languages = parse_words(read_yaml_file(path, WordsError), path.name)
    if DEFAULT_LANGUAGE not in languages:
        raise WordsError([f"{path.name}: no section for language {DEFAULT_LANGUAGE!r}"])
    return languages


def load_words(path: Path, language: str = DEFAULT_LANGUAGE) -> ParseWords:
    """Load and check a words file (every language in it) and return ``language``'s
    words; raise :class:`WordsError` listing every problem."""
    languages = parse_words(read_yaml_file(path, WordsError), path.name)
    if language not in languages:
        raise WordsError([f"{path.name}: no section for language {language!r}"])
    return languages[language]


@functools.lru_cache(maxsize=8)
def shipped_words(language: str = DEFAULT_LANGUAGE) -> ParseWords:
    """The shipped words file's section for ``language``, read once per process."""
    return load_words(default_dialogues_dir() / WORDS_FILE, language)


def check_words(folders: Collection[Path]) -> list[str]:
    """Every problem of the words file in each dialogues folder given (for
    ``dialogues check``)."""
    problems: list[str] = []
    for folder in folders:
        path = folder / WORDS_FILE
        if not folder.is_dir() or not path.exists():
            continue
        try:
            load_words(path)
        except WordsError as exc:
            problems += exc.problems
    return problems


__all__ = ["DAY_PARTS", "DEFAULT_LANGUAGE", "WORDS_FILE", "ParseWords", "WordsError", "check_words",
           "fold", "load_word_sections", "load_words", "parse_words", "shipped_words"]
