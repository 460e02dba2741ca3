"""Tests of bot.groups."""
