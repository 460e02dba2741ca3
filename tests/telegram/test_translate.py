"""The adapter's pure translations: updates to inbound events, keyboards, long texts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from adapters.telegram_ptb import (
    BotIdentity,
    button_rows,
    menu_commands,
    message_pieces,
    private_chat_url,
    to_inbound,
)
from bot.dialogue.loader import load_dialogues
from bot.render import plain
from bot.types import Choice, CommandMessage, Segment, TextMessage

ME = BotIdentity(123456789, "compassion_test_bot")
PERSON = {"id": 501, "is_bot": False, "first_name": "Ana"}
PRIVATE = {"id": 501, "type": "private", "first_name": "Ana"}
GROUP = {"id": -100777, "type": "supergroup", "title": "Circle"}


def update(body: dict[str, Any], update_id: int = 7) -> Update:
    parsed = Update.de_json({"update_id": update_id, **body}, None)
    assert parsed is not None
    return parsed


def message(text: str, chat: dict[str, Any] = PRIVATE, **extra: Any) -> Update:
    body: dict[str, Any] = {"message_id": 1, "date": 1_700_000_000, "chat": chat,
                            "from": PERSON, "text": text, **extra}
    return update({"message": body})


def test_a_private_message_is_text() -> None:
    event = to_inbound(message("I had a rough day"), ME)
    assert event is not None
    assert (event.kind, event.text, event.chat_kind) == ("text", "I had a rough day", "private")
    assert (event.key.platform, event.key.chat_id, event.key.user_id) == ("telegram", "501", "501")
    assert event.event_id == "u7"


def test_the_persons_app_language_comes_with_what_they_type() -> None:
    # Telegram's language_code decides the language someone new is met in.
    spanish = {**PERSON, "language_code": "es"}
    for text in ("me siento fatal", "/start"):
        body = {"message_id": 1, "date": 1_700_000_000, "chat": PRIVATE, "from": spanish,
                "text": text}
        event = to_inbound(update({"message": body}), ME)
        assert isinstance(event, TextMessage | CommandMessage)
        assert event.language == "es"
    assert to_inbound(message("hi"), ME).language is None  # type: ignore[union-attr]


def test_commands_and_deep_links() -> None:
    start = to_inbound(message("/start from_group"), ME)
    assert start is not None
    assert (start.kind, start.command, start.text) == ("command", "start", "from_group")
    addressed = to_inbound(message("/Help@compassion_test_bot"), ME)
    assert addressed is not None
    assert (addressed.command, addressed.text) == ("help", "")
    # "/ something" and "/" alone are not commands.
    assert to_inbound(message("/ hello"), ME).kind == "text"  # type: ignore[union-attr]
    assert to_inbound(message("/"), ME).kind == "text"  # type: ignore[union-attr]


def test_a_button_press_is_a_choice() -> None:
    bot_message = {"message_id": 9, "date": 1_700_000_000, "chat": PRIVATE,
                   "from": {"id": ME.id, "is_bot": True, "first_name": "Bot"}, "text": "?"}
    event = to_inbound(update({"callback_query": {
        "id": "q1", "from": PERSON, "chat_instance": "c", "data": "belief:fit:no",
        "message": bot_message}}), ME)
    assert event is not None
    assert (event.kind, event.choice, event.key.chat_id) == ("choice", "belief:fit:no", "501")


def test_in_a_group_only_what_is_addressed_to_the_bot() -> None:
    assert to_inbound(message("nice weather", GROUP), ME) is None
    assert to_inbound(message("/help@other_bot", GROUP), ME) is None
    mention = to_inbound(message(
        "@compassion_test_bot I feel awful", GROUP,
        entities=[{"type": "mention", "offset": 0, "length": 20}]), ME)
    assert mention is not None
    assert (mention.chat_kind, mention.kind, mention.text) == ("group", "text", "I feel awful")
    assert mention.key.chat_id == "-100777"
    assert mention.key.user_id == "501"
    reply = to_inbound(message("thank you", GROUP, reply_to_message={
        "message_id": 3, "date": 1_700_000_000, "chat": GROUP, "text": "hi",
        "from": {"id": ME.id, "is_bot": True, "first_name": "Bot"}}), ME)
    assert reply is not None
    assert reply.text == "thank you"
    # A mention of somebody else is not a mention of the bot.
    assert to_inbound(message("@someone_else hi", GROUP, entities=[
        {"type": "mention", "offset": 0, "length": 13}]), ME) is None
    command = to_inbound(message("/sos", GROUP), ME)
    assert command is not None
    assert command.chat_kind == "group"
    assert command.command == "sos"


def test_what_is_not_for_the_bot() -> None:
    edited = {"message_id": 1, "date": 1, "edit_date": 2, "chat": PRIVATE, "from": PERSON,
              "text": "changed"}
    assert to_inbound(update({"edited_message": edited}), ME) is None
    channel = {"id": -100888, "type": "channel", "title": "News"}
    assert to_inbound(message("post", channel), ME) is None
    joined = update({"message": {"message_id": 1, "date": 1, "chat": GROUP, "from": PERSON,
                                 "new_chat_members": [PERSON]}})
    assert to_inbound(joined, ME) is None
    from_bot = update({"message": {"message_id": 1, "date": 1, "chat": PRIVATE, "text": "x",
                                   "from": {"id": 9, "is_bot": True, "first_name": "B"}}})
    assert to_inbound(from_bot, ME) is None


def test_a_sticker_is_an_empty_message_and_a_caption_is_text() -> None:
    sticker = update({"message": {
        "message_id": 1, "date": 1, "chat": PRIVATE, "from": PERSON,
        "sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                    "is_animated": False, "is_video": False, "type": "regular"}}})
    event = to_inbound(sticker, ME)
    assert event is not None
    assert (event.kind, event.text) == ("text", "")
    photo = update({"message": {
        "message_id": 1, "date": 1, "chat": PRIVATE, "from": PERSON, "caption": "my dog",
        "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}})
    event = to_inbound(photo, ME)
    assert event is not None
    assert event.text == "my dog"


@given(st.text(max_size=300))
def test_any_private_text_becomes_exactly_one_event(text: str) -> None:
    event = to_inbound(message(text), ME)
    assert event is not None
    if event.kind == "command":
        assert event.command is not None
        assert re.fullmatch(r"[a-z0-9_]{1,32}", event.command)
        assert text.strip().startswith("/")
    else:
        assert event.text == text  # passed on untouched; the runtime cleans it


@given(st.text(max_size=200).filter(lambda t: "@" not in t and not t.strip().startswith("/")))
def test_group_chatter_is_never_read(text: str) -> None:
    assert to_inbound(message(text, GROUP), ME) is None


def test_button_layout() -> None:
    scale = [Choice(f"s:t:{n}", str(n)) for n in range(11)]
    assert [len(row) for row in button_rows(scale)] == [6, 5]
    with_skip = [*scale, Choice("s:t:skip", "Skip")]
    assert [[c.label for c in row] for row in button_rows(with_skip)][1:] == [
        ["6", "7", "8", "9", "10"], ["Skip"]]
    short = [Choice(f"s:t:{n}", label) for n, label in enumerate(["Sad", "Anxious", "Angry"])]
    assert [len(row) for row in button_rows(short)] == [2, 1]
    long = [Choice("s:t:a", "Talk through something that's bothering me"),
            Choice("s:t:b", "Ok")]
    assert [len(row) for row in button_rows(long)] == [1, 1]
    assert button_rows([]) == []


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=20))
def test_button_layout_keeps_every_choice_in_order(labels: list[str]) -> None:
    choices = [Choice(f"d:s:{n}", label) for n, label in enumerate(labels)]
    rows = button_rows(choices)
    assert [c for row in rows for c in row] == choices
    assert all(1 <= len(row) <= 6 for row in rows)


def test_the_private_chat_link() -> None:
    assert private_chat_url("compassion_test_bot", "from_group") == (
        "https://t.me/compassion_test_bot?start=from_group")


def test_menu_commands() -> None:
    commands = menu_commands([("sos", "Crisis lines"), ("talk", "Looking at an old belief"),
                              ("Bad-Name", "x"), ("empty", " ")])
    assert [c.command for c in commands] == ["sos", "talk"]


def test_the_menu_holds_every_command_and_resume() -> None:
    dialogues = load_dialogues([Path(__file__).parents[2] / "dialogues"])
    names = [c.command for c in menu_commands(dialogues.menu())]
    assert set(names) == set(dialogues.commands) | {"resume"}
    assert all(c.description for c in menu_commands(dialogues.menu()))


segments = st.lists(
    st.builds(Segment, st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
              st.booleans()),
    max_size=8,
)


@given(segments)
def test_long_texts_are_cut_without_losing_words_or_breaking_tags(parts: list[Segment]) -> None:
    limit = 40
    pieces = message_pieces(parts, limit)
    for piece in pieces:
        visible = re.sub(r"</?i>", "", piece)
        unescaped = visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert len(unescaped.encode("utf-16-le")) // 2 <= limit
        assert piece.count("<i>") == piece.count("</i>")
    if len(pieces) > 1:
        joined = "".join(re.sub(r"</?i>", "", p) for p in pieces)
        joined = joined.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert "".join(joined.split()) == "".join(plain(parts).split())
