"""The codec's shortcuts write exactly what the general serialisers write."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ConfigDict, TypeAdapter

from bot.codec import decode_outbound, decode_state, encode_outbound, encode_state
from bot.state import ConversationState, Frame
from bot.types import Choice, Outbound, Segment, SendFile, SendImage, SendPoll, SendText

GENERAL: TypeAdapter[Outbound] = TypeAdapter(
    Outbound, config=ConfigDict(ser_json_bytes="base64", val_json_bytes="base64"))

ACTIONS: list[Outbound] = [
    SendText((Segment("Hello "), Segment("“you” \\ \n 😔", quoted=True))),
    SendText((Segment("Pick one"),), (Choice("d:s:a", "A"), Choice("d:s:7", "7", shortcut="7")),
             private_link=Choice("start", "Talk privately"), public=True),
    SendImage(b"\x89PNG\x00\xff", caption="chart"),
    SendFile("export.json", b'{"a": 1}\xe2\x80', caption="yours"),
    SendPoll("How are you?", (Choice("g:1", "Good"),), ref="c1", anonymous=False),
]


def test_every_outbound_kind_encodes_as_through_the_union_and_decodes_back() -> None:
    for action in ACTIONS:
        payload = encode_outbound(action)
        assert payload == GENERAL.dump_json(action).decode()
        assert decode_outbound(payload) == action


def test_state_encodes_as_model_dump_json_without_defaults() -> None:
    now = datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=UTC)
    states = [
        ConversationState(),
        ConversationState(
            stack=[Frame(dialogue="belief", step="ask", vars={"story": "x", "n": 3}, asked=True)],
            said={"a.b": 2}, active_at=now, recent=["hi"], recent_at=now, crisis_at=now),
    ]
    for state in states:
        text = encode_state(state)
        assert text == state.model_dump_json(exclude_defaults=True)
        assert decode_state(text) == state
