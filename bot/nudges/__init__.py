"""Scheduled compassion nudges: when they are due, and what they say."""
