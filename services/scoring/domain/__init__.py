"""Scoring's domain: reading results files and scoring districts. No AWS."""
