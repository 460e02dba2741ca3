"""Crisis resources by topic: what a person disclosed decides which lines come first."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from bot.safety.resources import (
    TOPICS,
    ResourceBook,
    Topic,
    format_resources,
    load_resources,
    load_resources_text,
)

# The ten most populous countries in the book.
TOP_TEN = ("IN", "US", "BR", "MX", "JP", "PH", "DE", "TH", "GB", "FR")
# No national poison or eating-disorder line could be confirmed for Mexico; the
# emergency number answers an overdose there (tested below).
NO_ED_OR_POISON_LINE = frozenset({"MX"})


@pytest.fixture(scope="module")
def book() -> ResourceBook:
    return load_resources()


def test_topic_names() -> None:
    assert set(get_args(Topic)) == {"suicide", "self_harm", "abuse", "eating_disorder", "overdose",
                                    "young_people"}
    assert set(TOPICS) == set(get_args(Topic))


@pytest.mark.parametrize("code", TOP_TEN)
def test_top_ten_answer_abuse(book: ResourceBook, code: str) -> None:
    lines = book.topic_lines(code, "abuse")
    assert lines, code
    assert book.countries[code].topic_lines("abuse") == lines


@pytest.mark.parametrize("code", sorted(set(TOP_TEN) - NO_ED_OR_POISON_LINE))
def test_top_ten_answer_eating_or_overdose(book: ResourceBook, code: str) -> None:
    assert book.topic_lines(code, "eating_disorder") or book.topic_lines(code, "overdose"), code


def test_international_answers_abuse_and_eating(book: ResourceBook) -> None:
    assert book.topic_lines(None, "abuse")
    assert book.topic_lines("XX", "eating_disorder")


def test_every_topic_line_names_a_source_and_a_way_to_reach_it(book: ResourceBook) -> None:
    for entry in (book.international, *book.countries.values()):
        for topic, lines in entry.topics.items():
            assert topic != "suicide", entry.code
            for line in lines:
                assert line.source.strip(), (entry.code, topic, line.name)
                assert line.phone or line.text or line.url, (entry.code, topic, line.name)


def test_no_helpline_that_has_closed(book: ResourceBook) -> None:
    # NEDA's helpline closed in 2023; its old number must not be offered.
    for entry in (book.international, *book.countries.values()):
        for lines in (entry.lines, *entry.topics.values()):
            for line in lines:
                assert "931-2237" not in (line.phone or ""), line.name
                assert "NEDA" not in line.name


# --- what the person sees ---------------------------------------------------------


@pytest.mark.parametrize("code", [None, "XX", "zz"])
def test_overdose_unknown_country_starts_with_emergency_advice(
    book: ResourceBook, code: str | None
) -> None:
    lines = format_resources(book.for_country(code), "overdose").splitlines()
    first = lines[0]
    assert first.startswith("Please call your local emergency number now")
    assert "even if you feel fine" in first
    assert "emergency department" in first
    assert "112" in lines[1]
    assert "hours" in lines[1]  # effects can be delayed
    assert any("findahelpline.com" in line for line in lines)


@pytest.mark.parametrize("code", [*TOP_TEN, "KR", "ZA"])
def test_overdose_known_country_starts_with_its_emergency_number(
    book: ResourceBook, code: str
) -> None:
    res = book.for_country(code)
    first = format_resources(res, "overdose").splitlines()[0]
    assert first.startswith(f"Please call {res.emergency}")
    assert "now" in first
    assert "even if you feel fine" in first


def test_overdose_lists_the_poison_line_after_the_emergency_advice(book: ResourceBook) -> None:
    lines = format_resources(book.for_country("US"), "overdose").splitlines()
    assert lines[0].startswith("Please call 911 now")
    poison = next(i for i, line in enumerate(lines) if "1-800-222-1222" in line)
    lifeline = next(i for i, line in enumerate(lines) if "988" in line)
    assert 0 < poison < lifeline


def test_gb_abuse_lists_domestic_abuse_helpline_before_suicide_lines(book: ResourceBook) -> None:
    text = format_resources(book.for_country("GB"), "abuse")
    lines = text.splitlines()
    assert lines[0] == "If someone is hurting you, or a child is being hurt:"
    helpline = next(i for i, line in enumerate(lines) if "0808 2000 247" in line)
    emergency = next(i for i, line in enumerate(lines) if "999" in line)
    samaritans = next(i for i, line in enumerate(lines) if "Samaritans" in line)
    assert helpline < emergency < samaritans
    assert "NSPCC" in text
    assert text.count("Childline") == 1  # a line in both lists is shown once, first
    assert all(len(line) <= 120 for line in lines)  # phone screen


def test_eating_disorder_lines_come_first(book: ResourceBook) -> None:
    lines = format_resources(book.for_country("GB"), "eating_disorder").splitlines()
    assert "Beat" in lines[1]
    assert "0808 801 0677" in lines[1]
    assert any("999" in line for line in lines[2:])
    us = format_resources(book.for_country("US"), "eating_disorder")
    assert us.index("1-888-375-7767") < us.index("988")


def test_topic_without_lines_gives_the_usual_block(book: ResourceBook) -> None:
    res = book.for_country("KR")  # no topic lines in the book
    assert format_resources(res, "eating_disorder") == format_resources(res)
    assert format_resources(res, "self_harm") == format_resources(res)


# Output of format_resources before topics existed, for a few countries.
_BEFORE = {
    "GB": (
        "In immediate danger: call 999 (112 also works).\n"
        "Samaritans: call 116 123 (24/7, free)\n"
        "Shout: text SHOUT to 85258 (24/7)\n"
        "Childline: call 0800 1111 (for under-19s)"
    ),
    "US": (
        "In immediate danger: call 911.\n"
        "988 Suicide & Crisis Lifeline: call 988 or text 988 (24/7)\n"
        "Crisis Text Line: text HOME to 741741 (24/7)"
    ),
    "IN": (
        "In immediate danger: call 112.\n"
        "Tele-MANAS: call 14416 (24/7, free; or 1-800-891-4416)\n"
        "AASRA: call +91 98204 66726 (24/7)"
    ),
    None: (
        "If you are in immediate danger, call your local emergency number "
        "(112 works from mobiles in much of the world).\n"
        "Find A Helpline: https://findahelpline.com "
        "(free, confidential helplines for your country)\n"
        "IASP crisis centres: https://www.iasp.info/crisis-centres-helplines/"
    ),
}


@pytest.mark.parametrize("code", list(_BEFORE))
def test_format_without_topic_is_unchanged(book: ResourceBook, code: str | None) -> None:
    res = book.for_country(code)
    assert format_resources(res) == _BEFORE[code]
    assert format_resources(res, None) == _BEFORE[code]
    assert format_resources(res, "suicide") == _BEFORE[code]


def test_an_unknown_topic_label_still_gives_resources(book: ResourceBook) -> None:
    res = book.for_country("GB")
    assert format_resources(res, "gambling") == _BEFORE["GB"]


# --- the book refuses what it cannot use -----------------------------------------

_BOOK = """
international:
  name: International
  source: test
  lines:
    - {{name: Directory, url: "https://example.org", source: test}}
countries:
  GB:
    name: United Kingdom
    emergency: "999"
    source: test
    lines:
      - {{name: Line, phone: "1", source: test}}
    topics:
      {key}:
        - {{name: Topic line, phone: "2", source: test}}
"""


def test_topics_load_from_text() -> None:
    loaded = load_resources_text(_BOOK.format(key="abuse"))
    assert [line.name for line in loaded.topic_lines("GB", "abuse")] == ["Topic line"]
    assert loaded.topic_lines("GB", "overdose") == ()


@pytest.mark.parametrize("key", ["abuze", "domestic_violence", "Abuse"])
def test_an_unknown_topic_is_refused_naming_country_and_key(key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_resources_text(_BOOK.format(key=key))
    message = str(caught.value)
    assert "country GB" in message
    assert repr(key) in message
    assert "unknown topic" in message


def test_suicide_is_not_a_topic_key() -> None:
    with pytest.raises(ValidationError, match=r"country GB: .* the country's 'lines'"):
        load_resources_text(_BOOK.format(key="suicide"))


def test_an_empty_topic_is_refused() -> None:
    body = _BOOK.format(key="abuse").replace(
        '        - {name: Topic line, phone: "2", source: test}\n', ""
    )
    with pytest.raises(ValidationError, match="country GB: topic 'abuse' has no lines"):
        load_resources_text(body)


def test_a_topic_line_needs_a_source() -> None:
    body = _BOOK.format(key="overdose").replace(
        '{name: Topic line, phone: "2", source: test}', '{name: Topic line, phone: "2"}'
    )
    with pytest.raises(ValidationError, match="source"):
        load_resources_text(body)


def test_international_topics_are_checked_too() -> None:
    intl_topics = '  topics:\n    selfharm:\n      - {name: X, url: "https://x.org", source: t}\n'
    body = _BOOK.format(key="abuse").replace(
        "source: test}\ncountries:", f"source: test}}\n{intl_topics}countries:"
    )
    with pytest.raises(ValidationError, match="international: unknown topic 'selfharm'"):
        load_resources_text(body)
