"""Crisis resources by country: load them, pick a country's, and show them.

One job: turn ``data/resources.yaml`` into validated, immutable models and
answer "what should this person call?".  :func:`load_resources` reads the book;
:meth:`ResourceBook.for_country` gives a country's emergency number and lines,
or the international directory when the country is unknown (the result says so);
:func:`country_from_text` reads what a person typed ("UK", "Deutschland", "the
states", "🇩🇪") into a country code; :func:`format_resources` makes a short
plain-text block for a phone screen, emergency number first.

The data file is found next to this module, so an installed package works too.
Nothing here keeps state between calls: pass a loaded book around rather than
reloading it for every message.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "DEFAULT_RESOURCES_PATH",
    "CountryResources",
    "Line",
    "ResourceBook",
    "country_from_text",
    "format_resources",
    "load_resources",
]

DEFAULT_RESOURCES_PATH = Path(__file__).parent / "data" / "resources.yaml"
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
    is_fallback: bool = False


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
    where = str(path)
    with Path(path).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
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
    return best[1] if best else None


# --- showing them -------------------------------------------------------------------


def _describe(line: Line) -> str:
    ways: list[str] = []
    if line.phone:
        ways.append(f"call {line.phone}")
    if line.text:
        ways.append(line.text)
    if not ways and line.url:
        ways.append(line.url)
    detail = " or ".join(ways)
    extras = [part for part in (line.hours, line.note) if part]
    suffix = f" ({'; '.join(extras)})" if extras else ""
    return f"{line.name}: {detail}{suffix}"


def format_resources(res: CountryResources) -> str:
    """A short plain-text block: the emergency number first, then the lines."""
    out: list[str] = []
    if res.emergency:
        note = f" ({res.emergency_note})" if res.emergency_note else ""
        out.append(f"In immediate danger: call {res.emergency}{note}.")
    else:
        out.append(res.note or "In immediate danger: call your local emergency number.")
    for line in res.lines:
        entry = _describe(line)
        if res.is_fallback and line.url and line.url not in entry:
            entry = f"{entry} {line.url}"
        out.append(entry)
    return "\n".join(out)
