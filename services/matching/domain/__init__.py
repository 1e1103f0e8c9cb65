"""Matching's domain: who may be invited, who first, and which slot an opt-in fills. No AWS."""
