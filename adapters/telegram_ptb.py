"""The Telegram adapter, on python-telegram-bot (PTB) 22.

Like every adapter it only translates.  A Telegram update becomes an
:class:`~bot.types.Inbound` (:func:`to_inbound`) handed to the bot through its
:class:`~bot.platform.RuntimePort`; the runtime commits the new state with its
replies (the outbox) and delivers them through :class:`TelegramSender`, which
turns each outbound action into a Bot API call and each Bot API failure into a
delivery error the dispatcher understands.

Nothing is built at import time.  :class:`TelegramPlatform` is what the
composition root starts (:data:`bot.app.PLATFORMS`): it builds the PTB
``Application`` (polling by default, a webhook when ``TELEGRAM_WEBHOOK_URL`` is
set), hands its sender over (the composition root sends what the outbox still
holds from before a restart), and serves until ``stop`` is set.  The module is
named ``telegram_ptb`` so that it never shadows PTB's own ``telegram`` package.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import secrets
import traceback
import warnings
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import quote, urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Poll,
    Update,
)
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    ExtBot,
    TypeHandler,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram_polling import Poller, UpdateOffsets
from adapters.telegram_requests import RequestGate, priority_of
from adapters.telegram_webhook import WebhookServer
from bot.chat_queues import ChatQueues
from bot.config import PlatformSettings, Settings, SettingsError, blank_is_unset
from bot.delivery import PermanentDeliveryError, RejectedDeliveryError, TransientDeliveryError
from bot.platform import MessageLimits, RuntimePort, token_platform_spec
from bot.render import as_html, plain, split_message
from bot.safety_floor import FloorReply
from bot.turn_guard import TurnGuard
from bot.types import (
    ButtonPress,
    ChatKind,
    Choice,
    CommandMessage,
    ConversationKey,
    Inbound,
    Outbound,
    PollCounts,
    Segment,
    SendFile,
    SendImage,
    SendPoll,
    SendText,
    TextMessage,
)

log = logging.getLogger(__name__)

PLATFORM: Final = "telegram"
TEXT_LIMIT: Final = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096, counted after HTML is parsed
CAPTION_LIMIT: Final = int(MessageLimit.CAPTION_LENGTH)  # 1024
# "poll": the counts of the anonymous check-in polls the bot sent (who voted is
# never told; Telegram sends these for the bot's own polls only).
ALLOWED_UPDATES: Final = ("message", "callback_query", "my_chat_member", "poll")
ADMIN_STATUSES: Final = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
# Long polling: how long one getUpdates call may wait for news.
POLL_TIMEOUT_SECONDS: Final = 10
# Telegram keeps showing "typing..." for five seconds; renew it a little sooner
# while a slow turn (a busy database) is still running.
TYPING_RENEW_SECONDS: Final = 4.0
# Button labels up to this long sit six to a row (a scale), up to SHORT_LABEL two.
TINY_LABEL: Final = 3
SHORT_LABEL: Final = 16
# Turns run at once.  Enough to keep up with Telegram's 30 messages a second at
# real round-trip times; replies are sent by the dispatcher's lanes, not inside
# a turn.  Updates beyond it wait in their chats' queues (see benchmarks/bench_telegram).
CONCURRENT_UPDATES: Final = 32
# The longest a reply waits for its typing indicator to be out first.
TYPING_WAIT_SECONDS: Final = 1.0
POOL_TIMEOUT_SECONDS: Final = 30.0
# Bot API rules for a command in setMyCommands.
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
# "/name", "/name@SomeBot", "/name args": Telegram's own command syntax.
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+(.*))?", re.DOTALL)

NO_PREVIEW: Final = LinkPreviewOptions(is_disabled=True)

TelegramApplication = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]


class TelegramStartupError(SettingsError):
    """The bot cannot start on Telegram; the message is one line naming the setting
    (a :class:`~bot.config.SettingsError`, so the CLI reports it like any bad setting)."""


# Telegram's rule for secret_token in setWebhook.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    """The public address Telegram posts to (``TELEGRAM_WEBHOOK_URL``)."""
    path: str
    """The same address's path, where this worker listens."""
    secret: str


def check_scale_settings(settings: Settings) -> None:
    """Refuse Telegram settings that cannot work with ``WORKERS`` > 1.

    Telegram hands updates to one long-polling client only (a second getUpdates
    ends the first with a conflict), so several workers need the webhook; and
    they must share its secret, or each would refuse the updates the others'
    setWebhook asked for.
    """
    if settings.workers <= 1:
        return
    own = settings.platform(TelegramSettings)
    if not own.webhook_url:
        raise TelegramStartupError(
            "WORKERS > 1 needs TELEGRAM_WEBHOOK_URL: Telegram sends updates by polling to "
            "one process only")
    if own.webhook_secret is None:
        raise TelegramStartupError(
            "WORKERS > 1 needs TELEGRAM_WEBHOOK_SECRET, the same in every worker behind "
            "TELEGRAM_WEBHOOK_URL")


# --- inbound: Telegram update -> Inbound --------------------------------------------


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is on Telegram (from getMe), needed to tell whether a group
    message is addressed to it and to build t.me links."""

    id: int
    username: str


def chat_kind(chat: Chat) -> ChatKind | None:
    """``private`` or ``group`` (groups and supergroups); channels are not served."""
    if chat.type == Chat.PRIVATE:
        return "private"
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return "group"
    return None


def event_id(update: Update) -> str:
    """Telegram's update id, unique per bot: a redelivered update has the same one."""
    return f"u{update.update_id}"


def to_inbound(update: Update, me: BotIdentity, *, now: datetime | None = None) -> Inbound | None:
    """The :class:`Inbound` an update stands for, or ``None`` when it is not for the bot.

    In a group only commands, messages that mention the bot and replies to the
    bot count: the bot must not read along in a shared channel.
    """
    if update.callback_query is not None:
        return _choice(update, update.callback_query, now or datetime.now(UTC))
    if update.poll is not None:
        return _poll(update, update.poll, now or datetime.now(UTC))
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None  # edits, channel posts, other bots: nothing a person said to us
    kind = chat_kind(message.chat)
    if kind is None or _is_service(message):
        return None
    key = ConversationKey(PLATFORM, str(message.chat.id), str(message.from_user.id))
    at = message.date if message.date.tzinfo else message.date.replace(tzinfo=UTC)
    text = message.text if message.text is not None else (message.caption or "")
    command = _COMMAND.fullmatch(text.strip())
    if command is not None:
        name, addressee, args = command.groups()
        for_other_bot = addressee is not None and addressee.casefold() != me.username.casefold()
        if kind == "group" and for_other_bot:
            return None  # "/help@OtherBot" in a group with several bots
        return CommandMessage(key, event_id(update), at, name.casefold(),
                              text=(args or "").strip(), chat_kind=kind,
                              is_admin=kind == "group" and _as_the_group(message),
                              language=message.from_user.language_code)
    if kind == "group":
        if not _addressed_to(message, me):
            return None
        text = _without_mention(text, me)
        # A link to the message for a moderator alert (supergroups have them).
        return TextMessage(key, event_id(update), at, text, chat_kind=kind, link=message.link)
    return TextMessage(key, event_id(update), at, text, chat_kind=kind,
                       language=message.from_user.language_code)


def _as_the_group(message: Message) -> bool:
    """Sent anonymously as the group itself, which only its admins can do."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


def _poll(update: Update, poll: Poll, now: datetime) -> Inbound:
    """New counts of a check-in poll.  The update names only the poll: the runtime
    finds the group whose check-in it is."""
    return PollCounts(ConversationKey(PLATFORM, "", ""), event_id(update), now, poll.id,
                      tuple(option.voter_count for option in poll.options))


def _choice(update: Update, query: CallbackQuery, now: datetime) -> Inbound | None:
    message = query.message
    if message is None or query.data is None:
        return None  # a button on an inline-mode message, or a game: not ours
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    key = ConversationKey(PLATFORM, str(message.chat.id), str(query.from_user.id))
    return ButtonPress(key, event_id(update), now, query.data, chat_kind=kind)


def _is_service(message: Message) -> bool:
    """Joins, pins, title changes...: the chat changed, nobody spoke."""
    return bool(
        message.new_chat_members or message.left_chat_member or message.new_chat_title
        or message.new_chat_photo or message.delete_chat_photo or message.pinned_message
        or message.group_chat_created or message.supergroup_chat_created
        or message.migrate_from_chat_id or message.migrate_to_chat_id
    )


def _addressed_to(message: Message, me: BotIdentity) -> bool:
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == me.id:
        return True
    mention = f"@{me.username}".casefold()
    if message.text is not None:
        entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    else:
        entities = message.parse_caption_entities(
            [MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text.casefold() == mention:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == me.id:
            return True
    return False


def _without_mention(text: str, me: BotIdentity) -> str:
    """The message without "@OurBot", so that the safety check reads only the person's words."""
    stripped = re.sub(rf"@{re.escape(me.username)}\b", "", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", stripped).strip()


# --- outbound: actions -> Bot API calls ---------------------------------------------


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def message_pieces(segments: Sequence[Segment], limit: int = TEXT_LIMIT) -> list[str]:
    """HTML for one message, or several when the text is longer than ``limit``.

    Telegram counts the limit on the text after parsing the HTML, so the plain
    text is split (at sentence ends, by :func:`bot.render.split_message`) and
    each piece rendered on its own; a cut never lands inside a tag.
    """
    text = plain(segments)
    if utf16_len(text) <= limit:
        return [as_html(segments)]
    budget = limit
    while True:
        pieces = split_message(text, budget)
        if all(utf16_len(p) <= limit for p in pieces):
            break
        budget = max(1, budget * 3 // 4)  # surrogate pairs made a piece too long
    rendered: list[str] = []
    position = 0
    for piece in pieces:
        start = text.find(piece, position)
        end = start + len(piece)
        rendered.append(as_html(_slice(segments, start, end)))
        position = end
    return rendered


def _slice(segments: Sequence[Segment], start: int, end: int) -> list[Segment]:
    """The segments covering characters ``start:end`` of their joined text."""
    out: list[Segment] = []
    offset = 0
    for segment in segments:
        seg_start, seg_end = offset, offset + len(segment.text)
        offset = seg_end
        low, high = max(start, seg_start), min(end, seg_end)
        if low < high:
            out.append(Segment(segment.text[low - seg_start:high - seg_start], segment.quoted))
    return out


def button_rows(choices: Sequence[Choice]) -> list[list[Choice]]:
    """Choices laid out the way they read best on a phone.

    A run of three or more tiny labels (a 0-10 scale) goes six to a row; the
    other buttons (a "Skip" after the scale, or a list of answers) go two to a
    row when every one of them is short, else one to a row so that no label is
    cut off.  Rows are kept even: 6+5, not 6+4+1.
    """
    rows: list[list[Choice]] = []
    others: list[Choice] = []
    i = 0
    while i < len(choices):
        j = i
        while j < len(choices) and len(choices[j].label) <= TINY_LABEL:
            j += 1
        if j - i >= 3:
            rows += _even_rows(others, _per_row(others))
            others = []
            rows += _even_rows(list(choices[i:j]), 6)
            i = j
        else:
            others.append(choices[i])
            i += 1
    return rows + _even_rows(others, _per_row(others))


def _per_row(choices: Sequence[Choice]) -> int:
    return 2 if choices and max(len(c.label) for c in choices) <= SHORT_LABEL else 1


def _even_rows(choices: list[Choice], per_row: int) -> list[list[Choice]]:
    if not choices:
        return []
    rows = -(-len(choices) // per_row)
    size = -(-len(choices) // rows)
    return [choices[k:k + size] for k in range(0, len(choices), size)]


def private_chat_url(username: str, payload: str) -> str:
    """A t.me deep link that opens the private chat and sends ``/start payload``."""
    return f"https://t.me/{username}?start={quote(payload, safe='')}"


def keyboard(action: SendText | SendPoll, username: str) -> InlineKeyboardMarkup | None:
    """Buttons of a message; a poll has only its private-chat link (its options
    are the poll's own)."""
    choices = action.choices if isinstance(action, SendText) else ()
    rows = [
        [InlineKeyboardButton(c.label, callback_data=c.id) for c in row]
        for row in button_rows(choices)
    ]
    if action.private_link is not None:
        link = action.private_link
        rows.append([InlineKeyboardButton(link.label, url=private_chat_url(username, link.id))])
    return InlineKeyboardMarkup(rows) if rows else None


def retry_seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():
        # PTB 22 warns that the int will become a timedelta; both are handled.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


PollSent = Callable[[ConversationKey, str, str], Coroutine[Any, Any, None]]
"""(the group's key, the platform's poll id, the check-in's ref) -> recorded."""


class TelegramSender:
    """Delivers outbound actions with the Bot API (implements :class:`bot.delivery.Sender`).

    Failures are translated for the dispatcher: a person who blocked the bot
    (403) is a :class:`PermanentDeliveryError`; flood control that outlasted
    PTB's own retries and network trouble are :class:`TransientDeliveryError`,
    tried again later from the outbox.
    """

    def __init__(self, bot: ExtBot[Any], *, on_poll: PollSent | None = None) -> None:
        self.bot = bot
        self.on_poll = on_poll
        """Told the platform id of each check-in poll sent, so its counts find their group."""
        # The typing indicator's request per chat while it is in flight.  A reply
        # waits for it (briefly): were "typing..." to reach Telegram after the
        # reply, the person would watch the bot type for five more seconds.
        self._typing: dict[int, asyncio.Future[bool]] = {}

    async def show_typing(self, chat_id: int) -> None:
        """Send the typing indicator; replies to ``chat_id`` wait until it is out."""
        request = asyncio.ensure_future(self.bot.send_chat_action(chat_id, ChatAction.TYPING))
        self._typing[chat_id] = request
        try:
            await request
        except TelegramError as exc:  # cosmetic: never worth more than a note
            log.debug("typing indicator not shown (%s)", type(exc).__name__)
        finally:
            if self._typing.get(chat_id) is request:
                del self._typing[chat_id]

    async def _after_typing(self, chat_id: int) -> None:
        request = self._typing.get(chat_id)
        if request is not None and not request.done():
            # asyncio.wait, not wait_for: the indicator may be cancelled meanwhile
            # (its turn is committed), which must not look like this send's own
            # cancellation.
            await asyncio.wait({request}, timeout=TYPING_WAIT_SECONDS)

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        await self._after_typing(int(key.chat_id))
        try:
            try:
                await self._send(int(key.chat_id), action)
            except ChatMigrated as moved:
                # A group became a supergroup and has a new id; the reply still
                # belongs there.
                await self._send(moved.new_chat_id, action)
        except Forbidden as exc:
            raise PermanentDeliveryError("blocked by the person or removed from the chat") from exc
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            raise TransientDeliveryError("flood control", retry_after=seconds) from exc
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            if "chat not found" in exc.message.casefold():
                raise PermanentDeliveryError("chat not found") from exc
            # Anything else Telegram refused (a formatting problem, a file too
            # large) will not improve by waiting, but the outbox gives up after
            # its own number of attempts; the person is not marked unreachable.
            log.warning("telegram refused a %s (BadRequest)", action.type)
            raise RejectedDeliveryError("bad request") from exc
        except NetworkError as exc:  # includes TimedOut
            raise TransientDeliveryError(type(exc).__name__) from exc
        except TelegramError as exc:
            raise TransientDeliveryError(type(exc).__name__) from exc

    async def _send(self, chat_id: int, action: Outbound) -> None:
        if isinstance(action, SendText):
            pieces = message_pieces(action.segments)
            markup = keyboard(action, self.bot.username)
            for n, piece in enumerate(pieces, start=1):
                await self.bot.send_message(
                    chat_id, piece, parse_mode=ParseMode.HTML,
                    reply_markup=markup if n == len(pieces) else None,  # buttons on the last piece
                    # Crisis lines carry links; a preview card would crowd them.
                    link_preview_options=NO_PREVIEW,
                )
        elif isinstance(action, SendImage):
            caption, rest = _caption(action.caption)
            await self.bot.send_photo(chat_id, InputFile(action.png, filename="chart.png"),
                                      caption=caption)
            if rest:
                await self.bot.send_message(chat_id, rest)
        elif isinstance(action, SendFile):
            caption, rest = _caption(action.caption)
            await self.bot.send_document(
                chat_id, InputFile(action.content, filename=action.filename), caption=caption)
            if rest:
                await self.bot.send_message(chat_id, rest)
        elif isinstance(action, SendPoll):
            sent = await self.bot.send_poll(
                chat_id, action.question, [option.label for option in action.options],
                is_anonymous=action.anonymous, reply_markup=keyboard(action, self.bot.username),
            )
            if sent.poll is not None and self.on_poll is not None:
                await self.on_poll(ConversationKey(PLATFORM, str(chat_id), ""), sent.poll.id,
                                   action.ref)


def _caption(text: str) -> tuple[str | None, str]:
    """A caption Telegram accepts, and the text to send as a message instead when it is too long."""
    if not text:
        return None, ""
    if utf16_len(text) <= CAPTION_LIMIT:
        return text, ""
    return None, text


# --- the application ---------------------------------------------------------------


class _RateLimiter(AIORateLimiter):
    """PTB's limiter (per chat and overall, retrying flood control), except that the
    typing indicator skips the queue: it is cosmetic, and must not take a
    reply's place in Telegram's 30-messages-a-second budget.

    Every Bot API call but getUpdates passes here, so this is also where a request
    goes on the wire: through ``gate`` (:mod:`adapters.telegram_requests`), which
    never has more requests on the wire than the pool has connections, and never
    lets one be cancelled there.
    """

    def __init__(self, *, gate: RequestGate, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        priority = priority_of(endpoint)

        async def on_the_wire(*call_args: Any, **call_kwargs: Any
                              ) -> bool | dict[str, Any] | list[dict[str, Any]]:
            return await self.gate.send(callback(*call_args, **call_kwargs), priority)

        if endpoint == "sendChatAction":
            return await on_the_wire(*args, **kwargs)
        return await super().process_request(on_the_wire, args, kwargs, endpoint, data,
                                             rate_limit_args)


@dataclass(frozen=True, slots=True)
class Limits:
    """How hard the adapter may use the Bot API: Telegram's published rate limits,
    and the HTTP connections it keeps."""

    overall_per_second: float = 30.0
    """Messages per second across all chats; 0 turns the overall limit off."""
    group_per_minute: float = 20.0
    """Messages per minute into one group."""
    retries: int = 0
    """Times PTB waits out a 429 itself.  PTB pauses *every* request while it waits,
    so by default the dispatcher does it instead: only that chat waits, for the
    ``retry_after`` Telegram asked (see :mod:`bot.delivery`)."""
    connections: int = 32
    """HTTP connections to the Bot API, and so the most requests on the wire at once
    (:class:`~adapters.telegram_requests.RequestGate`).  At 30 messages a second a
    few dozen keep up even at a second's round trip; httpcore's pool work grows with
    its size (every request checks every connection), so PTB's default of 256 costs
    CPU."""


def build_application(
    settings: Settings, *, limits: Limits = Limits(), concurrent_updates: int = CONCURRENT_UPDATES,
) -> TelegramApplication:
    """The PTB application for ``settings``; raises :class:`TelegramStartupError` when
    ``TELEGRAM_TOKEN`` is missing or malformed."""
    own = settings.platform(TelegramSettings)
    if own.token is None:
        raise TelegramStartupError("TELEGRAM_TOKEN is not set")
    quiet_library_logs()  # PTB logs its URLs, token included, as the bot is built
    limiter = _RateLimiter(
        gate=RequestGate(limits.connections),
        overall_max_rate=limits.overall_per_second, overall_time_period=1,
        group_max_rate=limits.group_per_minute, group_time_period=60,
        max_retries=limits.retries,
    )
    try:
        return (
            ApplicationBuilder()
            .token(own.token.get_secret_value())
            .base_url(own.base_url)
            .rate_limiter(limiter)
            .connection_pool_size(limits.connections)
            # A request waits this long for a free connection before it counts
            # as a (transient) failure; the gate lets no more requests through
            # than there are connections, so this is only a backstop.
            .pool_timeout(POOL_TIMEOUT_SECONDS)
            # Updates of different people run side by side; the runtime's
            # per-conversation lock keeps one person's messages in order, because
            # the handler reaches that lock without awaiting anything first.
            .concurrent_updates(concurrent_updates)
            .job_queue(None)
            .build()
        )
    except InvalidToken as exc:
        raise TelegramStartupError("TELEGRAM_TOKEN is not a valid bot token") from exc


def quiet_library_logs() -> None:
    """Keep tokens and message text out of the logs.

    httpx logs every request URL at INFO, and a Bot API URL contains the token;
    PTB logs whole updates (with what people wrote) at DEBUG.
    """
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ptb = logging.getLogger("telegram")
    if ptb.getEffectiveLevel() < logging.INFO:
        ptb.setLevel(logging.INFO)


def menu_commands(menu: Iterable[tuple[str, str]]) -> list[BotCommand]:
    """The private-chat command menu, as the dialogues describe it."""
    return [
        BotCommand(name, title[:256])
        for name, title in menu
        if _COMMAND_NAME.fullmatch(name) and title.strip()
    ]


class TelegramAdapter:
    """One bot on Telegram: the PTB application, its handler and its sender."""

    def __init__(
        self,
        port: RuntimePort,
        settings: Settings,
        *,
        limits: Limits = Limits(),
        concurrent_updates: int = CONCURRENT_UPDATES,
    ) -> None:
        self.port = port
        self.settings = settings
        # The menus come from the command catalogue (the dialogues say which
        # commands exist and which a group sees), never from the engine.
        self.menu = list(port.commands.menu)
        self.group_commands = port.commands.group
        self.catalogue = port.commands
        self.application = build_application(settings, limits=limits,
                                              concurrent_updates=concurrent_updates)
        self.sender = TelegramSender(self.application.bot, on_poll=port.poll_sent)
        self.application.add_handler(TypeHandler(Update, self.handle_update))
        self.application.add_error_handler(self._on_error)
        self.guard: TurnGuard = port.guard(slots=asyncio.Semaphore(concurrent_updates))
        """Retries turns until committed; sends the safety floor meanwhile."""
        self.queues = ChatQueues()
        self._me: BotIdentity | None = None
        check_scale_settings(settings)

    @property
    def me(self) -> BotIdentity:
        if self._me is None:
            raise RuntimeError("open() the adapter first")
        return self._me

    async def open(self) -> None:
        """Check the token (getMe) and publish the command menu.

        Raises :class:`TelegramStartupError` with one line naming the setting
        when Telegram rejects the token or cannot be reached.
        """
        self._me = await _initialize(self.application)
        await self._publish_commands()

    async def _publish_commands(self) -> None:
        # The default menu (English), then one per language the bot speaks: Telegram
        # shows the one matching the person's app language.
        menus: list[tuple[str | None, list[BotCommand]]] = [(None, menu_commands(self.menu))]
        menus += [(code, menu_commands(self.catalogue.described(code)))
                  for code in sorted(self.catalogue.translations)]
        try:
            for language, commands in menus:
                group = [c for c in commands if c.command in self.group_commands]
                await self.application.bot.set_my_commands(
                    commands, scope=BotCommandScopeAllPrivateChats(), language_code=language)
                # In groups the bot only gives crisis lines and help; the rest is private.
                await self.application.bot.set_my_commands(
                    group, scope=BotCommandScopeAllGroupChats(), language_code=language)
        except TelegramError as exc:
            # A missing menu is cosmetic; the bot still answers every command.
            log.warning("could not set the Telegram command menu (%s)", type(exc).__name__)

    async def serve(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Receive updates (polling, or the webhook) until ``stop`` is set; ``ready`` is
        set once updates are being received."""
        await self.application.start()
        try:
            if self.settings.platform(TelegramSettings).webhook_url:
                await self.serve_webhook(stop, ready)
            else:
                await self.poll(stop, ready)
        finally:
            await self.guard.close()  # floor messages on their way get a moment
            await self.application.stop()

    async def serve_webhook(self, stop: asyncio.Event, ready: asyncio.Event | None = None
                            ) -> None:
        """Take updates by webhook until ``stop`` is set.  A request is answered when
        its turn is committed (see :mod:`adapters.telegram_webhook`).

        With ``TELEGRAM_WEBHOOK_REGISTER`` this worker tells Telegram where to send
        updates (``setWebhook``); behind a load balancer one worker does that and
        the others only listen.  Nothing deletes the webhook on the way out: the
        other workers are still serving it.
        """
        config = self.webhook_config()
        own = self.settings.platform(TelegramSettings)
        server = WebhookServer(self._handle_json, path=config.path, secret=config.secret,
                               listen=own.webhook_listen, port=own.webhook_port)
        await server.start()
        try:
            if own.webhook_register:
                await self._register_webhook(config)
            if ready is not None:
                ready.set()
            await stop.wait()
        finally:
            await server.stop()

    async def _register_webhook(self, config: WebhookConfig) -> None:
        try:
            await self.application.bot.set_webhook(
                config.url, secret_token=config.secret,
                allowed_updates=list(ALLOWED_UPDATES))
        except TelegramError as exc:
            raise TelegramStartupError(
                f"Telegram refused TELEGRAM_WEBHOOK_URL ({type(exc).__name__}); it must be a "
                "public HTTPS address") from exc

    async def _handle_json(self, data: dict[str, Any]) -> None:
        """One webhook request: answered (by returning) once the turn is committed.

        No retry here: a failure answers 500 and Telegram sends the update again
        later.  The safety floor still answers a crisis at once, and only once
        however often the update comes back."""
        update = Update.de_json(data, self.application.bot)
        watch = self.guard.watch(to_inbound(update, self.me), self.sender.send,
                                 locale=_locale(update))
        await self.guard.run(watch, lambda shown: self.handle(update, floor=shown, wait=False),
                             retry=False)

    async def poll(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Long-poll getUpdates, confirming an update only once its turn is committed.

        PTB's own updater confirms a batch (by asking for the next ``offset``)
        as soon as it is queued, so a crash while it is handled would lose it.
        Here (:mod:`adapters.telegram_polling`) the offset moves past an update
        only after its turn is committed; after a crash Telegram sends it again
        and the runtime's dedupe drops what was already done.  Each update goes
        to its chat's queue: one chat in order, chats side by side, and polling
        goes on while some chats are busy (or stuck on a failing database).
        """
        bot = self.application.bot
        # getUpdates is refused while a webhook is set (say, by an earlier run in
        # webhook mode); pending updates are kept.
        await bot.delete_webhook(drop_pending_updates=False)

        async def fetch(offset: int | None, long_poll: int) -> Sequence[Update]:
            return await bot.get_updates(offset=offset, timeout=long_poll,
                                         allowed_updates=list(ALLOWED_UPDATES))

        poller = Poller(fetch, self._accept, timeout=POLL_TIMEOUT_SECONDS,
                        retry_after=retry_seconds)
        try:
            await poller.run(stop, ready)
        finally:
            await self.queues.close()
            await self.guard.close()
            await poller.confirm()

    def _accept(self, update: Update, offsets: UpdateOffsets) -> None:
        """Queue one new update's turn in its chat; done (confirmable) once committed."""
        watch = self.guard.watch(to_inbound(update, self.me), self.sender.send,
                                 locale=_locale(update))

        async def turn() -> None:
            await self.guard.run(watch,
                                 lambda shown: self.handle(update, floor=shown, wait=False))
            offsets.done(update.update_id)

        chat = update.effective_chat
        self.queues.submit(chat.id if chat is not None else None, turn)

    def webhook_config(self) -> WebhookConfig:
        """Where the webhook listens and the secret every request must carry."""
        settings = self.settings.platform(TelegramSettings)
        url = settings.webhook_url or ""
        if settings.webhook_secret is not None:
            secret = settings.webhook_secret.get_secret_value()
            if not _WEBHOOK_SECRET.fullmatch(secret):
                raise TelegramStartupError(
                    "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ "
                    "and -")
        else:
            # Never accept unauthenticated updates.  A random secret works for one
            # process; several workers behind a load balancer need the same one
            # (check_scale_settings insists on it).
            secret = secrets.token_urlsafe(32)
            log.warning("TELEGRAM_WEBHOOK_SECRET is not set; using a random one for this run")
        return WebhookConfig(url=url, path=urlsplit(url).path or "/", secret=secret)

    async def close(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def handle_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's handler for an update (polling): :meth:`handle`."""
        await self.handle(update)

    async def handle(self, update: Update, *, floor: FloorReply | None = None,
                     wait: bool = True) -> None:
        """One update: translate it, hand it to the bot, and look alive meanwhile.

        Returns once the turn is committed (``wait``: and its replies were tried).
        ``floor`` is what the safety floor already sent for it.  Raises what the
        runtime raised: the update is not done.
        """
        side: list[asyncio.Task[None]] = []
        if update.callback_query is not None:
            # Every press is answered, stale or not, or the button keeps spinning.
            side.append(asyncio.create_task(self._answer(update.callback_query)))
        if update.my_chat_member is not None:
            side.append(asyncio.create_task(self._membership(update)))
        inbound = to_inbound(update, self.me)
        typing: asyncio.Task[None] | None = None
        try:
            if inbound is not None and inbound.kind == "command" and inbound.chat_kind == "group" \
                    and not inbound.is_admin:
                # Updates of one chat are handled in order by poll(); asking Telegram
                # first keeps a group's commands in order too.
                inbound = dataclasses.replace(inbound, is_admin=await self._is_admin(inbound))
            if inbound is not None:
                if inbound.kind != "poll":  # counts arrive unasked: nobody waits for a reply
                    typing = asyncio.create_task(self._typing(int(inbound.key.chat_id)))
                await self.port.handle(inbound, wait=wait, floor=floor)
        finally:
            if typing is not None:
                typing.cancel()
                side.append(typing)
            await asyncio.gather(*side, return_exceptions=True)

    async def _is_admin(self, inbound: Inbound) -> bool:
        """Whether the person is the group's creator or one of its administrators."""
        try:
            member = await self.application.bot.get_chat_member(int(inbound.key.chat_id),
                                                                int(inbound.key.user_id))
        except TelegramError as exc:
            # Unknown is not an admin: the settings stay as they are.
            log.info("chat member not known (%s)", type(exc).__name__)
            return False
        return member.status in ADMIN_STATUSES

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as exc:  # too old to answer: nothing to show anyway
            log.info("callback query not answered (%s)", type(exc).__name__)

    async def _typing(self, chat_id: int) -> None:
        while True:
            await self.sender.show_typing(chat_id)
            await asyncio.sleep(TYPING_RENEW_SECONDS)

    async def _membership(self, update: Update) -> None:
        """A person who blocks the bot in a private chat is unreachable from now on."""
        change = update.my_chat_member
        if change is None or change.chat.type != Chat.PRIVATE:
            return
        if change.new_chat_member.status == ChatMember.BANNED:
            key = ConversationKey(PLATFORM, str(change.chat.id), str(change.from_user.id))
            await self.port.mark_unreachable(key)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Only the error's type and where it happened: an exception's message
        # can carry what the person wrote.
        error = context.error
        if error is None:
            return
        where = "".join(traceback.format_tb(error.__traceback__))
        log.error("telegram update failed: %s\n%s", type(error).__name__, where)


def _locale(update: Update) -> str | None:
    """The language the person's Telegram app is set to ("en", "pt-br"), if told."""
    user = update.effective_user
    return user.language_code if user is not None else None


async def check_token(settings: Settings) -> BotIdentity:
    """Ask Telegram who the token belongs to; :class:`TelegramStartupError` if nobody."""
    application = build_application(settings)
    me = await _initialize(application)
    await application.shutdown()
    return me


async def _initialize(application: TelegramApplication) -> BotIdentity:
    """``application.initialize()`` (which calls getMe), failing in one line that names
    the setting to fix."""
    try:
        await application.initialize()
    except TelegramError as exc:
        # shutdown() does nothing for an application that never initialised,
        # so its HTTP client is closed here.
        with contextlib.suppress(Exception):
            await application.bot.request.shutdown()
        if isinstance(exc, InvalidToken):
            raise TelegramStartupError(
                "TELEGRAM_TOKEN was rejected by Telegram; copy it again from @BotFather"
            ) from exc
        if isinstance(exc, NetworkError):
            raise TelegramStartupError(
                f"could not reach the Bot API at TELEGRAM_BASE_URL ({type(exc).__name__})"
            ) from exc
        raise TelegramStartupError(
            f"Telegram refused to start the bot ({type(exc).__name__}); check TELEGRAM_TOKEN "
            "and TELEGRAM_BASE_URL") from exc
    return BotIdentity(application.bot.id, application.bot.username)


class TelegramSettings(PlatformSettings):
    """Telegram's own settings: ``TELEGRAM_TOKEN`` and the others below."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_")

    token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    base_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API address; python-telegram-bot appends the token. "
        "Point it at a self-hosted Bot API server or a test server.",
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL for webhook mode; polling when unset."
    )
    webhook_listen: str = Field(
        "0.0.0.0", description="Address the webhook server listens on."  # noqa: S104
    )
    webhook_port: int = Field(8443, ge=1, le=65535, description="Webhook port.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends with every webhook request; checked each time. "
        "Required, the same in every worker, when WORKERS > 1."
    )
    webhook_register: bool = Field(
        True, description="Whether this process tells Telegram the webhook address "
        "(setWebhook) when it starts.  Behind a load balancer, leave it on in one worker and "
        "set it to false in the others.",
    )
    max_rate: float = Field(
        29.0, gt=0, le=30, description="Messages a second to Telegram, overall (limit ~30)."
    )
    chat_rate: float = Field(
        1.0, gt=0, le=30, description="Messages a second to one Telegram chat, after a "
        "burst of 3 (Telegram asks for about 1)."
    )

    @field_validator("token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return blank_is_unset(value)


class TelegramPlatform:
    """Telegram as a :class:`~bot.platform.Platform` (see :data:`bot.app.PLATFORMS`)."""

    name: Final = PLATFORM
    limits: Final = MessageLimits(
        message_chars=TEXT_LIMIT,  # longer text is split (message_pieces)
        buttons=100,  # an inline keyboard's most buttons
        callback_bytes=64,  # callback_data, in bytes
    )
    needs: Final = ("TELEGRAM_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_WEBHOOK_URL",
                    "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_REGISTER",
                    "TELEGRAM_WEBHOOK_LISTEN", "TELEGRAM_WEBHOOK_PORT", "WORKERS")

    def __init__(self, settings: Settings, *, api_limits: Limits = Limits()) -> None:
        self.settings = settings
        self.api_limits = api_limits
        """How hard the adapter may use the Bot API (tests lift Telegram's rates)."""

    def check(self) -> None:
        """A token, and with ``WORKERS`` > 1 the webhook and its shared secret."""
        if self.settings.platform(TelegramSettings).token is None:
            raise TelegramStartupError("TELEGRAM_TOKEN is not set")
        check_scale_settings(self.settings)

    async def serve(self, port: RuntimePort, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
        """Check the token, hand the sender over (``port.connected`` sends what the
        outbox held first), then take updates until ``stop`` is set."""
        adapter = TelegramAdapter(port, self.settings, limits=self.api_limits)
        await adapter.open()
        try:
            await port.connected(PLATFORM, adapter.sender)
            await adapter.serve(stop, ready)
        finally:
            await adapter.close()


SPEC: Final = token_platform_spec(
    name=PLATFORM,
    limits=TelegramPlatform.limits,
    create=TelegramPlatform, settings_model=TelegramSettings, chat_burst=3)
"""Telegram for :data:`bot.app.PLATFORMS`: runs when ``TELEGRAM_TOKEN`` is set."""
