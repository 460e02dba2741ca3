"""Scheduled compassion nudges: when they are due, what people type to set them
up, and what they say.

:mod:`bot.nudges.schedule` reads the person's nudge settings from their profile
and finds the next due time; :mod:`bot.nudges.parse` turns what people type in
the ``/nudges`` dialogue into those settings; :mod:`bot.nudges.library` writes
the nudge itself.  All three are pure; the scheduler and the store do the rest.
"""
