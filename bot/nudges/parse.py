"""What people type in the ``/nudges`` dialogue, turned into the stored settings.

Each parser takes any text and returns the value :mod:`bot.nudges.schedule`
reads (``"Europe/Berlin"``, ``"09:00-11:00"``, ``"mon,wed,fri"``), or ``None``
when it cannot tell, so that the dialogue asks again kindly.  None of them
raises, whatever the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from zoneinfo import available_timezones

from bot.nudges.schedule import EVERY_DAY, NO_QUIET, WEEKDAYS, format_clock

# Nobody types a time zone, a time or their days in more than this.
MAX_CHARS = 100

# --- time zones ---------------------------------------------------------------

# Zone folders named after regions of the world.  Places are looked up only
# there: the other names (US/Eastern, CET, Japan, Etc/GMT+2) are matched whole.
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
            "Indian", "Pacific")
# Last parts of zone names that are everyday words: "I'm in the north of
# England" must not land in Australia/North, nor "after christmas" on Christmas Island.
_NOT_PLACES = frozenset({"north", "south", "east", "west", "center", "wake", "easter",
                         "christmas", "reunion", "troll", "resolute", "virgin", "midway"})
# Places people name that are not the last part of a zone name: big cities and
# countries with one time zone.  Cities that are (London, Paris, New York) need
# no entry.
ALIASES: dict[str, str] = {
    "uk": "Europe/London", "england": "Europe/London", "scotland": "Europe/London",
    "wales": "Europe/London", "britain": "Europe/London", "great britain": "Europe/London",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "glasgow": "Europe/London",
    "birmingham": "Europe/London", "leeds": "Europe/London", "bristol": "Europe/London",
    "liverpool": "Europe/London", "northern ireland": "Europe/London",
    "ireland": "Europe/Dublin", "cork": "Europe/Dublin",
    "germany": "Europe/Berlin", "deutschland": "Europe/Berlin", "munich": "Europe/Berlin",
    "munchen": "Europe/Berlin", "hamburg": "Europe/Berlin", "cologne": "Europe/Berlin",
    "koln": "Europe/Berlin", "frankfurt": "Europe/Berlin", "stuttgart": "Europe/Berlin",
    "dusseldorf": "Europe/Berlin", "leipzig": "Europe/Berlin", "dresden": "Europe/Berlin",
    "austria": "Europe/Vienna", "switzerland": "Europe/Zurich", "geneva": "Europe/Zurich",
    "basel": "Europe/Zurich", "bern": "Europe/Zurich",
    "france": "Europe/Paris", "lyon": "Europe/Paris", "marseille": "Europe/Paris",
    "toulouse": "Europe/Paris", "nice": "Europe/Paris", "bordeaux": "Europe/Paris",
    "spain": "Europe/Madrid", "barcelona": "Europe/Madrid", "valencia": "Europe/Madrid",
    "seville": "Europe/Madrid", "portugal": "Europe/Lisbon", "porto": "Europe/Lisbon",
    "italy": "Europe/Rome", "milan": "Europe/Rome", "naples": "Europe/Rome",
    "florence": "Europe/Rome", "turin": "Europe/Rome", "venice": "Europe/Rome",
    "netherlands": "Europe/Amsterdam", "holland": "Europe/Amsterdam",
    "rotterdam": "Europe/Amsterdam", "the hague": "Europe/Amsterdam",
    "utrecht": "Europe/Amsterdam", "belgium": "Europe/Brussels", "antwerp": "Europe/Brussels",
    "denmark": "Europe/Copenhagen", "sweden": "Europe/Stockholm",
    "gothenburg": "Europe/Stockholm", "norway": "Europe/Oslo", "finland": "Europe/Helsinki",
    "poland": "Europe/Warsaw", "krakow": "Europe/Warsaw", "czechia": "Europe/Prague",
    "czech republic": "Europe/Prague", "hungary": "Europe/Budapest",
    "greece": "Europe/Athens", "romania": "Europe/Bucharest", "ukraine": "Europe/Kyiv",
    "kiev": "Europe/Kyiv", "turkey": "Europe/Istanbul", "ankara": "Europe/Istanbul",
    "russia": "Europe/Moscow", "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow", "iceland": "Atlantic/Reykjavik",
    "israel": "Asia/Jerusalem", "tel aviv": "Asia/Jerusalem", "egypt": "Africa/Cairo",
    "south africa": "Africa/Johannesburg", "cape town": "Africa/Johannesburg",
    "durban": "Africa/Johannesburg", "pretoria": "Africa/Johannesburg",
    "nigeria": "Africa/Lagos", "abuja": "Africa/Lagos", "kenya": "Africa/Nairobi",
    "ghana": "Africa/Accra", "morocco": "Africa/Casablanca", "ethiopia": "Africa/Addis_Ababa",
    "uae": "Asia/Dubai", "abu dhabi": "Asia/Dubai", "saudi arabia": "Asia/Riyadh",
    "iran": "Asia/Tehran", "pakistan": "Asia/Karachi", "lahore": "Asia/Karachi",
    "islamabad": "Asia/Karachi",
    "india": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata",
    "pune": "Asia/Kolkata", "calcutta": "Asia/Kolkata", "nepal": "Asia/Kathmandu",
    "bangladesh": "Asia/Dhaka", "sri lanka": "Asia/Colombo", "thailand": "Asia/Bangkok",
    "vietnam": "Asia/Ho_Chi_Minh", "hanoi": "Asia/Bangkok", "saigon": "Asia/Ho_Chi_Minh",
    "philippines": "Asia/Manila", "malaysia": "Asia/Kuala_Lumpur",
    "china": "Asia/Shanghai", "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai", "taiwan": "Asia/Taipei", "japan": "Asia/Tokyo",
    "osaka": "Asia/Tokyo", "kyoto": "Asia/Tokyo", "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul", "busan": "Asia/Seoul",
    "canberra": "Australia/Sydney", "new zealand": "Pacific/Auckland",
    "nz": "Pacific/Auckland", "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland", "new jersey": "America/New_York",
    "eastern time": "America/New_York", "central time": "America/Chicago",
    "mountain time": "America/Denver", "pacific time": "America/Los_Angeles",
    "central europe": "Europe/Berlin", "central european time": "Europe/Berlin",
    "nyc": "America/New_York", "boston": "America/New_York",
    "washington": "America/New_York", "washington dc": "America/New_York",
    "dc": "America/New_York", "philadelphia": "America/New_York",
    "atlanta": "America/New_York", "miami": "America/New_York",
    "pittsburgh": "America/New_York", "baltimore": "America/New_York",
    "orlando": "America/New_York", "charlotte": "America/New_York",
    "houston": "America/Chicago", "dallas": "America/Chicago", "austin": "America/Chicago",
    "san antonio": "America/Chicago", "minneapolis": "America/Chicago",
    "new orleans": "America/Chicago", "st louis": "America/Chicago",
    "nashville": "America/Chicago", "salt lake city": "America/Denver",
    "las vegas": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "la": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "san diego": "America/Los_Angeles", "san jose": "America/Los_Angeles",
    "california": "America/Los_Angeles", "oakland": "America/Los_Angeles",
    "ottawa": "America/Toronto", "montreal": "America/Toronto",
    "quebec": "America/Toronto", "calgary": "America/Edmonton",
    "mexico": "America/Mexico_City", "guadalajara": "America/Mexico_City",
    "brazil": "America/Sao_Paulo", "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo", "brasilia": "America/Sao_Paulo",
    "argentina": "America/Argentina/Buenos_Aires", "chile": "America/Santiago",
    "colombia": "America/Bogota", "peru": "America/Lima", "venezuela": "America/Caracas",
}
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


def _fold(text: str) -> str:
    """Case-folded, accents dropped, runs of space and underscores made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.replace("_", " ").replace("-", " ").replace(".", " ").split())


@functools.cache
def _zone_index() -> tuple[dict[str, str], dict[str, str]]:
    """Folded full names -> zone, and folded places (last part of a name) -> zone."""
    names = {name for name in available_timezones() if name.casefold() not in _NOT_ZONES}
    full = {_fold(name): name for name in names}
    places: dict[str, str] = {}

    # Shorter names first: America/Indianapolis before America/Indiana/Indianapolis.
    for name in sorted(names, key=lambda n: (n.count("/"), n)):
        if name.split("/")[0] not in _REGIONS:
            continue
        place = _fold(name.rsplit("/", 1)[-1])
        if place not in _NOT_PLACES:
            places.setdefault(place, name)
    for alias, name in ALIASES.items():
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


def parse_timezone(text: str) -> str | None:
    """An IANA zone name from what someone typed: a zone name in any case
    ("europe/berlin"), a city or country ("Berlin", "new york", "São Paulo",
    "UK"), or a UTC offset ("UTC+2", "+05:30", "GMT-3"); ``None`` when unsure."""
    if len(text) > MAX_CHARS:
        return None
    folded = _fold(text.replace("\u2212", "-"))
    if not folded:
        return None
    full, places = _zone_index()
    raw = " ".join(text.replace("\u2212", "-").casefold().split())
    by_offset = _offset_zone(raw)
    if by_offset is not None:
        return by_offset
    if folded in full:
        return full[folded]
    # "I'm in Berlin", "Manchester, UK": the longest run of words that names a
    # place, leftmost first.
    words = re.sub(r"[^\w/]+", " ", folded).split()
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            found = places.get(" ".join(words[start : start + size]))
            if found is not None:
                return found
    return None


# --- times ----------------------------------------------------------------------

_MERIDIEM = {"am": "am", "a m": "am", "pm": "pm", "p m": "pm"}
_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*(?P<meridiem>a\s?m|p\s?m)?"
)
NOON = 12 * 60
_NAMED_TIMES = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_FILLER = re.compile(
    r"\b(?:between|from|at|around|about|maybe|please|o\s?clock|oclock|hrs|hours|"
    r"the|only|say)\b"
)
_ISH = re.compile(r"(?<=\d)\s*-?ish\b")
_SEPARATOR = re.compile(r"\s*-\s*|\s+(?:to|and|until|till|til|through|thru)\s+")
_WHOLE_TIME = re.compile(r"^\s*" + _TIME.pattern + r"\s*$")


def _clean_times(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u2013", "-").replace("\u2014", "-").replace("a.m.", "am")
    folded = folded.replace("p.m.", "pm")
    for word, clock in _NAMED_TIMES.items():
        folded = re.sub(rf"\b{word}\b", clock, folded)
    folded = _FILLER.sub(" ", _ISH.sub("", folded))
    return " ".join(folded.split())


def _read_time(text: str) -> tuple[int, int, str | None] | None:
    """``(hour, minute, meridiem)`` of one written time, unchecked against a meridiem."""
    match = _WHOLE_TIME.match(text)
    if match is None:
        return None
    meridiem = match.group("meridiem")
    return (int(match.group("hour")), int(match.group("minute") or 0),
            _MERIDIEM[" ".join(meridiem.split())] if meridiem else None)


def _to_minute(hour: int, minute: int, meridiem: str | None) -> int | None:
    if minute > 59:
        return None
    if meridiem is None:
        return hour * 60 + minute if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    return (hour % 12 + (12 if meridiem == "pm" else 0)) * 60 + minute


def _parse_times(text: str) -> tuple[int, int | None, bool] | None:
    """One time, or two (a span), and whether am/pm was said; ``None`` for anything else."""
    if len(text) > MAX_CHARS:
        return None
    cleaned = _clean_times(text)
    parts = _SEPARATOR.split(cleaned, maxsplit=1) if cleaned else []
    if "" in parts:
        return None  # "-1:00" is no time of day (nor one o'clock), "9-" no window
    read = [_read_time(p) for p in parts]
    if not read or any(r is None for r in read):
        return None
    times = [r for r in read if r is not None]
    if len(times) == 1:
        single = _to_minute(*times[0])
        return (single, None, times[0][2] is not None) if single is not None else None
    (h1, m1, mer1), (h2, m2, mer2) = times
    end = _to_minute(h2, m2, mer2)
    if end is None:
        return None
    if mer1 is None and mer2 is not None and h1 <= 12:
        # "9-11pm", "10 to 2pm": the first time shares the meridiem of the
        # second unless that would put it after the end.
        same = _to_minute(h1, m1, mer2)
        other = _to_minute(h1, m1, "am" if mer2 == "pm" else "pm")
        start = same if same is not None and same < end else other
    else:
        start = _to_minute(h1, m1, mer1)
    return (start, end, mer1 is not None or mer2 is not None) if start is not None else None


def parse_time_window(text: str) -> str | None:
    """A time ("9", "9am", "21:30" -> ``"09:00"``) or a window within one day
    ("between 9 and 11", "9-11", "9am to 11am" -> ``"09:00-11:00"``)."""
    times = _parse_times(text)
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


_NO_QUIET_WORDS = frozenset({"none", "no", "nope", "no quiet hours", "never", "off",
                             "any time", "anytime", "no thanks"})


def parse_quiet_hours(text: str) -> str | None:
    """Quiet hours, which may wrap midnight ("10pm-7am" -> ``"22:00-07:00"``), or
    ``"none"`` ("no quiet hours")."""
    if _fold(text) in _NO_QUIET_WORDS:
        return NO_QUIET
    times = _parse_times(text)
    if times is None:
        return None
    start, end, meridiem = times
    if end is None or end == start:
        return None
    if end < start < NOON and not meridiem:
        start += NOON  # "10-7" is a night's sleep, not a day awake
    return f"{format_clock(start)}-{format_clock(end)}"


# --- days -------------------------------------------------------------------------

_DAY_WORDS = {
    name: index
    for index, names in enumerate((
        ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
        ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
        ("sun", "sunday"),
    ))
    for name in (*names, *(f"{n}s" for n in names if len(n) > 3))
}
_GROUPS = {
    "weekdays": range(5), "weekday": range(5), "workdays": range(5), "workday": range(5),
    "week days": range(5), "working days": range(5), "work days": range(5),
    "weekends": range(5, 7), "weekend": range(5, 7),
    "every day": range(7), "everyday": range(7), "daily": range(7), "all days": range(7),
    "all week": range(7), "any day": range(7), "each day": range(7), "7 days": range(7),
    "every single": range(7), "any": range(7),
}
# Said alone, these mean every day; "every monday" means mondays.
_ALONE_EVERY = frozenset({"every", "all", "all of them", "all of it", "everything"})
_EXCEPT = frozenset({"except", "but", "not", "without", "apart", "excluding", "minus"})
_RANGE_WORDS = frozenset({"to", "through", "thru", "till", "until"})


def parse_days(text: str) -> str | None:
    """Weekdays as stored: ``"every"`` or ``"mon,wed,fri"`` ("weekdays", "every
    day", "mon wed fri", "weekends", "mon-thu", "every day except sunday")."""
    if len(text) > MAX_CHARS:
        return None
    folded = _fold(text.replace("-", " to "))
    if folded in _ALONE_EVERY:
        return EVERY_DAY
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    chosen: set[int] = set()
    removed: set[int] = set()
    excepting = False
    position = 0
    while position < len(words):
        word = words[position]
        pair = " ".join(words[position : position + 2])
        if word in _EXCEPT:
            excepting = True
            position += 1
            continue
        target = removed if excepting else chosen
        if pair in _GROUPS:
            target.update(_GROUPS[pair])
            position += 2
            continue
        if word in _GROUPS:
            target.update(_GROUPS[word])
        elif word in _DAY_WORDS:
            first = _DAY_WORDS[word]
            after = words[position + 1 : position + 3]
            if len(after) == 2 and after[0] in _RANGE_WORDS and after[1] in _DAY_WORDS:
                last = _DAY_WORDS[after[1]]
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
