"""The safety layer: every text a person types is assessed here before anything else.

:func:`assess` returns a level (``none``, ``concern``, ``crisis``), the signals
that led to it and what the disclosure is about; the runtime passes the verdict
to the engine, which stops any exercise on a crisis.  The detector is layered
(see :mod:`bot.safety.layers`): normalise, rules, a learned model, conversation
context.  Crisis resources by country live in :mod:`bot.safety.resources`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.safety.layers import Detector, default_detector
from bot.types import Assessment

__all__ = ["Detector", "assess"]


def assess(text: str, context: Sequence[str] = ()) -> Assessment:
    """Assess one message with the shipped detector, after the earlier messages
    of the same moment in ``context`` (oldest first)."""
    return default_detector().assess(text, context)
