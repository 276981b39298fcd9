"""Tests of the loan (人才贷), its route and rules."""
