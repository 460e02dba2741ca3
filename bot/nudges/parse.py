"""What people type in the ``/nudges`` dialogue, turned into the stored settings.

Each parser takes any text and returns the value :mod:`bot.nudges.schedule`
reads (``"Europe/Berlin"``, ``"09:00-11:00"``, ``"mon,wed,fri"``), or ``None``
when it cannot tell, so that the dialogue asks again kindly.  None of them
raises, whatever the text.

The words they accept (day names, "weekdays", "noon", place names...) are one
language's section of ``dialogues/library/words.yaml`` (:mod:`bot.nudges.words`),
passed in as ``words``; without it, the shipped file's English.  What stays here
is notation, not language: digits, UTC offsets, zone names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from zoneinfo import available_timezones

from bot.nudges.schedule import EVERY_DAY, NO_QUIET, WEEKDAYS, format_clock
from bot.nudges.words import DAY_PARTS, ParseWords, fold, shipped_words

# Nobody types a time zone, a time or their days in more than this.
MAX_CHARS = 100

# --- time zones ---------------------------------------------------------------

# Zone folders named after regions of the world.  Places are looked up only
# there: the other names (US/Eastern, CET, Japan, Etc/GMT+2) are matched whole.
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
            "Indian", "Pacific")
# UTC offsets that are not whole hours have no Etc/ zone; these places keep
# that offset all year.
_PART_HOUR_OFFSETS = {
    330: "Asia/Kolkata", 345: "Asia/Kathmandu", 390: "Asia/Yangon", 570: "Australia/Darwin",
    270: "Asia/Kabul", 210: "Asia/Tehran", 525: "Australia/Eucla", -570: "Pacific/Marquesas",
}
_OFFSET = re.compile(
    r"^(?:(?:utc|gmt|z)\s*)?([+-])\s*(\d{1,2})(?:(?:[:.h]\s*)?(\d{2}))?(?:\s*h(?:ours?)?)?$"
)
_UTC_WORDS = frozenset({"utc", "gmt", "z", "utc0", "gmt0", "utc+0", "gmt+0", "utc-0", "gmt-0"})
# Names in the zone database that are no place's time: "localtime" is whatever
# zone the server is set to (not the person's), "Factory" a placeholder.
_NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})


# Words are compared folded (the form the words file is written in).
_fold = fold


# Keyed by the words object (compared by identity): one index per language loaded.
@functools.lru_cache(maxsize=8)
def _zone_index(words: ParseWords) -> tuple[dict[str, str], dict[str, str]]:
    """Folded full names -> zone, and folded places (last part of a name, or a
    place the words file names) -> zone."""
    names = {name for name in available_timezones() if name.casefold() not in _NOT_ZONES}
    full = {_fold(name): name for name in names}
    places: dict[str, str] = {}

    # Shorter names first: America/Indianapolis before America/Indiana/Indianapolis.
    for name in sorted(names, key=lambda n: (n.count("/"), n)):
        if name.split("/")[0] not in _REGIONS:
            continue
        place = _fold(name.rsplit("/", 1)[-1])
        if place not in words.not_places:
            places.setdefault(place, name)
    for alias, name in words.places.items():
        if name in names:
            places.setdefault(alias, name)
    return full, places


def _offset_zone(text: str) -> str | None:
    """``"UTC+2"``, ``"+05:30"``, ``"GMT-3"`` -> a zone with that offset all year."""
    compact = text.replace(" ", "")
    if compact in _UTC_WORDS:
        return "UTC"
    match = _OFFSET.match(text)
    if match is None:
        return None
    sign = 1 if match.group(1) == "+" else -1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes >= 60:
        return None
    if minutes == 0:
        if hours == 0:
            return "UTC"
        # Etc/ zones follow POSIX, whose sign is the other way round:
        # UTC+2 is "Etc/GMT-2".  They run from Etc/GMT-14 to Etc/GMT+12.
        if (sign > 0 and hours <= 14) or (sign < 0 and hours <= 12):
            return f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
        return None
    return _PART_HOUR_OFFSETS.get(sign * (hours * 60 + minutes))


def parse_timezone(text: str, words: ParseWords | None = None) -> str | None:
    """An IANA zone name from what someone typed: a zone name in any case
    ("europe/berlin"), a city or country ("Berlin", "new york", "São Paulo",
    "UK"), or a UTC offset ("UTC+2", "+05:30", "GMT-3"); ``None`` when unsure."""
    if len(text) > MAX_CHARS:
        return None
    folded = _fold(text.replace("\u2212", "-"))
    if not folded:
        return None
    full, places = _zone_index(words or shipped_words())
    raw = " ".join(text.replace("\u2212", "-").casefold().split())
    by_offset = _offset_zone(raw)
    if by_offset is not None:
        return by_offset
    if folded in full:
        return full[folded]
    # "I'm in Berlin", "Manchester, UK": the longest run of words that names a
    # place, leftmost first.
    typed = re.sub(r"[^\w/]+", " ", folded).split()
    for size in range(min(len(typed), 4), 0, -1):
        for start in range(len(typed) - size + 1):
            found = places.get(" ".join(typed[start : start + size]))
            if found is not None:
                return found
    return None


# --- times ----------------------------------------------------------------------

NOON = 12 * 60
# Named times, fillers ("at around"), separators ("9 to 11"), am/pm, the parts of
# the day ("de la tarde") and hour marks ("20h", "20 Uhr") are the words file's;
# digits, ":" and "-ish" are notation, kept here.
_ISH = re.compile(r"(?<=\d)\s*-?ish\b")
# A mark said with a time (am/pm, a part of the day) is replaced by one of these
# characters (private use: nobody types them) before the fillers go, so that a
# filler inside it ("de" in "de la tarde") cannot break it.
_MARK_CHARS = dict(zip(DAY_PARTS, "\ue000\ue001\ue002\ue003\ue004", strict=True))
_MARK_NAMES = {char: name for name, char in _MARK_CHARS.items()}
_TYPED_MARKS = str.maketrans(dict.fromkeys(_MARK_NAMES, "\ufffd"))  # typed, they are nothing
_DAY_PART_CHARS = "".join(_MARK_CHARS[name] for name in DAY_PARTS[2:])
# The 12-hour clock's mark of the same hour on the other side of noon, for the
# start of "9-11pm"; the night is the night on either side of midnight.
_OTHER = {"am": "pm", "pm": "am", "morning": "afternoon", "afternoon": "morning",
          "night": "night"}


@functools.lru_cache(maxsize=8)
def _whole_time(words: ParseWords) -> re.Pattern[str]:
    """One time as written once the words around it are gone: a part of the day
    may come first ("abends 8"), a mark after it ("9pm", "20h30", "8 Uhr 30")."""
    marks = words.hour_marks
    minute = (rf"(?:\s*(?:[:.h]|{marks})\s*(?P<minute>\d{{2}}))?(?:\s*(?:{marks}))?" if marks
              else r"(?:\s*[:.h]\s*(?P<minute>\d{2}))?")
    lead = rf"(?:(?P<lead>[{_DAY_PART_CHARS}])[\s,]*)?" if words.time_marks else ""
    return re.compile(rf"^\s*{lead}(?P<hour>\d{{1,2}}){minute}\s*"
                      rf"(?P<mark>[{''.join(_MARK_CHARS.values())}])?\s*$")


def _clock_phrase(match: re.Match[str], minutes: int) -> str:
    """The hour and minutes of a clock phrase ("8 y media", "halb 9" -> "8:30");
    "halb 1" is half past twelve."""
    hour = int(match.group("hour"))
    total = hour * 60 + minutes
    if total < 0 or hour > 24:
        return match.group(0)  # left as typed, so not read as a time
    if total < 60 and minutes < 0 and 1 <= hour <= 12:
        total += 12 * 60
    return f" {total // 60}:{total % 60:02d} "


def _prepare(text: str, words: ParseWords) -> str:
    """The text with its marks, named times and clock phrases made notation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u2013", "-").replace("\u2014", "-").replace("a.m.", "am")
    folded = folded.replace("p.m.", "pm").translate(_TYPED_MARKS)
    folded = _marked(folded, words)
    for word, clock in words.named_times:
        folded = word.sub(clock, folded)
    for phrase, minutes in (*words.clock_after_hour, *words.clock_before_hour):
        folded = phrase.sub(functools.partial(_clock_phrase, minutes=minutes), folded)
    return _ISH.sub("", folded)


def _marked(text: str, words: ParseWords) -> str:
    """am/pm and the parts of the day replaced by their characters."""
    if words.time_marks is None:
        return text
    return words.time_marks.sub(
        lambda m: f" {_MARK_CHARS[(m.lastgroup or '').rsplit('_', 1)[0]]} ", text)


def _without_fillers(text: str, words: ParseWords) -> str:
    # Marked again: a mark may be whole only once the fillers are gone ("9 a please m").
    return " ".join(_marked(words.time_fillers.sub(" ", text), words).split())


def _read_time(text: str, words: ParseWords) -> tuple[int, int, str | None] | None:
    """``(hour, minute, mark)`` of one written time, unchecked against its mark; the
    mark is a :data:`DAY_PARTS` name."""
    match = _whole_time(words).match(text)
    if match is None:
        return None
    lead, mark = match.group("lead") if words.time_marks else None, match.group("mark")
    if lead and mark and lead != mark:
        return None  # "morgens 8 de la noche"
    said = lead or mark
    return (int(match.group("hour")), int(match.group("minute") or 0),
            _MARK_NAMES[said] if said else None)


def _to_minute(hour: int, minute: int, mark: str | None) -> int | None:
    if minute > 59 or hour > 23:
        return None
    if mark is None:
        return hour * 60 + minute
    if mark in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        return (hour % 12 + (12 if mark == "pm" else 0)) * 60 + minute
    # The parts of the day take the 24-hour clock too: "20 Uhr abends".
    if mark == "morning":
        hour = hour % 12 if hour <= 12 else -1  # "12 de la madrugada" is midnight
    elif mark == "afternoon":
        hour = hour + 12 if 1 <= hour <= 11 else hour if hour >= 12 else -1
    elif 5 <= hour <= 11:  # night: "10 de la noche", "2 Uhr nachts", "12 da noite"
        hour += 12
    elif hour == 12:
        hour = 0
    elif 13 <= hour <= 17:
        hour = -1
    return hour * 60 + minute if hour >= 0 else None


def _read_parts(parts: list[str], words: ParseWords) -> tuple[int, int | None, bool] | None:
    if not parts or "" in parts:
        return None  # "-1:00" is no time of day (nor one o'clock), "9-" no window
    read = [_read_time(p, words) for p in parts]
    times = [r for r in read if r is not None]
    if len(times) != len(read):
        return None
    if len(times) == 1:
        single = _to_minute(*times[0])
        return (single, None, times[0][2] is not None) if single is not None else None
    (h1, m1, mark1), (h2, m2, mark2) = times
    if mark1 in DAY_PARTS[2:] and mark2 is None:
        # "abends von 8 bis 10": the part of the day goes with both, unless the end
        # would come first ("de 10 de la noche a 7" ends in the morning).
        start, shared = _to_minute(h1, m1, mark1), _to_minute(h2, m2, mark1)
        if start is not None and shared is not None and shared > start:
            mark2 = mark1
    end = _to_minute(h2, m2, mark2)
    if end is None:
        return None
    if mark1 is None and mark2 is not None and h1 <= 12:
        # "9-11pm", "10 to 2pm": the first time shares the meridiem of the
        # second unless that would put it after the end.
        same = _to_minute(h1, m1, mark2)
        other = _to_minute(h1, m1, _OTHER[mark2])
        start = same if same is not None and same < end else other
    else:
        start = _to_minute(h1, m1, mark1)
    return (start, end, mark1 is not None or mark2 is not None) if start is not None else None


def _parse_times(text: str, words: ParseWords) -> tuple[int, int | None, bool] | None:
    """One time, or two (a span), and whether am/pm or a part of the day was said;
    ``None`` for anything else."""
    if len(text) > MAX_CHARS:
        return None
    prepared = _prepare(text, words)
    tail = prepared.rstrip() + " "
    if any(found.end() == len(tail) for found in words.time_separator.finditer(tail)):
        return None  # "de 9 a": a span without its end, not a time ("a" is a filler too)
    # A separator word splits the text first ("das 9 às 11"); if that leaves a side
    # with no time, the word was a filler ("às 20h", "tipo a las 9").  Where the
    # two sets of words share none (English) both readings are the same.
    split_first = [_without_fillers(part, words)
                   for part in words.time_separator.split(prepared, maxsplit=1)]
    read = _read_parts(split_first, words)
    if read is not None:
        return read
    cleaned = _without_fillers(prepared, words)
    return _read_parts(words.time_separator.split(cleaned, maxsplit=1) if cleaned else [], words)


def parse_time_window(text: str, words: ParseWords | None = None) -> str | None:
    """A time ("9", "9am", "21:30" -> ``"09:00"``) or a window within one day
    ("between 9 and 11", "9-11", "9am to 11am" -> ``"09:00-11:00"``)."""
    times = _parse_times(text, words or shipped_words())
    if times is None:
        return None
    start, end, meridiem = times
    if end is None or end == start:
        return format_clock(start)
    if end < start and not meridiem and end < NOON and end + NOON > start:
        end += NOON  # "9 to 5" is a working day, not a night
    if end < start:
        return None  # windows stay within one day; quiet hours may wrap
    return f"{format_clock(start)}-{format_clock(end)}"


def parse_quiet_hours(text: str, words: ParseWords | None = None) -> str | None:
    """Quiet hours, which may wrap midnight ("10pm-7am" -> ``"22:00-07:00"``), or
    ``"none"`` ("no quiet hours")."""
    words = words or shipped_words()
    if _fold(text) in words.no_quiet_hours:
        return NO_QUIET
    times = _parse_times(text, words)
    if times is None:
        return None
    start, end, meridiem = times
    if end is None or end == start:
        return None
    if end < start < NOON and not meridiem:
        start += NOON  # "10-7" is a night's sleep, not a day awake
    return f"{format_clock(start)}-{format_clock(end)}"


# --- days -------------------------------------------------------------------------

def parse_days(text: str, words: ParseWords | None = None) -> str | None:
    """Weekdays as stored: ``"every"`` or ``"mon,wed,fri"`` ("weekdays", "every
    day", "mon wed fri", "weekends", "mon-thu", "every day except sunday")."""
    if len(text) > MAX_CHARS:
        return None
    known = words or shipped_words()
    if known.day_suffixes is not None:
        # "segunda-feira": the word after the name goes first, dash and all.
        text = known.day_suffixes.sub("", text.casefold())
    # Folding drops a dash, so a run's dash ("mon-thu") is read as a range word first.
    folded = _fold(text.replace("-", f" {known.dash_word} "))
    if folded in known.every_day_alone:
        return EVERY_DAY
    typed = re.sub(r"[^a-z0-9]+", " ", folded).split()
    chosen: set[int] = set()
    removed: set[int] = set()
    excepting = False
    position = 0
    while position < len(typed):
        word = typed[position]
        if word in known.except_words:
            excepting = True
            position += 1
            continue
        target = removed if excepting else chosen
        # The longest group phrase first: "fin de semana", then "every day".
        size = next((size for size in range(known.longest_day_group, 1, -1)
                     if " ".join(typed[position : position + size]) in known.day_groups), 0)
        if size:
            target.update(known.day_groups[" ".join(typed[position : position + size])])
            position += size
            continue
        if word in known.day_groups:
            target.update(known.day_groups[word])
        elif word in known.day_names:
            first = known.day_names[word]
            after = typed[position + 1 : position + 3]
            if (len(after) == 2 and after[0] in known.day_range_words
                    and after[1] in known.day_names):
                last = known.day_names[after[1]]
                target.update(range(first, last + 1) if first <= last
                              else [*range(first, 7), *range(last + 1)])
                position += 3
                continue
            target.add(first)
        position += 1
    if excepting and not chosen:
        chosen = set(range(7))  # "not on sundays", "except weekends"
    days = chosen - removed
    if not days:
        return None
    if len(days) == 7:
        return EVERY_DAY
    return ",".join(WEEKDAYS[d] for d in sorted(days))


__all__ = ["parse_days", "parse_quiet_hours", "parse_time_window", "parse_timezone"]
