"""The Discord adapter: a discord.py client that only translates.

Inbound: a direct message, a mention of the bot in a server channel, a slash
command or a button press becomes one :class:`~bot.types.Inbound` for the
runtime.  Outbound: the runtime commits its replies to the outbox and the
dispatcher hands each one to :class:`DiscordSender`, which turns it into a
Discord message.  No dialogue logic, no SQL and no conversation state live here.

Conversations
    A direct message is ``ConversationKey("discord", user_id, user_id)``: the
    chat id *is* the user id, which no channel id can ever equal (Discord ids
    are unique snowflakes), so the sender knows to open the DM.  A server
    channel (or thread) is ``ConversationKey("discord", channel_id, user_id)``
    with ``chat_kind="group"``; the engine answers group-safely there.

Intents
    ``Intents.default()`` only.  Message content is delivered without the
    privileged intent for direct messages and for messages that mention the
    bot, which is exactly what the bot acts on; everything else in a server
    goes through slash commands.

Buttons
    Choices are :class:`discord.ui.DynamicItem` buttons whose ``custom_id`` is
    ``c:`` plus the choice id, registered with ``add_dynamic_items``: a press
    on a message sent before a restart still reaches the runtime, which
    recognises a stale one.  The "talk privately" button (``SendText.private_link``)
    is a dynamic button too (``p:`` plus the start payload): pressing it opens
    the presser's DM and runs ``/start <payload>`` there, so the bot writes first
    in the private chat.  A link button could only point at the bot's profile
    and leave the person to find the "Message" button themselves.

Interactions
    Every slash command and press is deferred before the turn runs (Discord
    wants an answer within three seconds).  While the turn runs, the sender
    routes that conversation's replies through the interaction's follow-ups:
    ephemeral in a server, so only the person sees them, and ordinary
    messages in a DM.  What is said to the whole channel (``SendText.public``:
    a wellness prompt, check-in totals; and a check-in itself) is posted in the
    channel instead, addressed to nobody.

Group wellness
    A check-in (``SendPoll``) is a message with one button per answer; each
    press is one person's answer, acknowledged to them alone.  Whoever has the
    Manage Channels permission in the channel is an admin of its wellness
    settings.  A mention carries a link to itself, for moderator alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final, Literal, Self

import aiohttp
import discord
from discord import app_commands
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bot.chat_queues import ChatQueues
from bot.config import (
    PlatformSettings,
    Settings,
    SettingsError,
    blank_is_unset,
    comma_separated,
)
from bot.delivery import PermanentDeliveryError, RejectedDeliveryError, TransientDeliveryError
from bot.platform import CommandCatalogue, MessageLimits, RuntimePort, token_platform_spec
from bot.render import as_markdown, escape_markdown, split_message
from bot.safety_floor import FloorReply
from bot.types import (
    ButtonPress,
    ChatKind,
    CommandMessage,
    ConversationKey,
    Inbound,
    Outbound,
    SendFile,
    SendImage,
    SendPoll,
    SendText,
    TextMessage,
)

log = logging.getLogger(__name__)

PLATFORM = "discord"
MESSAGE_LIMIT = 2000
"""Discord's limit on a message's content, in characters."""
BUTTON_LABEL_LIMIT = 80
MAX_BUTTONS = 25
"""Five rows of five: the most components one message can carry."""
DESCRIPTION_LIMIT = 100
CHOICE_PREFIX = "c:"
PRIVATE_PREFIX = "p:"
# custom_id may hold 100 characters; the prefixes are short enough that every
# choice id the dialogue rules allow (64 bytes) fits with room to spare.
CHOICE_TEMPLATE = re.compile(re.escape(CHOICE_PREFIX) + r"(?P<payload>.{1,98})")
PRIVATE_TEMPLATE = re.compile(re.escape(PRIVATE_PREFIX) + r"(?P<payload>.{1,98})")
START_COMMAND = "start"
"""The command a "talk privately" press runs in the DM, with the payload as its text."""
DM_CLOSED_LINE = "dm_closed"
"""Optional ``system`` line said (ephemerally) when Discord refuses to open someone's DM."""

_TYPED_COMMAND = re.compile(r"/(?P<name>[^\s/]+)(?:\s+(?P<args>.*))?", re.DOTALL)
_MENTION = "<@{id}>"


# --- translation: Discord -> Inbound ----------------------------------------------


def dm_key(user_id: int) -> ConversationKey:
    """The conversation in someone's direct messages with the bot."""
    return ConversationKey(PLATFORM, str(user_id), str(user_id))


def channel_key(channel_id: int, user_id: int) -> ConversationKey:
    """One person's conversation in a server channel or thread."""
    return ConversationKey(PLATFORM, str(channel_id), str(user_id))


def is_dm(key: ConversationKey) -> bool:
    return key.chat_id == key.user_id


def text_inbound(
    key: ConversationKey, event_id: str, at: datetime, text: str, chat_kind: ChatKind,
    *, is_admin: bool = False, link: str | None = None,
) -> Inbound:
    """Typed text; ``/name args`` typed out is a command (slash commands may not be
    registered everywhere yet, e.g. in DMs while they are synced to test servers only)."""
    stripped = text.strip()
    match = _TYPED_COMMAND.fullmatch(stripped)
    if match is not None:
        return CommandMessage(key, event_id, at, match["name"].casefold(),
                              text=(match["args"] or "").strip(), chat_kind=chat_kind,
                              is_admin=is_admin)
    return TextMessage(key, event_id, at, text, chat_kind=chat_kind, link=link)


def manages_channels(permissions: discord.Permissions | None) -> bool:
    """A group admin, for wellness settings: the Manage Channels permission here."""
    return permissions is not None and permissions.manage_channels


def strip_mentions(text: str, ids: Sequence[int]) -> str:
    """The message without the mentions that addressed the bot."""
    for snowflake in ids:
        text = re.sub(rf"<@[!&]?{snowflake}>", " ", text)
    return text.strip()


def interaction_key(interaction: discord.Interaction[Any]) -> tuple[ConversationKey, ChatKind]:
    if interaction.guild_id is None or interaction.channel_id is None:
        return dm_key(interaction.user.id), "private"
    return channel_key(interaction.channel_id, interaction.user.id), "group"


def event_id(kind: Literal["m", "i"], snowflake: int) -> str:
    """``m<id>`` for a message, ``i<id>`` for an interaction: redeliveries share it."""
    return f"{kind}{snowflake}"


# --- translation: Outbound -> Discord ---------------------------------------------


class _PayloadButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                     template=r"(?!)"):
    """A button whose custom id is a prefix and a payload: it survives restarts,
    because the payload is all a press needs.  (The base template matches nothing;
    each kind below gives its own.)"""

    prefix = ""
    style = discord.ButtonStyle.secondary

    def __init__(self, payload: str, label: str) -> None:
        super().__init__(discord.ui.Button(
            label=_label(label), style=self.style, custom_id=self.prefix + payload,
        ))
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
        match: re.Match[str], /,
    ) -> Self:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["payload"], label or "")


class ChoiceButton(_PayloadButton, template=CHOICE_TEMPLATE):
    """One choice of a question; the payload is the choice id."""

    prefix = CHOICE_PREFIX

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client = interaction.client
        if isinstance(client, CompassionClient):
            await client.on_choice(interaction, self.payload)


class PrivateChatButton(_PayloadButton, template=PRIVATE_TEMPLATE):
    """"Talk to me privately": opens the presser's DM and starts there."""

    prefix = PRIVATE_PREFIX
    style = discord.ButtonStyle.primary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client = interaction.client
        if isinstance(client, CompassionClient):
            await client.on_private_chat(interaction, self.payload)


def _label(label: str) -> str:
    label = label.strip() or "…"  # Discord refuses a button with neither label nor emoji
    return label if len(label) <= BUTTON_LABEL_LIMIT else label[: BUTTON_LABEL_LIMIT - 1] + "…"


def build_view(action: SendText | SendPoll) -> discord.ui.View | None:
    """The buttons of a message (a check-in's answers are buttons too), or ``None``."""
    choices = action.choices if isinstance(action, SendText) else action.options
    items: list[discord.ui.Item[Any]] = [
        ChoiceButton(choice.id, choice.label) for choice in choices
    ]
    if action.private_link is not None:
        items.append(PrivateChatButton(action.private_link.id, action.private_link.label))
    if not items:
        return None
    if len(items) > MAX_BUTTONS:
        # Dialogue validation keeps questions far below this; never fail a send over it.
        log.warning("message had %d buttons; only %d fit", len(items), MAX_BUTTONS)
        items = items[:MAX_BUTTONS]
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


@dataclass(frozen=True, slots=True)
class Rendered:
    """One outbound action in Discord terms: Markdown text, buttons, an attachment."""

    text: str
    view: discord.ui.View | None = None
    file: tuple[str, bytes] | None = None

    def pieces(self, prefix: str = "") -> list[str]:
        """The text in messages Discord accepts; the buttons go on the last one."""
        text = f"{prefix} {self.text}" if prefix and self.text else prefix or self.text
        return split_message(text, MESSAGE_LIMIT)


def render(action: Outbound) -> Rendered:
    if isinstance(action, SendText):
        return Rendered(as_markdown(action.segments), build_view(action))
    if isinstance(action, SendImage):
        return Rendered(escape_markdown(action.caption), file=("chart.png", action.png))
    if isinstance(action, SendFile):
        return Rendered(escape_markdown(action.caption), file=(action.filename, action.content))
    if isinstance(action, SendPoll):
        # One button per answer; each press is counted by the engine, which shows
        # the group only totals.
        return Rendered(escape_markdown(action.question), build_view(action))
    raise TypeError(f"cannot send {type(action).__name__} on Discord")


# --- delivery ---------------------------------------------------------------------


@dataclass(slots=True)
class _Route:
    """Where a conversation's replies go while one interaction is being answered."""

    interaction: discord.Interaction[Any]
    ephemeral: bool
    follow_up: bool
    """True: replies are the interaction's follow-ups.  False: they go to the DM as
    usual, and the interaction is only there to explain if Discord refuses the DM."""
    sent: int = 0


class DiscordSender:
    """The dispatcher's way of putting an outbound action in front of someone on Discord.

    Routes are transient delivery context (an interaction token lives 15 minutes),
    never conversation state: a reply delivered later by the outbox drain simply
    goes to the channel or DM.
    """

    def __init__(self, client: discord.Client, *, dm_closed: str | None = None) -> None:
        self.client = client
        self.dm_closed = dm_closed
        """Said (ephemerally) when Discord refuses to open someone's DM; ``None``: nothing."""
        self._routes: dict[ConversationKey, _Route] = {}

    @contextlib.contextmanager
    def route(
        self, key: ConversationKey, interaction: discord.Interaction[Any], *,
        ephemeral: bool, follow_up: bool = True,
    ) -> Iterator[_Route]:
        route = _Route(interaction, ephemeral, follow_up)
        self._routes[key] = route
        try:
            yield route
        finally:
            if self._routes.get(key) is route:
                del self._routes[key]

    async def send(self, key: ConversationKey, action: Outbound) -> None:
        rendered = render(action)
        # Said to the whole channel (a check-in, its totals, a prompt): posted there,
        # never as someone's private follow-up, and addressed to nobody.
        public = isinstance(action, SendPoll) or (isinstance(action, SendText) and action.public)
        route = None if public else self._routes.get(key)
        try:
            if route is not None and route.follow_up:
                try:
                    await self._follow_up(route, rendered)
                    return
                except discord.NotFound:
                    # The interaction's token expired (15 minutes): post normally instead.
                    pass
            await self._post(key, rendered, public=public)
        except discord.Forbidden as exc:
            if is_dm(key):
                await self._explain_refusal(route)
                raise PermanentDeliveryError(f"discord refused the DM (code {exc.code})") from None
            # A server channel that refuses the bot says nothing about the person,
            # so they are not marked unreachable; the outbox gives up after a few tries.
            raise TransientDeliveryError(f"discord channel refused (code {exc.code})") from None
        except discord.NotFound as exc:
            if is_dm(key):
                raise PermanentDeliveryError(f"discord user gone (code {exc.code})") from None
            raise TransientDeliveryError(f"discord channel gone (code {exc.code})") from None
        except discord.RateLimited as exc:
            raise TransientDeliveryError("discord rate limit", exc.retry_after) from None
        except discord.DiscordServerError as exc:
            raise TransientDeliveryError(f"discord server error {exc.status}") from None
        except discord.HTTPException as exc:
            # A 4xx we did not expect (a malformed request): retried a bounded number
            # of times by the outbox, never blamed on the person.
            raise RejectedDeliveryError(f"discord rejected the message ({exc.status}, "
                                        f"code {exc.code})") from None
        except (aiohttp.ClientError, OSError, TimeoutError, discord.ConnectionClosed) as exc:
            raise TransientDeliveryError(f"discord unreachable: {type(exc).__name__}") from None

    async def _follow_up(self, route: _Route, rendered: Rendered) -> None:
        async def send(**kwargs: Any) -> None:
            await route.interaction.followup.send(ephemeral=route.ephemeral, **kwargs)
            route.sent += 1

        await _each_piece(rendered, rendered.pieces(), discord.AllowedMentions.none(), send)

    async def _post(
        self, key: ConversationKey, rendered: Rendered, *, public: bool = False
    ) -> None:
        if self.client.is_closed():
            raise TransientDeliveryError("discord client is not connected")
        destination = await self._destination(key)
        if is_dm(key) or public or not key.user_id:
            pieces, mentions = rendered.pieces(), discord.AllowedMentions.none()
        else:
            # In a shared channel, say whom the answer is for (their message is never quoted).
            pieces = rendered.pieces(_MENTION.format(id=key.user_id))
            mentions = discord.AllowedMentions(everyone=False, roles=False, replied_user=False,
                                               users=[discord.Object(int(key.user_id))])

        async def send(**kwargs: Any) -> None:
            await destination.send(**kwargs)

        await _each_piece(rendered, pieces, mentions, send)

    async def _destination(self, key: ConversationKey) -> discord.abc.Messageable:
        """Where a conversation's message goes, from any process of a sharded bot.

        Sending is plain REST, whichever shards this process runs: a person or
        channel outside its cache (on another process's shards) is reached by id,
        without fetching them first.  A DM channel is opened once (Discord hands
        back the existing one) and then kept in the client's cache.
        """
        if is_dm(key):
            user_id = int(key.user_id)
            user = self.client.get_user(user_id)
            if user is not None:
                return user.dm_channel or await user.create_dm()
            return await self.client.create_dm(discord.Object(user_id))
        channel_id = int(key.chat_id)
        channel = self.client.get_channel(channel_id)
        if channel is None:
            # Not one of this process's guilds: sent by id.  A channel that cannot
            # take messages then fails as an HTTP error, and the outbox gives up.
            return self.client.get_partial_messageable(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise PermanentDeliveryError(f"discord channel type {type(channel).__name__} "
                                         "cannot take messages")
        return channel

    async def _explain_refusal(self, route: _Route | None) -> None:
        """Tell someone who pressed a button that their DMs are closed, if a line says how."""
        if route is None:
            return
        if not self.dm_closed:
            return
        with contextlib.suppress(discord.HTTPException):
            await route.interaction.followup.send(
                content=escape_markdown(self.dm_closed), ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none())


async def _each_piece(
    rendered: Rendered, pieces: list[str], mentions: discord.AllowedMentions,
    send: Callable[..., Coroutine[Any, Any, None]],
) -> None:
    """Send the pieces in order, with the buttons and the attachment on the last one."""
    last = len(pieces) - 1
    for n, piece in enumerate(pieces):
        kwargs: dict[str, Any] = {}
        if piece:
            kwargs["content"] = piece
        if n == last:
            if rendered.view is not None:
                kwargs["view"] = rendered.view
            if rendered.file is not None:
                name, data = rendered.file
                kwargs["file"] = discord.File(io.BytesIO(data), filename=name)
        if kwargs:  # Discord refuses a message with nothing in it
            await send(allowed_mentions=mentions, **kwargs)


# --- the client -------------------------------------------------------------------


CommandHandler = Callable[[discord.Interaction[Any], str, str], Coroutine[Any, Any, None]]
"""(the interaction, the command's name, its text) -> handled."""


def command_table(commands: CommandCatalogue) -> dict[str, str]:
    """Slash command name -> description, from the command catalogue, so that a new
    dialogue with a ``command`` is registered without touching the adapter."""
    return {name.casefold(): _description(text) for name, text in commands.menu}


def _description(text: str) -> str:
    text = " ".join(text.split()) or "-"
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def command_arguments(commands: CommandCatalogue) -> dict[str, str]:
    """Slash command name -> what its text option holds, for commands that take text
    (``/win I rested``), from the dialogues' ``argument``."""
    return {name.casefold(): _description(text) for name, text in commands.arguments.items()}


class CatalogueTranslator(app_commands.Translator):
    """Slash-command descriptions in the person's Discord language, from the
    command catalogue (each installed language's dialogue descriptions); Discord
    shows them as ``description_localizations``.  Names stay as typed in chat."""

    def __init__(self, catalogue: CommandCatalogue) -> None:
        self.catalogue = catalogue

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContext[Any, Any]) -> str | None:
        if context.location is not app_commands.TranslationContextLocation.command_description:
            return None
        name = getattr(context.data, "name", None)
        text = self.catalogue.description_in(locale.value, name) if isinstance(name, str) \
            else None
        return _description(text) if text else None


def build_commands(
    catalogue: CommandCatalogue, handler: CommandHandler
) -> list[app_commands.Command[Any, ..., None]]:
    """One app command per dialogue command, usable in servers and in DMs."""
    commands: list[app_commands.Command[Any, ..., None]] = []
    arguments = command_arguments(catalogue)
    for name, description in command_table(catalogue).items():
        try:
            callback = (_command_callback(name, handler) if name not in arguments
                        else _text_command_callback(name, handler, arguments[name]))
            command: app_commands.Command[Any, ..., None] = app_commands.Command(
                name=name, description=description, callback=callback,
            )
        except (ValueError, TypeError) as exc:
            # A name Discord would refuse: the rest still register, and it can be typed.
            log.warning("slash command /%s not registered: %s", name, exc)
            continue
        command = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)(
            command)
        command = app_commands.allowed_installs(guilds=True, users=False)(command)
        commands.append(command)
    return commands


def _command_callback(
    name: str, handler: CommandHandler
) -> Callable[[discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    async def run(interaction: discord.Interaction[Any]) -> None:
        await handler(interaction, name, "")

    run.__name__ = f"slash_{name}"
    return run


def _text_command_callback(
    name: str, handler: CommandHandler, argument: str
) -> Callable[..., Coroutine[Any, Any, None]]:
    """A command with an optional text option (``/wellness on``, ``/win I rested``)."""

    @app_commands.describe(text=argument)
    async def run(interaction: discord.Interaction[Any], text: str | None = None) -> None:
        await handler(interaction, name, text or "")

    run.__name__ = f"slash_{name}"
    return run


class CompassionClient(discord.Client):
    """A discord.py client wired to the bot's port.  Built by :func:`build_client`."""

    def __init__(
        self,
        port: RuntimePort,
        *,
        guild_ids: Sequence[int] = (),
        sync_commands: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("intents", discord.Intents.default())
        # Mentions come only from what the sender allows per message.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        # No cache of other people's messages: the bot never needs to read them back.
        options.setdefault("max_messages", None)
        options.setdefault("chunk_guilds_at_startup", False)
        super().__init__(**options)
        self.port = port
        self.guild_ids = list(guild_ids)
        self.sync_on_setup = sync_commands
        self.sender = DiscordSender(self, dm_closed=port.line(DM_CLOSED_LINE))
        self.guard = port.guard()
        """Retries turns until committed; sends the safety floor meanwhile."""
        self.queues = ChatQueues()
        """Each channel's events in order, channels side by side."""
        self.tree: app_commands.CommandTree[Any] = app_commands.CommandTree(self)
        for command in build_commands(port.commands, self.on_slash_command):
            self.tree.add_command(command)
        self._translator = CatalogueTranslator(port.commands)

    # --- lifecycle

    async def setup_hook(self) -> None:
        self.install_components()
        # Descriptions in each language the bot speaks, sent with every sync.
        await self.tree.set_translator(self._translator)
        if self.sync_on_setup and self.holds_shard_zero():
            await self.sync_commands()

    def install_components(self) -> None:
        """Register the persistent buttons (again, if the connection state was replaced)."""
        self.add_dynamic_items(ChoiceButton, PrivateChatButton)

    def holds_shard_zero(self) -> bool:
        """Only one process syncs commands: the one holding shard 0 (which also gets DMs)."""
        shard_ids = getattr(self, "shard_ids", None)
        return not shard_ids or 0 in shard_ids

    async def sync_commands(self) -> None:
        """Guild sync appears at once (for testing servers); global sync reaches DMs too."""
        try:
            if self.guild_ids:
                for guild_id in self.guild_ids:
                    guild = discord.Object(guild_id)
                    self.tree.copy_global_to(guild=guild)
                    synced = await self.tree.sync(guild=guild)
                    log.info("synced %d slash commands to guild %d", len(synced), guild_id)
            else:
                synced = await self.tree.sync()
                log.info("synced %d slash commands globally", len(synced))
        except discord.HTTPException as exc:
            # The bot still works by DM and mention; say what to fix.
            log.warning("slash command sync failed (HTTP %s, code %s): check DISCORD_GUILD_IDS "
                        "and that the bot was invited with the applications.commands scope",
                        exc.status, exc.code)

    # --- inbound

    async def on_message(self, message: discord.Message) -> None:
        inbound = self.message_inbound(message)
        if inbound is not None:
            await self._handle(inbound)

    def message_inbound(self, message: discord.Message) -> Inbound | None:
        """What a message means to the bot, or ``None`` when it is not for the bot."""
        me = self.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return None
        eid = event_id("m", message.id)
        if message.guild is None:
            if not isinstance(message.channel, discord.DMChannel):
                return None  # group DMs: not a place the bot is offered
            return text_inbound(dm_key(message.author.id), eid, message.created_at,
                                message.content, "private")
        addressed = [me.id]
        own_role = message.guild.self_role
        if own_role is not None:
            addressed.append(own_role.id)
        mentioned = any(u.id == me.id for u in message.mentions) or (
            own_role is not None and own_role in message.role_mentions)
        if not mentioned:
            return None  # in a server, only mentions and slash commands are for the bot
        text = strip_mentions(message.content, addressed)
        admin = isinstance(message.author, discord.Member) and manages_channels(
            message.channel.permissions_for(message.author))
        return text_inbound(channel_key(message.channel.id, message.author.id), eid,
                            message.created_at, text, "group", is_admin=admin,
                            link=message.jump_url)

    async def on_slash_command(
        self, interaction: discord.Interaction[Any], name: str, text: str = ""
    ) -> None:
        key, chat_kind = interaction_key(interaction)
        in_server = chat_kind == "group"
        # Thinking first: Discord drops an interaction not answered within 3 seconds.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=in_server, thinking=True)
        inbound = CommandMessage(key, event_id("i", interaction.id), interaction.created_at,
                                 name, text=text.strip(), chat_kind=chat_kind,
                                 is_admin=in_server and manages_channels(interaction.permissions),
                                 language=_locale(interaction))
        with self.sender.route(key, interaction, ephemeral=in_server) as route:
            await self._handle(inbound, route, locale=_locale(interaction))
        if route.sent == 0:
            # Nothing came of it (a redelivery): clear the "thinking..." placeholder.
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()

    async def on_choice(self, interaction: discord.Interaction[Any], choice_id: str) -> None:
        key, chat_kind = interaction_key(interaction)
        in_server = chat_kind == "group"
        if not interaction.response.is_done():
            await interaction.response.defer()  # acknowledged; the answer follows
        inbound = ButtonPress(key, event_id("i", interaction.id), interaction.created_at,
                              choice_id, chat_kind=chat_kind)
        with self.sender.route(key, interaction, ephemeral=in_server) as route:
            await self._handle(inbound, route, locale=_locale(interaction))

    async def on_private_chat(self, interaction: discord.Interaction[Any], payload: str) -> None:
        if not interaction.response.is_done():
            await interaction.response.defer()
        key = dm_key(interaction.user.id)
        inbound = CommandMessage(key, event_id("i", interaction.id), interaction.created_at,
                                 START_COMMAND, text=payload, chat_kind="private",
                                 language=_locale(interaction))
        # Replies go to the DM; the interaction stays at hand to explain a refusal.
        with self.sender.route(key, interaction, ephemeral=True, follow_up=False) as route:
            await self._handle(inbound, route, locale=_locale(interaction))

    async def _handle(self, inbound: Inbound, route: _Route | None = None, *,
                      locale: str | None = None) -> None:
        """Run the event's turn in its channel's queue until it is committed.

        A failing turn (the database is down) is tried again as long as it takes,
        while the safety floor answers a crisis at once (through the interaction's
        follow-ups when there is one).  Discord never sends an event twice, so the
        event waits here, in memory, in its channel's order."""
        watch = self.guard.watch(inbound, self.sender.send, locale=locale)

        async def attempt(shown: FloorReply | None) -> bool:
            await self.port.handle(inbound, floor=shown)
            return True

        async def turn() -> None:
            if await self.guard.run(watch, attempt) is None:
                await self._apologise(route)

        await self.queues.run(inbound.key.chat_id, turn)

    async def _apologise(self, route: _Route | None) -> None:
        """The turn was given up (a bug, logged): say so, where the person is waiting."""
        line = self.port.line("went_wrong")
        if route is not None and route.follow_up and line:
            with contextlib.suppress(discord.HTTPException):
                await route.interaction.followup.send(
                    content=escape_markdown(line),
                    ephemeral=route.ephemeral,
                    allowed_mentions=discord.AllowedMentions.none())
                route.sent += 1


def _locale(interaction: discord.Interaction[Any]) -> str | None:
    """The language of the person's Discord app ("en-GB", "pt-BR"), as interactions tell."""
    locale = getattr(interaction, "locale", None)
    value = getattr(locale, "value", locale)
    return value if isinstance(value, str) else None


class ShardedCompassionClient(CompassionClient, discord.AutoShardedClient):
    """The same client over several shards; several processes can each run some."""


def build_client(
    port: RuntimePort, settings: Settings, *, sync_commands: bool = True
) -> CompassionClient:
    """The client for these settings.  Nothing connects until :meth:`login`."""
    # The bot never joins voice: the missing voice libraries are not worth a warning.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    check_shard_settings(settings)
    own = settings.platform(DiscordSettings)
    shard_ids, shard_count = own.shard_ids, own.shard_count
    common: dict[str, Any] = {"guild_ids": own.guild_ids,
                              "sync_commands": sync_commands}
    if shard_count is not None:
        return ShardedCompassionClient(port, shard_count=shard_count,
                                       shard_ids=list(shard_ids) if shard_ids else None, **common)
    return CompassionClient(port, **common)


def check_shard_settings(settings: Settings) -> None:
    """Shard ids need the shard count, and must lie below it."""
    own = settings.platform(DiscordSettings)
    shard_ids, shard_count = own.shard_ids, own.shard_count
    if shard_ids and shard_count is None:
        raise SettingsError("invalid setting DISCORD_SHARD_COUNT: required when "
                            "DISCORD_SHARD_IDS is set (the total across all processes)")
    if shard_ids and shard_count is not None and any(not 0 <= s < shard_count for s in shard_ids):
        raise SettingsError("invalid setting DISCORD_SHARD_IDS: every id must be between 0 and "
                            "DISCORD_SHARD_COUNT - 1")


def discord_token(settings: Settings) -> str:
    token = settings.platform(DiscordSettings).token
    if token is None:
        raise SettingsError("DISCORD_TOKEN is not set: copy the bot token from the Discord "
                            "developer portal (Applications > your app > Bot)")
    return token.get_secret_value()


def quiet_discord_logs() -> None:
    """discord.py logs request and gateway payloads (message text) at DEBUG; never let it."""
    library = logging.getLogger("discord")
    if library.getEffectiveLevel() < logging.INFO:
        library.setLevel(logging.INFO)


class DiscordSettings(PlatformSettings):
    """Discord's own settings: ``DISCORD_TOKEN`` and the others below."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    token: SecretStr | None = Field(
        None, description="Bot token from the Discord developer portal.")
    guild_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated guild ids to sync slash commands to at once; "
        "global sync (slower to appear) when empty.",
    )
    shard_count: int | None = Field(
        None, ge=1, description="Total shards across all processes (with DISCORD_SHARD_IDS)."
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        None, description="Comma-separated shard ids this process runs."
    )
    max_rate: float = Field(
        45.0, gt=0, le=50, description="Messages a second to Discord, overall (limit 50)."
    )
    chat_rate: float = Field(
        1.0, gt=0, le=50, description="Messages a second to one Discord channel, after a "
        "burst of 5."
    )

    @field_validator("guild_ids", "shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return blank_is_unset(value)


class DiscordPlatform:
    """Discord as a :class:`~bot.platform.Platform` (see :data:`bot.app.PLATFORMS`)."""

    name: Final = PLATFORM
    limits: Final = MessageLimits(
        message_chars=MESSAGE_LIMIT,  # longer text is split (Rendered.pieces)
        button_label_chars=BUTTON_LABEL_LIMIT,
        buttons=MAX_BUTTONS,
        callback_bytes=98,  # a custom_id holds 100 characters, less the "c:" prefix
    )
    needs: Final = ("DISCORD_TOKEN", "DISCORD_GUILD_IDS", "DISCORD_SHARD_COUNT",
                    "DISCORD_SHARD_IDS")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def check(self) -> None:
        """A token, and shard settings that fit together."""
        discord_token(self.settings)
        check_shard_settings(self.settings)

    async def serve(self, port: RuntimePort, stop: asyncio.Event,
                    ready: asyncio.Event | None = None) -> None:
        """Run the Discord bot until ``stop`` is set (or the gateway fails for good).

        Raises :class:`~bot.config.SettingsError`, naming DISCORD_TOKEN, when Discord
        rejects the token.  The sender is handed over once the gateway is ready
        (``port.connected`` then sends what the outbox held for Discord).
        """
        token = discord_token(self.settings)
        quiet_discord_logs()
        client = build_client(port, self.settings)
        async with client:
            try:
                await client.login(token)
            except discord.LoginFailure:
                raise SettingsError("DISCORD_TOKEN was rejected by Discord: check it is the "
                                    "bot token (Bot > Reset Token), not the client secret"
                                    ) from None
            except (aiohttp.ClientError, OSError) as exc:
                raise SettingsError(f"could not reach Discord to check DISCORD_TOKEN "
                                    f"({type(exc).__name__}); is the network up?") from None
            gateway = asyncio.create_task(client.connect(), name="discord-gateway")
            outbox = asyncio.create_task(_connected(client, port, ready),
                                         name="discord-outbox")
            stopped = asyncio.create_task(stop.wait(), name="discord-stop")
            try:
                done, _ = await asyncio.wait({gateway, stopped},
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (outbox, stopped):
                    task.cancel()
                await client.queues.close()
                await client.guard.close()
                await client.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await outbox
            if gateway in done:
                gateway.result()  # a gateway that ended on its own: surface why
            else:
                gateway.cancel()
                with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
                    await gateway


async def _connected(client: CompassionClient, port: RuntimePort,
                     ready: asyncio.Event | None) -> None:
    """Once the gateway is ready, hand the sender over (the outbox is recovered then)."""
    await client.wait_until_ready()
    await port.connected(PLATFORM, client.sender)
    if ready is not None:
        ready.set()


SPEC: Final = token_platform_spec(
    name=PLATFORM,
    limits=DiscordPlatform.limits,
    create=DiscordPlatform, settings_model=DiscordSettings, chat_burst=5)
"""Discord for :data:`bot.app.PLATFORMS`: runs when ``DISCORD_TOKEN`` is set."""


__all__ = [
    "PLATFORM", "SPEC", "ChoiceButton", "CompassionClient", "DiscordPlatform", "DiscordSender",
    "DiscordSettings", "PrivateChatButton", "ShardedCompassionClient", "build_client",
]
