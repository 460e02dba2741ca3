"""Tests for compassion-bot."""
