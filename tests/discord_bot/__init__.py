"""Tests of the Discord adapter (named so it never shadows the ``discord`` package)."""
