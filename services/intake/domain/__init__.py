"""Intake's domain: validating requests and scoping them into projects. No AWS here."""
