"""Benchmarks: scripts that print figures (SPEC section 6)."""
