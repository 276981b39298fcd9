"""Tests of the risk-compensation pool."""
