"""One data module per product; each exposes ``WORKFLOW``."""
