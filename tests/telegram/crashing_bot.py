"""The bot as a separate process, for the crash test: ``python -m tests.telegram.crashing_bot``.

It reads its settings from the environment like the real command and serves
Telegram until the test kills it with SIGKILL, so nothing gets a chance to
clean up: exactly what a power cut or an OOM kill does.
"""

from __future__ import annotations

import asyncio

from adapters.telegram_ptb import TelegramPlatform
from bot.app import open_app, serve_platform
from bot.config import load_settings


async def main() -> None:
    settings = load_settings()
    async with open_app(settings) as app:
        await serve_platform(app, TelegramPlatform(settings), asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main())
