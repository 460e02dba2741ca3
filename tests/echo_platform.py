"""A whole platform in one module, as ``adapters/<name>.py`` is one: its own settings
(``ECHO_*``), its limits and pacing, when it is wanted, and ``serve``.

Nothing else is edited for it: ``tests/test_platforms.py`` adds one registry entry
(``PlatformEntry("echo", ...)``) and the settings, the pacing, the dialogue checks
and the runtime take it from there.  It "receives" one command from its settings
(``ECHO_GREETING``) and keeps what the bot sends back.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Final

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from bot.config import PlatformSettings, Settings, SettingsError
from bot.platform import MessageLimits, Pacing, PlatformSpec, RuntimePort
from bot.types import CommandMessage, ConversationKey, Outbound

PLATFORM: Final = "echo"


class EchoSettings(PlatformSettings):
    model_config = SettingsConfigDict(env_prefix="ECHO_")

    token: SecretStr | None = None
    max_rate: float = Field(5.0, gt=0)
    greeting: str = "help"


class EchoSender:
    def __init__(self) -> None:
        self.sent: list[tuple[ConversationKey, Outbound]] = []

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        self.sent.append((key, action))


class EchoPlatform:
    name: Final = PLATFORM
    limits: Final = MessageLimits(message_chars=1000, button_label_chars=60)
    needs: Final = ("ECHO_TOKEN", "ECHO_MAX_RATE", "ECHO_GREETING")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.platform(EchoSettings)
        self.sender = EchoSender()

    def check(self) -> None:
        if self.settings.token is None:
            raise SettingsError("ECHO_TOKEN is not set")

    async def serve(self, port: RuntimePort, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
        await port.connected(self.name, self.sender)
        key = ConversationKey(PLATFORM, "chat", "person")
        event = CommandMessage(key, "update-1", datetime.now(UTC),
                               command=self.settings.greeting)
        guard = port.guard()
        try:
            watch = guard.watch(event, self.sender.send)
            await guard.run(watch, lambda shown: port.handle(event, floor=shown))
        finally:
            await guard.close()
        if ready is not None:
            ready.set()
        await stop.wait()


def _wanted(settings: Settings) -> bool:
    return settings.platform(EchoSettings).token is not None


def _pacing(settings: Settings) -> Pacing:
    return Pacing(per_second=settings.platform(EchoSettings).max_rate, per_chat=1.0,
                  chat_burst=2)


SPEC: Final = PlatformSpec(name=PLATFORM, limits=EchoPlatform.limits, create=EchoPlatform,
                           settings_model=EchoSettings, wanted=_wanted, pacing=_pacing)
