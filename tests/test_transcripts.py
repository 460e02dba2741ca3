"""Golden conversations, replayed through the runtime over a real SQLite file.

Each ``tests/transcripts/*.txt`` is a conversation: ``> `` lines are what the
person sends (text, ``/command``, ``[Button label]``, ``[[raw payload]]``),
``| `` lines are what the bot must answer, message by message.  ``> !restart``
restarts the bot on the same database file; ``> !redeliver`` makes the platform
deliver the last event again; ``> !wait N`` lets N seconds pass on the fake
clock and runs whatever the scheduler finds due (a pause ending, a check-in).
``#`` lines are comments.

After changing dialogue content on purpose, regenerate with
``UPDATE_GOLDEN=1 make test`` and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.harness import Bot, render

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.txt"))


async def replay(path: Path, db: Path) -> tuple[list[str], list[str]]:
    """The transcript's lines, and the same conversation with the bot's actual answers."""
    expected = path.read_text(encoding="utf-8").splitlines()
    actual: list[str] = []
    bot = Bot(db)
    await bot.start()
    person = bot.person(path.stem)
    try:
        for line in expected:
            if line.startswith("|"):
                continue
            actual.append(line)
            if not line.startswith("> "):
                continue
            said = line[2:]
            if said == "!restart":
                await bot.restart()
                continue
            if said.startswith("!wait "):
                outputs = await person.wait(float(said.split()[1]))
            elif said == "!redeliver":
                outputs = await person.redeliver()
            else:
                outputs = await person.send(said)
            for n, action in enumerate(outputs):
                if n:
                    actual.append("|")
                actual.extend(f"| {text}".rstrip() for text in render(action))
    finally:
        await bot.stop()
    return expected, actual


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
async def test_transcript(path: Path, tmp_path: Path) -> None:
    expected, actual = await replay(path, tmp_path / "bot.db")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text("\n".join(actual) + "\n", encoding="utf-8")
        return
    assert actual == expected


def test_there_are_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 6
