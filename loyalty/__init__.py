"""Loyalty: points ledger, tiers and lifecycle, coupons, check-in, follow gifts, big wheel, mall."""
