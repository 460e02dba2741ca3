"""One turn of the engine, split by concern.

:class:`bot.engine.Engine` builds a :class:`~bot.turn.dispatch.Run` for every
call of ``step``; the run is the turn's working memory, layered so that each
module needs only the ones below it:

* :mod:`bot.turn.context`: what a turn is given (:class:`~bot.turn.context.Turn`,
  the engine's parts) and :class:`~bot.turn.context.TurnContext`, the narrow
  public face of a run that the group and nudge sections use;
* :mod:`bot.turn.memory`: the working memory itself and where the person is;
* :mod:`bot.turn.saying`: choosing wordings, asking questions, sending text;
* :mod:`bot.turn.moving`: starting, setting aside, resuming and ending dialogues;
* :mod:`bot.turn.steps`: running a dialogue's steps until it waits or ends;
* :mod:`bot.turn.answering`: reading an answer or a button press;
* :mod:`bot.turn.timers`: timers the conversation set running out;
* :mod:`bot.turn.dispatch`: one event to the section that handles it.

Pure like the engine: no I/O, no clock of its own.
"""
