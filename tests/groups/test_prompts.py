"""The daily prompt library: its content, its loader, and no repeat within 30 days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.groups.prompts import (
    LIBRARY_FILE,
    MIN_PROMPTS,
    NO_REPEAT_DAYS,
    PromptError,
    PromptLibrary,
    load_prompts,
    remember,
)
from bot.groups.state import SentPrompt

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return load_prompts(REPO / "dialogues" / LIBRARY_FILE)


def test_the_library_has_every_theme_and_enough_prompts(library: PromptLibrary) -> None:
    assert len(library.prompts) >= MIN_PROMPTS
    themes = {p.theme for p in library.prompts}
    assert themes == {"self_kindness", "common_humanity", "rest", "gratitude", "kind_act"}
    assert all(p.text.startswith("Today's prompt: ") for p in library.prompts)
    assert all("!" not in p.text and "you should" not in p.text.casefold()
               for p in library.prompts)


@pytest.mark.parametrize("channel", ["g1", "-100123", "discord-42"])
def test_no_prompt_repeats_within_thirty_days(library: PromptLibrary, channel: str) -> None:
    recent: list[SentPrompt] = []
    said: list[str] = []
    day = date(2026, 1, 1)
    for n in range(120):
        prompt = library.pick(channel, day + timedelta(days=n), recent)
        recent = remember(recent, prompt, day + timedelta(days=n))
        said.append(prompt.id)
        assert len(recent) <= NO_REPEAT_DAYS
    for start in range(len(said) - NO_REPEAT_DAYS):
        window = said[start:start + NO_REPEAT_DAYS]
        assert len(set(window)) == NO_REPEAT_DAYS


def test_the_choice_is_stable_and_themes_vary(library: PromptLibrary) -> None:
    day = date(2026, 5, 1)
    first = library.pick("g1", day, [])
    assert library.pick("g1", day, []) == first
    following = library.pick("g1", day + timedelta(days=1), [SentPrompt(id=first.id, on=day)])
    assert following.theme != first.theme


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "prompts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_loader_errors_name_the_file_and_the_prompt(tmp_path: Path) -> None:
    entries = "".join(
        f"  - {{id: p{n}, theme: rest, text: 'Rest a little, number {n}.'}}\n" for n in range(39))
    body = "prompts:\n" + entries + "  - {id: p1, theme: rest, text: 'Hello {name}'}\n"
    with pytest.raises(PromptError) as raised:
        load_prompts(write(tmp_path, body))
    problems = "\n".join(raised.value.problems)
    assert "prompts.yaml: prompt 'p1': the id is used twice" in problems
    assert "cannot fill anything in" in problems


def test_too_few_prompts_and_bad_schema_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="at least 40"):
        load_prompts(write(tmp_path, "prompts:\n  - {id: a, theme: rest, text: 'Rest.'}\n"))
    with pytest.raises(PromptError, match="theme"):
        load_prompts(write(tmp_path, "prompts:\n  - {id: a, theme: joy, text: 'Rest.'}\n"))
    with pytest.raises(PromptError, match="cannot read"):
        load_prompts(tmp_path / "missing.yaml")


def test_a_key_given_twice_in_one_prompt_is_refused(tmp_path: Path) -> None:
    """Read with the dialogues' strict YAML: a second ``text:`` pasted into a prompt
    would otherwise silently replace the first."""
    entries = "".join(
        f"  - {{id: p{n}, theme: rest, text: 'Rest a little, number {n}.'}}\n" for n in range(40))
    body = "prompts:\n" + entries + "  - id: twice\n    theme: rest\n    text: A.\n    text: B.\n"
    with pytest.raises(PromptError, match="duplicate key 'text'"):
        load_prompts(write(tmp_path, body))
