"""A product that exists only in the tests: it proves a product is its package plus one
registration, with no change to the core."""
