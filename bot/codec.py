"""JSON encoding of outbound actions (outbox payloads) and of conversation state."""

from __future__ import annotations

from pydantic import ConfigDict, TypeAdapter

from bot.state import ConversationState
from bot.types import Outbound

# Images and files travel through the outbox as base64, not as lossy UTF-8.
_OUTBOUND: TypeAdapter[Outbound] = TypeAdapter(
    Outbound, config=ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")
)


def encode_outbound(action: Outbound) -> str:
    return _OUTBOUND.dump_json(action).decode()


def decode_outbound(payload: str) -> Outbound:
    return _OUTBOUND.validate_json(payload)


def encode_state(state: ConversationState) -> str:
    return state.model_dump_json(exclude_defaults=True)


def decode_state(data: str | None) -> ConversationState:
    """The stored state, or a fresh one for a new conversation."""
    if data is None:
        return ConversationState()
    return ConversationState.model_validate_json(data)
