"""Receiving Telegram updates by webhook, for one worker or many behind one URL.

python-telegram-bot's own webhook server answers Telegram with 200 as soon as
an update is *queued*, before any handler ran: a worker killed a moment later
has accepted an update that no one will ever handle, and Telegram does not send
it again.  This server answers only after the handler returned, i.e. after the
turn was committed with its replies; a failure answers 500, and Telegram sends
the update again later (the runtime's processed-event ids make a second
delivery harmless, whichever worker it reaches).

Every request must carry the secret given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; anything else is refused with 403
before its body is read.  Several workers behind a load balancer therefore need
the same ``TELEGRAM_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY = 1024 * 1024
"""An update is a few kilobytes; a larger body is not from Telegram."""

UpdateHandler = Callable[[dict[str, Any]], Awaitable[None]]
"""Handles one update (as Telegram's JSON); returns once it is committed."""


class WebhookServer:
    """An HTTP server taking Telegram's webhook requests on ``path``."""

    def __init__(
        self, handle: UpdateHandler, *, path: str, secret: str, listen: str, port: int
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret")
        self.handle = handle
        self.path = path if path.startswith("/") else f"/{path}"
        self.listen = listen
        self.port = port
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._post)
        # No access log: a request line is harmless, but nothing here needs it.
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.listen, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        try:
            update = await request.json()
        except ValueError:  # not JSON (UnicodeDecodeError is a ValueError too)
            return web.Response(status=400)
        if not isinstance(update, dict):
            return web.Response(status=400)
        try:
            await self.handle(update)
        except Exception as exc:
            # Only the type: an exception's message can carry what the person wrote.
            log.error("webhook update not handled (%s); Telegram will send it again",
                      type(exc).__name__)
            return web.Response(status=500)
        return web.Response(status=200)
