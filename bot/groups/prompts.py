"""The daily prompts of group wellness channels: loading ``library/prompts.yaml`` and
choosing today's.

A channel never hears the same prompt twice within :data:`NO_REPEAT_DAYS`.  The
choice is a pure function of the channel, the local date and what it heard
lately, so a daily moment handled twice (a retry after a crash) says the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.dialogue.loader import read_yaml_file
from bot.dialogue.spec import PLACEHOLDER
from bot.groups.state import SentPrompt

LIBRARY_FILE = Path("library") / "prompts.yaml"
"""Where the prompts live, relative to the dialogues folder."""
NO_REPEAT_DAYS = 30
MIN_PROMPTS = 40
"""More prompts than days without a repeat, so that there is always a choice left."""
MAX_CHARS = 400
"""A prompt is read on a phone in a busy channel: short."""
Theme = Literal["self_kindness", "common_humanity", "rest", "gratitude", "kind_act"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prompt(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    theme: Theme
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHARS)]


class PromptFile(_Model):
    prompts: tuple[Prompt, ...]


class PromptError(Exception):
    """The prompt library is not valid; ``problems`` names file and prompt."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class PromptLibrary:
    """Validated prompts, and the choice of today's prompt for a channel."""

    prompts: tuple[Prompt, ...]

    def pick(self, channel: str, today: date, recent: Sequence[SentPrompt]) -> Prompt:
        """Today's prompt for ``channel``: one it has not heard in the last 30 days,
        preferably of another theme than the last one, drawn from a hash of the
        channel and the date."""
        since = today - timedelta(days=NO_REPEAT_DAYS)
        heard = {p.id for p in recent if p.on > since}
        fresh = [p for p in self.prompts if p.id not in heard] or list(self.prompts)
        last = next((p for p in self.prompts if recent and p.id == recent[-1].id), None)
        varied = [p for p in fresh if last is None or p.theme != last.theme] or fresh
        digest = hashlib.blake2b(f"{channel}\x00{today.isoformat()}".encode(), digest_size=8)
        return varied[int.from_bytes(digest.digest(), "big") % len(varied)]


def remember(recent: Sequence[SentPrompt], prompt: Prompt, today: date) -> list[SentPrompt]:
    """``recent`` with today's prompt added and anything past the no-repeat window dropped."""
    since = today - timedelta(days=NO_REPEAT_DAYS)
    kept = [p for p in recent if p.on > since and p.on != today]
    return [*kept, SentPrompt(id=prompt.id, on=today)]


def load_prompts(path: Path) -> PromptLibrary:
    """Load and check the library; raise :class:`PromptError` listing every problem."""
    source = path.name
    raw = read_yaml_file(path, PromptError)
    try:
        content = PromptFile.model_validate(raw)
    except ValidationError as exc:
        raise PromptError([
            f"{source}: {'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        ]) from exc
    problems: list[str] = []
    seen: set[str] = set()
    for prompt in content.prompts:
        if prompt.id in seen:
            problems.append(f"{source}: prompt '{prompt.id}': the id is used twice")
        seen.add(prompt.id)
        if PLACEHOLDER.search(prompt.text):
            # Said in a shared channel: nothing can be filled in, nobody is quoted.
            problems.append(f"{source}: prompt '{prompt.id}': a prompt cannot fill anything in")
    if len(content.prompts) < MIN_PROMPTS:
        problems.append(f"{source}: {len(content.prompts)} prompts; at least {MIN_PROMPTS} "
                        f"are needed so that none repeats within {NO_REPEAT_DAYS} days")
    if problems:
        raise PromptError(problems)
    return PromptLibrary(content.prompts)


def check_prompts(folders: Sequence[Path]) -> list[str]:
    """Every problem of the prompt library in each dialogues folder that has one
    (for ``dialogues check``)."""
    problems: list[str] = []
    for folder in folders:
        path = folder / LIBRARY_FILE
        if folder.is_dir() and path.exists():
            try:
                load_prompts(path)
            except PromptError as exc:
                problems += exc.problems
    return problems
