"""Inbound events for tests written as a kind and its fields (``"text", text="hi"``).

Scripts and walkers choose the kind of the next event at run time; this builds
the one class of :data:`bot.types.Inbound` that kind stands for, with that
class's own fields (``token`` for a timer, ``poll`` and ``votes`` for poll counts,
``reason`` and ``link`` for a turn that follows a group turn).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.types import (
    ButtonPress,
    CommandMessage,
    ConversationKey,
    FromGroup,
    GroupDue,
    Inbound,
    NudgeDue,
    PollCounts,
    TextMessage,
    TimerDue,
)


def event(key: ConversationKey, event_id: str, at: datetime, kind: str,
          **fields: Any) -> Inbound:
    """The event of ``kind`` (an :data:`bot.types.InboundKind`) with ``fields``."""
    chat_kind = fields.pop("chat_kind", "private")
    made: Inbound
    if kind == "text":
        made = TextMessage(key, event_id, at, fields.pop("text", ""), chat_kind=chat_kind,
                           link=fields.pop("link", None), language=fields.pop("language", None))
    elif kind == "command":
        made = CommandMessage(key, event_id, at, fields.pop("command"),
                              text=fields.pop("text", ""), chat_kind=chat_kind,
                              is_admin=fields.pop("is_admin", False),
                              language=fields.pop("language", None))
    elif kind == "choice":
        made = ButtonPress(key, event_id, at, fields.pop("choice"), chat_kind=chat_kind)
    elif kind == "wake":
        made = TimerDue(key, event_id, at, fields.pop("token"))
    elif kind == "nudge":
        made = NudgeDue(key, event_id, at)
    elif kind == "group_due":
        made = GroupDue(key, event_id, at)
    elif kind == "poll":
        made = PollCounts(key, event_id, at, fields.pop("poll"), tuple(fields.pop("votes")),
                          ref=fields.pop("ref", None))
    elif kind == "from_group":
        made = FromGroup(key, event_id, at, fields.pop("reason"), link=fields.pop("link", None))
    else:
        raise ValueError(f"no inbound event of kind {kind!r}")
    if fields:
        raise TypeError(f"{kind} events have no {', '.join(sorted(fields))}")
    return made
