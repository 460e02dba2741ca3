"""``/forget`` names everything it deletes, and deletes everything it names.

Each table the stores' forget touches (SQLite and PostgreSQL alike) is tied to
the words a person would recognise it by; every wording of the ``/forget``
question must carry them, so a table added to the forget without a word to the
person fails here, and so does a wording that drops one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.dialogue.loader import load_dialogues
from bot.dialogue.spec import AskChoiceStep, EndStep, SayStep
from bot.store import postgres, sqlite
from tests.harness import Bot

WORDS = {
    "users": ("safety plan", "settings", "whether I keep your answers", "country", "nudges"),
    "conversations": ("paused exercise",),
    "journal": ("journal", "check-ins", "answers", "letters", "progress chart"),
    "outbox": ("messages not yet sent",),
    "timers": ("reminders", "check-ins we agreed"),
    "subscriptions": ("nudges",),
    "group_wins": ("wins you shared in a group",),
    "group_channels": ("alert contact",),
}
"""What each table deleted (or cleared) by a forget holds, in the person's words."""
TABLE = re.compile(r"^\s*(?:DELETE FROM|UPDATE)\s+(\w+)", re.IGNORECASE)


def forgotten_tables(statements: tuple[str, ...]) -> set[str]:
    tables = set()
    for statement in statements:
        match = TABLE.match(statement)
        assert match, statement
        tables.add(match.group(1))
    return tables


@pytest.mark.parametrize("store", [sqlite, postgres], ids=["sqlite", "postgres"])
def test_every_table_a_forget_touches_has_words(store: object) -> None:
    tables = forgotten_tables(store._FORGET)  # type: ignore[attr-defined]
    assert tables - WORDS.keys() == set(), "name these in /forget, then add them to WORDS"


def test_every_wording_of_the_forget_question_names_all_of_it() -> None:
    forget = load_dialogues([Settings().dialogues_dir])["forget"]
    intro, question = forget.steps["what"], forget.steps["confirm"]
    assert isinstance(intro, SayStep) and isinstance(question, AskChoiceStep)
    for first, second in zip(intro.say, question.say, strict=True):
        said = f"{first}\n{second}"
        missing = [w for words in WORDS.values() for w in words if w not in said]
        assert not missing, f"/forget does not say it deletes {missing}:\n{said}"
    done = forget.steps["erased"]
    assert isinstance(done, EndStep) and done.say is not None
    assert all("safety plan" in wording for wording in done.say)


async def test_forget_deletes_the_safety_plan_it_names(bot: Bot, tmp_path: Path) -> None:
    person = bot.person("ana")
    for line in ("hello", "[Yes, keep them]", "UK", "/plan", "tired, not sleeping", "a walk",
                 "[Skip]", "my sister", "my GP", "[Skip]", "[Yes, keep my plan]"):
        await person.send(line)
    await person.command("export")
    assert person.last_export()["profile"]["plan_people"] == "my sister"
    said = "\n".join(await person.command("forget"))
    assert "your safety plan" in said
    await person.press("Yes, delete everything")
    await person.command("export")
    assert person.last_export()["profile"] == {}
