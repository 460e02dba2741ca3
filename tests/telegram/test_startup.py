"""Starting on Telegram: the token check, the command menu, polling and the webhook."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from adapters.telegram_ptb import TelegramPlatform, TelegramStartupError, check_token
from benchmarks.fake_bot_api import BOT_USERNAME, FakeBotAPI
from bot.app import open_app, serve_platform
from tests.telegram.harness import TelegramBot, settings_for


async def test_a_rejected_token_is_one_clear_line_naming_the_setting(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = settings_for(api, tmp_path / "bot.db", telegram_token="123456789:not-the-token")
    async with open_app(settings) as app:
        with pytest.raises(TelegramStartupError) as caught:
            await serve_platform(app, TelegramPlatform(settings), asyncio.Event())
    message = str(caught.value)
    assert "TELEGRAM_TOKEN" in message
    assert "\n" not in message
    assert "not-the-token" not in message  # never echo a token
    assert not api.calls_to("getUpdates")


async def test_check_token(api: FakeBotAPI, tmp_path: Path) -> None:
    me = await check_token(settings_for(api, tmp_path / "bot.db"))
    assert me.username == BOT_USERNAME
    with pytest.raises(TelegramStartupError, match="TELEGRAM_TOKEN"):
        await check_token(settings_for(api, tmp_path / "bot.db", telegram_token=None))
    with pytest.raises(TelegramStartupError, match="TELEGRAM_TOKEN"):
        await check_token(settings_for(api, tmp_path / "bot.db", telegram_token="1:x"))


async def test_an_unreachable_bot_api_names_the_base_url(tmp_path: Path) -> None:
    async with FakeBotAPI() as gone:
        base_url = gone.base_url
    settings = settings_for(gone, tmp_path / "bot.db", telegram_base_url=base_url)
    with pytest.raises(TelegramStartupError, match="TELEGRAM_BASE_URL"):
        await check_token(settings)


async def test_the_command_menu_is_published(bot: TelegramBot, api: FakeBotAPI) -> None:
    calls = [c for c in api.calls_to("setMyCommands") if "language_code" not in c.params]
    scopes = {c.params["scope"]["type"]: [cmd["command"] for cmd in c.params["commands"]]
              for c in calls}
    private = scopes["all_private_chats"]
    assert {"start", "talk", "help", "sos", "stop", "forget", "export", "resume"} <= set(private)
    assert all(cmd["description"] for c in calls for cmd in c.params["commands"])
    # In a group: help, crisis lines and the wellness commands; the rest is private.
    assert set(scopes["all_group_chats"]) == {"help", "sos", "wellness", "checkin", "win"}


async def test_the_menu_follows_the_persons_app_language(bot: TelegramBot,
                                                         api: FakeBotAPI) -> None:
    menus: dict[tuple[str | None, str], dict[str, str]] = {}
    for call in api.calls_to("setMyCommands"):
        key = (call.params.get("language_code"), call.params["scope"]["type"])
        menus[key] = {cmd["command"]: cmd["description"] for cmd in call.params["commands"]}
    assert {language for language, _ in menus} == {None, "es", "de", "pt"}
    english, spanish = menus[(None, "all_private_chats")], menus[("es", "all_private_chats")]
    assert english.keys() == spanish.keys()  # the same commands, typed the same
    assert english["language"] == "Choose the language I speak with you."
    assert spanish["language"] == "Elige el idioma en el que te hablo."
    assert menus[("de", "all_group_chats")].keys() == menus[(None, "all_group_chats")].keys()


async def test_polling_starts_without_a_webhook(bot: TelegramBot, api: FakeBotAPI) -> None:
    assert api.calls_to("deleteWebhook")
    polls = api.calls_to("getUpdates")
    assert polls
    assert set(polls[0].params["allowed_updates"]) == {
        "message", "callback_query", "my_chat_member", "poll"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_webhook_mode_checks_the_secret_on_every_request(api: FakeBotAPI,
                                                               tmp_path: Path) -> None:
    port = free_port()
    bot = TelegramBot(
        api, tmp_path / "bot.db",
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port,
        telegram_webhook_secret="s3cret-Token_1",
    )
    await bot.start()
    try:
        assert api.webhook is not None
        assert api.webhook["url"] == f"http://127.0.0.1:{port}/telegram/hook"
        assert api.webhook["secret_token"] == "s3cret-Token_1"
        assert not api.calls_to("getUpdates")

        forged = api.private_message(321, "/help")
        assert await api.post_webhook(forged, secret="guess") == 403
        assert await api.post_webhook(forged, secret="") == 403
        genuine = api.private_message(321, "/stop")
        assert await api.post_webhook(genuine) == 200
        await bot.settled(genuine)
        replies = api.messages(321)
        assert len(replies) == 1  # only the genuine update was acted on
        assert not (await bot.app.store.load(bot.person(321).key, f"u{forged['update_id']}")
                    ).duplicate
    finally:
        await bot.stop()


async def test_webhook_mode_without_a_secret_still_requires_one(api: FakeBotAPI,
                                                                tmp_path: Path) -> None:
    port = free_port()
    bot = TelegramBot(
        api, tmp_path / "bot.db",
        telegram_webhook_url=f"http://127.0.0.1:{port}/hook",
        telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port,
    )
    await bot.start()
    try:
        assert api.webhook is not None
        assert len(api.webhook["secret_token"]) >= 32  # generated for this run
        update = api.private_message(322, "/stop")
        assert await api.post_webhook(update, secret="") == 403
        assert await api.post_webhook(update) == 200
        await bot.settled(update)
    finally:
        await bot.stop()
