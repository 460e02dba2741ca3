"""Fixtures shared by the core tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.harness import Bot

# Onboarding asks for the minimum age (MIN_AGE, 18 by default).  The tests of other
# features script onboarding without that question, here and in the processes they
# start; tests/test_age_gate.py sets the age itself and checks the default.
os.environ.setdefault("MIN_AGE", "0")

# Property tests are pinned: in CI (and by default) every run tries the same
# examples, so a failure seen once is seen again; HYPOTHESIS_PROFILE=nightly
# explores ten times as many, freshly drawn, to find what the pinned run misses.
settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None,
                          print_blob=True)
settings.register_profile("nightly", max_examples=1000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", derandomize=True, max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATABASE_URL points at a fresh SQLite file, for the command-line tools; no
    encryption key unless a test sets one."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("ENCRYPTION_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    return path


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The whole bot on a fresh SQLite file, started, and stopped afterwards."""
    bot = Bot(tmp_path / "bot.db")
    await bot.start()
    yield bot
    await bot.stop()
