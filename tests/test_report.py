"""``compassion-bot report``, run as the operator would run it, on a real SQLite file:
one row per UTC day with the crisis, concern and resources counts (zeros shown),
as a table or as JSON, and nothing that names anyone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import report
from bot.cli import main
from bot.crypto import generate_key
from bot.store import open_store
from bot.store.base import Commit
from bot.types import ConversationKey

TODAY = date(2024, 5, 10)
"""The UTC day the report is run on (pinned: the real clock could cross midnight)."""


@pytest.fixture
def db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared fresh database (tests/conftest.py); the report's today is :data:`TODAY`."""
    monkeypatch.setattr(report, "utc_today", lambda: TODAY)
    return db


def at(days_ago: int, hour: int = 12) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def count(db: Path, turns: list[tuple[datetime, Mapping[str, int]]],
          key: str | None = None) -> None:
    """Commit one turn per ``(at, safety counts)``, each by someone else in their own chat."""
    async def write() -> None:
        secret = None if key is None else SecretStr(key)
        async with open_store(f"sqlite:///{db}", secret) as store:
            for n, (when, counts) in enumerate(turns):
                who = ConversationKey("telegram", f"chat-{n}", f"person-{n}")
                await store.commit(Commit(who, when, 0, json.dumps({"step": "x"}),
                                          event_id=f"update-{n}", safety_counts=counts))

    asyncio.run(write())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


TURNS: list[tuple[datetime, Mapping[str, int]]] = [
    (at(0, 8), {"crisis": 1, "resources": 1}),
    (at(0, 23), {"resources": 2}),
    (at(1), {"concern": 2}),
    (at(5), {"crisis": 7}),  # before a three-day report
]


def test_a_table_with_a_row_per_day_zeros_and_totals(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count(db, TURNS)
    status, out, err = run(capsys, "report", "--days", "3")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "day (UTC)      crisis    concern  resources",
        "2024-05-08          0          0          0",
        "2024-05-09          0          2          0",
        "2024-05-10          1          0          3",
        "total               1          2          3",
    ]


def test_json_lists_every_day_of_the_period(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    count(db, TURNS)
    status, out, _ = run(capsys, "report", "--days", "7", "--json")
    assert status == 0
    days = json.loads(out)
    assert [d["day"] for d in days] == [(TODAY - timedelta(days=n)).isoformat()
                                        for n in range(6, -1, -1)]
    assert days[1] == {"day": "2024-05-05", "crisis": 7, "concern": 0, "resources": 0}
    assert days[-2:] == [{"day": "2024-05-09", "crisis": 0, "concern": 2, "resources": 0},
                         {"day": "2024-05-10", "crisis": 1, "concern": 0, "resources": 3}]
    assert sum(d["crisis"] + d["concern"] + d["resources"] for d in days) == 13


def test_thirty_days_by_default_and_an_empty_database_is_all_zeros(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "report", "--json")
    assert status == 0
    days = json.loads(out)
    assert len(days) == 30
    assert (days[0]["day"], days[-1]["day"]) == ("2024-04-11", "2024-05-10")
    assert all(d["crisis"] == d["concern"] == d["resources"] == 0 for d in days)


def test_nothing_in_the_report_names_anyone(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    count(db, TURNS)
    out = run(capsys, "report")[1] + run(capsys, "report", "--json")[1]
    for trace in ("telegram", "chat-", "person-", "update-", "step"):
        assert trace not in out


def test_an_encrypted_database_is_reported_with_its_key(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_key()
    count(db, TURNS[:1], key)
    monkeypatch.setenv("ENCRYPTION_KEY", key)
    status, out, _ = run(capsys, "report", "--days", "1", "--json")
    assert status == 0
    assert json.loads(out) == [{"day": "2024-05-10", "crisis": 1, "concern": 0, "resources": 1}]
    monkeypatch.delenv("ENCRYPTION_KEY")
    status, _, err = run(capsys, "report")
    assert status == 2
    assert "ENCRYPTION_KEY" in err


@pytest.mark.parametrize("days", ["0", "-3", "many"])
def test_days_must_be_a_positive_whole_number(
    db: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["report", f"--days={days}"])
    assert stopped.value.code == 2
    assert "--days" in capsys.readouterr().err
