"""Customer use cases: customers, contacts and follow-ups, transfers, imports."""
