"""Tests for the persistence backends."""
