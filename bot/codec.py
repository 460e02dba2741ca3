"""JSON encoding of outbound actions (outbox payloads) and of conversation state.

Both are encoded on the event loop's thread for every turn, so the hot paths go
straight to pydantic's compiled serialisers: the bytes are the same as through
the general ``Outbound`` union and ``model_dump_json``, only the Python around
them is skipped.
"""

from __future__ import annotations

from pydantic import ConfigDict, TypeAdapter

from bot.state import ConversationState
from bot.types import Outbound, SendText

# Images and files travel through the outbox as base64, not as lossy UTF-8.
_OUTBOUND: TypeAdapter[Outbound] = TypeAdapter(
    Outbound, config=ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")
)
# Nearly every reply is a SendText, which holds no bytes: its own serialiser writes
# the same JSON as the union's without first finding which member the value is
# (a third of the encoding's time).
_SEND_TEXT: TypeAdapter[SendText] = TypeAdapter(SendText)
_STATE = ConversationState.__pydantic_serializer__


def encode_outbound(action: Outbound) -> str:
    # The serialisers themselves: ``dump_json``'s wrapper was a third of the call.
    if type(action) is SendText:
        return _SEND_TEXT.serializer.to_json(action).decode()
    return _OUTBOUND.serializer.to_json(action).decode()


def decode_outbound(payload: str) -> Outbound:
    return _OUTBOUND.validate_json(payload)


def encode_state(state: ConversationState) -> str:
    # ``state.model_dump_json(exclude_defaults=True)`` without its wrapper's
    # argument handling, a seventh of the call.
    return _STATE.to_json(state, exclude_defaults=True).decode()


def decode_state(data: str | None) -> ConversationState:
    """The stored state, or a fresh one for a new conversation."""
    if data is None:
        return ConversationState()
    return ConversationState.model_validate_json(data)
