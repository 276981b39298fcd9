"""The risk-compensation pool: its ledger, claims, recoveries, partner standing, subsidies,
figures and statements.

The pool names no product: a product it backs registers a ``cover.Cover`` that says how
to read its applications (covered and non-performing states, the exposure's columns).
"""
