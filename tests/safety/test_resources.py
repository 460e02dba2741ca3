"""Crisis resources: the shipped book is complete, and lookups behave."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.safety.resources import (
    CountryResources,
    ResourceBook,
    country_from_text,
    format_resources,
    load_resource_phrases,
    load_resources,
    resource_words,
)


@pytest.fixture(scope="module")
def book() -> ResourceBook:
    return load_resources()


def test_at_least_thirty_countries(book: ResourceBook) -> None:
    assert len(book.countries) >= 30


def test_every_country_has_emergency_number_lines_and_sources(book: ResourceBook) -> None:
    for code, entry in book.countries.items():
        assert len(code) == 2, code
        assert code.isupper(), code
        assert code.isalpha(), code
        assert entry.code == code
        assert entry.emergency, code
        assert entry.source.strip(), code
        assert entry.lines, code
        assert not entry.is_fallback
        for line in entry.lines:
            assert line.source.strip(), (code, line.name)
            assert line.phone or line.text or line.url, (code, line.name)


def test_well_known_lines(book: ResourceBook) -> None:
    assert book.countries["US"].emergency == "911"
    assert any(line.phone == "988" for line in book.countries["US"].lines)
    assert book.countries["GB"].emergency == "999"
    assert any(line.phone == "116 123" for line in book.countries["GB"].lines)
    assert any(line.phone == "13 11 14" for line in book.countries["AU"].lines)


def test_international_points_to_directories(book: ResourceBook) -> None:
    intl = book.international
    assert intl.is_fallback
    urls = " ".join(line.url or "" for line in intl.lines)
    assert "findahelpline.com" in urls
    assert "iasp.info" in urls


@pytest.mark.parametrize("code", [None, "", "XX", "zz", "international"])
def test_unknown_country_falls_back(book: ResourceBook, code: str | None) -> None:
    result = book.for_country(code)
    assert result.is_fallback
    assert result == book.international


@pytest.mark.parametrize("code", ["GB", "gb", " de "])
def test_known_country_is_not_the_fallback(book: ResourceBook, code: str) -> None:
    result = book.for_country(code)
    assert not result.is_fallback
    assert result.code == code.strip().upper()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("england", "GB"),
        ("Scotland", "GB"),
        ("Northern Ireland", "GB"),
        ("gb", "GB"),
        ("ireland", "IE"),
        ("Deutschland", "DE"),
        ("I live in Germany", "DE"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("the states", "US"),
        ("I'm in the US", "US"),
        ("🇩🇪", "DE"),
        ("🇫🇷 here", "FR"),
        ("Österreich", "AT"),
        ("españa", "ES"),
        ("Brasil", "BR"),
        ("new south wales", "AU"),
        ("ich wohne in der Schweiz", "CH"),
        ("de", "DE"),
        ("Holland", "NL"),
    ],
)
def test_country_from_text(book: ResourceBook, text: str, code: str) -> None:
    assert country_from_text(text, book) == code
    assert book.country_from_text(text) == code


@pytest.mark.parametrize(
    "text",
    ["", "nowhere", "help us please", "no", "it", "I live on an island", "South America",
     "North Korea", "🇰🇵"],
)
def test_country_from_text_says_none_when_unsure(book: ResourceBook, text: str) -> None:
    assert country_from_text(text, book) is None


def test_country_from_text_loads_the_shipped_book_by_default() -> None:
    assert country_from_text("France") == "FR"


def test_format_puts_the_emergency_number_first(book: ResourceBook) -> None:
    text = format_resources(book.for_country("GB"))
    lines = text.splitlines()
    assert "999" in lines[0]
    assert any("Samaritans" in line and "116 123" in line for line in lines[1:])
    assert all(len(line) <= 120 for line in lines)  # phone screen


def test_format_fallback_names_the_directory(book: ResourceBook) -> None:
    text = format_resources(book.for_country(None))
    assert "emergency number" in text.splitlines()[0]
    assert "https://findahelpline.com" in text


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "resources.yaml"
    path.write_text(body, encoding="utf-8")
    return path


_INTL = """
international:
  name: International
  source: test
  lines:
    - {name: Directory, url: "https://example.org", source: test}
"""


def test_unknown_fields_are_rejected(tmp_path: Path) -> None:
    body = _INTL + """
countries:
  GB:
    name: United Kingdom
    emergency: "999"
    source: test
    colour: blue
    lines:
      - {name: Line, phone: "1", source: test}
"""
    with pytest.raises(ValidationError):
        load_resources(_write(tmp_path, body))


def test_a_line_needs_a_source(tmp_path: Path) -> None:
    body = _INTL + """
countries:
  GB:
    name: United Kingdom
    emergency: "999"
    source: test
    lines:
      - {name: Line, phone: "1"}
"""
    with pytest.raises(ValidationError):
        load_resources(_write(tmp_path, body))


def test_a_country_needs_an_emergency_number(tmp_path: Path) -> None:
    body = _INTL + """
countries:
  GB:
    name: United Kingdom
    source: test
    lines:
      - {name: Line, phone: "1", source: test}
"""
    with pytest.raises(ValidationError, match="emergency"):
        load_resources(_write(tmp_path, body))


def test_an_unquoted_no_key_is_explained(tmp_path: Path) -> None:
    body = _INTL + """
countries:
  NO:
    name: Norway
    emergency: "112"
    source: test
    lines:
      - {name: Line, phone: "1", source: test}
"""
    with pytest.raises(ValueError, match="quoted"):
        load_resources(_write(tmp_path, body))


def test_models_are_immutable(book: ResourceBook) -> None:
    entry: CountryResources = book.countries["GB"]
    with pytest.raises(ValidationError):
        entry.emergency = "000"  # type: ignore[misc]


def test_the_words_around_the_numbers_come_in_the_persons_language(book: ResourceBook) -> None:
    spanish = resource_words({
        "resources_call": ["llama al {phone|número}"],
        "resources_or": ["o"],
        "resources_danger": ["Si corres peligro inmediato: llama al {number|112}."],
        "resources_heading_abuse": ["Si alguien te está haciendo daño:"],
    })
    block = format_resources(book.for_country("ES"), words=spanish)
    assert block.startswith("Si corres peligro inmediato: llama al 112")
    assert "llama al 024" in block and "call" not in block
    # a topic heading of its own; a line the language lacks stays English
    harm = format_resources(book.for_country("DE"), topic="abuse", words=spanish)
    assert harm.startswith("Si alguien te está haciendo daño:")
    overdose = format_resources(book.for_country(None), topic="overdose", words=spanish)
    assert overdose.startswith("Please call your local emergency number now")


def test_every_phrase_beside_the_lines_is_said_in_each_language_the_bot_speaks(
    book: ResourceBook,
) -> None:
    english: set[str] = set()
    for country in (*book.countries.values(), book.for_country(None)):
        english.update(p for p in (country.note, country.emergency_note) if p)
        for line in (*country.lines, *(ln for lines in country.topics.values() for ln in lines)):
            english.update(p for p in (line.hours, line.note, line.text) if p)
    tables = load_resource_phrases()
    assert set(tables) >= {"es", "de", "pt"}
    for language, table in tables.items():
        assert english <= set(table), f"{language}: {sorted(english - set(table))[:3]}"


def test_the_lines_hours_and_notes_come_in_the_persons_language(book: ResourceBook) -> None:
    words = resource_words({"resources_call": ["llama al {phone|número}"]}, "es")
    block = format_resources(book.for_country("ES"), words=words)
    assert "24/7" not in block and "free" not in block


def test_japan_written_in_japanese_is_japan() -> None:
    """A trial typed "日本" at the country question and was told it was not in the list."""
    assert country_from_text("日本") == "JP"
