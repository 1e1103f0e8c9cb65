"""Scoring's use cases: a scoring run from the stored results to the published scores (runs)."""
