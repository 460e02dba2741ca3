"""Tests for the safety layer: normaliser, detector, resources, evaluation."""
