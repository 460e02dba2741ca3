"""A fake Telegram Bot API server, for the adapter's tests and benchmark.

An aiohttp server on 127.0.0.1 (random port) that speaks enough of the Bot API
for python-telegram-bot to run against it unchanged: point PTB's ``base_url``
at :attr:`FakeBotAPI.base_url` (``http://127.0.0.1:PORT/bot``; PTB appends the
token).  It queues updates for ``getUpdates`` (honouring ``offset`` the way
Telegram does: an offset confirms every update below it), can push them to a
webhook, records every call, and can be told to fail or hang the next call to
a method.  Nothing here reaches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

TOKEN = "123456789:AAfake-token_for-the-test-server_0000"
BOT_ID = 123456789
BOT_USERNAME = "compassion_test_bot"

# PTB posts each parameter as a form field; values that are not strings are
# JSON-encoded, strings are sent as they are.  These fields are always strings,
# so a message that reads "5" or "true" stays the text the person typed.
_STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "action", "callback_query_id", "url", "secret_token",
    "description", "short_description", "language_code", "filename", "ip_address",
})


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    status: int | None = None
    """HTTP status answered; ``None`` while the request hangs (or was abandoned)."""
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row flattened."""
        markup = self.params.get("reply_markup") or {}
        rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def rows(self) -> list[list[str]]:
        markup = self.params.get("reply_markup") or {}
        return [[b["text"] for b in row] for row in markup.get("inline_keyboard", [])]


@dataclass
class Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None = None


class FakeBotAPI:
    """The fake server.  ``async with FakeBotAPI() as api:`` starts and stops it."""

    def __init__(self, *, token: str = TOKEN, long_poll: float = 0.1) -> None:
        self.token = token
        self.long_poll = long_poll
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Compassion",
                         "username": BOT_USERNAME}
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.served: dict[int, float] = {}
        """update_id -> when getUpdates first handed it out (or it was posted to the webhook)."""
        self.times_served: Counter[int] = Counter()
        """update_id -> how often getUpdates handed it out."""
        self._queue: list[dict[str, Any]] = []
        self._redeliver: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, deque[Failure]] = {}
        self._flaky: dict[str, tuple[float, float, int, random.Random]] = {}
        self._hangs: dict[str, int] = {}
        self._release = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._chats: dict[int, dict[str, Any]] = {}
        self.admins: dict[int, set[int]] = {}
        self.closed_chats: set[int] = set()
        """Private chats the bot may not write to first (the person never started it)."""
        """chat id -> the users getChatMember reports as its creator."""
        self.polls: dict[str, dict[str, Any]] = {}
        """poll id -> the poll as sent."""
        self._poll_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/control/queue", self._control_queue)
        app.router.add_get("/control/stats", self._control_stats)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        self._release.set()  # hung requests may finish now
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what the test tells the fake ----------------------------------------

    def fail_next(self, method: str, status: int, description: str = "",
                  *, retry_after: int | None = None, times: int = 1,
                  parameters: dict[str, Any] | None = None) -> None:
        """Answer the next ``times`` calls to ``method`` with an error (``parameters`` as
        the Bot API's ResponseParameters, e.g. ``migrate_to_chat_id``)."""
        parameters = dict(parameters or {})
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        text = description or {
            400: "Bad Request: chat not found", 403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after}", 502: "Bad Gateway",
        }.get(status, "Error")
        queue = self._failures.setdefault(method, deque())
        queue.extend(Failure(status, text, parameters or None) for _ in range(times))

    def fail_randomly(self, method: str, *, rate_429: float = 0.0, rate_500: float = 0.0,
                      retry_after: int = 1, seed: int = 0) -> None:
        """From now on answer each call to ``method`` with 429 (flood control, asking to
        wait ``retry_after`` seconds) or 500 at these rates, at random (``seed``d);
        rates of 0 stop it.  Nothing is done for a call that fails."""
        if rate_429 <= 0 and rate_500 <= 0:
            self._flaky.pop(method, None)
            return
        self._flaky[method] = (rate_429, rate_500, retry_after, random.Random(seed))

    def hang_next(self, method: str) -> None:
        """Never answer the next call to ``method`` (until the server closes)."""
        self._hangs[method] = self._hangs.get(method, 0) + 1

    def private_message(self, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        """Queue a message typed in a private chat; returns the update."""
        chat = {"id": user_id, "type": "private", "first_name": f"Person{user_id}"}
        return self.queue_message(chat, user_id, text, **extra)

    def group_message(
        self, chat_id: int, user_id: int, text: str, *, reply_to_bot: bool = False,
        supergroup: bool = True,
    ) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup" if supergroup else "group",
                "title": "Wellness circle"}
        extra: dict[str, Any] = {}
        if reply_to_bot:
            extra["reply_to_message"] = {
                "message_id": 1, "date": int(time.time()), "chat": chat, "from": self.bot_user,
                "text": "Earlier message from the bot",
            }
        return self.queue_message(chat, user_id, text, **extra)

    def queue_message(self, chat: dict[str, Any], user_id: int, text: str,
                      **extra: Any) -> dict[str, Any]:
        return self.queue(self.message_body(chat, user_id, text, **extra))

    def message_body(self, chat: dict[str, Any], user_id: int, text: str,
                     **extra: Any) -> dict[str, Any]:
        """An update's body for a message ``text`` (without ``update_id``), not queued."""
        self._chats[chat["id"]] = chat
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": f"Person{user_id}"},
            "text": text, **extra,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        return {"message": message}

    def private_message_body(self, user_id: int, text: str) -> dict[str, Any]:
        """What :meth:`private_message` queues, only built (no ``update_id``)."""
        chat = {"id": user_id, "type": "private", "first_name": f"Person{user_id}"}
        return self.message_body(chat, user_id, text)

    def press(self, user_id: int, data: str, *, chat_id: int | None = None) -> dict[str, Any]:
        """Queue a press on a button with callback data ``data``, on the bot's latest
        message in the chat that carries it (or the latest message at all, as a
        client would still show an old keyboard)."""
        chat_id = user_id if chat_id is None else chat_id
        message = None
        for call in reversed(self.calls):
            if call.method == "sendMessage" and call.ok and call.chat_id == chat_id:
                if any(b.get("callback_data") == data for b in call.buttons()):
                    message = call.result
                    break
                message = message or call.result
        if message is None:
            raise AssertionError(f"the bot sent no message to chat {chat_id}")
        query = {
            "id": str(next(self._callback_ids)), "chat_instance": f"ci{chat_id}", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"Person{user_id}"},
            "message": message,
        }
        return self.queue({"callback_query": query})

    def queue_press(self, user_id: int, data: str) -> dict[str, Any]:
        """Queue a press in a private chat without looking for the message it sits on
        (for a benchmark that queues a whole conversation before the bot has spoken)."""
        return self.queue(self.press_body(user_id, data))

    def press_body(self, user_id: int, data: str) -> dict[str, Any]:
        """What :meth:`queue_press` queues, only built (no ``update_id``)."""
        chat = {"id": user_id, "type": "private", "first_name": f"Person{user_id}"}
        self._chats[user_id] = chat
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": chat, "from": self.bot_user, "text": "?"}
        query = {
            "id": str(next(self._callback_ids)), "chat_instance": f"ci{user_id}", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"Person{user_id}"},
            "message": message,
        }
        return {"callback_query": query}

    def poll_votes(self, poll_id: str, counts: list[int]) -> dict[str, Any]:
        """Queue the ``poll`` update Telegram sends when a poll's counts change: the poll
        alone, never who voted (the poll is anonymous)."""
        poll = dict(self.polls[poll_id])
        poll["options"] = [{**o, "voter_count": n}
                           for o, n in zip(poll["options"], counts, strict=True)]
        poll["total_voter_count"] = sum(counts)
        return self.queue({"poll": poll})

    def queue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (its ``update_id`` is assigned here)."""
        update = {"update_id": next(self._update_ids), **body}
        self._queue.append(update)
        self._wake()
        return update

    def redeliver(self, update: dict[str, Any]) -> None:
        """Serve ``update`` again with the next ``getUpdates``, although it was confirmed
        (Telegram does this when its record of the confirmation is lost)."""
        self._redeliver.append(update)
        self._wake()

    async def post_webhook(self, update: dict[str, Any], *, secret: str | None = None,
                           url: str | None = None) -> int:
        """Deliver ``update`` to the registered webhook the way Telegram does; the status.

        ``url`` stands for a load balancer's choice: one worker's own address
        behind the registered one.
        """
        assert self.webhook is not None, "the bot has not called setWebhook"
        token = self.webhook.get("secret_token") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        self.served.setdefault(update["update_id"], time.monotonic())
        async with ClientSession() as session, session.post(
            url or self.webhook["url"], json=update, headers=headers
        ) as response:
            return response.status

    def updates_for_webhook(self) -> list[dict[str, Any]]:
        """Take everything queued, to post to the webhook instead of polling."""
        updates, self._queue = self._queue, []
        return updates

    # --- reading what the bot did ---------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, chat_id: int | None = None, since: int = 0) -> list[Call]:
        """Messages Telegram accepted (status 200), optionally for one chat, from call ``since``."""
        return [
            c for c in self.calls[since:]
            if c.method == "sendMessage" and c.ok and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_until(self, condition: Callable[[], bool], seconds: float = 5.0) -> None:
        """Wait until ``condition()`` holds, checking each time the bot calls the API."""
        async def check() -> None:
            async with self._arrived:
                await self._arrived.wait_for(condition)
        try:
            await asyncio.wait_for(check(), seconds)
        except TimeoutError:
            raise AssertionError(f"timed out after {seconds}s waiting for the bot") from None

    # --- control from another process (the benchmark runs the fake apart) ------

    async def _control_queue(self, request: web.Request) -> web.Response:
        """Queue ``[["text", user_id, text] | ["press", user_id, data], ...]``."""
        ids = []
        for kind, user_id, value in await request.json():
            if kind == "press":
                update = self.queue_press(user_id, value)
            else:
                update = self.private_message(user_id, value)
            ids.append(update["update_id"])
        return web.json_response(ids)

    async def _control_stats(self, request: web.Request) -> web.Response:
        return web.json_response({
            "calls": len(self.calls),
            "messages": len(self.messages()),
            "served": {str(k): v for k, v in self.served.items()},
        })

    # --- the server -----------------------------------------------------------

    def _wake(self) -> None:
        async def notify() -> None:
            async with self._arrived:
                self._arrived.notify_all()
        # Called from plain functions; the notification itself must run in the loop.
        asyncio.get_running_loop().create_task(notify())

    async def answer(self, method: str, params: dict[str, Any]) -> Any:
        """The result of one Bot API call made in process, without HTTP and without
        being recorded (for a benchmark whose bot should spend nothing on the network
        and keep no log of it); an unknown method raises ``LookupError``."""
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise LookupError(method)
        return await handler(params, {})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ConnectionResetError:  # the bot went away mid-request (stopping, killed)
            return web.Response(status=499)
        call = Call(method, params, files)
        self.calls.append(call)
        try:
            if self._hangs.get(method):
                self._hangs[method] -= 1
                await self._release.wait()
                return _error(500, "Internal Server Error")
            failures = self._failures.get(method)
            if failures:
                failure = failures.popleft()
                call.status = failure.status
                return _error(failure.status, failure.description, failure.parameters)
            flaky = self._flaky.get(method)
            if flaky is not None:
                rate_429, rate_500, retry_after, draw = flaky
                roll = draw.random()
                if roll < rate_429:
                    call.status = 429
                    return _error(429, f"Too Many Requests: retry after {retry_after}",
                                  {"retry_after": retry_after})
                if roll < rate_429 + rate_500:
                    call.status = 500
                    return _error(500, "Internal Server Error")
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                call.status = 404
                return _error(404, "Not Found: method not found")
            try:
                result = await handler(params, files)
            except _Refused as refused:
                call.status = refused.status
                return _error(refused.status, refused.description)
            call.status, call.result = 200, result
            return web.json_response({"ok": True, "result": result})
        finally:
            async with self._arrived:
                self._arrived.notify_all()

    async def _api_getMe(self, params: dict[str, Any], files: Any) -> Any:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _api_deleteWebhook(self, params: dict[str, Any], files: Any) -> Any:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any], files: Any) -> Any:
        self.webhook = params
        return True

    async def _api_setMyCommands(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def _api_getUpdates(self, params: dict[str, Any], files: Any) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), self.long_poll)
        if offset:
            # An offset confirms every update below it: Telegram forgets them.
            self._queue = [u for u in self._queue if u["update_id"] >= offset]

        def ready() -> bool:
            return bool(self._queue or self._redeliver)

        if not ready() and timeout > 0:
            async with self._arrived:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait_for(ready), timeout)
        batch = (self._redeliver + self._queue)[:limit]
        self._redeliver = []
        now = time.monotonic()
        for update in batch:
            self.served.setdefault(update["update_id"], now)
            self.times_served[update["update_id"]] += 1
        return batch

    async def _api_sendMessage(self, params: dict[str, Any], files: Any) -> Any:
        if int(params["chat_id"]) in self.closed_chats:
            raise _Refused(403, "Forbidden: bot can't initiate conversation with a user")
        message = self._message(params)
        message["text"] = params.get("text", "")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_sendPoll(self, params: dict[str, Any], files: Any) -> Any:
        message = self._message(params)
        poll_id = f"poll{next(self._poll_ids)}"
        poll = {
            "id": poll_id, "question": params["question"],
            # PTB sends InputPollOption objects; older clients plain strings.
            "options": [{"text": o["text"] if isinstance(o, dict) else str(o), "voter_count": 0,
                         "persistent_id": f"{poll_id}o{n}"}
                        for n, o in enumerate(params["options"])],
            "total_voter_count": 0, "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True), "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": True, "members_only": False,
        }
        self.polls[poll_id] = poll
        message["poll"] = poll
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_getChatMember(self, params: dict[str, Any], files: Any) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": f"Person{user_id}"}
        if user_id in self.admins.get(chat_id, set()):
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": "member", "user": user}

    async def _api_sendPhoto(self, params: dict[str, Any],
                             files: dict[str, tuple[str, bytes]]) -> Any:
        message = self._message(params)
        message["photo"] = [{"file_id": "photo1", "file_unique_id": "p1", "width": 640,
                             "height": 480, "file_size": len(files.get("photo", ("", b""))[1])}]
        if params.get("caption"):
            message["caption"] = params["caption"]
        return message

    async def _api_sendDocument(self, params: dict[str, Any],
                                files: dict[str, tuple[str, bytes]]) -> Any:
        name, content = files.get("document", ("file", b""))
        message = self._message(params)
        message["document"] = {"file_id": "doc1", "file_unique_id": "d1", "file_name": name,
                               "file_size": len(content)}
        if params.get("caption"):
            message["caption"] = params["caption"]
        return message

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "P"})
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": chat, "from": self.bot_user}


class _Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would attach: a leading /command and @mentions."""
    entities: list[dict[str, Any]] = []
    if text.startswith("/"):
        length = len(text.split()[0]) if text.split() else 1
        entities.append({"type": "bot_command", "offset": 0, "length": length})
    position = 0
    for word in text.split(" "):
        if word.startswith("@") and len(word) > 1:
            name = word.rstrip(".,!?:;")
            offset = len(text[:position].encode("utf-16-le")) // 2
            entities.append({"type": "mention", "offset": offset,
                             "length": len(name.encode("utf-16-le")) // 2})
        position += len(word) + 1
    return entities


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        if request.can_read_body:
            params.update(await request.json())
        return params, files
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = (value.filename, value.file.read())
        elif isinstance(value, bytes):
            files[name] = (name, value)
        elif name in _STRING_FIELDS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value  # "@channelname" and other bare strings
    return params, files


def _error(status: int, description: str,
           parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _serve_apart() -> None:
    """Run the fake alone and print its port; for the benchmark, so that the fake's
    own work does not share a CPU with the bot it measures."""
    async with FakeBotAPI(long_poll=0.05) as api:
        print(api.port, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_apart())
