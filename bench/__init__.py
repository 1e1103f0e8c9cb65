"""Benchmarks: each prints one JSON object (`tfc bench ...`). Targets live here, never in timed tests."""
