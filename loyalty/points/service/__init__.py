"""Points use cases; ledger.py holds the two primitives every other use case goes through."""
