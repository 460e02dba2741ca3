"""The safety layer: every inbound text is assessed here before anything else.

:func:`assess` returns a level (``none``, ``concern``, ``crisis``) and the
signals that matched; the runtime passes the verdict to the engine, which stops
any exercise on a crisis.  Crisis resources by country live in
:mod:`bot.safety.resources`.
"""

from bot.safety.detector import assess

__all__ = ["assess"]
