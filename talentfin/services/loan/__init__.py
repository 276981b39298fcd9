"""The loan's own units of work (the bank's repayment file)."""
