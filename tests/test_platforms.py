"""The platform registry (bot.app.PLATFORMS) and the contract every platform keeps."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from adapters.console import ConsolePlatform, ConsoleSender
from bot.app import PLATFORMS, PlatformEntry, RuntimeLink, assemble_runtime, build_engine
from bot.app import configured_platforms as configured
from bot.config import Settings, SettingsError
from bot.platform import MessageLimits, Platform
from bot.store.sqlite import SqliteStore


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_registry_lists_every_platform_once() -> None:
    assert [entry.name for entry in PLATFORMS] == ["telegram", "discord", "console"]


@pytest.mark.parametrize("entry", PLATFORMS, ids=lambda e: e.name)
def test_each_platform_keeps_the_contract(entry: PlatformEntry) -> None:
    platform = entry.load(settings(telegram_token="1:x", discord_token="x"))
    assert platform.name == entry.name
    assert isinstance(platform.limits, MessageLimits)
    assert all(need.isupper() for need in platform.needs)  # environment names


@pytest.mark.parametrize(("entry", "setting"), [(PLATFORMS[0], "TELEGRAM_TOKEN"),
                                                (PLATFORMS[1], "DISCORD_TOKEN")],
                         ids=["telegram", "discord"])
def test_a_missing_token_is_refused_naming_the_setting(entry: PlatformEntry,
                                                        setting: str) -> None:
    with pytest.raises(SettingsError, match=setting):
        entry.load(settings()).check()


def test_the_terminal_runs_when_no_other_platform_is_configured() -> None:
    never = PlatformEntry("console", lambda s: False, lambda s: _Terminal(), fallback=True)
    [only] = configured(settings(), [never])
    assert only.name == "console"


def test_settings_are_checked_before_any_platform_starts() -> None:
    telegram = PLATFORMS[0]
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_URL"):
        configured(settings(telegram_token="1:x", workers=2), [telegram])


class _Terminal(ConsolePlatform):
    def __init__(self) -> None:
        super().__init__(stdin=io.StringIO(), stdout=io.StringIO(), interactive=False)


async def test_the_terminal_is_served_through_the_port(tmp_path: Path) -> None:
    """Lines in, replies out, with the outbox registered and recovered by the link."""
    out = io.StringIO()
    store = SqliteStore(tmp_path / "bot.db")
    await store.open()
    runtime = assemble_runtime(store, build_engine(Settings(_env_file=None)), {})
    terminal: Platform = ConsolePlatform(stdin=io.StringIO("/sos\n"), stdout=out,
                                         interactive=False,
                                         sender=ConsoleSender(out, tmp_path / "files"))
    link = RuntimeLink(runtime)
    try:
        await asyncio.wait_for(terminal.serve(link, asyncio.Event()), 30)
    finally:
        await link.close()
        await runtime.dispatcher.close()
        await store.close()
    assert "console" in runtime.dispatcher.senders
    assert out.getvalue().strip()  # the crisis lines were printed
