"""The words the settings parsers accept (``dialogues/library/words.yaml``): checked at
load with problems naming file, language and entry, and passed to the parsers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.app import build_engine
from bot.config import Settings
from bot.nudges.parse import parse_days, parse_quiet_hours, parse_time_window, parse_timezone
from bot.nudges.words import (
    WORDS_FILE,
    WordsError,
    check_words,
    load_words,
    parse_words,
    shipped_words,
)

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"


def english() -> dict[str, object]:
    """The shipped English section, as parsed YAML, to be spoiled by one test."""
    raw = yaml.safe_load((DIALOGUES / WORDS_FILE).read_text(encoding="utf-8"))
    section: dict[str, object] = raw["en"]
    return section


def test_the_shipped_words_are_valid() -> None:
    assert check_words([DIALOGUES]) == []
    assert shipped_words() is shipped_words()  # read once


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("day_groups", {"weekdays": ["mon", "mo"]},
         "words.yaml: en.day_groups.weekdays: 'mo' is not one of mon, tue"),
        ("days", [["mon"], ["tue"]], "words.yaml: en.days: needs 7 lists of names"),
        ("named_times", {"noon": "twelve"}, "words.yaml: en.named_times.noon: 'twelve' is not"),
        ("no_quiet_hours", ["No Thanks"],
         "words.yaml: en.no_quiet_hours: 'No Thanks': write it as 'no thanks'"),
        ("places", {"münchen": "Europe/Berlin"},
         "words.yaml: en.places: 'münchen': write it as 'munchen'"),
        ("time_separators", [], "words.yaml: en.time_separators: List should have at least 1"),
        ("except_words", "except", "words.yaml: en.except_words: Input should be a valid list"),
        ("weekdays", ["mon"], "words.yaml: en.weekdays: Extra inputs are not permitted"),
    ],
)
def test_a_malformed_words_file_names_file_language_and_entry(
    entry: str, value: object, expected: str
) -> None:
    section = english()
    section[entry] = value
    with pytest.raises(WordsError) as caught:
        parse_words({"en": section}, "words.yaml")
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_a_missing_language_or_a_broken_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text("en:\n  days: []\n  days: []\n", encoding="utf-8")
    with pytest.raises(WordsError, match=r"words\.yaml: duplicate key 'days' \(line 3\)"):
        load_words(path)
    with pytest.raises(WordsError, match=r"words\.yaml: no section for language 'xx'"):
        load_words(DIALOGUES / WORDS_FILE, "xx")


def test_a_broken_words_file_stops_the_start_and_fails_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, folder)
    path = folder / WORDS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("noon: \"12:00\"", "noon: \"x\""),
                    encoding="utf-8")
    with pytest.raises(WordsError, match=r"en\.named_times\.noon"):
        build_engine(Settings(dialogues_dir=folder))
    assert check_words([folder])[0].startswith("words.yaml: en.named_times.noon")


def test_the_parsers_read_the_words_they_are_given() -> None:
    # Another language is another section of the file (issue 18); a made-up
    # French one shows that the parsers depend on nothing else.
    section = english()
    section.update(
        days=[["lun", "lundi"], ["mar", "mardi"], ["mer", "mercredi"], ["jeu", "jeudi"],
              ["ven", "vendredi"], ["sam", "samedi"], ["dim", "dimanche"]],
        day_plural="", day_range_words=["a", "au"], except_words=["sauf"],
        day_groups={"semaine": ["mon", "tue", "wed", "thu", "fri"]},
        named_times={"midi": "12:00"}, time_separators=["a", "et"],
        no_quiet_hours=["non"], places={"allemagne": "Europe/Berlin"},
    )
    french = parse_words({"fr": section}, "words.yaml")["fr"]
    assert parse_days("lundi-mercredi", french) == "mon,tue,wed"
    assert parse_days("semaine sauf mercredi", french) == "mon,tue,thu,fri"
    assert parse_days("mondays", french) is None
    assert parse_time_window("9 a midi", french) == "09:00-12:00"
    assert parse_quiet_hours("non", french) == "none"
    assert parse_timezone("Allemagne", french) == "Europe/Berlin"
    assert parse_timezone("Allemagne") is None  # the shipped English knows no such place
