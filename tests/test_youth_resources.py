"""Lines for children and young people: what someone under the minimum age is shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.dialogue.loader import load_yaml_strict
from bot.safety.resources import (
    TOPICS,
    ResourceBook,
    format_resources,
    load_resources,
    resource_words,
)

DIALOGUES = Path(__file__).resolve().parents[1] / "dialogues"
HEADING = "Lines for children and young people:"
CHILD_HELPLINES = "https://childhelplineinternational.org"
# Countries in the book with no children's or young people's line certain enough
# to list: they are shown the international child helpline directory instead.
DIRECTORY_ONLY = frozenset({"BR", "MX", "AR", "CL", "KR", "IS", "IL", "HK", "SG", "TW", "TH"})


@pytest.fixture(scope="module")
def book() -> ResourceBook:
    return load_resources()


def _system_lines(language: str | None) -> dict[str, list[str]]:
    """The ``lines`` of a language's system dialogue, read on their own (so work in
    progress elsewhere in the dialogues does not hide what these say)."""
    folder = DIALOGUES if language is None else DIALOGUES / "locales" / language
    raw = load_yaml_strict((folder / "system.yaml").read_text(encoding="utf-8"))
    return {key: [value] if isinstance(value, str) else list(value)
            for key, value in raw["lines"].items()}


def test_young_people_is_a_topic() -> None:
    assert "young_people" in TOPICS


def test_uk_shows_its_own_lines_first_under_the_heading(book: ResourceBook) -> None:
    block = format_resources(book.for_country("GB"), topic="young_people").splitlines()
    assert block[0] == HEADING
    assert block[1].startswith("Childline: call 0800 1111")
    own = book.topic_lines("GB", "young_people")
    assert [line.split(":")[0] for line in block[1:1 + len(own)]] == [ln.name for ln in own]
    # then the emergency number and the usual lines, Childline not a second time
    assert block[1 + len(own)].startswith("In immediate danger: call 999")
    assert sum("0800 1111" in line for line in block) == 1
    assert any(line.startswith("Samaritans:") for line in block)


@pytest.mark.parametrize(("code", "number"), [
    ("CA", "1-800-668-6868"), ("AU", "1800 55 1800"), ("NZ", "0800 376 633"),
    ("DE", "116 111"), ("AT", "147"), ("CH", "147"), ("ES", "900 20 20 10"),
    ("FR", "119"), ("IT", "19696"), ("IE", "1800 66 66 66"), ("IN", "1098"),
    ("US", "988"),
])
def test_well_known_lines_for_young_people_come_first(
    book: ResourceBook, code: str, number: str
) -> None:
    block = format_resources(book.for_country(code), topic="young_people").splitlines()
    assert block[0] == HEADING, code
    assert re.search(rf"call {re.escape(number)}(?!\d)", block[1]), (code, block[1])


def test_france_lists_fil_sante_jeunes_too(book: ResourceBook) -> None:
    names = [line.name for line in book.topic_lines("FR", "young_people")]
    assert names[0] == "119 Allô Enfance en Danger"
    assert "Fil Santé Jeunes" in names


@pytest.mark.parametrize("code", sorted(DIRECTORY_ONLY))
def test_a_country_without_its_own_line_shows_the_international_child_helplines(
    book: ResourceBook, code: str
) -> None:
    assert book.topic_lines(code, "young_people") == book.topic_lines(None, "young_people")
    block = format_resources(book.for_country(code), topic="young_people").splitlines()
    assert block[0] == HEADING
    assert CHILD_HELPLINES in block[1]
    # and the country's own emergency number and usual lines still follow
    entry = book.for_country(code)
    assert any(entry.emergency and entry.emergency in line for line in block[2:])
    assert all(any(line.startswith(f"{ln.name}:") for line in block) for ln in entry.lines)


@pytest.mark.parametrize("code", [None, "XX", "zz", ""])
def test_an_unknown_country_shows_the_international_child_helplines(
    book: ResourceBook, code: str | None
) -> None:
    entry = book.for_country(code)
    assert entry.is_fallback
    block = format_resources(entry, topic="young_people").splitlines()
    assert block[0] == HEADING
    assert block[1].startswith("Child Helpline International:")
    assert CHILD_HELPLINES in block[1]
    assert "local emergency number" in block[2]


def test_every_country_and_the_international_entry_have_the_topic(book: ResourceBook) -> None:
    for entry in (book.international, *book.countries.values()):
        assert entry.topic_lines("young_people"), entry.code
    own = {code for code, entry in book.countries.items()
           if entry.topic_lines("young_people") != book.topic_lines(None, "young_people")}
    assert own == set(book.countries) - DIRECTORY_ONLY


def test_every_young_people_line_has_a_source_and_a_way_to_reach_it(
    book: ResourceBook,
) -> None:
    for entry in (book.international, *book.countries.values()):
        for line in entry.topic_lines("young_people"):
            assert line.source.strip(), (entry.code, line.name)
            assert line.phone or line.text or line.url, (entry.code, line.name)


def test_a_line_shown_elsewhere_in_the_book_keeps_the_same_number(book: ResourceBook) -> None:
    # The same helpline listed twice (usual lines, abuse, young people) must agree.
    for entry in (book.international, *book.countries.values()):
        seen: dict[str, tuple[str | None, str | None]] = {}
        for lines in (entry.lines, *entry.topics.values()):
            for line in lines:
                found = seen.setdefault(line.name, (line.phone, line.text))
                assert found == (line.phone, line.text), (entry.code, line.name)


@pytest.mark.parametrize(("language", "heading"), [
    ("es", "Líneas de ayuda para niños y jóvenes:"),
    ("de", "Hilfe für Kinder und Jugendliche:"),
    ("pt", "Linhas de apoio para crianças e jovens:"),
])
def test_the_heading_comes_in_the_persons_language(
    book: ResourceBook, language: str, heading: str
) -> None:
    words = resource_words(_system_lines(language), language)
    block = format_resources(book.for_country("GB"), topic="young_people", words=words)
    assert block.splitlines()[0] == heading


def test_the_english_dialogue_says_the_same_heading_as_the_code() -> None:
    assert _system_lines(None)["resources_heading_young_people"] == [HEADING]
    block = format_resources(load_resources().for_country("GB"), topic="young_people",
                             words=resource_words(_system_lines(None)))
    assert block.splitlines()[0] == HEADING


def test_a_known_adult_is_not_shown_lines_made_only_for_children(book: ResourceBook) -> None:
    """An adult in the UK with suicidal thoughts gets Samaritans and Shout, not
    Childline ("for under-19s"); someone whose age is unknown still sees it."""
    adult = format_resources(book.for_country("GB"), adult=True)
    unknown = format_resources(book.for_country("GB"))
    assert "Childline" not in adult and "Samaritans" in adult and "999" in adult
    assert "Childline" in unknown


@pytest.mark.parametrize("code", ["CA", "GB", "AU", "DE", "AT", "CH", "PL", "CZ"])
def test_every_line_marked_young_only_is_also_a_young_people_line(
        book: ResourceBook, code: str) -> None:
    """The mark hides a line from adults only; young people are shown it first,
    under their own heading, so nothing is lost for them."""
    marked = [line.name for line in book.for_country(code).lines if line.young_only]
    young = [line.name for line in book.topic_lines(code, "young_people")]
    assert marked and set(marked) <= set(young)
    adult = format_resources(book.for_country(code), adult=True)
    assert not any(name in adult for name in marked)


def test_a_line_for_every_age_stays_for_adults(book: ResourceBook) -> None:
    """988 serves young people too, but it is everyone's line."""
    assert "988" in format_resources(book.for_country("US"), adult=True)
