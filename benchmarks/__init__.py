"""Benchmarks: figures printed by `compassion-bot bench`, never asserted by tests."""
