"""The conversation-context layer: risk that shows only across several messages.

One job: decide whether a message, read together with the few messages before it,
says more than it says alone.  "I'm so tired of all of it" is a concern at most;
"anyway I sorted out who takes the dog" is nothing alone; one after the other they
are someone putting their affairs in order.

What is remembered lives in the conversation state (sealed at rest like the rest
of it, gone with ``/forget``), never in logs: the last :data:`WINDOW` messages
that brought no crisis lines, for at most :data:`MEMORY`.  Once a message brings
the crisis lines the window starts afresh, so one disclosure is answered once, not
again with every "ok" that follows it.  A message that got only the question ("are
you safe right now?") stays: the answer may complete it ("I took some of my pills
earlier" ... "more than I should, the whole bottle really", a trial read as two
concerns), and a question asked again is held back by the runtime, not here.

Only the learned model reads the joined window (the rules read one message at a
time), against thresholds of its own, chosen on the corpus's conversations
(:class:`bot.safety.classifier.Thresholds`): a run of sad but safe answers scores
higher than any one of them.  Context can raise a verdict, never lower one below
what the message earns alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

__all__ = ["MAX_REMEMBERED_CHARS", "MEMORY", "WINDOW", "remember"]

WINDOW = 3
"""How many earlier messages are read with the new one."""
MEMORY = timedelta(hours=6)
"""How long an earlier message still counts as part of the same moment."""
MAX_REMEMBERED_CHARS = 400
"""Only the end of a long message is kept: risk in it was judged when it came."""


def remember(
    window: Sequence[str], since: datetime | None, text: str, now: datetime, *, crisis: bool
) -> tuple[list[str], datetime | None]:
    """The window after a message: emptied when it brought the crisis lines, else
    the message added (the oldest dropped past :data:`WINDOW`); a stale window is
    emptied first."""
    if crisis:
        return [], None
    kept = list(window) if since is not None and now - since <= MEMORY else []
    text = text.strip()
    if text:
        kept.append(text[-MAX_REMEMBERED_CHARS:])
    return kept[-WINDOW:], now
